// The generated case sets the pace is judged on, shared by pace.test.ts and
// `npm run bench:pace` (which prints them all in a few seconds, for work on
// the pace). See docs/pace.md.

import { AUTOMATIC_START_REQUESTS, MAX_PARALLEL_REQUESTS } from '../../../../../nodes/shared/helpers/itemRunner';
import { ACCOUNT_CASE_SECONDS, simulate, type SimulationCase, type SimulationResult } from './paceSimulation';

/** What the nodes run with when Parallel Requests is left out. */
export const AUTOMATIC = { ceiling: MAX_PARALLEL_REQUESTS, initial: AUTOMATIC_START_REQUESTS };

export type NamedCase = SimulationCase & { name: string };

/** A minute against an account limit, enough requests for each execution to send all minute long. */
function accountCase(limitPerSecond: number, latencyMs: number, clients: number, settings: SimulationCase['settings'], seed: number, maxNewPerSecond?: number): NamedCase {
	return {
		name: `${limitPerSecond}/s, ${latencyMs} ms, ${clients} execution(s), ceiling ${settings.ceiling}${maxNewPerSecond ? `, ${maxNewPerSecond} new/s at most` : ''}`,
		limitPerSecond,
		latencyMs,
		clients,
		settings,
		requests: Math.ceil(limitPerSecond * ACCOUNT_CASE_SECONDS * 1.5),
		staggerMs: 700,
		seed,
		maxMs: ACCOUNT_CASE_SECONDS * 1000,
		...(maxNewPerSecond ? { maxNewPerSecond } : {}),
	};
}

/** 150 cases over the limit (3-300/s), latency (1-800 ms), executions sharing it (1-3) and their ceiling; seeds from `firstSeed` on. */
export function accountLimitCases(firstSeed = 1): NamedCase[] {
	const cases: NamedCase[] = [];
	let seed = firstSeed;
	for (const limitPerSecond of [3, 10, 30, 100, 300]) {
		for (const latencyMs of [1, 20, 50, 200, 800]) {
			for (const clients of [1, 2, 3]) {
				for (const settings of [AUTOMATIC, { ceiling: 5, initial: 5 }]) cases.push(accountCase(limitPerSecond, latencyMs, clients, settings, seed++));
			}
		}
	}
	return cases;
}

/**
 * 54 cases of executions that make requests no faster than 5, 14 or 40 a
 * second (queue mode on 2 cores: about 14), Parallel Requests 10, against
 * limits of 10-100/s shared by 1, 2 or 4 of them.
 */
export function busyAccountLimitCases(): NamedCase[] {
	const cases: NamedCase[] = [];
	let seed = 901;
	for (const maxNew of [5, 14, 40]) {
		for (const limitPerSecond of [10, 30, 100]) {
			for (const latencyMs of [20, 200]) {
				for (const clients of [1, 2, 4]) cases.push(accountCase(limitPerSecond, latencyMs, clients, { ceiling: 10, initial: 10 }, seed++, maxNew));
			}
		}
	}
	return cases;
}

export interface RandomRefusalCase {
	share: number;
	retryAfterSeconds: number;
	latencyMs: number;
	clients: number;
	ceiling: number;
	seed: number;
	maxNewPerSecond?: number;
	/** See SimulationCase.startStallMs. */
	startStallMs?: number;
	requests?: number;
	/** Options > When Asked to Slow Down = Only Wait as Asked: false. */
	adaptToRefusals?: boolean;
}

const lastFinish = (r: SimulationResult) => Math.max(...r.finishedAt.map((at) => at ?? Infinity));

/**
 * How many times longer the automatic pace takes than a client that only
 * waits out the pauses the vendor asks for, under refusals at random.
 * Throws if a request was lost.
 */
export function slowdownAgainstPausesOnly(c: RandomRefusalCase): number {
	const requests = c.requests ?? 500;
	const run = (paced: boolean) =>
		simulate({
			latencyMs: c.latencyMs,
			clients: c.clients,
			settings: { ceiling: c.ceiling, initial: Math.min(c.ceiling, AUTOMATIC_START_REQUESTS), adaptToRefusals: c.adaptToRefusals ?? true },
			requests,
			seed: c.seed,
			staggerMs: 50,
			randomRefusals: c.share,
			retryAfterSeconds: c.retryAfterSeconds,
			paced,
			maxMs: 3_000_000,
			...(c.maxNewPerSecond ? { maxNewPerSecond: c.maxNewPerSecond } : {}),
			...(c.startStallMs ? { startStallMs: c.startStallMs } : {}),
		});
	const paced = run(true);
	if (paced.admitted !== requests * c.clients) throw new Error(`${paced.admitted} of ${requests * c.clients} requests admitted`);
	return lastFinish(paced) / lastFinish(run(false));
}

/** 180 cases over shares (1-20 %), Retry-After (1-2 s), latency (5-200 ms), 1 or 4 executions and ceilings 5, 10 and automatic. */
export function randomRefusalGrid(maxNewPerSecond?: number, startStallMs?: number): RandomRefusalCase[] {
	const grid: RandomRefusalCase[] = [];
	for (const retryAfterSeconds of [1, 2]) {
		for (const share of [0.01, 0.02, 0.05, 0.1, 0.2]) {
			for (const latencyMs of [5, 50, 200]) {
				for (const clients of [1, 4]) {
					for (const ceiling of [5, 10, MAX_PARALLEL_REQUESTS]) grid.push({ share, retryAfterSeconds, latencyMs, clients, ceiling, seed: 7, ...(maxNewPerSecond ? { maxNewPerSecond } : {}), ...(startStallMs ? { startStallMs } : {}) });
				}
			}
		}
	}
	return grid;
}

/**
 * The queue test's check 4 (test/e2e-queue): 4 executions x 500 Creates,
 * Parallel Requests 10, 50 ms a request, 10 % answered 429 with Retry-After 1,
 * as a trace of the real workers showed them (n8n 2.40.7, 2 cores): each
 * execution making at most ~57 requests a second (check 3: 2,000 in 8.7 s),
 * its event loop blocked 1.5 s just after its first answers.
 */
export const queueCheck4 = (seed: number, maxNewPerSecond = 57): RandomRefusalCase => ({ share: 0.1, retryAfterSeconds: 1, latencyMs: 50, clients: 4, ceiling: 10, seed, maxNewPerSecond, startStallMs: 1500 });
