// `npm run bench`: throughput and CPU benchmarks of the Kapture nodes against
// n8n's own floor (Edit Fields evaluating the same expressions), n8n's HTTP
// Request node and a raw fetch client, side by side in one run.
//
// Env knobs (all optional): BENCH_ROUNDS (rounds of the add scenarios at 50 ms, default 3),
// BENCH_CPU_ROUNDS (rounds at 0 ms per machine load, where CPU per item is judged, default 4),
// BENCH_ITEMS (orders to add, default 2000), BENCH_PULL_ORDERS (default 100000),
// BENCH_TRIGGER_ORDERS (default 10000), BENCH_TRIGGER_BACKLOG (orders of scenario 4b, default 1000000),
// BENCH_LIMIT (the account limit, requests/s, default 100),
// BENCH_SKIP=add,load,429,limit,profile,pull,trigger,trigger-backlog,exactly,exactly-real,scrub,
// BENCH_NO_WRITE=1 (print only, leave docs/ alone), BENCH_N8N_NODES_BASE (see lib/n8nBase.ts),
// BENCH_REAL_N8N=auto|0|install (the add scenarios in a real n8n 2.40.7 when it is
// cached: `npm run n8n:install`; 0 = harness only; install = install it if missing,
// ~6 min), BENCH_REAL_N8N_MODE=server|cli (see contenders/realN8n.ts),
// BENCH_EXACTLY_ITEMS (items per run of 5b, default 1000). BENCH_ONLY=exactly-real runs 5b
// alone and writes docs/exactly-once.md and .json (the full run puts 5b into benchmarks.md).
// BENCH_ONLY=trigger (scenario 4) or BENCH_ONLY=trigger-backlog (4b, a million orders, ~25 min)
// runs that scenario alone and puts its figures into the existing docs/benchmarks.json and .md,
// marked with when they were measured; the other scenarios' figures stay as they were.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { createContenders, loadOurNodes } from './contenders/n8n';
import {
	locateRuntime,
	REAL_CONTENDER_IDS,
	startRealN8n,
	startRealN8nWorkflows,
	type RealContenderId,
	type RealN8nBench,
	type RealN8nMode,
} from './contenders/realN8n';
import { loadAverage, startBusyLoop } from './lib/cpu';
import { msSince, now, progress, resetClock, round } from './lib/measure';
import { checkTargets, exactlyOnceRealChecks, exactlyOnceRealSection, machineInfo, markdown, withTriggerSections, type BenchResults } from './report';
import { RemoteSandbox } from './sandbox/remote';
import { harnessContenders, mergeRounds, rawContender, realContenders, runAddScenario, type AddContender, type AddRow } from './scenarios/add';
import {
	exactlyOnceRealWorkflows,
	runExactlyOnceRealScenario,
	runExactlyOnceScenario,
	type ExactlyOnceRealResults,
	type ExactlyOnceResults,
} from './scenarios/exactlyOnce';
import { runLimitScenario, type LimitRow } from './scenarios/limit';
import { runProfileScenario, type ProfileResults } from './scenarios/profile';
import { runPullScenario, type PullRow } from './scenarios/pull';
import { runScrubScenario, type ScrubRow } from './scenarios/scrub';
import { runTriggerScenario, type TriggerRow } from './scenarios/trigger';
import { runTriggerBacklogScenario, type TriggerBacklogResults } from './scenarios/triggerBacklog';

