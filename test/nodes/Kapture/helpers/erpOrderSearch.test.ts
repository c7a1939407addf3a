// The search by ERP Order ID is trusted only once the run proves it, against
// sandboxes that search as Kapture's page literally promises (literalDocs),
// that match nothing, or whose records come without the ERP Order ID.

import type { IDataObject } from 'n8n-workflow';

import type { PullBehaviour } from '../../../sandbox';
import { calls, NODE, useHarness } from '../actions/order/setup';

const h = useHarness((sandbox) => {
	sandbox.setSearchDelay(0);
	sandbox.setPullBehaviour({ erpOrderIdSearch: 'filters', recordsWithoutErpOrderId: false });
});

const CONTINUE = { onError: 'continueRegularOutput' as const };
const LITERAL: PullBehaviour = { erpOrderIdSearch: 'ignored', recordsWithoutErpOrderId: true };

function upsert(erpOrderId: string, extra: IDataObject = {}): IDataObject {
	return { operation: 'upsert', api: 'v1', erpOrderId, customerName: 'New Customer', phone: '9000000777', orderFields: { remarks: 'mine' }, ...extra };
}

function create(choice: string, extra: IDataObject = {}): IDataObject {
	return {
		operation: 'add',
		api: 'v1',
		customerName: '={{ $json.name }}',
		phone: '={{ $json.phone }}',
		orderFields: { erpOrderId: '={{ $json.erp }}', remarks: '={{ $json.name }}' },
		options: { ifErpOrderIdExists: choice, parallelRequests: 1, recoveryWaitSeconds: 0.3 },
		...extra,
	};
}

const writes = () => h.sandbox.requests().filter((entry) => entry.api === 'v1AddUpdate');

