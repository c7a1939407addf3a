import type { IDataObject } from 'n8n-workflow';

import { PagingError, readPages, type FetchPage, type ListOrder, type PagingOptions } from '../../../../../nodes/shared/transport/paging';
import { orders, pagedList } from '../__fixtures__/pagedList';
import { prng, shuffledList, tiedRows, type Row } from '../__fixtures__/shuffledList';

async function readAll(fetch: FetchPage, options: PagingOptions): Promise<IDataObject[]> {
	const all: IDataObject[] = [];
	for await (const { records } of readPages(fetch, options)) all.push(...records);
	return all;
}

const idsOf = (records: IDataObject[]) => records.map((record) => Number(record.id)).sort((a, b) => a - b);

/** Each record returned once, every one of `stayed` among them. */
function expectEachOnceWith(records: IDataObject[], stayed: unknown[]) {
	expect(new Set(records.map((record) => record.id)).size).toBe(records.length);
	expect(idsOf(records)).toEqual(expect.arrayContaining(stayed));
}

describe.each([false, true])('readPages (overlap %s)', (overlap) => {
	it('reads every record when the server caps pages below the size asked', async () => {
		const list = pagedList(orders(237), 50);
		const records = await readAll(list.fetch, { pageSize: 100, overlap });
		expect(idsOf(records)).toEqual(orders(237).map((o) => o.id));
		expect(records).toHaveLength(237);
		expect(list.calls.map(([offset]) => offset)).toEqual(overlap ? [0, 49, 98, 147, 196] : [0, 50, 100, 150, 200]);
	});

	it('a short first page is confirmed once; an empty list costs one request', async () => {
		const list = pagedList(orders(30), 500);
		expect(await readAll(list.fetch, { pageSize: 100, overlap })).toHaveLength(30);
		expect(list.calls.map(([offset]) => offset)).toEqual([0, overlap ? 29 : 30]);
		const empty = pagedList([], 50);
		await readAll(empty.fetch, { pageSize: 100, overlap });
		expect(empty.calls).toHaveLength(1);
	});

	it('trusts a short first page when told to', async () => {
		const list = pagedList(orders(30), 500);
		expect(await readAll(list.fetch, { pageSize: 100, overlap, confirmShortFirstPage: false })).toHaveLength(30);
		expect(list.calls).toHaveLength(1);
	});

	it('records inserted ahead of the reader are not returned twice', async () => {
		const all = orders(200);
		const list = pagedList(all, 50);
		list.onRequest((request) => {
			if (request === 3) all.push(...orders(5, 1000));
		});
		const records = await readAll(list.fetch, { pageSize: 50, overlap });
		expectEachOnceWith(records, orders(200).map((o) => o.id));
	});

	it('stops with a clear error after too many requests', async () => {
		const list = pagedList(orders(500), 10);
		await expect(readAll(list.fetch, { pageSize: 10, overlap, maxRequests: 3 })).rejects.toThrow(
			new PagingError('Reading the list needed more than 3 requests', 'tooManyRequests'),
		);
	});
});

