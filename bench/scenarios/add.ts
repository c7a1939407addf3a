// Scenarios 1 and 2: add N orders, every contender against a freshly reset
// sandbox, contenders alternating within each round (the order is reversed on
// every other round) so drift on the machine hits them alike.
//
// Beside the time, every run records CPU time: for a contender inside the real
// n8n, what the n8n process tree spent during the webhook call (lib/cpu.ts),
// minus what the same workflow with a No Operation node instead of the
// contender spends (the input steps, the same for all); for the raw client,
// this process's own CPU. CPU does not stretch when a neighbour loads the
// machine; wall time does.

import { httpNodeAdd, ourNodeAdd, type N8nContenders, type NodeRunOutcome } from '../contenders/n8n';
import { rawAdd } from '../contenders/raw';
import type { RealContenderId, RealN8nBench, RealN8nRunOutcome } from '../contenders/realN8n';
import { ownCpuMs } from '../lib/cpu';
import { median, msSince, now, progress, round } from '../lib/measure';
import { makeOrders } from '../lib/orders';
import type { RemoteSandbox } from '../sandbox/remote';
import { addParameters } from './params';

/** What a contender is, for the tables: a floor, ours, the HTTP Request node, the raw client. */
export type ContenderKind = 'baseline' | 'floor' | 'ours' | 'http' | 'raw';

export interface AddContender {
	id: string;
	label: string;
	kind: ContenderKind;
	/** Body from mapped fields or one JSON expression (the two ways a user writes one). */
	mode?: 'fields' | 'json';
	/** Requests in flight this contender is allowed (undefined = no cap of its own). */
	cap?: number;
	/** Where it runs: 'real n8n <version>', 'harness' (in-process n8n-core) or 'no n8n'. */
	engine: string;
	/** A fixed ERP order id prefix (the real-n8n workflows carry their input). */
	prefix?: string;
	/** It sends orders (floors and the baseline only map items). */
	sends: boolean;
	run(prefix: string): Promise<NodeRunOutcome | RealN8nRunOutcome>;
}

/** A median with the lowest and highest of the rounds. */
export interface Spread {
	median: number;
	min: number;
	max: number;
}

export interface AddRow {
	id: string;
	label: string;
	kind: ContenderKind;
	mode?: 'fields' | 'json';
	latencyMs: number;
	rate429: number;
	items: number;
	cap: number | null;
	engine: string;
	/** The machine's load besides the bench: 'as found', or with a busy loop of ours on one core. */
	load: string;
	/** What wallMs is: the contender's own wall time, or the node's executionTime in n8n's run data. */
	measuredAs: 'wall' | 'node executionTime';
	runs: number;
	/** Median over the rounds (see measuredAs). */
	wallMs: number;
	/** Real n8n: median wall time of the whole run (webhook call or `n8n execute`), input steps included. */
	runWallMs?: number;
	allRunWallMs?: number[];
	itemsPerSecond: number;
	itemsPerSecondSpread?: Spread;
	/** CPU per item (ms): the contender's own, the baseline's subtracted inside n8n. */
	cpuMsPerItem?: Spread;
	/** CPU of each run (ms), as measured (the baseline not yet subtracted). */
	allCpuMs: number[];
	/** Highest in-flight count the sandbox saw, over all rounds. */
	peakInFlight: number;
	requests: number;
	answered429: number;
	failedItems: number;
	createdOrders: number;
	duplicateOrders: number;
	missingOrders: number;
	runError?: string;
	allWallMs: number[];
}

const HTTP_FIELDS_LABEL = 'HTTP Request node, the 8 body fields mapped one by one (Using Fields Below), On Error: Continue';

