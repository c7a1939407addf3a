import type { IDataObject } from 'n8n-workflow';

import {
	locateBoundary,
	readPages,
	readUpward,
	type FetchPage,
	type ListOrder,
	type PagingFailure,
} from '../../shared/transport';
import { compareKeys, orderKey, type OrderKey, type PositionHint, type WindowRead } from './pollState';

/**
 * The trigger's read of Kapture's order list, with memory bounded by Max
 * Orders per Poll plus a page whatever the backlog.
 *
 * Kapture lists orders newest first. A window that fits a few pages is read
 * from the top down, as before. A larger one (a backlog after downtime) is
 * not: its start is found with one-record probes, and the window is read
 * from its start upwards, oldest orders first, until enough new orders are
 * found or the poll's time is up. Either way the read reports how far up it
 * is complete, so the poll emits a complete stretch from the window start,
 * never orders with a gap below them.
 */

export interface ReadEntry {
	order: IDataObject;
	key: OrderKey;
}

/** Thrown by `beforeRequest` when the poll's time is up; the read returns what is complete. */
export class PollOutOfTime extends Error {
	override name = 'PollOutOfTime';
}

export const OUT_OF_TIME = Symbol('out of time');

/** A read that stopped because the poll's time was up, as a value; any other failure stays one. */
export async function unlessOutOfTime(error: unknown): Promise<typeof OUT_OF_TIME> {
	return error instanceof PollOutOfTime ? OUT_OF_TIME : await Promise.reject(error);
}

export interface WindowOptions {
	/** The window start; null: every order of the list is in the window. */
	windowStart: number | null;
	cap: number;
	/** Whether the state the poll started from has handled an order already. */
	handled: (key: OrderKey) => boolean;
	/** Orders of the window the state has handled: a read meets them again. */
	handledInWindow: number;
	pageSize: number;
	/** Where the window start was last found, to look there first. */
	hint: PositionHint | null;
	/** Called before every request: throws PollOutOfTime when the poll must stop. */
	beforeRequest: () => void;
	fail: (message: string, description: string) => never;
	maxRequests?: number;
}

/** How reads of the list fail, in the trigger's words. */
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
		'Narrow the filters or lower the Overlap Window option; the next poll tries again from the same place.',
	],
	tiesTooLarge: [
		'More orders share one creation time than Kapture returns in one page',
		'The trigger reads orders with the same createDate in one request, because Kapture may return them in a different order on each request. Nothing was emitted; the next poll tries again from the same place.',
	],
};

/** A pager failure as the trigger's error. */
export function pagingFailure(fail: WindowOptions['fail']) {
	return (reason: PagingFailure, detail: string): never => {
		const [message, description] = PAGING_FAILURES[reason];
		return fail(message, `${description} (${detail})`);
	};
}

/** The newest-first order of Kapture's pull, keyed by createDate. */
export const NEWEST_FIRST: ListOrder = {
	keyOf: (order) => orderKey(order)?.createDate,
	descending: true,
};

/** The `cap` oldest entries (by createDate, then id) among those offered, and whether any were dropped. */
class OldestKept {
	private readonly heap: ReadEntry[] = [];
	overflow = false;
	/** The smallest id of the entries dropped. */
	minDroppedId: number | null = null;

	constructor(private readonly cap: number) {}

	get size(): number {
		return this.heap.length;
	}

	offer(entry: ReadEntry): void {
		const heap = this.heap;
		if (heap.length >= this.cap) {
			this.overflow = true;
			// A max-heap: the newest kept entry is on top and goes first.
			const dropped = compareKeys(entry.key, heap[0].key) >= 0 ? entry : heap[0];
			this.minDroppedId = Math.min(this.minDroppedId ?? Infinity, dropped.key.id);
			if (dropped === entry) return;
			heap[0] = entry;
			this.siftDown(0);
			return;
		}
		heap.push(entry);
		let index = heap.length - 1;
		while (index > 0) {
			const parent = (index - 1) >> 1;
			if (compareKeys(heap[parent].key, heap[index].key) >= 0) break;
			[heap[parent], heap[index]] = [heap[index], heap[parent]];
			index = parent;
		}
	}

	private siftDown(start: number): void {
		const heap = this.heap;
		let index = start;
		for (;;) {
			const left = index * 2 + 1;
			const right = left + 1;
			let largest = index;
			if (left < heap.length && compareKeys(heap[left].key, heap[largest].key) > 0) largest = left;
			if (right < heap.length && compareKeys(heap[right].key, heap[largest].key) > 0) largest = right;
			if (largest === index) return;
			[heap[largest], heap[index]] = [heap[index], heap[largest]];
			index = largest;
		}
	}

	clear(): void {
		this.heap.length = 0;
		this.overflow = false;
		this.minDroppedId = null;
	}

	oldestFirst(): ReadEntry[] {
		return [...this.heap].sort((a, b) => compareKeys(a.key, b.key));
	}
}

