import { PACE_MARGIN, PaceController } from '../../../../nodes/shared/transport/pace';
import {
	accountLimitCases,
	AUTOMATIC,
	busyAccountLimitCases,
	queueCheck4,
	randomRefusalGrid,
	slowdownAgainstPausesOnly,
	type RandomRefusalCase,
} from './__fixtures__/paceCases';
import { accountLimitVerdict, simulate } from './__fixtures__/paceSimulation';

/** Quick answers, one per `stepMs`, `count` of them. */
function answerQuickly(pace: PaceController, from: number, count: number, rttMs = 20, stepMs = 1): number {
	let now = from;
	for (let i = 0; i < count; i++) pace.answered((now += stepMs), rttMs);
	return now;
}

describe('PaceController: requests in flight', () => {
	it('starts at the initial number and, while answers are quick, lets one more in per answer up to the ceiling, never above', () => {
		const pace = new PaceController(AUTOMATIC);
		expect(pace.state()).toEqual({ inFlight: 10, perSecond: Infinity, slowStart: true });
		answerQuickly(pace, 0, 15);
		expect(pace.inFlight).toBe(25);
		answerQuickly(pace, 100, 500);
		expect(pace.inFlight).toBe(AUTOMATIC.ceiling);
	});

	it('a cap below the initial number is where it starts and stays', () => {
		const pace = new PaceController({ ceiling: 3, initial: 10 });
		expect(pace.inFlight).toBe(3);
		answerQuickly(pace, 0, 50);
		expect(pace.inFlight).toBe(3);
	});

	it('halves on a refusal, once for a burst of refusals, again only after the calm period, never below 1', () => {
		const pace = new PaceController({ ceiling: 40, initial: 40 });
		for (let i = 0; i < 30; i++) pace.refused(1000 + i, 0, false);
		expect(pace.inFlight).toBe(20);
		pace.refused(1999, 0, false);
		expect(pace.inFlight).toBe(20);
		let now = 2000;
		for (const expected of [10, 5, 2, 1, 1]) {
			pace.refused(now, 0, false);
			expect(pace.inFlight).toBe(expected);
			now += 1000;
		}
	});

	it('a Retry-After longer than a second keeps the burst one signal for that long', () => {
		const pace = new PaceController({ ceiling: 40, initial: 40 });
		pace.refused(0, 5000, true);
		pace.refused(4000, 5000, true);
		expect(pace.inFlight).toBe(20);
		pace.refused(5000, 5000, true);
		expect(pace.inFlight).toBe(10);
	});

	it('after congestion it grows by one per round trip (one per `inFlight` answers), not one per answer', () => {
		const pace = new PaceController({ ceiling: 50, initial: 40 });
		pace.refused(0, 0, false);
		expect(pace.inFlight).toBe(20);
		expect(pace.state().slowStart).toBe(false);
		answerQuickly(pace, 2000, 19);
		expect(pace.inFlight).toBe(20);
		answerQuickly(pace, 3000, 2);
		expect(pace.inFlight).toBe(21);
		answerQuickly(pace, 4000, 21);
		expect(pace.inFlight).toBe(22);
	});

	it('answers turning slow halve it; slow answers never let more in', () => {
		const pace = new PaceController({ ceiling: 50, initial: 32 });
		answerQuickly(pace, 0, 5, 50);
		const grown = pace.inFlight;
		// Slower than 2x the fastest + 50 ms: no growth.
		pace.answered(100, 160);
		expect(pace.inFlight).toBe(grown);
		// Smoothed beyond 3x the fastest + 200 ms: fewer in flight.
		let now = 200;
		while (pace.inFlight === grown && now < 10_000) pace.answered((now += 10), 2000);
		expect(pace.inFlight).toBe(Math.floor(grown / 2));
		expect(pace.state().perSecond).toBe(Infinity);
	});

	it('a vendor that became slower for good sets a new norm instead of halving again and again', () => {
		const pace = new PaceController({ ceiling: 50, initial: 40 });
		answerQuickly(pace, 0, 20, 20);
		let now = 1000;
		const seen: number[] = [];
		for (let second = 0; second < 60; second++) {
			for (let i = 0; i < 20; i++) pace.answered((now += 50), 800);
			seen.push(pace.inFlight);
		}
		// Halved a few times while 800 ms was new, then grows again at the new norm.
		expect(Math.min(...seen)).toBeGreaterThanOrEqual(1);
		expect(seen[seen.length - 1]).toBeGreaterThan(Math.min(...seen));
	});
});

