// The Kapture Order Trigger's "New or Updated Order" in a running n8n (`n8n
// start`): a trigger activated over REST polls the sandbox every 5 s (Poll
// Times trick, see scripts/n8n/README.md), watching Delivery Status, and POSTs
// each item it emits to a local recorder. What the code promises
// (trigger/poll.ts, trigger/changes.ts, README "Updated Order and New or
// Updated Order"): a new order fires as New Order gives it, plus
// `triggeredBy: "newOrder"`; a change fires with `triggeredBy:
// "orderUpdated"`, `previousLastModificationTime` and `changes`; "a new order
// is never also reported as a change".
//
//   1. orders created through the Kapture Order node (Add, v1, run by a
//      Webhook workflow) and through the sandbox's v1 API each fire once, as
//      new orders, without `changes`; a later Delivery Status change to one of
//      them fires once more, as a change;
//   2. a Delivery Status change to an order there before activation fires
//      once, with `changes.deliveryStatus` from/to; a remarks-only change
//      (not watched) does not fire;
//   3. an order created and then changed between two polls fires once, as a
//      new order, with its latest state;
//   4. orders nobody touches never fire;
//   5. n8n's executions (REST API, run data) hold exactly the items the
//      recorder got, execution by execution.
// Two more checks, each with a trigger and a sandbox of its own, state what
// the README promises where the code, as read, does otherwise:
//   6. an order created while a poll is reading (after its new-order read,
//      before its watch read), then changed before the next poll, fires once;
//   7. with Max Orders per Poll 1, an order that fired as new in a poll the
//      new orders filled, then changed before the next poll, fires that change.
//
// Run: npm run build && node --test --test-concurrency=1 test/e2e/trigger-new-or-updated.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
	EVERY_5_SECONDS,
	addOrderV1,
	callWebhook,
	credentialData,
	editOrderV1,
	importKaptureCredentials,
	importWorkflows,
	isWatchPage,
	morePolls,
	nextWatchRead,
	orderByWebhook,
	prepareN8n,
	recorder,
	sleep,
	startSandbox,
	stopwatch,
	triggerExecutions,
	waitFor,
	watchReads,
	workflowFixture,
	ONE_POLL_MS,
	POLL_MS,
} from './lib/harness.mjs';

const TRIGGER_NODE = 'New or Updated Kapture Order';

/** An item for a Delivery Status change AP -> DL: from the version remembered (`previous`) to Kapture's `now`. */
function assertDeliveredChange(item, previous, now) {
	assert.equal(item.triggeredBy, 'orderUpdated');
	assert.deepEqual(item.changes, { deliveryStatus: { from: 'AP', to: 'DL' } });
	assert.equal(item.deliveryStatus, 'DL');
	assert.equal(item.previousLastModificationTime, previous);
	assert.equal(item.lastModificationTime, now.lastModificationTime);
}

