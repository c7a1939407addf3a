// "Specify Order: Using JSON" on Create and Update: the whole Kapture body from
// one expression per item, checked before anything is sent.
import type { IDataObject } from 'n8n-workflow';

import { errorMessage, fixture, NODE, setup, type Harness } from './setup';

let h: Harness;

beforeAll(async () => {
	h = await setup();
});
afterAll(async () => await h.close());
beforeEach(() => h.sandbox.reset());

const jsonMode = (operation: string, api: string, orderJson: unknown, extra: IDataObject = {}): IDataObject => ({
	operation,
	api,
	specifyOrder: 'json',
	orderJson: typeof orderJson === 'string' ? orderJson : JSON.stringify(orderJson),
	...extra,
});

describe('Create with Order JSON', () => {
	it('sends the documented v1 example as given, with the update flag the operation implies', async () => {
		const example = fixture<IDataObject>('v1-add.request');
		const result = await h.run(jsonMode('add', 'v1', example));
		expect(result.error).toBeUndefined();
		const [body] = h.bodies('v1AddUpdate') as IDataObject[];
		expect(body).toEqual({ ...example, order_info: { ...(example.order_info as IDataObject), update: false } });
		expect(h.sandbox.listOrders()).toHaveLength(1);
		expect(result.json(NODE)[0]).toMatchObject({ status: 'success', order_id: String(h.sandbox.listOrders()[0].id) });
	});

	it('maps every input item with one expression', async () => {
		const rows = [
			{ name: 'Asha', phone: '9000000001', erp: 'ERP-1' },
			{ name: 'Bilal', phone: '9000000002', erp: 'ERP-2' },
		];
		const expression =
			'={{ { customer_info: { customer_name: $json.name, phone: $json.phone }, order_info: { erp_order_id: $json.erp } } }}';
		const result = await h.run(jsonMode('add', 'v1', expression), rows);
		expect(result.error).toBeUndefined();
		expect(h.sandbox.listOrders().map((order) => [order.customerName, order.erpOrderId])).toEqual([
			['Asha', 'ERP-1'],
			['Bilal', 'ERP-2'],
		]);
		expect(result.output(NODE).map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('pushes a partner order given as the documented one-order array', async () => {
		const example = fixture<IDataObject[]>('partner-push.request');
		const result = await h.run(jsonMode('add', 'partner', example));
		expect(result.error).toBeUndefined();
		expect(h.bodies('orderPush')).toEqual([example]);
		expect(h.sandbox.listOrders()).toHaveLength(1);
	});
});

describe('Update with Order JSON', () => {
	it('adds the Order ID field to order_info and sets update: true', async () => {
		const [order] = h.sandbox.seedOrders(1);
		const result = await h.run(
			jsonMode(
				'update',
				'v1',
				{ customer_info: { customer_name: 'ABC', phone: '9380491257' }, order_info: { remarks: 'changed by JSON' } },
				{ orderId: { __rl: true, mode: 'id', value: String(order.id) } },
			),
		);
		expect(result.error).toBeUndefined();
		const [body] = h.bodies('v1AddUpdate') as IDataObject[];
		expect(body.order_info).toEqual({ remarks: 'changed by JSON', order_id: String(order.id), update: true });
		expect(h.sandbox.getOrder(order.id)?.remarks).toBe('changed by JSON');
	});

	it('updates a partner order with the Order ID from its field', async () => {
		const [order] = h.sandbox.seedOrders(1);
		const result = await h.run(
			jsonMode('update', 'partner', { customer_name: 'Guru', phone: '1234567890', order_type: 'repeat' }, { orderId: String(order.id) }),
		);
		expect(result.error).toBeUndefined();
		expect((h.bodies('orderPush')[0] as IDataObject[])[0].order_id).toBe(String(order.id));
	});
});

describe('Order JSON: bad input is refused before any request', () => {
	const cases: Array<[string, IDataObject, RegExp]> = [
		['not JSON', jsonMode('add', 'v1', '{ customer_info: '), /Order JSON is not valid JSON/],
		['not an object', jsonMode('add', 'v1', '[1, 2]'), /Order JSON must be one JSON object/],
		['no customer_info', jsonMode('add', 'v1', { order_info: {} }), /customer_info is required/],
		[
			'no customer name',
			jsonMode('add', 'v1', { customer_info: { phone: '1' } }),
			/customer_info\.customer_name is required/,
		],
		[
			'neither phone nor email',
			jsonMode('add', 'v1', { customer_info: { customer_name: 'A' } }),
			/customer_info\.phone or customer_info\.email_id is required/,
		],
		[
			'a malformed email',
			jsonMode('add', 'v1', { customer_info: { customer_name: 'A', email_id: 'not-an-email' } }),
			/email_id is not a valid email address/,
		],
		['partner without a customer', jsonMode('add', 'partner', { phone: '1' }), /needs customer_name \(or customer_id\)/],
		[
			'update whose Order ID expression is empty (the editor check cannot see it)',
			jsonMode('update', 'v1', { customer_info: { customer_name: 'A', phone: '1' } }, { orderId: '={{ "" }}' }),
			/Order ID is required/,
		],
		[
			'update with letters in the Order ID',
			jsonMode('update', 'partner', { customer_name: 'A', phone: '1' }, { orderId: 'abc' }),
			/Order ID must be a number, got "abc"/,
		],
	];

	it.each(cases)('%s', async (_name, parameters, message) => {
		const result = await h.run(parameters);
		expect(errorMessage(result)).toMatch(message);
		expect(h.sandbox.requests()).toHaveLength(0);
	});
});