describe('PaceController: a rate limit', () => {
	it('a refusal asking to wait a second or more sets the pace just below what was admitted in the last second', () => {
		const pace = new PaceController(AUTOMATIC);
		// 80 admitted answers over the last second, then the limit.
		let now = 0;
		for (let i = 0; i < 80; i++) pace.answered((now += 12.5), 20);
		pace.refused(now, 1000, true);
		expect(pace.state().knownLimit).toBe(80);
		expect(pace.state().perSecond).toBeCloseTo(PACE_MARGIN * 80);
		expect(pace.spacingMs(now)).toBeCloseTo(1000 / (PACE_MARGIN * 80));
	});

	it('an isolated refusal with Retry-After 0 is no rate limit: the pace stays open', () => {
		const pace = new PaceController(AUTOMATIC);
		let now = answerQuickly(pace, 0, 100);
		for (let i = 0; i < 5; i++) {
			now = answerQuickly(pace, now + 2000, 9);
			pace.refused(now, 0, false);
		}
		expect(pace.state().perSecond).toBe(Infinity);
		expect(pace.spacingMs(now)).toBe(0);
	});

	it('When Asked to Slow Down = Only Wait as Asked: no run of refusals, whatever they ask, changes the requests in flight or sets a pace', () => {
		const pace = new PaceController({ ...AUTOMATIC, adaptToRefusals: false });
		let now = answerQuickly(pace, 0, 100);
		const before = pace.state();
		for (const waitMs of [0, 1000, 2000]) {
			for (let i = 0; i < 8; i++) pace.refused((now += 1), waitMs, true);
			now += waitMs;
		}
		expect(pace.state()).toEqual(before);
		expect(pace.spacingMs(now)).toBe(0);
		// Answers turning slow still halve it: that is no refusal.
		for (let i = 0; i < 20; i++) pace.answered((now += 10), 5000);
		expect(pace.inFlight).toBeLessThan(before.inFlight);
	});

	it('six refusals among the last eight answers show a limit, whatever Retry-After says', () => {
		const pace = new PaceController(AUTOMATIC);
		const now = answerQuickly(pace, 0, 50, 20, 10);
		for (let i = 1; i <= 5; i++) pace.refused(now + i, 0, false);
		expect(pace.state().perSecond).toBe(Infinity);
		pace.refused(now + 6, 0, false);
		expect(pace.state().perSecond).toBeLessThan(Infinity);
	});

	// With few in flight a run is two refusals among the latest eight answers, which refusals at random make often
	// (one case in two at 20 %): once window counts are known, a refusal not among the top 5 % needs the answers
	// right before it refused too.
	it('two refusals asking to wait among the latest answers, with an admitted answer between them and neither near the top count, set no pace', () => {
		const run = (between: boolean) => {
			const pace = new PaceController({ ceiling: 2, initial: 2 });
			// 64 requests sent 20 ms apart from 0 ms on: window counts 0 to 50.
			let now = 0;
			for (let i = 0; i < 64; i++) pace.answered((now += 20), 20);
			// Refused: two requests sent at 500 and 600 ms (counts 25 and 30, mid-rank), one admitted answer between them, or none.
			pace.refused((now += 20), 1100, true, 500);
			if (between) pace.answered((now += 1), 20);
			pace.refused((now += 1), 1100, true, 600);
			return pace.state().perSecond;
		};
		expect(run(true)).toBe(Infinity);
		// Two refusals in a row (the requests in flight halved to 1, so two make a run) still show a limit.
		expect(run(false)).toBeLessThan(Infinity);
	});

	// Queue check 4 in real n8n (a trace of the workers): the first answers came, then the worker's event loop was
	// blocked 1.4 s; the answers held up meanwhile, a 429 at random among them, were all handled at its end.
	// The time since the start then looked like a whole second of sending, and the 429 set a pace that the
	// refusals at random that followed drove down to one request a second.
	it('a lone refusal that asks to wait, after a stretch without sending (a blocked event loop), sets no pace', () => {
		const pace = new PaceController(AUTOMATIC);
		let now = answerQuickly(pace, 150, 10, 150);
		// Sent at 150-160 ms (10 more), answered 1.4 s later, all at once.
		now = 1460;
		for (let i = 0; i < 3; i++) pace.answered((now += 1), now - 150 - i);
		pace.refused((now += 1), 1100, true, 153);
		expect(pace.state().perSecond).toBe(Infinity);
		// A refusal at a count above every admitted one, after more than a second of sending without a stretch
		// idle, is taken for a limit (a per-second limit we reach alone, as the sender speeds up).
		const steady = new PaceController(AUTOMATIC);
		let t = 0;
		for (let i = 0; i < 40; i++) steady.answered((t += 30), 50);
		for (let i = 0; i < 15; i++) steady.answered((t += 5), 50);
		steady.refused(t + 1, 1100, true, t - 49);
		expect(steady.state().perSecond).toBeLessThan(Infinity);
	});

	it('holds the pace, then probes it upwards only while requests wait for it; a steady limit is probed ever more rarely', () => {
		const pace = new PaceController(AUTOMATIC);
		let now = 0;
		for (let i = 0; i < 100; i++) pace.answered((now += 10), 20);
		pace.refused(now, 1000, true);
		const held = pace.state().perSecond;
		// Ten seconds later nothing has moved, waiting or not.
		expect(pace.spacingMs(now + 10_000, true)).toBeCloseTo(1000 / held);
		// Once the hold is over (calm 1 s + 10 s), a second of waiting raises it by 10 %; a minute without waiting does not.
		const after = now + 11_000;
		pace.spacingMs(after, true);
		expect(pace.state().perSecond).toBeCloseTo(held);
		pace.spacingMs(after + 1000, true);
		expect(pace.state().perSecond).toBeCloseTo(held * 1.1);
		pace.spacingMs(after + 60_000, false);
		expect(pace.state().perSecond).toBeCloseTo(held * 1.1);
		// The probe finds the same limit: the next hold is twice as long.
		now = after + 61_000;
		for (let i = 0; i < 100; i++) pace.answered((now += 10), 20);
		pace.refused(now, 1000, true);
		const second = pace.state().perSecond;
		expect(pace.spacingMs(now + 19_000, true)).toBeCloseTo(1000 / second);
		expect(pace.spacingMs(now + 23_000, true)).toBeLessThan(1000 / second);
	});

	it('never more than halves the pace at once, so one odd measure cannot stall a run', () => {
		const pace = new PaceController(AUTOMATIC);
		let now = 0;
		for (let i = 0; i < 100; i++) pace.answered((now += 10), 20);
		pace.refused(now, 1000, true);
		const first = pace.state().perSecond;
		// Five seconds later: two answers in the last second only.
		now += 5000;
		pace.answered(now - 10, 20);
		pace.answered(now, 20);
		pace.refused(now, 1000, true);
		expect(pace.state().perSecond).toBeCloseTo(first / 2);
	});
});

