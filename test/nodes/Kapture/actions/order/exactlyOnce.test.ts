// Exactly-once writes: every fault kind the sandbox injects, with and without
// an ERP Order ID, checked against what Kapture (the sandbox) holds afterwards
// and what every output item says.

import type { IDataObject } from 'n8n-workflow';

import type { FaultKind, SandboxOrder } from '../../../../sandbox';
import { MAX_SENDS } from '../../../../../nodes/Kapture/actions/order/exactlyOnce';
import { calls, NODE, useHarness } from './setup';

const h = useHarness((sandbox) => {
	sandbox.setSearchDelay(0);
	sandbox.setLatency(0);
});

const CONTINUE = { onError: 'continueRegularOutput' as const };

/** Two items; only the first one's write gets the fault (Parallel Requests 1). */
const INPUT = [
	{ name: 'Asha Rao', phone: '9000000001', erp: 'ERP-1' },
	{ name: 'Ravi Iyer', phone: '9000000002', erp: 'ERP-2' },
];

function createParameters(api: 'v1' | 'partner', withErp: boolean, options: IDataObject = {}): IDataObject {
	const common = { customerName: '={{ $json.name }}', phone: '={{ $json.phone }}', options: { parallelRequests: 1, recoveryWaitSeconds: 1, ...options } };
	if (api === 'v1') {
		return { operation: 'add', api, ...common, orderFields: withErp ? { erpOrderId: '={{ $json.erp }}', remarks: 'r' } : { remarks: 'r' } };
	}
	return { operation: 'add', api, ...common, partnerFields: withErp ? { erpOrderId: '={{ $json.erp }}' } : {} };
}

/** Create or Update over v1 for one customer, keyed ERP-9 unless `extra` says otherwise. */
function upsertParameters(extra: IDataObject = {}): IDataObject {
	return { operation: 'upsert', api: 'v1', erpOrderId: 'ERP-9', customerName: 'Asha Rao', phone: '9000000001', ...extra };
}

function ordersOf(name: string): SandboxOrder[] {
	return h.sandbox.listOrders().filter((order) => order.customerName === name);
}

function duplicates(): number {
	const names = h.sandbox.listOrders().map((o) => o.customerName);
	return names.length - new Set(names).size;
}

type Expectation =
	| { outcome: 'created'; recovered: boolean }
	| { outcome: 'error'; stored: boolean; retrySafe: boolean; mayHaveBeenCreated: boolean; message: RegExp };

const MAY_EXIST = { outcome: 'error', retrySafe: false, mayHaveBeenCreated: true } as const;
const RECOVERED: Expectation = { outcome: 'created', recovered: true };
const SENT_AGAIN: Expectation = { outcome: 'created', recovered: false };
// Create Another did not look before sending: an order found may be an older one with the same ERP Order ID.
const CANNOT_TELL: Expectation = { ...MAY_EXIST, stored: true, message: /cannot tell the order just sent from an older one/ };
const NO_ERP_STORED: Expectation = { ...MAY_EXIST, stored: true, message: /may have been created/ };
const NO_ERP_NOT_STORED: Expectation = { ...MAY_EXIST, stored: false, message: /may have been created/ };
const REFUSED: Expectation = { outcome: 'error', stored: false, retrySafe: true, mayHaveBeenCreated: false, message: /refused/ };