/**
 * Reads the window. `serverNow` in the result is left null: the caller knows
 * Kapture's clock from the answers' headers.
 */
export async function readWindow(fetchPage: FetchPage, options: WindowOptions): Promise<WindowRead<IDataObject>> {
	const { windowStart, handled, pageSize, beforeRequest, fail, maxRequests = 10_000 } = options;
	const cap = Math.max(1, Math.floor(options.cap));
	const kept = new OldestKept(cap);
	const pagingFail = pagingFailure(fail);
	const keyOf = (order: IDataObject): OrderKey =>
		orderKey(order) ??
		fail(
			'Kapture returned an order without a numeric id or createDate',
			`The trigger sorts and remembers orders by these two fields (ids up to 9007199254740991). The order read was: ${JSON.stringify(order).slice(0, 300)}`,
		);
	const offer = (order: IDataObject) => {
		const key = keyOf(order);
		if ((windowStart === null || key.createDate >= windowStart) && !handled(key)) kept.offer({ order, key });
	};
	const result = (upper: number | null, hint: PositionHint | null): WindowRead<IDataObject> => ({
		kept: kept.oldestFirst(),
		overflow: kept.overflow,
		upper,
		serverNow: null,
		hint,
		minDroppedId: kept.minDroppedId,
	});
	// Nothing complete: the state stays where it is.
	const nothing = (hint: PositionHint | null): WindowRead<IDataObject> => ({
		kept: [],
		overflow: false,
		upper: -Infinity,
		serverNow: null,
		hint,
		minDroppedId: null,
	});
	const fetch: FetchPage = async (offset, limit) => {
		beforeRequest();
		return await fetchPage(offset, limit);
	};

	// How many orders a top-down read may go through before looking for the window start instead.
	const topDownLimit = cap + options.handledInWindow + pageSize;
	// After a poll that did not catch up, the window start is near where that poll found its own.
	let guess = options.hint ? options.hint.position : undefined;

	if (guess === undefined || windowStart === null) {
		let read = 0;
		// From the newest order down: 'done' (the window ended), or 'backlog' (it holds more than is worth reading so).
		const topDown = async (): Promise<'done' | 'backlog'> => {
			const pages = readPages(fetch, { pageSize, order: NEWEST_FIRST, maxRequests, fail: pagingFail });
			let first = true;
			for await (const page of pages) {
				for (const order of page.records) offer(order);
				read += page.read.length;
				if (page.joinedOn !== 'key' || windowStart === null) continue;
				const last = page.read[page.read.length - 1];
				if (last !== undefined && keyOf(last).createDate < windowStart) return 'done';
				if (read >= topDownLimit) return 'backlog';
				if (first) {
					// More than a page: one probe tells a backlog (read from its oldest end) from a few pages.
					first = false;
					const [far] = await fetch(topDownLimit, 1);
					if (far !== undefined && keyOf(far).createDate >= windowStart) return 'backlog';
				}
			}
			// The list ended inside the window: all of it was read.
			return 'done';
		};
		const outcome = await topDown().catch(unlessOutOfTime);
		if (outcome === OUT_OF_TIME) return nothing(windowStart === null ? null : { windowStart, position: read });
		if (outcome === 'done' || windowStart === null) return result(null, null);
		// A backlog: the top-down orders are not the oldest; start again from the window start.
		kept.clear();
		guess = Math.max(read, topDownLimit);
	}

	let hint: PositionHint = { windowStart, position: guess };
	let upper: number | null = windowStart;
	const fromOldest = async (): Promise<void> => {
		const boundary = await locateBoundary(fetch, {
			order: NEWEST_FIRST,
			bound: windowStart,
			guess: guess as number,
			precision: Math.max(1, Math.floor(pageSize / 2)),
			maxRequests: 200,
			fail: pagingFail,
		});
		hint = { windowStart, position: Math.max(0, boundary.lo) };
		const pages = readUpward(fetch, {
			order: NEWEST_FIRST,
			bound: windowStart,
			hi: boundary.hi,
			pageSize,
			maxRequests,
			fail: pagingFail,
		});
		for await (const page of pages) {
			for (const order of page.records) offer(order);
			upper = page.upper as number | null;
			if (kept.size >= cap) return;
		}
	};
	// Out of time part way up: what is complete from the window start still counts.
	if ((await fromOldest().catch(unlessOutOfTime)) === OUT_OF_TIME && upper === windowStart) return nothing(hint);
	return result(upper, upper === null && !kept.overflow ? null : hint);
}

/** The newest order among the first pages of the list (manual "Fetch Test Event"). */
export async function readNewest(fetchPage: FetchPage, pageSize: number): Promise<IDataObject | undefined> {
	const page = await fetchPage(0, pageSize);
	let newest: IDataObject | undefined;
	let newestKey: OrderKey | undefined;
	for (const order of page) {
		const key = orderKey(order);
		if (key && (!newestKey || compareKeys(key, newestKey) > 0)) {
			newest = order;
			newestKey = key;
		}
	}
	return newest;
}
