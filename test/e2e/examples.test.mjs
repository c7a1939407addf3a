// The workflows in examples/ inside a real n8n (scripts/n8n), against the
// Kapture and SourceHub sandboxes running in this process, set up the way
// `npm run dev` sets them up (test/e2e/lib-dev/examples.mjs: generated Kapture
// orders name a demo SourceHub customer in attr1, SourceHub refills carts): one
// user folder, our built package installed once, the two credentials, every
// example imported the way `npm run dev` imports it, then
//   - sheet-to-kapture: `n8n execute` creates one order per good row with the
//     mapped columns, and the refused row comes out of the failure branch;
//   - nightly-pull-to-file: `n8n execute` writes a CSV with exactly the orders
//     created yesterday (account time zone), not those of today or earlier days;
//   - new-order-notify: activated in `n8n start` (Poll Times patched to every
//     5 s), one order inserted into the sandbox gives one execution and one
//     "New order #id for <customer>" message at the webhook stand-in;
//   - kapture-to-sourcehub: activated too; every new Kapture order, for each
//     demo customer twice and with generated attributes, gets exactly one
//     SourceHub order from its customer's cart (or, for the customer whose cart
//     is out of stock, none) and the matching remark back in Kapture;
//   - order-status-changed-notify: activated beside them: a delivery status
//     change made through Kapture's v1 update API (what `npm run dev` prints)
//     gives exactly one "Order #id: delivery status A → B" message; a
//     remarks-only edit, a new order and the remark Kapture → SourceHub
//     writes back give none.
// Build first (`npm run build`); `npm run test:e2e` does.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ensureRuntime } from '../../scripts/n8n/runtime.mjs';
import { createInstance } from '../../scripts/n8n/instance.mjs';
import {
	DEV_ATTR1_CHOICES,
	DEV_SOURCEHUB,
	EXAMPLES,
	EXAMPLE_CREDENTIAL,
	SOURCEHUB_EXAMPLE_CREDENTIAL,
	anotherDeliveryStatus,
	expectedSourceHubOutcome,
	importWorkflows,
	loadExample,
	parseCsv,
	pollEverySeconds,
	prepareExample,
	repoRoot,
	sandboxCredentialData,
	seedSourceHubSandbox,
	sourceHubSandboxCredentialData,
	statusChangedMessage,
} from './lib-dev/examples.mjs';
import { recorder, startSourceHubSandbox, waitFor } from './lib/harness.mjs';

const DAY = 86_400_000;
const IST_OFFSET_MS = 330 * 60_000; // the sandbox's default account time zone

async function startSandbox(options) {
	const require = createRequire(import.meta.url);
	require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
	const sandbox = require('../sandbox/index.ts');
	return sandbox.startSandbox({ quiet: true, ...options });
}

async function sandboxOrders(sb) {
	const res = await fetch(`${sb.baseUrl}/__sandbox/orders?limit=100000`);
	return (await res.json()).orders;
}

/** [start, end) of yesterday in the account time zone, as epoch ms, and its YYYY-MM-DD. */
function yesterdayInAccountZone(now = Date.now()) {
	const local = new Date(now + IST_OFFSET_MS);
	const todayStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - IST_OFFSET_MS;
	const start = todayStart - DAY;
	const day = new Date(start + IST_OFFSET_MS).toISOString().slice(0, 10);
	return { start, end: todayStart, day };
}

function outputOf(run, node, output = 0) {
	const runs = run.data.resultData.runData[node];
	return runs ? runs[0].data.main[output] || [] : undefined;
}

