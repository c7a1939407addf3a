// Small measuring helpers shared by the scenarios.

export function now(): bigint {
	return process.hrtime.bigint();
}

export function msSince(start: bigint): number {
	return Number(process.hrtime.bigint() - start) / 1e6;
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number, digits = 2): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}

let t0 = process.hrtime.bigint();

export function resetClock(): void {
	t0 = process.hrtime.bigint();
}

/** A progress line on stderr, with the seconds since the run began. */
export function progress(line: string): void {
	process.stderr.write(`[bench ${(msSince(t0) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);
}
