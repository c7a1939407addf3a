import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { boundedNumber } from '../../shared/helpers/numbers';
import { RequestScheduler } from '../../shared/transport';
import { asNodeError } from './validation';

export const DEFAULT_PARALLEL_REQUESTS = 5;
// The HTTP Request node runs dozens of requests at once; 429s shrink ours adaptively.
export const MAX_PARALLEL_REQUESTS = 50;

/** How many requests may run at once, from the Options collection (item 0). */
export function parallelRequests(context: IExecuteFunctions): number {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	return Math.floor(boundedNumber(options.parallelRequests, DEFAULT_PARALLEL_REQUESTS, 1, MAX_PARALLEL_REQUESTS));
}

export interface ItemJob<T> {
	/**
	 * Reads and checks the parameters of one item and builds its request.
	 * Runs for every item before anything is sent, so a bad item stops the
	 * node before any order is written.
	 */
	prepare: (itemIndex: number) => T;
	/** Sends the prepared request and returns what the item outputs. */
	send: (prepared: T, itemIndex: number, scheduler: RequestScheduler) => Promise<IDataObject | IDataObject[]>;
}

type Outcome = { ok: true; json: IDataObject | IDataObject[] } | { ok: false; error: Error };

function errorItem(error: Error, itemIndex: number): INodeExecutionData {
	return { json: { error: error.message }, pairedItem: { item: itemIndex } };
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

	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			prepared[itemIndex] = job.prepare(itemIndex);
		} catch (error) {
			if (!continueOnFail) throw asNodeError(context.getNode(), error, itemIndex);
			outcomes[itemIndex] = { ok: false, error: error as Error };
		}
	}

	const scheduler = new RequestScheduler(concurrency);
	let next = 0;
	let stopped = false;
	const worker = async () => {
		while (!stopped) {
			const itemIndex = next++;
			if (itemIndex >= count) return;
			if (outcomes[itemIndex]) continue;
			try {
				const json = await job.send(prepared[itemIndex] as T, itemIndex, scheduler);
				outcomes[itemIndex] = { ok: true, json };
			} catch (error) {
				outcomes[itemIndex] = { ok: false, error: error as Error };
				if (!continueOnFail) stopped = true;
			}
			prepared[itemIndex] = undefined;
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(count, 1)) }, worker));

	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		const outcome = outcomes[itemIndex];
		if (!outcome) continue;
		if (!outcome.ok) {
			if (!continueOnFail) throw asNodeError(context.getNode(), outcome.error, itemIndex);
			output.push(errorItem(outcome.error, itemIndex));
			continue;
		}
		const list = Array.isArray(outcome.json) ? outcome.json : [outcome.json];
		for (const json of list) output.push({ json, pairedItem: { item: itemIndex } });
	}
	return output;
}

export { errorItem };
