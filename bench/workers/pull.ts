// One "Return All" pull of every order in the sandbox, in a process of its own
// so its peak memory is not mixed with the other contenders'. Started by
// bench/scenarios/pull.ts; prints one JSON line on stdout.
//
//   argv: <contender: ours|raw> <pageSize> ; env BENCH_TARGET = JSON {baseUrl, credentials}

import type { SandboxCredentials } from '../sandbox/remote';

interface Target {
	baseUrl: string;
	credentials: SandboxCredentials;
}

async function main(): Promise<void> {
	const [contender, pageSizeText] = process.argv.slice(2);
	const pageSize = Number(pageSizeText);
	const target = JSON.parse(process.env.BENCH_TARGET ?? '{}') as Target;

	// Load everything before the baseline, so the figure is the pull's own memory.
	const { createContenders, loadOurNodes, KAPTURE_ORDER_TYPE } = await import('../contenders/n8n');
	const { rawPullAll } = await import('../contenders/raw');
	const { pullParameters } = await import('../scenarios/params');
	const c = contender === 'ours' ? createContenders(target.baseUrl, target.credentials, () => undefined, loadOurNodes(), false) : undefined;

	global.gc?.();
	const baseline = process.memoryUsage();
	let peakRss = baseline.rss;
	let peakHeap = baseline.heapUsed;
	const sample = () => {
		const m = process.memoryUsage();
		if (m.rss > peakRss) peakRss = m.rss;
		if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
	};
	const sampler = setInterval(sample, 20);

	const started = process.hrtime.bigint();
	let orders = 0;
	let error: string | undefined;
	if (contender === 'ours' && c) {
		const result = await c.engine.runNode({ type: KAPTURE_ORDER_TYPE, name: 'Kapture Order', parameters: pullParameters(pageSize) });
		if (result.error) error = result.error.message;
		else orders = result.output('Kapture Order').length;
	} else {
		orders = (await rawPullAll({ ...target.credentials, baseUrl: target.baseUrl }, pageSize)).orders;
	}
	const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	sample();
	clearInterval(sampler);

	process.stdout.write(
		JSON.stringify({
			contender,
			pageSize,
			orders,
			wallMs,
			error,
			baselineRssMb: baseline.rss / 2 ** 20,
			peakRssMb: peakRss / 2 ** 20,
			peakHeapMb: peakHeap / 2 ** 20,
			pullRssMb: (peakRss - baseline.rss) / 2 ** 20,
			pullHeapMb: (peakHeap - baseline.heapUsed) / 2 ** 20,
		}) + '\n',
	);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`pull worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
		process.exit(1);
	},
);
