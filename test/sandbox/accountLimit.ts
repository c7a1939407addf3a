// An account-wide request-rate limit, as Kapture or a gateway in front of it
// may enforce: at most N requests of the account in any one second, counted
// over every API and every client (all n8n workers, all executions). A request
// beyond it is answered 429 with Retry-After and not processed.
//
// Sliding window over admitted requests, on a monotonic clock (the sandbox
// clock may be frozen by a test): a refused request does not use up the budget.

import { performance } from 'node:perf_hooks';

export interface AccountRateLimit {
	/** Most requests admitted in any 1,000 ms window. */
	requestsPerSecond: number;
	/** Retry-After sent with the 429; default: the seconds until the window has room again (at least 1). */
	retryAfterSeconds?: number;
}

export interface AccountRateLimitStats {
	limit: AccountRateLimit | undefined;
	admitted: number;
	refused: number;
}

const WINDOW_MS = 1000;

export class AccountRateLimiter {
	private limit: AccountRateLimit | undefined;
	// Arrival times of the admitted requests of the last second, oldest first.
	private window: number[] = [];
	private admitted = 0;
	private refused = 0;

	constructor(limit?: AccountRateLimit, private readonly now: () => number = () => performance.now()) {
		this.set(limit);
	}

	/** A new limit (undefined: none); the counters start over. */
	set(limit: AccountRateLimit | undefined): void {
		if (limit !== undefined) {
			const rps = limit.requestsPerSecond;
			if (!Number.isInteger(rps) || rps < 1) throw new Error(`requestsPerSecond must be a whole number >= 1, got ${rps}`);
			const retry = limit.retryAfterSeconds;
			if (retry !== undefined && !(Number.isFinite(retry) && retry >= 0)) throw new Error(`retryAfterSeconds must be >= 0, got ${retry}`);
		}
		this.limit = limit && { ...limit };
		this.window = [];
		this.admitted = 0;
		this.refused = 0;
	}

	/** Counts one request: undefined when admitted, else the Retry-After seconds of its 429. */
	take(): number | undefined {
		if (!this.limit) return undefined;
		const now = this.now();
		let drop = 0;
		while (drop < this.window.length && this.window[drop] <= now - WINDOW_MS) drop++;
		if (drop > 0) this.window.splice(0, drop);
		if (this.window.length < this.limit.requestsPerSecond) {
			this.window.push(now);
			this.admitted++;
			return undefined;
		}
		this.refused++;
		if (this.limit.retryAfterSeconds !== undefined) return this.limit.retryAfterSeconds;
		return Math.max(1, Math.ceil((this.window[0] + WINDOW_MS - now) / 1000));
	}

	stats(): AccountRateLimitStats {
		return { limit: this.limit && { ...this.limit }, admitted: this.admitted, refused: this.refused };
	}
}
