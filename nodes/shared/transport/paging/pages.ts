import type { IDataObject } from 'n8n-workflow';

import { compareInList, inListOrder, type ListOrder, type SortKey } from './listOrder';
import { defaultId, notReturnedYet } from './records';
import { failWithPagingError, type FetchPage, type PagingFailure } from './failures';
import { readTieGroup } from './sortedList';

export { PagingError, type FetchPage, type PagingFailure } from './failures';

export interface PagingOptions {
	/** Records asked for per request. */
	pageSize: number;
	/**
	 * Each page after the first starts one record early and must contain a
	 * record of the page before, which proves nothing slipped between the two
	 * while the list changed (see readPages). Needs records with an id; page
	 * sizes below 2 are raised to 2.
	 */
	overlap?: boolean;
	/** A record's identity, used to return each record once and to join pages. Default: its `id` as text. */
	idOf?: (record: IDataObject) => string | undefined;
	/**
	 * Vendors rarely document their largest page: a server may answer fewer
	 * records than asked while more exist. Until a full page proves the size
	 * is honoured, a short first page is confirmed with one more request.
	 * Callers that know the result is small can skip that.
	 */
	confirmShortFirstPage?: boolean;
	/** Safety bound on requests for one read. */
	maxRequests?: number;
	/** Times the read may start over when pages cannot be joined at all. */
	maxRestarts?: number;
	/** Ids already returned, to return each record once across several lists read one after the other. */
	returned?: Set<string>;
	/** How a read that cannot complete fails; by default a PagingError with this message is thrown. */
	fail?: (reason: PagingFailure, message: string) => never;
	/**
	 * The list's sort order. With it, pages join on sort keys instead of ids
	 * (see readByKey), which holds when records with equal keys come in another
	 * order on each request; implies `overlap`. A page out of this order makes
	 * the read start over joining by ids.
	 */
	order?: ListOrder;
	/** Largest page asked for when a group of equal keys does not fit a page (default 2000). */
	maxPageSize?: number;
}

export interface Page {
	/** Records not returned before, in list order. */
	records: IDataObject[];
	/** The page as the vendor sent it, overlap included. */
	read: IDataObject[];
	/** How the page was joined to the one before: on sort keys (the list is in `order`) or on ids. */
	joinedOn: 'key' | 'id';
}

// Pages in a row that bring nothing new before the read gives up: a server that ignores the
// offset would otherwise be read until maxRequests.
const MAX_IDLE_PAGES = 3;
// Joining on keys, a page can bring nothing new without anything being wrong (records inserted ahead
// push the list down as far as the reader moved); only a run of such pages means the offset is ignored.
const MAX_STUCK_PAGES = 10;

/**
 * Reads a paged list to its end, whatever page size the server really
 * honours, returning every record once (by id).
 *
 * The end: a page shorter than asked ends the list once a full page has
 * proven the size is honoured; before that, a page shorter than an earlier
 * one, or an empty page.
 *
 * With `overlap`, offset paging over a list that changes while it is read
 * loses nothing that stays in the list. Records inserted ahead of the
 * reading position push the list down: the next page starts earlier and
 * repeats records, which are not returned twice. Records ahead that leave
 * the list pull it up, so one record would never be on any page: the next
 * page then holds no record of the page before, and the pager steps back a
 * page at a time until it finds one, reading on from there. If none of them
 * is left at all, it reads the list again from the start (returning only
 * what is new). This relies on the list keeping its order for records that
 * stay in it, as a sorted list does; with `order`, pages join on sort keys
 * instead, which also survives ties that come in another order each time.
 */
export async function* readPages(fetchPage: FetchPage, options: PagingOptions): AsyncGenerator<Page> {
	if (options.order) {
		yield* readByKey(fetchPage, options, options.order);
		return;
	}
	yield* readById(fetchPage, options);
}

