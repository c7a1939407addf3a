import type { IDataObject } from 'n8n-workflow';

import { calls, errorMessage, NODE, setup, useHarness } from './setup';

const h = useHarness((sandbox) => {
	sandbox.setSearchDelay(0);
});

const v1Upsert = (extra: IDataObject = {}): IDataObject => ({
	operation: 'upsert',
	api: 'v1',
	erpOrderId: 'ERP-100',
	customerName: 'Asha Rao',
	phone: '9000000100',
	email: 'asha@example.com',
	orderFields: { remarks: 'first' },
	...extra,
});

const partnerUpsert = (extra: IDataObject = {}): IDataObject => ({
	operation: 'upsert',
	api: 'partner',
	erpOrderId: 'ERP-200',
	customerName: 'Guru',
	phone: '1234567890',
	email: 'guru@example.com',
	partnerFields: { shippingAddress: 'first' },
	products: { product: [{ rate: 100, quantity: 2 }] },
	...extra,
});

describe('Create or Update (v1)', () => {
	it('creates the order when no order has the ERP Order ID, and says so', async () => {
		const result = await h.run(v1Upsert());
		expect(result.error).toBeUndefined();
		const orders = h.sandbox.listOrders();
		expect(orders).toHaveLength(1);
		expect(orders[0]).toMatchObject({ erpOrderId: 'ERP-100', customerName: 'Asha Rao', remarks: 'first' });
		expect(result.json(NODE)).toEqual([
			expect.objectContaining({
				operation: 'created',
				status: 'success',
				order_id: String(orders[0].id),
				customer_id: String(orders[0].customerId),
				enquiry_id: String(orders[0].enquiryId),
				erp_order_id: 'ERP-100',
			}),
		]);
		// The run's check of the search (an empty account has no order to check against), one lookup, then the add.
		expect(calls(h.sandbox)).toEqual(['probe', 'sample', 'lookup:ERP-100', 'v1AddUpdate']);
		expect(h.bodies('v1Pull')[2]).toMatchObject({ cmId: h.sandbox.credentials.cmId, erpOrderId: 'ERP-100' });
	});

	it('updates the order that has the ERP Order ID, and says so', async () => {
		const existing = h.sandbox.insertOrder({ erpOrderId: 'ERP-100', remarks: 'old', customerName: 'Asha Rao', phone: '9000000100' });
		const result = await h.run(v1Upsert({ orderFields: { remarks: 'new', invoiceNo: 'INV-7' } }));
		expect(result.error).toBeUndefined();
		expect(h.sandbox.listOrders()).toHaveLength(1);
		expect(h.sandbox.getOrder(existing.id)).toMatchObject({ remarks: 'new', invoiceNo: 'INV-7', erpOrderId: 'ERP-100' });
		expect(result.json(NODE)).toEqual([
			expect.objectContaining({ operation: 'updated', status: 'success', order_id: String(existing.id), erp_order_id: 'ERP-100' }),
		]);
		const [update] = h.bodies('v1AddUpdate') as IDataObject[];
		expect(update.order_info).toMatchObject({ update: true, order_id: String(existing.id), erp_order_id: 'ERP-100', remarks: 'new' });
	});

	it('two items with the same ERP Order ID in one run make one order: created, then updated', async () => {
		h.sandbox.setSearchDelay(60_000);
		const result = await h.run(
			{ ...v1Upsert(), erpOrderId: '={{ $json.erp }}', orderFields: { remarks: '={{ $json.remarks }}' }, options: { parallelRequests: 5 } },
			[
				{ erp: 'ERP-1', remarks: 'a' },
				{ erp: 'ERP-1', remarks: 'b' },
				{ erp: 'ERP-2', remarks: 'c' },
			],
		);
		expect(result.error).toBeUndefined();
		const orders = h.sandbox.listOrders();
		expect(orders.map((o) => [o.erpOrderId, o.remarks]).sort()).toEqual([['ERP-1', 'b'], ['ERP-2', 'c']]);
		expect(result.json(NODE).map((o) => o.operation)).toEqual(['created', 'updated', 'created']);
	});

	it('refuses to pick one of several orders with the same ERP Order ID', async () => {
		const a = h.sandbox.insertOrder({ erpOrderId: 'ERP-100' });
		const b = h.sandbox.insertOrder({ erpOrderId: 'ERP-100' });
		const result = await h.run(v1Upsert(), [{}], { onError: 'continueRegularOutput' });
		const [item] = result.json(NODE);
		expect(item.error).toMatch(/ERP Order ID "ERP-100" matches 2 orders/);
		expect(item.error).toContain(String(a.id));
		expect(item.error).toContain(String(b.id));
		expect(item).toMatchObject({ retrySafe: true, mayHaveBeenCreated: false, erp_order_id: 'ERP-100' });
		expect(h.bodies('v1AddUpdate')).toEqual([]);
	});

	it('needs the ERP Order ID, before anything is sent', async () => {
		const result = await h.run(v1Upsert({ erpOrderId: '  ' }));
		expect(errorMessage(result)).toMatch(/ERP Order ID is required/);
		expect(h.sandbox.requests()).toEqual([]);
	});

	it('takes the body from Order JSON and the key from ERP Order ID', async () => {
		const existing = h.sandbox.insertOrder({ erpOrderId: 'ERP-J' });
		const result = await h.run({
			operation: 'upsert',
			api: 'v1',
			specifyOrder: 'json',
			erpOrderId: 'ERP-J',
			orderJson: JSON.stringify({
				customer_info: { customer_name: 'Json Customer', phone: '9000000200' },
				order_info: { remarks: 'from json', erp_order_id: 'IGNORED' },
			}),
		});
		expect(result.error).toBeUndefined();
		expect(h.sandbox.getOrder(existing.id)).toMatchObject({ remarks: 'from json', erpOrderId: 'ERP-J' });
		expect(result.json(NODE)[0]).toMatchObject({ operation: 'updated', order_id: String(existing.id) });
	});
});

