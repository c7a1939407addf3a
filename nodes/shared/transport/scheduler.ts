import { sleep } from 'n8n-workflow';

import { PaceController, type PaceSettings, type PaceState } from './pace';

/**
 * Shares one pace between all requests of an execution: how many may be in
 * flight and how fast they may start (see PaceController, which decides),
 * and one pause. When the vendor says "slow down" (429/503) every request
 * waits out the pause it asked for, not only the refused one.
 */
export class RequestScheduler {
	private readonly pace: PaceController;

	private active = 0;

	private pausedUntil = 0;

	// Waiting for a place in flight.
	private readonly queue: Array<() => void> = [];

	// Holding a place, waiting for their start time while a rate limit is kept to.
	private readonly line: Array<() => void> = [];

	private lineMoving = false;

	private lastStart = -Infinity;

	/** A number: that many in flight from the start, never more (adapted below it). */
	constructor(settings: number | PaceSettings = 1) {
		const fixed = typeof settings === 'number' ? Math.max(1, Math.floor(settings)) : undefined;
		this.pace = new PaceController(fixed === undefined ? (settings as PaceSettings) : { ceiling: fixed, initial: fixed });
	}

	/** How many requests may be in flight right now. */
	get currentLimit(): number {
		return this.pace.inFlight;
	}

	/** Most requests that can ever be in flight at once. */
	get ceiling(): number {
		return this.pace.ceiling;
	}

	state(): PaceState {
		return this.pace.state();
	}

	/** Sends when the pace allows. */
	async run<T>(send: () => Promise<T>): Promise<T> {
		await this.acquire();
		try {
			return await send();
		} finally {
			this.release();
		}
	}

	/** An answer that is not a slow-down signal, `rttMs` after its request was sent. */
	answered(rttMs: number): void {
		this.pace.answered(Date.now(), rttMs);
		// More may be allowed in flight now.
		this.wakeUp();
	}

	/**
	 * The vendor asked everyone to wait `waitMs`: pause all requests and send fewer.
	 * `rttMs`: how long after it was sent the refusal came (what tells a limit from refusals at random).
	 */
	refused(waitMs: number, retryAfterGiven = false, rttMs?: number): void {
		const now = Date.now();
		this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
		this.pace.refused(now, waitMs, retryAfterGiven, rttMs === undefined ? undefined : now - rttMs);
	}

	private async acquire(): Promise<void> {
		for (;;) {
			const pause = this.pausedUntil - Date.now();
			if (pause > 0) {
				await sleep(pause);
				continue;
			}
			if (this.active < this.pace.inFlight) {
				this.active += 1;
				await this.turn();
				// A pause that began while this request waited for its turn applies to it too.
				if (this.pausedUntil > Date.now()) {
					this.release();
					continue;
				}
				return;
			}
			await new Promise<void>((resolve) => this.queue.push(resolve));
		}
	}

	/**
	 * Waits until the pace lets the next request start. Starts are spaced from
	 * the previous actual start, so a stalled event loop is never caught up
	 * with a burst (a burst is what a per-second limit refuses).
	 */
	private async turn(): Promise<void> {
		const now = Date.now();
		if (this.line.length === 0 && now >= this.lastStart + this.pace.spacingMs(now)) {
			this.lastStart = now;
			return;
		}
		await new Promise<void>((resolve) => {
			this.line.push(resolve);
			if (!this.lineMoving) void this.moveLine();
		});
	}

	private async moveLine(): Promise<void> {
		this.lineMoving = true;
		try {
			while (this.line.length > 0) {
				const wait = this.lastStart + this.pace.spacingMs(Date.now(), true) - Date.now();
				if (wait > 0) await sleep(wait);
				this.lastStart = Date.now();
				(this.line.shift() as () => void)();
			}
		} finally {
			this.lineMoving = false;
		}
	}

	private release(): void {
		this.active -= 1;
		this.wakeUp();
	}

	// As many waiters as there are free places; each re-checks the limit and the pause itself.
	private wakeUp(): void {
		const free = Math.max(0, this.pace.inFlight - this.active);
		for (const resolve of this.queue.splice(0, free)) resolve();
	}
}
