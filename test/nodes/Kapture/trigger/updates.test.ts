/**
 * "Updated Order" and "New or Updated Order" through n8n's real engine
 * against the sandbox: orders changed through Kapture's v1 and partner APIs
 * (both move lastModificationTime), field filters, several changes between
 * polls, a change while a poll reads, orders leaving the watch window, and
 * polls that overlap.
 */
import type { IDataObject } from 'n8n-workflow';

import type { KaptureSandbox, SandboxOrder } from '../../../sandbox';
import { WATCH_PAGE_SIZE } from '../../../../nodes/Kapture/trigger/watchWindow';
import { Prng } from '../../../sandbox/random';
import { DAY, expectExactlyOnce, MINUTE, TriggerRun, whileReading, useTriggerSandbox } from './harness';

const KAPTURE_NOW = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 60 * MINUTE + 11_000;

let sandbox!: KaptureSandbox;
useTriggerSandbox(KAPTURE_NOW, (prepared) => {
	sandbox = prepared;
	sandbox.seedOrders(60, (i) => ({ deliveryStatus: 'AP', createDate: KAPTURE_NOW - i * 10 * MINUTE }));
});

async function post(path: string, body: unknown, authorization: string): Promise<IDataObject> {
	const response = await fetch(`${sandbox.baseUrl}${path}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Authorization: authorization },
		body: JSON.stringify(body),
	});
	return (await response.json()) as IDataObject;
}

/** An edit through the v1 update API, as another system or an agent would make it. */
async function editV1(order: SandboxOrder, orderInfo: IDataObject): Promise<void> {
	sandbox.clock.advance(1000);
	const basic = Buffer.from(`${sandbox.credentials.username}:${sandbox.credentials.password}`).toString('base64');
	const answer = await post(
		'/ms/customer/order/api/v1/add-update',
		{ customer_info: { customer_name: order.customerName, phone: order.phone }, order_info: { update: true, order_id: String(order.id), ...orderInfo } },
		`Basic ${basic}`,
	);
	expect(answer.status).toBe('success');
}

/** An edit through the partner order update API. */
async function editPartner(order: SandboxOrder, fields: IDataObject): Promise<void> {
	sandbox.clock.advance(1000);
	const answer = (await post('/add-update-order-from-other-source.html', [{ order_id: String(order.id), ...fields }], sandbox.credentials.authKey)) as unknown as IDataObject[];
	expect(answer[0]?.status).toBe('success');
}

const orders = () => sandbox.listOrders().sort((a, b) => b.createDate - a.createDate);

async function activate(parameters: ConstructorParameters<typeof TriggerRun>[1], options?: ConstructorParameters<typeof TriggerRun>[2]) {
	const run = new TriggerRun(sandbox, parameters, options);
	expect(await run.poll()).toBeNull();
	return run;
}

describe('Updated Order', () => {
	it('a change through either API fires once with the order as it is now; untouched and newly created orders never fire', async () => {
		const run = await activate({ event: 'updatedOrder' });
		const [a, b] = orders();
		await editV1(a, { remarks: 'called the customer' });
		await editPartner(b, { remarks: 'packed' });
		sandbox.insertOrder(); // created, not changed
		sandbox.clock.advance(MINUTE);
		const out = await run.poll();
		expect(out?.map((item) => item.id)).toEqual([a.id, b.id]);
		expect(out?.[0]).toMatchObject({ remarks: 'called the customer', triggeredBy: 'orderUpdated', changes: {} });
		expect(out?.[0].previousLastModificationTime).toBe(a.lastModificationTime);
		for (let i = 0; i < 3; i++) {
			sandbox.clock.advance(MINUTE);
			expect(await run.poll()).toBeNull();
		}
	});

	it('only when a watched field changes: another edit fires nothing; the item says what changed, from and to', async () => {
		const run = await activate({ event: 'updatedOrder', watchFields: ['deliveryStatus'] });
		const [a] = orders();
		await editV1(a, { remarks: 'no status change' });
		sandbox.clock.advance(MINUTE);
		expect(await run.poll()).toBeNull();
		await editV1(a, { delivery_status: 'DL' });
		sandbox.clock.advance(MINUTE);
		const out = await run.poll();
		expect(out?.map((item) => item.id)).toEqual([a.id]);
		expect(out?.[0].changes).toEqual({ deliveryStatus: { from: 'AP', to: 'DL' } });
	});

	it('two changes between polls fire once, with the latest state; a change later fires again', async () => {
		const run = await activate({ event: 'updatedOrder', watchFields: ['deliveryStatus'] });
		const [a] = orders();
		await editV1(a, { delivery_status: 'PD' });
		await editPartner(a, { order_status: 'DL' });
		sandbox.clock.advance(MINUTE);
		const first = await run.poll();
		expect(first).toHaveLength(1);
		expect(first?.[0].changes).toEqual({ deliveryStatus: { from: 'AP', to: 'DL' } });
		await editV1(a, { delivery_status: 'CN' });
		sandbox.clock.advance(MINUTE);
		const second = await run.poll();
		expect(second?.[0].changes).toEqual({ deliveryStatus: { from: 'DL', to: 'CN' } });
	});

	it('a change made while a poll reads fires exactly once', async () => {
		const run = await activate({ event: 'updatedOrder' });
		const list = orders();
		sandbox.setLatency(5);
		const edits: Array<Promise<void>> = [];
		await whileReading(sandbox, () => run.poll(), (n) => {
			if (n === 1) edits.push(editV1(list[30], { remarks: 'during the read' }));
		});
		await Promise.all(edits);
		sandbox.setLatency(0);
		for (let i = 0; i < 3; i++) {
			sandbox.clock.advance(MINUTE);
			await run.poll();
		}
		expect(run.emitted).toEqual([list[30].id]);
	});

	it('an order created before the watch window is not watched: its changes do not fire', async () => {
		const run = await activate({ event: 'updatedOrder', watchDays: 1 });
		const old = sandbox.insertOrder({ createDate: KAPTURE_NOW - 3 * DAY });
		const recent = orders()[0];
		await editV1(old, { remarks: 'too old to watch' });
		await editV1(recent, { remarks: 'watched' });
		sandbox.clock.advance(MINUTE);
		expect((await run.poll())?.map((item) => item.id)).toEqual([recent.id]);
	});

	it('an order leaving the watch window is forgotten', async () => {
		const run = await activate({ event: 'updatedOrder', watchDays: 1 });
		const state = () => (run.staticData['node:Kapture Order Trigger'] as IDataObject).kaptureOrderTriggerChanges as IDataObject;
		const before = Object.keys(state().orders as IDataObject).length;
		expect(before).toBeGreaterThan(50);
		sandbox.clock.advance(2 * DAY);
		await run.poll();
		expect(Object.keys(state().orders as IDataObject)).toHaveLength(0);
	});

	it.each([['live', 'live' as const], ['copies', 'copies' as const]])('polls that overlap (%s static data): each change once', async (_label, scheduler) => {
		const run = await activate({ event: 'updatedOrder', watchFields: ['deliveryStatus'] }, { scheduler, pollBudgetMs: scheduler === 'copies' ? 36_000 : undefined });
		const list = orders();
		sandbox.setLatency(40);
		const polls: Array<Promise<unknown>> = [];
		const statuses = ['PD', 'DL', 'CN', 'AP'];
		let changes = 0;
		for (let tick = 0; tick < 16; tick++) {
			if (tick < 12) {
				await editV1(list[tick % 5], { delivery_status: statuses[tick % 4] });
				changes++;
			}
			polls.push(run.poll());
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		await Promise.all(polls);
		sandbox.setLatency(0);
		for (let i = 0; i < 3; i++) await run.poll();
		// Every change emitted at most once (one per order and lastModificationTime), and each order ends up
		// reported in its latest status.
		const pairs = run.items.map((item) => `${String(item.id)}@${String(item.lastModificationTime)}`);
		expect(new Set(pairs).size).toBe(pairs.length);
		expect(changes).toBe(12);
		for (const order of list.slice(0, 5)) {
			const latest = sandbox.getOrder(order.id)!;
			const reported = run.items.filter((item) => item.id === order.id).pop();
			if (latest.deliveryStatus !== 'AP' || reported) expect(reported?.deliveryStatus).toBe(latest.deliveryStatus);
		}
	});

	it('Fetch Test Event returns the most recently changed order', async () => {
		const [a, b] = orders();
		await editV1(b, { remarks: 'earlier' });
		await editV1(a, { remarks: 'latest' });
		const run = new TriggerRun(sandbox, { event: 'updatedOrder' });
		const result = await run.manual();
		expect(result.items?.map((item) => item.json.id)).toEqual([a.id]);
		expect(result.items?.[0].json).toMatchObject({ triggeredBy: 'orderUpdated', changes: {} });
	});
});

describe('New or Updated Order', () => {
	it('a new order fires as new, a later change to it as updated, once each', async () => {
		const run = await activate({ event: 'newOrUpdatedOrder' });
		sandbox.clock.advance(MINUTE);
		const fresh = sandbox.insertOrder();
		const first = await run.poll();
		expect(first?.map((item) => [item.id, item.triggeredBy])).toEqual([[fresh.id, 'newOrder']]);
		await editV1(fresh, { remarks: 'changed after it fired' });
		sandbox.clock.advance(MINUTE);
		const second = await run.poll();
		expect(second?.map((item) => [item.id, item.triggeredBy])).toEqual([[fresh.id, 'orderUpdated']]);
		sandbox.clock.advance(MINUTE);
		expect(await run.poll()).toBeNull();
	});

	// Found by the end-to-end test (trigger-new-or-updated.test.mjs, check 6).
	it('an order created between a poll\'s new-order read and its watch read, then changed, fires once, as new, with its latest state', async () => {
		const run = await activate({ event: 'newOrUpdatedOrder', watchFields: ['deliveryStatus'] });
		sandbox.clock.advance(MINUTE);
		sandbox.setLatency(20);
		let created: SandboxOrder | undefined;
		await whileReading(sandbox, () => run.poll(), () => {
			const last = sandbox.requests().filter((entry) => entry.api === 'v1Pull').at(-1);
			// The first page of the watch read (500 a page, its own size) has arrived and is not answered yet.
			if (!created && Number((last?.body as IDataObject | undefined)?.limit) === WATCH_PAGE_SIZE) created = sandbox.insertOrder({ deliveryStatus: 'AP' });
		});
		sandbox.setLatency(0);
		expect(created).toBeDefined();
		expect(run.emitted).toEqual([]);
		await editV1(created as SandboxOrder, { delivery_status: 'DL' });
		sandbox.clock.advance(MINUTE);
		const next = await run.poll();
		expect(next?.map((item) => [item.id, item.triggeredBy, item.deliveryStatus])).toEqual([[created?.id, 'newOrder', 'DL']]);
		sandbox.clock.advance(MINUTE);
		expect(await run.poll()).toBeNull();
	});

	// Found by the end-to-end test (check 7): the watch state was left as it was when new orders filled the poll.
	it('Max Orders per Poll filled by new orders: a change to one of them before the next poll fires', async () => {
		const run = await activate({ event: 'newOrUpdatedOrder', options: { maxOrdersPerPoll: 1 } });
		sandbox.clock.advance(MINUTE);
		const fresh = sandbox.insertOrder({ deliveryStatus: 'AP' });
		const createdAt = fresh.lastModificationTime;
		const first = await run.poll();
		expect(first?.map((item) => [item.id, item.triggeredBy])).toEqual([[fresh.id, 'newOrder']]);
		await editV1(fresh, { delivery_status: 'DL' });
		sandbox.clock.advance(MINUTE);
		const second = await run.poll();
		expect(second?.map((item) => [item.id, item.triggeredBy, item.deliveryStatus, item.previousLastModificationTime])).toEqual([[fresh.id, 'orderUpdated', 'DL', createdAt]]);
	});

	it('Max Orders per Poll 1 and two new orders: each fires once as new over two polls, a change to either fires once after', async () => {
		const run = await activate({ event: 'newOrUpdatedOrder', options: { maxOrdersPerPoll: 1 } });
		sandbox.clock.advance(MINUTE);
		const a = sandbox.insertOrder({ deliveryStatus: 'AP' });
		sandbox.clock.advance(1000);
		const b = sandbox.insertOrder({ deliveryStatus: 'AP' });
		const fired: Array<[unknown, unknown]> = [];
		for (let i = 0; i < 2; i++) {
			sandbox.clock.advance(MINUTE);
			for (const item of (await run.poll()) ?? []) fired.push([item.id, item.triggeredBy]);
		}
		expect(fired.sort()).toEqual([[a.id, 'newOrder'], [b.id, 'newOrder']].sort());
		await editV1(a, { delivery_status: 'DL' });
		await editV1(b, { delivery_status: 'DL' });
		const changed: unknown[] = [];
		for (let i = 0; i < 3; i++) {
			sandbox.clock.advance(MINUTE);
			for (const item of (await run.poll()) ?? []) changed.push([item.id, item.triggeredBy]);
		}
		expect(changed.sort()).toEqual([[a.id, 'orderUpdated'], [b.id, 'orderUpdated']].sort());
	});
});

// Polls that overlap, with orders created and changed while they read: the schedule (which tick creates an
// order, which edits one, and which, how far apart polls start) is generated per seed, for both Trigger On
// choices that fire on new orders and n8n's two ways of handing static data to polls. Found a new order firing
// twice under the durable scheduler ('copies': a poll that selected nothing stored its stale copy back).
describe('Polls that overlap while orders are created and changed (generated schedules)', () => {
	const cases = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) =>
		(['newOrUpdatedOrder', 'newOrder'] as const).flatMap((event) => (['live', 'copies'] as const).map((scheduler) => ({ seed, event, scheduler }))),
	);
	it.each(cases)('$event, seed $seed, $scheduler static data: each new order once, each later change once, the latest state last', async ({ seed, event, scheduler }) => {
		const rng = new Prng(seed);
		const run = await activate({ event, watchFields: ['deliveryStatus'] }, { scheduler, pollBudgetMs: scheduler === 'copies' ? 36_000 : undefined });
		sandbox.clock.advance(MINUTE);
		const existing = orders().slice(0, 5);
		const created: SandboxOrder[] = [];
		const statuses = ['PD', 'DL', 'CN', 'AP'];
		sandbox.setLatency(40);
		const polls: Array<Promise<unknown>> = [];
		for (let tick = 0; tick < 16; tick++) {
			const roll = rng.next();
			if (tick < 12 && roll < 0.4) {
				sandbox.clock.advance(1000);
				created.push(sandbox.insertOrder({ deliveryStatus: 'AP' }));
			} else if (tick < 12 && roll < 0.8) {
				const pool = [...existing, ...created];
				await editV1(pool[Math.floor(rng.next() * pool.length)], { delivery_status: statuses[Math.floor(rng.next() * statuses.length)] });
			}
			polls.push(run.poll());
			await new Promise((resolve) => setTimeout(resolve, 20 + Math.floor(rng.next() * 40)));
		}
		await Promise.all(polls);
		sandbox.setLatency(0);
		for (let i = 0; i < 3; i++) {
			sandbox.clock.advance(MINUTE);
			await run.poll();
		}

		expect(created.length).toBeGreaterThan(0);
		if (event === 'newOrder') {
			expectExactlyOnce(run.emitted, created.map((order) => order.id));
			return;
		}
		const pairs = run.items.map((item) => `${String(item.id)}@${String(item.lastModificationTime)}`);
		expect(new Set(pairs).size).toBe(pairs.length);
		for (const order of created) {
			const items = run.items.filter((item) => item.id === order.id);
			const asNew = items.filter((item) => item.triggeredBy === 'newOrder');
			expect(asNew).toHaveLength(1);
			// A change reported after the order fired as new is a later version.
			for (const update of items.filter((item) => item.triggeredBy === 'orderUpdated')) {
				expect(Number(update.lastModificationTime)).toBeGreaterThan(Number(asNew[0].lastModificationTime));
			}
		}
		// Whatever fired for an order, the last item holds its latest state.
		for (const order of [...existing, ...created]) {
			const last = run.items.filter((item) => item.id === order.id).pop();
			if (last) expect(last.deliveryStatus).toBe(sandbox.getOrder(order.id)?.deliveryStatus);
		}
	});
});

describe('New Order (a workflow saved before Trigger On had more choices)', () => {
	it('changes to orders never fire and items are the orders as before', async () => {
		const run = await activate({});
		const [a] = orders();
		await editV1(a, { delivery_status: 'DL' });
		sandbox.clock.advance(MINUTE);
		const fresh = sandbox.insertOrder();
		const out = await run.poll();
		expect(out?.map((item) => item.id)).toEqual([fresh.id]);
		expect(out?.[0].triggeredBy).toBeUndefined();
		expect(out?.[0].changes).toBeUndefined();
	});
});
