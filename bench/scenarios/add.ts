// Scenarios 1 and 2: add N orders, every contender against a freshly reset
// sandbox, contenders alternating within each round (the order is reversed on
// every other round) so drift on the machine hits them alike.

import { httpNodeAdd, ourNodeAdd, type N8nContenders, type NodeRunOutcome } from '../contenders/n8n';
import { rawAdd } from '../contenders/raw';
import type { RealContenderId, RealN8nBench, RealN8nRunOutcome } from '../contenders/realN8n';
import { median, msSince, now, progress, round } from '../lib/measure';
import { makeOrders } from '../lib/orders';
import type { RemoteSandbox } from '../sandbox/remote';
import { addParameters } from './params';

export interface AddContender {
	id: string;
	label: string;
	/** Requests in flight this contender is allowed (undefined = no cap of its own). */
	cap?: number;
	/** Where it runs: 'real n8n <version>', 'harness' (in-process n8n-core) or 'no n8n'. */
	engine: string;
	/** A fixed ERP order id prefix (the real-n8n workflows carry their input). */
	prefix?: string;
	run(prefix: string): Promise<NodeRunOutcome | RealN8nRunOutcome>;
}

export interface AddRow {
	id: string;
	label: string;
	latencyMs: number;
	rate429: number;
	items: number;
	cap: number | null;
	engine: string;
	/** What wallMs is: the contender's own wall time, or the node's executionTime in n8n's run data. */
	measuredAs: 'wall' | 'node executionTime';
	runs: number;
	/** Median over the rounds (see measuredAs). */
	wallMs: number;
	/** Real n8n: median wall time of the whole run (webhook call or `n8n execute`), input steps included. */
	runWallMs?: number;
	allRunWallMs?: number[];
	itemsPerSecond: number;
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

function realContender(real: RealN8nBench, id: RealContenderId, label: string, cap?: number): AddContender {
	return { id, label, cap, engine: `real n8n ${real.version}`, prefix: real.prefix(id), run: () => real.run(id) };
}

export function addContenders(
	sandbox: RemoteSandbox,
	c: N8nContenders,
	items: number,
	options: { with429Variants: boolean; real?: RealN8nBench },
): AddContender[] {
	const list: AddContender[] = [];
	const target = { ...sandbox.credentials, baseUrl: sandbox.baseUrl };
	const ours = c.ours;
	const real = options.real;
	if (real && ours) {
		for (const [kind, parallel] of [['default', ours.parallel.default], ['max', ours.parallel.max]] as const) {
			list.push(realContender(real, `ours-${kind}`, `Kapture Order node, ${parallel} parallel (${kind})`, parallel));
		}
		const max = ours.parallel.max;
		list.push(realContender(real, 'ours-max-json', `Kapture Order node, ${max} parallel (max), Order JSON by one expression`, max));
		list.push(realContender(real, 'http-node', 'HTTP Request node, defaults, On Error: Continue'));
		if (!options.with429Variants) list.push(realContender(real, 'http-node-fields', HTTP_FIELDS_LABEL));
		if (options.with429Variants) list.push(realContender(real, 'http-node-retry', 'HTTP Request node, Retry On Fail (3 tries, 1 s)'));
	} else if (ours) {
		for (const [kind, parallel] of [['default', ours.parallel.default], ['max', ours.parallel.max]] as const) {
			list.push({
				id: `ours-${kind}`,
				label: `Kapture Order node, ${parallel} parallel (${kind})`,
				cap: parallel,
				engine: 'harness',
				run: (prefix) => ourNodeAdd(c, makeOrders(items, prefix), parallel, addParameters()),
			});
		}
	}
	if (!real) {
		list.push({
			id: 'http-node',
			label: 'HTTP Request node, defaults, On Error: Continue',
			engine: 'harness',
			run: (prefix) => httpNodeAdd(c, sandbox.baseUrl, makeOrders(items, prefix), { continueOnFail: true }),
		});
		if (!options.with429Variants) list.push({
			id: 'http-node-fields',
			label: HTTP_FIELDS_LABEL,
			engine: 'harness',
			run: (prefix) => httpNodeAdd(c, sandbox.baseUrl, makeOrders(items, prefix), { continueOnFail: true, bodyFromFields: true }),
		});
		if (options.with429Variants) {
			list.push({
				id: 'http-node-retry',
				label: 'HTTP Request node, Retry On Fail (3 tries, 1 s)',
				engine: 'harness',
				run: (prefix) => httpNodeAdd(c, sandbox.baseUrl, makeOrders(items, prefix), { continueOnFail: false, retryOnFail: true }),
			});
		}
	}
	const parallels = ours ? [ours.parallel.default, ours.parallel.max] : [5, 20];
	for (const parallel of parallels) {
		list.push({
			id: `raw-${parallel}`,
			label: `raw fetch, ${parallel} parallel, no retry`,
			cap: parallel,
			engine: 'no n8n',
			run: async (prefix) => {
				const r = await rawAdd(target, makeOrders(items, prefix), parallel, false);
				return { failed: r.failed, succeeded: r.ok };
			},
		});
		if (options.with429Variants && parallel === parallels[parallels.length - 1]) {
			list.push({
				id: `raw-${parallel}-retry`,
				label: `raw fetch, ${parallel} parallel, retries 429`,
				cap: parallel,
				engine: 'no n8n',
				run: async (prefix) => {
					const r = await rawAdd(target, makeOrders(items, prefix), parallel, true);
					return { failed: r.failed, succeeded: r.ok };
				},
			});
		}
	}
	return list;
}

export async function runAddScenario(
	sandbox: RemoteSandbox,
	contenders: AddContender[],
	settings: { latencyMs: number; rate429: number; items: number; rounds: number; faultSeed: number; label: string },
): Promise<AddRow[]> {
	const rows = new Map<string, AddRow>();
	for (let round_ = 0; round_ < settings.rounds; round_++) {
		const order = round_ % 2 === 0 ? contenders : [...contenders].reverse();
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
					', ' +
					`peak ${flight.peak} in flight, ${summary.total} requests, ${outcome.failed} failed, ` +
					`${stats.created} created, ${stats.duplicates} duplicates${outcome.runError ? `, run error: ${outcome.runError.slice(0, 120)}` : ''}`,
			);
			const row: AddRow = rows.get(contender.id) ?? {
				id: contender.id,
				label: contender.label,
				latencyMs: settings.latencyMs,
				rate429: settings.rate429,
				items: settings.items,
				cap: contender.cap ?? null,
				engine: contender.engine,
				measuredAs: outcome.timeMs !== undefined ? 'node executionTime' : 'wall',
				runs: 0,
				wallMs: 0,
				itemsPerSecond: 0,
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
			if (outcome.timeMs !== undefined) row.allRunWallMs = [...(row.allRunWallMs ?? []), round(ownWallMs, 1)];
			row.peakInFlight = Math.max(row.peakInFlight, flight.peak);
			// Counts are the worst round's: one failed item in any round is a failure.
			row.requests = Math.max(row.requests, summary.total);
			row.answered429 = Math.max(row.answered429, summary.byStatus['429'] ?? 0);
			row.failedItems = Math.max(row.failedItems, outcome.failed);
			row.createdOrders = round_ === 0 ? stats.created : Math.min(row.createdOrders, stats.created);
			row.duplicateOrders = Math.max(row.duplicateOrders, stats.duplicates);
			row.missingOrders = Math.max(row.missingOrders, stats.missing);
			if (outcome.runError) row.runError = outcome.runError.slice(0, 300);
			rows.set(contender.id, row);
		}
	}
	await sandbox.faultsClear();
	for (const row of rows.values()) {
		row.wallMs = round(median(row.allWallMs), 1);
		if (row.allRunWallMs?.length) row.runWallMs = round(median(row.allRunWallMs), 1);
		row.itemsPerSecond = round((row.items / row.wallMs) * 1000, 1);
	}
	return contenders.map((contender) => rows.get(contender.id) as AddRow);
}