const env = process.env;
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
// The 0 ms rounds measure CPU per item: more of them, as single runs scatter by ±10 %.
const CPU_ROUNDS = Number(env.BENCH_CPU_ROUNDS ?? 4);
const ITEMS = Number(env.BENCH_ITEMS ?? 2000);
const PULL_ORDERS = Number(env.BENCH_PULL_ORDERS ?? 100_000);
const TRIGGER_ORDERS = Number(env.BENCH_TRIGGER_ORDERS ?? 10_000);
const LIMIT_PER_SECOND = Number(env.BENCH_LIMIT ?? 100);
const TRIGGER_BACKLOG = Number(env.BENCH_TRIGGER_BACKLOG ?? 1_000_000);
// The default Max Orders per Poll, and its maximum.
const BACKLOG_CAPS = [100, 10_000];
const ONLY = env.BENCH_ONLY;
const ALL_PHASES = ['add', 'load', '429', 'limit', 'profile', 'pull', 'trigger', 'trigger-backlog', 'exactly', 'exactly-real', 'scrub'];
const SKIP = ONLY
	? new Set(ALL_PHASES.filter((name) => name !== ONLY))
	: new Set((env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const EXACTLY_ITEMS = Number(env.BENCH_EXACTLY_ITEMS ?? 1000);
const RATE_429 = 0.1;
const LATENCY_429 = 50;
// Parallelism of the raw client: our automatic ceiling.
const RAW_PARALLEL = 100;
// The exactly-once scenarios keep the Parallel Requests they were measured with (a cap of 50).
const EXACTLY_PARALLEL = 50;
// Kapture's search lag is undocumented; the exactly-once scenario gives new orders a small one.
const SEARCH_DELAY_MS = 250;
const PROFILE_RUNS = 2;

/** The add scenarios' contenders inside n8n, floors and baseline first. */
const ADD_IDS: RealContenderId[] = (process.env.BENCH_ADD_IDS?.split(',') as RealContenderId[] | undefined) ?? ['noop', 'set-fields', 'set-json', 'ours-default', 'ours-default-json', 'http-node', 'http-node-fields'];
const ADD_429_IDS: RealContenderId[] = ['noop', 'ours-default', 'ours-default-json', 'ours-cap5', 'http-node', 'http-node-retry'];

async function main(): Promise<void> {
	resetClock();
	const started = now();
	progress(`machine: ${JSON.stringify(machineInfo())}, load average ${loadAverage()}`);
	const sandbox = await RemoteSandbox.start({ latencyMs: 0, maxLogEntries: 500_000 });
	progress(`sandbox at ${sandbox.baseUrl} (pid ${sandbox.pid})`);
	const phases: Record<string, number> = {};
	const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
		const at = now();
		try {
			return await work();
		} finally {
			phases[name] = round(msSince(at) / 1000, 0);
		}
	};
	try {
		const ours = loadOurNodes();
		progress(`our node: Parallel Requests automatic up to ${ours.parallel.max} unless set (proposed ${ours.parallel.default}); page size default ${ours.pageSize.default}, max ${ours.pageSize.max}`);
		const c = createContenders(sandbox.baseUrl, sandbox.credentials, progress, ours);
		progress(`HTTP Request node v${c.http?.defaultVersion} from n8n-nodes-base ${c.http?.source.version} (${c.http?.source.from})`);

		// The real n8n, when it is cached: the add scenarios are judged there.
		let real: RealN8nBench | undefined;
		let comparison: string;
		const mode = (env.BENCH_REAL_N8N_MODE ?? 'server') as RealN8nMode;
		const addPhases = ['add', 'load', '429', 'limit'];
		const needN8n = [...addPhases, 'profile', 'exactly-real'].some((name) => !SKIP.has(name));
		const availability = needN8n ? await locateRuntime(progress) : { available: false as const, reason: 'add scenarios skipped' };
		if (availability.available && addPhases.some((name) => !SKIP.has(name))) {
			try {
				real = await startRealN8n(availability.runtime, sandbox, { items: ITEMS, httpVersion: c.http?.defaultVersion ?? 4.2, mode, contenders: REAL_CONTENDER_IDS }, progress);
				comparison = `real n8n ${real.version} (${mode === 'server' ? '`n8n start`, workflows started by webhook' : '`n8n execute` per run'})`;
			} catch (error) {
				comparison = `HARNESS (in-process n8n-core): the real n8n could not be started: ${(error as Error).message.slice(0, 300)}`;
			}
		} else {
			comparison = `HARNESS (in-process n8n-core), NOT a real n8n: ${'reason' in availability ? availability.reason : 'add scenarios skipped'}`;
		}
		progress(`add scenarios judged on: ${comparison}`);
		const realInfo = real ? { version: real.version, nodesBaseVersion: real.nodesBaseVersion } : undefined;

		let add: AddRow[] = [];
		let addLoaded: AddRow[] = [];
		let add429: AddRow[] = [];
		let limit: LimitRow[] = [];
		let profile: ProfileResults | undefined;
		try {
			const addContenders = (): AddContender[] => [
				...(real ? realContenders(real, ADD_IDS) : harnessContenders(sandbox, c, ITEMS, false)),
				rawContender(sandbox, ITEMS, RAW_PARALLEL),
			];
			if (addPhases.some((name) => !SKIP.has(name))) await phase('warm-up', async () => {
				// The first run of each pays for module loading and JIT; not measured.
				for (const contender of addContenders()) {
					await sandbox.reset();
					const o = await contender.run(`warm-${contender.id}-`);
					progress(`warm-up ${contender.id}: ${o.runError ? `error: ${o.runError}` : 'ok'}`);
				}
			});

			if (!SKIP.has('add') || !SKIP.has('load')) {
				// 0 ms, where CPU per item is judged: rounds at the load as found and rounds with a busy
				// loop of ours on one core, alternating, so both loads meet n8n equally warmed up.
				const busyToo = !SKIP.has('load') && Boolean(real);
				const asFoundCalls: AddRow[][] = [];
				const busyCalls: AddRow[][] = [];
				await phase(busyToo ? 'add at 0 ms, two loads' : 'add at 0 ms', async () => {
					for (let round_ = 0; round_ < CPU_ROUNDS; round_++) {
						asFoundCalls.push(await runAddScenario(sandbox, addContenders(), { latencyMs: 0, rate429: 0, items: ITEMS, rounds: 1, firstRound: round_, faultSeed: 0, label: `add@0ms r${round_ + 1}` }));
						if (!busyToo) continue;
						const busy = startBusyLoop();
						progress(`busy loop on one core (pid ${busy.pid}); load average ${loadAverage()}`);
						try {
							busyCalls.push(await runAddScenario(sandbox, addContenders(), { latencyMs: 0, rate429: 0, items: ITEMS, rounds: 1, firstRound: round_ + 1, faultSeed: 0, label: `add@0ms+busy r${round_ + 1}`, load: 'one core kept busy by the bench' }));
						} finally {
							await busy.stop();
						}
					}
				});
				add = mergeRounds(asFoundCalls);
				addLoaded = mergeRounds(busyCalls);
				add = add.concat(
					await phase('add at 50 ms', async () => await runAddScenario(sandbox, addContenders(), { latencyMs: 50, rate429: 0, items: ITEMS, rounds: ROUNDS, faultSeed: 0, label: 'add@50ms' })),
				);
			}
			if (!SKIP.has('429')) {
				add429 = await phase('429', async () => {
					const contenders = [
						...(real ? realContenders(real, ADD_429_IDS) : harnessContenders(sandbox, c, ITEMS, true)),
						rawContender(sandbox, ITEMS, RAW_PARALLEL),
						rawContender(sandbox, ITEMS, RAW_PARALLEL, true),
					];
					return await runAddScenario(sandbox, contenders, { latencyMs: LATENCY_429, rate429: RATE_429, items: ITEMS, rounds: 1, faultSeed: 429, label: `add429@${LATENCY_429}ms` });
				});
			}
			if (!SKIP.has('limit') && real) {
				const server = real;
				limit = await phase('account limit', async () => await runLimitScenario(sandbox, server, { items: ITEMS, limitPerSecond: LIMIT_PER_SECOND, latencyMs: LATENCY_429 }));
			}
		} finally {
			// Stop the n8n server before the scenarios that do not use it.
			await real?.close();
			if (real) progress('real n8n stopped');
		}
		if (!SKIP.has('profile') && availability.available) {
			const runtime = availability.runtime;
			profile = await phase('profile', async () => await runProfileScenario(runtime, sandbox, { items: ITEMS, runs: PROFILE_RUNS, httpVersion: c.http?.defaultVersion ?? 4.2 }));
			if (profile.error) progress(`profile failed: ${profile.error}`);
		}
		let pull: PullRow[] = [];
		if (!SKIP.has('pull')) {
			pull = await phase('pull', async () => await runPullScenario(sandbox, { orders: PULL_ORDERS, pageSize: ours.pageSize.max, rounds: 1, latencyMs: 0 }));
		}
		let trigger: TriggerRow[] = [];
		if (!SKIP.has('trigger')) {
			trigger = await phase('trigger', async () => await runTriggerScenario(sandbox, c, { newOrders: TRIGGER_ORDERS, latencyMs: 0 }));
		}
		let triggerBacklog: TriggerBacklogResults | undefined;
		if (!SKIP.has('trigger-backlog')) {
			triggerBacklog = await runTriggerBacklogScenario(ours, { backlog: TRIGGER_BACKLOG, caps: BACKLOG_CAPS });
		}
		if (ONLY === 'trigger' || ONLY === 'trigger-backlog') {
			mergeIntoDocs(ONLY === 'trigger' ? { trigger } : { triggerBacklog });
			return;
		}
		let exactlyOnceReal: ExactlyOnceRealResults | undefined;
		if (!SKIP.has('exactly-real')) {
			if (!availability.available) {
				progress(`exactly-once in a real n8n skipped: ${'reason' in availability ? availability.reason : 'no runtime'}`);
			} else {
				const runtime = availability.runtime;
				exactlyOnceReal = await phase('exactly-once in n8n', async () => {
					const settings = { items: EXACTLY_ITEMS, latencyMs: LATENCY_429, parallel: EXACTLY_PARALLEL, searchDelayMs: SEARCH_DELAY_MS, seed: 1700 };
					const workflows = await startRealN8nWorkflows(runtime, sandbox, exactlyOnceRealWorkflows(settings.items, settings.parallel), progress);
					try {
						return await runExactlyOnceRealScenario(sandbox, workflows, settings);
					} finally {
						await workflows.close();
					}
				});
				if (ONLY === 'exactly-real') {
					const checks = exactlyOnceRealChecks(exactlyOnceReal);
					const md = [
						'# Exactly-once in a real n8n (bench scenario 5b)',
						'',
						`Run on ${new Date().toISOString()}: ${JSON.stringify(machineInfo())}. \`BENCH_ONLY=exactly-real npm run bench\`.`,
						'',
						'| target | holds | measured |',
						'| --- | --- | --- |',
						...checks.map((check) => `| ${check.target} | ${check.holds ? 'yes' : '**NO**'} | ${check.measured} |`),
						'',
						...exactlyOnceRealSection(exactlyOnceReal),
					].join('\n');
					process.stdout.write(`\n${md}\n`);
					if (!env.BENCH_NO_WRITE) {
						const docs = join(__dirname, '..', 'docs');
						writeFileSync(join(docs, 'exactly-once.md'), md);
						writeFileSync(join(docs, 'exactly-once.json'), JSON.stringify(exactlyOnceReal, null, 2) + '\n');
						progress('wrote docs/exactly-once.md and docs/exactly-once.json');
					}
					return;
				}
			}
		}
		let exactlyOnce: ExactlyOnceResults | undefined;
		if (!SKIP.has('exactly')) {
			exactlyOnce = await phase('exactly-once', async () =>
				await runExactlyOnceScenario(sandbox, c, {
					items: ITEMS,
					latencyMs: LATENCY_429,
					parallel: EXACTLY_PARALLEL,
					searchDelayMs: SEARCH_DELAY_MS,
					// Two requests per item against one: three rounds at least, the median shown.
					rounds: Math.max(3, ROUNDS),
					seed: 1200,
				}),
			);
		}

		let scrub: ScrubRow[] = [];
		if (!SKIP.has('scrub')) {
			scrub = await phase('scrub', async () => await runScrubScenario(sandbox, { orders: 500, rounds: 5 }));
		}

		const partial = {
			date: new Date().toISOString(),
			machine: machineInfo(),
			comparison,
			realN8n: Boolean(realInfo),
			rounds: ROUNDS,
			setup: {
				'add scenarios (1, 2) judged on': comparison,
				...(realInfo
					? {
							'real n8n': `n8n ${realInfo.version} (n8n-nodes-base ${realInfo.nodesBaseVersion}) from scripts/n8n, Node 24, SQLite, default expression engine (isolated-vm), credentials stored encrypted in its database; our package transpiled from the working tree and installed as a community package. Workflow: ${mode === 'server' ? 'Webhook (respond when the last node finishes)' : 'Manual Trigger'} → Edit Fields (raw JSON of the ${ITEMS} orders) → Split Out → contender. Time = the contender node's executionTime from the run data; "run" = the whole call, input steps and run-data saving included. CPU = user + system time of the n8n process tree (server and task runners, /proc/<pid>/stat) during the webhook call, minus the median of the same workflow with a No Operation node as contender`,
						}
					: {}),
				'n8n engine (harness)': 'n8n-core 2.40.3 / n8n-workflow 2.40.1 (the versions n8n 2.40.7 uses), in-process (test/helpers/engine), legacy expression engine; used for the trigger and exactly-once scenarios, and for the add scenarios only when no real n8n is available',
				'floors': "Edit Fields (Set) 3.4, manual mapping: the same 8 expressions (field mode) or one object expression (Order JSON mode); n8n's own cost of the mapping. Floor per item = that + the raw client's CPU per request",
				'HTTP Request node': `n8n-nodes-base ${c.http?.source.version}, typeVersion ${c.http?.defaultVersion}, POST JSON body from one expression per item, Basic Auth credential, default options; and the same with the body "Using Fields Below", the same 8 fields each mapped by an expression (like-for-like with our node's field mode)`,
				'our node': `Kapture Order (Create, v1 API, 8 body fields each mapped by an expression, or Order JSON by the HTTP Request node's expression; Get Many, v1, Return All, Simplify off); Parallel Requests left out (automatic, up to ${ours.parallel.max}) unless a cap is named`,
				'raw client': `Node global fetch (undici, keep-alive), ${RAW_PARALLEL} parallel, same bodies; CPU = the bench process's own during the run`,
				'sandbox': 'test/sandbox in a child process, 127.0.0.1, latency injected per request',
				'rounds (add scenarios)': `${CPU_ROUNDS} at 0 ms (CPU per item), ${ROUNDS} at 50 ms`,
				'machine load': `as found (other engineers' jobs share the 2 cores), and at 0 ms also with a busy loop of the bench's on one core, the two loads alternating round by round`,
				'429 faults': `${RATE_429 * 100} % of add requests, seeded, Retry-After: 0, at ${LATENCY_429} ms latency, one round`,
				'account limit': `sandbox accountRateLimit ${LIMIT_PER_SECOND} requests/s (sliding 1 s window, 429 with Retry-After ≥ 1 s), ${LATENCY_429} ms latency, ${ITEMS} items per execution; "finding" = the first 3 s after the first request`,
				'profile': `a second n8n start under --cpu-prof (0.5 ms sampling), ${PROFILE_RUNS} runs of ${ITEMS} items per contender after one unmeasured run; samples cut to the runs' time windows; main thread only`,
				'pull': `${PULL_ORDERS} orders, sandbox page cap = node max page size ${ours.pageSize.max}, 0 ms latency, each contender in its own child process`,
				...triggerSetup(),
				...triggerBacklogSetup(),
				'scrubber (7)': 'one page of 500 orders from the sandbox (v1 pull, partner pull), read as the transport reads it (interpretAnswer) with and without Scrubber.body first, in the bench process; CPU time per page, median of 5 rounds, the two alternating',
				'exactly-once (5, 6)': `our node in the harness, Create / Create or Update over v1 with the add scenarios' fields, ${ITEMS} items, ${LATENCY_429} ms latency, Parallel Requests ${EXACTLY_PARALLEL}; scenario 5 once per contender with seeded faults on every request, scenario 6 ${Math.max(3, ROUNDS)} rounds without faults, contenders alternating, the median shown`,
			},
			add,
			addLoaded,
			add429,
			limit,
			profile,
			pull,
			trigger,
			triggerBacklog,
			exactlyOnce,
			scrub,
			exactlyOnceReal,
			phases,
		};

		const results: BenchResults = {
			...partial,
			targets: checkTargets(partial),
			notes: notes(Boolean(realInfo)),
			totalSeconds: round(msSince(started) / 1000, 0),
		};
		const md = markdown(results);
		process.stdout.write(`\n${md}\n`);
		if (!env.BENCH_NO_WRITE) {
			const docs = join(__dirname, '..', 'docs');
			mkdirSync(docs, { recursive: true });
			writeFileSync(join(docs, 'benchmarks.md'), md);
			writeFileSync(join(docs, 'benchmarks.json'), JSON.stringify(results, null, 2) + '\n');
			progress('wrote docs/benchmarks.md and docs/benchmarks.json');
		}
	} finally {
		await sandbox.close();
	}
}

/** How scenarios 4 and 4b were set up (also written when they are measured alone). */
function triggerSetup(): Record<string, string> {
	return {
		trigger: `${TRIGGER_ORDERS} new orders created after activation (Kapture's clock frozen, then moved past them; one every 240 ms), Max Orders per Poll ${TRIGGER_ORDERS}, 0 ms latency; then a quiet account (one order a minute, the newest an hour old): activation, an idle poll, an ordinary poll (5 new orders); CPU = the bench process (n8n-core and our node) during the poll`,
	};
}

function triggerBacklogSetup(): Record<string, string> {
	return {
		'trigger backlog (4b)': `${TRIGGER_BACKLOG} orders arrived after activation (one per 250 ms of Kapture's frozen clock), drained at Max Orders per Poll ${BACKLOG_CAPS.join(' and ')}, each drain in a fresh process of its own (--expose-gc) polling one poll after the other as an active workflow does (one poll context, live static data); the sandbox, with the backlog, in another process; memory a poll adds = the most heap still in use (after a gc, every 20 ms during the poll and at its end with the emitted orders held) and RSS (every 2 ms) minus the values after a gc just before it (the first 3 polls and every ~10th of the drain); time and CPU per poll over the polls not measured`,
	};
}

/**
 * BENCH_ONLY=trigger or trigger-backlog: the scenario's figures go into the
 * existing docs/benchmarks.json and .md, marked with the time they were
 * measured; the other scenarios' figures (and their Markdown) stay as the
 * last full run left them.
 */
function mergeIntoDocs(measured: Partial<Pick<BenchResults, 'trigger' | 'triggerBacklog'>>): void {
	const docs = join(__dirname, '..', 'docs');
	const file = join(docs, 'benchmarks.json');
	if (env.BENCH_NO_WRITE || !existsSync(file)) {
		progress(env.BENCH_NO_WRITE ? 'BENCH_NO_WRITE: docs left alone' : `no ${file} to add the figures to: run the whole bench once`);
		process.stdout.write(`${JSON.stringify(measured, null, 2)}\n`);
		return;
	}
	const earlier = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
	const measuredAt = { ...earlier.measuredAt };
	for (const key of Object.keys(measured)) measuredAt[key] = new Date().toISOString();
	const merged = { ...earlier, ...measured, measuredAt };
	merged.setup = { ...earlier.setup, ...(merged.trigger ? triggerSetup() : {}), ...(merged.triggerBacklog ? triggerBacklogSetup() : {}) };
	const { targets: _targets, notes: _notes, totalSeconds: _total, ...partial } = merged;
	const results: BenchResults = { ...merged, targets: checkTargets(partial) };
	const previous = join(docs, 'benchmarks.md');
	const md = existsSync(previous) ? withTriggerSections(readFileSync(previous, 'utf8'), results) : markdown(results);
	process.stdout.write(`\n${md}\n`);
	writeFileSync(join(docs, 'benchmarks.md'), md);
	writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
	progress(`put ${Object.keys(measured).join(', ')} into docs/benchmarks.md and docs/benchmarks.json`);
}

function notes(realN8n: boolean): string[] {
	return [...(realN8n ? REAL_NOTES : HARNESS_NOTES), ...COMMON_NOTES];
}

const REAL_NOTES: string[] = [
	"Real n8n: our node, the Edit Fields floors and the HTTP Request node pay the same n8n costs per item (expressions in isolated-vm, n8n's run-data bookkeeping); our node and the HTTP Request node also pay n8n's HTTP helper (axios; a new connection per request) and the credential lookup. The HTTP Request node starts its requests as fast as it prepares items, with no cap.",
];

const HARNESS_NOTES: string[] = [
	'Fidelity of the HTTP Request node figures: in this harness credentials come from memory, while a real n8n server reads and decrypts them from its database for every item, and real n8n 2.40.7 evaluates expressions in an isolated-vm sandbox (here the legacy evaluator). Ratios against the HTTP Request node therefore compare against a faster-than-real HTTP Request node; our node pays the same harness costs.',
];

const COMMON_NOTES: string[] = [
	'The HTTP Request node has no limit on requests in flight: at 50 ms it starts a request per item as fast as items are prepared. Our node never exceeds its ceiling (100 automatic, or the Parallel Requests set).',
	'Failed items: output items carrying an error (On Error: Continue). "Run stopped" means the node threw and the workflow failed: every item counts as failed. Duplicates: orders in the sandbox beyond one per distinct ERP order id.',
	'Return All: without a total count from Kapture, a client whose last page is full cannot know it was the last one; when the page size divides the order count exactly, one more (empty) request is needed by any client, the raw one included.',
];

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
		process.exit(1);
	},
);