async function* readById(fetchPage: FetchPage, options: PagingOptions): AsyncGenerator<Page> {
	const { overlap = false, idOf = defaultId, confirmShortFirstPage = true } = options;
	const { maxRequests = 10_000, maxRestarts = 3, fail = failWithPagingError } = options;
	const pageSize = overlap ? Math.max(2, options.pageSize) : options.pageSize;
	const returned = options.returned ?? new Set<string>();
	let offset = 0;
	let largest = 0;
	let requests = 0;
	let restarts = 0;
	let idle = 0;
	// Ids of the page before, when pages must join up.
	let before: Set<string> | undefined;

	for (;;) {
		if (requests >= maxRequests) {
			return fail('tooManyRequests', `Reading the list needed more than ${maxRequests} requests`);
		}
		requests++;
		const page = await fetchPage(offset, pageSize);

		let from = 0;
		if (before && before.size > 0) {
			const joinedAt = lastIndexIn(page, before, idOf);
			if (joinedAt < 0 && offset > 0) {
				// Records ahead left the list: look for the page before one page earlier.
				offset = Math.max(0, offset - (pageSize - 1));
				continue;
			}
			if (joinedAt < 0) {
				// None of the page before is left: this first page starts the list over.
				if (++restarts > maxRestarts) {
					return fail('unstable', 'The list kept changing while it was read');
				}
				before = undefined;
			}
			from = joinedAt + 1;
		}

		const records = notReturnedYet(page.slice(from), returned, idOf);
		yield { records, read: page, joinedOn: 'id' };
		idle = records.length === 0 && page.length > 0 ? idle + 1 : 0;
		if (idle >= MAX_IDLE_PAGES) {
			return fail('repeating', `The server sent ${MAX_IDLE_PAGES} pages in a row holding only records already read`);
		}

		// A page that only repeats the page before is short too (the list ended with that page),
		// unless it is a step back: then it is full and the read goes on from its end.
		if (page.length === 0) return;
		const short = page.length < pageSize;
		if (short && (largest >= pageSize || !confirmShortFirstPage || page.length < largest)) return;
		largest = Math.max(largest, page.length);

		if (overlap && page.length >= 2) {
			before = new Set(page.map(idOf).filter((id): id is string => id !== undefined));
			// The next page starts one record early, so it proves it joins this one.
			offset += page.length - 1;
		} else {
			// A server that serves single records leaves nothing to overlap.
			before = undefined;
			offset += page.length;
		}
	}
}

function lastIndexIn(page: IDataObject[], ids: Set<string>, idOf: (record: IDataObject) => string | undefined): number {
	for (let index = page.length - 1; index >= 0; index--) {
		const id = idOf(page[index]);
		if (id !== undefined && ids.has(id)) return index;
	}
	return -1;
}

/**
 * Reads a list sorted by `order`, joining pages on sort keys.
 *
 * Ties (records with one key) sit together in the list, but a server may
 * return them in another order on every request, so a page boundary inside a
 * tie group shows some of its records twice and others never. So the records
 * sharing a page's last key are never taken from that page: the next page
 * starts one record before that group (the anchor, a strictly earlier key,
 * proving the page starts before the group) and takes the whole group from
 * there, together with what follows. A group that fills a page is read again
 * with larger pages. A page that starts inside the group (records ahead left
 * the list) steps back. Records inserted ahead push the list down: the next
 * page then repeats records, which are not returned twice.
 */