/**
 * Cases generated over the account's limit, the latency, how many executions
 * share the account and their ceiling; each simulated for a minute with the
 * sandbox's own limiter. The claim: once found, the limit is kept to just
 * below it, with few refusals, instead of refusal storms every second.
 */
describe('PaceController against an account-wide limit (simulated, generated cases)', () => {
	const cases = accountLimitCases();
	it.each(cases)('$name', (c) => {
		expect(accountLimitVerdict(c, simulate(c))).toBeUndefined();
	});
});

describe('PaceController under refusals at random (no limit)', () => {
	it.each([0.05, 0.1, 0.2])('%p of requests refused with Retry-After 0: the automatic pace is no slower than the old fixed 5 at a time', (share) => {
		const run = (settings: { ceiling: number; initial: number }) =>
			simulate({ latencyMs: 50, clients: 1, settings, requests: 3000, seed: 5, randomRefusals: share, retryAfterSeconds: 0 });
		const automatic = run(AUTOMATIC);
		const oldDefault = run({ ceiling: 5, initial: 5 });
		expect(automatic.admitted).toBe(3000);
		expect(automatic.finishedAt[0]).toBeDefined();
		// AIMD halves on each burst of refusals and grows back one per round trip, but it does not collapse.
		expect(automatic.finishedAt[0] as number).toBeLessThan(oldDefault.finishedAt[0] as number);
		expect(automatic.refused).toBeGreaterThan(0);
	});
});

/**
 * Refusals at random that ask to wait a second (a proxy or a shared account
 * refusing a share of requests whatever our rate; the queue test's check 4)
 * each looked like a rate limit to one execution, and every one set the pace
 * to what was admitted in a second the pause of the one before cut short:
 * 10 to 85 times slower than a client that only waits out the pauses. Before
 * any limit showed, a lone refusal within a second of sending after the start
 * or the last pause is now taken for no limit (see PaceController).
 *
 * Since then the window counts (see PaceController) tell most refusals at
 * random from a limit: a refusal sent when our window was emptier than for
 * most admitted requests is no limit, even in a run or once a pace is held.
 *
 * STILL A KNOWN DEFECT (README, Parallel Requests): once a pace was set by
 * mistake, refusals at random that rank above the lowest 30 % still lower it,
 * as a shared limit needs. Measured over the grid below: median 1.08x, 39 of
 * 180 cases still above 3x (ceiling 5, and 4 executions with ceiling 100).
 */
