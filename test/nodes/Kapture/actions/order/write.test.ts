// What Create, Update and Create or Update check before anything is sent:
// an ERP Order ID that the search can match exactly and that is sent as it
// is looked up, and Order JSON that cannot turn a create into an update or a
// payment.
import type { IDataObject } from 'n8n-workflow';

import { Prng } from '../../../../sandbox/random';
import { erpOrderIdProblem } from '../../../../../nodes/Kapture/helpers/erpOrderSearch';
import { calls, errorMessage, fixture, NODE, useHarness } from './setup';

const h = useHarness((sandbox) => {
	sandbox.setPullBehaviour({ erpOrderIdSearch: 'filters', recordsWithoutErpOrderId: false });
});

const CONTINUE = { onError: 'continueRegularOutput' as const };

const jsonMode = (operation: string, api: string, orderJson: unknown, extra: IDataObject = {}): IDataObject => ({
	operation,
	api,
	specifyOrder: 'json',
	orderJson: typeof orderJson === 'string' ? orderJson : JSON.stringify(orderJson),
	...extra,
});

const upsertByKey = (extra: IDataObject = {}): IDataObject => ({
	operation: 'upsert',
	api: 'v1',
	erpOrderId: '={{ $json.erp }}',
	customerName: 'Key Customer',
	phone: '9000000321',
	orderFields: { remarks: '={{ $json.run }}' },
	options: { parallelRequests: 4 },
	...extra,
});

