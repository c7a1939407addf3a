import type { IDataObject } from 'n8n-workflow';

/** Reads `limit` records starting at `offset` (offset/limit, skip/count, startPosition/numberOfRecords...). */
export type FetchPage = (offset: number, limit: number) => Promise<IDataObject[]>;

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
}

export type PagingFailure = 'unstable' | 'tooManyRequests' | 'repeating';

export interface Page {
	/** Records not returned before, in list order. */
	records: IDataObject[];
	/** The page as the vendor sent it, overlap included. */
	read: IDataObject[];
}

export class PagingError extends Error {
	override name = 'PagingError';

	constructor(
		message: string,
		readonly reason: PagingFailure,
	) {
		super(message);
	}
}

const failWithPagingError = (reason: PagingFailure, message: string): never => {
	throw new PagingError(message, reason);
};

// Pages in a row that bring nothing new before the read gives up: a server that ignores the
// offset would otherwise be read until maxRequests.
const MAX_IDLE_PAGES = 3;

const defaultId = (record: IDataObject): string | undefined =>
	record.id === undefined || record.id === null || record.id === '' ? undefined : String(record.id);

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
 * stay in it, as a sorted list does.
 */
export async function* readPages(fetchPage: FetchPage, options: PagingOptions): AsyncGenerator<Page> {
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

		const records = page.slice(from).filter((record) => {
			const id = idOf(record);
			if (id === undefined) return true;
			if (returned.has(id)) return false;
			returned.add(id);
			return true;
		});
		yield { records, read: page };
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
