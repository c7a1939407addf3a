import { addOrder, call, documentedWrites, getPartner, pullV1, v1AddBody } from './helpers';
import { PATHS, startSandbox } from './server';
import type { FaultKind, KaptureSandbox } from './types';

let sb: KaptureSandbox;
beforeAll(async () => {
	sb = await startSandbox({ quiet: true });
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.reset();
	sb.setLatency(0);
});

describe('scripted faults', () => {
	test('rateLimit -> 429 with Retry-After and a JSON failed body, then normal service', async () => {
		sb.faults.script({ kind: 'rateLimit', retryAfterSeconds: 7 });
		const limited = await addOrder(sb, v1AddBody());
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('7');
		expect(limited.body).toEqual({ status: 'failed', message: expect.any(String) });
		expect((await addOrder(sb, v1AddBody())).status).toBe(200);
		expect(sb.counts().orders).toBe(1);
	});

	test('rateLimit without retryAfterSeconds sends no Retry-After', async () => {
		sb.faults.script({ kind: 'rateLimit' });
		const res = await addOrder(sb, v1AddBody());
		expect(res.status).toBe(429);
		expect(res.headers.get('retry-after')).toBeNull();
	});

	test('serverError -> 500 JSON', async () => {
		sb.faults.script({ kind: 'serverError' });
		const res = await addOrder(sb, v1AddBody());
		expect(res.status).toBe(500);
		expect(res.body.status).toBe('failed');
	});

	test('unavailable -> 503 with Retry-After', async () => {
		sb.faults.script({ kind: 'unavailable', retryAfterSeconds: 2 });
		const res = await addOrder(sb, v1AddBody());
		expect(res.status).toBe(503);
		expect(res.headers.get('retry-after')).toBe('2');
	});

	test('failureBody -> HTTP 200 carrying a failure', async () => {
		sb.faults.script({ kind: 'failureBody', message: 'Something odd' }, { kind: 'failureBody' });
		expect(await addOrder(sb, v1AddBody()).then((r) => [r.status, r.body])).toEqual([200, { status: 'failed', message: 'Something odd' }]);
		const second = await addOrder(sb, v1AddBody());
		expect(second.status).toBe(200);
		expect(second.body).toEqual({ status: 'failed', message: expect.any(String) });
	});

	test('html -> 502 text/html', async () => {
		sb.faults.script({ kind: 'html' });
		const res = await addOrder(sb, v1AddBody());
		expect(res.status).toBe(502);
		expect(res.headers.get('content-type')).toMatch(/text\/html/);
		expect(res.text).toMatch(/Bad Gateway/);
	});

	test('reset -> the connection drops without an answer', async () => {
		sb.faults.script({ kind: 'reset' });
		await expect(addOrder(sb, v1AddBody())).rejects.toThrow();
		expect(sb.counts().orders).toBe(0);
		const entry = sb.requests()[0];
		expect(entry).toMatchObject({ fault: 'reset', status: 0, api: 'v1AddUpdate' });
		expect((await addOrder(sb, v1AddBody())).status).toBe(200);
	});

	test('slow -> the write happens at once, the answer comes after delayMs', async () => {
		sb.faults.script({ kind: 'slow', delayMs: 1500 });
		const started = Date.now();
		let answered = false;
		const pending = addOrder(sb, v1AddBody()).finally(() => (answered = true));
		while (sb.counts().orders === 0 && Date.now() - started < 1400) await new Promise((r) => setTimeout(r, 10));
		expect(sb.counts().orders).toBe(1);
		expect(answered).toBe(false);
		expect(sb.inFlight().current).toBe(1);
		const res = await pending;
		expect(Date.now() - started).toBeGreaterThanOrEqual(1490);
		expect(res.status).toBe(200);
		expect(res.body.status).toBe('success');
		expect(sb.inFlight().current).toBe(0);
	});

	test('scripted faults go to the next requests of their API, one each, in order', async () => {
		sb.faults.script({ kind: 'serverError', api: 'v1Pull' }, { kind: 'rateLimit', api: ['getOrder', 'v1Pull'] });
		expect((await addOrder(sb, v1AddBody())).status).toBe(200);
		expect((await getPartner(sb, 1)).status).toBe(429);
		expect((await pullV1(sb, { customerIds: '1' })).status).toBe(500);
		expect((await pullV1(sb, { customerIds: '1' })).status).toBe(200);
		expect(sb.requests().map((r) => r.fault)).toEqual([undefined, 'rateLimit', 'serverError', undefined]);
	});

	test('inspection endpoints are not faulted unless named', async () => {
		sb.faults.script({ kind: 'serverError' });
		expect((await call(sb, PATHS.inspectState, undefined, undefined, 'GET')).status).toBe(200);
		expect((await addOrder(sb, v1AddBody())).status).toBe(500);
		sb.faults.script({ kind: 'serverError', api: 'inspect' });
		expect((await call(sb, PATHS.inspectState, undefined, undefined, 'GET')).status).toBe(500);
	});

	test('an unauthorized faulted request is logged as both', async () => {
		sb.faults.script({ kind: 'serverError' });
		await call(sb, PATHS.v1AddUpdate, v1AddBody(), 'Basic bad');
		expect(sb.requests()[0]).toMatchObject({ authorized: false, fault: 'serverError', status: 500 });
	});

	test('clear() drops scripted and rate faults', async () => {
		sb.faults.script({ kind: 'serverError' });
		sb.faults.rate(1, { kind: 'html' });
		sb.faults.clear();
		expect((await addOrder(sb, v1AddBody())).status).toBe(200);
	});
});

