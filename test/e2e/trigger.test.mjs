// The Kapture Order Trigger in a running n8n (`n8n start`, SQLite, regular
// mode): workflows activated over REST poll their own sandbox every 5 s (Poll
// Times trick, see scripts/n8n/README.md) and POST each order they emit to a
// local recorder. Every check reads both the recorder and n8n's own execution
// records (the trigger node's output in each execution, over the REST API):
// every new order exactly once, none of the orders that existed before
// activation.
//
//   1. orders in batches, also between polls, more than one poll emitting
//      (Max Orders per Poll 3), within the poll interval;
//   2. every v1 pull slower than the poll interval (7 s against 5 s, so two
//      polls always run at once) with Max Orders per Poll given as an
//      expression (n8n 2.40.7 fails expressions read after a poll's first
//      `await` when polls overlap: "No bridge acquired for this context");
//   3. an order dated 4.5 hours ahead of Kapture's clock already there at
//      activation, then ordinary orders, another one dated 4.5 hours ahead,
//      and ordinary orders after it: each new one fires once, the future one
//      in the first poll that sees it;
//   4. (2.x only, an n8n of its own) check 2 under n8n's durable poll
//      scheduler (N8N_SCHEDULER_ENABLED, N8N_SCHEDULER_POLL_TRIGGERS_ENABLED,
//      N8N_USE_WORKFLOW_PUBLICATION_SERVICE, N8N_POLLER_DURABLE_CURSORS_ENABLED),
//      proven in use by its log ("Scheduler started") and its poller_state row:
//      4a. orders created right after activation, as check 2;
//      4b. orders created once the trigger's first state is stored and the
//          polls that started before it have ended.
//
// Run: npm run build && node --test --test-concurrency=1 test/e2e/trigger.test.mjs
// (KAPTURE_N8N_VERSION=1.123.81 for n8n 1.x: `npm run test:e2e:compat`.)
// KAPTURE_E2E_TRIGGER_ONLY=regular|durable runs one of the two n8n set-ups;
// with KAPTURE_E2E_KEEP=1 each n8n's whole log is kept in its user folder (n8n.log).
// Every figure is printed as a test diagnostic and in one line at the end.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { DEFAULT_N8N_VERSION } from '../../scripts/n8n/runtime.mjs';
import {
	EVERY_5_SECONDS,
	credentialData,
	importKaptureCredentials,
	importWorkflows,
	prepareN8n,
	recorder,
	sleep,
	sqliteQuery,
	startSandbox,
	stopwatch,
	triggerExecutions,
	waitFor,
	workflowFixture,
	ONE_POLL_MS,
	POLL_MS,
} from './lib/harness.mjs';

const CAP = 3;
// Check 2: every v1 pull answers after this long, more than the poll interval.
const SLOW_PULL_MS = 7_000;
// Pulls one poll of a small account makes, one after the other (the first page, a probe, the
// page that shows the list ended): with 7 s each a poll takes up to 21 s.
const POLL_REQUESTS_AT_MOST = 3;
const TRIGGER_NODE_NAME = 'New Kapture Order';
const HOUR = 3_600_000;
const FUTURE_MS = 4.5 * HOUR;
const MAJOR = Number(DEFAULT_N8N_VERSION.split('.')[0]);

const DURABLE_SCHEDULER = {
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
};

const ONLY = process.env.KAPTURE_E2E_TRIGGER_ONLY;
const figures = {};

/** With KAPTURE_E2E_KEEP=1, the server's whole output next to its database. */
function keepLog(env, server) {
	if (process.env.KAPTURE_E2E_KEEP && env && server) fs.writeFileSync(path.join(env.userFolder, 'n8n.log'), server.output());
}
const log = (line) => process.stderr.write(`[e2e trigger] ${line}\n`);

after(() => log(`figures ${JSON.stringify(figures)}`));

/** Most v1 pulls in flight at once after `afterSeq`: one poll's requests run one after the other, so 2+ means polls overlapped. */
function mostPullsAtOnce(sb, afterSeq = 0) {
	const edges = [];
	for (const r of sb.requests()) {
		if (r.seq <= afterSeq || r.api !== 'v1Pull') continue;
		const end = r.status === 0 ? Infinity : r.at + Math.max(r.durationMs, 0.001);
		edges.push([r.at, 1], [end, -1]);
	}
	edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let now = 0;
	let most = 0;
	for (const [, d] of edges) most = Math.max(most, (now += d));
	return most;
}

