import { RequestScheduler } from '../../../../nodes/shared/transport/scheduler';

describe('RequestScheduler', () => {
	const delay = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

	it('never has more requests in flight than its limit', async () => {
		const scheduler = new RequestScheduler(3);
		let active = 0;
		let peak = 0;
		await Promise.all(
			Array.from({ length: 12 }, async () =>
				await scheduler.run(async () => {
					active++;
					peak = Math.max(peak, active);
					await delay(5);
					active--;
				}),
			),
		);
		expect(peak).toBe(3);
	});

	it('a burst of refusals halves the limit once; quick answers grow it back one per round trip (the pace decides, see pace.test.ts)', () => {
		const scheduler = new RequestScheduler(8);
		scheduler.refused(0);
		scheduler.refused(0);
		expect(scheduler.currentLimit).toBe(4);
		for (let i = 0; i < 5; i++) scheduler.answered(10);
		expect(scheduler.currentLimit).toBe(5);
		for (let i = 0; i < 100; i++) scheduler.answered(10);
		expect(scheduler.currentLimit).toBe(8);
	});

	it('automatic: starts at the initial number and never has more in flight than the ceiling', async () => {
		const scheduler = new RequestScheduler({ ceiling: 6, initial: 2 });
		let active = 0;
		let peak = 0;
		const peaks: number[] = [];
		await Promise.all(
			Array.from({ length: 60 }, async () =>
				await scheduler.run(async () => {
					active++;
					peak = Math.max(peak, active);
					peaks.push(active);
					await delay(3);
					active--;
					scheduler.answered(3);
				}),
			),
		);
		expect(peaks[0]).toBe(1);
		expect(Math.max(...peaks.slice(0, 2))).toBe(2);
		expect(peak).toBe(6);
	});

	it('keeps to a learned pace: starts spaced by it, and a stalled event loop is not caught up with a burst', async () => {
		const scheduler = new RequestScheduler({ ceiling: 50, initial: 50 });
		// 20 answers in the last second, then a refusal that asks to wait a second: about 19 a second from then on.
		for (let i = 0; i < 20; i++) scheduler.answered(5);
		scheduler.refused(1000, true);
		const starts: number[] = [];
		const stallAt = 5;
		await Promise.all(
			Array.from({ length: 12 }, async (_, i) =>
				await scheduler.run(async () => {
					starts.push(Date.now());
					// The event loop stalls for 300 ms once.
					if (i === stallAt) {
						const until = Date.now() + 300;
						while (Date.now() < until);
					}
				}),
			),
		);
		const gaps = starts.slice(1).map((at, i) => at - starts[i]);
		const spacing = 1000 / scheduler.state().perSecond;
		// Never closer than the pace allows (timer slack of a few ms aside), even right after the stall.
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(spacing - 5);
	});

	it('makes every request wait out a pause', async () => {
		const scheduler = new RequestScheduler(4);
		scheduler.refused(80);
		const started = Date.now();
		await scheduler.run(async () => undefined);
		expect(Date.now() - started).toBeGreaterThanOrEqual(70);
	});
});
