// Our nodes in n8n's queue mode, end to end: a real Postgres and a real Redis
// (Debian's packages, installed when missing, throwaway data on loopback
// ports), an `n8n start` main with our built package installed as a community
// package, and two `n8n worker` processes, each with the package in its own
// user folder, all from the pinned runtime; the Kapture sandbox in this
// process. Every check reads the sandbox's state (orders, duplicates by ERP
// Order ID, requests in flight, 429s) and n8n's execution records in Postgres.
//
//   0. a worker WITHOUT the package fails the execution (what to install where)
//   1. the trigger on main while the workers are busy, main restarted (SIGTERM)
//      in the middle: every new order fires exactly once
//   2. against a Kapture of its own (a few orders), every v1 pull answers
//      after 7 s, so each poll outlasts the 5 s poll interval and overlaps the
//      next ones (Max Orders per Poll given as an
//      expression, which n8n 2.40.7 loses when polls overlap unless it is read
//      before the poll's first await): every new order fires exactly once, in
//      the recorder and in n8n's execution records
//   3. 4 webhook executions x 500 Creates, Parallel Requests 10: 2,000 orders,
//      0 duplicates, executions on both workers, peak in flight <= 40
//   4. the same with 10 % 429s: no failed item, no duplicate, within 5 minutes
//  4b. the same with Options > When Asked to Slow Down = Only Wait as Asked:
//      no failed item, no duplicate, and the time against check 4's
//   5. a worker SIGKILLed in the middle of a bulk Create: what n8n does, what
//      the user sees, and what a re-run does (without / with "If the ERP
//      Order ID Exists: Skip", when the built node has that option)
//   6. an account-wide requests-per-second limit in the sandbox: 429 storms
//      from executions on several workers that one execution does not cause
//
// Run: npm run test:e2e:queue   (builds, then node --test test/e2e-queue/)
// Phase durations and every figure are printed at the end.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cacheRoot, DEFAULT_N8N_VERSION, ensureRuntime } from '../../scripts/n8n/runtime.mjs';
import { createInstance } from '../../scripts/n8n/instance.mjs';
import {
	ACCOUNT_TIME_ZONE,
	EVERY_5_SECONDS,
	chainWorkflow,
	credentialData,
	importKaptureCredentials,
	orderNode,
	recorder,
	repoRoot,
	sleep,
	splitOutNode,
	startSandbox,
	waitFor,
	webhookTrigger,
	workflowFixture,
} from '../e2e/lib/harness.mjs';
import { clusterRoot, executionRecords, executionRunData, prepareCluster } from './lib/cluster.mjs';
import { findCreateSkipOption, withSkipOption } from './lib/nodeOptions.mjs';
import { ensureServerPackages, startPostgres, startRedis } from './lib/services.mjs';

const WORKERS = 2;
// Jobs each worker runs at once (`n8n worker --concurrency`, n8n's default is
// 10). 2 makes 4 simultaneous executions land 2 + 2, and bounds the account's
// requests in flight at WORKERS x 2 x Parallel Requests.
const WORKER_CONCURRENCY = 2;
const PARALLEL = 10;
const EXECUTIONS = 4;
const ORDERS_PER_EXECUTION = 500;
const BULK_PATH = 'kapture-bulk';
const BULK_WAIT_ONLY_PATH = 'kapture-bulk-wait-only';
const KILL_PATH = 'kapture-bulk-kill';
const KILL_ORDERS = 1000;
const KILL_PARALLEL = 2;
// Shorter than n8n's defaults (lock 60 s, stalled check every 30 s) so a
// killed worker's job is declared stalled in ~30-40 s instead of ~2 min.
const STALL_SETTINGS = { QUEUE_WORKER_LOCK_DURATION: '30000', QUEUE_WORKER_STALLED_INTERVAL: '10000' };
const ACCOUNT_LIMIT_RPS = 150;
// Check 2: every v1 pull answers after this long, more than the 5 s between polls.
const SLOW_PULL_MS = 7_000;

const log = (line) => process.stderr.write(`[e2e queue] ${line}\n`);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