const pullsOf = (sb, afterSeq = 0) => sb.requests().filter((r) => r.api === 'v1Pull' && r.seq > afterSeq);
const lastSeq = (sb) => {
	const entries = sb.requests();
	return entries.length ? entries[entries.length - 1].seq : 0;
};

/** How often each id occurs. */
function countIds(ids) {
	const counts = new Map();
	for (const id of ids) counts.set(id, (counts.get(id) || 0) + 1);
	return counts;
}

/**
 * Checks one workflow's firings against the orders created after activation:
 * at the recorder and in n8n's execution records, each new order exactly
 * once and nothing else. Returns the figures.
 */
async function assertExactlyOnce(n8n, workflowId, { received, expected, existing, label }) {
	const executions = await triggerExecutions(n8n, workflowId, TRIGGER_NODE_NAME);
	const inExecutions = executions.flatMap((e) => e.ids);
	const recorded = received();
	const want = [...expected].sort((a, b) => a - b);
	const existingIds = new Set(existing.map((o) => o.id));
	const result = {
		newOrders: want.length,
		executions: executions.length,
		executionStatuses: countIds(executions.map((e) => `${e.mode}/${e.status}`)),
		ordersInExecutions: inExecutions.length,
		firedAtRecorder: recorded.length,
		firedTwice: [...countIds(inExecutions).values()].filter((c) => c > 1).length,
		preExistingFired: inExecutions.filter((id) => existingIds.has(id)).length,
	};
	log(`${label}: ${JSON.stringify({ ...result, executionStatuses: Object.fromEntries(result.executionStatuses) })}`);
	assert.deepEqual([...inExecutions].sort((a, b) => a - b), want, `${label}: n8n's executions hold every new order exactly once`);
	assert.deepEqual([...recorded].sort((a, b) => a - b), want, `${label}: the recorder got every new order exactly once`);
	assert.equal(result.preExistingFired, 0, `${label}: no order that existed at activation fired`);
	assert.ok(
		executions.every((e) => e.mode === 'trigger' && e.status === 'success'),
		`${label}: every execution is a successful trigger execution: ${JSON.stringify(executions.map((e) => [e.id, e.mode, e.status, e.error]))}`,
	);
	return { ...result, executionStatuses: Object.fromEntries(result.executionStatuses), executionList: executions };
}

/**
 * Check 2's body, shared by the default and the durable scheduler: seed,
 * slow the sandbox down, activate, (`settle`: wait for it), insert 10 orders
 * in two batches while polls run, wait for them and for the polls running
 * then to end, then judge.
 */
