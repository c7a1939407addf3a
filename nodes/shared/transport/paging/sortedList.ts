import type { IDataObject } from 'n8n-workflow';

import { compareInList, inListOrder, type ListOrder, type SortKey } from './listOrder';
import { defaultId, notReturnedYet } from './records';
import { failWithPagingError, type FetchPage, type PagingFailure } from './failures';

/**
 * Reading the END of a range of a sorted list without reading the rest: the
 * oldest orders of a backlog served newest first.
 *
 * The range is every record from the list's start up to `bound` (in list
 * order, ties with `bound` included): position 0 to b - 1. `locateBoundary`
 * finds b with one-record probes (positions of keys do not depend on how ties
 * are ordered), and `readUpward` reads from b back towards position 0, page by
 * page, each page proven to join the one below it on sort keys. After each
 * page the records from `bound` up to the page's top key are all known, so a
 * reader that stops early (a time budget, enough records) still holds a
 * complete stretch starting at `bound`.
 */

export interface Boundary {
	/** A position known to hold a record in the range; -1 when position 0 is already past it. */
	lo: number;
	/** A position known to hold a record past the range, or the list's end. */
	hi: number;
}

export interface LocateOptions {
	order: ListOrder;
	bound: SortKey;
	/** Where to start looking (e.g. where the boundary was last time). */
	guess: number;
	/** Stop once hi - lo is at most this. */
	precision: number;
	/** Called before each probe; may throw to stop (a time budget). */
	beforeRequest?: () => void;
	maxRequests?: number;
	fail?: (reason: PagingFailure, message: string) => never;
}

const failWith = failWithPagingError;

/** Finds where the range ends, with one-record probes: about 2·log2(distance from the guess) of them. */
export async function locateBoundary(fetchPage: FetchPage, options: LocateOptions): Promise<Boundary> {
	const { order, bound, precision, beforeRequest, maxRequests = 200, fail = failWith } = options;
	let requests = 0;
	const inRange = async (position: number): Promise<boolean> => {
		if (++requests > maxRequests) return fail('tooManyRequests', `Finding a place in the list needed more than ${maxRequests} requests`);
		beforeRequest?.();
		const [record] = await fetchPage(position, 1);
		if (record === undefined) return false;
		const key = order.keyOf(record);
		if (key === undefined) return fail('unstable', 'A record without a sort key');
		return compareInList(order, key, bound) <= 0;
	};

	let lo = -1;
	let hi: number;
	let probe = Math.max(0, Math.floor(options.guess));
	let step = Math.max(1, precision);
	if (await inRange(probe)) {
		lo = probe;
		for (;;) {
			probe = lo + step;
			if (!(await inRange(probe))) break;
			lo = probe;
			step *= 2;
		}
		hi = probe;
	} else {
		hi = probe;
		while (hi > 0) {
			probe = Math.max(0, hi - step);
			if (await inRange(probe)) {
				lo = probe;
				break;
			}
			hi = probe;
			step *= 2;
		}
	}
	while (hi - lo > Math.max(1, precision)) {
		const middle = Math.floor((lo + hi) / 2);
		if (await inRange(middle)) lo = middle;
		else hi = middle;
	}
	return { lo, hi };
}

/** The first position from `guess` on where `test` holds (it holds from some position to the end). */
async function firstPositionWhere(test: (position: number) => Promise<boolean>, guess: number): Promise<number> {
	let lo = -1;
	let hi: number;
	let probe = Math.max(0, guess);
	let step = 1;
	if (await test(probe)) {
		hi = probe;
		while (hi > 0) {
			probe = Math.max(0, hi - step);
			if (!(await test(probe))) {
				lo = probe;
				break;
			}
			hi = probe;
			step *= 2;
		}
	} else {
		lo = probe;
		for (;;) {
			probe = lo + step;
			if (await test(probe)) break;
			lo = probe;
			step *= 2;
		}
		hi = probe;
	}
	while (hi - lo > 1) {
		const middle = Math.floor((lo + hi) / 2);
		if (await test(middle)) hi = middle;
		else lo = middle;
	}
	return hi;
}

export interface TieGroupOptions {
	order: ListOrder;
	key: SortKey;
	/** A position in or near the group. */
	near: number;
	pageSize: number;
	idOf?: (record: IDataObject) => string | undefined;
	fail?: (reason: PagingFailure, message: string) => never;
	/** Reads of the group before giving up (its ties may come in another order each time). */
	maxPasses?: number;
}

export interface TieGroup {
	records: IDataObject[];
	/** The group's first position and the position after its last, when it was read. */
	start: number;
	end: number;
}

/**
 * Every record with one sort key, when there are more than one page holds.
 * Where the group starts and ends is found with one-record probes (positions
 * of keys do not depend on how ties are ordered), then its positions are read
 * page by page until as many different records as it holds have been seen:
 * one pass when the server keeps ties in one order, more when it shuffles them.
 */
