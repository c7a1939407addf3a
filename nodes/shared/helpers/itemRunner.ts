import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { deliveryOf, RequestScheduler, type PaceSettings, type Page } from '../transport';
import { boundedNumber } from './numbers';
import { asNodeError } from './validation';

/** Requests in flight at the start when Parallel Requests is left out (automatic). */
export const AUTOMATIC_START_REQUESTS = 10;
// The HTTP Request node runs a hundred and more requests at once; ours grows to this only while
// Kapture answers quickly, and 429s and slow answers shrink it (transport/pace.ts).
export const MAX_PARALLEL_REQUESTS = 100;
/** What the editor proposes when Parallel Requests is added: the old fixed default. */
export const DEFAULT_PARALLEL_REQUESTS_CAP = 5;

/** Options > When Asked to Slow Down: the default, and the choice that only waits. */
export const SLOW_DOWN_ADAPT = 'adapt';
export const SLOW_DOWN_WAIT_ONLY = 'waitOnly';

/**
 * The pace from the Options collection (item 0). Parallel Requests left out:
 * the node finds the pace itself (from AUTOMATIC_START_REQUESTS up to
 * MAX_PARALLEL_REQUESTS); set: a hard cap the node starts at and never exceeds.
 * When Asked to Slow Down: whether a 429/503 changes the pace or only pauses.
 */
export function paceSettings(context: IExecuteFunctions): PaceSettings {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const adaptToRefusals = options.slowDown !== SLOW_DOWN_WAIT_ONLY;
	if (options.parallelRequests === undefined || options.parallelRequests === null || options.parallelRequests === '') {
		return { ceiling: MAX_PARALLEL_REQUESTS, initial: AUTOMATIC_START_REQUESTS, adaptToRefusals };
	}
	const cap = Math.floor(boundedNumber(options.parallelRequests, DEFAULT_PARALLEL_REQUESTS_CAP, 1, MAX_PARALLEL_REQUESTS));
	return { ceiling: cap, initial: cap, adaptToRefusals };
}

/**
 * What an item's write does at the vendor (Kapture, SourceHub), which decides what its error item
 * says when nothing more specific is known:
 * - `none`: it only reads, so running it again is always safe;
 * - `idempotent`: it sets values (an update), so sending it twice changes nothing more;
 * - `creates`: it creates a record (an order, a payment), so sending it twice may create two.
 */
export type WriteEffect = 'none' | 'idempotent' | 'creates';

/**
 * What every error item tells a workflow besides the message, so it can
 * route failures without reading them: whether running the item again is
 * safe, and whether the vendor may have created its order (or payment) anyway.
 */
export interface FailureFacts {
	/** Running the item again cannot write anything twice. */
	retrySafe: boolean;
	/** The vendor may have created the item's order (Add Payment: its payment) although the item failed. */
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
	// The vendor may have acted, or the error says nothing about it: assume the worst.
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
	/** What sending does at the vendor (see WriteEffect). */
	effect: WriteEffect;
	/**
	 * Fields that identify the item in its error item (erp_order_id,
	 * customer_name, ...), from the prepared request or, when preparing
	 * failed, from the raw parameters.
	 */
	identify?: (itemIndex: number, prepared: T | undefined) => IDataObject;
}

type Outcome = { ok: true; json: IDataObject | IDataObject[] } | { ok: false; error: Error; stage: 'prepare' | 'send' };

/**
 * n8n's error output ("On Error: Continue (using error output)") takes only
 * items whose json holds nothing but `error`, `message` and `details`; any
 * other key keeps a failed item on the success output. So there the facts go
 * under `details`; with plain Continue On Fail they stay at the top, one click away.
 */
export function sendsToErrorOutput(context: IExecuteFunctions): boolean {
	return context.getNode().onError === 'continueErrorOutput';
}

/** An error item: the message, what the failure means, and what identifies the item. */
export function errorItem(
	error: Error,
	itemIndex: number,
	facts: FailureFacts = factsOf(error, 'none', 'send'),
	identity: IDataObject = {},
	toErrorOutput = false,
): INodeExecutionData {
	const { retrySafe, mayHaveBeenCreated, fields } = facts;
	const details: IDataObject = { retrySafe, mayHaveBeenCreated, ...identity, ...fields };
	return {
		json: toErrorOutput ? { error: error.message, details } : { error: error.message, ...details },
		pairedItem: { item: itemIndex },
	};
}