async function overlappingPolls(t, { n8n, server, sb, rec, workflowId, label, settle }) {
	const existing = sb.seedOrders(6);
	sb.setLatency(SLOW_PULL_MS);
	const seq = lastSeq(sb);
	const startedAt = Date.now();
	await n8n.activate(workflowId, { timeoutMs: 120_000 });
	await waitFor('the first poll to be answered', () => pullsOf(sb, seq).some((r) => r.status !== 0), { timeoutMs: 60_000, intervalMs: 100 });
	if (settle) await settle();
	const activatedMs = Date.now() - startedAt;
	const received = () => rec.hits.filter((h) => h.path === '/order' && h.json).map((h) => Number(h.json.id));
	const inserted = [];
	for (let i = 0; i < 5; i++) inserted.push(sb.insertOrder().id);
	await sleep(3_000);
	for (let i = 0; i < 5; i++) inserted.push(sb.insertOrder().id);
	const insertedAt = Date.now();
	await waitFor('the 10 new orders at the recorder', () => inserted.every((id) => received().includes(id)), { timeoutMs: 120_000, intervalMs: 250 }).catch(async (error) => {
		// What the polls and n8n did, for whoever reads the failure.
		const pulls = pullsOf(sb, seq).map((r) => ({ seq: r.seq, atS: Math.round((r.at - startedAt) / 100) / 10, ms: Math.round(r.durationMs), status: r.status }));
		const executions = await triggerExecutions(n8n, workflowId, TRIGGER_NODE_NAME).catch((e) => e.message);
		t.diagnostic(`pulls: ${JSON.stringify(pulls)}`);
		t.diagnostic(`received: ${JSON.stringify(received())}; executions: ${JSON.stringify(executions)}`);
		if (server) t.diagnostic(`n8n's log (end):\n${server.output().slice(-6000)}`);
		throw error;
	});
	const arrivedMs = Date.now() - insertedAt;
	// Every poll that was running when the last order arrived ends (a poll makes at most 3
	// pulls one after the other, 21 s), so any that would emit an order again has done so,
	// and its execution has run.
	await sleep(POLL_REQUESTS_AT_MOST * SLOW_PULL_MS + 5_000);
	await n8n.deactivate(workflowId);
	await sleep(SLOW_PULL_MS + 1_000); // polls still in flight end; none may emit
	sb.setLatency(0);

	const pulls = pullsOf(sb, seq);
	const judged = await assertExactlyOnce(n8n, workflowId, { received, expected: inserted, existing, label });
	const result = {
		pullLatencyMs: SLOW_PULL_MS,
		pollIntervalMs: POLL_MS,
		pulls: pulls.length,
		mostPullsAtOnce: mostPullsAtOnce(sb, seq),
		activationMs: activatedMs,
		msFromLastInsertToAllArrived: arrivedMs,
		...judged,
		executionList: judged.executionList.map((e) => ({ id: e.id, orders: e.ids.length })),
	};
	t.diagnostic(JSON.stringify(result));
	assert.ok(result.mostPullsAtOnce >= 2, `the set-up made polls overlap (most pulls at once: ${result.mostPullsAtOnce})`);
	return result;
}