describe('n8n queue mode: main + 2 workers, Postgres, Redis', { timeout: 40 * 60_000 }, () => {
	const phases = [];
	const figures = {};
	let phaseStart = Date.now();
	const phase = (name) => {
		const now = Date.now();
		phases.push([name, now - phaseStart]);
		log(`phase ${name}: ${secs(now - phaseStart)}`);
		phaseStart = now;
	};

	let runtime;
	let sb;
	// Check 2's own Kapture (a few orders, every pull slow): the checks before it fill \`sb\`'s overlap window.
	let sbSlow;
	let pg;
	let redis;
	let root;
	let cluster;
	let main;
	let mainServer;
	let bare;
	let rec;
	let credential;
	let skipOption;
	const ids = {};

	before(async () => {
		assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'nodes', 'Kapture', 'KaptureOrder.node.js')), 'dist/ is missing: run `npm run build` first');
		const packages = await ensureServerPackages({ log });
		figures.debianInstalled = packages.installed;
		phase(packages.installed.length ? `apt-get install ${packages.installed.join(' ')}` : 'Debian packages already there');
		runtime = await warmRuntime();
		phase('n8n runtime');

		sb = await startSandbox();
		sbSlow = await startSandbox();
		sbSlow.seedOrders(6);
		rec = await recorder();
		[pg, redis] = await Promise.all([startPostgres({ log }), startRedis({ log })]);
		phase('postgres + redis');

		root = clusterRoot(repoRoot);
		cluster = await prepareCluster({ runtime, postgres: pg, redis, root, packageDir: repoRoot, workers: WORKERS, env: STALL_SETTINGS });
		main = cluster.main;
		phase('user folders + package installed 3 times');

		skipOption = findCreateSkipOption(repoRoot);
		let slowCredential;
		[credential, slowCredential] = await importKaptureCredentials(main, [
			{ name: 'Kapture sandbox', data: credentialData(sb) },
			{ name: 'Kapture sandbox (slow)', data: credentialData(sbSlow) },
		]);
		const inTimeZone = (wf) => ({ ...wf, settings: { timezone: ACCOUNT_TIME_ZONE } });
		const killParameters = createParameters(KILL_PARALLEL);
		const triggerToRecorder = (recorderUrl, name, { maxOrdersPerPoll = 1000, kapture = credential } = {}) => ({
			...workflowFixture('trigger-to-recorder.json', {
				credentialId: kapture.id,
				credentialName: kapture.name,
				recorderUrl,
				pollTimes: EVERY_5_SECONDS,
				maxOrdersPerPoll,
			}),
			name,
		});
		[ids.bulk, ids.bulkWaitOnly, ids.kill, ids.trigger, ids.slowTrigger] = await main.importWorkflows([
			inTimeZone(bulkWorkflow('queue: bulk create', BULK_PATH, createParameters(PARALLEL))),
			inTimeZone(bulkWorkflow('queue: bulk create (only wait when asked)', BULK_WAIT_ONLY_PATH, createParameters(PARALLEL, { slowDown: 'waitOnly' }))),
			inTimeZone(bulkWorkflow('queue: bulk create (killed)', KILL_PATH, skipOption ? withSkipOption(killParameters, skipOption) : killParameters)),
			inTimeZone(triggerToRecorder(rec.url, 'queue: new orders -> recorder')),
			inTimeZone(triggerToRecorder(`${rec.url}/slow`, 'queue: new orders -> recorder (slow Kapture)', { maxOrdersPerPoll: '={{ 1000 }}', kapture: slowCredential })),
		]);
		phase('imports (credential, 5 workflows) into Postgres');

		mainServer = await main.start();
		await main.ownerSetup();
		// Publishing over REST instead of `n8n publish:workflow` saves two n8n boots.
		await main.activate(ids.bulk);
		await main.activate(ids.bulkWaitOnly);
		await main.activate(ids.kill);
		phase('n8n start (main, queue mode), webhooks published');
	});

	after(async () => {
		const steps = [
			() => bare && bare.stopWorkers(),
			() => cluster && cluster.stop(),
			() => pg && pg.stop(),
			() => redis && redis.stop(),
			() => sb && sb.close(),
			() => sbSlow && sbSlow.close(),
			() => rec && rec.close(),
		];
		for (const step of steps) {
			try {
				await step();
			} catch (e) {
				log(`cleanup: ${e.message}`);
			}
		}
		if (root && !process.env.KAPTURE_E2E_KEEP) fs.rmSync(root, { recursive: true, force: true, maxRetries: 5 });
		phase('stopped everything');
		const total = phases.reduce((sum, [, ms]) => sum + ms, 0);
		log(`phases: ${phases.map(([name, ms]) => `${name} ${secs(ms)}`).join('; ')}; total ${secs(total)}`);
		log(`figures ${JSON.stringify(figures, null, 1)}`);
	});

	// ---- helpers -------------------------------------------------------------

	/** test() that ends its phase (printed at the end) whether it passes or not. */
	function timedTest(name, ...rest) {
		const fn = rest.pop();
		const options = rest[0] || {};
		test(name, options, async (t) => {
			try {
				return await fn(t);
			} finally {
				phase(`check ${name.slice(0, name.indexOf(' '))} ${name.slice(name.indexOf(' ') + 1, name.indexOf(' ') + 41)}…`);
			}
		});
	}

	/** Most v1 pulls in flight at once after `afterSeq`: one poll's requests run one after the other, so 2+ means two polls overlapped. */
	function maxConcurrentPulls(afterSeq, sandbox = sb) {
		const edges = [];
		for (const r of sandbox.requests()) {
			if (r.seq <= afterSeq || r.api !== 'v1Pull') continue;
			edges.push([r.at, 1], [r.at + Math.max(r.durationMs, 0.001), -1]);
		}
		edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
		let now = 0;
		let most = 0;
		for (const [, d] of edges) most = Math.max(most, (now += d));
		return most;
	}

	/** Trigger polls after `afterSeq` as [startMs, endMs] (a poll starts with offset 0; restarts count as new polls). */
	function pollSpans(afterSeq, sandbox = sb) {
		const spans = [];
		for (const r of sandbox.requests()) {
			if (r.seq <= afterSeq || r.api !== 'v1Pull') continue;
			const end = r.at + r.durationMs;
			if (String(r.body && r.body.offset) === '0' || spans.length === 0) spans.push([r.at, end]);
			else spans[spans.length - 1][1] = Math.max(spans[spans.length - 1][1], end);
		}
		return spans;
	}

	function createParameters(parallel, options = {}) {
		return {
			operation: 'add',
			api: 'v1',
			customerName: '={{ $json.name }}',
			phone: '={{ $json.phone }}',
			orderFields: {
				erpOrderId: '={{ $json.erp }}',
				// Evaluated on the worker: which process created the order.
				remarks: '={{ "created on " + $env.KAPTURE_WORKER_NAME }}',
			},
			options: { parallelRequests: parallel, ...options },
		};
	}

	/** Webhook (answers at once) → Split Out body.items → Kapture Order Create. */
	function bulkWorkflow(name, webhookPath, parameters) {
		return chainWorkflow(name, [
			webhookTrigger(webhookPath, { responseMode: 'onReceived' }),
			splitOutNode('body.items'),
			orderNode('Kapture', parameters, { credential }),
		]);
	}

	function orderItems(prefix, n) {
		return Array.from({ length: n }, (_, i) => ({
			name: `Queue ${prefix} ${i + 1}`,
			phone: `9${String(200000000 + i).padStart(9, '0')}`,
			erp: `${prefix}-${i + 1}`,
		}));
	}

	async function fire(webhookPath, items) {
		const res = await fetch(`${main.baseUrl}/webhook/${webhookPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ items }),
			signal: AbortSignal.timeout(60_000),
		});
		assert.equal(res.status, 200, `webhook ${webhookPath}: ${res.status} ${await res.text()}`);
		await res.arrayBuffer().catch(() => undefined);
	}

	async function lastExecutionId() {
		const rows = await pg.query('SELECT coalesce(max(id), 0) FROM execution_entity');
		return Number(rows[0][0]);
	}

	/** Waits until `count` executions newer than `afterId` of a workflow have finished; returns their records. */
	async function finishedExecutions(workflowId, afterId, count, timeoutMs = 240_000) {
		const where = `"workflowId" = '${workflowId}' AND id > ${afterId}`;
		return await waitFor(`${count} finished executions of ${workflowId}`, async () => {
			const records = await executionRecords(pg, where);
			const done = records.filter((r) => !['new', 'running', 'waiting'].includes(r.status));
			return records.length >= count && done.length === records.length ? records : null;
		}, { timeoutMs, intervalMs: 500 });
	}

	function ordersWithPrefix(prefix) {
		return sb.listOrders().filter((o) => typeof o.erpOrderId === 'string' && o.erpOrderId.startsWith(`${prefix}-`));
	}

	function duplicateCount(orders) {
		return orders.length - new Set(orders.map((o) => o.erpOrderId)).size;
	}

	/** Most requests of one API in any one-second window, among log entries after `afterSeq`. */
	function peakPerSecond(afterSeq, api = 'v1AddUpdate', pick = () => true) {
		const at = sb.requests().filter((r) => r.seq > afterSeq && r.api === api && pick(r)).map((r) => r.at).sort((a, b) => a - b);
		let best = 0;
		for (let i = 0, j = 0; j < at.length; j++) {
			while (at[j] - at[i] >= 1000) i++;
			best = Math.max(best, j - i + 1);
		}
		return best;
	}

	const lastSeq = (sandbox = sb) => {
		const log = sandbox.requests();
		return log.length ? log[log.length - 1].seq : 0;
	};

	async function ensureWorkers() {
		const down = cluster.workers.filter((w) => !w.process || w.process.hasExited());
		if (down.length === 0) return;
		await Promise.all(down.map((w) => cluster.startWorker(w, { concurrency: WORKER_CONCURRENCY })));
		phase(`${down.length} worker(s) started`);
	}

	/** 4 executions of a bulk workflow at once (by default the one of checks 3 and 4); returns {records, orders per prefix, ms}. */
	async function bulkRun(label, timeoutMs, { path: webhookPath = BULK_PATH, workflowId = ids.bulk } = {}) {
		const afterId = await lastExecutionId();
		const prefixes = Array.from({ length: EXECUTIONS }, (_, k) => `${label}${k + 1}`);
		const started = Date.now();
		await Promise.all(prefixes.map((p) => fire(webhookPath, orderItems(p, ORDERS_PER_EXECUTION))));
		const records = await finishedExecutions(workflowId, afterId, EXECUTIONS, timeoutMs);
		const ms = Date.now() - started;
		const orders = prefixes.flatMap((p) => ordersWithPrefix(p));
		return { records, orders, ms };
	}

	// ---- the checks ----------------------------------------------------------

	timedTest('0. a worker without our package in its user folder fails executions that use our nodes', async (t) => {
		bare = await createInstance({ runtime, userFolder: path.join(root, 'worker-without-package'), env: cluster.shared });
		const worker = await bare.startWorker({ concurrency: 1, label: 'worker-without-package', env: { KAPTURE_WORKER_NAME: 'worker-without-package' } });
		phase('worker without the package started');
		let record;
		try {
			const afterId = await lastExecutionId();
			await fire(BULK_PATH, orderItems('bare', 2));
			[record] = await finishedExecutions(ids.bulk, afterId, 1, 120_000).catch(async (e) => {
				const records = await executionRecords(pg, `id > ${afterId}`);
				throw new Error(`${e.message}; executions: ${JSON.stringify(records)}; that worker's log:\n${worker.output().slice(-3000)}`);
			});
		} finally {
			// Never leave it running: it would take (and fail) later checks' jobs.
			await bare.stopWorkers();
		}
		const runData = await executionRunData(pg, runtime, record.id);
		const message = runData && runData.resultData && runData.resultData.error && runData.resultData.error.message;
		t.diagnostic(`execution ${record.id}: status ${record.status}, error "${message}"`);
		figures.workerWithoutPackage = { status: record.status, error: message };
		assert.equal(record.status, 'error');
		assert.match(String(message), /Unrecognized node type: n8n-nodes-kapture\.kaptureOrder/);
		assert.match(worker.output(), new RegExp(`Worker started execution ${record.id}\\b`), 'that worker took the job');
		assert.equal(ordersWithPrefix('bare').length, 0, 'nothing reached Kapture');
	});

	timedTest('1. the trigger on main while the workers are busy; main restarted (SIGTERM) in the middle: every new order fires exactly once', async (t) => {
		await ensureWorkers();
		sb.setLatency(20);
		const pulls = () => sb.requests().filter((r) => r.api === 'v1Pull').length;
		const seqAtActivation = lastSeq();
		await main.activate(ids.trigger);
		await waitFor('the first poll', () => pulls() > 0, { timeoutMs: 30_000, intervalMs: 100 });
		await sleep(1_000); // the first poll only notes where Kapture stands
		const existing = sb.listOrders();
		const newestBefore = Math.max(...existing.map((o) => o.id));
		const inserted = [];
		const insert = (n) => {
			for (let i = 0; i < n; i++) inserted.push(sb.insertOrder().id);
		};
		phase('trigger activated');

		const afterId = await lastExecutionId();
		const prefixes = Array.from({ length: EXECUTIONS }, (_, k) => `trig${k + 1}`);
		await Promise.all(prefixes.map((p) => fire(BULK_PATH, orderItems(p, ORDERS_PER_EXECUTION))));
		await sleep(1_000);
		insert(3);
		await sleep(3_000);
		insert(3);
		await sleep(2_000);

		const beforeStop = { bulkOrders: prefixes.flatMap((p) => ordersWithPrefix(p)).length, recorded: rec.hits.length };
		const cursorBefore = await triggerCursor(ids.trigger);
		const stopStarted = Date.now();
		await main.stop(); // SIGTERM to n8n start (SIGKILL only after 20 s)
		const stoppedMs = Date.now() - stopStarted;
		const mainExit = await mainServer.exited;
		insert(4); // while the main is down: no poll can see them yet
		const bulkWhileDown = prefixes.flatMap((p) => ordersWithPrefix(p)).length;
		const restartStarted = Date.now();
		mainServer = await main.start();
		const restartMs = Date.now() - restartStarted;
		insert(2);
		phase('main stopped and started again');

		const expected = () => sb.listOrders().filter((o) => o.id > newestBefore).map((o) => o.id);
		const receivedIds = () => rec.hits.filter((h) => h.path === '/order' && h.json).map((h) => Number(h.json.id));
		await waitFor('every new order at the recorder', () => {
			const got = new Set(receivedIds());
			return expected().length >= EXECUTIONS * ORDERS_PER_EXECUTION + inserted.length && expected().every((id) => got.has(id));
		}, { timeoutMs: 240_000, intervalMs: 500 });
		// Two more polls with nothing new: nothing more may arrive.
		const p = pulls();
		await waitFor('two more polls', () => pulls() >= p + 2, { timeoutMs: 30_000, intervalMs: 100 });
		await sleep(3_000);
		await main.deactivate(ids.trigger);

		const got = receivedIds();
		const counts = new Map();
		for (const id of got) counts.set(id, (counts.get(id) || 0) + 1);
		const twice = [...counts].filter(([, c]) => c > 1).map(([id]) => id);
		const want = new Set(expected());
		const unexpected = [...counts.keys()].filter((id) => !want.has(id));
		const bulkRecords = await executionRecords(pg, `"workflowId" = '${ids.bulk}' AND id > ${afterId}`);
		const triggerRecords = await executionRecords(pg, `"workflowId" = '${ids.trigger}'`);
		const byWorker = cluster.executionsByWorker();
		const triggerPlaced = Object.fromEntries(Object.entries(byWorker).map(([name, list]) => [name, triggerRecords.filter((r) => list.includes(r.id)).length]));
		figures.trigger = {
			newOrders: want.size,
			fired: got.length,
			firedTwice: twice.length,
			firedButNotNew: unexpected.length,
			beforeStop,
			bulkOrdersWhenMainWasDown: bulkWhileDown,
			mainStopMs: stoppedMs,
			mainExit,
			mainStartMs: restartMs,
			cursorBefore,
			cursorAfter: await triggerCursor(ids.trigger),
			triggerExecutions: triggerRecords.length,
			triggerExecutionsPerWorker: triggerPlaced,
			bulkStatuses: bulkRecords.map((r) => r.status),
			polls: pollSpans(seqAtActivation).length,
			longestPollMs: Math.round(Math.max(0, ...pollSpans(seqAtActivation).map(([a, b]) => b - a))),
			mostPollsAtOnce: maxConcurrentPulls(seqAtActivation),
		};
		t.diagnostic(JSON.stringify(figures.trigger));
		assert.deepEqual(twice, [], `no order fired twice${figures.trigger.mostPollsAtOnce > 1 ? ` (two polls ran at once: a poll took ${figures.trigger.longestPollMs} ms, more than the 5 s interval; see check 2)` : ''}`);
		assert.deepEqual(unexpected, [], 'no order that existed at activation fired');
		assert.equal(counts.size, want.size, 'every new order fired');
		// Before the stop the cursor may not be written yet on a loaded machine (no
		// poll may have emitted in those seconds); after the restart it must be there.
		assert.ok(figures.trigger.cursorAfter !== null, 'the cursor is stored in Postgres (workflow_entity.staticData)');
		assert.ok(triggerRecords.every((r) => r.mode === 'trigger' && r.status === 'success'), JSON.stringify(triggerRecords));
		assert.deepEqual(bulkRecords.map((r) => r.status), Array(EXECUTIONS).fill('success'), 'the bulk executions on the workers finished although the main restarted');
	});

	/**
	 * Where the trigger stands as stored in Postgres (workflow_entity.staticData):
	 * its horizon (state version 2; `cursor` in 0.1.x's version 1), or null.
	 */
	async function triggerCursor(workflowId) {
		const [[text] = []] = await pg.query(`SELECT "staticData" FROM workflow_entity WHERE id = '${workflowId}'`);
		if (!text) return null;
		const data = JSON.parse(text);
		const node = data['node:New Kapture Order'];
		const state = node && node.kaptureOrderTrigger;
		if (!state) return null;
		const stands = state.version === 1 ? state.cursor : state.horizon;
		return stands === undefined ? null : stands;
	}

	timedTest(
		'2. a poll slower than the poll interval: the next poll starts before it ends, and no order may fire twice',
		async (t) => {
			await ensureWorkers(); // the trigger's executions run on them
			// Every v1 pull answers after 7 s: each poll takes longer than the 5 s between polls.
			sbSlow.setLatency(SLOW_PULL_MS);
			const seq = lastSeq(sbSlow);
			try {
				await main.activate(ids.slowTrigger, { timeoutMs: 120_000 }); // returns after the first poll
				const newestBefore = Math.max(...sbSlow.listOrders().map((o) => o.id));
				for (let i = 0; i < 5; i++) sbSlow.insertOrder();
				await sleep(3_000);
				for (let i = 0; i < 5; i++) sbSlow.insertOrder();
				const expected = sbSlow.listOrders().filter((o) => o.id > newestBefore).map((o) => o.id);
				const received = () => rec.hits.filter((h) => h.path === '/slow/order' && h.json).map((h) => Number(h.json.id));
				await waitFor('the 10 new orders at the recorder', () => expected.every((id) => received().includes(id)), { timeoutMs: 120_000, intervalMs: 250 }).catch((error) => {
					const spans = pollSpans(seq, sbSlow);
					t.diagnostic(`polls seen: ${spans.length}, spans (ms): ${JSON.stringify(spans.map(([a, b]) => Math.round(b - a)))}, received: ${JSON.stringify(received())}`);
					throw error;
				});
				// Every poll that was running when the last order arrived ends (at most 3 pulls one
				// after the other, 21 s), so any that would emit an order again has done so, and its
				// execution has run on a worker.
				await sleep(3 * SLOW_PULL_MS + 8_000);
				await main.deactivate(ids.slowTrigger);
				await sleep(8_000); // polls still in flight end; none may emit
				const got = received();
				const counts = new Map();
				for (const id of got) counts.set(id, (counts.get(id) || 0) + 1);
				// n8n's own record: every execution of the trigger, and the orders its trigger node output.
				const records = await executionRecords(pg, `"workflowId" = '${ids.slowTrigger}'`);
				const inExecutions = [];
				for (const record of records) {
					const runData = await executionRunData(pg, runtime, record.id);
					const runs = (runData && runData.resultData && runData.resultData.runData && runData.resultData.runData['New Kapture Order']) || [];
					const items = (runs[0] && runs[0].data && runs[0].data.main && runs[0].data.main[0]) || [];
					inExecutions.push(...items.map((item) => Number(item.json.id)));
				}
				const spans = pollSpans(seq, sbSlow);
				figures.overlappingPolls = {
					polls: spans.length,
					longestPollMs: Math.round(Math.max(...spans.map(([a, b]) => b - a))),
					mostPollsAtOnce: maxConcurrentPulls(seq, sbSlow),
					newOrders: expected.length,
					fired: got.length,
					firedTwice: [...counts.values()].filter((c) => c > 1).length,
					executions: records.map((r) => `${r.mode}/${r.status}`),
					ordersInExecutions: inExecutions.length,
					noBridgeErrors: (mainServer.output().match(/No bridge acquired/g) || []).length,
				};
				t.diagnostic(JSON.stringify(figures.overlappingPolls));
				assert.ok(figures.overlappingPolls.longestPollMs > 5_000, `the setup made a poll outlast the poll interval: ${figures.overlappingPolls.longestPollMs} ms`);
				assert.ok(figures.overlappingPolls.mostPollsAtOnce >= 2, 'the setup made two polls overlap');
				assert.deepEqual(got.filter((id) => !expected.includes(id)), [], 'only new orders fired');
				assert.equal(figures.overlappingPolls.firedTwice, 0, `${figures.overlappingPolls.firedTwice} orders fired twice`);
				assert.deepEqual([...inExecutions].sort((a, b) => a - b), [...expected].sort((a, b) => a - b), "n8n's executions hold every new order exactly once");
				assert.ok(records.every((r) => r.mode === 'trigger' && r.status === 'success'), `every execution a successful trigger execution: ${JSON.stringify(records)}`);
				assert.equal(figures.overlappingPolls.noBridgeErrors, 0, 'no poll lost its expression isolate ("No bridge acquired")');
			} finally {
				await main.deactivate(ids.slowTrigger).catch(() => undefined);
				sbSlow.setLatency(0);
			}
		},
	);

	timedTest('3. 4 webhook executions x 500 Creates, Parallel Requests 10: 2,000 orders, 0 duplicates, both workers, peak in flight <= 40', async (t) => {
		await ensureWorkers();
		sb.setLatency(50); // each request takes a while, so the executions' requests overlap
		sb.resetPeak();
		const { records, orders, ms } = await bulkRun('bulk');
		const peak = sb.inFlight().peak;
		const byWorker = cluster.executionsByWorker();
		const placed = Object.fromEntries(Object.entries(byWorker).map(([name, list]) => [name, records.filter((r) => list.includes(r.id)).map((r) => r.id)]));
		const byRemark = {};
		for (const o of orders) byRemark[o.remarks] = (byRemark[o.remarks] || 0) + 1;
		Object.assign(figures, {
			bulk: { orders: orders.length, duplicates: duplicateCount(orders), statuses: records.map((r) => r.status), executionsPerWorker: placed, ordersPerWorker: byRemark, peakInFlight: peak, ms },
		});
		t.diagnostic(JSON.stringify(figures.bulk));
		assert.deepEqual(records.map((r) => r.status), Array(EXECUTIONS).fill('success'));
		assert.equal(orders.length, EXECUTIONS * ORDERS_PER_EXECUTION);
		assert.equal(duplicateCount(orders), 0);
		for (const w of cluster.workers) assert.ok(placed[w.name].length >= 1, `${w.name} ran none of ${records.map((r) => r.id)}: ${JSON.stringify(placed)}`);
		assert.equal(Object.values(placed).flat().length, EXECUTIONS, 'each execution ran on exactly one worker');
		assert.ok(peak <= EXECUTIONS * PARALLEL, `peak in flight ${peak} > ${EXECUTIONS * PARALLEL}`);
		// Otherwise the bound above says nothing: the executions must have overlapped.
		assert.ok(peak > PARALLEL, `peak in flight ${peak}: the executions did not run at the same time`);
	});

	/** Checks 4 and 4b: the bulk run under 10 % of 429s asking to wait a second, with the given workflow. */
	async function bulkRunWith429s(t, label, figure, timeoutMs, workflow) {
		await ensureWorkers();
		sb.setLatency(50);
		sb.resetPeak();
		const seq = lastSeq();
		sb.faults.rate(0.1, { kind: 'rateLimit', retryAfterSeconds: 1, api: 'v1AddUpdate' }, 4242);
		let result;
		try {
			result = await bulkRun(label, timeoutMs, workflow);
		} finally {
			sb.faults.clear();
		}
		const { records, orders, ms } = result;
		const adds = sb.requests().filter((r) => r.seq > seq && r.api === 'v1AddUpdate');
		const limited = adds.filter((r) => r.fault === 'rateLimit').length;
		figures[figure] = { orders: orders.length, duplicates: duplicateCount(orders), statuses: records.map((r) => r.status), requests: adds.length, answered429: limited, peakInFlight: sb.inFlight().peak, ms };
		t.diagnostic(JSON.stringify(figures[figure]));
		assert.ok(limited > 0.05 * adds.length, `429s were injected (${limited} of ${adds.length})`);
		// A failed item stops the node (no Continue On Fail): the execution would be an error and orders would be missing.
		assert.deepEqual(records.map((r) => r.status), Array(EXECUTIONS).fill('success'));
		assert.equal(orders.length, EXECUTIONS * ORDERS_PER_EXECUTION);
		assert.equal(duplicateCount(orders), 0);
		assert.equal(adds.length - limited, orders.length, 'every request Kapture processed made exactly one order');
		return ms;
	}

	timedTest('4. the same with 10 % 429s: no failed item, no duplicate, within 5 minutes', async (t) => {
		// Random 429s asking to wait a second once drove the automatic pace down to a request a second:
		// 567-593 s, then 492 s (2026-12-06), against 44-58 s before the automatic pace. A trace of the
		// workers showed each execution's event loop blocked ~1.5 s after its first answers, which made a
		// 429 at random look like a limit; 43 s since the pace counts a stretch without sending as a pause.
		// 5 minutes, so that the spiral fails here instead of passing slowly.
		await bulkRunWith429s(t, 'limited', 'with429s', 300_000);
	});

	timedTest('4b. the same with When Asked to Slow Down = Only Wait as Asked: no failed item, no duplicate, at most 1.5x check 4', async (t) => {
		const ms = await bulkRunWith429s(t, 'waitonly', 'with429sOnlyWaiting', 300_000, { path: BULK_WAIT_ONLY_PATH, workflowId: ids.bulkWaitOnly });
		// Only waiting out the pauses is the floor the default aims at: both took 42-44 s (2026-12-06).
		if (figures.with429s) assert.ok(ms < 1.5 * figures.with429s.ms + 10_000, `${ms} ms, check 4 took ${figures.with429s.ms} ms`);
	});

	const kill = {};

	timedTest('5. a worker SIGKILLed in the middle of a bulk Create: the execution, what the user sees, a re-run', async (t) => {
		await ensureWorkers();
		sb.setLatency(30);
		const prefix = 'kill';
		const items = orderItems(prefix, KILL_ORDERS);
		const afterId = await lastExecutionId();
		await fire(KILL_PATH, items);
		await waitFor('150 orders of the run', () => ordersWithPrefix(prefix).length >= 150, { timeoutMs: 120_000, intervalMs: 50 });
		const [record] = await executionRecords(pg, `"workflowId" = '${ids.kill}' AND id > ${afterId}`);
		const worker = await waitFor('the worker of the execution', () => cluster.workerOf(record.id), { timeoutMs: 10_000 });
		cluster.rememberOutput(worker);
		const killedAt = Date.now();
		await worker.process.kill('SIGKILL'); // the whole process group: worker and its task runner
		const atKill = ordersWithPrefix(prefix).length;
		await sleep(5_000);
		const fiveSecondsLater = ordersWithPrefix(prefix).length;
		const statusAfter5s = (await executionRecords(pg, `id = ${record.id}`))[0].status;
		phase('worker killed');

		const [settled] = await waitFor('the killed execution to leave "running"', async () => {
			const [r] = await executionRecords(pg, `id = ${record.id}`);
			return r.status !== 'running' && r.status !== 'new' ? [r] : null;
		}, { timeoutMs: 240_000, intervalMs: 1_000 });
		const settledMs = Date.now() - killedAt;
		const runData = await executionRunData(pg, runtime, record.id);
		const error = runData && runData.resultData && runData.resultData.error;
		const nodesWithData = Object.keys((runData && runData.resultData && runData.resultData.runData) || {});
		const [listed] = (await main.executions(ids.kill)).filter((e) => String(e.id) === String(record.id));
		const otherWorkers = cluster.workers.filter((w) => w !== worker).map((w) => w.name);
		const pickedUpElsewhere = otherWorkers.filter((name) => cluster.executionsByWorker()[name].includes(record.id));
		phase('killed execution settled');

		// The executions list's Retry (from the failed node, with the saved data).
		const beforeRetry = ordersWithPrefix(prefix).length;
		const retryAfterId = await lastExecutionId();
		let retry;
		try {
			const answer = await main.rest('POST', `/rest/executions/${record.id}/retry`, { loadWorkflow: false });
			const [retried] = await waitFor('the retry execution', async () => {
				const rows = await executionRecords(pg, `id > ${retryAfterId}`);
				return rows.length && rows.every((r) => !['new', 'running', 'waiting'].includes(r.status)) ? rows : null;
			}, { timeoutMs: 120_000, intervalMs: 500 });
			const retryRun = await executionRunData(pg, runtime, retried.id);
			retry = { answered: answer && answer.data ? answer.data.status : null, id: retried.id, status: retried.status, error: retryRun && retryRun.resultData && retryRun.resultData.error && retryRun.resultData.error.message, ordersCreated: ordersWithPrefix(prefix).length - beforeRetry };
		} catch (e) {
			retry = { refused: e.message.slice(0, 300) };
		}

		// What the user can do: run the workflow again with the same input.
		await cluster.startWorker(worker, { concurrency: WORKER_CONCURRENCY });
		sb.setLatency(0);
		const rerunAfterId = await lastExecutionId();
		const beforeRerun = ordersWithPrefix(prefix).length;
		await fire(KILL_PATH, items);
		const [rerun] = await finishedExecutions(ids.kill, rerunAfterId, 1);
		const final = ordersWithPrefix(prefix);
		Object.assign(kill, { beforeRerun, final, rerun });
		figures.sigkill = {
			ordersAtKill: atKill,
			orders5sAfterKill: fiveSecondsLater,
			statusAfter5s,
			pickedUpByAnotherWorker: pickedUpElsewhere,
			finalStatus: settled.status,
			msFromKillToFinalStatus: settledMs,
			stallSettings: STALL_SETTINGS,
			errorShown: error && error.message,
			nodesWithOutputInTheExecution: nodesWithData,
			listedAs: listed && listed.status,
			retry,
			rerun: { skipOption: skipOption ? `${skipOption.collection ? `${skipOption.collection}.` : ''}${skipOption.name}=${skipOption.value}` : 'absent', status: rerun.status, ordersBefore: beforeRerun, ordersAfter: final.length, duplicates: duplicateCount(final) },
		};
		t.diagnostic(JSON.stringify(figures.sigkill));
		assert.ok(atKill < KILL_ORDERS, 'killed in the middle');
		assert.ok(fiveSecondsLater - atKill <= KILL_PARALLEL, `nothing continues the run: ${atKill} → ${fiveSecondsLater}`);
		assert.deepEqual(pickedUpElsewhere, [], 'no other worker picked the execution up');
		assert.equal(statusAfter5s, 'running', 'n8n still shows it running');
		assert.equal(settled.status, 'error');
		assert.match(String(error && error.message), /failed to be processed too many times/);
		assert.equal(listed && listed.status, 'error', 'the executions list shows it failed');
		assert.equal(rerun.status, 'success');
		assert.equal(new Set(final.map((o) => o.erpOrderId)).size, KILL_ORDERS, 'after the re-run every item has its order');
		if (!skipOption) {
			// Without Skip the re-run creates every item again: each order the killed run made is now there twice.
			assert.equal(duplicateCount(final), beforeRerun, 're-run without Skip: one duplicate per order of the killed run');
		}
	});

	timedTest('5b. with ERP Order IDs and "If the ERP Order ID Exists: Skip", the re-run creates no duplicate', (t) => {
		if (!skipOption) {
			t.skip('the built Kapture Order node has no Create option "If the ERP Order ID Exists" with "Skip" yet (issue "Exactly-once writes", branch `exactly`)');
			return;
		}
		assert.ok(kill.final, 'check 4 ran');
		assert.equal(kill.rerun.status, 'success');
		assert.equal(kill.final.length, KILL_ORDERS, `orders after the re-run: ${kill.final.length}`);
		assert.equal(duplicateCount(kill.final), 0);
	});

	timedTest('6. an account-wide limit of 150 requests/s: one execution never hits it, 4 on 2 workers do', async (t) => {
		await ensureWorkers();
		// At 100 ms a request, one execution with 10 in flight sends at most
		// ~100-110 requests in any second: under the limit by construction.
		sb.setLatency(100);
		const one = async (label, limit) => {
			sb.setAccountRateLimit(limit);
			const seq = lastSeq();
			const afterId = await lastExecutionId();
			const started = Date.now();
			await fire(BULK_PATH, orderItems(label, ORDERS_PER_EXECUTION));
			const records = await finishedExecutions(ids.bulk, afterId, 1);
			const stats = sb.accountRateLimitStats();
			return { records, ms: Date.now() - started, refused: stats.refused, peakPerSecond: peakPerSecond(seq, 'v1AddUpdate', (r) => !r.rateLimited), orders: ordersWithPrefix(label) };
		};
		const four = async (label, limit) => {
			sb.setAccountRateLimit(limit);
			const seq = lastSeq();
			const result = await bulkRun(label);
			const refusedLog = sb.requests().filter((r) => r.seq > seq && r.rateLimited);
			const perSecond = new Map();
			for (const r of refusedLog) perSecond.set(Math.floor(r.at / 1000), (perSecond.get(Math.floor(r.at / 1000)) || 0) + 1);
			return {
				...result,
				refused: sb.accountRateLimitStats().refused,
				peakPerSecond: peakPerSecond(seq, 'v1AddUpdate', (r) => !r.rateLimited),
				secondsWith429: perSecond.size,
				most429InOneSecond: Math.max(0, ...perSecond.values()),
			};
		};
		try {
			const soloLimited = await one('solo-limited', { requestsPerSecond: ACCOUNT_LIMIT_RPS });
			const fourFree = await four('four-free', undefined);
			const fourLimited = await four('four-limited', { requestsPerSecond: ACCOUNT_LIMIT_RPS });
			const summary = (r) => ({ ms: r.ms, peakRequestsPerSecond: r.peakPerSecond, refused429: r.refused, orders: r.orders.length, duplicates: duplicateCount(r.orders), statuses: r.records.map((x) => x.status), ...(r.secondsWith429 !== undefined ? { secondsWith429: r.secondsWith429, most429InOneSecond: r.most429InOneSecond } : {}) });
			figures.accountLimit = {
				limitPerSecond: ACCOUNT_LIMIT_RPS,
				latencyMs: 100,
				oneExecutionWithLimit: summary(soloLimited),
				fourExecutionsNoLimit: summary(fourFree),
				fourExecutionsWithLimit: summary(fourLimited),
			};
			t.diagnostic(JSON.stringify(figures.accountLimit));
			for (const r of [soloLimited]) {
				assert.deepEqual(r.records.map((x) => x.status), ['success']);
				assert.equal(r.orders.length, ORDERS_PER_EXECUTION);
				assert.equal(duplicateCount(r.orders), 0);
			}
			for (const r of [fourFree, fourLimited]) {
				assert.deepEqual(r.records.map((x) => x.status), Array(EXECUTIONS).fill('success'));
				assert.equal(r.orders.length, EXECUTIONS * ORDERS_PER_EXECUTION);
				assert.equal(duplicateCount(r.orders), 0);
			}
			assert.equal(soloLimited.refused, 0, 'one execution stays under the account limit');
			assert.ok(fourLimited.peakPerSecond <= ACCOUNT_LIMIT_RPS, 'the sandbox enforced the limit');
			if (fourFree.peakPerSecond > ACCOUNT_LIMIT_RPS) {
				assert.ok(fourLimited.refused > 0, `4 executions sent up to ${fourFree.peakPerSecond}/s without the limit, yet none was refused with it`);
			} else {
				t.diagnostic(`inconclusive on this machine: 4 executions peaked at ${fourFree.peakPerSecond} requests/s, not above the limit of ${ACCOUNT_LIMIT_RPS}`);
			}
		} finally {
			sb.setAccountRateLimit(undefined);
			sb.setLatency(0);
		}
	});
});

/**
 * The pinned runtime. If another process is installing it right now (the
 * lock is held and the marker is not written yet), wait for the marker
 * instead of starting a second install; never force a reinstall.
 */
async function warmRuntime() {
	const dir = path.join(cacheRoot(), `n8n-${DEFAULT_N8N_VERSION}`);
	const marker = path.join(dir, '.kapture-runtime-ok');
	if (!fs.existsSync(marker) && fs.existsSync(`${dir}.lock`)) {
		log(`another process is installing n8n ${DEFAULT_N8N_VERSION}: waiting for ${marker}`);
		await waitFor(marker, () => fs.existsSync(marker) || !fs.existsSync(`${dir}.lock`), { timeoutMs: 30 * 60_000, intervalMs: 2_000 });
	}
	return await ensureRuntime();
}
