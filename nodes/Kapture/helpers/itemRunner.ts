import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { boundedNumber } from '../../shared/helpers/numbers';
import { deliveryOf, RequestScheduler } from '../../shared/transport';
import { asNodeError } from './validation';

export const DEFAULT_PARALLEL_REQUESTS = 5;
// The HTTP Request node runs dozens of requests at once; 429s shrink ours adaptively.
export const MAX_PARALLEL_REQUESTS = 50;

/** How many requests may run at once, from the Options collection (item 0). */
export function parallelRequests(context: IExecuteFunctions): number {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	return Math.floor(boundedNumber(options.parallelRequests, DEFAULT_PARALLEL_REQUESTS, 1, MAX_PARALLEL_REQUESTS));
}

/**
 * What an item's write does in Kapture, which decides what its error item
 * says when nothing more specific is known:
 * - `none`: it only reads, so running it again is always safe;
 * - `idempotent`: it sets values (an update), so sending it twice changes nothing more;
 * - `creates`: it creates a record (an order, a payment), so sending it twice may create two.
 */
export type WriteEffect = 'none' | 'idempotent' | 'creates';

/**
 * What every error item tells a workflow besides the message, so it can
 * route failures without reading them: whether running the item again is
 * safe, and whether Kapture may have created its order (or payment) anyway.
 */
export interface FailureFacts {
	/** Running the item again cannot write anything twice. */
	retrySafe: boolean;
	/** Kapture may have created the item's order (Add Payment: its payment) although the item failed. */
	mayHaveBeenCreated: boolean;
	/** More fields for the error item, e.g. the existing order's ID. */
	fields?: IDataObject;
}

// Facts an operation attached to an error it throws; read when the error item is built.
const factsOfError = new WeakMap<object, FailureFacts>();

/** Attaches what is known about a failure to the error that reports it. */
export function withFacts<E extends Error>(error: E, facts: FailureFacts): E {
	factsOfError.set(error, facts);
	return error;
}

/** The facts of an item's failure: what the operation attached, else what the error proves. */
export function factsOf(error: Error, effect: WriteEffect, stage: 'prepare' | 'send'): FailureFacts {
	const attached = factsOfError.get(error);
	if (attached) return attached;
	// Nothing was sent: a bad item, found before the first request.
	if (stage === 'prepare' || effect === 'none') return { retrySafe: true, mayHaveBeenCreated: false };
	const delivery = deliveryOf(error);
	const context = (error as { context?: IDataObject }).context;
	// A failed read (a lookup) in a writing operation wrote nothing.
	if (delivery === 'notProcessed' || (delivery !== undefined && context?.write === false)) {
		return { retrySafe: true, mayHaveBeenCreated: false };
	}
	if (effect === 'idempotent') return { retrySafe: true, mayHaveBeenCreated: false };
	// Kapture may have acted, or the error says nothing about it: assume the worst.
	return { retrySafe: false, mayHaveBeenCreated: true };
}

/** What an item's job may do besides sending requests. */
export interface ItemTools {
	/** Shared by the requests of one execution: one back-off, bounded parallelism. */
	scheduler: RequestScheduler;
	/**
	 * Waits without holding one of the Parallel Requests places: another item
	 * is started meanwhile. For waits of seconds (Kapture's search catching up).
	 */
	pause(ms: number): Promise<void>;
}

export interface ItemJob<T> {
	/**
	 * Reads and checks the parameters of one item and builds its request.
	 * Runs for every item before anything is sent, so a bad item stops the
	 * node before any order is written.
	 */
	prepare: (itemIndex: number) => T;
	/** Sends the prepared request and returns what the item outputs. */
	send: (prepared: T, itemIndex: number, tools: ItemTools) => Promise<IDataObject | IDataObject[]>;
	/** What sending does in Kapture (see WriteEffect). */
	effect: WriteEffect;
	/**
	 * Fields that identify the item in its error item (erp_order_id,
	 * customer_name, ...), from the prepared request or, when preparing
	 * failed, from the raw parameters.
	 */
	identify?: (itemIndex: number, prepared: T | undefined) => IDataObject;
}