export async function readTieGroup(fetchPage: FetchPage, options: TieGroupOptions): Promise<TieGroup> {
	const { order, key, pageSize, idOf = defaultId, fail = failWith, maxPasses = 16 } = options;
	const keyOfPosition = async (position: number): Promise<SortKey | undefined> => {
		const [record] = await fetchPage(position, 1);
		return record === undefined ? undefined : (order.keyOf(record) as SortKey);
	};
	const found = new Map<string, IDataObject>();
	let start = 0;
	let end = 0;
	for (let pass = 0; pass < maxPasses; pass++) {
		// Where the group is: its start, its end, and its start again, so that records inserted
		// ahead meanwhile (which move both) cannot make it look larger than it is.
		const startOf = async (near: number) =>
			await firstPositionWhere(async (position) => {
				const at = await keyOfPosition(position);
				return at === undefined || compareInList(order, at, key) >= 0;
			}, near);
		let measured = false;
		for (let attempt = 0; attempt < 5 && !measured; attempt++) {
			start = await startOf(pass === 0 && attempt === 0 ? options.near : start);
			end = await firstPositionWhere(async (position) => {
				const at = await keyOfPosition(position);
				return at === undefined || compareInList(order, at, key) > 0;
			}, Math.max(start, end));
			measured = (await startOf(start)) === start;
		}
		if (!measured) return fail('unstable', 'The list kept moving while a group of records with one sort key was counted');
		for (let position = start; position < end; ) {
			const page = await fetchPage(position, Math.min(pageSize, end - position));
			if (page.length === 0) break;
			for (const record of page) {
				const id = idOf(record);
				if (id !== undefined && compareInList(order, order.keyOf(record) as SortKey, key) === 0) found.set(id, record);
			}
			position += page.length;
		}
		if (found.size >= end - start) return { records: [...found.values()], start, end };
	}
	return fail(
		'tiesTooLarge',
		`${end - start} records share one sort key and the server returned only ${found.size} different ones of them in ${maxPasses} reads`,
	);
}

export interface UpwardOptions {
	order: ListOrder;
	bound: SortKey;
	/** From locateBoundary: a position at or past the range's end. */
	hi: number;
	pageSize: number;
	maxPageSize?: number;
	/** Called before each request; may throw to stop (a time budget). */
	beforeRequest?: () => void;
	maxRequests?: number;
	fail?: (reason: PagingFailure, message: string) => never;
	idOf?: (record: IDataObject) => string | undefined;
}

export interface UpwardPage {
	/** Records of the range not returned before, each once. */
	records: IDataObject[];
	/**
	 * Every record of the range from `bound` up to (not including) this key
	 * has now been returned; null: up to the list's start.
	 */
	upper: SortKey | null;
}

// Attempts to place one page before giving up: the list moving under the reader.
const MAX_PLACEMENTS = 20;

/**
 * Reads the range from its end back to the list's start, one page at a time
 * (see the top of this file). Each page ends a few records past the group of
 * the page below's top key (proving it reaches past that group even when
 * records were inserted meanwhile) and starts before it (else it is read
 * again, larger), so that group is taken whole, whatever order its ties come in.
 */