describe('ERP Order IDs the search can match exactly', () => {
	// Characters a shop's IDs are made of, and the ones that break a search by list or a trimmed match.
	const ALPHABET = ['A', 'z', '7', '-', '_', '/', '.', '#', '+', '=', '&', '%', '"', "'", 'ö', '漢', '\u200b', ' ', ',', '\t', '\n', '\u00a0', '\u007f'];

	function generatedIds(count: number, seed: number): string[] {
		const prng = new Prng(seed);
		return Array.from({ length: count }, () => {
			const length = prng.int(1, 8);
			let id = Array.from({ length }, () => prng.pick(ALPHABET)).join('');
			// Spaces around, as spreadsheets leave them.
			if (prng.next() < 0.3) id = ` ${id}`;
			if (prng.next() < 0.3) id = `${id}  `;
			return id;
		});
	}

	test('generated IDs: each one is refused before sending, naming the field, or kept exactly once across two runs', async () => {
		const ids = generatedIds(80, 2024);
		const input = (run: string) => ids.map((erp) => ({ erp, run }));
		const first = (await h.run(upsertByKey(), input('first'), CONTINUE)).json(NODE);
		const second = (await h.run(upsertByKey(), input('second'), CONTINUE)).json(NODE);

		const expectedKeys = new Set<string>();
		let refused = 0;
		ids.forEach((raw, index) => {
			const key = raw.trim();
			if (key === '') {
				expect(first[index].error).toBe('ERP Order ID is required');
				return;
			}
			const problem = erpOrderIdProblem(key);
			if (problem) {
				refused++;
				for (const item of [first[index], second[index]]) {
					expect(item.error).toBe(`ERP Order ID "${key.length > 60 ? `${key.slice(0, 57)}...` : key}" ${problem}`);
					expect(item).toMatchObject({ retrySafe: true, mayHaveBeenCreated: false });
				}
				return;
			}
			expect(first[index]).toMatchObject({ erp_order_id: key, operation: expectedKeys.has(key) ? 'updated' : 'created' });
			expect(second[index]).toMatchObject({ erp_order_id: key, operation: 'updated' });
			expectedKeys.add(key);
		});
		// The generator did produce both kinds.
		expect(refused).toBeGreaterThan(5);
		expect(expectedKeys.size).toBeGreaterThan(20);

		// One order per key, holding the key exactly; nothing refused was ever sent or looked up.
		const stored = h.sandbox.listOrders().map((order) => order.erpOrderId);
		expect(stored.sort()).toEqual([...expectedKeys].sort());
		for (const entry of h.sandbox.requests()) {
			const body = entry.body as IDataObject;
			if (entry.api === 'v1Pull' && typeof body.erpOrderId === 'string' && !body.erpOrderId.startsWith('n8n-kapture-probe-')) {
				expect(expectedKeys.has(body.erpOrderId)).toBe(true);
			}
			if (entry.api === 'v1AddUpdate') {
				// Sent as looked up: the very text, no spaces around it.
				const sent = (body.order_info as IDataObject).erp_order_id as string;
				expect(expectedKeys.has(sent)).toBe(true);
			}
		}
	}, 60_000);

	test.each([
		['Create with Skip, fields', { operation: 'add', api: 'v1', customerName: 'C', phone: '9000000001', orderFields: { erpOrderId: 'SO-1,2' }, options: { ifErpOrderIdExists: 'skip' } }, 'Order Fields > ERP Order ID "SO-1,2" contains a comma'],
		['Create with Fail, partner fields', { operation: 'add', api: 'partner', customerName: 'C', phone: '9000000001', partnerFields: { erpOrderId: 'SO-1,2' }, options: { ifErpOrderIdExists: 'fail' } }, 'Order Fields > ERP Order ID "SO-1,2" contains a comma'],
		['Create with Skip, v1 Order JSON', jsonMode('add', 'v1', { customer_info: { customer_name: 'C', phone: '9000000001' }, order_info: { erp_order_id: 'SO-1,2' } }, { options: { ifErpOrderIdExists: 'skip' } }), 'Order JSON > order_info.erp_order_id "SO-1,2" contains a comma'],
		['Create with Skip, partner Order JSON', jsonMode('add', 'partner', { customer_name: 'C', phone: '9000000001', erp_order_id: 'SO-1\n2' }, { options: { ifErpOrderIdExists: 'skip' } }), 'Order JSON > erp_order_id "SO-1\n2" contains a line break'],
		['Create or Update', { operation: 'upsert', api: 'v1', erpOrderId: 'SO-1,2', customerName: 'C', phone: '9000000001' }, 'ERP Order ID "SO-1,2" contains a comma'],
	])('%s: refused before anything is sent', async (_name, parameters, message) => {
		h.sandbox.insertOrder({ erpOrderId: 'SO-1' });
		h.sandbox.insertOrder({ erpOrderId: '2' });
		const result = await h.run(parameters as IDataObject);
		expect(errorMessage(result)).toContain(message);
		expect(h.sandbox.requests()).toEqual([]);
	});

	test('Create Another sends an ID with a comma (it looks nothing up); a lost answer is then not settled by a search', async () => {
		h.sandbox.insertOrder({ erpOrderId: 'SO-1' });
		h.sandbox.faults.script({ kind: 'serverErrorAfterStoring', api: 'v1AddUpdate' });
		const result = await h.run(
			{ operation: 'add', api: 'v1', customerName: 'C', phone: '9000000001', orderFields: { erpOrderId: 'SO-1,2' }, options: { recoveryWaitSeconds: 0.2 } },
			[{}],
			CONTINUE,
		);
		expect(result.json(NODE)[0]).toMatchObject({ retrySafe: false, mayHaveBeenCreated: true, erp_order_id: 'SO-1,2' });
		expect(result.json(NODE)[0].error).toMatch(/Its ERP Order ID contains a comma.*could not look it up and did not send it again/);
		expect(calls(h.sandbox)).toEqual(['v1AddUpdate']);
		expect(h.sandbox.listOrders().map((order) => order.erpOrderId)).toEqual(['SO-1', 'SO-1,2']);
	});

	test.each([
		['v1', { customer_info: { customer_name: 'C', phone: '9000000001' }, order_info: { erp_order_id: '  SO-7 ' } }],
		['partner', { customer_name: 'C', phone: '9000000001', erp_order_id: '  SO-7 ' }],
	])('Order JSON (%s): an ERP Order ID with spaces around it is sent as it is looked up, so a second run skips it', async (api, json) => {
		const parameters = jsonMode('add', api, json, { options: { ifErpOrderIdExists: 'skip' } });
		expect((await h.run(parameters)).error).toBeUndefined();
		const second = await h.run(parameters);
		expect(second.json(NODE)[0]).toMatchObject({ skipped: true, erp_order_id: 'SO-7' });
		expect(h.sandbox.listOrders().map((order) => order.erpOrderId)).toEqual(['SO-7']);
		const [sent] = h.bodies(api === 'v1' ? 'v1AddUpdate' : 'orderPush') as IDataObject[];
		const erp = api === 'v1' ? (sent.order_info as IDataObject).erp_order_id : (sent as unknown as IDataObject[])[0].erp_order_id;
		expect(erp).toBe('SO-7');
		// Each run's lookup (and the second run's check of the search, with the order it sampled) asked for SO-7.
		const lookups = calls(h.sandbox).filter((call) => call.startsWith('lookup:'));
		expect(lookups.length).toBeGreaterThanOrEqual(2);
		expect(new Set(lookups)).toEqual(new Set(['lookup:SO-7']));
	});

	test('a number in Order JSON is sent as the text looked up; an object is refused', async () => {
		const number = await h.run(jsonMode('add', 'v1', { customer_info: { customer_name: 'C', phone: '9000000001' }, order_info: { erp_order_id: 12345 } }, { options: { ifErpOrderIdExists: 'skip' } }));
		expect(number.error).toBeUndefined();
		expect(((h.bodies('v1AddUpdate')[0] as IDataObject).order_info as IDataObject).erp_order_id).toBe('12345');
		h.sandbox.reset();
		const object = await h.run(jsonMode('add', 'v1', { customer_info: { customer_name: 'C', phone: '9000000001' }, order_info: { erp_order_id: { id: 1 } } }));
		expect(errorMessage(object)).toBe('Order JSON > order_info.erp_order_id must be text, got an object');
		expect(h.sandbox.requests()).toEqual([]);
	});
});

