// The ambiguous faults: Kapture processed the write, but the client gets no
// usable answer. And the search lag: a new order is not found at once.

import { addOrder, call, documentedWrites, fixture, getPartner, pullPartner, pullV1, pushPartner, v1AddBody } from './helpers';
import { PATHS, startSandbox } from './server';
import type { FaultKind, KaptureSandbox } from './types';

let sb: KaptureSandbox;
beforeAll(async () => {
	sb = await startSandbox({ quiet: true, now: Date.UTC(2024, 4, 8, 6) });
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.reset();
	sb.setSearchDelay(0);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('faults after storing', () => {
	test('serverErrorAfterStoring: 500 JSON, and the order is stored', async () => {
		sb.faults.script({ kind: 'serverErrorAfterStoring' });
		const res = await addOrder(sb, v1AddBody({ order: { erp_order_id: 'ERP-1' } }));
		expect(res.status).toBe(500);
		expect(res.body).toEqual({ status: 'failed', message: expect.any(String) });
		expect(sb.listOrders().map((o) => o.erpOrderId)).toEqual(['ERP-1']);
		expect(sb.requests()[0]).toMatchObject({ fault: 'serverErrorAfterStoring', status: 500, api: 'v1AddUpdate' });
	});

	test('resetAfterStoring: no answer at all, and the order is stored', async () => {
		sb.faults.script({ kind: 'resetAfterStoring' });
		await expect(addOrder(sb, v1AddBody({ order: { erp_order_id: 'ERP-2' } }))).rejects.toThrow();
		expect(sb.listOrders().map((o) => o.erpOrderId)).toEqual(['ERP-2']);
		expect(sb.requests()[0]).toMatchObject({ fault: 'resetAfterStoring', status: 0 });
		// The next request is answered normally.
		expect((await addOrder(sb, v1AddBody())).status).toBe(200);
		expect(sb.counts().orders).toBe(2);
	});

	test('htmlAfterStoring: a 200 HTML page, and the order is stored', async () => {
		sb.faults.script({ kind: 'htmlAfterStoring' });
		const res = await addOrder(sb, v1AddBody());
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/text\/html/);
		expect(typeof res.body).toBe('string');
		expect(sb.counts().orders).toBe(1);
	});

	test('unavailableAfterStoring: a proxy\'s 503 after forwarding, and the order is stored', async () => {
		sb.faults.script({ kind: 'unavailableAfterStoring', retryAfterSeconds: 3 });
		const res = await addOrder(sb, v1AddBody({ order: { erp_order_id: 'ERP-3' } }));
		expect(res.status).toBe(503);
		expect(res.headers.get('retry-after')).toBe('3');
		expect(sb.listOrders().map((o) => o.erpOrderId)).toEqual(['ERP-3']);
	});

	const kinds: FaultKind[] = ['serverErrorAfterStoring', 'resetAfterStoring', 'htmlAfterStoring', 'unavailableAfterStoring'];

	test.each(kinds)('%s lets every write through: v1 add and update, partner push, payment', async (kind) => {
		const order = sb.insertOrder({ id: 4238767, customerId: 48658789, remarks: 'before' });
		const writes = documentedWrites(sb, order.id);
		for (const write of writes) {
			sb.faults.script({ kind });
			const answer = await write().catch(() => undefined);
			expect(answer?.body?.status ?? answer?.body?.Status).not.toBe('success');
		}
		expect(sb.counts()).toMatchObject({ orders: 3, payments: 1 });
		expect(sb.getOrder(order.id)!.remarks).toBe('after');
		expect(sb.requests().map((r) => r.fault)).toEqual([kind, kind, kind, kind]);
	});

	test('a refused write stays refused: the fault spoils the answer, not the validation', async () => {
		sb.faults.script({ kind: 'serverErrorAfterStoring' });
		const res = await addOrder(sb, v1AddBody({ customer: { customer_name: '' } }));
		expect(res.status).toBe(500);
		expect(sb.counts().orders).toBe(0);
	});

	test('rate rules with after-storing kinds are seeded like the others', async () => {
		const run = async () => {
			sb.reset();
			sb.faults.rate(0.3, { kind: 'resetAfterStoring', api: 'v1AddUpdate' }, 5);
			const outcomes: string[] = [];
			for (let i = 0; i < 40; i++) {
				outcomes.push(await addOrder(sb, v1AddBody()).then((r) => String(r.status), () => 'reset'));
			}
			return outcomes;
		};
		const first = await run();
		expect(await run()).toEqual(first);
		expect(first.filter((o) => o === 'reset').length).toBeGreaterThan(3);
		// Every request was processed, answered or not.
		expect(sb.counts().orders).toBe(40);
	});
});

describe('search delay', () => {
	test('a new order is not found by erpOrderId until the delay has passed, then it is', async () => {
		sb.setSearchDelay(400);
		const added = await addOrder(sb, v1AddBody({ order: { erp_order_id: 'ERP-LAG' } }));
		const orderId = added.body.Order.order_id as number;
		const started = Date.now();

		expect((await pullV1(sb, { erpOrderId: 'ERP-LAG' })).body.order_details).toEqual([]);
		expect((await getPartner(sb, orderId)).body).toEqual({ Message: 'could not find the order', Status: 'failed' });
		expect((await pullPartner(sb, { start_date: '2024-05-08' })).body.Message).toBe('No orders between dates');
		// The store has it, and inspection shows it: only searches lag.
		expect(sb.getOrder(orderId)).toBeDefined();
		const inspected = await call(sb, PATHS.inspectOrders, undefined, undefined, 'GET');
		expect(inspected.body.total).toBe(1);

		while (Date.now() - started < 420) await sleep(20);
		expect((await pullV1(sb, { erpOrderId: 'ERP-LAG' })).body.order_details.map((o: { id: number }) => o.id)).toEqual([orderId]);
		expect((await getPartner(sb, orderId)).body.status).toBe('success');
		expect((await pullPartner(sb, { start_date: '2024-05-08' })).body.orders).toHaveLength(1);
	});

	test('partner pushes lag the same way; seeded and earlier orders are found at once', async () => {
		sb.seedOrders(2, (i) => ({ erpOrderId: `SEED-${i}` }));
		await addOrder(sb, v1AddBody({ order: { erp_order_id: 'BEFORE' } }));
		sb.setSearchDelay(60_000);
		const pushed = await pushPartner(sb, [{ ...fixture('partner-push.request')[0], erp_order_id: 'PUSHED' }]);
		expect(pushed.body[0].status).toBe('success');

		expect((await pullV1(sb, { erpOrderId: 'SEED-0,SEED-1,BEFORE,PUSHED' })).body.order_details.map((o: { erpOrderId: string }) => o.erpOrderId).sort()).toEqual(['BEFORE', 'SEED-0', 'SEED-1']);
		expect((await getPartner(sb, pushed.body[0].order_id)).body.Status).toBe('failed');
	});

	test('an update by id reaches a hidden order; the delay shows in the state; reset forgets hidden orders', async () => {
		sb.setSearchDelay(60_000);
		const added = await addOrder(sb, v1AddBody({ order: { erp_order_id: 'ERP-U' } }));
		const orderId = added.body.Order.order_id as number;
		const updated = await addOrder(sb, v1AddBody({ order: { update: true, order_id: orderId, remarks: 'changed' } }));
		expect(updated.body.status).toBe('success');
		expect(sb.getOrder(orderId)!.remarks).toBe('changed');
		expect((await pullV1(sb, { orderIds: String(orderId) })).body.order_details).toEqual([]);

		const state = await call(sb, PATHS.inspectState, undefined, undefined, 'GET');
		expect(state.body.config.searchDelayMs).toBe(60_000);

		sb.reset();
		sb.setSearchDelay(0);
		const again = await addOrder(sb, v1AddBody({ order: { erp_order_id: 'ERP-U' } }));
		expect((await pullV1(sb, { erpOrderId: 'ERP-U' })).body.order_details.map((o: { id: number }) => o.id)).toEqual([again.body.Order.order_id]);
	});

	test('the option sets the delay at start; bad values are refused', async () => {
		const lagging = await startSandbox({ quiet: true, searchDelayMs: 60_000 });
		try {
			await addOrder(lagging, v1AddBody({ order: { erp_order_id: 'X' } }));
			expect((await pullV1(lagging, { erpOrderId: 'X' })).body.order_details).toEqual([]);
			expect(() => lagging.setSearchDelay(-1)).toThrow();
		} finally {
			await lagging.close();
		}
	});
});
