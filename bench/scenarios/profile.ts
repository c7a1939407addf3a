// Scenario 7: where our node's CPU goes inside a real n8n. A second `n8n start`
// runs under --cpu-prof (sampling every 0.5 ms); each contender's runs are
// cut out of the profile by their time windows and summarized by category
// (see lib/profile.ts). The measured figures (CPU per item) come from the
// unprofiled server; this says what they are made of.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startRealN8n, type RealContenderId, type RealN8nBench } from '../contenders/realN8n';
import { progress, round } from '../lib/measure';
import { ORDER_NODE_RULES, summarizeProfile, type ProfileSummary, type Window } from '../lib/profile';
import type { RemoteSandbox } from '../sandbox/remote';

export interface ProfileRow {
	id: RealContenderId;
	label: string;
	items: number;
	runs: number;
	/** Sampled CPU per item inside the runs' windows, ms. */
	busyMsPerItem: number;
	categories: Array<{ name: string; owner: string; msPerItem: number; share: number }>;
	top: Array<{ function: string; where: string; msPerItem: number; category: string }>;
	/** Our own functions with the most self time. */
	topOurs: Array<{ function: string; where: string; msPerItem: number; category: string }>;
}

export interface ProfileResults {
	items: number;
	runs: number;
	rows: ProfileRow[];
	error?: string;
}

export const PROFILED: ReadonlyArray<{ id: RealContenderId; label: string }> = [
	{ id: 'ours-default', label: 'Kapture Order node, 8 fields mapped' },
	{ id: 'set-fields', label: 'Edit Fields (Set), the same 8 expressions' },
	{ id: 'ours-default-json', label: 'Kapture Order node, Order JSON by one expression' },
	{ id: 'set-json', label: 'Edit Fields (Set), the same JSON expression' },
	{ id: 'noop', label: 'No Operation (the input steps only)' },
];

type Runtime = Parameters<typeof startRealN8n>[0];

export async function runProfileScenario(
	runtime: Runtime,
	sandbox: RemoteSandbox,
	settings: { items: number; runs: number; httpVersion: number },
): Promise<ProfileResults> {
	const dir = mkdtempSync(join(tmpdir(), 'kapture-bench-prof-'));
	let real: RealN8nBench | undefined;
	const windows = new Map<RealContenderId, Window[]>();
	try {
		real = await startRealN8n(
			runtime,
			sandbox,
			{ items: settings.items, httpVersion: settings.httpVersion, mode: 'server', contenders: PROFILED.map((c) => c.id), profileDir: dir },
			progress,
		);
		const pid = real.pid as number;
		// One unmeasured run each: module loading and JIT warm-up stay out of the windows.
		for (const { id } of PROFILED) {
			await sandbox.reset();
			await real.run(id);
		}
		for (let run = 0; run < settings.runs; run++) {
			for (const { id } of PROFILED) {
				await sandbox.reset();
				const outcome = await real.run(id);
				if (outcome.startedUs === undefined || outcome.endedUs === undefined) throw new Error('no time window for the run');
				windows.set(id, [...(windows.get(id) ?? []), { startUs: outcome.startedUs, endUs: outcome.endedUs }]);
				progress(`profile run ${run + 1}/${settings.runs}: ${id} ${(outcome.cliWallMs / 1000).toFixed(2)} s${outcome.runError ? `, error: ${outcome.runError}` : ''}`);
			}
		}
		await real.stop();
		const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile') && name.includes(`.${pid}.`));
		if (!file) throw new Error(`no profile of the n8n process (pid ${pid}) in ${dir}: ${readdirSync(dir).join(', ')}`);
		const rows = PROFILED.map(({ id, label }) => toRow(id, label, summarizeProfile(join(dir, file), windows.get(id) ?? [], ORDER_NODE_RULES, 400), settings.items * settings.runs, settings));
		return { items: settings.items, runs: settings.runs, rows };
	} catch (error) {
		return { items: settings.items, runs: settings.runs, rows: [], error: (error as Error).message.slice(0, 300) };
	} finally {
		await real?.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

function toRow(id: RealContenderId, label: string, summary: ProfileSummary, itemsInAll: number, settings: { items: number; runs: number }): ProfileRow {
	const perItem = (ms: number) => round(ms / itemsInAll, 4);
	return {
		id,
		label,
		items: settings.items,
		runs: settings.runs,
		busyMsPerItem: perItem(summary.busyMs),
		categories: summary.categories.map((c) => ({ name: c.name, owner: c.owner, msPerItem: perItem(c.ms), share: round(c.ms / summary.busyMs, 3) })),
		top: summary.top.slice(0, 20).map((t) => ({ function: t.function, where: t.where, msPerItem: perItem(t.ms), category: t.category })),
		topOurs: summary.top
			.filter((t) => t.where.startsWith('n8n-nodes-kapture/'))
			.slice(0, 12)
			.map((t) => ({ function: t.function, where: t.where.replace('n8n-nodes-kapture/dist/', ''), msPerItem: perItem(t.ms), category: t.category })),
	};
}