// What the first item ends as, per fault kind: with an ERP Order ID and Skip (it looks first), with one and
// Create Another (it does not), and without one.
const CASES: Array<{ kind: FaultKind; skip: Expectation; createAnother: Expectation; withoutErp: Expectation }> = [
	{ kind: 'serverErrorAfterStoring', skip: RECOVERED, createAnother: CANNOT_TELL, withoutErp: NO_ERP_STORED },
	{ kind: 'resetAfterStoring', skip: RECOVERED, createAnother: CANNOT_TELL, withoutErp: NO_ERP_STORED },
	{ kind: 'htmlAfterStoring', skip: RECOVERED, createAnother: CANNOT_TELL, withoutErp: NO_ERP_STORED },
	// A proxy's 503 after forwarding: a 503 on a write is not proof that nothing happened.
	{ kind: 'unavailableAfterStoring', skip: RECOVERED, createAnother: CANNOT_TELL, withoutErp: NO_ERP_STORED },
	// Not processed, but the client cannot tell: with an ERP Order ID the node
	// proves the order absent and sends it again; without one it must not.
	{ kind: 'serverError', skip: SENT_AGAIN, createAnother: SENT_AGAIN, withoutErp: NO_ERP_NOT_STORED },
	{ kind: 'reset', skip: SENT_AGAIN, createAnother: SENT_AGAIN, withoutErp: NO_ERP_NOT_STORED },
	{ kind: 'html', skip: SENT_AGAIN, createAnother: SENT_AGAIN, withoutErp: NO_ERP_NOT_STORED },
	{ kind: 'unavailable', skip: SENT_AGAIN, createAnother: SENT_AGAIN, withoutErp: NO_ERP_NOT_STORED },
	// Provably not processed: retried by the transport, or refused for good.
	{ kind: 'rateLimit', skip: SENT_AGAIN, createAnother: SENT_AGAIN, withoutErp: SENT_AGAIN },
	{ kind: 'failureBody', skip: REFUSED, createAnother: REFUSED, withoutErp: REFUSED },
];

const WRITE_API = { v1: 'v1AddUpdate', partner: 'orderPush' } as const;

const MODES = [
	{ mode: 'skip', withErp: true, options: { ifErpOrderIdExists: 'skip' } },
	{ mode: 'createAnother', withErp: true, options: {} },
	{ mode: 'withoutErp', withErp: false, options: {} },
] as const;

describe.each(['v1', 'partner'] as const)('Create (%s) under each fault', (api) => {
	describe.each(MODES)('$mode', ({ mode, withErp, options }) => {
		test.each(CASES)('$kind', async (testCase) => {
			const expected = testCase[mode];
			h.sandbox.faults.script({ kind: testCase.kind, api: WRITE_API[api], retryAfterSeconds: 0 });
			const result = await h.run(createParameters(api, withErp, options), INPUT, CONTINUE);
			expect(result.error).toBeUndefined();
			const items = result.output(NODE);
			expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			const [first, second] = items.map((item) => item.json);

			// Kapture holds each order at most once, and the unfaulted item exactly once.
			expect(duplicates()).toBe(0);
			expect(ordersOf('Ravi Iyer')).toHaveLength(1);
			expect(second.error).toBeUndefined();

			if (expected.outcome === 'created') {
				const [order] = ordersOf('Asha Rao');
				expect(order).toBeDefined();
				expect(first.error).toBeUndefined();
				expect(String(first.order_id)).toBe(String(order.id));
				expect(first.recovered === true).toBe(expected.recovered);
				if (expected.recovered) expect(first.recoveredFrom).toEqual(expect.any(String));
			} else {
				expect(ordersOf('Asha Rao')).toHaveLength(expected.stored ? 1 : 0);
				expect(first).toMatchObject({
					error: expect.stringMatching(expected.message),
					retrySafe: expected.retrySafe,
					mayHaveBeenCreated: expected.mayHaveBeenCreated,
					customer_name: 'Asha Rao',
				});
				if (withErp) expect(first.erp_order_id).toBe('ERP-1');
				if (!withErp && expected.mayHaveBeenCreated) expect(first.error).toMatch(/ERP Order ID/);
			}
		});
	});
});