describe('examples/ in a real n8n against the sandbox', { timeout: 20 * 60_000 }, () => {
	let sb;
	let sh;
	let n8n;
	let hook;
	let userFolder;
	let filesDir;
	const ids = {};
	const times = [];
	const t0 = Date.now();
	const mark = (what) => times.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)}s`);

	before(async () => {
		for (const f of ['dist/nodes/Kapture/KaptureOrder.node.js', 'dist/nodes/Kapture/KaptureOrderTrigger.node.js']) {
			assert.ok(fs.existsSync(path.join(repoRoot, f)), `${f} missing: run npm run build first`);
		}
		const runtime = await ensureRuntime();
		sb = await startSandbox({ seed: 0, attr1Choices: DEV_ATTR1_CHOICES });
		sh = await startSourceHubSandbox({ refillCarts: true });
		await seedSourceHubSandbox(sh.origin);
		hook = await recorder(); // stands in for the Slack webhook
		fs.mkdirSync(path.join(repoRoot, '.n8n-e2e'), { recursive: true });
		userFolder = fs.mkdtempSync(path.join(repoRoot, '.n8n-e2e', 'examples-'));
		filesDir = path.join(userFolder, 'files');
		fs.mkdirSync(filesDir, { recursive: true });
		n8n = await createInstance({ runtime, userFolder, env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir } });
		await n8n.installPackage(repoRoot);
		mark('package installed');

		const credential = { id: 'kaptureSandboxE2', name: EXAMPLE_CREDENTIAL.name };
		const sourceHubCredential = { id: 'sourceHubSandbE2', name: SOURCEHUB_EXAMPLE_CREDENTIAL.name };
		await n8n.importCredentials([
			{ ...credential, type: EXAMPLE_CREDENTIAL.type, data: sandboxCredentialData({ ...sb.credentials, baseUrl: sb.baseUrl }) },
			{ ...sourceHubCredential, type: SOURCEHUB_EXAMPLE_CREDENTIAL.type, data: sourceHubSandboxCredentialData(sh) },
		]);
		const prepared = EXAMPLES.map((ex) => {
			ids[ex.file] = ex.id;
			return prepareExample(loadExample(ex.file), {
				id: ex.id,
				credential,
				sourceHubCredential,
				notifyUrl: `${hook.url}/notify`,
				filesDir,
				pollTimes: pollEverySeconds(5),
			});
		});
		await importWorkflows(n8n, prepared);
		mark('imported');
	});

	after(async () => {
		if (n8n) await n8n.stop();
		if (hook) await hook.close();
		if (sb) await sb.close();
		if (sh) await sh.close();
		if (userFolder && !process.env.KAPTURE_E2E_KEEP) fs.rmSync(userFolder, { recursive: true, force: true, maxRetries: 5 });
		process.stderr.write(`[e2e examples] ${times.join(', ')}; total ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
	});

	test('example files use real node types and our credential placeholder', () => {
		for (const ex of EXAMPLES) {
			const wf = loadExample(ex.file);
			assert.equal(wf.settings.executionOrder, 'v1', ex.file);
			for (const node of wf.nodes) {
				assert.match(node.type, /^n8n-nodes-(base|kapture)\./, `${ex.file}: ${node.name}`);
				if (node.type === 'n8n-nodes-kapture.sourceHub') {
					assert.deepEqual(node.credentials, { sourceHubApi: { id: 'sourceHubSandbox', name: 'SourceHub Sandbox' } }, `${ex.file}: ${node.name}`);
				} else if (node.type.startsWith('n8n-nodes-kapture.')) {
					assert.deepEqual(node.credentials, { kaptureApi: { id: 'kaptureSandbox', name: 'Kapture Sandbox' } }, `${ex.file}: ${node.name}`);
				}
			}
			// Every connection names an existing node.
			const names = new Set(wf.nodes.map((n) => n.name));
			for (const [from, { main }] of Object.entries(wf.connections)) {
				assert.ok(names.has(from), `${ex.file}: connection from unknown ${from}`);
				for (const branch of main) for (const c of branch) assert.ok(names.has(c.node), `${ex.file}: connection to unknown ${c.node}`);
			}
		}
		// The shipped triggers poll once a minute; only the tests and npm run dev poll faster.
		for (const ex of EXAMPLES.filter((e) => e.trigger)) {
			const trigger = loadExample(ex.file).nodes.find((n) => n.type === 'n8n-nodes-kapture.kaptureOrderTrigger');
			assert.equal(trigger.name, ex.trigger, ex.file);
			assert.deepEqual(trigger.parameters.pollTimes, { item: [{ mode: 'everyMinute' }] }, ex.file);
		}
	});

	test('sheet-to-kapture creates one order per good row, with the columns mapped', async () => {
		const before = (await sandboxOrders(sb)).length;
		const run = await n8n.execute(ids['sheet-to-kapture.json']);
		mark('sheet executed');

		const orders = (await sandboxOrders(sb)).slice(before);
		const byRef = Object.fromEntries(orders.map((o) => [o.erpOrderId, o]));
		assert.deepEqual(Object.keys(byRef).sort(), ['SHOP-1001', 'SHOP-1002', 'SHOP-1003']);
		assert.equal(orders.length, 3);
		assert.equal(byRef['SHOP-1001'].customerName, 'Asha Verma');
		assert.equal(byRef['SHOP-1001'].phone, '9876500011');
		assert.equal(byRef['SHOP-1001'].email, 'asha.verma@example.com');
		assert.equal(byRef['SHOP-1001'].remarks, 'Deliver before noon');
		assert.equal(byRef['SHOP-1002'].customerName, 'Rahul Nair');
		assert.equal(byRef['SHOP-1002'].remarks, 'Gift wrap');
		assert.equal(byRef['SHOP-1003'].email, 'meera.iyer@example.com');

		// Continue On Fail: the refused row is an item with the error, routed to the failure branch.
		const created = outputOf(run, 'Orders Created');
		const refused = outputOf(run, 'Rows Kapture Refused');
		assert.deepEqual(created.map((i) => i.json.orderRef).sort(), ['SHOP-1001', 'SHOP-1002', 'SHOP-1003']);
		for (const item of created) assert.equal(item.json.kaptureOrderId, String(byRef[item.json.orderRef].id));
		assert.equal(refused.length, 1);
		assert.equal(refused[0].json.orderRef, 'SHOP-1004');
		assert.match(refused[0].json.error, /phone|email/i);
	});

	test("nightly-pull-to-file writes a CSV with exactly yesterday's orders", async () => {
		const { start, day } = yesterdayInAccountZone();
		// 7 orders yesterday (account time zone), 4 three days ago; the sheet's orders are today.
		sb.seedOrders(7, (i) => ({ createDate: start + 60_000 + i * 2 * 3_600_000 }));
		sb.seedOrders(4, (i) => ({ createDate: start - 2 * DAY + i * 3_600_000 }));
		const all = await sandboxOrders(sb);
		const expected = all.filter((o) => o.createDate >= start && o.createDate < start + DAY).map((o) => String(o.id));
		assert.equal(expected.length, 7);

		const run = await n8n.execute(ids['nightly-pull-to-file.json']);
		mark('nightly executed');
		assert.equal(outputOf(run, "Yesterday's Orders").length, 7);

		const file = path.join(filesDir, `kapture-orders-${day}.csv`);
		assert.ok(fs.existsSync(file), `${file} written (have: ${fs.readdirSync(filesDir).join(', ')})`);
		const rows = parseCsv(fs.readFileSync(file, 'utf8'));
		assert.deepEqual(rows.map((r) => r.id).sort(), expected.sort());
		const byId = Object.fromEntries(all.map((o) => [String(o.id), o]));
		for (const row of rows) {
			assert.equal(row.customerName, byId[row.id].customerName);
			assert.equal(row.createdAt, new Date(byId[row.id].createDate).toISOString());
		}
		// The pull asked Kapture for exactly that day.
		const pull = sb.requests().filter((r) => r.api === 'v1Pull').at(-1);
		assert.equal(pull.body.createStartDate, day);
		assert.equal(pull.body.createEndDate, day);
	});

	test('new-order-notify, activated, sends one message per new order', async () => {
		const id = ids['new-order-notify.json'];
		await n8n.start();
		await n8n.ownerSetup();
		mark('n8n started');
		const pullsBefore = sb.requests().filter((r) => r.api === 'v1Pull').length;
		await n8n.activate(id);
		// The first poll only notes where "new" starts; wait for it and one more.
		await waitFor('two polls after activation', () => sb.requests().filter((r) => r.api === 'v1Pull').length >= pullsBefore + 2, { timeoutMs: 30_000 });
		assert.equal(hook.hits.length, 0, 'existing orders do not fire');

		const res = await fetch(`${sb.baseUrl}/__sandbox/orders`, { method: 'POST', body: JSON.stringify({ count: 1 }) });
		const { orders } = await res.json();
		const order = orders[0];
		await waitFor('the notification', () => hook.hits.length >= 1, { timeoutMs: 30_000 });
		mark('notified');
		assert.equal(hook.hits[0].path, '/notify');
		assert.deepEqual(hook.hits[0].json, { text: `New order #${order.id} for ${order.customerName}` });

		// A few more polls: still one message, one execution.
		const pullsNow = sb.requests().filter((r) => r.api === 'v1Pull').length;
		await waitFor('two more polls', () => sb.requests().filter((r) => r.api === 'v1Pull').length >= pullsNow + 2, { timeoutMs: 30_000 });
		assert.equal(hook.hits.length, 1);
		const executions = await n8n.executions(id);
		assert.equal(executions.length, 1, `executions: ${JSON.stringify(executions.map((e) => [e.id, e.status]))}`);
		assert.equal(executions[0].status, 'success');
		assert.equal(executions[0].mode, 'trigger');
	});

	test('kapture-to-sourcehub, activated beside it: one SourceHub order per new Kapture order, the remark back, nothing twice', async () => {
		const id = ids['kapture-to-sourcehub.json'];
		const pullsBefore = sb.requests().filter((r) => r.api === 'v1Pull').length;
		const activated = Date.now();
		await n8n.activate(id);
		// Both workflows poll every 5 s: two of its ticks (the first only notes
		// where Kapture stands) are over after 11 s and four more pulls.
		await waitFor(
			'two polls after activation',
			() => Date.now() - activated > 11_000 && sb.requests().filter((r) => r.api === 'v1Pull').length >= pullsBefore + 4,
			{ timeoutMs: 40_000 },
		);
		assert.equal(sh.counts().orders, 0, 'existing Kapture orders place nothing');

		// Every demo customer twice (a cart refilled after an order must place
		// again), then orders whose attr1 the sandbox generates, as the printed curl makes them.
		const insert = async (body) => (await (await fetch(`${sb.baseUrl}/__sandbox/orders`, { method: 'POST', body: JSON.stringify(body) })).json()).orders;
		const orders = [];
		for (let round = 0; round < 2; round++) {
			for (const customer of DEV_SOURCEHUB.customers) orders.push(...(await insert({ count: 1, order: { attr1: String(customer.id) } })));
		}
		orders.push(...(await insert({ count: 6 })));
		for (const order of orders) assert.ok(DEV_ATTR1_CHOICES.includes(order.attr1), `attr1 ${order.attr1}`);

		const remarked = await waitFor(
			'a SourceHub remark on every new order',
			() => {
				const now = orders.map((o) => sb.getOrder(o.id));
				return now.every((o) => /^SourceHub /.test(o.remarks)) && now;
			},
			{ timeoutMs: 120_000 },
		);
		mark('sourcehub example: all remarked');
		const placedNumbers = [];
		for (const order of remarked) {
			const expected = expectedSourceHubOutcome(order.attr1);
			const match = expected.remark.exec(order.remarks);
			assert.ok(match, `order ${order.id} (customer ${order.attr1}): ${order.remarks}`);
			if (expected.placed) {
				const placed = sh.listOrders().find((o) => o.order_no === match[1]);
				assert.ok(placed, `SourceHub order ${match[1]} exists`);
				assert.equal(placed.customer.id, Number(order.attr1));
				assert.equal(placed.billable_amount, expected.billable);
				placedNumbers.push(match[1]);
			}
		}
		// Exactly one SourceHub order per placeable Kapture order, each a different one.
		assert.equal(new Set(placedNumbers).size, placedNumbers.length);
		assert.equal(sh.counts().orders, placedNumbers.length);
		assert.ok(placedNumbers.length >= 2 * (DEV_SOURCEHUB.customers.length - 1), `${placedNumbers.length} placed`);

		// A few more polls: nothing more placed, every run a success.
		const pullsNow = sb.requests().filter((r) => r.api === 'v1Pull').length;
		await waitFor('four more polls', () => sb.requests().filter((r) => r.api === 'v1Pull').length >= pullsNow + 4, { timeoutMs: 30_000 });
		assert.equal(sh.counts().orders, placedNumbers.length);
		const executions = await waitFor('finished executions', async () => {
			const list = await n8n.executions(id);
			return list.every((e) => e.status !== 'running' && e.status !== 'new') && list;
		}, { timeoutMs: 30_000 });
		assert.ok(executions.length >= 1);
		for (const execution of executions) assert.equal(execution.status, 'success', JSON.stringify(executions.map((e) => [e.id, e.status])));
		// The notify example, still active, told the stand-in about each order once.
		for (const order of orders) {
			const text = `New order #${order.id} for ${order.customerName}`;
			await waitFor(`the message for ${order.id}`, () => hook.hits.some((h) => h.json && h.json.text === text), { timeoutMs: 30_000 });
			assert.equal(hook.hits.filter((h) => h.json && h.json.text === text).length, 1, text);
		}
	});

	test('order-status-changed-notify, activated beside them: one message per delivery status change, none for other edits or new orders', async () => {
		const id = ids['order-status-changed-notify.json'];
		// Only this example reads the watch window (500 orders a request); the new-order triggers read less.
		const watchPulls = () => sb.requests().filter((r) => r.api === 'v1Pull' && Number(r.body && r.body.limit) === 500).length;
		const statusMessages = () => hook.hits.filter((h) => h.json && / delivery status /.test(h.json.text)).map((h) => h.json.text);
		const twoPolls = async (what) => {
			const since = Date.now();
			const pulls = watchPulls();
			await waitFor(what, () => Date.now() - since > 11_000 && watchPulls() >= pulls + 2, { timeoutMs: 40_000 });
			await new Promise((r) => setTimeout(r, 1_500));
		};
		await n8n.activate(id);
		// Its first poll remembers the orders of the last 7 days (the earlier tests' orders, with
		// the remarks Kapture → SourceHub wrote); nothing fires for them.
		await twoPolls('two polls after activation');
		assert.deepEqual(statusMessages(), [], 'orders nobody changed since activation send nothing');

		const basic = Buffer.from(`${sb.credentials.username}:${sb.credentials.password}`).toString('base64');
		const v1Update = async (orderInfo) => {
			const res = await fetch(`${sb.baseUrl}/ms/customer/order/api/v1/add-update`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Basic ${basic}` },
				body: JSON.stringify({ order_info: { update: true, ...orderInfo } }),
			});
			const answer = await res.json();
			assert.equal(answer.status, 'success', JSON.stringify(answer));
		};
		const [older, target] = (await sandboxOrders(sb)).slice(-2);
		const to = anotherDeliveryStatus(target.deliveryStatus);
		await v1Update({ order_id: String(target.id), delivery_status: to });
		await v1Update({ order_id: String(older.id), remarks: 'customer called, nothing changed' });
		// A new order: the notify and SourceHub examples fire, and Kapture → SourceHub writes its remark back.
		const [fresh] = (await (await fetch(`${sb.baseUrl}/__sandbox/orders`, { method: 'POST', body: JSON.stringify({ count: 1 }) })).json()).orders;

		const expected = statusChangedMessage(target.id, target.deliveryStatus, to);
		await waitFor(`"${expected}"`, () => statusMessages().includes(expected), { timeoutMs: 30_000 });
		mark('status message');
		await waitFor('the SourceHub remark on the new order', () => /^SourceHub /.test(sb.getOrder(fresh.id).remarks), { timeoutMs: 60_000 });
		await twoPolls('two more polls');
		assert.deepEqual(statusMessages(), [expected], 'exactly one message: the status change, nothing for the remark edits or the new order');
		assert.equal(hook.hits.find((h) => h.json && h.json.text === expected).path, '/notify');
		const executions = await n8n.executions(id);
		assert.equal(executions.length, 1, `executions: ${JSON.stringify(executions.map((e) => [e.id, e.status]))}`);
		assert.equal(executions[0].status, 'success');
		assert.equal(executions[0].mode, 'trigger');
		await n8n.stop();
	});
});