type Outcome = { ok: true; json: IDataObject | IDataObject[] } | { ok: false; error: Error; stage: 'prepare' | 'send' };

/** An error item: the message, what the failure means, and what identifies the item. */
export function errorItem(
	error: Error,
	itemIndex: number,
	facts: FailureFacts = factsOf(error, 'none', 'send'),
	identity: IDataObject = {},
): INodeExecutionData {
	const { retrySafe, mayHaveBeenCreated, fields } = facts;
	return {
		json: { error: error.message, retrySafe, mayHaveBeenCreated, ...identity, ...fields },
		pairedItem: { item: itemIndex },
	};
}

/**
 * Runs one request per input item, up to `concurrency` at once, and returns
 * the output exactly as a one-by-one run would: items in input order, each
 * paired with its input. All requests share one scheduler, so when Kapture
 * says "slow down" every request waits. Without Continue On Fail the first
 * error (lowest item) is thrown once the requests already in flight are done;
 * nothing new is started after an error.
 */
export async function runPerItem<T>(
	context: IExecuteFunctions,
	job: ItemJob<T>,
	concurrency = parallelRequests(context),
): Promise<INodeExecutionData[]> {
	const count = context.getInputData().length;
	const continueOnFail = context.continueOnFail();
	const outcomes: Array<Outcome | undefined> = new Array(count);
	const prepared: Array<T | undefined> = new Array(count);
	const identities: Array<IDataObject | undefined> = new Array(count);
	const identify = (itemIndex: number) => {
		if (job.identify && identities[itemIndex] === undefined) {
			identities[itemIndex] = job.identify(itemIndex, prepared[itemIndex]);
		}
	};

	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			prepared[itemIndex] = job.prepare(itemIndex);
		} catch (error) {
			if (!continueOnFail) throw asNodeError(context.getNode(), error, itemIndex);
			outcomes[itemIndex] = { ok: false, error: error as Error, stage: 'prepare' };
			identify(itemIndex);
		}
	}

	const scheduler = new RequestScheduler(concurrency);
	let next = 0;
	let stopped = false;
	// Workers holding one of the `concurrency` places. A paused item gives its
	// place to a new worker and, once done, its own worker leaves if the places are full.
	let placesTaken = 0;
	const running = new Set<Promise<void>>();
	const startWorker = () => {
		placesTaken++;
		const done: Promise<void> = worker().finally(() => running.delete(done));
		running.add(done);
	};
	const worker = async () => {
		let holdsPlace = true;
		const tools: ItemTools = {
			scheduler,
			pause: async (ms) => {
				if (holdsPlace) {
					holdsPlace = false;
					placesTaken--;
					if (!stopped && next < count) startWorker();
				}
				await sleep(ms);
			},
		};
		for (;;) {
			if (!holdsPlace) {
				if (placesTaken >= concurrency) return;
				holdsPlace = true;
				placesTaken++;
			}
			const itemIndex = next++;
			if (stopped || itemIndex >= count) break;
			if (outcomes[itemIndex]) continue;
			try {
				const json = await job.send(prepared[itemIndex] as T, itemIndex, tools);
				outcomes[itemIndex] = { ok: true, json };
			} catch (error) {
				outcomes[itemIndex] = { ok: false, error: error as Error, stage: 'send' };
				identify(itemIndex);
				if (!continueOnFail) stopped = true;
			}
			prepared[itemIndex] = undefined;
		}
		if (holdsPlace) placesTaken--;
	};
	for (let started = 0; started < Math.min(concurrency, Math.max(count, 1)); started++) startWorker();
	// Paused items start workers while others run: wait until none is left.
	while (running.size > 0) await Promise.all([...running]);

	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		const outcome = outcomes[itemIndex];
		if (!outcome) continue;
		if (!outcome.ok) {
			if (!continueOnFail) throw asNodeError(context.getNode(), outcome.error, itemIndex);
			const facts = factsOf(outcome.error, job.effect, outcome.stage);
			output.push(errorItem(outcome.error, itemIndex, facts, identities[itemIndex]));
			continue;
		}
		const list = Array.isArray(outcome.json) ? outcome.json : [outcome.json];
		for (const json of list) output.push({ json, pairedItem: { item: itemIndex } });
	}
	return output;
}
