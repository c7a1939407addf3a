// `npm run bench:pace`: every generated case the request pace is judged on,
// simulated (virtual time, a few seconds in all), with a one-line summary per
// set: for work on nodes/shared/transport/pace.ts. docs/pace.md explains the
// sets and records what earlier attempts scored.
//
// PACE_SEEDS=1,151,301 (first seeds of the account-limit sets; the tests use 1,
// the others are held out), PACE_VERBOSE=1 (list every failing case).

import {
	accountLimitCases,
	busyAccountLimitCases,
	queueCheck4,
	randomRefusalGrid,
	slowdownAgainstPausesOnly,
	type NamedCase,
} from '../test/nodes/shared/transport/__fixtures__/paceCases';
import { accountLimitVerdict, simulate } from '../test/nodes/shared/transport/__fixtures__/paceSimulation';

const verbose = process.env.PACE_VERBOSE === '1';
const seeds = (process.env.PACE_SEEDS ?? '1,151,301,451,601').split(',').map(Number);

function judge(label: string, cases: NamedCase[]): void {
	const failing = cases.map((c) => [c, accountLimitVerdict(c, simulate(c))] as const).filter(([, verdict]) => verdict);
	console.log(`${label}: ${failing.length} of ${cases.length} break the claim`);
	if (verbose) for (const [c, verdict] of failing) console.log(`  seed ${c.seed}, ${c.name}: ${verdict}`);
}

function summarise(label: string, slowdowns: number[]): void {
	const sorted = [...slowdowns].sort((a, b) => a - b);
	const above = (x: number) => sorted.filter((s) => s > x).length;
	const median = sorted[Math.floor(sorted.length / 2)];
	console.log(`${label}: median ${median.toFixed(2)}x, above 3x ${above(3)}, above 10x ${above(10)}, worst ${sorted[sorted.length - 1].toFixed(1)}x (of ${sorted.length})`);
}

const started = process.cpuUsage();
console.log('Account limit: settles at 80-100 % of it with refusals in few seconds (accountLimitVerdict)');
for (const seed of seeds) judge(`  150 cases from seed ${seed}${seed === 1 ? ' (the tests)' : ' (held out)'}`, accountLimitCases(seed));
judge('  executions making 5-40 requests/s at most', busyAccountLimitCases());
console.log('Refusals at random asking to wait: time against only waiting out the pauses');
summarise('  180 cases', randomRefusalGrid().map(slowdownAgainstPausesOnly));
summarise('  the same, executions making 14 requests/s at most', randomRefusalGrid(14).map(slowdownAgainstPausesOnly));
summarise('  the same, each execution\'s event loop blocked 1.5 s at the start', randomRefusalGrid(undefined, 1500).map(slowdownAgainstPausesOnly));
const check4 = (adaptToRefusals: boolean) => [1, 2, 3].map((seed) => `${slowdownAgainstPausesOnly({ ...queueCheck4(seed), adaptToRefusals }).toFixed(1)}x`).join(', ');
console.log(`  queue check 4 (4 x 500, up to 57/s each, 1.5 s blocked at the start, 10 % 429, Retry-After 1), seeds 1-3: ${check4(true)}`);
console.log('With Options > When Asked to Slow Down = Only Wait as Asked');
summarise('  180 cases', randomRefusalGrid().map((c) => slowdownAgainstPausesOnly({ ...c, adaptToRefusals: false })));
summarise('  the same, executions making 14 requests/s at most', randomRefusalGrid(14).map((c) => slowdownAgainstPausesOnly({ ...c, adaptToRefusals: false })));
console.log(`  queue check 4, seeds 1-3: ${check4(false)}`);
const cpu = process.cpuUsage(started);
console.log(`(${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of CPU)`);