describe('the bounded wait for search', () => {
	test('an order that search shows late is still found: recovered, not sent twice', async () => {
		h.sandbox.setSearchDelay(700);
		h.sandbox.faults.script({ kind: 'serverErrorAfterStoring', api: 'v1AddUpdate' });
		const started = Date.now();
		const result = await h.run(createParameters('v1', true, { recoveryWaitSeconds: 3, ifErpOrderIdExists: 'skip' }), INPUT.slice(0, 1), CONTINUE);
		const [item] = result.json(NODE);
		expect(item).toMatchObject({ recovered: true, status: 'success' });
		expect(h.sandbox.counts().orders).toBe(1);
		// Skip's lookup before the write, then the lookups after the lost answer.
		const lookups = calls(h.sandbox).filter((call) => call === 'lookup:ERP-1');
		expect(lookups.length).toBeGreaterThanOrEqual(3);
		expect(lookups.length).toBeLessThanOrEqual(7);
		expect(Date.now() - started).toBeLessThan(3500);
	});

	test('an absent order is sent again only after the whole wait, and the wait is bounded', async () => {
		h.sandbox.faults.script({ kind: 'reset', api: 'v1AddUpdate' });
		const started = Date.now();
		const result = await h.run(createParameters('v1', true, { recoveryWaitSeconds: 1.5 }), INPUT.slice(0, 1), CONTINUE);
		const elapsed = Date.now() - started;
		expect(result.json(NODE)[0]).toMatchObject({ status: 'success' });
		expect(h.sandbox.counts().orders).toBe(1);
		const log = h.sandbox.requests();
		const writes = log.filter((r) => r.api === 'v1AddUpdate');
		expect(writes).toHaveLength(2);
		// The second write went out once the wait was over, and not much later.
		const lastLookup = log.filter((r) => r.api === 'v1Pull').pop()!;
		expect(lastLookup.seq).toBeLessThan(writes[1].seq);
		expect(elapsed).toBeGreaterThanOrEqual(1500);
		expect(elapsed).toBeLessThan(4000);
	});

	test('a search slower than the wait is the documented limit: the order is sent again', async () => {
		// This is why the wait is an option: the guarantee holds while Kapture's
		// search shows a new order within Recovery Wait.
		h.sandbox.setSearchDelay(5000);
		h.sandbox.faults.script({ kind: 'serverErrorAfterStoring', api: 'v1AddUpdate' });
		await h.run(createParameters('v1', true, { recoveryWaitSeconds: 0.5 }), INPUT.slice(0, 1), CONTINUE);
		expect(h.sandbox.counts().orders).toBe(2);
	});

	test('a parked item does not hold up the others', async () => {
		h.sandbox.setLatency(20);
		h.sandbox.faults.script({ kind: 'reset', api: 'v1AddUpdate' });
		const input = Array.from({ length: 20 }, (_, i) => ({ name: `C ${i}`, phone: `90000001${String(i).padStart(2, '0')}`, erp: `E-${i}` }));
		const started = Date.now();
		const result = await h.run(createParameters('v1', true, { parallelRequests: 1, recoveryWaitSeconds: 2 }), input, CONTINUE);
		expect(result.json(NODE).every((item) => item.error === undefined)).toBe(true);
		expect(h.sandbox.counts().orders).toBe(20);
		// 20 writes at 20 ms one at a time plus a handful of lookups, overlapping the 2 s wait.
		expect(Date.now() - started).toBeLessThan(2000 + 20 * 20 + 1500);
		expect(h.sandbox.inFlight().peak).toBe(1);
	});
});

describe('lookups and sends that keep failing', () => {
	test('a lookup that fails once is tried again within the wait: the order is recovered', async () => {
		// Skip's lookup before the write is answered; the first lookup after the lost answer is refused.
		h.sandbox.faults.script(
			{ kind: 'serverErrorAfterStoring', api: 'v1AddUpdate' },
			{ kind: 'slow', delayMs: 0, api: 'v1Pull', bodyIncludes: '"ERP-1"' },
			{ kind: 'failureBody', api: 'v1Pull', bodyIncludes: '"ERP-1"' },
		);
		const [item] = (await h.run(createParameters('v1', true, { recoveryWaitSeconds: 2, ifErpOrderIdExists: 'skip' }), INPUT.slice(0, 1), CONTINUE)).json(NODE);
		expect(item).toMatchObject({ recovered: true, status: 'success' });
		expect(h.sandbox.counts().orders).toBe(1);
		expect(h.sandbox.requests().filter((r) => r.api === 'v1Pull').length).toBeGreaterThanOrEqual(2);
	});

	test('every answer lost and the order never in Kapture: 5 sends, then an error item that says it was not created', async () => {
		h.sandbox.faults.rate(1, { kind: 'reset', api: 'v1AddUpdate' });
		const [item] = (await h.run(createParameters('v1', true, { recoveryWaitSeconds: 0.3 }), INPUT.slice(0, 1), CONTINUE)).json(NODE);
		expect(item).toMatchObject({ retrySafe: true, mayHaveBeenCreated: false, erp_order_id: 'ERP-1' });
		expect(item.error).toMatch(/sent 5 times and every answer was lost/);
		expect(h.sandbox.requests().filter((r) => r.api === 'v1AddUpdate')).toHaveLength(MAX_SENDS);
		expect(h.sandbox.counts().orders).toBe(0);
	});

	test('the last lost answer is still looked up: an order stored by the last send is recovered', async () => {
		h.sandbox.faults.script(
			...Array.from({ length: MAX_SENDS - 1 }, () => ({ kind: 'reset' as const, api: 'v1AddUpdate' as const })),
			{ kind: 'resetAfterStoring', api: 'v1AddUpdate' },
		);
		const [item] = (await h.run(createParameters('v1', true, { recoveryWaitSeconds: 0.3 }), INPUT.slice(0, 1), CONTINUE)).json(NODE);
		expect(item).toMatchObject({ recovered: true });
		expect(h.sandbox.counts().orders).toBe(1);
	});
});

