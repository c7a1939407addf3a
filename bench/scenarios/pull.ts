// Scenario 3: Return All over N orders. Each contender runs in a fresh child
// process (bench/workers/pull.ts) so its peak memory is its own, not what the
// earlier scenarios left on the heap; requests are counted by the sandbox.

import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { median, progress, round } from '../lib/measure';
import { TS_EXEC_ARGV, type RemoteSandbox } from '../sandbox/remote';

export interface PullRow {
	id: string;
	label: string;
	orders: number;
	pageSize: number;
	expectedRequests: number;
	requests: number;
	returned: number;
	wallMs: number;
	peakRssMb: number;
	pullRssMb: number;
	peakHeapMb: number;
	pullHeapMb: number;
	error?: string;
	allWallMs: number[];
}

interface WorkerResult {
	orders: number;
	wallMs: number;
	error?: string;
	peakRssMb: number;
	pullRssMb: number;
	peakHeapMb: number;
	pullHeapMb: number;
}

function runWorker(sandbox: RemoteSandbox, contender: 'ours' | 'raw', pageSize: number): Promise<WorkerResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[...TS_EXEC_ARGV, '--expose-gc', '--max-old-space-size=8192', join(__dirname, '..', 'workers', 'pull.ts'), contender, String(pageSize)],
			{
				env: { ...process.env, BENCH_TARGET: JSON.stringify({ baseUrl: sandbox.baseUrl, credentials: sandbox.credentials }) },
				stdio: ['ignore', 'pipe', 'inherit'],
			},
		);
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.on('error', reject);
		child.on('exit', (code) => {
			const line = out.trim().split('\n').pop() ?? '';
			if (code !== 0 || !line.startsWith('{')) reject(new Error(`pull worker (${contender}) exited ${code}: ${out.slice(-500)}`));
			else resolve(JSON.parse(line) as WorkerResult);
		});
	});
}

export async function runPullScenario(
	sandbox: RemoteSandbox,
	settings: { orders: number; pageSize: number; rounds: number; latencyMs: number },
): Promise<PullRow[]> {
	await sandbox.reset();
	await sandbox.setLatency(settings.latencyMs);
	await sandbox.setPageSizeCap(settings.pageSize);
	const seeded = await sandbox.seedOrders(settings.orders);
	progress(`pull: seeded ${seeded.count} orders, page size ${settings.pageSize}`);

	const contenders = [
		{ id: 'ours', label: `Kapture Order node, Get Many, Return All, page size ${settings.pageSize}` },
		{ id: 'raw', label: `raw fetch paging loop, page size ${settings.pageSize}` },
	] as const;
	const rows = new Map<string, PullRow>();
	for (let r = 0; r < settings.rounds; r++) {
		const order = r % 2 === 0 ? contenders : [...contenders].reverse();
		for (const contender of order) {
			await sandbox.clearRequests();
			const result = await runWorker(sandbox, contender.id, settings.pageSize);
			const summary = await sandbox.requestSummary('v1Pull');
			progress(
				`pull round ${r + 1}/${settings.rounds}: ${contender.label}: ${(result.wallMs / 1000).toFixed(2)} s, ` +
					`${summary.total} requests, ${result.orders} orders, peak RSS ${result.peakRssMb.toFixed(0)} MB` +
					(result.error ? `, error: ${result.error}` : ''),
			);
			const row: PullRow = rows.get(contender.id) ?? {
				id: contender.id,
				label: contender.label,
				orders: settings.orders,
				pageSize: settings.pageSize,
				expectedRequests: Math.ceil(settings.orders / settings.pageSize),
				requests: 0,
				returned: 0,
				wallMs: 0,
				peakRssMb: 0,
				pullRssMb: 0,
				peakHeapMb: 0,
				pullHeapMb: 0,
				allWallMs: [],
			};
			row.requests = Math.max(row.requests, summary.total);
			row.returned = r === 0 ? result.orders : Math.min(row.returned, result.orders);
			row.allWallMs.push(round(result.wallMs, 1));
			row.peakRssMb = Math.max(row.peakRssMb, round(result.peakRssMb, 0));
			row.pullRssMb = Math.max(row.pullRssMb, round(result.pullRssMb, 0));
			row.peakHeapMb = Math.max(row.peakHeapMb, round(result.peakHeapMb, 0));
			row.pullHeapMb = Math.max(row.pullHeapMb, round(result.pullHeapMb, 0));
			if (result.error) row.error = result.error;
			rows.set(contender.id, row);
		}
	}
	await sandbox.reset();
	for (const row of rows.values()) row.wallMs = round(median(row.allWallMs), 1);
	return contenders.map((c) => rows.get(c.id) as PullRow);
}