describe('Create or Update (partner)', () => {
	it('finds the order through the v1 pull, then pushes a create or an update', async () => {
		const created = await h.run(partnerUpsert());
		expect(created.error).toBeUndefined();
		const [order] = h.sandbox.listOrders();
		expect(order).toMatchObject({ erpOrderId: 'ERP-200', shippingAddress: 'first', productQuantity: 2 });
		expect(created.json(NODE)).toEqual([
			expect.objectContaining({ operation: 'created', status: 'success', order_id: String(order.id), erp_order_id: 'ERP-200' }),
		]);

		h.sandbox.clearRequests();
		const updated = await h.run(partnerUpsert({ partnerFields: { shippingAddress: 'second' } }));
		expect(updated.error).toBeUndefined();
		expect(h.sandbox.listOrders()).toHaveLength(1);
		expect(h.sandbox.getOrder(order.id)).toMatchObject({ shippingAddress: 'second' });
		expect(updated.json(NODE)).toEqual([expect.objectContaining({ operation: 'updated', order_id: String(order.id) })]);
		// The check of the search looks up an order it sampled (this one), then the item's lookup.
		expect(calls(h.sandbox)).toEqual(['probe', 'sample', 'lookup:ERP-200', 'lookup:ERP-200', 'orderPush']);
		expect((h.bodies('orderPush')[0] as IDataObject[])[0]).toMatchObject({ order_id: String(order.id), erp_order_id: 'ERP-200' });
	});

	it('says what it needs when the credential has no v1 Username, Password and Account ID', async () => {
		const partnerOnly = await setup({}, 'UTC', { username: '', password: '' });
		try {
			const result = await partnerOnly.run(partnerUpsert());
			expect(errorMessage(result)).toMatch(/Create or Update .*Partner API.*Username, Password and Account ID/);
			expect(partnerOnly.sandbox.requests()).toEqual([]);
		} finally {
			await partnerOnly.close();
		}
	});
});