describe('readPages with overlap, on a list that loses records ahead of the reader', () => {
	it('without overlap the records pulled up past the reader are never read (why the overlap exists)', async () => {
		const all = orders(200);
		const list = pagedList(all, 50);
		list.onRequest((request) => {
			// Before the 2nd request, two records near the top stop matching.
			if (request === 2) all.splice(all.length - 3, 2);
		});
		const records = await readAll(list.fetch, { pageSize: 50 });
		const returned = new Set(records.map((record) => record.id));
		expect(all.filter((order) => !returned.has(order.id)).map((order) => order.id)).toEqual([149, 150]);
	});

	it('steps back until the pages join again, so none slips through', async () => {
		const all = orders(200);
		const list = pagedList(all, 50);
		list.onRequest((request) => {
			if (request === 2) all.splice(all.length - 3, 2);
		});
		const records = await readAll(list.fetch, { pageSize: 50, overlap: true });
		expectEachOnceWith(records, all.map((o) => o.id));
		// One step back: the page read at 49 did not hold the page before, the one at 0 did.
		expect(list.calls.map(([offset]) => offset).slice(0, 3)).toEqual([0, 49, 0]);
	});

	it('keeps up with a record leaving ahead of it before every page', async () => {
		const all = orders(300);
		const stayed = new Set(all.map((o) => o.id));
		const list = pagedList(all, 50);
		list.onRequest((request) => {
			if (request > 1) stayed.delete(all.splice(all.length - 2, 1)[0].id);
		});
		const records = await readAll(list.fetch, { pageSize: 50, overlap: true });
		expectEachOnceWith(records, [...stayed]);
	});

	it('a step back that lands on the page before again reads on from its end', async () => {
		const all = orders(10);
		const list = pagedList(all, 50);
		list.onRequest((request) => {
			// The read at 4 finds none of 10..6 (10 and 9 left) and steps back; meanwhile 12 and 11 arrive,
			// so the page read at 0 ends with 6, a record of the page before: not the end of the list.
			if (request === 2) all.splice(8, 2);
			if (request === 3) all.push(...orders(2, 11));
		});
		const records = await readAll(list.fetch, { pageSize: 5, overlap: true });
		expect(idsOf(records)).toEqual(expect.arrayContaining([1, 2, 3, 4, 5, 6, 7, 8]));
		expect(list.calls.map(([offset]) => offset)).toEqual([0, 4, 0, 4, 8]);
	});

	it('reads again from the start when the whole page before has left the list', async () => {
		const all = orders(200);
		const list = pagedList(all, 50);
		list.onRequest((request) => {
			// The newest 50 (the first page) all stop matching before the 2nd request.
			if (request === 2) all.splice(all.length - 50, 50);
		});
		const records = await readAll(list.fetch, { pageSize: 50, overlap: true });
		expectEachOnceWith(records, all.map((o) => o.id));
	});

	it('fails when it has to start over more often than allowed', async () => {
		const all = orders(400);
		const list = pagedList(all, 50);
		list.onRequest((request) => {
			if (request > 1) all.splice(all.length - 60, 60);
		});
		await expect(readAll(list.fetch, { pageSize: 50, overlap: true, maxRestarts: 2 })).rejects.toThrow(
			new PagingError('The list kept changing while it was read', 'unstable'),
		);
	});

	it('gives up on a server that keeps sending the same page whatever the offset', async () => {
		const page = orders(50);
		const fetch = jest.fn(async () => page);
		await expect(readAll(fetch, { pageSize: 50, overlap: true })).rejects.toThrow(
			new PagingError('The server sent 3 pages in a row holding only records already read', 'repeating'),
		);
		expect(fetch).toHaveBeenCalledTimes(4);
	});

	it('raises a page size of 1 to 2, the least that can overlap', async () => {
		const list = pagedList(orders(3), 500);
		expect(await readAll(list.fetch, { pageSize: 1, overlap: true })).toHaveLength(3);
		expect(list.calls.every(([, limit]) => limit === 2)).toBe(true);
	});
});

it('returns each record once across lists that share `returned`', async () => {
	const returned = new Set<string>();
	const first = await readAll(pagedList(orders(5), 50).fetch, { pageSize: 10, returned });
	const second = await readAll(pagedList(orders(5, 3), 50).fetch, { pageSize: 10, returned });
	expect(idsOf([...first, ...second])).toEqual([1, 2, 3, 4, 5, 6, 7]);
});

