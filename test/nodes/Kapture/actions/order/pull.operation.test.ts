import type { IDataObject } from 'n8n-workflow';

import { interpose } from '../../../../helpers/interpose';
import { errorMessage, fixture, NODE, orderEngine, setup, withoutEmpty, type Harness } from './setup';

let h: Harness;

// Sandbox clock frozen at 2024-05-10 12:00 IST; the account (and the workflow) run on IST.
const NOW = Date.parse('2024-05-10T06:30:00Z');

beforeAll(async () => {
	h = await setup({ now: NOW }, 'Asia/Kolkata');
});
afterAll(async () => await h.close());
beforeEach(() => {
	h.sandbox.reset();
	h.sandbox.setPageSizeCap(500);
});

const allSince2000 = { filters: { createStartDate: '2000-01-01T00:00:00' } };

describe('Get Many (v1)', () => {
	it('sends the documented example body (empty fields left out), cmId from the credential', async () => {
		const result = await h.run({
			operation: 'pull',
			api: 'v1',
			returnAll: false,
			limit: 50,
			filters: { customerIds: '191696570', viewId: '2' },
		});
		expect(result.error).toBeUndefined();
		expect(h.bodies('v1Pull')).toEqual([{ ...withoutEmpty(fixture('v1-pull.request')), limit: '50', offset: '0' }]);
	});

	it('Return All reads every page and outputs each order exactly once', async () => {
		const seeded = h.sandbox.seedOrders(1234);
		const result = await h.run({ operation: 'pull', api: 'v1', returnAll: true, simplify: false, ...allSince2000 });
		expect(result.error).toBeUndefined();
		const ids = result.json(NODE).map((json) => json.id);
		expect(ids).toHaveLength(1234);
		expect(new Set(ids)).toEqual(new Set(seeded.map((order) => order.id)));
		const limits = h.bodies('v1Pull').map((body) => (body as IDataObject).limit);
		expect(limits.every((limit) => limit === '500')).toBe(true);
		expect(result.output(NODE).every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('Return All loses nothing when Kapture caps pages below the asked size', async () => {
		h.sandbox.setPageSizeCap(200);
		const seeded = h.sandbox.seedOrders(1050);
		const result = await h.run({ operation: 'pull', api: 'v1', returnAll: true, simplify: false, ...allSince2000 });
		expect(result.error).toBeUndefined();
		const ids = result.json(NODE).map((json) => json.id);
		expect(ids).toHaveLength(1050);
		expect(new Set(ids).size).toBe(seeded.length);
	});

	it('Limit stops after that many orders', async () => {
		h.sandbox.seedOrders(120);
		const result = await h.run({ operation: 'pull', api: 'v1', returnAll: false, limit: 30, ...allSince2000 });
		expect(result.json(NODE)).toHaveLength(30);
		expect(h.bodies('v1Pull')).toHaveLength(1);
	});

	it('Simplify returns the compact shape', async () => {
		const [order] = h.sandbox.seedOrders(1, { remarks: 'hello', deliveryStatus: 'AP', erpOrderId: 'E1' });
		const result = await h.run({ operation: 'pull', api: 'v1', returnAll: true, simplify: true, ...allSince2000 });
		expect(result.json(NODE)).toEqual([
			expect.objectContaining({
				id: String(order.id),
				customerId: String(order.customerId),
				enquiryId: String(order.enquiryId),
				status: 'AP',
				remarks: 'hello',
				erpOrderId: 'E1',
				customerName: order.customerName,
				createdAt: new Date(order.createDate).toISOString(),
			}),
		]);
	});
});

describe('Get Many (partner)', () => {
	it('sends the documented example body, starting at position 0', async () => {
		const result = await h.run({
			operation: 'pull',
			api: 'partner',
			startDate: '2016-03-31T00:00:00',
			endDate: '2016-03-31T00:00:00',
			returnAll: false,
			limit: 10,
			options: { enquiryId: '293312' },
		});
		expect(result.error).toBeUndefined();
		expect(result.json(NODE)).toEqual([]);
		expect(h.bodies('pullByDates')).toEqual([[{ ...fixture('partner-pull.request')[0], startPosition: '0' }]]);
	});

	it('walks a multi-day range one day at a time and returns every order once', async () => {
		// 300 orders, one every 40 minutes, ending now: about 8 days.
		const seeded = h.sandbox.seedOrders(300, (i) => ({ createDate: NOW - (299 - i) * 40 * 60_000 }));
		const result = await h.run({
			operation: 'pull',
			api: 'partner',
			startDate: '2024-05-01T00:00:00',
			endDate: '2024-05-10T00:00:00',
			returnAll: true,
			simplify: true,
			options: { pageSize: 25 },
		});
		expect(result.error).toBeUndefined();
		const ids = result.json(NODE).map((json) => json.id);
		expect(ids).toHaveLength(300);
		expect(new Set(ids)).toEqual(new Set(seeded.map((order) => String(order.id))));
		const days = new Set(h.bodies('pullByDates').map((body) => (body as IDataObject[])[0].start_date));
		expect(days.size).toBe(10);
		// Partner dates are IST wall-clock texts; simplified they are the same instants as v1's.
		const first = result.json(NODE).find((json) => json.id === String(seeded[0].id));
		expect(first?.createdAt).toBe(new Date(Math.floor(seeded[0].createDate / 1000) * 1000).toISOString());
	});
});

describe('Get Many (v1) while the list changes under it', () => {
	it('returns every order that matched throughout exactly once, while orders are inserted and removed ahead of the reading position between page reads', async () => {
		const seeded = h.sandbox.seedOrders(400, (i) => ({ deliveryStatus: 'AP', createDate: NOW - (400 - i) * 60_000 }));
		const served: number[] = [];
		const removed = new Set<number>();
		let pulls = 0;
		let newest = NOW;
		// Changes the sandbox by its public API, as other Kapture users would: new orders on top,
		// orders already read stop matching the status filter.
		const stopMatching = async (id: number) => {
			removed.add(id);
			const body = { customer_info: { customer_name: 'Someone', phone: '9000000000' }, order_info: { order_id: String(id), update: true, delivery_status: 'CA' } };
			const answer = await fetch(`${h.sandbox.baseUrl}/ms/customer/order/api/v1/add-update`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${h.sandbox.credentials.username}:${h.sandbox.credentials.password}`).toString('base64')}` },
				body: JSON.stringify(body),
			});
			expect(answer.status).toBe(200);
		};
		const isPull = (path: string) => path.includes('pull-internal');
		const proxy = await interpose(h.sandbox.baseUrl, {
			before: async ({ path }) => {
				if (!isPull(path) || ++pulls < 2) return;
				// Two new orders on top, three orders already read leave: the list ahead moves up by one,
				// so a reader that does not check its pages join would never see one order.
				for (let n = 0; n < 2; n++) h.sandbox.insertOrder({ deliveryStatus: 'AP', createDate: (newest += 1000) });
				const candidates = served.filter((id) => !removed.has(id));
				// The last order read (the one the next page must join on), one in the middle, the first.
				for (const id of new Set([candidates[candidates.length - 1], candidates[Math.floor(candidates.length / 2)], candidates[0]])) {
					await stopMatching(id);
				}
			},
			after: ({ path }, _status, body) => {
				if (!isPull(path)) return;
				for (const order of (body as { order_details?: Array<{ id: number }> }).order_details ?? []) {
					if (!served.includes(order.id)) served.push(order.id);
				}
			},
		});
		try {
			const engine = orderEngine(h.sandbox, 'Asia/Kolkata', { baseUrl: proxy.baseUrl });
			const result = await engine.runNode({
				type: 'kaptureOrder',
				parameters: {
					resource: 'order',
					operation: 'pull',
					api: 'v1',
					returnAll: true,
					simplify: false,
					filters: { bookingStatus: 'AP', createStartDate: '2000-01-01T00:00:00' },
					options: { pageSize: 50 },
				},
			});
			expect(result.error).toBeUndefined();
			const ids = result.json(NODE).map((json) => json.id as number);
			expect(new Set(ids).size).toBe(ids.length);
			const throughout = seeded.filter((order) => !removed.has(order.id)).map((order) => order.id);
			expect(ids).toEqual(expect.arrayContaining(throughout));
			expect(removed.size).toBeGreaterThanOrEqual(10);
		} finally {
			await proxy.close();
		}
	});
});

describe('Get Many: bad input is refused before any request', () => {
	const cases: Array<[string, IDataObject, RegExp]> = [
		['no filter (v1)', { api: 'v1', filters: {} }, /Filters: add at least one filter/],
		['only View ID (v1)', { api: 'v1', filters: { viewId: '2' } }, /add at least one filter/],
		['impossible date filter (v1)', { api: 'v1', filters: { createStartDate: '2024-02-31' } }, /Created After.*not a valid date/],
		['end before start (partner)', { api: 'partner', startDate: '2024-05-02', endDate: '2024-05-01' }, /End Date \(2024-05-01\) is before Start Date \(2024-05-02\)/],
		['impossible start date (partner)', { api: 'partner', startDate: '2024-13-01', endDate: '2024-05-01' }, /Start Date is not a valid date/],
		['non-numeric enquiry ID (partner)', { api: 'partner', startDate: '2024-05-01', endDate: '2024-05-01', options: { enquiryId: 'x' } }, /Enquiry ID must be a number/],
	];

	it.each(cases)('%s', async (_name, parameters, message) => {
		const result = await h.run({ operation: 'pull', returnAll: true, ...parameters });
		expect(errorMessage(result)).toMatch(message);
		expect(h.sandbox.requests()).toHaveLength(0);
	});

	it('cmId 0 in the credential is named before any request', async () => {
		const other = await setup({ now: NOW });
		try {
			const engine = (await import('../../../../helpers/engine')).createEngine({
				nodeTypes: { kaptureOrder: new (await import('../../../../../nodes/Kapture/KaptureOrder.node')).KaptureOrder() },
				credentialTypes: [new (await import('../../../../../credentials/KaptureApi.credentials')).KaptureApi()],
				credentials: [
					{
						type: 'kaptureApi',
						data: { baseUrl: other.sandbox.baseUrl, username: 'u', password: 'p', cmId: 0 },
					},
				],
			});
			const result = await engine.runNode({
				type: 'kaptureOrder',
				parameters: { resource: 'order', operation: 'pull', api: 'v1', returnAll: true, ...allSince2000 },
			});
			expect(result.error?.message).toMatch(/Account ID \(cmId\).*greater than 0/);
			expect(other.sandbox.requests()).toHaveLength(0);
		} finally {
			await other.close();
		}
	});
});

describe('Get Many: Continue On Fail', () => {
	it('a failing search lands on its item, the next item still runs', async () => {
		h.sandbox.seedOrders(3);
		h.sandbox.faults.script({ kind: 'failureBody', api: 'v1Pull', message: 'View not allowed' });
		const result = await h.run(
			{ operation: 'pull', api: 'v1', returnAll: true, ...allSince2000 },
			[{}, {}],
			{ continueOnFail: true },
		);
		const output = result.output(NODE);
		expect(output[0].json.error).toMatch(/View not allowed/);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output.slice(1)).toHaveLength(3);
		expect(output.slice(1).every((item) => (item.pairedItem as { item: number }).item === 1)).toBe(true);
	});
});
