import {
	addOrder,
	basicHeader,
	call,
	fixture,
	getPartner,
	partner,
	pullPartner,
	pushPartner,
	v1AddBody,
} from './helpers';
import { PATHS, startSandbox } from './server';
import type { KaptureSandbox } from './types';

describe('v1 Basic auth', () => {
	let sb: KaptureSandbox;
	beforeAll(async () => {
		sb = await startSandbox({ username: 'alice', password: 's3cret:with:colons', quiet: true });
	});
	afterAll(() => sb.close());
	beforeEach(() => sb.reset());

	test('the configured username and password are accepted', async () => {
		const res = await call(sb, PATHS.v1AddUpdate, v1AddBody(), basicHeader('alice', 's3cret:with:colons'));
		expect(res.status).toBe(200);
		expect(res.body.status).toBe('success');
		expect(sb.credentials).toMatchObject({ username: 'alice', password: 's3cret:with:colons' });
	});

	test.each([
		['no header', undefined],
		['wrong password', basicHeader('alice', 'nope')],
		['wrong user', basicHeader('bob', 's3cret:with:colons')],
		['not base64 of user:pass', 'Basic alice'],
		['the partner key', 'Basic sandbox-auth-key'],
		['a Bearer token', 'Bearer abc'],
	])('%s -> 401 Invalid Auth Key, nothing written', async (_label, header) => {
		for (const path of [PATHS.v1AddUpdate, PATHS.v1Pull]) {
			const res = await call(sb, path, { ...v1AddBody(), cmId: 1000298, customerIds: '1' }, header);
			expect(res.status).toBe(401);
			expect(res.body).toEqual(fixture('v1-auth-failure.response'));
		}
		expect(sb.counts().orders).toBe(0);
		expect(sb.requests().every((r) => !r.authorized)).toBe(true);
	});

	test('the log never holds Authorization values', async () => {
		await addOrder(sb, v1AddBody());
		await call(sb, PATHS.v1AddUpdate, v1AddBody(), basicHeader('alice', 'wrong-password'));
		const log = JSON.stringify(sb.requests());
		expect(log).not.toContain(Buffer.from('alice:s3cret:with:colons').toString('base64'));
		expect(log).not.toContain('s3cret');
		expect(log).not.toContain('wrong-password');
		expect(sb.requests().map((r) => r.authorized)).toEqual([true, false]);
	});
});

describe('partner Auth Key', () => {
	let sb: KaptureSandbox;
	beforeAll(async () => {
		sb = await startSandbox({ authKey: 'default-key', quiet: true });
	});
	afterAll(() => sb.close());
	beforeEach(() => sb.reset());

	test('accepted as "Basic <key>" and as the bare key', async () => {
		expect((await call(sb, PATHS.partnerPush, fixture('partner-push.request'), 'Basic default-key')).body[0].status).toBe('success');
		expect((await call(sb, PATHS.partnerPush, fixture('partner-push.request'), 'default-key')).body[0].status).toBe('success');
		expect(sb.counts().orders).toBe(2);
	});

	test.each([
		['no header', undefined],
		['a wrong key', 'Basic other-key'],
		['the key base64-encoded', `Basic ${Buffer.from('default-key').toString('base64')}`],
		['v1 credentials', basicHeader('sandbox-user', 'sandbox-password')],
	])('%s -> HTTP 200 AuthKeyInvalid on every partner API, nothing written', async (_label, header) => {
		sb.insertOrder({ id: 4238767, customerId: 48658789 });
		const bodies: Array<[string, unknown]> = [
			[PATHS.partnerPush, fixture('partner-push.request')],
			[PATHS.partnerPush, fixture('partner-payment.request')],
			[PATHS.partnerPullByDates, fixture('partner-pull.request')],
			[PATHS.partnerGetOrder, [{ order_id: '4238767' }]],
		];
		for (const [path, body] of bodies) {
			const res = await call(sb, path, body, header);
			expect(res.status).toBe(200);
			expect(res.body.Status).toBe('failed');
			expect(res.body.Message).toMatch(/^AuthKeyInvalid/);
		}
		expect(sb.counts()).toMatchObject({ orders: 1, payments: 0 });
		expect(sb.requests().map((r) => r.api)).toEqual(['orderPush', 'payment', 'pullByDates', 'getOrder']);
	});
});

describe('per-API partner keys', () => {
	let sb: KaptureSandbox;
	beforeAll(async () => {
		sb = await startSandbox({ partnerKeys: { getOrder: 'get-key', payment: 'pay-key' }, quiet: true });
	});
	afterAll(() => sb.close());
	beforeEach(() => sb.reset());

	test('an API with its own key refuses the default key and accepts its own', async () => {
		const order = sb.insertOrder({ id: 4238767, customerId: 48658789 });
		expect((await getPartner(sb, order.id)).body.Message).toMatch(/^AuthKeyInvalid/);
		expect((await getPartner(sb, order.id, 'get-key')).body.status).toBe('success');

		expect((await pushPartner(sb, fixture('partner-payment.request'))).body.Message).toMatch(/^AuthKeyInvalid/);
		expect((await pushPartner(sb, fixture('partner-payment.request'), 'pay-key')).body.status).toBe('success');
		expect(sb.payments()).toHaveLength(1);
	});

	test('APIs without their own key still take the default key, and not the other APIs\' keys', async () => {
		expect((await pushPartner(sb, fixture('partner-push.request'))).body[0].status).toBe('success');
		expect((await pushPartner(sb, fixture('partner-push.request'), 'get-key')).body.Message).toMatch(/^AuthKeyInvalid/);
		const pulled = await pullPartner(sb, { start_date: '2016-03-31' });
		expect(pulled.body.Message).toBe('No orders between dates');
		expect((await partner(sb, PATHS.partnerPullByDates, [{ start_date: '2016-03-31' }], 'pay-key')).body.Message).toMatch(
			/^AuthKeyInvalid/,
		);
	});
});