describe('readPages joining on sort keys (ties in a new order on every request)', () => {
	const NEWEST_FIRST: ListOrder = { keyOf: (record) => record.createDate as number, descending: true };

	it('without key joins, a read of a list with shuffled ties loses records (why key joins exist)', async () => {
		let lost = 0;
		for (let seed = 1; seed <= 50; seed++) {
			const random = prng(seed);
			const rows = tiedRows(random, 300);
			const list = shuffledList(rows, { cap: 50, random });
			const records = await readAll(list.fetch, { pageSize: 50, overlap: true });
			if (new Set(records.map((record) => record.id)).size < rows.length) lost++;
		}
		expect(lost).toBeGreaterThan(25);
	});

	const seeds = Array.from({ length: 200 }, (_, i) => i + 1);
	it.each(seeds)('seed %i: every record that stays in the list, exactly once, while others come and go', async (seed) => {
		const random = prng(seed);
		const rows = tiedRows(random, 50 + Math.floor(random() * 400), { largestGroup: 30 });
		// Pages hold the largest tie group (35) with room to spare.
		const cap = 40 + Math.floor(random() * 120);
		const list = shuffledList(rows, { cap, random });
		const removed = new Set<number>();
		let nextId = 100_000;
		// Per seed: orders arriving at the top, orders leaving the list (a filter stops matching), or both.
		const arrivals = seed % 3 !== 1;
		const departures = seed % 3 !== 0;
		list.onRequest((request) => {
			if (request === 1) return;
			if (arrivals && random() < 0.5) {
				const top = Math.max(...rows.map((row) => row.createDate));
				for (let i = Math.floor(random() * 4); i > 0; i--) rows.push({ id: nextId++, createDate: top + Math.floor(random() * 3) });
			}
			if (departures && rows.length > 10) {
				for (let i = Math.floor(random() * 4); i > 0; i--) {
					const [gone] = rows.splice(Math.floor(random() * rows.length), 1);
					removed.add(gone.id);
				}
			}
		});
		const stayedFromStart = rows.map((row) => row.id);
		const records = await readAll(list.fetch, { pageSize: 100, order: NEWEST_FIRST, maxPageSize: 400 });
		const counts = new Map<unknown, number>();
		for (const record of records) counts.set(record.id, (counts.get(record.id) ?? 0) + 1);
		const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
		const missing = stayedFromStart.filter((id) => !removed.has(id) && !counts.has(id));
		expect({ twice, missing }).toEqual({ twice: [], missing: [] });
	});

	it('reads a tie group larger than a page by asking for larger pages', async () => {
		const random = prng(7);
		const rows: Row[] = [
			...Array.from({ length: 5 }, (_, i) => ({ id: i + 1, createDate: 30 })),
			...Array.from({ length: 250 }, (_, i) => ({ id: i + 10, createDate: 20 })),
			...Array.from({ length: 5 }, (_, i) => ({ id: i + 500, createDate: 10 })),
		];
		const list = shuffledList(rows, { cap: 1000, random });
		const records = await readAll(list.fetch, { pageSize: 50, order: NEWEST_FIRST });
		expect(idsOf(records)).toEqual(rows.map((row) => row.id).sort((a, b) => a - b));
		expect(Math.max(...list.calls.map(([, limit]) => limit))).toBe(400);
	});

	it.each([1, 2, 3, 4, 5])('seed %i: a tie group larger than the server serves in a page is read on its own, by count', async (seed) => {
		const random = prng(seed);
		const rows: Row[] = Array.from({ length: 400 }, (_, i) => ({ id: i + 1, createDate: i < 30 ? 30 : i < 330 ? 20 : 10 }));
		const list = shuffledList(rows, { cap: 50, random });
		const records = await readAll(list.fetch, { pageSize: 50, order: NEWEST_FIRST });
		expect(idsOf(records)).toEqual(rows.map((row) => row.id));
	});

	it('fails plainly when a tie group cannot be read whole: the server never shows some of it', async () => {
		// 120 ties of which the server only ever shows the same 50 (a plan that hides the rest).
		const rows: Row[] = Array.from({ length: 150 }, (_, i) => ({ id: i + 1, createDate: i < 120 ? 20 : 10 }));
		const fetch: FetchPage = async (offset, limit) => {
			const visible = [...rows.slice(0, 50), ...rows.slice(0, 50), ...rows.slice(0, 20), ...rows.slice(120)];
			return visible.slice(offset, offset + Math.min(limit, 50));
		};
		await expect(readAll(fetch, { pageSize: 50, order: NEWEST_FIRST })).rejects.toThrow(
			new PagingError('120 records share one sort key and the server returned only 50 different ones of them in 16 reads', 'tiesTooLarge'),
		);
	});

	it('a list that is not in the stated order is read joining on ids instead, each record once', async () => {
		const rows: IDataObject[] = orders(120).map((row) => ({ ...row, createDate: (Number(row.id) * 7919) % 97 }));
		const list = pagedList(rows, 50);
		// pagedList sorts by createDate desc: claim ascending to make every page look out of order.
		const records = await readAll(list.fetch, { pageSize: 50, order: { ...NEWEST_FIRST, descending: false } });
		expect(idsOf(records)).toEqual(rows.map((row) => Number(row.id)));
	});
});

it('joining on keys, gives up on a server that keeps sending the same page whatever the offset', async () => {
	const page = orders(50).reverse();
	const fetch = jest.fn(async () => page);
	await expect(
		readAll(fetch, { pageSize: 50, order: { keyOf: (record) => record.createDate as number, descending: true } }),
	).rejects.toThrow(new PagingError('The server sent 10 pages in a row holding only records already read', 'repeating'));
	expect(fetch).toHaveBeenCalledTimes(11);
});
