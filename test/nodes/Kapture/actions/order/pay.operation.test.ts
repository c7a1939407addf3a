import type { IDataObject } from 'n8n-workflow';

import { errorMessage, fixture, NODE, setup, withoutEmpty, type Harness } from './setup';

let h: Harness;

beforeAll(async () => {
	h = await setup();
});
afterAll(async () => await h.close());
beforeEach(() => h.sandbox.reset());

describe('Add Payment', () => {
	it('sends the documented example body (empty fields left out)', async () => {
		h.sandbox.insertOrder({ id: 4238767, customerId: 48658789 });
		const result = await h.run({
			operation: 'pay',
			orderId: '4238767',
			customerId: '48658789',
			paymentMode: 'cheque',
			chequeDate: '2020-05-22T00:00:00',
			amount: 1000,
		});
		expect(result.error).toBeUndefined();
		expect(h.bodies('payment')).toEqual([withoutEmpty(fixture('partner-payment.request'))]);
	});

	it('records the payment against the order', async () => {
		const [order] = h.sandbox.seedOrders(1);
		const result = await h.run({
			operation: 'pay',
			orderId: String(order.id),
			customerId: String(order.customerId),
			amount: 249.5,
			paymentMode: 'other',
			otherPaymentMode: 'upi',
			paymentId: 'pay_123',
			remarks: 'paid online',
		});
		expect(result.error).toBeUndefined();
		expect(h.sandbox.payments()).toEqual([
			expect.objectContaining({
				orderId: order.id,
				customerId: order.customerId,
				amountPaid: 249.5,
				paymentMode: 'upi',
				paymentId: 'pay_123',
				remarks: 'paid online',
			}),
		]);
		expect(result.json(NODE)).toEqual([
			expect.objectContaining({
				status: 'success',
				kapture_order_id: String(order.id),
				amount_paid: '249.5',
			}),
		]);
	});

	it('cheque details are sent only for cheques', async () => {
		const [order] = h.sandbox.seedOrders(1);
		await h.run({
			operation: 'pay',
			orderId: String(order.id),
			customerId: String(order.customerId),
			amount: 10,
			paymentMode: 'cash',
			chequeNumber: '123',
		});
		expect(h.bodies('payment')).toEqual([
			[{ kapture_order_id: String(order.id), kapture_customer_id: String(order.customerId), payment_mode: 'cash', amount_paid: '10' }],
		]);
	});
});

describe('Add Payment: bad input is refused before any request', () => {
	const base = (): IDataObject => ({ orderId: '4238767', customerId: '48658789', amount: 100, paymentMode: 'cash' });
	const cases: Array<[string, IDataObject, RegExp]> = [
		['amount 0', { ...base(), amount: 0 }, /Amount must be greater than 0, got 0/],
		['negative amount', { ...base(), amount: -5 }, /Amount must be greater than 0, got -5/],
		['non-numeric amount', { ...base(), amount: '={{ "ten" }}' }, /Amount must be a number, got "ten"/],
		['non-numeric order ID', { ...base(), orderId: 'A-1' }, /Order ID must be a number, got "A-1"/],
		['non-numeric customer ID', { ...base(), customerId: 'x' }, /Customer ID must be a number, got "x"/],
		['no customer ID and no payment ID', { ...base(), customerId: '' }, /Order ID and Customer ID are required \(or a Payment ID\)/],
		['impossible cheque date', { ...base(), paymentMode: 'cheque', chequeDate: '2020-02-31' }, /Cheque Date is not a valid date/],
		['other mode left empty', { ...base(), paymentMode: 'other', otherPaymentMode: '={{ "" }}' }, /Other Payment Mode is required/],
	];

	it.each(cases)('%s', async (_name, parameters, message) => {
		const result = await h.run({ operation: 'pay', ...parameters });
		expect(errorMessage(result)).toMatch(message);
		expect(h.sandbox.requests()).toHaveLength(0);
	});
});

describe('Add Payment: Continue On Fail', () => {
	it('a refused payment lands on its item, the others are recorded', async () => {
		const orders = h.sandbox.seedOrders(2);
		const input = [
			{ order: orders[0].id, customer: orders[0].customerId },
			{ order: orders[0].id, customer: orders[1].customerId }, // wrong owner: Kapture refuses
			{ order: orders[1].id, customer: orders[1].customerId },
		];
		const result = await h.run(
			{
				operation: 'pay',
				orderId: '={{ $json.order }}',
				customerId: '={{ $json.customer }}',
				amount: 10,
				paymentMode: 'cash',
			},
			input,
			{ continueOnFail: true },
		);
		const output = result.output(NODE);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[1].json.error).toMatch(/does not belong/);
		expect(h.sandbox.payments()).toHaveLength(2);
	});
});