describe('a search that ignores erpOrderId (as the pull page literally shows it)', () => {
	test("Create or Update refuses before sending, and another customer's order stays as it was (the issue's case)", async () => {
		h.sandbox.setPullBehaviour(LITERAL);
		const other = h.sandbox.insertOrder({ erpOrderId: 'UPS-OTHER-1', customerName: 'Other Customer', remarks: 'theirs' });
		const result = await h.run(upsert('UPS-NEW-2'), [{}], CONTINUE);
		const [item] = result.json(NODE);
		expect(item.error).toMatch(
			/^Create or Update cannot run on this Kapture account: it needs Kapture's search to find orders by ERP Order ID, and a search for an ERP Order ID no order has returned an order, so the erpOrderId filter of its pull is ignored\. Nothing was sent\.$/,
		);
		expect(item).toMatchObject({ retrySafe: true, mayHaveBeenCreated: false, erp_order_id: 'UPS-NEW-2' });
		expect(writes()).toEqual([]);
		expect(h.sandbox.getOrder(other.id)).toEqual(other);
		expect(h.sandbox.counts().orders).toBe(1);
	});

	test('the error says what to use instead', async () => {
		h.sandbox.setPullBehaviour(LITERAL);
		h.sandbox.insertOrder({ erpOrderId: 'X' });
		const result = await h.run(upsert('Y'));
		expect((result.error as { description?: string }).description).toMatch(/Create Another .*Update with the order's Kapture Order ID/);
	});

	test.each(['skip', 'fail'])('Create with %s refuses every item before sending; the check runs once', async (choice) => {
		h.sandbox.setPullBehaviour(LITERAL);
		h.sandbox.insertOrder({ erpOrderId: 'OLD-1' });
		const input = [1, 2, 3].map((i) => ({ name: `C${i}`, phone: `900000000${i}`, erp: `NEW-${i}` }));
		const result = await h.run(create(choice), input, CONTINUE);
		const items = result.json(NODE);
		expect(items).toHaveLength(3);
		for (const item of items) {
			expect(item.error).toMatch(new RegExp(`^Create with If the ERP Order ID Exists set to ${choice === 'skip' ? 'Skip' : 'Fail'} cannot run on this Kapture account`));
			expect(item).toMatchObject({ retrySafe: true, mayHaveBeenCreated: false });
		}
		expect(writes()).toEqual([]);
		expect(calls(h.sandbox)).toEqual(['probe']);
	});

	test('without Continue On Fail the node stops, and nothing is written', async () => {
		h.sandbox.setPullBehaviour(LITERAL);
		h.sandbox.insertOrder({ erpOrderId: 'OLD-1' });
		const result = await h.run(upsert('NEW-1'));
		expect(result.error?.message).toMatch(/cannot run on this Kapture account/);
		expect(writes()).toEqual([]);
	});

	test('an empty account proves nothing either way; the first order returned without its ERP Order ID ends the trust', async () => {
		h.sandbox.setPullBehaviour(LITERAL);
		const input = [
			{ name: 'A', phone: '9000000001', erp: 'E-1' },
			{ name: 'B', phone: '9000000002', erp: 'E-2' },
		];
		const result = await h.run(create('skip'), input, CONTINUE);
		const [first, second] = result.json(NODE);
		// Nothing in Kapture: the empty answer is true whatever the filter does.
		expect(first).toMatchObject({ operation: 'created', status: 'success' });
		expect(second.error).toMatch(/it returned orders without their ERP Order ID/);
		expect(h.sandbox.counts().orders).toBe(1);
		expect(calls(h.sandbox)).toEqual(['probe', 'sample', 'lookup:E-1', 'v1AddUpdate', 'lookup:E-2']);
	});

	test.each([
		['Skip', 'skip'],
		['Create Another', 'createAnother'],
	])('a lost answer (%s) is never sent again and never claims an order: the error item says the order may exist', async (_label, choice) => {
		// An account with an order already; with Skip the check refuses first, so the lost answer is Create Another's.
		h.sandbox.setPullBehaviour(LITERAL);
		const other = h.sandbox.insertOrder({ erpOrderId: 'OTHER-9', customerName: 'Other' });
		h.sandbox.faults.script({ kind: 'serverErrorAfterStoring', api: 'v1AddUpdate' });
		const [item] = (await h.run(create(choice), [{ name: 'A', phone: '9000000001', erp: 'E-1' }], CONTINUE)).json(NODE);
		expect(item.order_id).toBeUndefined();
		if (choice === 'skip') {
			expect(item).toMatchObject({ retrySafe: true, mayHaveBeenCreated: false });
			expect(writes()).toHaveLength(0);
		} else {
			expect(item).toMatchObject({ retrySafe: false, mayHaveBeenCreated: true, erp_order_id: 'E-1' });
			expect(item.error).toMatch(/may have been created in Kapture\. The node could not check, and did not send it again: Kapture's search does not find orders by ERP Order ID on this account/);
			expect(writes()).toHaveLength(1);
			expect(h.sandbox.counts().orders).toBe(2);
		}
		expect(String(item.order_id)).not.toBe(String(other.id));
	});
});

describe('other searches that cannot be trusted', () => {
	test('a search that matches nothing: the check looks up an order it sampled and does not find it', async () => {
		h.sandbox.setPullBehaviour({ erpOrderIdSearch: 'matchesNothing' });
		const known = h.sandbox.insertOrder({ erpOrderId: 'KNOWN-1' });
		const result = await h.run(upsert('KNOWN-1'), [{}], CONTINUE);
		expect(result.json(NODE)[0].error).toMatch(new RegExp(`a search for the ERP Order ID "KNOWN-1" did not return order ${known.id}, which carries it`));
		expect(writes()).toEqual([]);
		expect(calls(h.sandbox)).toEqual(['probe', 'sample', 'lookup:KNOWN-1']);
	});

	test('a search that filters, with records that do not say their ERP Order ID', async () => {
		h.sandbox.setPullBehaviour({ recordsWithoutErpOrderId: true });
		h.sandbox.insertOrder({ erpOrderId: 'KNOWN-1' });
		const result = await h.run(upsert('NEW-1'), [{}], CONTINUE);
		expect(result.json(NODE)[0].error).toMatch(/its orders come without their ERP Order ID/);
		expect(writes()).toEqual([]);
	});

	test('a check that fails for a passing reason is not remembered: the next item checks again', async () => {
		h.sandbox.faults.script({ kind: 'failureBody', api: 'v1Pull', bodyIncludes: 'n8n-kapture-probe-', message: 'ServerFailure: try later' });
		const input = [
			{ name: 'A', phone: '9000000001', erp: 'E-1' },
			{ name: 'B', phone: '9000000002', erp: 'E-2' },
		];
		const [first, second] = (await h.run(create('skip'), input, CONTINUE)).json(NODE);
		expect(first.error).toMatch(/^Could not check that Kapture's search finds orders by ERP Order ID: Kapture refused the pull orders \(v1\) request: "ServerFailure: try later"/);
		expect(first).toMatchObject({ retrySafe: true, mayHaveBeenCreated: false });
		expect(second).toMatchObject({ operation: 'created' });
		expect(h.sandbox.counts().orders).toBe(1);
	});
});

describe('a search that finds by ERP Order ID', () => {
	test('is proven once per run, with an order it sampled, and lookups then cost one request each', async () => {
		h.sandbox.insertOrder({ erpOrderId: 'KNOWN-1' });
		const input = [1, 2, 3].map((i) => ({ name: `C${i}`, phone: `900000000${i}`, erp: `NEW-${i}` }));
		const result = await h.run(create('skip'), input);
		expect(result.error).toBeUndefined();
		expect(calls(h.sandbox)).toEqual([
			'probe',
			'sample',
			'lookup:KNOWN-1',
			'lookup:NEW-1',
			'v1AddUpdate',
			'lookup:NEW-2',
			'v1AddUpdate',
			'lookup:NEW-3',
			'v1AddUpdate',
		]);
	});

	test('each run checks again: a change of account behaviour between runs is seen', async () => {
		h.sandbox.insertOrder({ erpOrderId: 'KNOWN-1' });
		const first = await h.run(upsert('NEW-1'));
		expect(first.error).toBeUndefined();
		h.sandbox.setPullBehaviour(LITERAL);
		const second = await h.run(upsert('NEW-2'));
		expect(second.error?.message).toMatch(/cannot run on this Kapture account/);
		expect(h.sandbox.counts().orders).toBe(2);
	});

	test("records carrying another ERP Order ID are left out, never taken for the item's order", async () => {
		// An empty account proves nothing either way; here the pull then ignores erpOrderId but its records
		// say what they are: the second item's lookup returns the first item's order, which is not its own.
		h.sandbox.setPullBehaviour({ erpOrderIdSearch: 'ignored' });
		const result = await h.run(
			{ ...upsert('={{ $json.erp }}'), orderFields: { remarks: '={{ $json.erp }}' }, options: { parallelRequests: 1 } },
			[{ erp: 'UPS-1' }, { erp: 'UPS-2' }],
		);
		expect(result.error).toBeUndefined();
		expect(result.json(NODE).map((item) => [item.operation, item.erp_order_id])).toEqual([
			['created', 'UPS-1'],
			['created', 'UPS-2'],
		]);
		expect(h.sandbox.listOrders().map((order) => [order.erpOrderId, order.remarks])).toEqual([
			['UPS-1', 'UPS-1'],
			['UPS-2', 'UPS-2'],
		]);
	});
});
