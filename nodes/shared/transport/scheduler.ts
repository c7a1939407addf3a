import { sleep } from 'n8n-workflow';

const SLOW_DOWN_WINDOW_MS = 1000;

/**
 * Shares one back-off between all requests of an execution, and bounds how
 * many are in flight. When the vendor says "slow down" (429/503) every request
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

	/** The vendor asked everyone to wait: pause all requests and send fewer at once. */
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