async function* readByKey(fetchPage: FetchPage, options: PagingOptions, order: ListOrder): AsyncGenerator<Page> {
	const { idOf = defaultId, confirmShortFirstPage = true, maxRequests = 10_000, fail = failWithPagingError } = options;
	const maxPageSize = Math.max(2, options.maxPageSize ?? 2000);
	const returned = options.returned ?? new Set<string>();
	let size = Math.max(2, options.pageSize);
	let offset = 0;
	let largest = 0;
	let requests = 0;
	let idle = 0;
	// Every record before this key has been returned, and with `done` also the ones with it.
	let frontier: { key: SortKey; done: boolean } | undefined;
	// The page length before the page was enlarged for a tie group, to notice a server that caps it.
	let lengthBeforeGrowth: number | undefined;
	let stepBack = 1;
	const keyAt = (page: IDataObject[], index: number) => order.keyOf(page[index]) as SortKey;
	// Whether a record keyed `key` has been returned, as far as the frontier tells.
	const behind = (key: SortKey) => {
		if (frontier === undefined) return false;
		const relation = compareInList(order, key, frontier.key);
		return relation < 0 || (relation === 0 && frontier.done);
	};
	const counted: FetchPage = async (at, limit) => {
		if (++requests > maxRequests) return fail('tooManyRequests', `Reading the list needed more than ${maxRequests} requests`);
		return await fetchPage(at, limit);
	};
	const fresh = (records: IDataObject[]) => notReturnedYet(records, returned, idOf);

	for (;;) {
		const page = await counted(offset, size);
		if (!inListOrder(order, page)) {
			// Not sorted as expected: join by ids from the start, returning only what is new.
			yield* readById(fetchPage, { ...options, overlap: true, order: undefined, returned, maxRequests: maxRequests - requests });
			return;
		}
		if (frontier !== undefined && offset > 0 && (page.length === 0 || !behind(keyAt(page, 0)) || (!frontier.done && compareInList(order, keyAt(page, 0), frontier.key) === 0))) {
			// Records ahead left the list, so this page starts inside (or past) the group: step back,
			// a little first (as far as records left), then further.
			offset = Math.max(0, offset - stepBack);
			stepBack = Math.min(stepBack * 2, size - 1);
			continue;
		}
		stepBack = 1;

		const short = page.length < size;
		const ends = page.length === 0 || (short && (largest >= size || !confirmShortFirstPage || page.length < largest));
		let takeUpTo = page.length;
		let lastGroupStart = 0;
		let wholeGroup: IDataObject[] | undefined;
		let nextOffset = offset;
		if (!ends) {
			const lastKey = keyAt(page, page.length - 1);
			lastGroupStart = page.length - 1;
			while (lastGroupStart > 0 && compareInList(order, keyAt(page, lastGroupStart - 1), lastKey) === 0) lastGroupStart--;
			let tooLarge = false;
			if (lastGroupStart > 1) {
				takeUpTo = lastGroupStart;
			} else if (short) {
				// The last group (after at most the anchor) fills a page shorter than asked: the
				// end of the list, or a server that caps pages below what a tie group needs.
				const next = await counted(offset + page.length, size);
				if (next.length > 0) tooLarge = true;
				else lastGroupStart = -1;
			} else if ((lengthBeforeGrowth !== undefined && page.length <= lengthBeforeGrowth) || size >= maxPageSize) {
				// A larger page was asked for and not given, or may not be asked for.
				tooLarge = true;
			} else {
				// The last group may be larger than a page: read the same place with a larger page.
				lengthBeforeGrowth = page.length;
				size = Math.min(maxPageSize, size * 2);
				continue;
			}
			if (tooLarge) {
				// Read the group on its own; the next page starts at its last record.
				const group = await readTieGroup(counted, { order, key: lastKey, near: offset + lastGroupStart, pageSize: Math.min(size, Math.max(2, page.length)), idOf, fail });
				wholeGroup = group.records;
				takeUpTo = lastGroupStart;
				nextOffset = Math.max(0, group.end - 1);
			}
		}
		lengthBeforeGrowth = undefined;

		let from = 0;
		while (from < takeUpTo && behind(keyAt(page, from))) from++;
		const records = fresh([...page.slice(from, takeUpTo), ...(wholeGroup ?? [])]);
		yield { records, read: page, joinedOn: 'key' };
		if (ends || lastGroupStart < 0) return;
		largest = Math.max(largest, page.length);
		const nextKey = keyAt(page, page.length - 1);
		// No step forward: a server ignoring the offset, or (briefly) records inserted ahead as fast as it reads.
		const stuck = records.length === 0 && frontier !== undefined && compareInList(order, nextKey, frontier.key) <= 0;
		idle = stuck ? idle + 1 : 0;
		if (idle >= MAX_STUCK_PAGES) {
			return fail('repeating', `The server sent ${MAX_STUCK_PAGES} pages in a row holding only records already read`);
		}
		if (wholeGroup) {
			frontier = { key: nextKey, done: true };
			offset = nextOffset;
		} else {
			frontier = { key: nextKey, done: false };
			// The next page starts at the anchor: the record just before the last group.
			offset += lastGroupStart - 1;
		}
	}
}