describe('Create: If the ERP Order ID Exists', () => {
	beforeEach(() => {
		h.sandbox.insertOrder({ erpOrderId: 'ERP-1', customerName: 'Asha Rao' });
	});

	test('Create Another (the default) creates a second order', async () => {
		const result = await h.run(createParameters('v1', true, { recoveryWaitSeconds: 1 }), INPUT.slice(0, 1));
		expect(result.error).toBeUndefined();
		expect(ordersOf('Asha Rao')).toHaveLength(2);
		expect(h.sandbox.requests().map((r) => r.api)).toEqual(['v1AddUpdate']);
	});

	test('Skip outputs the existing order and writes nothing', async () => {
		const [existing] = ordersOf('Asha Rao');
		const result = await h.run(createParameters('v1', true, { ifErpOrderIdExists: 'skip' }), INPUT);
		expect(result.error).toBeUndefined();
		const [first, second] = result.json(NODE);
		expect(first).toMatchObject({ skipped: true, order_id: String(existing.id), erp_order_id: 'ERP-1' });
		expect(second.skipped).toBeUndefined();
		expect(ordersOf('Asha Rao')).toHaveLength(1);
		expect(ordersOf('Ravi Iyer')).toHaveLength(1);
	});

	test('Fail gives an error naming the ERP Order ID and the order', async () => {
		const [existing] = ordersOf('Asha Rao');
		const result = await h.run(createParameters('v1', true, { ifErpOrderIdExists: 'fail' }), INPUT, CONTINUE);
		const [first, second] = result.json(NODE);
		expect(first.error).toMatch(new RegExp(`ERP Order ID "ERP-1" already exists.*${existing.id}`));
		expect(first).toMatchObject({ retrySafe: true, mayHaveBeenCreated: false, erp_order_id: 'ERP-1', existing_order_id: String(existing.id) });
		expect(second.error).toBeUndefined();
		expect(ordersOf('Asha Rao')).toHaveLength(1);
	});

	test('Fail without Continue On Fail stops the node before the item is written', async () => {
		const result = await h.run(createParameters('v1', true, { ifErpOrderIdExists: 'fail' }), INPUT.slice(0, 1));
		expect(result.error?.message).toMatch(/ERP Order ID "ERP-1" already exists/);
		expect(h.sandbox.counts().orders).toBe(1);
	});
});

describe('re-running a whole sync', () => {
	const input = Array.from({ length: 200 }, (_, i) => ({
		name: `Customer ${i}`,
		phone: `91000${String(i).padStart(5, '0')}`,
		erp: `SO-${i}`,
		remarks: `run`,
	}));

	test('Create with Skip twice: 200 orders, the second run all skipped', async () => {
		const parameters = createParameters('v1', true, { ifErpOrderIdExists: 'skip', parallelRequests: 10 });
		const first = await h.run(parameters, input);
		expect(first.error).toBeUndefined();
		expect(h.sandbox.counts().orders).toBe(200);
		const second = await h.run(parameters, input);
		expect(second.error).toBeUndefined();
		expect(h.sandbox.counts().orders).toBe(200);
		expect(second.json(NODE).every((item) => item.skipped === true)).toBe(true);
		expect(h.sandbox.requests().filter((r) => r.api === 'v1AddUpdate')).toHaveLength(200);
	});

	test('Create or Update twice: 200 orders, the second run all updated', async () => {
		const parameters = upsertParameters({
			erpOrderId: '={{ $json.erp }}',
			customerName: '={{ $json.name }}',
			phone: '={{ $json.phone }}',
			orderFields: { remarks: '={{ $json.remarks }}' },
			options: { parallelRequests: 10 },
		});
		const first = await h.run(parameters, input);
		expect(first.error).toBeUndefined();
		expect(first.json(NODE).every((item) => item.operation === 'created')).toBe(true);
		const second = await h.run(parameters, input.map((row) => ({ ...row, remarks: 'second run' })));
		expect(second.error).toBeUndefined();
		expect(h.sandbox.counts().orders).toBe(200);
		expect(second.json(NODE).every((item) => item.operation === 'updated')).toBe(true);
		expect(h.sandbox.listOrders().every((order) => order.remarks === 'second run')).toBe(true);
	});
});