export async function* readUpward(fetchPage: FetchPage, options: UpwardOptions): AsyncGenerator<UpwardPage> {
	const { order, bound, beforeRequest, maxRequests = 10_000, fail = failWith, idOf = defaultId } = options;
	const maxPageSize = Math.max(4, options.maxPageSize ?? 2000);
	let size = Math.max(4, options.pageSize);
	let requests = 0;
	const returned = new Set<string>();
	const keyAt = (page: IDataObject[], index: number) => order.keyOf(page[index]) as SortKey;
	const fetch = async (offset: number, limit: number): Promise<IDataObject[]> => {
		if (++requests > maxRequests) return fail('tooManyRequests', `Reading the list needed more than ${maxRequests} requests`);
		beforeRequest?.();
		const page = await fetchPage(offset, limit);
		if (!inListOrder(order, page)) return fail('unstable', 'The list is not in the expected order');
		return page;
	};
	const fresh = (records: IDataObject[]) => notReturnedYet(records, returned, idOf);
	// Records a page reaches past what it needs, for orders inserted ahead between two requests (a
	// page placed too high is moved down anyway; this saves the extra request on a busy account).
	const slackOf = (pageSize: number) => Math.floor(pageSize / 10);

	// The bottom page: it must reach past the range (or to the list's end).
	let offset = Math.max(0, options.hi - (size - 1));
	let page: IDataObject[] = [];
	// Pages of this length have been served in full; a shorter one then ends the list.
	let served = 0;
	// The server serves no page longer than `size`.
	let capped = false;
	let downSteps = 1;
	for (let attempt = 0; ; attempt++) {
		if (attempt >= MAX_PLACEMENTS) return fail('unstable', 'The list kept moving while its end was looked for');
		page = await fetch(offset, size);
		const pastRange = page.findIndex((record) => compareInList(order, order.keyOf(record) as SortKey, bound) > 0);
		if (pastRange === 0 && offset > 0) {
			// Wholly past the range: the range ends higher up.
			offset = Math.max(0, offset - (size - 1));
			continue;
		}
		if (pastRange < 0 && page.length === 0 && offset > 0) {
			offset = Math.max(0, offset - (size - 1));
			continue;
		}
		if (pastRange < 0 && page.length > 0) {
			if (page.length === size) {
				// Wholly inside the range: it ends further down (records were inserted ahead), by a page
				// or more each time.
				served = Math.max(served, size);
				offset += (size - 1) * downSteps;
				downSteps *= 2;
				continue;
			}
			if (served < size) {
				// Shorter than asked: the list's end, or a server that caps pages at this length.
				// Read on as if it caps; a page shorter than that then proves the end.
				size = page.length;
				served = page.length;
				capped = true;
				// The located end of the range at the end of a page of this size.
				offset = Math.max(offset + 1, options.hi - (size - 1));
				continue;
			}
			// The list's end: pages as long as asked were served before.
		}
		break;
	}
	// Nothing past the range on the bottom page: it ends the list, and pages may reach past the end.
	const rangeEndsList = !page.some((record) => compareInList(order, order.keyOf(record) as SortKey, bound) > 0);

	for (;;) {
		const inRange = page.filter((record) => compareInList(order, order.keyOf(record) as SortKey, bound) <= 0);
		if (offset === 0) {
			yield { records: fresh(inRange), upper: null };
			return;
		}
		if (inRange.length === 0) {
			// Nothing of the range on this page: it ends above the page.
			offset = Math.max(0, offset - (size - 1));
			page = await fetch(offset, size);
			continue;
		}
		const top = keyAt(inRange, 0);
		let groupEnd = 0;
		while (groupEnd < inRange.length && compareInList(order, keyAt(inRange, groupEnd), top) === 0) groupEnd++;
		yield { records: fresh(inRange.slice(groupEnd)), upper: top };

		// The page above: a record before the `top` group, all of the group, and a record after it
		// (the anchor), wherever records inserted meanwhile have pushed the group.
		const groupEndPosition = offset + groupEnd;
		let aboveOffset = Math.max(0, groupEndPosition + slackOf(size) - (size - 1));
		let above: IDataObject[] = [];
		let upStep = 1;
		// Set once the whole `top` group has been read on its own (it does not fit a page).
		let topDone = false;
		let tieRecords: IDataObject[] = [];
		const grow = async (seen: number): Promise<void> => {
			if (seen >= size && size < maxPageSize && !capped) {
				size = Math.min(maxPageSize, size * 2);
				return;
			}
			const group = await readTieGroup(fetch, { order, key: top, near: aboveOffset, pageSize: capped ? size : maxPageSize, idOf, fail });
			tieRecords = fresh(group.records);
			topDone = true;
			aboveOffset = Math.max(0, group.start + slackOf(size) - (size - 1));
		};
		for (let attempt = 0; ; attempt++) {
			if (attempt >= 3 * MAX_PLACEMENTS) return fail('unstable', 'The list kept moving while it was read');
			above = await fetch(aboveOffset, size);
			if (above.length < size && !rangeEndsList) {
				// Shorter than asked far from the list's end: the server caps pages at this length.
				size = Math.max(4, above.length);
				capped = true;
				continue;
			}
			const relation = (record: IDataObject) => compareInList(order, order.keyOf(record) as SortKey, top);
			let first = above.findIndex((record) => relation(record) >= 0);
			if (first < 0) first = above.length;
			// Once the group is done, any of its records anchors the page as well.
			const after = above.findIndex((record) => relation(record) > (topDone ? -1 : 0));
			// A page shorter than asked reaches the list's end: nothing after the group to anchor on.
			const hasAfter = after >= 0 || above.length < size;
			const hasBefore = aboveOffset === 0 || first > 0;
			if (hasBefore && hasAfter) break;
			if (!hasBefore) {
				if (after === 0) {
					// Wholly after the group: move up a page.
					aboveOffset = Math.max(0, aboveOffset - (size - 1));
				} else if (hasAfter) {
					// Starts inside the group: move up, a little first.
					aboveOffset = Math.max(0, aboveOffset - upStep);
					upStep *= 2;
				} else {
					await grow(above.length);
				}
			} else if (first === above.length) {
				// Wholly before the group: it was pushed further down.
				aboveOffset += size - 1;
			} else if (first > 1) {
				// The group starts on this page and ends below it: start just before the group.
				aboveOffset += first - 1;
			} else {
				await grow(above.length);
			}
		}
		if (tieRecords.length > 0) yield { records: tieRecords, upper: top };
		offset = aboveOffset;
		page = above;
	}
}
