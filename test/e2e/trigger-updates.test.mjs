// The Kapture Order Trigger's "Updated Order" in a running n8n (`n8n start`):
// two triggers activated over REST poll the sandbox every 5 s (Poll Times
// trick, see scripts/n8n/README.md) and POST each item they emit to a local
// recorder:
//   - "any":    Updated Order, no watched field: every change fires;
//   - "status": Updated Order, Only When These Fields Change = Delivery Status.
// Orders are changed the ways users change them: through the Kapture Order
// node (Update, v1 and partner API) run by a second workflow (a Webhook) and
// by `n8n execute`, and through the sandbox's own APIs (v1 add-update and the
// partner order update, as another system would). Each change must fire
// exactly once per trigger that watches it; a remarks-only change must not
// reach the status trigger, which reports `changes.deliveryStatus.from/to`;
// two changes between polls fire once, with the latest state; orders nobody
// touches, and a newly created order, never fire. The executions n8n
// recorded (REST API, their run data included) must match item for item.
//
// Run: npm run build && node --test --test-concurrency=1 test/e2e/trigger-updates.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
	EVERY_5_SECONDS,
	callWebhook,
	credentialData,
	editOrderPartner,
	editOrderV1,
	importKaptureCredentials,
	importWorkflows,
	morePolls,
	nextWatchRead,
	orderByWebhook,
	orderWorkflow,
	prepareN8n,
	recorder,
	startSandbox,
	stopwatch,
	triggerExecutions,
	waitFor,
	watchReads,
	workflowFixture,
	ONE_POLL_MS,
	POLL_MS,
} from './lib/harness.mjs';

const STATUS_NODE = 'Updated Kapture Order';

