/**
 * The trigger's promise (every new order once: none missed, none twice)
 * against the five ways it was broken from outside, through n8n's real engine
 * and the sandbox: polls that overlap (n8n's live static data and its durable
 * scheduler's copies), orders dated in the future, emitted orders whose date
 * moves, backlogs of any size, and ties that come in another order on every
 * request. Each would fail on 0.1.x's trigger.
 */
import type { IDataObject } from 'n8n-workflow';

import type { KaptureSandbox, SandboxOrder } from '../../../sandbox';
import written01 from './__fixtures__/trigger-0.1-after-3-orders.json';
import { HOUR, MINUTE, TriggerRun, expectExactlyOnce, isSortedByCreateDate, pullRequests, useTriggerSandbox } from './harness';

const KAPTURE_NOW = Math.floor(Date.now() / 60_000) * 60_000 - 5 * HOUR + 7_000;

let sandbox!: KaptureSandbox;
useTriggerSandbox(KAPTURE_NOW, (prepared) => {
	sandbox = prepared;
	sandbox.seedOrders(120);
});

const ids = (orders: Array<{ id: number }>) => orders.map((order) => order.id);

const v1Auth = () => `Basic ${Buffer.from(`${sandbox.credentials.username}:${sandbox.credentials.password}`).toString('base64')}`;

/** The account's wall-clock text for a moment (the sandbox account is UTC+05:30). */
const accountTime = (ms: number) => new Date(ms + 330 * MINUTE).toISOString().slice(0, 19).replace('T', ' ');

/** Changes an order's date through the v1 update API, as a user editing the order would. */
async function moveOrderDate(order: SandboxOrder, createDate: number): Promise<void> {
	const response = await fetch(`${sandbox.baseUrl}/ms/customer/order/api/v1/add-update`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Authorization: v1Auth() },
		body: JSON.stringify({
			customer_info: { customer_name: order.customerName, phone: order.phone },
			order_info: { update: true, order_id: String(order.id), create_date: accountTime(createDate) },
		}),
	});
	const answer = (await response.json()) as IDataObject;
	expect(answer.status).toBe('success');
	expect(sandbox.getOrder(order.id)?.createDate).toBe(Math.floor(createDate / 1000) * 1000);
}

async function activate(...args: ConstructorParameters<typeof TriggerRun> extends [unknown, ...infer Rest] ? Rest : never) {
	const run = new TriggerRun(sandbox, ...args);
	expect(await run.poll()).toBeNull();
	return run;
}

describe('1. polls that overlap', () => {
	it.each([
		['live static data (n8n\'s default scheduler)', 'live' as const],
		['a copy per poll (n8n\'s durable scheduler)', 'copies' as const],
	])('with every pull slower than the poll interval, %s: each order once', async (_label, scheduler) => {
		const run = await activate({}, { scheduler, pollBudgetMs: scheduler === 'copies' ? 36_000 : undefined });
		sandbox.setLatency(60);
		const created: SandboxOrder[] = [];
		// Polls every 25 ms while each pull takes 60 ms: always two or three at once.
		const polls: Array<Promise<unknown>> = [];
		for (let tick = 0; tick < 30; tick++) {
			if (tick < 20) created.push(...sandbox.seedOrders(3, () => ({ createDate: sandbox.clock.now() })));
			sandbox.clock.advance(1000);
			polls.push(run.poll());
			await new Promise((resolve) => setTimeout(resolve, 25));
		}
		await Promise.all(polls);
		sandbox.setLatency(0);
		await run.drain();
		expect(created).toHaveLength(60);
		expectExactlyOnce(run.emitted, ids(created));
	});

	it('polls that start at the same moment and read the same orders emit them once between them', async () => {
		const run = await activate();
		sandbox.clock.advance(MINUTE);
		const created = sandbox.seedOrders(10, () => ({ createDate: sandbox.clock.now() }));
		sandbox.setLatency(30);
		const results = await Promise.all([run.poll(), run.poll(), run.poll()]);
		sandbox.setLatency(0);
		expect(results.filter((result) => result !== null)).toHaveLength(1);
		expectExactlyOnce(run.emitted, ids(created));
	});
});

