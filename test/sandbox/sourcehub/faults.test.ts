// SourceHub's fault knobs: the same kinds as Kapture's sandbox, answered in
// SourceHub's error shape. A faulted request changes nothing, except `slow`,
// which is processed at once and answered late.

import { createOrder, getCart } from './helpers';
import { DOCUMENTED_CUSTOMER_ID as CUSTOMER, DOCUMENTED_PRODUCT_ID as PRODUCT, startSourceHubSandbox, type SourceHubSandbox } from './index';

let sb: SourceHubSandbox;
beforeAll(async () => {
	sb = await startSourceHubSandbox({ quiet: true });
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.reset();
	sb.setLatency(0);
	sb.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 1 }]);
});

test.each([
	['rateLimit', 429, 'TOO_MANY_REQUESTS'],
	['serverError', 500, 'SERVER_ERROR'],
	['unavailable', 503, 'SERVICE_UNAVAILABLE'],
] as const)('%s answers %i %s and places nothing; the next request is served', async (kind, status, code) => {
	sb.faults.script({ kind, api: 'createOrder', retryAfterSeconds: kind === 'serverError' ? undefined : 3 });
	const faulted = await createOrder(sb, CUSTOMER);
	expect(faulted.status).toBe(status);
	expect(faulted.body.error).toMatchObject({ code, status_code: status, description: expect.any(String), source: `${sb.baseUrl}/orders/create` });
	expect(faulted.headers.get('retry-after')).toBe(kind === 'serverError' ? null : '3');
	expect(sb.counts().orders).toBe(0);
	expect(sb.requests()[0]).toMatchObject({ fault: kind, status });
	expect((await createOrder(sb, CUSTOMER)).status).toBe(200);
	expect(sb.counts().orders).toBe(1);
});

test('failureBody: HTTP 200 carrying an error object, with the message given', async () => {
	sb.faults.script({ kind: 'failureBody', message: 'Something odd' });
	const res = await createOrder(sb, CUSTOMER);
	expect(res.status).toBe(200);
	expect(res.body.error).toMatchObject({ code: 'BAD_REQUEST_ERROR', description: 'Something odd' });
	expect(sb.counts().orders).toBe(0);
});

test('html: a 502 page that is not JSON', async () => {
	sb.faults.script({ kind: 'html' });
	const res = await getCart(sb, CUSTOMER);
	expect(res.status).toBe(502);
	expect(res.headers.get('content-type')).toMatch(/text\/html/);
});

test('reset: the connection is closed without an answer, nothing placed', async () => {
	sb.faults.script({ kind: 'reset', api: 'createOrder' });
	await expect(createOrder(sb, CUSTOMER)).rejects.toThrow();
	expect(sb.counts().orders).toBe(0);
	expect(sb.requests()[0]).toMatchObject({ fault: 'reset', status: 0 });
});

/** Polls until `check` holds (the machine may be busy: no fixed sleeps). */
async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('condition not reached in time');
		await new Promise((r) => setTimeout(r, 5));
	}
}

test('slow: the order is placed at once and the answer comes late', async () => {
	sb.faults.script({ kind: 'slow', delayMs: 1000, api: 'createOrder' });
	const started = Date.now();
	let answered = false;
	const pending = createOrder(sb, CUSTOMER).then((res) => {
		answered = true;
		return res;
	});
	await until(() => sb.counts().orders === 1);
	expect(answered).toBe(false);
	expect((await pending).status).toBe(200);
	expect(Date.now() - started).toBeGreaterThanOrEqual(990);
});

test('a fault for one API leaves the others alone; rate rules are seeded', async () => {
	sb.faults.script({ kind: 'serverError', api: 'listOrders' });
	expect((await getCart(sb, CUSTOMER)).status).toBe(200);
	const draw = async () => {
		sb.faults.clear();
		sb.faults.rate(0.5, { kind: 'rateLimit', api: 'getCart' }, 7);
		const statuses: number[] = [];
		for (let i = 0; i < 12; i++) statuses.push((await getCart(sb, CUSTOMER)).status);
		return statuses;
	};
	const first = await draw();
	expect(first).toContain(429);
	expect(first).toContain(200);
	expect(await draw()).toEqual(first);
});

test('latency delays every API answer and shows in the in-flight count', async () => {
	sb.setLatency(300);
	const started = Date.now();
	const both = Promise.all([getCart(sb, CUSTOMER), getCart(sb, CUSTOMER)]);
	await until(() => sb.inFlight().current === 2);
	await both;
	expect(Date.now() - started).toBeGreaterThanOrEqual(295);
	await until(() => sb.inFlight().current === 0);
	expect(sb.inFlight().peak).toBe(2);
});
