// Scenario 8: an account-wide rate limit (the sandbox's test/sandbox/accountLimit.ts:
// n requests per second over every client, 429 with Retry-After beyond it).
// Our node at its defaults, inside the real n8n, alone and with a second
// execution at the same time (as executions and queue-mode workers share one
// Kapture account): it must lose and duplicate nothing, find the limit with a
// few 429s and then stay just below it instead of refusing in storms.

import type { RealContenderId, RealN8nBench, RealN8nRunOutcome } from '../contenders/realN8n';
import { median, progress, round } from '../lib/measure';
import type { RemoteSandbox } from '../sandbox/remote';
import { REAL_LABELS } from './add';

// Seconds counted as "finding the limit", from the first request.
const FINDING_SECONDS = 3;

export interface LimitRow {
	id: string;
	label: string;
	executions: number;
	items: number;
	limitPerSecond: number;
	latencyMs: number;
	wallMs: number;
	requests: number;
	refused: number;
	/** 429s in the first FINDING_SECONDS seconds of sending. */
	refusedFinding: number;
	refusedAfter: number;
	/** Median of the admitted requests per second after the finding seconds (full seconds only). */
	settledPerSecond: number;
	/** Lowest and highest full second after finding. */
	settledMin: number;
	settledMax: number;
	failedItems: number;
	created: number;
	duplicates: number;
	missing: number;
	/** admitted/refused per second, from the first request. */
	timeline: string;
	runError?: string;
}

export async function runLimitScenario(
	sandbox: RemoteSandbox,
	real: RealN8nBench,
	settings: { items: number; limitPerSecond: number; latencyMs: number },
): Promise<LimitRow[]> {
	const cases: Array<{ id: string; label: string; contenders: RealContenderId[] }> = [
		{ id: 'limit-fields', label: `${REAL_LABELS['ours-default'].label}, alone`, contenders: ['ours-default'] },
		{ id: 'limit-json', label: `${REAL_LABELS['ours-default-json'].label}, alone`, contenders: ['ours-default-json'] },
		{
			id: 'limit-two',
			label: 'both of the above at the same time (two executions sharing the account)',
			contenders: ['ours-default', 'ours-default-json'],
		},
	];
	const rows: LimitRow[] = [];
	try {
		for (const c of cases) {
			await sandbox.reset();
			await sandbox.setLatency(settings.latencyMs);
			await sandbox.setAccountRateLimit(settings.limitPerSecond);
			const started = process.hrtime.bigint();
			const outcomes: RealN8nRunOutcome[] = await Promise.all(c.contenders.map((id) => real.run(id)));
			const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
			const [timeline, summary, ...stats] = await Promise.all([
				sandbox.rateTimeline('v1AddUpdate'),
				sandbox.requestSummary('v1AddUpdate'),
				...c.contenders.map((id) => sandbox.orderStats(real.prefix(id), settings.items)),
			]);
			await sandbox.setAccountRateLimit(null);
			const after = timeline.slice(FINDING_SECONDS, -1);
			const settled = after.map((second) => second.admitted);
			const row: LimitRow = {
				id: c.id,
				label: c.label,
				executions: c.contenders.length,
				items: settings.items * c.contenders.length,
				limitPerSecond: settings.limitPerSecond,
				latencyMs: settings.latencyMs,
				wallMs: round(wallMs, 0),
				requests: summary.total,
				refused: summary.byStatus['429'] ?? 0,
				refusedFinding: timeline.slice(0, FINDING_SECONDS).reduce((sum, second) => sum + second.refused, 0),
				refusedAfter: timeline.slice(FINDING_SECONDS).reduce((sum, second) => sum + second.refused, 0),
				settledPerSecond: settled.length ? round(median(settled), 0) : NaN,
				settledMin: settled.length ? Math.min(...settled) : NaN,
				settledMax: settled.length ? Math.max(...settled) : NaN,
				failedItems: outcomes.reduce((sum, outcome) => sum + outcome.failed, 0),
				created: stats.reduce((sum, s) => sum + s.created, 0),
				duplicates: stats.reduce((sum, s) => sum + s.duplicates, 0),
				missing: stats.reduce((sum, s) => sum + s.missing, 0),
				timeline: timeline.map((second) => `${second.admitted}/${second.refused}`).join(' '),
				...(outcomes.some((o) => o.runError) ? { runError: outcomes.map((o) => o.runError).filter(Boolean).join('; ').slice(0, 300) } : {}),
			};
			progress(
				`account limit ${settings.limitPerSecond}/s: ${c.label}: ${(wallMs / 1000).toFixed(1)} s, ${row.refused} 429s (${row.refusedFinding} while finding, ${row.refusedAfter} after), settled ${row.settledPerSecond}/s [${row.settledMin}–${row.settledMax}], ${row.failedItems} failed, ${row.duplicates} duplicates, ${row.missing} missing`,
			);
			rows.push(row);
		}
	} finally {
		await sandbox.setAccountRateLimit(null);
	}
	return rows;
}
