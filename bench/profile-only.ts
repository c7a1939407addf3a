// Scratch: profile only (temporary).
import { locateRuntime } from './contenders/realN8n';
import { progress } from './lib/measure';
import { RemoteSandbox } from './sandbox/remote';
import { runProfileScenario } from './scenarios/profile';
import { writeFileSync } from 'node:fs';

async function main() {
	const sandbox = await RemoteSandbox.start({ latencyMs: 0, maxLogEntries: 500_000 });
	try {
		const a = await locateRuntime(progress);
		if (!a.available) throw new Error(a.reason);
		const r = await runProfileScenario(a.runtime, sandbox, { items: Number(process.env.ITEMS ?? 1000), runs: Number(process.env.RUNS ?? 2), httpVersion: 4.2 });
		writeFileSync(process.env.OUT ?? '/tmp/perf/profile.json', JSON.stringify(r, null, 2));
		for (const row of r.rows) {
			console.log(`\n== ${row.label}: ${row.busyMsPerItem} ms/item`);
			for (const c of row.categories) console.log(`  ${c.msPerItem.toFixed(4)}  ${(c.share * 100).toFixed(1)}%  ${c.name}`);
			for (const t of row.top.slice(0, 15)) console.log(`    ${t.msPerItem.toFixed(4)}  ${t.function}  ${t.where}  [${t.category}]`);
		}
		if (r.error) console.log('ERROR', r.error);
	} finally {
		await sandbox.close();
	}
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
