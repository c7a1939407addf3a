import {
	MAX_ORDER_JSON_CHARACTERS,
	partnerBodyFromJson,
	partnerOrderBody,
	v1BodyFromJson,
	v1OrderBody,
} from '../../../../../nodes/Kapture/actions/order/orderBody';
import { validatorFor as v } from '../../__fixtures__/validator';

describe('orderBody', () => {
	it('v1 add: key/value lists become objects, booleans kept, empties dropped', () => {
		const body = v1OrderBody(
			v(),
			{
				customerName: 'A',
				email: 'a@b.co',
				customerFields: {
					city: '',
					organization: true,
					additionalFields: { field: [{ name: 'gst', value: '22AAA' }, { name: ' ', value: 'x' }] },
				},
				enquiryFields: {},
				orderFields: { createDate: '2024-05-08T10:30:00' },
			},
			'add',
		);
		expect(body).toEqual({
			customer_info: {
				customer_name: 'A',
				email_id: 'a@b.co',
				update: false,
				organization: true,
				additional_fields: { gst: '22AAA' },
			},
			order_info: { create_date: '2024-05-08 10:30:00', update: false },
		});
	});

	it('v1 update carries the order ID and the update flag', () => {
		const body = v1OrderBody(v(), { customerName: 'A', phone: '1', orderId: ' 42 ' }, 'update');
		expect(body.order_info).toEqual({ order_id: '42', update: true });
	});

	it('partner add accepts a customer ID instead of a name', () => {
		expect(partnerOrderBody(v(), { phone: '1', partnerFields: { customerId: '7' } }, 'add')).toEqual([
			{ phone: '1', customer_id: '7' },
		]);
	});
});

describe('limits on input', () => {
	const customer = { customerName: 'A', phone: '1' };

	it('refuses a field over its limit before anything is built, naming the field', () => {
		expect(() => v1OrderBody(v(), { ...customer, orderFields: { remarks: 'x'.repeat(5001) } }, 'add')).toThrow(
			'Order Fields > Remarks must be at most 5000 characters long, got 5001',
		);
		expect(() => v1OrderBody(v(), { ...customer, customerFields: { address: 'x'.repeat(1001) } }, 'add')).toThrow(
			'Customer Fields > Address must be at most 1000 characters long, got 1001',
		);
		expect(() =>
			v1OrderBody(v(), { ...customer, customerFields: { additionalFields: { field: [{ name: 'note', value: 'x'.repeat(5001) }] } } }, 'add'),
		).toThrow('Customer Fields > Additional Fields > note must be at most 5000 characters long, got 5001');
		expect(() => partnerOrderBody(v(), { ...customer, products: { product: [{ productDetails: 'x'.repeat(5001) }] } }, 'add')).toThrow(
			'Products > Product 1 > Product Description must be at most 5000 characters long',
		);
	});

	it('keeps a 19-digit order ID as it is', () => {
		expect(v1OrderBody(v(), { ...customer, orderId: '9223372036854775807' }, 'update').order_info).toMatchObject({
			order_id: '9223372036854775807',
		});
	});

	it('bounds Order JSON as a whole and every text in it, naming its path', () => {
		const order = { customer_info: { customer_name: 'A', phone: '1' }, order_info: { remarks: 'x'.repeat(5001) } };
		expect(() => v1BodyFromJson(v(), order, 'add', '')).toThrow(
			'Order JSON > order_info.remarks must be at most 5000 characters long, got 5001',
		);
		const huge = JSON.stringify({ customer_name: 'A', phone: '1', product_details: Array.from({ length: 400 }, () => ({ product_details: 'x'.repeat(4000) })) });
		expect(() => partnerBodyFromJson(v(), huge, 'add', '')).toThrow(
			`Order JSON must be at most ${MAX_ORDER_JSON_CHARACTERS} characters long, got ${huge.length}`,
		);
	});
});