describe('Create or Update under faults', () => {
	test.each(['serverErrorAfterStoring', 'resetAfterStoring', 'reset', 'serverError'] as FaultKind[])(
		'%s on the create: one order, reported as created',
		async (kind) => {
			h.sandbox.faults.script({ kind, api: 'v1AddUpdate' });
			const result = await h.run(
				upsertParameters({ options: { recoveryWaitSeconds: 1 } }),
				[{}],
				CONTINUE,
			);
			expect(h.sandbox.counts().orders).toBe(1);
			expect(result.json(NODE)[0]).toMatchObject({ operation: 'created', status: 'success' });
		},
	);

	test('an ambiguous update is sent again: updating twice changes nothing more', async () => {
		const existing = h.sandbox.insertOrder({ erpOrderId: 'ERP-9', remarks: 'old' });
		h.sandbox.faults.script({ kind: 'resetAfterStoring', api: 'v1AddUpdate' });
		const result = await h.run(
			upsertParameters({ orderFields: { remarks: 'new' } }),
			[{}],
			CONTINUE,
		);
		expect(result.json(NODE)[0]).toMatchObject({ operation: 'updated', order_id: String(existing.id) });
		expect(h.sandbox.getOrder(existing.id)!.remarks).toBe('new');
		expect(h.sandbox.counts().orders).toBe(1);
	});

	test('an update whose every answer is lost: sent 5 times, then an error item that is safe to retry and created nothing', async () => {
		const existing = h.sandbox.insertOrder({ erpOrderId: 'ERP-9', remarks: 'old' });
		h.sandbox.faults.rate(1, { kind: 'resetAfterStoring', api: 'v1AddUpdate' });
		const [item] = (await h.run(upsertParameters({ orderFields: { remarks: 'new' } }), [{}], CONTINUE)).json(NODE);
		expect(item).toMatchObject({ retrySafe: true, mayHaveBeenCreated: false, erp_order_id: 'ERP-9' });
		expect(h.sandbox.requests().filter((r) => r.api === 'v1AddUpdate')).toHaveLength(MAX_SENDS);
		expect(h.sandbox.counts().orders).toBe(1);
		expect(h.sandbox.getOrder(existing.id)!.remarks).toBe('new');
	});

	test('a lookup Kapture refuses is an error item that is safe to retry', async () => {
		h.sandbox.faults.rate(1, { kind: 'failureBody', api: 'v1Pull' });
		const result = await h.run(
			upsertParameters(),
			[{}],
			CONTINUE,
		);
		expect(result.json(NODE)[0]).toMatchObject({ retrySafe: true, mayHaveBeenCreated: false, erp_order_id: 'ERP-9', customer_name: 'Asha Rao' });
		expect(h.sandbox.counts().orders).toBe(0);
		expect(h.sandbox.requests().map((r) => r.api)).toEqual(['v1Pull']);
	});

	test.each([
		['skip', true],
		['createAnother', false],
	] as const)('a lookup that fails after a lost create (%s): the error item says the order may exist, and whether a re-run is safe', async (choice, safe) => {
		// Skip's lookup before writing is answered (a scripted 'slow' fault of 0 ms changes
		// nothing and comes before the rate rule); every lookup of ERP-1 after the lost answer is refused.
		if (choice === 'skip') h.sandbox.faults.script({ kind: 'slow', delayMs: 0, api: 'v1Pull', bodyIncludes: '"ERP-1"' });
		h.sandbox.faults.script({ kind: 'serverErrorAfterStoring', api: 'v1AddUpdate' });
		h.sandbox.faults.rate(1, { kind: 'failureBody', api: 'v1Pull', bodyIncludes: '"ERP-1"' });
		const parameters = createParameters('v1', true, { ifErpOrderIdExists: choice });
		const [item] = (await h.run(parameters, INPUT.slice(0, 1), CONTINUE)).json(NODE);
		expect(item).toMatchObject({ retrySafe: safe, mayHaveBeenCreated: true, erp_order_id: 'ERP-1', customer_name: 'Asha Rao' });
		expect(item.error).toMatch(/may have been created.*Looking it up by ERP Order ID failed too/);
		expect(h.sandbox.counts().orders).toBe(1);
		if (safe) {
			h.sandbox.faults.clear();
			const [again] = (await h.run(parameters, INPUT.slice(0, 1), CONTINUE)).json(NODE);
			expect(again).toMatchObject({ skipped: true });
			expect(h.sandbox.counts().orders).toBe(1);
		}
	});
});

