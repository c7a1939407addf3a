import { AccountRateLimiter } from './accountLimit';
import { addOrder, call, v1AddBody } from './helpers';
import { PATHS, startSandbox } from './server';
import type { KaptureSandbox } from './types';

describe('AccountRateLimiter (sliding one-second window)', () => {
	let now = 0;
	const limiter = () => new AccountRateLimiter({ requestsPerSecond: 3 }, () => now);

	beforeEach(() => {
		now = 10_000;
	});

	test('admits N requests in a second, refuses the next with the seconds until there is room', () => {
		const l = limiter();
		expect([l.take(), l.take(), l.take()]).toEqual([undefined, undefined, undefined]);
		now += 400;
		expect(l.take()).toBe(1);
		expect(l.stats()).toEqual({ limit: { requestsPerSecond: 3 }, admitted: 3, refused: 1 });
	});

	test('room again once the oldest admitted request is a second old; refusals use up no budget', () => {
		const l = limiter();
		l.take();
		now += 500;
		l.take();
		l.take();
		for (let i = 0; i < 10; i++) expect(l.take()).toBe(1);
		now += 500; // the first one left the window
		expect(l.take()).toBeUndefined();
		expect(l.take()).toBe(1);
		now += 500;
		expect([l.take(), l.take()]).toEqual([undefined, undefined]);
		expect(l.stats()).toMatchObject({ admitted: 6, refused: 11 });
	});

	test('a fixed Retry-After when one is configured; no limit admits everything', () => {
		const fixed = new AccountRateLimiter({ requestsPerSecond: 1, retryAfterSeconds: 5 }, () => now);
		fixed.take();
		expect(fixed.take()).toBe(5);
		const none = new AccountRateLimiter(undefined, () => now);
		for (let i = 0; i < 100; i++) expect(none.take()).toBeUndefined();
		expect(none.stats()).toEqual({ limit: undefined, admitted: 0, refused: 0 });
	});

	test('refuses a limit that is not a whole number >= 1', () => {
		expect(() => new AccountRateLimiter({ requestsPerSecond: 0 })).toThrow(/whole number/);
		expect(() => new AccountRateLimiter({ requestsPerSecond: 2.5 })).toThrow(/whole number/);
		expect(() => new AccountRateLimiter({ requestsPerSecond: 2, retryAfterSeconds: -1 })).toThrow(/retryAfterSeconds/);
	});
});

describe('the sandbox with an account-wide rate limit', () => {
	let sb: KaptureSandbox;
	beforeAll(async () => {
		sb = await startSandbox({ quiet: true, accountRateLimit: { requestsPerSecond: 5 } });
	});
	afterAll(() => sb.close());

	test('a burst beyond the limit: 429 with Retry-After, not processed, logged as rateLimited', async () => {
		const answers = await Promise.all(Array.from({ length: 8 }, () => addOrder(sb, v1AddBody())));
		const ok = answers.filter((a) => a.status === 200);
		const limited = answers.filter((a) => a.status === 429);
		expect(ok).toHaveLength(5);
		expect(limited).toHaveLength(3);
		for (const a of limited) {
			expect(a.headers.get('retry-after')).toBe('1');
			expect(a.body).toEqual({ status: 'failed', message: expect.stringMatching(/too many requests/i) });
		}
		expect(sb.counts().orders).toBe(5);
		expect(sb.requests().filter((r) => r.rateLimited)).toHaveLength(3);
		expect(sb.accountRateLimitStats()).toMatchObject({ admitted: 5, refused: 3 });
	});

	test('inspection requests are not counted; the state shows the limit', async () => {
		sb.setAccountRateLimit({ requestsPerSecond: 1 });
		for (let i = 0; i < 3; i++) expect((await call(sb, `${PATHS.inspectState}?limit=0`, undefined, undefined, 'GET')).status).toBe(200);
		const state = await call(sb, `${PATHS.inspectState}?limit=0`, undefined, undefined, 'GET');
		expect(state.body.config.accountRateLimit).toEqual({ limit: { requestsPerSecond: 1 }, admitted: 0, refused: 0 });
		expect((await addOrder(sb, v1AddBody())).status).toBe(200);
		expect((await addOrder(sb, v1AddBody())).status).toBe(429);
	});

	test('setAccountRateLimit(undefined) lifts it', async () => {
		sb.setAccountRateLimit(undefined);
		const answers = await Promise.all(Array.from({ length: 20 }, () => addOrder(sb, v1AddBody())));
		expect(answers.every((a) => a.status === 200)).toBe(true);
	});
});