describe(`Kapture Order Trigger in a running n8n ${DEFAULT_N8N_VERSION} (regular mode)`, { timeout: 15 * 60_000, skip: ONLY && ONLY !== 'regular' ? `KAPTURE_E2E_TRIGGER_ONLY=${ONLY}` : false }, () => {
	const clock = stopwatch('trigger');
	const sandboxes = {};
	let env;
	let n8n;
	let server;
	let rec;
	const ids = {};

	before(async () => {
		sandboxes.basic = await startSandbox();
		sandboxes.slow = await startSandbox();
		sandboxes.future = await startSandbox();
		rec = await recorder();
		env = await prepareN8n('trigger');
		n8n = env.n8n;
		clock.mark('n8n folder + package');
		const credentials = await importKaptureCredentials(
			n8n,
			Object.entries(sandboxes).map(([name, sb]) => ({ name: `Kapture sandbox (${name})`, data: credentialData(sb) })),
		);
		const [basic, slow, future] = credentials;
		const fixture = (credential, path, maxOrdersPerPoll, name) => ({
			...workflowFixture('trigger-to-recorder.json', {
				credentialId: credential.id,
				credentialName: credential.name,
				recorderUrl: `${rec.url}${path}`,
				pollTimes: EVERY_5_SECONDS,
				maxOrdersPerPoll,
			}),
			name,
		});
		[ids.basic, ids.slow, ids.future] = await importWorkflows(n8n, [
			fixture(basic, '', CAP, 'trigger e2e: batches, cap 3'),
			fixture(slow, '/slow', '={{ 100 }}', 'trigger e2e: pulls slower than the poll interval'),
			fixture(future, '/future', '={{ 100 }}', 'trigger e2e: orders dated in the future'),
		]);
		clock.mark('imports');
		server = await n8n.start();
		await n8n.ownerSetup();
		clock.mark('n8n start');
	});

	after(async () => {
		clock.report();
		const output = server ? server.output() : '';
		figures.regularNoBridgeErrors = (output.match(/No bridge acquired/g) || []).length;
		keepLog(env, server);
		if (env) await env.cleanup();
		if (rec) await rec.close();
		for (const sb of Object.values(sandboxes)) await sb.close();
	});

	test('1. every inserted order fires exactly once, within the poll interval, across several polls', async (t) => {
		const sb = sandboxes.basic;
		const existing = sb.seedOrders(6); // already there at activation: must never fire
		const triggerPulls = () => pullsOf(sb);
		const received = () => rec.hits.filter((h) => h.path === '/order' && h.json).map((h) => Number(h.json.id));

		/** Resolves just after the next poll's first request reached the sandbox. */
		async function nextPoll() {
			const count = triggerPulls().length;
			await waitFor('the next poll', () => triggerPulls().length > count, { timeoutMs: ONE_POLL_MS, intervalMs: 50 });
			await sleep(300); // let the poll's remaining pages through
		}

		/** Inserts `n` orders dated now; returns [{id, at}] */
		function insert(n) {
			return Array.from({ length: n }, () => ({ id: sb.insertOrder().id, at: Date.now() }));
		}

		async function arrivalOf(batch, timeoutMs) {
			const want = new Set(batch.map((b) => b.id));
			await waitFor(`orders ${[...want].join(', ')} at the recorder`, () => {
				const got = new Set(received());
				return [...want].every((id) => got.has(id));
			}, { timeoutMs });
			const firstHit = (id) => rec.hits.find((h) => h.path === '/order' && h.json && Number(h.json.id) === id);
			return batch.map((b) => firstHit(b.id).at - b.at);
		}

		await n8n.activate(ids.basic);
		assert.ok((await n8n.activeWorkflows()).includes(ids.basic), 'the workflow is active');
		// The poll at activation only notes where Kapture stands.
		await waitFor('the first poll', () => triggerPulls().length > 0, { timeoutMs: ONE_POLL_MS });
		clock.mark('activated');

		const inserted = [];
		// Batch A: two orders in the middle of an interval.
		await nextPoll();
		await sleep(1_500);
		const a = insert(2);
		inserted.push(...a);
		const latencyA = await arrivalOf(a, ONE_POLL_MS + 2_000);
		t.diagnostic(`batch A latency (ms): ${latencyA.join(', ')}`);
		assert.ok(latencyA.every((ms) => ms <= ONE_POLL_MS), `batch A within one poll: ${latencyA}`);

		// Batch B: five at once, more than one poll may emit (cap 3): two polls.
		const b = insert(5);
		inserted.push(...b);
		const latencyB = await arrivalOf(b, 2 * ONE_POLL_MS);
		t.diagnostic(`batch B latency (ms): ${latencyB.join(', ')}`);
		assert.ok(latencyB.every((ms) => ms <= POLL_MS + ONE_POLL_MS), `batch B within two polls: ${latencyB}`);

		// Batch C: one right after a poll started, one half an interval later.
		await nextPoll();
		const c1 = insert(1);
		await sleep(POLL_MS / 2);
		const c2 = insert(1);
		inserted.push(...c1, ...c2);
		const latencyC = await arrivalOf([...c1, ...c2], ONE_POLL_MS + 2_000);
		t.diagnostic(`batch C latency (ms): ${latencyC.join(', ')}`);
		assert.ok(latencyC.every((ms) => ms <= ONE_POLL_MS), `batch C within one poll: ${latencyC}`);
		clock.mark('all arrived');

		// Two more polls with nothing new: nothing more may arrive.
		await nextPoll();
		await nextPoll();
		await sleep(1_000);
		await n8n.deactivate(ids.basic);

		const judged = await assertExactlyOnce(n8n, ids.basic, { received, expected: inserted.map((o) => o.id), existing, label: 'check 1' });
		// No poll emitted more than Max Orders per Poll, and B needed more than one.
		const perExecution = judged.executionList.map((e) => e.ids.length);
		t.diagnostic(`orders per execution: ${perExecution.join(', ')}`);
		assert.ok(perExecution.every((n) => n <= CAP), 'at most 3 orders per poll');
		assert.ok(perExecution.length >= 4, `several polls emitted: ${perExecution.length}`);
		figures.batches = { ...judged, executionList: perExecution, latencyMs: { a: latencyA, b: latencyB, c: latencyC }, pulls: triggerPulls().length };
		clock.mark('check 1');
	});

	test('2. every v1 pull slower than the poll interval (7 s, polls every 5 s), Max Orders per Poll as an expression: each new order once', async (t) => {
		figures.overlapping = await overlappingPolls(t, { n8n, server, sb: sandboxes.slow, rec: sliceHits(rec, '/slow'), workflowId: ids.slow, label: 'check 2' });
		const output = server.output();
		assert.doesNotMatch(output, /No bridge acquired/, 'no poll lost its expression isolate');
		clock.mark('check 2');
	});

	test('3. an order dated 4.5 h ahead of Kapture\'s clock, at activation and later: each new order once, the future one when first seen', async (t) => {
		const sb = sandboxes.future;
		const now = () => sb.clock.now();
		const existing = [...sb.seedOrders(6), sb.insertOrder({ createDate: now() + FUTURE_MS })];
		const seq = lastSeq(sb);
		const hits = sliceHits(rec, '/future');
		const received = () => hits.hits.filter((h) => h.path === '/order' && h.json).map((h) => Number(h.json.id));
		const arrival = async (orderIds, what) => {
			const from = Date.now();
			await waitFor(what, () => orderIds.every((id) => received().includes(id)), { timeoutMs: 2 * ONE_POLL_MS, intervalMs: 100 });
			return Date.now() - from;
		};
		const nextPoll = async () => {
			const count = pullsOf(sb, seq).length;
			await waitFor('the next poll', () => pullsOf(sb, seq).length > count, { timeoutMs: ONE_POLL_MS, intervalMs: 50 });
		};

		await n8n.activate(ids.future);
		await waitFor('the first poll', () => pullsOf(sb, seq).some((r) => r.status !== 0), { timeoutMs: ONE_POLL_MS, intervalMs: 100 });
		await nextPoll();
		// Ordinary orders after an order dated in the future that was there at activation.
		const first = [sb.insertOrder().id, sb.insertOrder().id];
		const firstMs = await arrival(first, 'the orders after the pre-existing future one');
		// A new order dated 4.5 h ahead: fires in the first poll that sees it.
		const future = sb.insertOrder({ createDate: now() + FUTURE_MS }).id;
		const futureMs = await arrival([future], 'the new future-dated order');
		const second = [sb.insertOrder().id, sb.insertOrder().id, sb.insertOrder().id];
		const secondMs = await arrival(second, 'the orders after the new future one');
		await nextPoll();
		const third = [sb.insertOrder().id, sb.insertOrder().id];
		const thirdMs = await arrival(third, 'the orders two polls later');
		await nextPoll();
		await nextPoll();
		await sleep(2_000);
		await n8n.deactivate(ids.future);

		const expected = [...first, future, ...second, ...third];
		const judged = await assertExactlyOnce(n8n, ids.future, { received, expected, existing, label: 'check 3' });
		// "When first seen": the execution that carries the future order holds none of the orders inserted after it.
		const carrier = judged.executionList.find((e) => e.ids.includes(future));
		assert.ok(carrier, 'the future-dated order is in an execution');
		assert.deepEqual(carrier.ids.filter((id) => second.includes(id) || third.includes(id)), [], 'it fired before the orders created after it were there');
		figures.futureDated = {
			futureMs: FUTURE_MS,
			msToArrive: { afterPreExistingFuture: firstMs, newFuture: futureMs, afterNewFuture: secondMs, twoPollsLater: thirdMs },
			pulls: pullsOf(sb, seq).length,
			...judged,
			executionList: judged.executionList.map((e) => e.ids.length),
		};
		t.diagnostic(JSON.stringify(figures.futureDated));
		assert.ok(futureMs <= ONE_POLL_MS, `the future-dated order arrived within one poll: ${futureMs} ms`);
		clock.mark('check 3');
	});
});

