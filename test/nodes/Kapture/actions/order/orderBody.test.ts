import { partnerOrderBody, v1OrderBody } from '../../../../../nodes/Kapture/actions/order/orderBody';
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
