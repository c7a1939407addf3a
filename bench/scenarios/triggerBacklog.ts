// Scenario 4b: the trigger works through a backlog of a million orders (n8n
// was down for days, or the workflow was off). The trigger is activated on an
// account with some history; then the backlog arrives, one order every 250 ms
// of Kapture's (frozen) clock, about 2.9 days of orders; then the trigger polls
// until it emitted all of them, once at the default Max Orders per Poll (100)
// and once at 10,000, each from the same state in a fresh process of its own
// (bench/workers/triggerBacklog.ts, --expose-gc) so the memory a poll adds is
// its own. The sandbox, with its million orders, is another process.

import { spawn } from 'node:child_process';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { createContenders, KAPTURE_TRIGGER_TYPE, type OurNodes } from '../contenders/n8n';
import { msSince, now, progress, round } from '../lib/measure';
import { RemoteSandbox, TS_EXEC_ARGV } from '../sandbox/remote';
import type { BacklogWorkerResult } from '../workers/triggerBacklog';

export interface TriggerBacklogRow {
	cap: number;
	backlog: number;
	polls: number;
	/** ⌈backlog / cap⌉: no poller can emit the backlog in fewer polls. */
	fewestPolls: number;
	emitted: number;
	duplicates: number;
	outOfOrder: number;
	requests: number;
	requestsPerPoll: number;
	mostRequestsInOnePoll: number;
	requestsOfFirstPoll: number;
	wallMs: number;
	cpuMs: number;
	wallPerPollMs: number;
	cpuPerPollMs: number;
	peakPollHeapMb: number;
	peakPollRssMb: number;
	firstPollHeapMb: number;
	firstPollRssMb: number;
	measuredPolls: number;
	workerBaselineHeapMb: number;
	mostSeenIds: number;
	largestStateKb: number;
	error?: string;
}

export interface TriggerBacklogResults {
	date: string;
	backlog: number;
	seedMs: number;
	sandboxRssMb: number;
	sandboxHeapMb: number;
	orderSpacingMs: number;
	rows: TriggerBacklogRow[];
}

const ORDER_SPACING_MS = 250;
const SEED_CHUNK = 100_000;

function runWorker(target: object): Promise<BacklogWorkerResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[...TS_EXEC_ARGV, '--expose-gc', '--max-old-space-size=4096', join(__dirname, '..', 'workers', 'triggerBacklog.ts')],
			{ env: { ...process.env, BENCH_TARGET: JSON.stringify(target) }, stdio: ['ignore', 'pipe', 'inherit'] },
		);
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.on('error', reject);
		child.on('exit', (code) => {
			const line = out.trim().split('\n').pop() ?? '';
			if (code !== 0 || !line.startsWith('{')) reject(new Error(`trigger backlog worker exited ${code}: ${out.slice(-500)}`));
			else resolve(JSON.parse(line) as BacklogWorkerResult);
		});
	});
}

export async function runTriggerBacklogScenario(
	ours: OurNodes,
	settings: { backlog: number; caps: number[] },
): Promise<TriggerBacklogResults> {
	// A sandbox of its own: a million orders take about 2 GB of its heap.
	const sandbox = await RemoteSandbox.start({ latencyMs: 0, maxLogEntries: 10_000 }, { heapMb: 8192 });
	try {
		const c = createContenders(sandbox.baseUrl, sandbox.credentials, progress, ours, false);
		// Kapture's clock, frozen: activation at T0, the backlog after it, the clock after the backlog.
		const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 7 * 86_400_000;
		await sandbox.clockSet(t0);
		await sandbox.seedOrders(50, t0 - 3_600_000 - 50 * 60_000, 60_000);
		const staticData: IDataObject = {};
		await c.engine.poll(
			{ type: KAPTURE_TRIGGER_TYPE, name: 'Kapture Order Trigger', parameters: { event: 'newOrder', filters: {}, options: {} } },
			{ mode: 'trigger', staticData },
		);
		const activationState = JSON.parse(JSON.stringify(staticData)) as IDataObject;

		const seedStarted = now();
		for (let done = 0; done < settings.backlog; done += SEED_CHUNK) {
			const n = Math.min(SEED_CHUNK, settings.backlog - done);
			await sandbox.seedOrders(n, t0 + 1000 + done * ORDER_SPACING_MS, ORDER_SPACING_MS);
		}
		const seedMs = msSince(seedStarted);
		await sandbox.clockSet(t0 + 1000 + settings.backlog * ORDER_SPACING_MS + 60_000);
		const memory = await sandbox.memory();
		progress(`trigger backlog: seeded ${settings.backlog} orders in ${(seedMs / 1000).toFixed(1)} s; sandbox RSS ${(memory.rss / 2 ** 20).toFixed(0)} MB`);

		const rows: TriggerBacklogRow[] = [];
		for (const cap of settings.caps) {
			const measureEvery = Math.max(1, Math.ceil(settings.backlog / cap / 10));
			const result = await runWorker({
				baseUrl: sandbox.baseUrl,
				credentials: sandbox.credentials,
				cap,
				backlog: settings.backlog,
				staticData: activationState,
				measureEvery,
			});
			const row: TriggerBacklogRow = {
				cap,
				backlog: settings.backlog,
				polls: result.polls,
				fewestPolls: Math.ceil(settings.backlog / cap),
				emitted: result.emitted,
				duplicates: result.duplicates,
				outOfOrder: result.outOfOrder,
				requests: result.requests,
				requestsPerPoll: round(result.requests / Math.max(1, result.polls), 2),
				mostRequestsInOnePoll: result.mostRequestsInOnePoll,
				requestsOfFirstPoll: result.requestsOfFirstPoll,
				wallMs: round(result.wallMs, 0),
				cpuMs: round(result.cpuMs, 0),
				wallPerPollMs: round(result.wallPerPollMs, 1),
				cpuPerPollMs: round(result.cpuPerPollMs, 1),
				peakPollHeapMb: round(result.peakPollHeapMb, 1),
				peakPollRssMb: round(result.peakPollRssMb, 1),
				firstPollHeapMb: round(result.firstPollHeapMb, 1),
				firstPollRssMb: round(result.firstPollRssMb, 1),
				measuredPolls: result.measuredPolls,
				workerBaselineHeapMb: round(result.baselineHeapMb, 1),
				mostSeenIds: result.mostSeenIds,
				largestStateKb: round(result.largestStateKb, 0),
				error: result.error,
			};
			progress(
				`trigger backlog, Max Orders per Poll ${cap}: ${row.emitted} emitted in ${row.polls} polls, ${row.requests} requests ` +
					`(first poll ${row.requestsOfFirstPoll}, most ${row.mostRequestsInOnePoll}), ${(row.wallMs / 1000).toFixed(1)} s, ` +
					`${row.cpuPerPollMs} ms CPU a poll; a poll adds at most ${row.peakPollHeapMb} MB heap in use / ${row.peakPollRssMb} MB RSS${row.error ? `, error: ${row.error}` : ''}`,
			);
			rows.push(row);
		}
		return {
			date: new Date().toISOString(),
			backlog: settings.backlog,
			seedMs: round(seedMs, 0),
			sandboxRssMb: round(memory.rss / 2 ** 20, 0),
			sandboxHeapMb: round(memory.heapUsed / 2 ** 20, 0),
			orderSpacingMs: ORDER_SPACING_MS,
			rows,
		};
	} finally {
		await sandbox.close();
	}
}
