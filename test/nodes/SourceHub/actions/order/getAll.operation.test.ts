// Order > Get Many through n8n-core against the SourceHub sandbox: `count`
// (never above 100) and `skip` walked to the provable end of the list, each
// order once, also while orders join and leave the list between page reads.

import type { IDataObject } from 'n8n-workflow';

import { CUSTOMER, errorMessage, NODE, PHONE, setup, type Harness } from '../../setup';

let h: Harness;
beforeAll(async () => {
	h = await setup({ now: Date.UTC(2024, 10, 7, 6, 30) });
});
afterAll(async () => await h.close());
beforeEach(() => {
	h.sandbox.reset();
	h.sandbox.configure({ emptyList: 'emptyList', pageSizeCap: 100, listOrder: 'newestFirst', overLimitCount: 'refuse' });
});

const getMany = (extra: IDataObject = {}): IDataObject => ({ operation: 'getAll', customerPhone: PHONE, ...extra });
const ids = (items: IDataObject[]) => items.map((item) => String(item.id));
const day = (d: number) => `2024-11-${String(d).padStart(2, '0')}`;

describe('Get Many', () => {
	it('Return All reads 250 orders in pages of at most 100, each once, newest first as SourceHub lists them', async () => {
		const orders = h.sandbox.seedOrders(CUSTOMER, 250);
		const result = await h.run(getMany({ returnAll: true }));
		expect(result.error).toBeUndefined();
		expect(ids(result.json(NODE))).toEqual(orders.map((order) => String(order.id)).reverse());
		const pages = h.requests('listOrders');
		for (const page of pages) {
			expect(Number(page.query.count)).toBeLessThanOrEqual(100);
			expect(page.query.phone_number).toBe(PHONE);
		}
		// Pages overlap by one order, which proves nothing slipped between them.
		expect(pages.map((page) => page.query.skip)).toEqual(['0', '99', '198']);
		// A full page proved the size is honoured, so the short third one ends the list.
	});

	it('Limit stops early and asks for no more than it needs', async () => {
		h.sandbox.seedOrders(CUSTOMER, 30);
		const result = await h.run(getMany({ limit: 7 }));
		expect(result.json(NODE)).toHaveLength(7);
		expect(h.requests('listOrders')).toEqual([expect.objectContaining({ query: expect.objectContaining({ count: '7', skip: '0' }) })]);
	});

	it('sends the From / To days as dd-mm-yyyy and outputs the compact orders of that range', async () => {
		h.sandbox.seedOrders(CUSTOMER, 6, (i) => ({ date: day(1 + i) }));
		const result = await h.run(getMany({ returnAll: true, filters: { fromDate: '2024-11-02T00:00:00', toDate: '2024-11-04T00:00:00' } }));
		expect(result.json(NODE).map((order) => order.date)).toEqual([day(4), day(3), day(2)]);
		expect(h.requests('listOrders')[0].query).toMatchObject({ from_date: '02-11-2024', to_date: '04-11-2024' });
		expect(result.json(NODE)[0]).toEqual(expect.objectContaining({ status: 'Placed', customerId: '9', itemTotal: expect.any(Number) }));
	});

	it('a server that serves fewer than asked loses nothing', async () => {
		h.sandbox.configure({ pageSizeCap: 7 });
		const orders = h.sandbox.seedOrders(CUSTOMER, 40);
		const result = await h.run(getMany({ returnAll: true, simplify: false }));
		expect(ids(result.json(NODE)).sort()).toEqual(orders.map((order) => String(order.id)).sort());
		expect(result.json(NODE)).toHaveLength(40);
	});

	it('no orders: no items, whether SourceHub says so with an empty list or a 404', async () => {
		for (const emptyList of ['emptyList', 'notFound'] as const) {
			h.sandbox.configure({ emptyList });
			const result = await h.run(getMany({ returnAll: true }));
			expect([emptyList, result.error]).toEqual([emptyList, undefined]);
			expect(result.json(NODE)).toEqual([]);
		}
		// With 404 for "no more", the end of a list is found the same way.
		h.sandbox.seedOrders(CUSTOMER, 150);
		expect((await h.run(getMany({ returnAll: true }))).json(NODE)).toHaveLength(150);
	});

	it('orders joining and leaving the list ahead of the reader while it reads: each order that stays is output exactly once', async () => {
		const orders = h.sandbox.seedOrders(CUSTOMER, 260);
		const stayed = new Set(orders.map((order) => String(order.id)));
		let listed = 0;
		h.sandbox.beforeAnswer((entry) => {
			if (entry.api !== 'listOrders' || ++listed === 1) return;
			// A new order goes to the top (newest first), and the three newest of the
			// first ones, read already, vanish: the list moves both ways ahead of the
			// reader, two up in all, which would skip two orders without the overlap.
			h.sandbox.seedOrders(CUSTOMER, 1);
			for (const gone of orders.splice(orders.length - 3, 3)) {
				h.sandbox.removeOrder(gone.id);
				stayed.delete(String(gone.id));
			}
		});
		const result = await h.run(getMany({ returnAll: true }));
		expect(result.error).toBeUndefined();
		const output = ids(result.json(NODE));
		expect(new Set(output).size).toBe(output.length);
		for (const id of stayed) expect(output).toContain(id);
		expect(listed).toBeGreaterThanOrEqual(3);
	});

	it('each input item lists its own customer, paired with its item; a failed list outputs only its error', async () => {
		const other = h.sandbox.addCustomer({ contactperson_number: '9000000001' });
		h.sandbox.seedOrders(CUSTOMER, 3);
		h.sandbox.seedOrders(other.id, 2);
		const input = [{ phone: PHONE }, { phone: '9999999999' }, { phone: '9000000001' }];
		h.sandbox.faults.script({ kind: 'failureBody', api: 'listOrders', message: 'Phone blocked' });
		const result = await h.run(getMany({ customerPhone: '={{ $json.phone }}', returnAll: true }), input, { continueOnFail: true });
		const output = result.output(NODE);
		expect(output.map((item) => [item.pairedItem, item.json.customerId ?? item.json.error])).toEqual([
			[{ item: 0 }, 'SourceHub refused the list orders request: "Phone blocked"'],
			[{ item: 2 }, String(other.id)],
			[{ item: 2 }, String(other.id)],
		]);
	});

	it('a list that fails part-way without Continue On Fail stops the node with the error', async () => {
		h.sandbox.seedOrders(CUSTOMER, 150);
		h.sandbox.faults.rate(1, { kind: 'failureBody', api: 'listOrders', message: 'Try later' });
		const result = await h.run(getMany({ returnAll: true }));
		expect(errorMessage(result)).toBe('SourceHub refused the list orders request: "Try later"');
	});
});
