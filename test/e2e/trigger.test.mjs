// The Kapture Order Trigger in a running n8n (`n8n start`): a workflow
// activated over REST polls the sandbox every 5 s (Poll Times trick, see
// scripts/n8n/README.md) and POSTs each order it emits to a local recorder.
// Orders are inserted into the sandbox in several batches, also between
// polls and more than one poll can emit (Max Orders per Poll = 3); the
// recorder must end up with exactly the inserted ids: none missed, none
// twice, none of the orders that existed before activation.
//
// Run: npm run build && node --test --test-concurrency=1 test/e2e/trigger.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
	EVERY_5_SECONDS,
	credentialData,
	importKaptureCredentials,
	importWorkflows,
	prepareN8n,
	recorder,
	sleep,
	startSandbox,
	stopwatch,
	waitFor,
	workflowFixture,
} from './lib/harness.mjs';

const POLL_MS = 5_000;
const CAP = 3;
// Poll interval plus room for a loaded CI machine (n8n start-up of an
// execution, the HTTP Request node, the recorder).
const ONE_POLL_MS = POLL_MS + 10_000;

describe('Kapture Order Trigger in a running n8n', { timeout: 10 * 60_000 }, () => {
	const clock = stopwatch('trigger');
	let sb;
	let env;
	let n8n;
	let rec;
	let workflowId;
	let existing;

	before(async () => {
		sb = await startSandbox();
		existing = sb.seedOrders(6); // already there at activation: must never fire
		rec = await recorder();
		env = await prepareN8n('trigger');
		n8n = env.n8n;
		clock.mark('n8n folder + package');
		const [credential] = await importKaptureCredentials(n8n, [{ name: 'Kapture sandbox', data: credentialData(sb) }]);
		[workflowId] = await importWorkflows(n8n, [
			workflowFixture('trigger-to-recorder.json', {
				credentialId: credential.id,
				credentialName: credential.name,
				recorderUrl: rec.url,
				pollTimes: EVERY_5_SECONDS,
				maxOrdersPerPoll: CAP,
			}),
		]);
		clock.mark('imports');
		await n8n.start();
		await n8n.ownerSetup();
		clock.mark('n8n start');
	});

	after(async () => {
		clock.report();
		if (env) await env.cleanup();
		if (rec) await rec.close();
		if (sb) await sb.close();
	});

	const triggerPulls = () => sb.requests().filter((r) => r.api === 'v1Pull');
	const received = () => rec.hits.filter((h) => h.path === '/order').map((h) => h.json);

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
			const got = new Set(received().map((r) => Number(r.id)));
			return [...want].every((id) => got.has(id));
		}, { timeoutMs });
		const firstHit = (id) => rec.hits.find((h) => h.json && Number(h.json.id) === id);
		return batch.map((b) => firstHit(b.id).at - b.at);
	}

	test('every inserted order fires exactly once, within the poll interval, across several polls', async (t) => {
		await n8n.activate(workflowId);
		assert.ok((await n8n.activeWorkflows()).includes(workflowId), 'the workflow is active');
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

		const got = received().map((r) => Number(r.id)).sort((x, y) => x - y);
		const want = inserted.map((o) => o.id).sort((x, y) => x - y);
		assert.deepEqual(got, want, 'the recorder got every inserted order exactly once');
		const before = new Set(existing.map((o) => o.id));
		assert.ok(got.every((id) => !before.has(id)), 'no order that existed at activation fired');

		// No poll emitted more than Max Orders per Poll, and B needed more than one.
		const perExecution = new Map();
		for (const r of received()) perExecution.set(r.executionId, (perExecution.get(r.executionId) || 0) + 1);
		t.diagnostic(`orders per execution: ${[...perExecution.values()].join(', ')}`);
		assert.ok([...perExecution.values()].every((n) => n <= CAP), 'at most 3 orders per poll');
		assert.ok(perExecution.size >= 4, `several polls emitted: ${perExecution.size}`);

		const executions = await n8n.executions(workflowId);
		assert.equal(executions.length, perExecution.size, 'one execution per emitting poll, none for empty polls');
		assert.ok(executions.every((e) => e.mode === 'trigger' && e.status === 'success'), JSON.stringify(executions.map((e) => [e.mode, e.status])));

		await n8n.deactivate(workflowId);
		clock.mark('done');
	});
});
