export interface RetrySettings {
	/** Attempts in all, the first one included. */
	maxAttempts: number;
	/** First back-off; it doubles each attempt (with jitter). */
	baseDelayMs: number;
	/** No single wait is longer than this. */
	maxDelayMs: number;
	/** Give up once waiting more would exceed this, in all, for one request. */
	maxTotalWaitMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
	maxAttempts: 6,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	maxTotalWaitMs: 120_000,
};

/** What went wrong with one attempt, as far as retrying is concerned. */
export type AttemptOutcome =
	| { kind: 'status'; status: number; retryAfterMs?: number }
	| { kind: 'network'; code: string };

// The vendor (or a rate limiter in front of it) answered that it did not take the request.
// Not 503: proxies (Envoy, some load balancers) answer 503 when the upstream drops a request
// they already forwarded, so a 503 on a write may come after the write was carried out.
export const NOT_PROCESSED_STATUSES = new Set([429]);
const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504]);
// The connection never reached the vendor, so nothing can have been processed.
export const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const TRANSIENT_CODES = new Set([
	...NOT_SENT_CODES,
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'UND_ERR_SOCKET',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Reads are retried on anything transient. Writes are retried only when the
 * request provably was not processed: otherwise a retry could create a second
 * order or record a payment twice.
 */
export function isRetryable(outcome: AttemptOutcome, write: boolean): boolean {
	if (outcome.kind === 'status') {
		return write ? NOT_PROCESSED_STATUSES.has(outcome.status) : TRANSIENT_STATUSES.has(outcome.status);
	}
	return write ? NOT_SENT_CODES.has(outcome.code) : TRANSIENT_CODES.has(outcome.code);
}

/** Parses Retry-After: seconds, or an HTTP date. */
export function parseRetryAfter(value: unknown, nowMs: number = Date.now()): number | undefined {
	if (Array.isArray(value)) value = value[0];
	if (typeof value === 'number') return Math.max(0, value * 1000);
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const seconds = Number(value.trim());
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * How long to wait before the next attempt. The vendor's Retry-After, when
 * given, is used as it is (plus a little jitter so parallel requests do not
 * return at the same instant). Otherwise exponential back-off with jitter:
 * between half and all of a step that doubles each attempt.
 */
export function backoffDelay(
	attempt: number,
	settings: RetrySettings,
	retryAfterMs?: number,
	random: () => number = Math.random,
): number {
	if (retryAfterMs !== undefined) {
		const spread = Math.min(settings.baseDelayMs, 50 + retryAfterMs / 10);
		// Not capped: a wait longer than the budget must make the caller give up now.
		return Math.round(retryAfterMs + random() * spread);
	}
	const exponential = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(exponential / 2 + random() * (exponential / 2));
}
