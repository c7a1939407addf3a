import type { IDataObject } from 'n8n-workflow';

import { orderKey, type OrderKey } from './pollState';

/**
 * Reads one v1 pull result set with `limit`/`offset`, checking as it goes
 * that nothing slipped between two pages.
 *
 * Offset paging over a list that changes while it is read can skip orders:
 * if an order ahead of the reader leaves the list (say its status no longer
 * matches a status filter), everything behind it moves up one place and one
 * order is never on any page. So each page after the first starts one place
 * early and must contain the last order of the page before; when it does
 * not, the read starts over (a few times at most, then it fails and the poll
 * changes nothing). Orders inserted ahead of the reader only push the list
 * down: they make some orders appear twice, which is harmless here.
 *
 * Kapture does not document the order of the list. When every page is in
 * non-increasing createDate order, the read stops at the first page that
 * reaches below `stopBelow`: with the order Kapture uses in practice (newest
 * first) a poll with nothing new costs one request. In any other order
 * the whole result set is read.
 */

export type FetchPage = (offset: number, limit: number) => Promise<IDataObject[]>;

export interface ReadOptions {
	pageSize: number;
	/** Given the newest createDate seen so far, the createDate under which nothing is wanted. */
	stopBelow?: (newestSeen: number) => number | null;
	/** Start-overs allowed when pages do not join up; then the read fails. */
	maxRestarts?: number;
	/** Safety bound on requests for one read. */
	maxRequests?: number;
	/** How a read that cannot complete fails (the node throws a NodeOperationError). */
	fail?: (message: string, description: string) => never;
}

export interface ReadEntry {
	order: IDataObject;
	key: OrderKey;
}

export interface ReadResult {
	/** Every order read, once each (by id, the last copy read), in no particular order. */
	entries: ReadEntry[];
	requests: number;
	restarts: number;
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

function keyOrFail(order: IDataObject, fail: (message: string, description: string) => never): OrderKey {
	const key = orderKey(order);
	if (!key) {
		return fail(
			'Kapture returned an order without a numeric id or createDate',
			`The trigger sorts and remembers orders by these two fields. The order read was: ${JSON.stringify(order).slice(0, 300)}`,
		);
	}
	return key;
}

export async function readOrders(fetchPage: FetchPage, options: ReadOptions): Promise<ReadResult> {
	const { pageSize, stopBelow, maxRestarts = 3, maxRequests = 10_000, fail = failWithReadError } = options;
	if (!Number.isInteger(pageSize) || pageSize < 2) {
		return fail(`Page size must be a whole number of at least 2, got ${pageSize}`, 'Pages overlap by one order.');
	}
	const byId = new Map<number, ReadEntry>();
	let requests = 0;
	let restarts = 0;
	let newestFirst = true;
	let newestSeen = -Infinity;

	const fetchCounted = async (offset: number): Promise<IDataObject[]> => {
		if (requests >= maxRequests) {
			return fail(
				`Reading new orders from Kapture needed more than ${maxRequests} requests`,
				'Lower the Overlap Window option or narrow the filters; the next poll tries again from the same place.',
			);
		}
		requests++;
		return await fetchPage(offset, pageSize);
	};

	attempts: for (;;) {
		let offset = 0;
		let previous: OrderKey | undefined;
		// Length of a page that is not the last one. Kapture's largest page is
		// undocumented: a short first page may be its cap, so it is confirmed.
		let fullLength: number | undefined;
		let firstLength = 0;

		for (;;) {
			const page = await fetchCounted(offset);
			const keys = page.map((order) => keyOrFail(order, fail));

			let freshFrom = 0;
			if (previous !== undefined) {
				const joinedAt = keys.findIndex((key) => key.id === previous!.id);
				if (joinedAt < 0) {
					// The last order of the previous page moved up or left the list:
					// an order may have slipped between the pages. Read again.
					if (++restarts > maxRestarts) {
						return fail(
							'The list of orders kept changing while the trigger was reading it',
							'Nothing was emitted and nothing is lost: the next poll reads again from the same place.',
						);
					}
					continue attempts;
				}
				freshFrom = joinedAt + 1;
			}

			let last = previous;
			for (let index = 0; index < page.length; index++) {
				const key = keys[index];
				if (last !== undefined && key.createDate > last.createDate) newestFirst = false;
				last = key;
				if (key.createDate > newestSeen) newestSeen = key.createDate;
				if (index >= freshFrom) byId.set(key.id, { order: page[index], key });
			}

			if (page.length === 0) break;
			// Only the overlapping order came back: the list ended with the previous page.
			if (previous !== undefined && freshFrom === page.length) break;

			const floor = stopBelow?.(newestSeen);
			if (newestFirst && floor !== null && floor !== undefined && last!.createDate < floor) break;

			if (fullLength === undefined) {
				if (page.length >= pageSize) fullLength = pageSize;
				else if (previous === undefined) firstLength = page.length;
				// A short first page followed by more orders: the server caps pages at that length.
				else fullLength = firstLength;
			}
			if (fullLength !== undefined && page.length < fullLength) break;

			previous = last;
			// The next page starts one order early, so it proves it joins this one.
			offset += page.length - 1;
		}
		break;
	}

	return { entries: [...byId.values()], requests, restarts, newestFirst };
}
