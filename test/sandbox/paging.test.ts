import { performance } from 'node:perf_hooks';

import { pullPartner, pullV1 } from './helpers';
import { startSandbox } from './server';
import type { KaptureSandbox } from './types';

// 2024-05-08 12:00 IST: seeded orders go back one minute each from here.
const NOON_IST = Date.UTC(2024, 4, 8, 6, 30);

let sb: KaptureSandbox;
beforeAll(async () => {
	sb = await startSandbox({ now: NOON_IST, quiet: true });
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.reset();
	sb.setPageSizeCap(500);
	sb.clock.set(NOON_IST);
});

async function walkV1(filter: Record<string, unknown>, limit: number): Promise<number[][]> {
	const pages: number[][] = [];
	for (let offset = 0; ; ) {
		const res = await pullV1(sb, { ...filter, limit: String(limit), offset: String(offset) });
		expect(res.status).toBe(200);
		const ids = res.body.order_details.map((o: { id: number }) => o.id);
		if (ids.length === 0) return pages;
		pages.push(ids);
		offset += ids.length;
	}
}

describe('v1 limit/offset', () => {
	test('walks every order exactly once, newest first', async () => {
		const seeded = sb.seedOrders(1234);
		const pages = await walkV1({ createStartDate: '2020-01-01' }, 100);
		expect(pages).toHaveLength(13);
		const ids = pages.flat();
		expect(ids).toEqual(seeded.map((o) => o.id).reverse());
	});

	test('the page size cap applies silently', async () => {
		sb.seedOrders(230);
		sb.setPageSizeCap(50);
		const res = await pullV1(sb, { createStartDate: '2020-01-01', limit: 200 });
		expect(res.body.order_details).toHaveLength(50);
		const pages = await walkV1({ createStartDate: '2020-01-01' }, 200);
		expect(pages.map((p) => p.length)).toEqual([50, 50, 50, 50, 30]);
		expect(new Set(pages.flat()).size).toBe(230);
	});

	test('default limit is 50; limit and offset may be numbers or strings', async () => {
		sb.seedOrders(120);
		expect((await pullV1(sb, { createStartDate: '2020-01-01' })).body.order_details).toHaveLength(50);
		expect((await pullV1(sb, { createStartDate: '2020-01-01', limit: '', offset: '' })).body.order_details).toHaveLength(50);
		const asNumbers = await pullV1(sb, { createStartDate: '2020-01-01', limit: 7, offset: 3 });
		const asStrings = await pullV1(sb, { createStartDate: '2020-01-01', limit: '7', offset: '3' });
		expect(asNumbers.body).toEqual(asStrings.body);
		expect(asNumbers.body.order_details).toHaveLength(7);
	});

	test('filters page the same way', async () => {
		sb.seedOrders(300, (i) => ({ deliveryStatus: i % 3 === 0 ? 'DL' : 'AP' }));
		const pages = await walkV1({ bookingStatus: 'DL' }, 30);
		expect(pages.flat()).toHaveLength(100);
		const all = sb.listOrders().filter((o) => o.deliveryStatus === 'DL').map((o) => o.id).reverse();
		expect(pages.flat()).toEqual(all);
	});

	test('sortParam (sandbox extension): createDate_asc, id_asc, id_desc', async () => {
		// Ids ascend while createDates descend, so the two sorts disagree.
		sb.seedOrders(5, (i) => ({ createDate: NOON_IST - i * 60_000 }));
		const ids = sb.listOrders().map((o) => o.id);
		const pull = async (sortParam: string) =>
			(await pullV1(sb, { createStartDate: '2024-05-08', sortParam })).body.order_details.map((o: { id: number }) => o.id);
		expect(await pull('')).toEqual(ids);
		expect(await pull('createDate_desc')).toEqual(ids);
		expect(await pull('createDate_asc')).toEqual([...ids].reverse());
		expect(await pull('id_asc')).toEqual(ids);
		expect(await pull('ID_DESC')).toEqual([...ids].reverse());
	});

	test('equal createDates are ordered by id', async () => {
		sb.seedOrders(4, { createDate: NOON_IST });
		const ids = sb.listOrders().map((o) => o.id);
		const res = await pullV1(sb, { createStartDate: '2024-05-08' });
		expect(res.body.order_details.map((o: { id: number }) => o.id)).toEqual([...ids].reverse());
	});
});

describe('partner startPosition/numberOfRecords', () => {
	test('walks every order of the window exactly once, oldest first, ending with "No orders between dates"', async () => {
		// 600 orders over the 10 hours before noon, plus some outside the window.
		sb.seedOrders(3, { createDate: Date.UTC(2024, 4, 6, 12) });
		const inside = sb.seedOrders(600);
		const ids: string[] = [];
		for (let start = 0; ; ) {
			const res = await pullPartner(sb, { start_date: '2024-05-08', numberOfRecords: '70', startPosition: String(start) });
			if (res.body.Status === 'failed') {
				expect(res.body.Message).toBe('No orders between dates');
				break;
			}
			expect(res.body.orders.length).toBeLessThanOrEqual(70);
			ids.push(...res.body.orders.map((o: { id: string }) => o.id));
			start += res.body.orders.length;
		}
		expect(ids).toEqual(inside.map((o) => String(o.id)));
	});

	test('numberOfRecords is capped silently; without it a page is the cap', async () => {
		sb.seedOrders(300);
		sb.setPageSizeCap(120);
		expect((await pullPartner(sb, { start_date: '2024-05-08', numberOfRecords: 1000 })).body.orders).toHaveLength(120);
		expect((await pullPartner(sb, { start_date: '2024-05-08' })).body.orders).toHaveLength(120);
		expect((await pullPartner(sb, { start_date: '2024-05-08', startPosition: 240 })).body.orders).toHaveLength(60);
	});

	test('refuses a bad page size cap', () => {
		expect(() => sb.setPageSizeCap(0)).toThrow();
	});
});

describe('large store', () => {
	test('100,000 orders: any 500-order page is quick', async () => {
		let started = performance.now();
		sb.seedOrders(100_000);
		const seedMs = performance.now() - started;
		// Loose bounds: they catch quadratic mistakes, not noise on a shared 2-core machine.
		expect(seedMs).toBeLessThan(30_000);

		const timings: number[] = [];
		for (const offset of [0, 50_000, 99_500]) {
			started = performance.now();
			const res = await pullV1(sb, { createStartDate: '2020-01-01', limit: 500, offset });
			timings.push(performance.now() - started);
			expect(res.body.order_details).toHaveLength(500);
		}
		started = performance.now();
		const narrow = await pullV1(sb, { createStartDate: '2024-05-08 11:00:00', createEndDate: '2024-05-08 11:59:59', limit: 500 });
		timings.push(performance.now() - started);
		expect(narrow.body.order_details).toHaveLength(60);
		started = performance.now();
		const partnerPage = await pullPartner(sb, { start_date: '2024-05-08', startPosition: 100, numberOfRecords: 500 });
		timings.push(performance.now() - started);
		expect(partnerPage.body.orders).toHaveLength(500);
		// Typically 10-30 ms each; an O(n log n) sort per request would still pass, a quadratic walk would not.
		expect(Math.max(...timings)).toBeLessThan(2000);
	});
});
