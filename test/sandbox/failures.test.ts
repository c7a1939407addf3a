// Documented (and a few obvious) failures: right status, right body shape, no write.

import {
	addOrder,
	call,
	fixture,
	getPartner,
	partner,
	pullPartner,
	pullV1,
	pushPartner,
	v1,
	v1AddBody,
} from './helpers';
import { PATHS, startSandbox } from './server';
import type { KaptureSandbox } from './types';

let sb: KaptureSandbox;
beforeAll(async () => {
	sb = await startSandbox({ quiet: true });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

describe('v1 add/update', () => {
	test('missing customer_name -> 200 failed naming it', async () => {
		const res = await addOrder(sb, v1AddBody({ customer: { customer_name: '' } }));
		expect(res.status).toBe(200);
		expect(res.body.status).toBe('failed');
		expect(res.body.message).toContain('customer_name');
		expect(sb.counts().orders).toBe(0);
	});

	test('no phone and no email anywhere -> 200 failed naming them', async () => {
		const res = await addOrder(sb, v1AddBody({ customer: { phone: '', email_id: '' } }));
		expect(res.body.status).toBe('failed');
		expect(res.body.message).toMatch(/phone or email/);
		expect(sb.counts()).toEqual({ customers: 0, enquiries: 0, contacts: 0, orders: 0, payments: 0 });
	});

	test('a contact phone is enough', async () => {
		const body = v1AddBody({ customer: { phone: '', email_id: '' } });
		body.contact_info = [{ contact_person_phone: '9111111111' }];
		const res = await addOrder(sb, body);
		expect(res.body.status).toBe('success');
		expect(sb.getOrder(res.body.Order.order_id)!.phone).toBe('9111111111');
	});

	test('unknown customer_id / enquiry_id -> failed, nothing written', async () => {
		expect((await addOrder(sb, v1AddBody({ customer: { customer_id: '1' } }))).body.status).toBe('failed');
		const body = v1AddBody();
		body.enquiry_info = { enquiry_id: 5 };
		expect((await addOrder(sb, body)).body.status).toBe('failed');
		expect(sb.counts()).toEqual({ customers: 0, enquiries: 0, contacts: 0, orders: 0, payments: 0 });
	});

	test('update of an unknown order, or without order_id -> 200 failed', async () => {
		const unknown = await addOrder(sb, v1AddBody({ order: { update: true, order_id: '99' } }));
		expect(unknown.status).toBe(200);
		expect(unknown.body).toEqual({ status: 'failed', message: expect.stringContaining('99') });
		const noId = await addOrder(sb, v1AddBody({ order: { update: 'true', order_id: '' } }));
		expect(noId.body.message).toContain('order_id');
		expect(sb.counts().orders).toBe(0);
	});

	test('a body that is not an object -> 400 failed', async () => {
		expect((await addOrder(sb, [1, 2])).status).toBe(400);
		expect((await addOrder(sb, undefined)).status).toBe(400);
	});
});

describe('v1 pull', () => {
	test.each([
		['missing', {}],
		['empty', { cmId: '' }],
		['zero', { cmId: 0 }],
		['negative', { cmId: -5 }],
		['not a number', { cmId: 'abc' }],
		['another account', { cmId: 42 }],
	])('cmId %s -> 400 failed', async (_label, cm) => {
		const res = await v1(sb, PATHS.v1Pull, { customerIds: '191696570', ...cm });
		expect(res.status).toBe(400);
		expect(res.body.status).toBe('failed');
		expect(res.body.message).toContain('cmId');
	});

	test('cmId as a string is fine', async () => {
		const res = await v1(sb, PATHS.v1Pull, { cmId: '1000298', customerIds: '191696570' });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ success: 'true', order_details: [] });
	});

	test('no filter -> 400 "at least one filter"', async () => {
		const body = { ...fixture('v1-pull.request'), customerIds: '' };
		const res = await v1(sb, PATHS.v1Pull, body);
		expect(res.status).toBe(400);
		expect(res.body.status).toBe('failed');
		expect(res.body.message).toMatch(/at least one filter/i);
		// limit/offset/sortParam/viewId are not filters.
		const paging = await pullV1(sb, { limit: '10', offset: '0', viewId: '2', sortParam: 'id_asc' });
		expect(paging.status).toBe(400);
	});

	test('bad values -> 400 failed', async () => {
		for (const body of [
			{ customerIds: '12,abc' },
			{ createStartDate: '2024/05/08' },
			{ createStartDate: '2024-02-30' },
			{ customerIds: '1', limit: '-1' },
			{ customerIds: '1', offset: 'x' },
			{ customerIds: '1', sortParam: 'name_asc' },
		]) {
			const res = await pullV1(sb, body);
			expect({ body, status: res.status, word: res.body.status }).toEqual({ body, status: 400, word: 'failed' });
		}
	});
});