export const REAL_LABELS: Record<RealContenderId, { label: string; kind: ContenderKind; mode?: 'fields' | 'json'; sends: boolean; cap?: number }> = {
	noop: { label: 'No Operation node (baseline: the input steps, subtracted from every CPU figure)', kind: 'baseline', sends: false },
	'set-fields': { label: 'Edit Fields (Set), the same 8 expressions (floor of field mode)', kind: 'floor', mode: 'fields', sends: false },
	'set-json': { label: 'Edit Fields (Set), the same one JSON expression (floor of Order JSON mode)', kind: 'floor', mode: 'json', sends: false },
	'ours-default': { label: 'Kapture Order node, defaults (automatic Parallel Requests), 8 fields mapped', kind: 'ours', mode: 'fields', sends: true, cap: 100 },
	'ours-default-json': { label: 'Kapture Order node, defaults, Order JSON by one expression', kind: 'ours', mode: 'json', sends: true, cap: 100 },
	'ours-cap5': { label: 'Kapture Order node, Parallel Requests 5 (the old default, now a cap), 8 fields mapped', kind: 'ours', mode: 'fields', sends: true, cap: 5 },
	'http-node': { label: 'HTTP Request node, defaults, JSON body by one expression, On Error: Continue', kind: 'http', mode: 'json', sends: true },
	'http-node-fields': { label: HTTP_FIELDS_LABEL, kind: 'http', mode: 'fields', sends: true },
	'http-node-retry': { label: 'HTTP Request node, Retry On Fail (3 tries, 1 s)', kind: 'http', mode: 'json', sends: true },
};

export function realContenders(real: RealN8nBench, ids: readonly RealContenderId[]): AddContender[] {
	return ids.map((id) => {
		const { label, kind, mode, sends, cap } = REAL_LABELS[id];
		return { id, label, kind, mode, sends, cap, engine: `real n8n ${real.version}`, prefix: real.prefix(id), run: () => real.run(id) };
	});
}

/** The raw fetch client at `parallel`, optionally retrying 429s. */
export function rawContender(sandbox: RemoteSandbox, items: number, parallel: number, retry429 = false): AddContender {
	const target = { ...sandbox.credentials, baseUrl: sandbox.baseUrl };
	return {
		id: `raw-${parallel}${retry429 ? '-retry' : ''}`,
		label: `raw fetch, ${parallel} parallel, ${retry429 ? 'retries 429' : 'no retry'}`,
		kind: 'raw',
		cap: parallel,
		engine: 'no n8n',
		sends: true,
		run: async (prefix) => {
			const orders = makeOrders(items, prefix);
			// The bench's own garbage from earlier runs is collected first, so it is not counted as the client's.
			(globalThis as { gc?: () => void }).gc?.();
			const cpuBefore = ownCpuMs();
			const r = await rawAdd(target, orders, parallel, retry429);
			return { failed: r.failed, succeeded: r.ok, cpuMs: ownCpuMs() - cpuBefore } as NodeRunOutcome & { cpuMs: number };
		},
	};
}

/** Harness contenders (in-process n8n-core), when no real n8n is available. */
export function harnessContenders(sandbox: RemoteSandbox, c: N8nContenders, items: number, with429Variants: boolean): AddContender[] {
	const list: AddContender[] = [];
	if (c.ours) {
		list.push({
			id: 'ours-default',
			label: 'Kapture Order node, defaults (automatic Parallel Requests), 8 fields mapped',
			kind: 'ours',
			mode: 'fields',
			engine: 'harness',
			sends: true,
			cap: 100,
			run: (prefix) => ourNodeAdd(c, makeOrders(items, prefix), undefined, addParameters()),
		});
	}
	list.push({
		id: 'http-node',
		label: 'HTTP Request node, defaults, On Error: Continue',
		kind: 'http',
		mode: 'json',
		engine: 'harness',
		sends: true,
		run: (prefix) => httpNodeAdd(c, sandbox.baseUrl, makeOrders(items, prefix), { continueOnFail: true }),
	});
	if (!with429Variants) {
		list.push({
			id: 'http-node-fields',
			label: HTTP_FIELDS_LABEL,
			kind: 'http',
			mode: 'fields',
			engine: 'harness',
			sends: true,
			run: (prefix) => httpNodeAdd(c, sandbox.baseUrl, makeOrders(items, prefix), { continueOnFail: true, bodyFromFields: true }),
		});
	} else {
		list.push({
			id: 'http-node-retry',
			label: 'HTTP Request node, Retry On Fail (3 tries, 1 s)',
			kind: 'http',
			mode: 'json',
			engine: 'harness',
			sends: true,
			run: (prefix) => httpNodeAdd(c, sandbox.baseUrl, makeOrders(items, prefix), { continueOnFail: false, retryOnFail: true }),
		});
	}
	return list;
}