describe('what a fault says and whom it hits', () => {
	test.each(['serverError', 'unavailable', 'failureBody'] as const)('%s carries the message given', async (kind) => {
		sb.faults.script({ kind, message: 'No data found' });
		const res = await pullV1(sb, { createStartDate: '2000-01-01' });
		expect(res.body).toEqual({ status: 'failed', message: 'No data found' });
	});

	test('bodyIncludes: only the request whose body holds the text, wherever it comes in the queue', async () => {
		sb.faults.script({ kind: 'serverError', bodyIncludes: '"ERP-B"' });
		expect((await addOrder(sb, v1AddBody({ order: { erp_order_id: 'ERP-A' } }))).status).toBe(200);
		expect((await addOrder(sb, v1AddBody({ order: { erp_order_id: 'ERP-B' } }))).status).toBe(500);
		expect((await addOrder(sb, v1AddBody({ order: { erp_order_id: 'ERP-B' } }))).status).toBe(200);
		expect(sb.listOrders().map((o) => o.erpOrderId)).toEqual(['ERP-A', 'ERP-B']);
	});

	test('bodyIncludes on a rate rule draws only for matching requests', async () => {
		sb.faults.rate(1, { kind: 'serverError', bodyIncludes: 'poison' });
		expect((await addOrder(sb, v1AddBody())).status).toBe(200);
		expect((await addOrder(sb, v1AddBody({ order: { remarks: 'poison' } }))).status).toBe(500);
	});
});

describe('faulted writes never reach the store', () => {
	const writeKinds: FaultKind[] = ['rateLimit', 'serverError', 'unavailable', 'reset', 'failureBody', 'html'];

	test.each(writeKinds)('%s on v1 add, v1 update, partner push and payment', async (kind) => {
		const order = sb.insertOrder({ id: 4238767, customerId: 48658789, remarks: 'before' });
		const before = { counts: sb.counts(), order: sb.getOrder(order.id) };
		const writes = documentedWrites(sb, order.id);
		for (const write of writes) {
			sb.faults.script({ kind });
			await write().catch(() => undefined);
		}
		expect({ counts: sb.counts(), order: sb.getOrder(order.id) }).toEqual(before);
		expect(sb.requests().map((r) => r.fault)).toEqual([kind, kind, kind, kind]);

		// Retried without faults, each write lands exactly once.
		for (const write of writes) await write();
		expect(sb.counts()).toMatchObject({ orders: 3, payments: 1 });
		expect(sb.getOrder(order.id)!.remarks).toBe('after');
	});
});

describe('fault rates', () => {
	async function statuses(n: number): Promise<number[]> {
		const out: number[] = [];
		for (let i = 0; i < n; i++) out.push((await pullV1(sb, { customerIds: '1' })).status);
		return out;
	}

	test('a seeded rate is deterministic and close to the asked rate', async () => {
		sb.faults.rate(0.3, { kind: 'serverError' }, 42);
		const first = await statuses(200);
		sb.reset();
		sb.faults.rate(0.3, { kind: 'serverError' }, 42);
		const second = await statuses(200);
		expect(second).toEqual(first);
		const failures = first.filter((s) => s === 500).length;
		expect(failures).toBeGreaterThan(35);
		expect(failures).toBeLessThan(85);

		sb.reset();
		sb.faults.rate(0.3, { kind: 'serverError' }, 7);
		expect(await statuses(200)).not.toEqual(first);
	});

	test('rate 1 hits every matching request, rate 0 none; other APIs are untouched', async () => {
		sb.faults.rate(1, { kind: 'unavailable', api: 'v1Pull' });
		expect(await statuses(5)).toEqual([503, 503, 503, 503, 503]);
		expect((await addOrder(sb, v1AddBody())).status).toBe(200);
		sb.faults.clear();
		sb.faults.rate(0, { kind: 'unavailable' });
		expect(await statuses(5)).toEqual([200, 200, 200, 200, 200]);
	});

	test('scripted faults come before rate rules', async () => {
		sb.faults.rate(1, { kind: 'serverError' });
		sb.faults.script({ kind: 'rateLimit' });
		expect(await statuses(2)).toEqual([429, 500]);
	});

	test('bad specs are refused', () => {
		expect(() => sb.faults.rate(1.5, { kind: 'serverError' })).toThrow();
		expect(() => sb.faults.script({ kind: 'explode' as FaultKind })).toThrow();
	});
});

describe('latency and in-flight tracking', () => {
	test('latency delays every API request, and concurrent requests show up in the peak', async () => {
		sb.setLatency(150);
		sb.resetPeak();
		const started = Date.now();
		const results = await Promise.all(Array.from({ length: 6 }, () => pullV1(sb, { customerIds: '1' })));
		expect(Date.now() - started).toBeGreaterThanOrEqual(145);
		expect(results.every((r) => r.status === 200)).toBe(true);
		expect(sb.inFlight()).toEqual({ current: 0, peak: 6 });
		expect(sb.requests().every((r) => r.durationMs >= 145)).toBe(true);
		sb.resetPeak();
		expect(sb.inFlight().peak).toBe(0);
	});

	test('inspection is not delayed by latency', async () => {
		sb.setLatency(10_000);
		const started = Date.now();
		await call(sb, PATHS.inspectState, undefined, undefined, 'GET');
		expect(Date.now() - started).toBeLessThan(5000);
	});
});