describe('Kapture Order Trigger, Updated Order, in a running n8n', { timeout: 10 * 60_000 }, () => {
	const clock = stopwatch('trigger-updates');
	let sb;
	let env;
	let n8n;
	let rec;
	let credential;
	const ids = {};
	/** The orders there before activation, by letter; each test changes its own. */
	let seeded;
	let created;

	before(async () => {
		sb = await startSandbox();
		// Eight orders created in the last minutes, all "AP", so every status change has a known "from".
		const list = sb.seedOrders(8, { deliveryStatus: 'AP' });
		seeded = Object.fromEntries(list.map((order, i) => ['ABCDEFGH'[i], order]));
		rec = await recorder();
		env = await prepareN8n('trigger-updates');
		n8n = env.n8n;
		clock.mark('n8n folder + package');
		[credential] = await importKaptureCredentials(n8n, [{ name: 'Kapture sandbox', data: credentialData(sb) }]);
		const trigger = (name, recorderPath, watchFields) => ({
			...workflowFixture('updated-order-to-recorder.json', {
				credentialId: credential.id,
				credentialName: credential.name,
				recorderUrl: rec.url,
				recorderPath,
				watchFields,
				pollTimes: EVERY_5_SECONDS,
			}),
			name,
		});
		[ids.any, ids.status, ids.updateV1, ids.updatePartner, ids.executeV1] = await importWorkflows(n8n, [
			trigger('Updated Order (any change) -> recorder', 'any', []),
			trigger('Updated Order (Delivery Status) -> recorder', 'status', ['deliveryStatus']),
			updateByWebhook('kapture-update-v1', 'v1'),
			updateByWebhook('kapture-update-partner', 'partner'),
			// `n8n execute`: order B's delivery status AP -> DL, through the node's v1 Update.
			orderWorkflow('Kapture Update (v1): B delivered', {
				operation: 'update',
				api: 'v1',
				orderId: String(seeded.B.id),
				customerName: seeded.B.customerName,
				phone: seeded.B.phone,
				orderFields: { deliveryStatus: 'DL' },
			}, { credential }),
		]);
		clock.mark('imports');
		await n8n.start();
		await n8n.ownerSetup();
		clock.mark('n8n start');
		await n8n.activate(ids.updateV1);
		await n8n.activate(ids.updatePartner);
		await n8n.activate(ids.any);
		await n8n.activate(ids.status);
		// Each trigger's first poll only remembers the window; wait for both and one more tick.
		await waitFor('the first polls', () => watchReads(sb).length >= 2, { timeoutMs: 2 * ONE_POLL_MS });
		await nextPoll();
		clock.mark('activated');
	});

	after(async () => {
		clock.report();
		if (env) await env.cleanup();
		if (rec) await rec.close();
		if (sb) await sb.close();
	});

	/** Webhook -> Kapture Order (Update), the order and its new values from the request body. */
	function updateByWebhook(webhookPath, api) {
		const fields =
			api === 'v1'
				? { orderFields: { remarks: '={{ $json.body.remarks ?? "" }}', deliveryStatus: '={{ $json.body.deliveryStatus ?? "" }}' } }
				: { partnerFields: { orderStatus: '={{ $json.body.deliveryStatus ?? "" }}' } };
		return orderByWebhook(`Kapture Update (${api}) by webhook`, webhookPath, 'Update Kapture Order', {
			operation: 'update',
			api,
			orderId: '={{ $json.body.orderId }}',
			...(api === 'v1' ? { customerName: '={{ $json.body.customerName }}' } : {}),
			phone: '={{ $json.body.phone }}',
			...fields,
		}, { credential });
	}

	/** Changes an order through the Order node, by calling the webhook workflow; resolves when the node is done. */
	async function updateThroughNode(webhookPath, order, values) {
		return await callWebhook(n8n, webhookPath, { orderId: String(order.id), customerName: order.customerName, phone: order.phone, ...values });
	}

	const editV1 = (order, orderInfo) => editOrderV1(sb, order, orderInfo);
	const editPartner = (order, fields) => editOrderPartner(sb, order, fields);
	const watchPulls = () => watchReads(sb);
	/** What one trigger's recorder received: 'any' or 'status'. */
	const received = (which) => rec.hits.filter((h) => h.path === `/${which}`).map((h) => h.json);
	const hitsFor = (which, order) => received(which).filter((item) => Number(item.id) === order.id);

	/** Resolves just after the next tick's watch reads reached the sandbox. */
	const nextPoll = () => nextWatchRead(sb, { timeoutMs: ONE_POLL_MS });

	/** Waits for two more ticks of both triggers, and for what they emitted to reach the recorder. */
	const twoMorePolls = () => morePolls(sb, { polls: 2, triggers: 2, pollMs: POLL_MS, timeoutMs: 3 * ONE_POLL_MS });

	const arrived = (which, order, n = 1) =>
		waitFor(`${n} item(s) for order ${order.id} at /${which}`, () => hitsFor(which, order).length >= n, { timeoutMs: 2 * ONE_POLL_MS });

	test('a remarks-only change through the Order node (v1, run by a second workflow) fires "any" once; the Delivery Status trigger ignores it', async () => {
		const { A } = seeded;
		const out = await updateThroughNode('kapture-update-v1', A, { remarks: 'called the customer' });
		assert.equal(sb.getOrder(A.id).remarks, 'called the customer', `the node updated the order: ${JSON.stringify(out)}`);
		const changedAt = sb.getOrder(A.id).lastModificationTime;
		assert.ok(changedAt > A.lastModificationTime, 'the sandbox stamped the write');

		await arrived('any', A);
		await twoMorePolls();
		const [item, ...more] = hitsFor('any', A);
		assert.equal(more.length, 0, 'fired once');
		assert.equal(item.triggeredBy, 'orderUpdated');
		assert.equal(item.remarks, 'called the customer', 'the order as it is now');
		assert.equal(item.lastModificationTime, changedAt);
		assert.equal(item.previousLastModificationTime, A.lastModificationTime);
		assert.deepEqual(item.changes, {}, 'no watched field: no changes listed');
		assert.deepEqual(hitsFor('status', A), [], 'Delivery Status unchanged: the field-filtered trigger stays quiet');
		clock.mark('remarks via node');
	});

	test('a delivery status change through the Order node run by `n8n execute` fires both, with changes.deliveryStatus from AP to DL', async () => {
		const { B } = seeded;
		await n8n.execute(ids.executeV1);
		assert.equal(sb.getOrder(B.id).deliveryStatus, 'DL');
		await arrived('status', B);
		await arrived('any', B);
		await twoMorePolls();
		const status = hitsFor('status', B);
		assert.equal(status.length, 1, 'fired once');
		assert.deepEqual(status[0].changes, { deliveryStatus: { from: 'AP', to: 'DL' } });
		assert.equal(status[0].deliveryStatus, 'DL');
		assert.equal(status[0].previousLastModificationTime, B.lastModificationTime);
		assert.equal(hitsFor('any', B).length, 1);
		clock.mark('status via n8n execute');
	});

	test("changes through the partner API (Order node) and the sandbox's own v1 and partner APIs: each fires once where it is watched; a new order does not", async () => {
		const { C, D, E } = seeded;
		await updateThroughNode('kapture-update-partner', C, { deliveryStatus: 'PD' });
		await editV1(D, { delivery_status: 'CN', remarks: 'customer cancelled' });
		await editPartner(E, { remarks: 'packed' });
		const [fresh] = (await (await fetch(`${sb.baseUrl}/__sandbox/orders`, { method: 'POST', body: '{"count":1}' })).json()).orders;
		created = fresh;
		assert.equal(sb.getOrder(C.id).deliveryStatus, 'PD');

		await arrived('status', C);
		await arrived('status', D);
		await arrived('any', E);
		await twoMorePolls();
		assert.deepEqual(hitsFor('status', C).map((i) => i.changes), [{ deliveryStatus: { from: 'AP', to: 'PD' } }]);
		assert.deepEqual(hitsFor('status', D).map((i) => i.changes), [{ deliveryStatus: { from: 'AP', to: 'CN' } }]);
		assert.deepEqual(hitsFor('status', E), [], 'a remarks-only partner update does not reach the status trigger');
		for (const order of [C, D, E]) assert.equal(hitsFor('any', order).length, 1, `order ${order.id} fired "any" once`);
		assert.equal(hitsFor('any', E)[0].remarks, 'packed');
		assert.deepEqual(hitsFor('any', fresh), [], 'creating an order is not an update');
		assert.deepEqual(hitsFor('status', fresh), []);
		clock.mark('partner + sandbox APIs');
	});

	test('two changes between two polls fire once with the latest state; a later change fires again', async () => {
		const { F } = seeded;
		await nextPoll();
		const pullsBefore = watchPulls().length;
		await editV1(F, { delivery_status: 'PD' });
		await editV1(F, { delivery_status: 'DL', remarks: 'delivered' });
		// Both edits landed between the same two polls (no watch read between them).
		assert.equal(watchPulls().length, pullsBefore, 'no poll read between the two edits (rerun on a less loaded machine)');

		await arrived('status', F);
		await arrived('any', F);
		await twoMorePolls();
		assert.deepEqual(hitsFor('status', F).map((i) => i.changes), [{ deliveryStatus: { from: 'AP', to: 'DL' } }], 'one item, AP to DL');
		const [any] = hitsFor('any', F);
		assert.equal(hitsFor('any', F).length, 1);
		assert.equal(any.remarks, 'delivered');
		assert.equal(any.previousLastModificationTime, F.lastModificationTime);

		const afterTwo = sb.getOrder(F.id).lastModificationTime;
		await editV1(F, { delivery_status: 'CN' });
		await arrived('status', F, 2);
		await arrived('any', F, 2);
		await twoMorePolls();
		assert.deepEqual(hitsFor('status', F).map((i) => i.changes), [
			{ deliveryStatus: { from: 'AP', to: 'DL' } },
			{ deliveryStatus: { from: 'DL', to: 'CN' } },
		]);
		assert.equal(hitsFor('any', F).length, 2);
		assert.equal(hitsFor('any', F)[1].previousLastModificationTime, afterTwo);
		clock.mark('two changes between polls');
	});

	test("n8n's executions hold exactly what the recorder got: one item per change, untouched orders never", async () => {
		// Per order, the number of times each trigger fired over the whole file.
		const { A, B, C, D, E, F, G, H } = seeded;
		const expected = {
			any: new Map([A, B, C, D, E, F, F].reduce((m, o) => m.set(o.id, (m.get(o.id) || 0) + 1), new Map())),
			status: new Map([B, C, D, F, F].reduce((m, o) => m.set(o.id, (m.get(o.id) || 0) + 1), new Map())),
		};
		for (const which of ['any', 'status']) {
			const got = new Map();
			for (const item of received(which)) got.set(Number(item.id), (got.get(Number(item.id)) || 0) + 1);
			assert.deepEqual([...got].sort(), [...expected[which]].sort(), `${which}: fired per order`);
			for (const untouched of [G, H, created]) assert.ok(!got.has(untouched.id), `${which}: order ${untouched.id} was never changed`);
		}

		for (const which of ['any', 'status']) {
			const executions = await triggerExecutions(n8n, ids[which], STATUS_NODE);
			const byRecorder = new Map();
			for (const item of received(which)) byRecorder.set(String(item.executionId), [...(byRecorder.get(String(item.executionId)) || []), Number(item.id)]);
			assert.equal(executions.length, byRecorder.size, `${which}: one execution per poll that emitted, none for quiet polls`);
			for (const execution of executions) {
				assert.equal(execution.mode, 'trigger');
				assert.equal(execution.status, 'success');
				assert.deepEqual([...execution.ids].sort(), (byRecorder.get(execution.id) || []).sort(), `${which}: execution ${execution.id}'s items`);
			}
		}
		await n8n.deactivate(ids.any);
		await n8n.deactivate(ids.status);
	});
});
