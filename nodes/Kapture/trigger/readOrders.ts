import type { IDataObject } from 'n8n-workflow';

import type { Page, PagingFailure } from '../../shared/transport';
import { orderKey, type OrderKey } from './pollState';

/**
 * The trigger's read of one v1 pull result set, on top of the one pager
 * (read with `overlap`, so nothing slips between pages while the list
 * changes: see readPages; give it `pagingFailure` as its `fail`).
 *
 * Kapture does not document the order of the list. When every page is in
 * non-increasing createDate order, the read stops at the first page that
 * reaches below `stopBelow`: with the order Kapture uses in practice (newest
 * first) a poll with nothing new costs one request. In any other order
 * the whole result set is read.
 */

export interface ReadOptions {
	/** Given the newest createDate seen so far, the createDate under which nothing is wanted. */
	stopBelow?: (newestSeen: number) => number | null;
	/** How a read that cannot complete fails (the node throws a NodeOperationError). */
	fail?: (message: string, description: string) => never;
}

export interface ReadEntry {
	order: IDataObject;
	key: OrderKey;
}

export interface ReadResult {
	/** Every order read, once each, in no particular order. */
	entries: ReadEntry[];
	/** Whether every page came in non-increasing createDate order. */
	newestFirst: boolean;
}

export class ReadError extends Error {
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
	}
}

const failWithReadError = (message: string, description: string): never => {
	throw new ReadError(message, description);
};

const PAGING_FAILURES: Record<PagingFailure, [string, string]> = {
	unstable: [
		'The list of orders kept changing while the trigger was reading it',
		'Nothing was emitted and nothing is lost: the next poll reads again from the same place.',
	],
	repeating: [
		'Kapture kept answering with orders the trigger had already read',
		'Kapture may not be honouring the offset of the pull; nothing was emitted and the next poll tries again from the same place.',
	],
	tooManyRequests: [
		'Reading new orders from Kapture needed too many requests',
		'Lower the Overlap Window option or narrow the filters; the next poll tries again from the same place.',
	],
};

/** How the pager fails for the trigger: in its words, through the trigger's `fail`. */
export function pagingFailure(fail: (message: string, description: string) => never = failWithReadError) {
	return (reason: PagingFailure): never => fail(...PAGING_FAILURES[reason]);
}

export async function readOrders(pages: AsyncIterable<Page>, options: ReadOptions = {}): Promise<ReadResult> {
	const { stopBelow, fail = failWithReadError } = options;
	const keyOf = (order: IDataObject): OrderKey =>
		orderKey(order) ??
		fail(
			'Kapture returned an order without a numeric id or createDate',
			`The trigger sorts and remembers orders by these two fields (ids up to 9007199254740991). The order read was: ${JSON.stringify(order).slice(0, 300)}`,
		);
	const byId = new Map<number, ReadEntry>();
	let newestFirst = true;
	let newestSeen = -Infinity;
	let last: OrderKey | undefined;

	for await (const { records, read } of pages) {
		for (const order of read) {
			const key = keyOf(order);
			if (last !== undefined && key.createDate > last.createDate) newestFirst = false;
			last = key;
			if (key.createDate > newestSeen) newestSeen = key.createDate;
		}
		for (const order of records) {
			const key = keyOf(order);
			byId.set(key.id, { order, key });
		}
		const floor = stopBelow?.(newestSeen);
		if (newestFirst && floor !== null && floor !== undefined && last && last.createDate < floor) break;
	}
	return { entries: [...byId.values()], newestFirst };
}
