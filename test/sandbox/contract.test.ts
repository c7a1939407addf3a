// Every documented example request is accepted by its endpoint and answered in
// the documented shape (same keys as the documented response).

import {
	addOrder,
	fixture,
	getPartner,
	MAY_8_IST,
	partner,
	pullV1,
	pushPartner,
	sortedKeys,
	v1,
	call,
} from './helpers';
import { PATHS, startSandbox } from './server';
import type { KaptureSandbox } from './types';

// The clock of the documented pull example (createDate 1715149492000).
const DOC_TIME = 1715149492000;

let sb: KaptureSandbox;
beforeAll(async () => {
	sb = await startSandbox({ now: DOC_TIME, quiet: true });
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.reset();
	sb.clock.set(DOC_TIME);
});

describe('v1 add/update/pull examples', () => {
	test('add: the documented body gets the documented answer, ids included', async () => {
		const res = await addOrder(sb, fixture('v1-add.request'));
		const doc = fixture('v1-add.response');
		expect(res.status).toBe(200);
		expect(sortedKeys(res.body)).toEqual(sortedKeys(doc));
		expect(res.body.status).toBe('success');
		// A fresh sandbox hands out the same ids as the example.
		expect(res.body.Order).toEqual(doc.Order);

		const order = sb.getOrder(doc.Order.order_id)!;
		expect(order).toMatchObject({
			customerName: 'ABC',
			phone: '9380491257',
			email: 'abc@abc.min',
			remarks: 'testing',
			deliveryStatus: 'AP',
			createDate: DOC_TIME,
			source: 'v1',
		});
		expect(sb.counts()).toEqual({ customers: 1, enquiries: 1, contacts: 1, orders: 1, payments: 0 });
	});

	test('update: the documented body updates the order added by the add example', async () => {
		await addOrder(sb, fixture('v1-add.request'));
		sb.clock.advance(60_000);
		const res = await addOrder(sb, fixture('v1-update.request'));
		const doc = fixture('v1-update.response');
		expect(res.status).toBe(200);
		expect(sortedKeys(res.body)).toEqual(sortedKeys(doc));
		expect(sortedKeys(res.body.Order)).toEqual(sortedKeys(doc.Order));
		expect(res.body.status).toBe('success');
		expect(res.body.Order).toMatchObject({ result: true, action: 'ORDER', action_event: 'ORDER_FIELD_UPDATION' });

		const order = sb.getOrder(23518265)!;
		expect(order.remarks).toBe('testing 2345');
		expect(order.invoiceNo).toBe('3141341');
		expect(order.createDate).toBe(DOC_TIME);
		expect(order.lastModificationTime).toBe(DOC_TIME + 60_000);
		expect(sb.counts().orders).toBe(1);
	});

	test('pull: the documented body finds the order, in the documented order shape', async () => {
		await addOrder(sb, fixture('v1-add.request'));
		const res = await v1(sb, PATHS.v1Pull, fixture('v1-pull.request'));
		const doc = fixture('v1-pull.response');
		expect(res.status).toBe(200);
		expect(sortedKeys(res.body)).toEqual(sortedKeys(doc));
		expect(res.body.success).toBe('true');
		expect(res.body.order_details).toHaveLength(1);

		const got = res.body.order_details[0];
		const documented = doc.order_details[0];
		for (const key of Object.keys(documented)) {
			expect({ key, type: typeof got[key] }).toEqual({ key, type: typeof documented[key] });
		}
		// Everything the example shows that the add example determines.
		for (const key of ['id', 'cmId', 'customerId', 'enquiryId', 'createDate', 'creatorId', 'remarks', 'deliveryStatus', 'lastModificationTime', 'assignedToId']) {
			expect({ key, value: got[key] }).toEqual({ key, value: documented[key] });
		}
		expect(got).not.toHaveProperty('source');
	});

	test('v1 auth failure has the documented body', async () => {
		const res = await call(sb, PATHS.v1AddUpdate, fixture('v1-add.request'), 'Basic bm9ib2R5Om5vdGhpbmc=');
		expect(res.status).toBe(401);
		expect(res.body).toEqual(fixture('v1-auth-failure.response'));
	});
});