function spread(values: number[], digits: number): Spread {
	return { median: round(median(values), digits), min: round(Math.min(...values), digits), max: round(Math.max(...values), digits) };
}

export async function runAddScenario(
	sandbox: RemoteSandbox,
	contenders: AddContender[],
	settings: {
		latencyMs: number;
		rate429: number;
		items: number;
		rounds: number;
		faultSeed: number;
		label: string;
		load?: string;
		/** Number of the first round (rounds interleaved with other calls keep alternating the order). */
		firstRound?: number;
	},
): Promise<AddRow[]> {
	const rows = new Map<string, AddRow>();
	for (let round_ = 0; round_ < settings.rounds; round_++) {
		const order = (round_ + (settings.firstRound ?? 0)) % 2 === 0 ? contenders : [...contenders].reverse();
		for (const contender of order) {
			await sandbox.reset();
			await sandbox.setLatency(settings.latencyMs);
			if (settings.rate429 > 0) {
				await sandbox.faultsRate(
					settings.rate429,
					{ kind: 'rateLimit', retryAfterSeconds: 0, api: 'v1AddUpdate' },
					settings.faultSeed + round_,
				);
			}
			await sandbox.resetPeak();
			const prefix = contender.prefix ?? `${contender.id}-${settings.label}-r${round_}-`;
			const start = now();
			const outcome: NodeRunOutcome & Partial<RealN8nRunOutcome> = await contender.run(prefix);
			const ownWallMs = msSince(start);
			// Real n8n: the node's own executionTime; the run's wall time is kept apart.
			const wallMs = outcome.timeMs !== undefined && Number.isFinite(outcome.timeMs) ? outcome.timeMs : ownWallMs;
			const [flight, summary, stats] = await Promise.all([
				sandbox.inFlight(),
				sandbox.requestSummary('v1AddUpdate'),
				sandbox.orderStats(prefix, settings.items),
			]);
			progress(
				`${settings.label} round ${round_ + 1}/${settings.rounds}: ${contender.label} [${contender.engine}]: ${(wallMs / 1000).toFixed(2)} s` +
					(outcome.timeMs !== undefined ? ` (node executionTime; run ${(ownWallMs / 1000).toFixed(2)} s)` : '') +
					(outcome.cpuMs !== undefined ? `, CPU ${(outcome.cpuMs / 1000).toFixed(2)} s` : '') +
					(contender.sends
						? `, peak ${flight.peak} in flight, ${summary.total} requests, ${outcome.failed} failed, ${stats.created} created, ${stats.duplicates} duplicates`
						: '') +
					(outcome.runError ? `, run error: ${outcome.runError.slice(0, 120)}` : ''),
			);
			const row: AddRow = rows.get(contender.id) ?? {
				id: contender.id,
				label: contender.label,
				kind: contender.kind,
				mode: contender.mode,
				latencyMs: settings.latencyMs,
				rate429: settings.rate429,
				items: settings.items,
				cap: contender.cap ?? null,
				engine: contender.engine,
				load: settings.load ?? 'as found',
				measuredAs: outcome.timeMs !== undefined ? 'node executionTime' : 'wall',
				runs: 0,
				wallMs: 0,
				itemsPerSecond: 0,
				allCpuMs: [],
				peakInFlight: 0,
				requests: 0,
				answered429: 0,
				failedItems: 0,
				createdOrders: 0,
				duplicateOrders: 0,
				missingOrders: 0,
				allWallMs: [],
			};
			row.runs++;
			row.allWallMs.push(round(wallMs, 1));
			if (outcome.cpuMs !== undefined) row.allCpuMs.push(round(outcome.cpuMs, 1));
			if (outcome.timeMs !== undefined) row.allRunWallMs = [...(row.allRunWallMs ?? []), round(ownWallMs, 1)];
			row.failedItems = Math.max(row.failedItems, outcome.failed);
			if (outcome.runError) row.runError = outcome.runError.slice(0, 300);
			if (contender.sends) {
				row.peakInFlight = Math.max(row.peakInFlight, flight.peak);
				// Counts are the worst round's: one failed item in any round is a failure.
				row.requests = Math.max(row.requests, summary.total);
				row.answered429 = Math.max(row.answered429, summary.byStatus['429'] ?? 0);
				row.createdOrders = round_ === 0 ? stats.created : Math.min(row.createdOrders, stats.created);
				row.duplicateOrders = Math.max(row.duplicateOrders, stats.duplicates);
				row.missingOrders = Math.max(row.missingOrders, stats.missing);
			}
			rows.set(contender.id, row);
		}
	}
	await sandbox.faultsClear();
	return summarize(contenders.map((contender) => rows.get(contender.id) as AddRow));
}

