/**
 * The Kapture Order Trigger against the sandbox, polled through n8n's real
 * engine. Every scenario checks the multiset of emitted order ids against the
 * orders created after activation: none missed, none twice.
 */
import type { IDataObject } from 'n8n-workflow';

import { KaptureOrderTrigger } from '../../../nodes/Kapture/KaptureOrderTrigger.node';
import type { KaptureSandbox, SandboxOrder } from '../../sandbox';
import {
	DAY,
	HOUR,
	MINUTE,
	TriggerRun,
	expectExactlyOnce,
	isSortedByCreateDate,
	pullRequests,
	whileReading, useTriggerSandbox } from './trigger/harness';

// Kapture's clock: close to the host's (the probe's day range is host-based
// with a week's margin) but never equal to it, and frozen.
const KAPTURE_NOW = Math.floor(Date.now() / 1000) * 1000 - 3 * HOUR + 123;

let sandbox!: KaptureSandbox;
useTriggerSandbox(
	KAPTURE_NOW,
	(prepared) => {
		sandbox = prepared;
		// Some history before every activation.
		sandbox.seedOrders(120);
	},
	{ pageSizeCap: 50 },
);

const ids = (orders: SandboxOrder[]) => orders.map((order) => order.id);

/** Activates a trigger (its first poll emits nothing) and returns it. */
async function activate(parameters: ConstructorParameters<typeof TriggerRun>[1] = {}): Promise<TriggerRun> {
	const run = new TriggerRun(sandbox, parameters);
	expect(await run.poll()).toBeNull();
	expect(run.state()).toBeDefined();
	return run;
}

describe('description', () => {
	it('is a polling trigger with the Kapture credential and no inputs', () => {
		const { description } = new KaptureOrderTrigger();
		expect(description.name).toBe('kaptureOrderTrigger');
		expect(description.displayName).toBe('Kapture Order Trigger');
		expect(description.polling).toBe(true);
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(description.outputs).toEqual(['main']);
		expect(description.credentials).toEqual([{ name: 'kaptureApi', required: true }]);
		expect(description.icon).toEqual({ light: 'file:kapture.svg', dark: 'file:kapture.dark.svg' });
		// n8n adds Poll Times itself to every polling node.
		expect(description.properties.map((p) => p.name)).not.toContain('pollTimes');
	});
});

describe('first activation and manual mode', () => {
	it('starts from Kapture\'s newest order: history (even a tie with the newest) never fires', async () => {
		sandbox.seedOrders(30, { createDate: KAPTURE_NOW }); // ties with the newest order
		sandbox.clearRequests();
		const run = await activate();
		expect(pullRequests(sandbox)).toHaveLength(1);

		const fresh = [
			sandbox.insertOrder(), // same ms as the history's newest
			sandbox.insertOrder({ createDate: KAPTURE_NOW + 1 }),
		];
		await run.drain();
		expectExactlyOnce(run.emitted, ids(fresh));
	});

	it('with "Include Orders From the Last" 2 hours, fires for orders up to 2 hours before the newest one', async () => {
		// seedOrders(120) put one order a minute over the last two hours.
		const history = sandbox.listOrders();
		const newest = Math.max(...history.map((order) => order.createDate));
		const run = await activate({ options: { lookback: 2, lookbackUnit: 'hours' } });
		const later = sandbox.seedOrders(40, (i) => ({ createDate: KAPTURE_NOW + 1000 * (i + 1) }));
		await run.drain();
		const expected = history.filter((order) => order.createDate >= newest - 2 * HOUR).map((order) => order.id);
		expect(expected.length).toBe(120);
		expectExactlyOnce(run.emitted, [...expected, ...ids(later)]);
	});

	it('starts cleanly on an account without any order', async () => {
		sandbox.reset();
		const run = await activate();
		const fresh = sandbox.seedOrders(75, (i) => ({ createDate: KAPTURE_NOW + i }));
		await run.drain();
		expectExactlyOnce(run.emitted, ids(fresh));
	});

	it('manual mode returns the newest order and changes no state', async () => {
		const newest = sandbox.insertOrder({ createDate: KAPTURE_NOW + 5 });
		const run = new TriggerRun(sandbox);
		const before = await run.manual();
		expect(before.items?.map((item) => item.json.id)).toEqual([newest.id]);
		expect(before.staticDataChanged).toBe(false);
		expect(run.staticData).toEqual({});

		expect(await run.poll()).toBeNull();
		const state = JSON.parse(JSON.stringify(run.staticData)) as IDataObject;
		const another = sandbox.insertOrder({ createDate: KAPTURE_NOW + 10 });
		const manual = await run.manual();
		expect(manual.items?.map((item) => item.json.id)).toEqual([another.id]);
		expect(manual.staticDataChanged).toBe(false);
		expect(run.staticData).toEqual(state);
		// Manual fetching did not consume the order.
		await run.drain();
		expectExactlyOnce(run.emitted, [another.id]);
	});

	it('manual mode with filters returns the newest matching order', async () => {
		const match = sandbox.insertOrder({ createDate: KAPTURE_NOW - 5 * MINUTE, zoneId: 77 });
		sandbox.insertOrder({ createDate: KAPTURE_NOW + 1, zoneId: 1 });
		const run = new TriggerRun(sandbox, { filters: { zoneIdStr: '77' } });
		const result = await run.manual();
		expect(result.items?.map((item) => item.json.id)).toEqual([match.id]);
	});
});

