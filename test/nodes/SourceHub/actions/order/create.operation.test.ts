// Order > Create through n8n-core against the SourceHub sandbox: what the
// sandbox holds afterwards (order placed, cart emptied, stock down; nothing
// placed when items are unavailable), retries that never place twice, and
// Continue On Fail / Parallel Requests / paired items as the Kapture node.

import type { IDataObject } from 'n8n-workflow';

import { byId, CUSTOMER, customersWithCarts, errorMessage, NODE, PRODUCT, setup, type Harness } from '../../setup';

let h: Harness;
beforeAll(async () => {
	h = await setup({ now: Date.UTC(2024, 10, 7, 6, 30) });
});
afterAll(async () => await h.close());
beforeEach(() => {
	h.sandbox.reset();
	h.sandbox.setLatency(0);
	h.sandbox.configure({ placedStatus: 200 });
});

const create = (customerId: IDataObject | string, extra: IDataObject = {}): IDataObject => ({ operation: 'create', customerId, ...extra });

describe('Create: the cart becomes an order', () => {
	it('places the order, empties the cart, lowers the stock and outputs the compact order', async () => {
		h.sandbox.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 3 }]);
		const result = await h.run(create(byId(CUSTOMER)));
		expect(result.error).toBeUndefined();
		expect(h.sandbox.counts().orders).toBe(1);
		expect(h.sandbox.cart(CUSTOMER)).toEqual([]);
		expect(h.sandbox.stock(PRODUCT)).toBe(97);
		const [placed] = h.sandbox.listOrders();
		expect(result.json(NODE)).toEqual([
			expect.objectContaining({
				id: String(placed.id),
				orderNo: '0041127',
				status: 'Placed',
				date: '2024-11-07',
				customerId: String(CUSTOMER),
				itemTotal: 600,
				billableAmount: 600,
				products: [{ productId: String(PRODUCT), sku: 'CP 2425 0046', name: '3 Roses Mrp 10 (408pc)', quantity: 3, price: 200 }],
			}),
		]);
		expect(h.requests()).toEqual([expect.objectContaining({ method: 'POST', path: '/api/orders/create', query: { customer_id: String(CUSTOMER) }, authorized: true })]);
	});

	it("with Simplify off outputs SourceHub's order as sent", async () => {
		h.sandbox.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 1 }]);
		const result = await h.run(create(String(CUSTOMER), { simplify: false }));
		expect(result.json(NODE)).toEqual([h.sandbox.listOrders()[0]]);
	});

	it('knows a placed order by its body, whatever 2xx status SourceHub gives it', async () => {
		h.sandbox.configure({ placedStatus: 201 });
		h.sandbox.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 1 }]);
		const result = await h.run(create(byId(CUSTOMER), { options: { onUnavailableItems: 'output' } }));
		expect(result.json(NODE)).toEqual([expect.objectContaining({ placed: true, orderNo: '0041127' })]);
	});
});

describe('Create: unavailable items (HTTP 201), nothing placed', () => {
	beforeEach(() => {
		h.sandbox.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 2 }]);
		h.sandbox.setStock(PRODUCT, 1);
	});

	it('fails the item by default, naming the product, required and available quantity', async () => {
		const result = await h.run(create(byId(CUSTOMER)));
		expect(errorMessage(result)).toBe(
			'SourceHub placed no order for customer 9: 1 item unavailable: "3 Roses Mrp 10 (408pc)" (SKU CP 2425 0046, product 4): 2 required, 1 available',
		);
		expect((result.error as { description?: string }).description).toMatch(/On Unavailable Items to Output Them/);
		expect(h.sandbox.counts()).toMatchObject({ orders: 0, cartItems: 1 });
		expect(h.sandbox.stock(PRODUCT)).toBe(1);
		// One request: a considered answer is never sent again.
		expect(h.requests('createOrder')).toHaveLength(1);
	});

	it('with Output Them gives {placed: false, unavailable_items} to branch on', async () => {
		const result = await h.run(create(byId(CUSTOMER), { options: { onUnavailableItems: 'output' } }));
		expect(result.error).toBeUndefined();
		const [item] = result.json(NODE);
		expect(item).toEqual({
			placed: false,
			customerId: '9',
			message: '1 item unavailable',
			unavailable_items: [expect.objectContaining({ id: 79532, required_qty: 2, available_qty: 1, product: expect.objectContaining({ id: PRODUCT }) })],
		});
		expect(h.sandbox.counts().orders).toBe(0);
	});
});