describe('PaceController under refusals at random that ask to wait', () => {
	const cases: Array<RandomRefusalCase & { name: string }> = [];
	for (const share of [0.05, 0.1]) {
		for (const retryAfterSeconds of [1, 2]) {
			for (const clients of [1, 4]) {
				for (const ceiling of [10, AUTOMATIC.ceiling]) {
					const name = `${share * 100} % refused, Retry-After ${retryAfterSeconds} s, ${clients} execution(s), ceiling ${ceiling}`;
					cases.push({ name, share, retryAfterSeconds, clients, ceiling, latencyMs: 50, seed: 11 });
				}
			}
		}
	}
	it.each(cases)('$name, 50 ms: done within 3x the time of only waiting out the pauses', (c) => {
		expect(slowdownAgainstPausesOnly(c)).toBeLessThanOrEqual(3);
	});

	// A wider grid, over shares, waits, latencies, executions and ceilings, on another seed.
	const grid = randomRefusalGrid();
	// Simulated once, for the tests below.
	let measured: number[] | undefined;
	const slowdowns = () => (measured ??= grid.map(slowdownAgainstPausesOnly).sort((a, b) => a - b));
	let measuredBusy: number[] | undefined;
	const busySlowdowns = () => (measuredBusy ??= randomRefusalGrid(14).map(slowdownAgainstPausesOnly));

	it(`over ${grid.length} generated cases: median slowdown at most 2x (7.6x before the fix), under a fifth of the cases above 10x`, () => {
		const sorted = slowdowns();
		expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThanOrEqual(2);
		expect(sorted.filter((x) => x > 10).length).toBeLessThan(grid.length / 5);
	});

	// Guards against going back: 45 and 33 of 180 above 3x when the window counts came in (61 and 93 before);
	// 39 and 28 once a run of refusals, with the window counts known, had to be refusals in a row.
	it(`over ${grid.length} generated cases: no more than 39 above 3x; at 14 requests/s at most, no more than 28`, () => {
		expect(slowdowns().filter((x) => x > 3).length).toBeLessThanOrEqual(39);
		expect(busySlowdowns().filter((x) => x > 3).length).toBeLessThanOrEqual(28);
	});

	// The goal, not met yet: when this passes, jest fails here; make it a plain test and drop the README's known issue.
	it.failing(`over ${grid.length} generated cases: every one within 3x of only waiting out the pauses (known defect)`, () => {
		expect(slowdowns().filter((x) => x > 3)).toEqual([]);
	});

	// The same grid with executions that make no more than 14 requests a second (real n8n on 2 cores):
	// a refusal at random then often comes after a whole second of sending and is taken for a limit.
	it.failing('executions making 14 requests/s at most, over the same 180 cases: every one within 3x (known defect; docs/pace.md)', () => {
		expect(busySlowdowns().filter((x) => x > 3)).toEqual([]);
	});

	// The choice for such refusals. (Against a real limit it storms, as it says: it only waits.)
	it('with When Asked to Slow Down = Only Wait as Asked, every case of both grids and queue check 4 within 2x of only waiting out the pauses', () => {
		const cases = [...grid, ...randomRefusalGrid(14), ...[1, 2, 3].map(queueCheck4)];
		const slower = cases.map((c) => ({ c, x: slowdownAgainstPausesOnly({ ...c, adaptToRefusals: false }) })).filter(({ x }) => x > 2);
		expect(slower).toEqual([]);
	});

	// Queue check 4 as the simulator sees it. A trace of the real workers showed each execution sending up to
	// ~57 requests/s (check 3) and its event loop blocked 1.4-1.7 s just after the first answers: without the
	// blocked loop the replica said 1.0x while real n8n took 492 s; with it, 7-13x before the idle-stretch rule.
	it('queue check 4 (4 x 500, at most 57 requests/s each, the event loop blocked 1.5 s at the start, 10 % 429 with Retry-After 1): within 2x of only waiting out the pauses', () => {
		expect([1, 2, 3].map((seed) => slowdownAgainstPausesOnly(queueCheck4(seed))).filter((x) => x > 2)).toEqual([]);
	});
});

/**
 * Executions that cannot send faster than n8n makes their requests (queue
 * mode on 2 cores) against an account limit. A single one of 14 requests/s
 * against 10/s refused once a second, every second: after each pause it fills
 * the window within a second of sending, so the refusal was taken for one at
 * random and only waited out. Now two lone refusals in a row at the same window
 * count, above every admitted one, show the limit (see PaceController).
 */
describe('PaceController against an account-wide limit, executions busy with their own work (simulated)', () => {
	const cases = busyAccountLimitCases();
	// Simulated once, for both tests below.
	let measured: Array<string | undefined> | undefined;
	const verdicts = () => (measured ??= cases.map((c) => accountLimitVerdict(c, simulate(c))));

	it(`every one of the ${cases.length} cases keeps to just below the limit without storms`, () => {
		expect(cases.map((c, i) => [c.name, verdicts()[i]]).filter(([, v]) => v)).toEqual([]);
	});
});
