import type { INode } from 'n8n-workflow';

import { formatKaptureDate } from '../../../../nodes/Kapture/helpers/dates';
import { paymentBody, partnerOrderBody, v1OrderBody } from '../../../../nodes/Kapture/helpers/orderBody';
import { kaptureDateToIso, simplifyOrder } from '../../../../nodes/Kapture/helpers/simplify';
import { Validator } from '../../../../nodes/Kapture/helpers/validation';
import { KaptureOrder } from '../../../../nodes/Kapture/KaptureOrder.node';

const node = { name: 'Kapture Order', type: 'kaptureOrder', typeVersion: 1, parameters: {} } as unknown as INode;
const v = (item = 0) => new Validator(node, item);

describe('dates', () => {
	it.each([
		['2024-05-08T10:30:00', 'day', '2024-05-08'],
		['2024-05-08T10:30:00', 'minute', '2024-05-08 10:30'],
		['2024-05-08T10:30:45.000+05:30', 'second', '2024-05-08 10:30:45'],
		['2024-5-8', 'day', '2024-05-08'],
		['2024-02-29', 'day', '2024-02-29'],
	] as const)('%s as %s → %s', (input, format, expected) => {
		expect(formatKaptureDate(input, format)).toBe(expected);
	});

	it.each(['2023-02-29', '2024-13-01', '2024-01-01T25:00', 'tomorrow', ''])('%s is not a date', (input) => {
		expect(formatKaptureDate(input, 'day')).toBeUndefined();
	});
});

describe('Validator', () => {
	it('names the field and the item', () => {
		expect(() => v(3).id('12x', 'Order ID')).toThrow('Order ID must be a number, got "12x" [item 3]');
		expect(() => v().positiveAmount(0, 'Amount')).toThrow('Amount must be greater than 0, got 0 [item 0]');
		expect(() => v().email('a@b', 'Email')).toThrow('Email is not a valid email address, got "a@b" [item 0]');
		expect(() => v().oneOf([['', 'Phone'], ['', 'Email']])).toThrow('Phone or Email is required');
	});

	it('carries the item index for n8n', () => {
		try {
			v(2).required('', 'Customer Name');
			throw new Error('no error');
		} catch (error) {
			expect((error as { context: { itemIndex: number } }).context.itemIndex).toBe(2);
		}
	});
});

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

	it('payment by payment ID alone is allowed', () => {
		expect(paymentBody(v(), { paymentId: 'p1', amount: 5, paymentMode: 'cash' })).toEqual([
			{ payment_mode: 'cash', payment_id: 'p1', amount_paid: '5' },
		]);
	});
});

describe('simplify', () => {
	it('reads epoch ms and wall-clock texts in the given zone', () => {
		expect(kaptureDateToIso(1715149492000)).toBe('2024-05-08T06:24:52.000Z');
		expect(kaptureDateToIso('2024-05-08 11:54:52', 'Asia/Kolkata')).toBe('2024-05-08T06:24:52.000Z');
		expect(kaptureDateToIso('', 'UTC')).toBeNull();
	});

	it('gives both documented records the same keys', () => {
		const v1 = simplifyOrder({ id: 23518265, customerId: 191696570, assignedToId: 209803, createDate: 1715149492000, deliveryStatus: 'AP', productQuantity: 0 });
		const partner = simplifyOrder({ id: '4070336', leadId: '47772861', name: 'Rachel Smith', productQuantity: '1', companyName: 'Tooth worth' });
		expect(Object.keys(v1)).toEqual(Object.keys(partner));
		expect(v1).toMatchObject({ id: '23518265', customerId: '191696570', status: 'AP', createdAt: '2024-05-08T06:24:52.000Z', productQuantity: 0 });
		expect(partner).toMatchObject({ id: '4070336', customerId: '47772861', customerName: 'Rachel Smith', productQuantity: 1, createdAt: null });
	});
});

describe('node description', () => {
	const description = new KaptureOrder().description;

	it('offers the five operations the n8n way', () => {
		const operation = description.properties.find((property) => property.name === 'operation');
		expect(operation?.options).toEqual([
			expect.objectContaining({ name: 'Add Payment', value: 'pay', action: 'Add a payment to an order' }),
			expect.objectContaining({ name: 'Create', value: 'add', action: 'Create an order' }),
			expect.objectContaining({ name: 'Get', value: 'get', action: 'Get an order' }),
			expect.objectContaining({ name: 'Get Many', value: 'pull', action: 'Get many orders' }),
			expect.objectContaining({ name: 'Update', value: 'update', action: 'Update an order' }),
		]);
		expect(description).toMatchObject({ name: 'kaptureOrder', displayName: 'Kapture Order', usableAsTool: true });
		expect(description.credentials).toEqual([{ name: 'kaptureApi', required: true }]);
	});

	it('defaults the API choice per operation as documented', () => {
		const apis = description.properties.filter((property) => property.name === 'api');
		const byOperation = Object.fromEntries(
			apis.map((api) => [(api.displayOptions?.show?.operation as string[])[0], api.default]),
		);
		expect(byOperation).toEqual({ add: 'v1', update: 'v1', pull: 'v1', get: 'partner' });
	});

	it('every property has a description', () => {
		const missing = description.properties.filter(
			(property) => property.type !== 'notice' && !property.description && !['resource', 'operation', 'options'].includes(property.name),
		);
		expect(missing.map((property) => property.name)).toEqual([]);
	});
});
