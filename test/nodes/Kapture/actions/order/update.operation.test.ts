import type { IDataObject } from 'n8n-workflow';

import { errorMessage, fixture, NODE, setup, v1ExampleParameters, withoutEmpty, type Harness } from './setup';

let h: Harness;

beforeAll(async () => {
	h = await setup();
});
afterAll(async () => await h.close());
beforeEach(() => h.sandbox.reset());

describe('Update (v1)', () => {
	it('sends the documented example body (empty fields left out)', async () => {
		h.sandbox.insertOrder({ id: 23518265, customerName: 'ABC', phone: '9380491257' });
		const result = await h.run({
			operation: 'update',
			...v1ExampleParameters(),
			orderId: '23518265',
			orderFields: { remarks: 'testing 2345', invoiceNo: '3141341' },
		});
		expect(result.error).toBeUndefined();
		expect(h.bodies('v1AddUpdate')).toEqual([withoutEmpty(fixture('v1-update.request'))]);
	});

	it('changes the order in Kapture and outputs the answer with the order ID', async () => {
		const [seeded] = h.sandbox.seedOrders(1);
		const result = await h.run({
			operation: 'update',
			api: 'v1',
			orderId: String(seeded.id),
			customerName: seeded.customerName,
			phone: seeded.phone,
			orderFields: { remarks: 'changed', deliveryStatus: 'DL', invoiceDate: '2024-06-01T00:00:00' },
		});
		expect(result.error).toBeUndefined();
		expect(h.sandbox.getOrder(seeded.id)).toMatchObject({
			remarks: 'changed',
			deliveryStatus: 'DL',
			invoiceDate: '2024-06-01',
		});
		expect(result.json(NODE)[0]).toMatchObject({
			operation: 'updated',
			status: 'success',
			order_id: String(seeded.id),
			action_event: 'ORDER_FIELD_UPDATION',
		});
	});
});

describe('Update (partner)', () => {
	it('sends the documented example body (empty fields left out)', async () => {
		h.sandbox.insertOrder({ id: 4141343 });
		const result = await h.run({
			operation: 'update',
			api: 'partner',
			orderId: '4141343',
			customerName: 'Guru',
			phone: '1234567890',
			email: 'xjbwih@jbk.ji',
			products: {
				product: [{ productDetails: 'Subscription service', rate: 1000, quantity: 10, discount: 5 }],
			},
		});
		expect(result.error).toBeUndefined();
		expect(h.bodies('orderPush')).toEqual([withoutEmpty(fixture('partner-update.request'))]);
	});

	it('changes the order in Kapture', async () => {
		const [seeded] = h.sandbox.seedOrders(1);
		const result = await h.run({
			operation: 'update',
			api: 'partner',
			orderId: String(seeded.id),
			phone: seeded.phone,
			partnerFields: { shippingAddress: 'New street 1', totalPaid: 50 },
		});
		expect(result.error).toBeUndefined();
		expect(h.sandbox.getOrder(seeded.id)).toMatchObject({ shippingAddress: 'New street 1', totalPaid: 50 });
		// Kapture answers "Order Added Successfully" to an update too; `operation` says what happened.
		expect(result.json(NODE)[0]).toMatchObject({ operation: 'updated', order_id: String(seeded.id), status: 'success' });
	});
});

describe('Update: bad input is refused before any request', () => {
	const v1 = (): IDataObject => ({ ...v1ExampleParameters(), orderId: '23518265' });
	const cases: Array<[string, IDataObject, RegExp]> = [
		['non-numeric order ID', { ...v1(), orderId: 'abc' }, /Order ID must be a number, got "abc"/],
		['an order ID longer than a Kapture ID can be', { ...v1(), orderId: '1234567890123456789012345' }, /Order ID must have at most 19 digits, got 25/],
		['a 10 MB remark', { ...v1(), orderFields: { remarks: 'x'.repeat(10_000_000) } }, /Order Fields > Remarks must be at most 5000 characters long, got 10000000/],
		['a phone number that is not one', { ...v1(), phone: '9'.repeat(40) }, /Phone must be at most 32 characters long, got 40/],
		['empty order ID (expression)', { ...v1(), orderId: '={{ "" }}' }, /Order ID is required/],
		['no phone and no email', { ...v1(), phone: '', email: '' }, /Phone or Email is required/],
		['malformed email', { ...v1(), email: 'x@y' }, /Email is not a valid email address/],
		[
			'impossible invoice date',
			{ ...v1(), orderFields: { invoiceDate: '2023-02-29' } },
			/Order Fields > Invoice Date is not a valid date/,
		],
		[
			'non-numeric enquiry ID',
			{ ...v1(), enquiryFields: { enquiryId: 'E-1' } },
			/Enquiry Fields > Enquiry ID must be a number/,
		],
		[
			'non-numeric order ID (partner)',
			{ api: 'partner', orderId: '12 34', phone: '1' },
			/Order ID must be a number, got "12 34"/,
		],
	];

	it.each(cases)('%s', async (_name, parameters, message) => {
		const result = await h.run({ operation: 'update', ...parameters });
		expect(errorMessage(result)).toMatch(message);
		expect(h.sandbox.requests()).toHaveLength(0);
	});
});

describe('Update: Continue On Fail', () => {
	it('an unknown order lands on its item, the others are updated', async () => {
		const seeded = h.sandbox.seedOrders(2);
		const ids = [String(seeded[0].id), '999999999', String(seeded[1].id)];
		const result = await h.run(
			{
				operation: 'update',
				api: 'v1',
				orderId: '={{ $json.id }}',
				customerName: 'Someone',
				phone: '123456',
				orderFields: { remarks: 'bulk' },
			},
			ids.map((id) => ({ id })),
			{ continueOnFail: true },
		);
		const output = result.output(NODE);
		expect(output).toHaveLength(3);
		expect(output[1].json.error).toMatch(/999999999/);
		expect(output[1].pairedItem).toEqual({ item: 1 });
		expect(h.sandbox.getOrder(seeded[0].id)?.remarks).toBe('bulk');
		expect(h.sandbox.getOrder(seeded[1].id)?.remarks).toBe('bulk');
	});
});
