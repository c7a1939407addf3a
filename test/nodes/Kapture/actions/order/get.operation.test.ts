import type { IDataObject } from 'n8n-workflow';

import { errorMessage, fixture, NODE, setup, type Harness } from './setup';

let h: Harness;

beforeAll(async () => {
	h = await setup({}, 'Asia/Kolkata');
});
afterAll(async () => await h.close());
beforeEach(() => h.sandbox.reset());

const locator = (value: string) => ({ __rl: true, mode: 'id', value });

describe('Get (partner, the default)', () => {
	it('sends the documented example body', async () => {
		h.sandbox.insertOrder({ id: 4075465 });
		const result = await h.run({ operation: 'get', orderId: locator('4075465') });
		expect(result.error).toBeUndefined();
		expect(h.bodies('getOrder')).toEqual([fixture('partner-get.request')]);
	});

	it('returns the raw record with Simplify off', async () => {
		const [order] = h.sandbox.seedOrders(1);
		const result = await h.run({ operation: 'get', orderId: locator(String(order.id)), simplify: false });
		expect(result.json(NODE)).toEqual([
			expect.objectContaining({ id: String(order.id), leadId: String(order.customerId), name: order.customerName }),
		]);
	});

	it('accepts a plain text Order ID too', async () => {
		const [order] = h.sandbox.seedOrders(1);
		const result = await h.run({ operation: 'get', orderId: String(order.id) });
		expect(result.json(NODE)[0].id).toBe(String(order.id));
	});
});

describe('Get: both APIs give the same simplified order', () => {
	it('v1 and partner agree', async () => {
		const [order] = h.sandbox.seedOrders(1, { remarks: 'same', deliveryStatus: 'AP', erpOrderId: 'E-7' });
		const partner = await h.run({ operation: 'get', api: 'partner', orderId: locator(String(order.id)) });
		const v1 = await h.run({ operation: 'get', api: 'v1', orderId: locator(String(order.id)) });
		expect(partner.error).toBeUndefined();
		expect(v1.error).toBeUndefined();
		const fromV1 = v1.json(NODE)[0];
		const fromPartner = partner.json(NODE)[0];
		expect(fromV1).toMatchObject({ id: String(order.id), remarks: 'same', status: 'AP', erpOrderId: 'E-7' });
		expect(Object.keys(fromPartner).sort()).toEqual(Object.keys(fromV1).sort());
		for (const key of ['id', 'customerId', 'enquiryId', 'status', 'customerName', 'phone', 'email', 'remarks', 'erpOrderId', 'assignedToId', 'creatorId']) {
			expect([key, fromPartner[key]]).toEqual([key, fromV1[key]]);
		}
		// v1 carries milliseconds, partner whole seconds.
		expect(Date.parse(fromPartner.createdAt as string)).toBe(Math.floor(order.createDate / 1000) * 1000);
		const v1Body = h.bodies('v1Pull')[0] as IDataObject;
		expect(v1Body).toEqual({ cmId: h.sandbox.credentials.cmId, orderIds: String(order.id), limit: '1', offset: '0' });
	});
});

describe('Get: bad input is refused before any request', () => {
	const cases: Array<[string, IDataObject, RegExp]> = [
		['letters in the ID (editor check bypassed by an expression)', { orderId: locator('={{ "abc" }}') }, /Order ID must be a number, got "abc"/],
		['letters in the ID (plain text)', { orderId: 'abc' }, /Order ID must be a number, got "abc"/],
		['empty ID (expression)', { orderId: locator('={{ "" }}') }, /Order ID is required/],
		['negative ID', { orderId: '-4' }, /Order ID must be a number, got "-4"/],
	];

	it.each(cases)('%s', async (_name, parameters, message) => {
		const result = await h.run({ operation: 'get', ...parameters });
		expect(errorMessage(result)).toMatch(message);
		expect(h.sandbox.requests()).toHaveLength(0);
	});
});

describe('Get: Continue On Fail and parallel', () => {
	it('an unknown order lands on its item; output order and pairing are kept', async () => {
		const orders = h.sandbox.seedOrders(20);
		const ids = orders.map((order) => String(order.id));
		ids.splice(7, 0, '999999999');
		h.sandbox.setLatency(10);
		const result = await h.run(
			{ operation: 'get', orderId: '={{ $json.id }}', options: { parallelRequests: 5 } },
			ids.map((id) => ({ id })),
			{ continueOnFail: true },
		);
		h.sandbox.setLatency(0);
		const output = result.output(NODE);
		expect(output).toHaveLength(21);
		expect(output.map((item) => item.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
		// Kapture's "could not find the order" is the endpoint's "nothing found".
		expect(output[7].json.error).toMatch(/Kapture has no order with ID/);
		output.forEach((item, index) => {
			if (index !== 7) expect(item.json.id).toBe(ids[index]);
		});
		expect(h.sandbox.inFlight().peak).toBeLessThanOrEqual(5);
	});

	it('v1: an unknown order is a named error', async () => {
		const result = await h.run({ operation: 'get', api: 'v1', orderId: '999999999' });
		expect(errorMessage(result)).toMatch(/Kapture has no order with ID 999999999/);
	});
});