describe('Create never updates or pays', () => {
	const partnerOrder = { customer_name: 'Shop Customer', phone: '9000000001', erp_order_id: 'SHOP-1' };
	const v1Order = (orderInfo: IDataObject) => ({ customer_info: { customer_name: 'Shop Customer', phone: '9000000001' }, order_info: orderInfo });

	test.each([
		['add', 'Create'],
		['upsert', 'Create or Update'],
	])('partner Order JSON with an order_id (%s): refused, naming the key and what to use', async (operation) => {
		const existing = h.sandbox.insertOrder({ erpOrderId: 'THEIRS', remarks: 'theirs' });
		const result = await h.run(jsonMode(operation, 'partner', { ...partnerOrder, order_id: String(existing.id) }, operation === 'upsert' ? { erpOrderId: 'SHOP-1' } : {}));
		expect(errorMessage(result)).toBe(
			"Order JSON > order_id must be empty when creating an order: with an order ID, Kapture's order push updates that order instead of creating one",
		);
		expect((result.error as { description?: string }).description).toMatch(/use Update .* or Create or Update/);
		expect(h.sandbox.requests()).toEqual([]);
		expect(h.sandbox.getOrder(existing.id)).toEqual(existing);
	});

	test.each(['kapture_order_id', 'amount_paid', 'payment_id'])('partner Order JSON with %s: refused as a payment field, pointing at Add Payment', async (key) => {
		for (const value of ['100', '', 0]) {
			const result = await h.run(jsonMode('add', 'partner', { ...partnerOrder, [key]: value }));
			expect(errorMessage(result)).toBe(
				`Order JSON > ${key} must be left out when creating an order: it is a payment field, and with it Kapture records a payment against an order instead of creating one`,
			);
			expect((result.error as { description?: string }).description).toMatch(/Add Payment/);
		}
		expect(h.sandbox.requests()).toEqual([]);
	});

	test.each([
		[{ order_id: '23518265' }, /order_info\.order_id must be empty when creating an order/],
		[{ update: true }, /order_info\.update must be false or left out when creating an order/],
		[{ update: 'true' }, /order_info\.update must be false/],
		[{ update: 1 }, /order_info\.update must be false/],
	])('v1 Order JSON %j: refused before sending', async (orderInfo, message) => {
		const result = await h.run(jsonMode('add', 'v1', v1Order(orderInfo)));
		expect(errorMessage(result)).toMatch(message);
		expect(h.sandbox.requests()).toEqual([]);
	});

	test('the documented examples, whose order_id is empty, are still created', async () => {
		expect((await h.run(jsonMode('add', 'v1', fixture('v1-add.request')))).error).toBeUndefined();
		expect((await h.run(jsonMode('add', 'partner', fixture('partner-push.request')))).error).toBeUndefined();
		expect(h.sandbox.counts()).toMatchObject({ orders: 2, payments: 0 });
	});

	test('Update takes an order_id in its JSON as before (the Order ID field wins)', async () => {
		const existing = h.sandbox.insertOrder({ remarks: 'old' });
		const result = await h.run(jsonMode('update', 'partner', { ...partnerOrder, order_id: '1', remarks: 'new' }, { orderId: String(existing.id) }));
		expect(result.error).toBeUndefined();
		expect(h.sandbox.getOrder(existing.id)!.remarks).toBe('new');
	});
});