describe('2. orders dated in the future', () => {
	it('one order dated 4.5 hours ahead fires once and hides none created after it', async () => {
		const run = await activate();
		sandbox.clock.advance(MINUTE);
		const future = sandbox.insertOrder({ createDate: sandbox.clock.now() + 4.5 * HOUR });
		await run.poll();
		const ordinary: SandboxOrder[] = [];
		for (let i = 0; i < 5; i++) {
			sandbox.clock.advance(MINUTE);
			ordinary.push(sandbox.insertOrder());
			await run.poll();
		}
		// Past the future order's date, and beyond: nothing fires again.
		for (let i = 0; i < 40; i++) {
			sandbox.clock.advance(10 * MINUTE);
			ordinary.push(sandbox.insertOrder());
			await run.poll();
		}
		expectExactlyOnce(run.emitted, [future.id, ...ids(ordinary)]);
	});

	it('an order already dated hours ahead at activation hides nothing, and never fires', async () => {
		const existing = sandbox.insertOrder({ createDate: KAPTURE_NOW + 6 * HOUR });
		const run = await activate();
		const ordinary: SandboxOrder[] = [];
		for (let i = 0; i < 50; i++) {
			sandbox.clock.advance(10 * MINUTE);
			ordinary.push(sandbox.insertOrder());
			await run.poll();
		}
		expect(run.emitted).not.toContain(existing.id);
		expectExactlyOnce(run.emitted, ids(ordinary));
	});

	it('an order typed through the API with a date ahead (v1 create_date) fires once', async () => {
		const run = await activate();
		sandbox.clock.advance(MINUTE);
		// A wall-clock time typed in a zone 5 hours east of the account's.
		const text = accountTime(sandbox.clock.now() + 5 * HOUR).slice(0, 16);
		const response = await fetch(`${sandbox.baseUrl}/ms/customer/order/api/v1/add-update`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Authorization: v1Auth() },
			body: JSON.stringify({ customer_info: { customer_name: 'Ahead', phone: '9000000001' }, order_info: { create_date: text } }),
		});
		const typed = Number(((await response.json()) as { Order: { order_id: number } }).Order.order_id);
		const later: SandboxOrder[] = [];
		for (let i = 0; i < 10; i++) {
			sandbox.clock.advance(2 * MINUTE);
			later.push(sandbox.insertOrder());
			await run.poll();
		}
		expectExactlyOnce(run.emitted, [typed, ...ids(later)]);
	});
});

describe('3. emitted orders whose date moves', () => {
	it.each([
		['an hour later', HOUR],
		['a day later', 24 * HOUR],
		['just past the overlap window', 11 * MINUTE],
		['two days back', -48 * HOUR],
	])('an emitted order moved %s never fires again, however long the trigger runs', async (_label, shift) => {
		const run = await activate();
		sandbox.clock.advance(MINUTE);
		const order = sandbox.insertOrder();
		await run.poll();
		expect(run.emitted).toEqual([order.id]);
		// Time passes; the order's date is changed (both APIs can), then the trigger runs on for two days.
		for (let i = 0; i < 30; i++) {
			sandbox.clock.advance(10 * MINUTE);
			await run.poll();
		}
		await moveOrderDate(order, sandbox.clock.now() + shift);
		const ordinary: SandboxOrder[] = [];
		for (let i = 0; i < 300; i++) {
			sandbox.clock.advance(10 * MINUTE);
			if (i % 20 === 0) ordinary.push(sandbox.insertOrder());
			await run.poll();
		}
		expectExactlyOnce(run.emitted, [order.id, ...ids(ordinary)]);
	});
});