describe(`Kapture Order Trigger under n8n's durable poll scheduler (n8n ${DEFAULT_N8N_VERSION})`, { timeout: 12 * 60_000, skip: MAJOR < 2 ? 'n8n 1.x has no durable poll scheduler' : ONLY && ONLY !== 'durable' ? `KAPTURE_E2E_TRIGGER_ONLY=${ONLY}` : false }, () => {
	const clock = stopwatch('trigger durable');
	const sandboxes = {};
	let env;
	let n8n;
	let server;
	let rec;
	const ids = {};

	before(async () => {
		sandboxes.atOnce = await startSandbox();
		sandboxes.settled = await startSandbox();
		rec = await recorder();
		env = await prepareN8n('trigger-durable', { env: DURABLE_SCHEDULER });
		n8n = env.n8n;
		const credentials = await importKaptureCredentials(
			n8n,
			Object.entries(sandboxes).map(([name, sb]) => ({ name: `Kapture sandbox (${name})`, data: credentialData(sb) })),
		);
		const fixture = (credential, path, name) => ({
			...workflowFixture('trigger-to-recorder.json', {
				credentialId: credential.id,
				credentialName: credential.name,
				recorderUrl: `${rec.url}${path}`,
				pollTimes: EVERY_5_SECONDS,
				maxOrdersPerPoll: '={{ 100 }}',
			}),
			name,
		});
		[ids.atOnce, ids.settled] = await importWorkflows(n8n, [
			fixture(credentials[0], '/at-once', 'trigger e2e durable: orders right after activation'),
			fixture(credentials[1], '/settled', 'trigger e2e durable: orders once the first state is stored'),
		]);
		clock.mark('imports');
		server = await n8n.start();
		await n8n.ownerSetup();
		clock.mark('n8n start');
	});

	after(async () => {
		clock.report();
		keepLog(env, server);
		if (env) await env.cleanup();
		if (rec) await rec.close();
		for (const sb of Object.values(sandboxes)) await sb.close();
	});

	/** The trigger's state in n8n's poller_state table (the durable cursor), or undefined. */
	async function storedState(workflowId) {
		const rows = await sqliteQuery(n8n, `SELECT "cursor" FROM poller_state WHERE "workflowId" = '${workflowId}'`);
		assert.ok(rows.length <= 1, `one poller_state row per trigger node: ${rows.length}`);
		return rows.length ? JSON.parse(rows[0].cursor).kaptureOrderTrigger : undefined;
	}

	async function judgeStored(workflowId, result) {
		const stored = await storedState(workflowId);
		assert.equal(stored && stored.version, 2, `n8n keeps the trigger's state in its poller_state table: ${JSON.stringify(stored).slice(0, 200)}`);
		assert.doesNotMatch(server.output(), /No bridge acquired/, 'no poll lost its expression isolate');
		return { ...result, schedulerStarted: /Scheduler started/.test(server.output()), pollerStateRow: true, storedHorizon: stored.horizon };
	}

	test(
		'4a. every v1 pull slower than the poll interval, durable scheduler, orders created right after activation: each new order once',
		// Failed until the first state stored was made to stand: every poll that started before it ran the
		// activation read and the last to end stored its own (engine test: pollActivationOverlap.test.ts).
		async (t) => {
			assert.match(server.output(), /Scheduler started/, 'n8n started its durable scheduler');
			const result = await overlappingPolls(t, { n8n, server, sb: sandboxes.atOnce, rec: sliceHits(rec, '/at-once'), workflowId: ids.atOnce, label: 'check 4a (durable, right after activation)' });
			figures.durableRightAfterActivation = await judgeStored(ids.atOnce, result);
			clock.mark('check 4a');
		},
	);

	test('4b. every v1 pull slower than the poll interval, durable scheduler, once the first state is stored: each new order once', async (t) => {
		assert.match(server.output(), /Scheduler started/, 'n8n started its durable scheduler');
		const workflowId = ids.settled;
		// The polls that started before the first state was stored (each runs the activation read) have ended.
		const settle = async () => {
			await waitFor('the trigger\'s first state in poller_state', async () => (await storedState(workflowId)) !== undefined, { timeoutMs: 120_000, intervalMs: 500 });
			const storedAt = new Date().toISOString().replace('T', ' ').slice(0, 23);
			const tasks = `FROM scheduled_task WHERE "taskType" = 'workflow:poll-trigger' AND payload LIKE '%${workflowId}%'`;
			await waitFor('the polls that started before it to end', async () => {
				const [row] = await sqliteQuery(n8n, `SELECT count(*) AS running ${tasks} AND "startedAt" <= '${storedAt}' AND "finishedAt" IS NULL`);
				return row.running === 0;
			}, { timeoutMs: 120_000, intervalMs: 500 });
		};
		const result = await overlappingPolls(t, { n8n, server, sb: sandboxes.settled, rec: sliceHits(rec, '/settled'), workflowId, label: 'check 4b (durable, settled)', settle });
		figures.durable = await judgeStored(workflowId, result);
		clock.mark('check 4b');
	});
});

/** A view of the recorder's hits under one path prefix, with the prefix taken off. */
function sliceHits(rec, prefix) {
	return {
		get hits() {
			return rec.hits.filter((h) => h.path.startsWith(`${prefix}/`)).map((h) => ({ ...h, path: h.path.slice(prefix.length) }));
		},
	};
}
