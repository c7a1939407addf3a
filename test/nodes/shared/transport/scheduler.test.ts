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

	it('halves the limit once per burst of 429s and grows back one success at a time', () => {
		const now = jest.spyOn(Date, 'now');
		now.mockReturnValue(1_000_000);
		const scheduler = new RequestScheduler(8);
		scheduler.slowDown(0);
		scheduler.slowDown(0);
		expect(scheduler.currentLimit).toBe(4);
		for (let second = 1; second <= 3; second++) {
			now.mockReturnValue(1_000_000 + second * 1000);
			scheduler.slowDown(0);
		}
		now.mockRestore();
		expect(scheduler.currentLimit).toBe(1);
		scheduler.speedUp();
		expect(scheduler.currentLimit).toBe(2);
		for (let i = 0; i < 20; i++) scheduler.speedUp();
		expect(scheduler.currentLimit).toBe(8);
	});

	it('makes every request wait out a pause', async () => {
		const scheduler = new RequestScheduler(4);
		scheduler.slowDown(80);
		const started = Date.now();
		await scheduler.run(async () => undefined);
		expect(Date.now() - started).toBeGreaterThanOrEqual(70);
	});
});