describe('Kapture Order Trigger, New or Updated Order, in a running n8n', { timeout: 8 * 60_000 }, () => {
	const clock = stopwatch('trigger-new-or-updated');
	/** main: checks 1-5; race: check 6; cap: check 7. */
	const sandboxes = {};
	let env;
	let n8n;
	let rec;
	const ids = {};
	/** The main sandbox's orders there before activation, by letter. */
	let seeded;
	/** The orders checks 1 and 3 created. */
	const created = {};

	before(async () => {
		sandboxes.main = await startSandbox();
		sandboxes.race = await startSandbox();
		sandboxes.cap = await startSandbox();
		const list = sandboxes.main.seedOrders(6, { deliveryStatus: 'AP' });
		seeded = Object.fromEntries(list.map((order, i) => ['ABCDEF'[i], order]));
		sandboxes.race.seedOrders(3, { deliveryStatus: 'AP' });
		sandboxes.cap.seedOrders(3, { deliveryStatus: 'AP' });
		rec = await recorder();
		env = await prepareN8n('trigger-new-or-updated');
		n8n = env.n8n;
		clock.mark('n8n folder + package');
		const credentials = await importKaptureCredentials(
			n8n,
			Object.entries(sandboxes).map(([name, sb]) => ({ name: `Kapture sandbox (${name})`, data: credentialData(sb) })),
		);
		const [main, race, cap] = credentials;
		const trigger = (name, credential, recorderPath, { watchFields = [], maxOrdersPerPoll = 100 } = {}) => ({
			...workflowFixture('new-or-updated-order-to-recorder.json', {
				credentialId: credential.id,
				credentialName: credential.name,
				recorderUrl: rec.url,
				recorderPath,
				watchFields,
				maxOrdersPerPoll,
				pollTimes: EVERY_5_SECONDS,
			}),
			name,
		});
		[ids.main, ids.race, ids.cap, ids.addByNode] = await importWorkflows(n8n, [
			trigger('New or Updated Order (Delivery Status) -> recorder', main, 'main', { watchFields: ['deliveryStatus'] }),
			trigger('New or Updated Order, order created mid-poll -> recorder', race, 'race'),
			trigger('New or Updated Order, Max Orders per Poll 1 -> recorder', cap, 'cap', { maxOrdersPerPoll: 1 }),
			orderByWebhook('Kapture Add (v1) by webhook', 'kapture-add-v1', 'Add Kapture Order', {
				operation: 'add',
				api: 'v1',
				customerName: '={{ $json.body.customerName }}',
				phone: '={{ $json.body.phone }}',
				orderFields: { remarks: '={{ $json.body.remarks }}' },
			}, { credential: main }),
		]);
		clock.mark('imports');
		await n8n.start();
		await n8n.ownerSetup();
		clock.mark('n8n start');
		await n8n.activate(ids.addByNode);
		for (const which of ['main', 'race', 'cap']) await n8n.activate(ids[which]);
		// Each trigger's first poll only remembers what is there; wait for it and one more tick.
		for (const sb of Object.values(sandboxes)) await waitFor('the first poll', () => watchReads(sb).length >= 1, { timeoutMs: 2 * ONE_POLL_MS });
		await nextPoll();
		clock.mark('activated');
	});

	after(async () => {
		clock.report();
		if (env) await env.cleanup();
		if (rec) await rec.close();
		for (const sb of Object.values(sandboxes)) await sb.close();
	});

	/** What one trigger's recorder received: 'main', 'race' or 'cap'. */
	const received = (which) => rec.hits.filter((h) => h.path === `/${which}`).map((h) => h.json);
	const hitsFor = (which, order) => received(which).filter((item) => Number(item.id) === order.id);
	const nextPoll = (sb = sandboxes.main) => nextWatchRead(sb, { timeoutMs: ONE_POLL_MS });
	const twoMorePolls = (sb = sandboxes.main) => morePolls(sb, { polls: 2, pollMs: POLL_MS, timeoutMs: 3 * ONE_POLL_MS });
	const arrived = (which, order, n = 1) =>
		waitFor(`${n} item(s) for order ${order.id} at /${which}`, () => hitsFor(which, order).length >= n, { timeoutMs: 2 * ONE_POLL_MS });
	const v1PullsOf = (sb) => sb.requests().filter((r) => r.api === 'v1Pull');
	/** What an item says about itself, without the fields that only say when. */
	const asNew = (order) => ({ id: order.id, triggeredBy: 'newOrder', createDate: order.createDate, deliveryStatus: order.deliveryStatus, remarks: order.remarks, lastModificationTime: order.lastModificationTime });
	const withoutExecution = ({ executionId: _e, ...item }) => item;

	test('1. orders created through the Order node and through the v1 API fire once each, as new orders; a later change to one fires once, as a change', async () => {
		const sb = sandboxes.main;
		const out = await callWebhook(n8n, 'kapture-add-v1', { customerName: 'Meera Iyer', phone: '9845012345', remarks: 'created by n8n' });
		const byNode = sb.getOrder(Number(out.order_id));
		assert.ok(byNode, `the node created the order: ${JSON.stringify(out)}`);
		const byApi = await addOrderV1(sb, { customer_name: 'Arjun Menon', phone: '9845012346' }, { remarks: 'created by another system' });
		created.byNode = byNode;
		created.byApi = byApi;

		await arrived('main', byNode);
		await arrived('main', byApi);
		await twoMorePolls();
		for (const order of [byNode, byApi]) {
			const items = hitsFor('main', order);
			assert.equal(items.length, 1, `order ${order.id} fired once`);
			// A new order comes as New Order gives it: no previousLastModificationTime, no changes.
			assert.deepEqual(withoutExecution(items[0]), asNew(sb.getOrder(order.id)), `order ${order.id}: the new order as Kapture has it`);
		}

		// The same order changed after it fired: now it is an update.
		const createdAt = byNode.lastModificationTime;
		await editOrderV1(sb, byNode, { delivery_status: 'DL' });
		await arrived('main', byNode, 2);
		await twoMorePolls();
		const items = hitsFor('main', byNode);
		assert.equal(items.length, 2, 'one more item, for the change');
		assertDeliveredChange(items[1], createdAt, sb.getOrder(byNode.id));
		assert.equal(hitsFor('main', byApi).length, 1, 'the other new order did not fire again');
		clock.mark('check 1');
	});

	test('2. a Delivery Status change to an order there before activation fires once, with changes; a remarks-only change does not', async () => {
		const sb = sandboxes.main;
		const { A, B } = seeded;
		await editOrderV1(sb, A, { delivery_status: 'DL' });
		await editOrderV1(sb, B, { remarks: 'called the customer' });
		assert.equal(sb.getOrder(B.id).remarks, 'called the customer');

		await arrived('main', A);
		await twoMorePolls();
		const items = hitsFor('main', A);
		assert.equal(items.length, 1, 'fired once');
		assertDeliveredChange(items[0], A.lastModificationTime, sb.getOrder(A.id));
		assert.deepEqual(hitsFor('main', B), [], 'Delivery Status unchanged: B does not fire');
		clock.mark('check 2');
	});

	test('3. an order created and then changed between two polls fires once, as a new order, with its latest state', async () => {
		const sb = sandboxes.main;
		await nextPoll();
		const pullsBefore = v1PullsOf(sb).length;
		const order = await addOrderV1(sb, { customer_name: 'Farah Khan', phone: '9845012347' }, { remarks: 'new' });
		await editOrderV1(sb, order, { delivery_status: 'DL', remarks: 'delivered' });
		assert.equal(v1PullsOf(sb).length, pullsBefore, 'no poll read between creating and changing it (rerun on a less loaded machine)');
		assert.ok(sb.getOrder(order.id).lastModificationTime >= order.lastModificationTime);
		created.changedBeforeFirstPoll = order;

		await arrived('main', order);
		await twoMorePolls();
		const items = hitsFor('main', order);
		assert.equal(items.length, 1, 'fired once, not once as new and once as changed');
		assert.deepEqual(withoutExecution(items[0]), asNew(sb.getOrder(order.id)), 'a new order, as it is after the change');
		assert.equal(items[0].deliveryStatus, 'DL');
		assert.equal(items[0].remarks, 'delivered');
		clock.mark('check 3');
	});

	test('4. orders nobody touches never fire; every order fired as often as it was created or changed', async () => {
		const { A, B, C, D, E, F } = seeded;
		const { byNode, byApi, changedBeforeFirstPoll } = created;
		assert.ok(byNode && byApi && changedBeforeFirstPoll, 'checks 1 and 3 ran');
		const expected = new Map([[byNode.id, 2], [byApi.id, 1], [changedBeforeFirstPoll.id, 1], [A.id, 1]]);
		const got = new Map();
		for (const item of received('main')) got.set(Number(item.id), (got.get(Number(item.id)) || 0) + 1);
		assert.deepEqual([...got].sort(), [...expected].sort(), 'fired per order');
		for (const untouched of [B, C, D, E, F]) assert.ok(!got.has(untouched.id), `order ${untouched.id} never fired`);
	});

	test("5. n8n's executions hold exactly what the recorder got, execution by execution", async () => {
		await n8n.deactivate(ids.main);
		const executions = await triggerExecutions(n8n, ids.main, TRIGGER_NODE);
		const byRecorder = new Map();
		for (const item of received('main')) {
			const key = String(item.executionId);
			byRecorder.set(key, [...(byRecorder.get(key) || []), withoutExecution(item)]);
		}
		assert.equal(executions.length, byRecorder.size, 'one execution per poll that emitted, none for quiet polls');
		const fields = Object.keys(asNew({})).concat('previousLastModificationTime', 'changes');
		// The trigger's items, cut to what the recorder is sent (undefined fields are not sent).
		const recorded = (json) => JSON.parse(JSON.stringify(Object.fromEntries(fields.map((f) => [f, json[f]]))));
		for (const execution of executions) {
			assert.equal(execution.mode, 'trigger', `execution ${execution.id}`);
			assert.equal(execution.status, 'success', `execution ${execution.id}: ${execution.error}`);
			const inRun = execution.items.map((json) => ({ ...recorded(json), id: Number(json.id) }));
			const atRecorder = (byRecorder.get(execution.id) || []).map((item) => ({ ...item, id: Number(item.id) }));
			assert.deepEqual(inRun, atRecorder, `execution ${execution.id}'s items, in order`);
		}
	});

	test('6. an order created while a poll is reading (after its new-order read, before its watch read), then changed before the next poll, fires once', async () => {
		const sb = sandboxes.race;
		await nextPoll(sb);
		// The next poll's requests wait 800 ms before Kapture reads: the order is created
		// after its new-order read was answered and before its watch read is read.
		const mark = sb.requests().length;
		sb.setLatency(800);
		let watch;
		try {
			watch = await waitFor('the next watch read to arrive', () => watchReads(sb).find((r) => r.seq > mark), { timeoutMs: ONE_POLL_MS, intervalMs: 10 });
		} finally {
			sb.setLatency(0);
		}
		const order = sb.insertOrder({ deliveryStatus: 'AP' });
		const entry = (seq) => sb.requests().find((r) => r.seq === seq);
		assert.equal(entry(watch.seq).status, 0, 'the watch read was not answered yet when the order was created');
		const newRead = sb.requests().filter((r) => r.seq > mark && r.seq < watch.seq && r.api === 'v1Pull');
		assert.ok(newRead.length > 0 && newRead.every((r) => r.status === 200), `the poll's new-order read was answered before: ${JSON.stringify(newRead.map((r) => [r.seq, r.status]))}`);
		await waitFor('the watch read to be answered', () => entry(watch.seq).status !== 0, { timeoutMs: 5_000, intervalMs: 20 });
		await sleep(200);
		await editOrderV1(sb, order, { delivery_status: 'DL' });
		// Nothing but the rest of that watch read since: the next poll had not begun.
		const since = sb.requests().filter((r) => r.seq > watch.seq && r.api === 'v1Pull' && !(isWatchPage(r) && Number(r.body.offset) > 0));
		assert.deepEqual(since, [], 'the change was made before the next poll read (rerun on a less loaded machine)');

		await arrived('race', order);
		await twoMorePolls(sb);
		const items = hitsFor('race', order);
		assert.deepEqual(
			items.map((i) => [i.triggeredBy, i.deliveryStatus, i.changes]),
			[['newOrder', 'DL', undefined]],
			`fired once, as a new order with its latest state (README: "a new order is never also reported as a change"); got ${JSON.stringify(items)}`,
		);
		clock.mark('check 6');
	});

	test('7. Max Orders per Poll 1: an order that fired as new in a poll it filled, then changed before the next poll, fires that change', async () => {
		const sb = sandboxes.cap;
		await nextPoll(sb);
		const readsBefore = watchReads(sb).length;
		const order = await addOrderV1(sb, { customer_name: 'Kabir Das', phone: '9845012348' });
		const createdAt = order.lastModificationTime;
		await arrived('cap', order);
		assert.equal(hitsFor('cap', order)[0].triggeredBy, 'newOrder');
		await editOrderV1(sb, order, { delivery_status: 'DL' });
		const firstChangeAt = sb.getOrder(order.id).lastModificationTime;
		// Exactly one poll read between creating the order and changing it: the one that emitted it.
		assert.equal(watchReads(sb).length, readsBefore + 1, 'the change was made before the next poll read (rerun on a less loaded machine)');
		await twoMorePolls(sb);
		// A second change, later: whatever fires for it says which change the trigger last knew of.
		await editOrderV1(sb, order, { remarks: 'second change' });
		await waitFor('an item for the second change', () => hitsFor('cap', order).some((i) => i.remarks === 'second change'), { timeoutMs: 2 * ONE_POLL_MS });
		await sleep(1_500);

		const items = hitsFor('cap', order);
		assert.deepEqual(
			items.map((i) => [i.triggeredBy, i.deliveryStatus, i.previousLastModificationTime]),
			[
				['newOrder', 'AP', undefined],
				['orderUpdated', 'DL', createdAt],
				['orderUpdated', 'DL', firstChangeAt],
			],
			`fired as new, then once for each change; got ${JSON.stringify(items)}`,
		);
		clock.mark('check 7');
	});
});
