import type { IDataObject } from 'n8n-workflow';

import { ReadError, readOrders } from '../../../../nodes/Kapture/trigger/readOrders';

/** A list served newest first with a server-side page cap, which tests may change between requests. */
function server(list: IDataObject[], cap: number) {
	const calls: Array<[number, number]> = [];
	let before: ((n: number) => void) | undefined;
	const fetch = async (offset: number, limit: number) => {
		calls.push([offset, limit]);
		before?.(calls.length);
		const sorted = [...list].sort((a, b) => Number(b.createDate) - Number(a.createDate) || Number(b.id) - Number(a.id));
		return sorted.slice(offset, offset + Math.min(limit, cap));
	};
	return { fetch, calls, onRequest: (hook: (n: number) => void) => (before = hook) };
}

const orders = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ id: from + i, createDate: 1000 + from + i }));
const idsOf = (entries: Array<{ key: { id: number } }>) => entries.map((e) => e.key.id).sort((a, b) => a - b);

describe('readOrders', () => {
	it('reads every order when the server caps pages below the size asked', async () => {
		const s = server(orders(237), 50);
		const result = await readOrders(s.fetch, { pageSize: 100 });
		expect(idsOf(result.entries)).toEqual(orders(237).map((o) => o.id));
		expect(result.newestFirst).toBe(true);
		// Pages overlap by one order.
		expect(s.calls.map(([offset]) => offset)).toEqual([0, 49, 98, 147, 196]);
	});

	it('stops at the first page that reaches below the window when the list is newest first', async () => {
		const s = server(orders(500), 50);
		const result = await readOrders(s.fetch, { pageSize: 50, stopBelow: () => 1000 + 480 });
		expect(result.requests).toBe(1);
		expect(s.calls).toHaveLength(1);
	});

	it('reads everything when the list is not newest first', async () => {
		const list = orders(120).map((o, i) => ({ ...o, createDate: i % 2 ? 5000 - i : 1000 + i }));
		const fetch = async (offset: number, limit: number) => list.slice(offset, offset + limit);
		const result = await readOrders(fetch, { pageSize: 50, stopBelow: () => 4000 });
		expect(result.newestFirst).toBe(false);
		expect(result.entries).toHaveLength(120);
	});

	it('starts over when an order leaves the list between two pages, so none slips through', async () => {
		const list = orders(200);
		const s = server(list, 50);
		s.onRequest((n) => {
			// Before the 2nd request, two orders near the top stop matching.
			if (n === 2) list.splice(list.length - 3, 2);
		});
		const result = await readOrders(s.fetch, { pageSize: 50 });
		expect(result.restarts).toBe(1);
		expect(idsOf(result.entries)).toEqual(expect.arrayContaining(list.map((o) => o.id)));
	});

	it('orders inserted ahead of the reader only repeat some orders', async () => {
		const list = orders(200);
		const s = server(list, 50);
		s.onRequest((n) => {
			if (n === 3) list.push(...orders(5, 1000));
		});
		const result = await readOrders(s.fetch, { pageSize: 50 });
		expect(result.restarts).toBe(0);
		expect(idsOf(result.entries)).toEqual(expect.arrayContaining(orders(200).map((o) => o.id)));
	});

	it('fails (changing nothing) when the list keeps changing', async () => {
		const list = orders(200);
		const s = server(list, 50);
		s.onRequest((n) => {
			if (n > 1) list.splice(list.length - 2, 1);
		});
		await expect(readOrders(s.fetch, { pageSize: 50, maxRestarts: 2 })).rejects.toBeInstanceOf(ReadError);
	});

	it('refuses orders without id or createDate', async () => {
		await expect(readOrders(async () => [{ id: 1 }], { pageSize: 10 })).rejects.toThrow(/createDate/);
	});

	it('a short first page is confirmed once; an empty list costs one request', async () => {
		const s = server(orders(30), 500);
		const result = await readOrders(s.fetch, { pageSize: 100 });
		expect(result.entries).toHaveLength(30);
		expect(s.calls.map(([offset]) => offset)).toEqual([0, 29]);
		const empty = server([], 50);
		expect((await readOrders(empty.fetch, { pageSize: 100 })).requests).toBe(1);
	});
});