describe('Update and Add Payment under ambiguous faults', () => {
	test('Update: an ambiguous answer is sent again, the order updated once in effect', async () => {
		const existing = h.sandbox.insertOrder({ remarks: 'old' });
		h.sandbox.faults.script({ kind: 'serverErrorAfterStoring', api: 'v1AddUpdate' });
		const result = await h.run(
			{ operation: 'update', api: 'v1', orderId: String(existing.id), customerName: 'Asha Rao', phone: '9000000001', orderFields: { remarks: 'new' } },
			[{}],
			CONTINUE,
		);
		expect(result.json(NODE)[0]).toMatchObject({ status: 'success', order_id: String(existing.id) });
		expect(h.sandbox.getOrder(existing.id)!.remarks).toBe('new');
	});

	test.each(['serverErrorAfterStoring', 'resetAfterStoring', 'reset'] as FaultKind[])(
		'Add Payment, %s: not sent again, and the error item says the payment may have been recorded',
		async (kind) => {
			const order = h.sandbox.insertOrder({});
			h.sandbox.faults.script({ kind, api: 'payment' });
			const result = await h.run(
				{ operation: 'pay', orderId: String(order.id), customerId: String(order.customerId), amount: 100, paymentId: 'pay_1' },
				[{}],
				CONTINUE,
			);
			const [item] = result.json(NODE);
			expect(item).toMatchObject({
				error: expect.stringMatching(/payment may have been recorded/),
				retrySafe: false,
				mayHaveBeenCreated: true,
				payment_id: 'pay_1',
				kapture_order_id: String(order.id),
				amount_paid: '100',
			});
			expect(h.sandbox.requests().filter((r) => r.api === 'payment')).toHaveLength(1);
			expect(h.sandbox.payments()).toHaveLength(kind === 'reset' ? 0 : 1);
		},
	);

	test('Add Payment refused by Kapture: safe to retry, nothing recorded', async () => {
		const result = await h.run({ operation: 'pay', orderId: '999', customerId: '1', amount: 100 }, [{}], CONTINUE);
		expect(result.json(NODE)[0]).toMatchObject({ retrySafe: true, mayHaveBeenCreated: false, kapture_order_id: '999' });
	});

	test('429s beyond the retry budget: nothing was processed, so the error item is safe to retry', async () => {
		h.sandbox.faults.rate(1, { kind: 'rateLimit', retryAfterSeconds: 0, api: 'v1AddUpdate' });
		const [item] = (await h.run(createParameters('v1', false), INPUT.slice(0, 1), CONTINUE)).json(NODE);
		expect(item).toMatchObject({ error: expect.stringMatching(/429/), retrySafe: true, mayHaveBeenCreated: false, customer_name: 'Asha Rao' });
		expect(h.sandbox.counts().orders).toBe(0);
		expect(h.sandbox.requests().length).toBeGreaterThan(1);
	});

	test('a bad item is an error item that is safe to retry, before anything is sent', async () => {
		const result = await h.run({ operation: 'add', api: 'v1', customerName: '={{ $json.name }}', phone: '9000000001' }, [{}], CONTINUE);
		expect(result.json(NODE)[0]).toMatchObject({ error: expect.stringMatching(/Customer Name is required/), retrySafe: true, mayHaveBeenCreated: false });
		expect(h.sandbox.requests()).toEqual([]);
	});
});