/** The rows of several calls of runAddScenario for the same contenders, as one (rounds appended in order). */
export function mergeRounds(calls: AddRow[][]): AddRow[] {
	if (calls.length === 0) return [];
	const merged = calls[0].map((row) => ({ ...row, allWallMs: [...row.allWallMs], allCpuMs: [...row.allCpuMs], allRunWallMs: row.allRunWallMs && [...row.allRunWallMs] }));
	for (const call of calls.slice(1)) {
		for (const row of merged) {
			const more = call.find((r) => r.id === row.id);
			if (!more) continue;
			row.runs += more.runs;
			row.allWallMs.push(...more.allWallMs);
			row.allCpuMs.push(...more.allCpuMs);
			if (more.allRunWallMs) row.allRunWallMs = [...(row.allRunWallMs ?? []), ...more.allRunWallMs];
			row.peakInFlight = Math.max(row.peakInFlight, more.peakInFlight);
			row.requests = Math.max(row.requests, more.requests);
			row.answered429 = Math.max(row.answered429, more.answered429);
			row.failedItems = Math.max(row.failedItems, more.failedItems);
			row.createdOrders = Math.min(row.createdOrders, more.createdOrders);
			row.duplicateOrders = Math.max(row.duplicateOrders, more.duplicateOrders);
			row.missingOrders = Math.max(row.missingOrders, more.missingOrders);
			row.runError = row.runError ?? more.runError;
		}
	}
	return summarize(merged);
}

/** Medians and spreads from the rounds' figures; inside n8n the baseline's CPU is taken off. */
function summarize(list: AddRow[]): AddRow[] {
	const rows = new Map(list.map((row) => [row.id, row]));
	const baseline = rows.get('noop');
	const baselineCpuMs = baseline?.allCpuMs.length ? median(baseline.allCpuMs) : 0;
	for (const row of rows.values()) {
		row.wallMs = round(median(row.allWallMs), 1);
		if (row.allRunWallMs?.length) row.runWallMs = round(median(row.allRunWallMs), 1);
		row.itemsPerSecond = round((row.items / row.wallMs) * 1000, 1);
		row.itemsPerSecondSpread = spread(row.allWallMs.map((ms) => (row.items / ms) * 1000), 1);
		if (row.allCpuMs.length) {
			// Inside n8n the baseline's CPU (the input steps) is taken off; the raw client has none.
			const subtract = row.kind === 'raw' || row.kind === 'baseline' ? 0 : baselineCpuMs;
			row.cpuMsPerItem = spread(row.allCpuMs.map((ms) => (ms - subtract) / row.items), 3);
		}
	}
	return list;
}