describe('exactly once', () => {
	it('a burst of 1,200 orders in one interval, read over many pages', async () => {
		const run = await activate({ options: { maxOrdersPerPoll: 5000 } });
		sandbox.clock.advance(MINUTE);
		const burst = sandbox.seedOrders(1200, (i) => ({ createDate: KAPTURE_NOW + 1 + i * 40 }));
		sandbox.clearRequests();
		const out = await run.poll();
		expect(out).toHaveLength(1200);
		expect(isSortedByCreateDate(out!)).toBe(true);
		expect(pullRequests(sandbox).length).toBeGreaterThan(24);
		await run.drain();
		expectExactlyOnce(run.emitted, ids(burst));
	});

	it('1,000 orders sharing one createDate, emitted 150 per poll while more arrive at the same ms', async () => {
		const run = await activate({ options: { maxOrdersPerPoll: 150 } });
		const tie = KAPTURE_NOW + 7;
		sandbox.clock.set(tie);
		const created = sandbox.seedOrders(700, { createDate: tie });
		for (let i = 0; i < 3; i++) {
			const out = await run.poll();
			expect(out).toHaveLength(150);
			created.push(...sandbox.seedOrders(100, { createDate: tie }));
		}
		await run.drain(0);
		expectExactlyOnce(run.emitted, ids(created));
		expect(created).toHaveLength(1000);
	});

	it('orders inserted while the trigger is reading pages', async () => {
		const run = await activate({ options: { maxOrdersPerPoll: 10_000 } });
		const created = sandbox.seedOrders(400, (i) => ({ createDate: KAPTURE_NOW + 1 + i * 100 }));
		sandbox.setLatency(3);
		for (let round = 0; round < 4; round++) {
			sandbox.clock.advance(MINUTE);
			await whileReading(sandbox, () => run.poll(), (n) => {
				if (n > 6) return;
				const now = sandbox.clock.now();
				// New ones at Kapture's now, ties with it, and late arrivals dated 3 minutes back.
				created.push(sandbox.insertOrder({ createDate: now }));
				created.push(sandbox.insertOrder({ createDate: now }));
				created.push(sandbox.insertOrder({ createDate: now - 3 * MINUTE }));
				created.push(...sandbox.seedOrders(20, (i) => ({ createDate: now - 60_000 + i })));
			});
		}
		sandbox.setLatency(0);
		await run.drain();
		expect(created.length).toBeGreaterThan(500);
		expectExactlyOnce(run.emitted, ids(created));
	});

	it.each([
		['10 minutes ahead of', 10 * MINUTE],
		['10 minutes behind', -10 * MINUTE],
		['40 days ahead of', 40 * DAY],
		['400 days behind', -400 * DAY],
	])('Kapture\'s clock %s the n8n host\'s', async (_label, offset) => {
		const kaptureNow = Date.now() + offset;
		sandbox.reset();
		sandbox.clock.set(kaptureNow);
		sandbox.seedOrders(60);
		const run = await activate({ options: { maxOrdersPerPoll: 80 } });
		const created: SandboxOrder[] = [];
		for (let round = 0; round < 6; round++) {
			sandbox.clock.advance(MINUTE);
			created.push(...sandbox.seedOrders(50, (i) => ({ createDate: sandbox.clock.now() - i * 500 })));
			await run.poll();
		}
		await run.drain();
		expectExactlyOnce(run.emitted, ids(created));
	});

	it('n8n restarts between polls: only the static data (through JSON) survives', async () => {
		const run = await activate({ options: { maxOrdersPerPoll: 60 } });
		run.restart();
		const created: SandboxOrder[] = [];
		for (let round = 0; round < 10; round++) {
			sandbox.clock.advance(MINUTE);
			const now = sandbox.clock.now();
			created.push(...sandbox.seedOrders(50, (i) => ({ createDate: now - (i % 5) * 1000 })));
			await run.poll();
			run.restart();
		}
		for (let i = 0; i < 10; i++) {
			sandbox.clock.advance(MINUTE);
			await run.poll();
			run.restart();
		}
		expectExactlyOnce(run.emitted, ids(created));
	});

	it('a poll that fails on its second page changes nothing; the next one delivers everything', async () => {
		const run = await activate({ options: { maxOrdersPerPoll: 1000 } });
		sandbox.clock.advance(MINUTE);
		const created = sandbox.seedOrders(300, (i) => ({ createDate: KAPTURE_NOW + 1 + i * 10 }));
		const before = JSON.parse(JSON.stringify(run.staticData)) as IDataObject;

		sandbox.setLatency(5);
		await expect(
			whileReading(sandbox, () => run.poll(), (n) => {
				// Kapture's considered failure (not retried) for the 2nd page.
				if (n === 1) sandbox.faults.script({ kind: 'failureBody', api: 'v1Pull', message: 'Search cluster busy' });
			}),
		).rejects.toThrow(/Search cluster busy/);
		expect(JSON.parse(JSON.stringify(run.staticData))).toEqual(before);
		expect(run.emitted).toEqual([]);

		// A 500 on the third page is retried by the transport; the poll succeeds.
		await whileReading(sandbox, () => run.poll(), (n) => {
			if (n === 2) sandbox.faults.script({ kind: 'serverError', api: 'v1Pull' });
		});
		sandbox.setLatency(0);
		await run.drain();
		expectExactlyOnce(run.emitted, ids(created));
	});

	it('a gap of several days between polls', async () => {
		const run = await activate({ options: { maxOrdersPerPoll: 10_000 } });
		const created = sandbox.seedOrders(400, (i) => ({ createDate: KAPTURE_NOW + 1 + i * 15 * MINUTE }));
		sandbox.clock.advance(5 * DAY);
		const out = await run.poll();
		expect(out).toHaveLength(400);
		await run.drain();
		expectExactlyOnce(run.emitted, ids(created));
	});

	it('the per-poll cap with a backlog: nothing dropped, oldest first', async () => {
		const run = await activate({ options: { maxOrdersPerPoll: 100 } });
		const created = sandbox.seedOrders(1000, (i) => ({ createDate: KAPTURE_NOW + 1 + Math.floor(i / 3) * 200 }));
		const batches: IDataObject[][] = [];
		for (let i = 0; i < 5; i++) {
			sandbox.clock.advance(MINUTE);
			const out = await run.poll();
			expect(out).toHaveLength(100);
			batches.push(out!);
		}
		expect(isSortedByCreateDate(batches.flat())).toBe(true);
		created.push(...sandbox.seedOrders(100, (i) => ({ createDate: sandbox.clock.now() + i })));
		await run.drain();
		expectExactlyOnce(run.emitted, ids(created));
	});

	it('filters: only matching orders fire', async () => {
		const run = await activate({ filters: { bookingStatus: 'AP', zoneIdStr: '5, 6', attr3: 'vip' } });
		const matching: SandboxOrder[] = [];
		for (let round = 0; round < 5; round++) {
			sandbox.clock.advance(MINUTE);
			const now = sandbox.clock.now();
			for (let i = 0; i < 60; i++) {
				const order = sandbox.insertOrder({
					createDate: now - i,
					deliveryStatus: i % 2 ? 'AP' : 'CL',
					zoneId: [5, 6, 7][i % 3],
					attr3: i % 5 ? 'vip' : 'regular',
				});
				if (order.deliveryStatus === 'AP' && order.zoneId !== 7 && order.attr3 === 'vip') matching.push(order);
			}
			await run.poll();
		}
		await run.drain();
		expect(matching.length).toBeGreaterThan(50);
		expectExactlyOnce(run.emitted, ids(matching));
		expect(pullRequests(sandbox).every((entry) => (entry.body as IDataObject).bookingStatus === 'AP')).toBe(true);
	});

	it('a poll with nothing new costs exactly one request', async () => {
		const run = await activate();
		sandbox.clock.advance(MINUTE);
		const created = sandbox.seedOrders(30, (i) => ({ createDate: KAPTURE_NOW + 1 + i }));
		await run.poll();
		sandbox.clock.advance(20 * MINUTE);
		sandbox.clearRequests();
		expect(await run.poll()).toBeNull();
		expect(pullRequests(sandbox)).toHaveLength(1);
		expect(await run.poll()).toBeNull();
		expect(pullRequests(sandbox)).toHaveLength(2);
		expectExactlyOnce(run.emitted, ids(created));
	});

	it('changing the filters starts afresh from Kapture\'s newest order', async () => {
		const run = await activate({ filters: { zoneIdStr: '5' } });
		sandbox.insertOrder({ createDate: KAPTURE_NOW + 1, zoneId: 5 });
		const other = new TriggerRun(sandbox, { filters: { zoneIdStr: '6' } }, { staticData: JSON.parse(JSON.stringify(run.staticData)) as IDataObject });
		expect(await other.poll()).toBeNull(); // re-initialised, nothing emitted
		const fresh = sandbox.insertOrder({ createDate: KAPTURE_NOW + 2, zoneId: 6 });
		await other.drain();
		expectExactlyOnce(other.emitted, [fresh.id]);
	});
});
