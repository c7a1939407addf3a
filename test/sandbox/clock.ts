import type { SandboxClockControl } from './types';

/** Real time by default; can be frozen, moved and released by tests. */
export class SandboxClock implements SandboxClockControl {
	private frozenAt: number | undefined;
	private offset = 0;

	constructor(startFrozenAt?: number) {
		if (startFrozenAt !== undefined) this.set(startFrozenAt);
	}

	now(): number {
		return this.frozenAt ?? Date.now() + this.offset;
	}

	get frozen(): boolean {
		return this.frozenAt !== undefined;
	}

	set(ms: number): void {
		if (!Number.isFinite(ms)) throw new TypeError(`clock.set needs a finite epoch ms, got ${ms}`);
		this.frozenAt = Math.trunc(ms);
	}

	advance(ms: number): void {
		if (!Number.isFinite(ms)) throw new TypeError(`clock.advance needs a finite ms, got ${ms}`);
		if (this.frozenAt !== undefined) this.frozenAt += Math.trunc(ms);
		else this.offset += Math.trunc(ms);
	}

	useRealTime(): void {
		this.frozenAt = undefined;
		this.offset = 0;
	}
}
