import type { IDataObject } from 'n8n-workflow';

import { PagingError, readPages, type FetchPage, type PagingOptions } from '../../../../nodes/shared/transport/paging';
import { orders, pagedList } from './__fixtures__/pagedList';

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
