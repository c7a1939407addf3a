import { backoffDelay, DEFAULT_RETRY, isRetryable, parseRetryAfter } from '../../../../nodes/shared/transport/retry';

describe('isRetryable', () => {
	it.each([429, 500, 502, 503, 504])('retries a read on HTTP %d', (status) => {
		expect(isRetryable({ kind: 'status', status }, false)).toBe(true);
	});

	it.each([400, 401, 403, 404])('never retries HTTP %d', (status) => {
		expect(isRetryable({ kind: 'status', status }, false)).toBe(false);
		expect(isRetryable({ kind: 'status', status }, true)).toBe(false);
	});

	it('retries a write only when Kapture provably did not process it', () => {
		expect(isRetryable({ kind: 'status', status: 429 }, true)).toBe(true);
		// A proxy may answer 503 after forwarding a write.
		expect(isRetryable({ kind: 'status', status: 503 }, true)).toBe(false);
		expect(isRetryable({ kind: 'status', status: 500 }, true)).toBe(false);
		expect(isRetryable({ kind: 'status', status: 502 }, true)).toBe(false);
		expect(isRetryable({ kind: 'network', code: 'ECONNREFUSED' }, true)).toBe(true);
		expect(isRetryable({ kind: 'network', code: 'ECONNRESET' }, true)).toBe(false);
		expect(isRetryable({ kind: 'network', code: 'ETIMEDOUT' }, true)).toBe(false);
	});

	it('retries a read after a reset or a timeout', () => {
		expect(isRetryable({ kind: 'network', code: 'ECONNRESET' }, false)).toBe(true);
		expect(isRetryable({ kind: 'network', code: 'ETIMEDOUT' }, false)).toBe(true);
		expect(isRetryable({ kind: 'network', code: 'SOMETHING_ELSE' }, false)).toBe(false);
	});
});

describe('parseRetryAfter', () => {
	it('reads seconds and HTTP dates', () => {
		expect(parseRetryAfter('3')).toBe(3000);
		expect(parseRetryAfter(['2'])).toBe(2000);
		expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
		expect(parseRetryAfter('soon')).toBeUndefined();
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(parseRetryAfter('-5')).toBe(0);
	});
});

describe('backoffDelay', () => {
	const settings = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };

	it('doubles each attempt, between half and all of the step', () => {
		expect(backoffDelay(1, settings, undefined, () => 0)).toBe(50);
		expect(backoffDelay(1, settings, undefined, () => 1)).toBe(100);
		expect(backoffDelay(3, settings, undefined, () => 1)).toBe(400);
	});

	it('never waits longer than the cap', () => {
		expect(backoffDelay(20, settings, undefined, () => 1)).toBe(1000);
	});

	it('waits as long as Retry-After asks, plus a little jitter', () => {
		expect(backoffDelay(1, settings, 2500, () => 0)).toBe(2500);
		expect(backoffDelay(1, settings, 2500, () => 1)).toBe(2600);
		expect(backoffDelay(3, settings, 0, () => 1)).toBe(50);
	});

	it('does not shorten a Retry-After longer than the wait budget, so the caller gives up', () => {
		expect(backoffDelay(1, settings, 3_600_000, () => 0)).toBe(3_600_000);
	});
});
