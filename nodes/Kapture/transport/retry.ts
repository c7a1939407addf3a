import { sleep } from 'n8n-workflow';

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

// Kapture (or a proxy in front of it) answered that it did not take the request.
const NOT_PROCESSED_STATUSES = new Set([429, 503]);
const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504]);
// The connection never reached Kapture, so nothing can have been processed.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
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
 * How long to wait before the next attempt. Kapture's Retry-After, when
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

const SLOW_DOWN_WINDOW_MS = 1000;

/**
 * Shares one back-off between all requests of an execution, and bounds how
 * many are in flight. When Kapture says "slow down" (429/503) every request
 * waits, and the number allowed in flight halves (at most once a second);
 * each success lets one more back in, up to the configured maximum.
 */
export class RequestScheduler {
	private limit: number;

	private active = 0;

	private pausedUntil = 0;

	// One 429 burst often hits many parallel requests at once: it should halve
	// the limit once, not once per request.
	private calmUntil = 0;

	private readonly queue: Array<() => void> = [];

	constructor(readonly maxConcurrency = 1) {
		this.limit = Math.max(1, Math.floor(maxConcurrency));
	}

	/** How many requests may be in flight right now. */
	get currentLimit(): number {
		return this.limit;
	}

	async run<T>(send: () => Promise<T>): Promise<T> {
		await this.acquire();
		try {
			return await send();
		} finally {
			this.release();
		}
	}

	/** Kapture asked everyone to wait: pause all requests and send fewer at once. */
	slowDown(waitMs: number): void {
		const now = Date.now();
		this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
		if (now >= this.calmUntil) {
			this.limit = Math.max(1, Math.floor(this.limit / 2));
			this.calmUntil = now + Math.max(waitMs, SLOW_DOWN_WINDOW_MS);
		}
	}

	speedUp(): void {
		if (this.limit < this.maxConcurrency) {
			this.limit += 1;
			this.wakeUp();
		}
	}

	private async acquire(): Promise<void> {
		for (;;) {
			const pause = this.pausedUntil - Date.now();
			if (pause > 0) {
				await sleep(pause);
				continue;
			}
			if (this.active < this.limit) {
				this.active += 1;
				return;
			}
			await new Promise<void>((resolve) => this.queue.push(resolve));
		}
	}

	private release(): void {
		this.active -= 1;
		this.wakeUp();
	}

	// Every waiter re-checks the limit and the pause itself; there are never
	// more waiters than parallel workers, so waking them all is cheap.
	private wakeUp(): void {
		for (const resolve of this.queue.splice(0)) resolve();
	}
}