describe('4. backlogs of any size', () => {
	it('10,050 orders behind, a page cap of 3: every poll emits the oldest ones, each poll reads about a cap of them', async () => {
		const run = await activate({ options: { maxOrdersPerPoll: 150 } });
		sandbox.setPageSizeCap(3);
		const created = sandbox.seedOrders(10_050, (i) => ({ createDate: KAPTURE_NOW + 1 + i * 100 }));
		sandbox.clock.advance(20 * 10_050 * 100);
		let polls = 0;
		let previousLast = -Infinity;
		const requestsPerPoll: number[] = [];
		for (;;) {
			sandbox.clearRequests();
			const out = await run.poll();
			polls++;
			if (out === null) break;
			expect(out.length).toBeLessThanOrEqual(150);
			expect(isSortedByCreateDate(out)).toBe(true);
			// Oldest first across polls: no poll emits an order older than the previous poll's last.
			expect(Number(out[0].createDate)).toBeGreaterThanOrEqual(previousLast);
			previousLast = Number(out[out.length - 1].createDate);
			// What a poll reads is about what it emits (a page of 3 holds one new order after the
			// records it joins on), not the backlog: 0.1.x read all 10,050 and failed past 10,000 requests.
			requestsPerPoll.push(pullRequests(sandbox).length);
		}
		expect(polls).toBeLessThan(10_050 / 150 + 5);
		expect(Math.max(...requestsPerPoll)).toBeLessThan(150 + 60);
		expectExactlyOnce(run.emitted, ids(created));
	}, 120_000);

	it('n8n\'s poll budget: each poll stops in time and emits a complete stretch from the oldest order', async () => {
		const run = await activate({ options: { maxOrdersPerPoll: 10_000 } }, { pollBudgetMs: 2000 });
		const created = sandbox.seedOrders(20_000, (i) => ({ createDate: KAPTURE_NOW + 1 + i * 10 }));
		sandbox.setPageSizeCap(100);
		sandbox.setLatency(40);
		sandbox.clock.advance(HOUR);
		const started = Date.now();
		const out = await run.poll();
		const took = Date.now() - started;
		expect(took).toBeLessThan(2000);
		expect(out).not.toBeNull();
		// The emitted orders are exactly the oldest ones: a complete stretch, no gap below any of them.
		expect(ids(out as Array<{ id: number }>)).toEqual(ids(created.slice(0, out!.length)));
		sandbox.setLatency(0);
		await run.drain(MINUTE, 2, 400);
		expectExactlyOnce(run.emitted, ids(created));
	}, 120_000);
});

describe('5. ties that come in another order on every request', () => {
	it.each([11, 12, 13])('seed %i: minute-precision dates, large tie groups, small pages and caps: each order once', async (seed) => {
		sandbox.setTieOrder('shuffled');
		sandbox.setPageSizeCap(40);
		const run = await activate({ options: { maxOrdersPerPoll: 37 } });
		const created: SandboxOrder[] = [];
		let state = seed;
		const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
		for (let round = 0; round < 8; round++) {
			sandbox.clock.advance(MINUTE);
			const minute = Math.floor(sandbox.clock.now() / MINUTE) * MINUTE;
			// An import stamping many orders with one minute, beside ordinary ones.
			created.push(...sandbox.seedOrders(20 + Math.floor(next() * 120), { createDate: minute }));
			created.push(...sandbox.seedOrders(Math.floor(next() * 10), () => ({ createDate: sandbox.clock.now() })));
			await run.poll();
		}
		await run.drain(MINUTE, 3, 400);
		expectExactlyOnce(run.emitted, ids(created));
	}, 60_000);
});

describe('state written by 0.1.x', () => {
	it('a workflow saved with 0.1.x\'s trigger goes on: nothing it emitted fires again, nothing new is missed', async () => {
		sandbox.reset();
		sandbox.clock.set(written01.sandbox.now);
		sandbox.setPageSizeCap(written01.sandbox.pageSizeCap);
		sandbox.seedOrders(written01.sandbox.seed);
		for (const order of written01.inserted) sandbox.insertOrder(order);
		sandbox.clock.advance(written01.sandbox.clockAfterMs);
		const run = new TriggerRun(sandbox, {}, { staticData: JSON.parse(JSON.stringify(written01.staticData)) as IDataObject });
		const fresh: SandboxOrder[] = [];
		for (let i = 0; i < 30; i++) {
			sandbox.clock.advance(MINUTE);
			fresh.push(sandbox.insertOrder(), sandbox.insertOrder({ createDate: sandbox.clock.now() - 2 * MINUTE }));
			await run.poll();
		}
		await run.drain();
		for (const id of written01.emitted) expect(run.emitted).not.toContain(id);
		expectExactlyOnce(run.emitted, ids(fresh));
	});
});

describe('credentials', () => {
	it('a credential edited while the workflow is active is used by the next poll', async () => {
		const run = await activate();
		sandbox.clock.advance(MINUTE);
		const order = sandbox.insertOrder();
		// The password changes in Kapture: polls fail until the credential is edited.
		const engine = run.engineForTests();
		sandbox.setCredentials({ password: 'rotated-password' });
		await expect(run.poll()).rejects.toThrow(/credentials|Invalid Auth Key/i);
		await engine.credentialsHelper.updateCredentials({ id: 'kapture-1', name: 'Kapture sandbox' }, 'kaptureApi', {
			baseUrl: sandbox.baseUrl,
			username: sandbox.credentials.username,
			password: 'rotated-password',
			cmId: sandbox.credentials.cmId,
		});
		await run.poll();
		expect(run.emitted).toEqual([order.id]);
	});
});