describe('partner', () => {
	test('payment: amount not > 0, or ids missing -> Fail, nothing recorded', async () => {
		sb.insertOrder({ id: 4238767, customerId: 48658789 });
		const base = fixture('partner-payment.request')[0];
		for (const change of [
			{ amount_paid: '0' },
			{ amount_paid: '-10' },
			{ amount_paid: '' },
			{ amount_paid: 'ten' },
			{ kapture_order_id: '', payment_id: '' },
			{ kapture_customer_id: '', payment_id: '' },
		]) {
			const res = await pushPartner(sb, [{ ...base, ...change }]);
			expect({ change, body: res.body }).toEqual({ change, body: { Message: expect.any(String), Status: 'Fail' } });
		}
		expect(sb.payments()).toHaveLength(0);
		expect(sb.getOrder(4238767)!.totalPaid).toBe(0);
	});

	test('payment: unknown order or another customer\'s order -> Fail', async () => {
		sb.insertOrder({ id: 4238767, customerId: 48658789 });
		const base = fixture('partner-payment.request')[0];
		expect((await pushPartner(sb, [{ ...base, kapture_order_id: '1' }])).body.Status).toBe('Fail');
		expect((await pushPartner(sb, [{ ...base, kapture_customer_id: '1' }])).body.Status).toBe('Fail');
		expect(sb.payments()).toHaveLength(0);
	});

	test('payment by payment_id only: needs an earlier payment with that id', async () => {
		sb.insertOrder({ id: 4238767, customerId: 48658789 });
		const base = fixture('partner-payment.request')[0];
		const byIdOnly = { ...base, kapture_order_id: '', kapture_customer_id: '', payment_id: 'PAY-1', amount_paid: 50 };
		expect((await pushPartner(sb, [byIdOnly])).body.Status).toBe('Fail');
		expect((await pushPartner(sb, [{ ...base, payment_id: 'PAY-1' }])).body.status).toBe('success');
		expect((await pushPartner(sb, [byIdOnly])).body.status).toBe('success');
		expect(sb.payments().map((p) => [p.orderId, p.amountPaid])).toEqual([
			[4238767, 1000],
			[4238767, 50],
		]);
	});

	test('push without a customer id or name+contact -> failed ReqFieldMissing; a bad element writes nothing', async () => {
		const good = fixture('partner-push.request')[0];
		for (const bad of [
			{ ...good, customer_name: '' },
			{ ...good, phone: '', email_id: '' },
			{ ...good, customer_id: '123' },
		]) {
			const res = await pushPartner(sb, [good, bad]);
			expect(res.body).toEqual({ Message: expect.stringContaining('element 2'), Status: 'failed' });
		}
		expect((await pushPartner(sb, [{ ...good, customer_name: '' }])).body.Message).toMatch(/^ReqFieldMissing/);
		expect((await pushPartner(sb, [])).body.Status).toBe('failed');
		expect((await pushPartner(sb, { not: 'an array' })).body.Status).toBe('failed');
		expect(sb.counts()).toEqual({ customers: 0, enquiries: 0, contacts: 0, orders: 0, payments: 0 });
	});

	test('update of an unknown order -> Status "Fail"', async () => {
		const res = await pushPartner(sb, fixture('partner-update.request'));
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ Message: expect.stringContaining('4141343'), Status: 'Fail' });
	});

	test('pull window: 24 h passes, more fails, as do a missing or unreadable start_date', async () => {
		sb.clock.set(Date.UTC(2024, 4, 8, 6, 30)); // 12:00 IST
		sb.seedOrders(3);
		const today = '2024-05-08';
		const dayAfter = (d: string, n: number) => new Date(Date.parse(d) + n * 86_400_000).toISOString().slice(0, 10);

		expect((await pullPartner(sb, { start_date: today, end_date: today })).body.status).toBe('success');
		expect((await pullPartner(sb, { start_date: today })).body.status).toBe('success');
		const yesterday = dayAfter(today, -1);
		expect((await pullPartner(sb, { start_date: yesterday, end_date: today })).body.status).toBe('success');

		const tooLong = await pullPartner(sb, { start_date: dayAfter(today, -2), end_date: today });
		expect(tooLong.body).toEqual({ Message: expect.stringMatching(/too long/), Status: 'failed' });
		expect((await pullPartner(sb, { start_date: today, end_date: yesterday })).body.Status).toBe('failed');
		expect((await pullPartner(sb, { end_date: today })).body.Message).toMatch(/^ReqFieldMissing/);
		expect((await pullPartner(sb, { start_date: '31-03-2016' })).body.Status).toBe('failed');
		sb.clock.useRealTime();
	});

	test('get order: unknown or missing id', async () => {
		expect((await getPartner(sb, '123')).body).toEqual(fixture('partner-get.failure'));
		expect((await getPartner(sb, 'abc')).body).toEqual(fixture('partner-get.failure'));
		expect((await partner(sb, PATHS.partnerGetOrder, [{}])).body.Message).toMatch(/^ReqFieldMissing/);
	});
});

describe('transport-level failures', () => {
	test('malformed JSON -> 400 with a JSON failed body, in each family\'s casing', async () => {
		const v1Res = await call(sb, PATHS.v1AddUpdate, '{"customer_info":', `Basic ${Buffer.from('sandbox-user:sandbox-password').toString('base64')}`);
		expect(v1Res.status).toBe(400);
		expect(v1Res.headers.get('content-type')).toMatch(/application\/json/);
		expect(v1Res.body).toEqual({ status: 'failed', message: expect.any(String) });

		const partnerRes = await call(sb, PATHS.partnerPush, '[{"customer_name": }]', 'Basic sandbox-auth-key');
		expect(partnerRes.status).toBe(400);
		expect(partnerRes.body).toEqual({ Status: 'failed', Message: expect.any(String) });
		expect(sb.requests().map((r) => typeof r.body)).toEqual(['string', 'string']);
	});

	test('unknown path -> 404 HTML page', async () => {
		const res = await call(sb, '/ms/customer/order/api/v2/add-update', {}, undefined);
		expect(res.status).toBe(404);
		expect(res.headers.get('content-type')).toMatch(/text\/html/);
		expect(res.text).toMatch(/<html/);
		expect(sb.requests()[0]).toMatchObject({ api: 'unknown', status: 404 });
	});

	test('wrong method -> 405', async () => {
		const res = await call(sb, PATHS.v1AddUpdate, undefined, undefined, 'GET');
		expect(res.status).toBe(405);
		expect(res.headers.get('allow')).toBe('POST');
	});
});