describe('Create: many items, in parallel, each order once', () => {
	it('places one order per customer, output in input order, each paired with its item', async () => {
		const customers = customersWithCarts(h.sandbox, 12);
		h.sandbox.setLatency(15);
		const result = await h.run(create('={{ $json.customer }}', { options: { parallelRequests: 4 } }), customers.map((customer) => ({ customer })));
		expect(result.error).toBeUndefined();
		const output = result.output(NODE);
		expect(output.map((item) => item.json.customerId)).toEqual(customers.map(String));
		expect(output.map((item) => item.pairedItem)).toEqual(customers.map((_, item) => ({ item })));
		expect(h.sandbox.counts()).toMatchObject({ orders: 12, cartItems: 0 });
		expect(h.sandbox.inFlight().peak).toBeGreaterThan(1);
		expect(h.sandbox.inFlight().peak).toBeLessThanOrEqual(4);
	});

	it('Continue On Fail: the unavailable and the unknown customer fail on their own items, the others are placed', async () => {
		const [a, b, c] = customersWithCarts(h.sandbox, 3);
		h.sandbox.fillCart(b, [{ productId: PRODUCT, quantity: 500 }]);
		const input = [{ customer: a }, { customer: b }, { customer: 4242 }, { customer: c }];
		const result = await h.run(create('={{ $json.customer }}'), input, { continueOnFail: true });
		expect(result.error).toBeUndefined();
		const output = result.output(NODE);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(output[0].json.status).toBe('Placed');
		expect(output[1].json.error).toMatch(/^SourceHub placed no order for customer \d+: 1 item unavailable: .*500 required, (99|100) available/);
		expect(output[2].json.error).toMatch(/rejected the request as invalid \(400 Bad Request\): "The selected customer id is invalid\."/);
		expect(output[3].json.status).toBe('Placed');
		expect(h.sandbox.counts().orders).toBe(2);
	});

	it('the error output (On Error: Continue (using error output)) gets the failed items', async () => {
		const [a] = customersWithCarts(h.sandbox, 1);
		const result = await h.run(create('={{ $json.customer }}'), [{ customer: a }, { customer: 4242 }], { onError: 'continueErrorOutput' });
		expect(result.output(NODE, 0).map((item) => item.json.customerId)).toEqual([String(a)]);
		expect(result.output(NODE, 1)).toEqual([expect.objectContaining({ json: expect.objectContaining({ error: expect.stringMatching(/customer id is invalid/) }), pairedItem: { item: 1 } })]);
	});
});

describe('Create is a write: retried only when SourceHub provably did not process it', () => {
	it('429 Too Many Requests: retried, and the order is placed once', async () => {
		h.sandbox.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 1 }]);
		h.sandbox.faults.script({ kind: 'rateLimit', api: 'createOrder', retryAfterSeconds: 0 }, { kind: 'rateLimit', api: 'createOrder', retryAfterSeconds: 0 });
		const result = await h.run(create(byId(CUSTOMER)));
		expect(result.error).toBeUndefined();
		expect(h.requests('createOrder').map((entry) => entry.status)).toEqual([429, 429, 200]);
		expect(h.sandbox.counts().orders).toBe(1);
	});

	it.each([
		// A proxy may answer 503 after forwarding the request.
		['a 503', 'unavailable', /SourceHub is unavailable \(503 Service Unavailable\)/],
		['a 500', 'serverError', /SourceHub had an internal error \(500\): "Something went wrong\."/],
		['a connection reset', 'reset', /SourceHub closed the connection before answering/],
		['a 502 HTML page', 'html', /SourceHub answered the create sales order request with a page that is not JSON \(HTTP 502\)/],
	] as const)('%s: not sent again, and the error says the order may exist', async (_name, kind, message) => {
		h.sandbox.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 1 }]);
		h.sandbox.faults.script({ kind, api: 'createOrder' });
		const result = await h.run(create(byId(CUSTOMER)));
		expect(errorMessage(result)).toMatch(message);
		expect((result.error as { context?: { delivery?: string } }).context?.delivery).toBe('mayHaveBeenProcessed');
		expect(h.requests('createOrder')).toHaveLength(1);
		// The sandbox did not process it (its fault), and nothing was retried into a second order.
		expect(h.sandbox.counts().orders).toBe(0);
	});

	it('a slow answer after the order was placed is never sent twice', async () => {
		h.sandbox.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 1 }]);
		h.sandbox.faults.script({ kind: 'slow', delayMs: 200, api: 'createOrder' });
		const result = await h.run(create(byId(CUSTOMER)));
		expect(result.error).toBeUndefined();
		expect(h.requests('createOrder')).toHaveLength(1);
		expect(h.sandbox.counts().orders).toBe(1);
	});
});