/**
 * Runs one request per input item, as many at once as `pace` allows, and returns
 * the output exactly as a one-by-one run would: items in input order, each
 * paired with its input. All requests share one scheduler, so when the
 * vendor says "slow down" every request waits. Without Continue On Fail the first
 * error (lowest item) is thrown once the requests already in flight are done;
 * nothing new is started after an error.
 */
export async function runPerItem<T>(
	context: IExecuteFunctions,
	job: ItemJob<T>,
	pace: PaceSettings = paceSettings(context),
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

	const prepare = (itemIndex: number) => {
		try {
			prepared[itemIndex] = job.prepare(itemIndex);
		} catch (error) {
			if (!continueOnFail) throw asNodeError(context.getNode(), error, itemIndex);
			outcomes[itemIndex] = { ok: false, error: error as Error, stage: 'prepare' };
			identify(itemIndex);
		}
	};
	// Every item is checked before the first request: a bad item stops the node
	// (or, with Continue On Fail, becomes its error item) before anything is sent.
	// (Preparing each item just before sending it, with Continue On Fail, was
	// measured: slower at 50 ms, as the preparing delays the answers' handling.)
	for (let itemIndex = 0; itemIndex < count; itemIndex++) prepare(itemIndex);

	const scheduler = new RequestScheduler(pace);
	// One worker per place the pace may ever allow; the scheduler decides how many send at once.
	const concurrency = scheduler.ceiling;
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
			output.push(errorItem(outcome.error, itemIndex, facts, identities[itemIndex], sendsToErrorOutput(context)));
			continue;
		}
		const list = Array.isArray(outcome.json) ? outcome.json : [outcome.json];
		for (const json of list) output.push({ json, pairedItem: { item: itemIndex } });
	}
	return output;
}

export interface ListJob<T> {
	/** As in ItemJob: every item is checked before the first request. */
	prepare: (itemIndex: number) => T;
	/** The most records the item outputs (Infinity with Return All). */
	limit: (prepared: T) => number;
	/** The item's list, page by page (see readPages). */
	pages: (prepared: T, itemIndex: number, scheduler: RequestScheduler) => AsyncGenerator<Page>;
	/** What one record outputs. */
	output: (record: IDataObject, prepared: T) => IDataObject;
}

/**
 * One output item per record of each input item's list, read page by page.
 * Lists are read one after the other, in input order, each output item paired
 * with its input. A list that fails part-way outputs nothing but the error
 * (with Continue On Fail): a partial list would look complete.
 */
export async function runListPerItem<T>(context: IExecuteFunctions, job: ListJob<T>): Promise<INodeExecutionData[]> {
	const continueOnFail = context.continueOnFail();
	const plans: Array<{ ok: true; prepared: T } | { ok: false; error: Error }> = context
		.getInputData()
		.map((_, itemIndex) => {
			try {
				return { ok: true, prepared: job.prepare(itemIndex) };
			} catch (error) {
				if (!continueOnFail) throw asNodeError(context.getNode(), error, itemIndex);
				return { ok: false, error: error as Error };
			}
		});

	const output: INodeExecutionData[] = [];
	const scheduler = new RequestScheduler(1);
	for (const [itemIndex, plan] of plans.entries()) {
		if (!plan.ok) {
			output.push(errorItem(plan.error, itemIndex, undefined, {}, sendsToErrorOutput(context)));
			continue;
		}
		const limit = job.limit(plan.prepared);
		const firstOutput = output.length;
		try {
			read: for await (const { records } of job.pages(plan.prepared, itemIndex, scheduler)) {
				for (const record of records) {
					output.push({ json: job.output(record, plan.prepared), pairedItem: { item: itemIndex } });
					if (output.length - firstOutput >= limit) break read;
				}
			}
		} catch (error) {
			if (!continueOnFail) throw asNodeError(context.getNode(), error, itemIndex);
			output.length = firstOutput;
			output.push(errorItem(error as Error, itemIndex, undefined, {}, sendsToErrorOutput(context)));
		}
	}
	return output;
}