describe('partner examples', () => {
	test('push: documented body, documented success shape', async () => {
		const res = await pushPartner(sb, fixture('partner-push.request'));
		const doc = fixture('partner-push.response');
		expect(res.status).toBe(200);
		expect(Array.isArray(res.body)).toBe(true);
		expect(res.body).toHaveLength(1);
		expect(sortedKeys(res.body[0])).toEqual(sortedKeys(doc[0]));
		expect(res.body[0].status).toBe('success');
		for (const value of Object.values(res.body[0])) expect(typeof value).toBe('string');
		expect(res.body[0]['Order Id']).toBe(res.body[0].order_id);
		expect(res.body[0]['Kapture Customer Id']).toBe(res.body[0].kapture_customer_id);

		const order = sb.getOrder(Number(res.body[0].order_id))!;
		expect(order).toMatchObject({
			customerName: 'Guru',
			phone: '1234567890',
			email: 'xjbwih@jbk.ji',
			paymentMode: 'cash',
			productQuantity: 1,
			productValue: 10000,
			discount: 1,
			source: 'partner',
			// The example's create_date is a placeholder: the order is dated now.
			createDate: DOC_TIME,
		});
		expect(order.productDetails).toEqual(fixture('partner-push.request')[0].product_details);
	});

	test('update: documented body updates an existing order, documented success shape', async () => {
		sb.insertOrder({ id: 4141343, customerName: 'Old Name', phone: '1234567890' });
		const res = await pushPartner(sb, fixture('partner-update.request'));
		const doc = fixture('partner-update.response');
		expect(res.status).toBe(200);
		expect(sortedKeys(res.body[0])).toEqual(sortedKeys(doc[0]));
		expect(res.body[0]).toMatchObject({ status: 'success', order_id: '4141343', 'Order Id': '4141343' });
		const order = sb.getOrder(4141343)!;
		expect(order.customerName).toBe('Guru');
		expect(order.productDetails).toEqual(fixture('partner-update.request')[0].product_details);
		expect(order.productQuantity).toBe(10);
		expect(order.productValue).toBe(10000);
		expect(sb.counts().orders).toBe(1);
	});

	test('pull by dates: documented body pages through the matching orders', async () => {
		// 25 orders of enquiry 293312 and 5 of another enquiry on 2016-03-31 IST.
		const dayStart = Date.UTC(2016, 2, 30, 18, 30);
		sb.seedOrders(30, (i) => ({ createDate: dayStart + i * 60_000, enquiryId: i < 25 ? 293312 : 777 }));
		const res = await partner(sb, PATHS.partnerPullByDates, fixture('partner-pull.request'));
		const doc = fixture('partner-pull.response');
		expect(res.status).toBe(200);
		expect(sortedKeys(res.body)).toEqual(sortedKeys(doc));
		expect(res.body.status).toBe('success');
		expect(res.body.orders).toHaveLength(10);
		// startPosition 10: the 11th to 20th oldest.
		expect(res.body.orders.map((o: { createDate: string }) => o.createDate)).toEqual(
			Array.from({ length: 10 }, (_, i) => `2016-03-31 00:${String(10 + i).padStart(2, '0')}:00`),
		);
		for (const order of res.body.orders) {
			expect(Object.keys(order)).toEqual(expect.arrayContaining(Object.keys(doc.orders[0])));
			expect(order.enquiryId).toBe('293312');
			for (const key of Object.keys(doc.orders[0])) expect(typeof order[key]).toBe('string');
		}
	});

	test('pull by dates: no orders gives the documented failure, verbatim', async () => {
		const res = await partner(sb, PATHS.partnerPullByDates, fixture('partner-pull.request'));
		expect(res.status).toBe(200);
		expect(res.body).toEqual(fixture('partner-pull.failure'));
	});

	test('get order: documented body, documented shape', async () => {
		sb.insertOrder({ id: 4075465, customerName: 'Rouf Zargar', phone: '9899788160', productQuantity: 1, productValue: 1500 });
		const res = await partner(sb, PATHS.partnerGetOrder, fixture('partner-get.request'));
		const doc = fixture('partner-get.response');
		expect(res.status).toBe(200);
		expect(sortedKeys(res.body)).toEqual(sortedKeys(doc));
		expect(res.body.status).toBe('success');
		expect(Object.keys(res.body.message)).toEqual(expect.arrayContaining(Object.keys(doc.message)));
		expect(res.body.message).toMatchObject({
			id: '4075465',
			cmId: '1000298',
			name: 'Rouf Zargar',
			phone: '9899788160',
			productQuantity: '1',
			productValue: '1500',
		});
	});

	test('get order: unknown id gives the documented failure, verbatim', async () => {
		const res = await partner(sb, PATHS.partnerGetOrder, fixture('partner-get.request'));
		expect(res.body).toEqual(fixture('partner-get.failure'));
	});

	test('payment: documented body against an existing order, documented answer verbatim', async () => {
		sb.insertOrder({ id: 4238767, customerId: 48658789 });
		const res = await pushPartner(sb, fixture('partner-payment.request'));
		expect(res.status).toBe(200);
		expect(res.body).toEqual(fixture('partner-payment.response'));
		expect(sb.payments()).toEqual([
			expect.objectContaining({
				orderId: 4238767,
				customerId: 48658789,
				paymentMode: 'cheque',
				chequeDate: '2020-05-22',
				amountPaid: 1000,
				at: DOC_TIME,
			}),
		]);
		expect(sb.getOrder(4238767)!.totalPaid).toBe(1000);
	});

	test('documented failure shapes: push, update and payment', async () => {
		const push = await pushPartner(sb, [{ customer_name: '', phone: '' }]);
		expect(sortedKeys(push.body)).toEqual(sortedKeys(fixture('partner-push.failure')));
		expect(push.body.Status).toBe('failed');

		const update = await pushPartner(sb, fixture('partner-update.request'));
		expect(sortedKeys(update.body)).toEqual(sortedKeys(fixture('partner-update.failure')));
		expect(update.body.Status).toBe('Fail');

		const pay = await pushPartner(sb, [{ ...fixture('partner-payment.request')[0], amount_paid: '0' }]);
		expect(sortedKeys(pay.body)).toEqual(sortedKeys(fixture('partner-payment.failure')));
		expect(pay.body.Status).toBe('Fail');
		expect(sb.counts()).toMatchObject({ orders: 0, payments: 0 });
	});
});

test('timestamps of the contract sandbox are the frozen clock', async () => {
	sb.clock.set(MAY_8_IST);
	const res = await pushPartner(sb, fixture('partner-push.request'));
	expect(sb.getOrder(Number(res.body[0].order_id))!.createDate).toBe(MAY_8_IST);
	const got = await getPartner(sb, res.body[0].order_id);
	expect(got.body.message.createDate).toBe('2024-05-08 00:00:00');
	const pulled = await pullV1(sb, { orderIds: res.body[0].order_id });
	expect(pulled.body.order_details[0].createDate).toBe(MAY_8_IST);
});
