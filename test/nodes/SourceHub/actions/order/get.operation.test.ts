// Order > Get through n8n-core against the SourceHub sandbox.

import { byId, CUSTOMER, errorMessage, NODE, setup, type Harness } from '../../setup';

let h: Harness;
beforeAll(async () => {
	h = await setup();
});
afterAll(async () => await h.close());
beforeEach(() => h.sandbox.reset());

describe('Get', () => {
	it('reads the order with its current status, compact', async () => {
		const [order] = h.sandbox.seedOrders(CUSTOMER, 1, { date: '2024-11-02' });
		h.sandbox.setStatus(order.id, 'Shipment Created');
		const result = await h.run({ operation: 'get', orderId: byId(order.id) });
		expect(result.error).toBeUndefined();
		expect(result.json(NODE)).toEqual([
			expect.objectContaining({ id: String(order.id), orderNo: order.order_no, status: 'Shipment Created', date: '2024-11-02', customerId: '9' }),
		]);
		expect(h.requests()).toEqual([expect.objectContaining({ method: 'GET', path: `/api/orders/${order.id}`, query: {} })]);
	});

	it("with Simplify off outputs SourceHub's order as sent", async () => {
		const [order] = h.sandbox.seedOrders(CUSTOMER, 1);
		const result = await h.run({ operation: 'get', orderId: String(order.id), simplify: false });
		expect(result.json(NODE)).toEqual([order]);
	});

	it('an unknown order is an error naming the ID, on its own item with Continue On Fail', async () => {
		const orders = h.sandbox.seedOrders(CUSTOMER, 3);
		const ids = [orders[0].id, 777, orders[1].id, orders[2].id];
		const result = await h.run({ operation: 'get', orderId: '={{ $json.id }}', options: { parallelRequests: 3 } }, ids.map((id) => ({ id })), {
			continueOnFail: true,
		});
		const output = result.output(NODE);
		expect(output.map((item) => item.json.id ?? item.json.error)).toEqual([
			String(orders[0].id),
			'SourceHub has no order with ID 777',
			String(orders[1].id),
			String(orders[2].id),
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	});

	it('without Continue On Fail the unknown order stops the node, its hint telling id from order number', async () => {
		const result = await h.run({ operation: 'get', orderId: byId(777) });
		expect(errorMessage(result)).toBe('SourceHub has no order with ID 777');
		expect((result.error as { description?: string }).description).toMatch(/not its order number/);
	});

	it('a read is retried on 5xx, resets and 429 until it succeeds', async () => {
		const [order] = h.sandbox.seedOrders(CUSTOMER, 1);
		h.sandbox.faults.script(
			{ kind: 'serverError', api: 'getOrder' },
			{ kind: 'reset', api: 'getOrder' },
			{ kind: 'rateLimit', api: 'getOrder', retryAfterSeconds: 0 },
		);
		const result = await h.run({ operation: 'get', orderId: byId(order.id) });
		expect(result.error).toBeUndefined();
		expect(h.requests('getOrder').map((entry) => entry.status)).toEqual([500, 0, 429, 200]);
	});
});
