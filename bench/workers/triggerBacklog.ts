// One Kapture Order Trigger working through a backlog, in a process of its own
// (started with --expose-gc by bench/scenarios/triggerBacklog.ts), so the
// memory a poll adds is its own and not the sandbox's (another process) or the
// bench's. Polls the way n8n does once the workflow is active (one poll
// context, live static data), one poll after the other, until the backlog is
// emitted; prints one JSON line on stdout.
//
//   env BENCH_TARGET = JSON {baseUrl, credentials, cap, backlog, staticData, measureEvery}

import type { IDataObject } from 'n8n-workflow';

import type { SandboxCredentials } from '../sandbox/remote';

interface Target {
	baseUrl: string;
	credentials: SandboxCredentials;
	cap: number;
	backlog: number;
	/** The workflow's static data after the activation poll. */
	staticData: IDataObject;
	/** Besides the first 3 polls, the memory of every Nth poll is measured (gcs before and during each one measured). */
	measureEvery: number;
}

export interface BacklogWorkerResult {
	cap: number;
	polls: number;
	emitted: number;
	firstId: number | null;
	lastId: number | null;
	/** Emitted out of order (createDate, then id going back) or twice: 0 when the drain is right. */
	outOfOrder: number;
	duplicates: number;
	requests: number;
	mostRequestsInOnePoll: number;
	requestsOfFirstPoll: number;
	/** The whole drain, measuring included. */
	wallMs: number;
	cpuMs: number;
	/** Per poll, over the polls that were not measured: the poll's own time and CPU (n8n-core and our node). */
	wallPerPollMs: number;
	cpuPerPollMs: number;
	measuredPolls: number;
	/**
	 * Largest heap still in use (sampled after a gc every 20 ms, and at the end
	 * with the emitted orders held) and RSS over what the process held (after a
	 * gc) just before a measured poll.
	 */
	peakPollHeapMb: number;
	peakPollRssMb: number;
	firstPollHeapMb: number;
	firstPollRssMb: number;
	baselineHeapMb: number;
	baselineRssMb: number;
	/** The trigger's stored state: most ids it remembered, and its largest size as JSON, over the measured polls and the end. */
	mostSeenIds: number;
	largestStateKb: number;
	error?: string;
}

const MB = 2 ** 20;

async function main(): Promise<void> {
	const target = JSON.parse(process.env.BENCH_TARGET ?? '{}') as Target;
	const { createContenders, loadOurNodes, KAPTURE_TRIGGER_TYPE } = await import('../contenders/n8n');
	const c = createContenders(target.baseUrl, target.credentials, () => undefined, loadOurNodes(), false);
	const activation = c.engine.activate(
		{
			type: KAPTURE_TRIGGER_TYPE,
			name: 'Kapture Order Trigger',
			parameters: { event: 'newOrder', filters: {}, options: { maxOrdersPerPoll: target.cap } },
		},
		{ staticData: target.staticData, scheduler: 'live' },
	);

	// The sandbox's request counter (its inspection endpoint is logged too, as 'inspect').
	const lastSeq = async (): Promise<number> => {
		const response = await fetch(`${target.baseUrl}/__sandbox/state?limit=1`);
		const state = (await response.json()) as { requests: Array<{ seq: number }> };
		return state.requests[state.requests.length - 1]?.seq ?? 0;
	};

	const result: BacklogWorkerResult = {
		cap: target.cap,
		polls: 0,
		emitted: 0,
		firstId: null,
		lastId: null,
		outOfOrder: 0,
		duplicates: 0,
		requests: 0,
		mostRequestsInOnePoll: 0,
		requestsOfFirstPoll: 0,
		wallMs: 0,
		cpuMs: 0,
		wallPerPollMs: 0,
		cpuPerPollMs: 0,
		measuredPolls: 0,
		peakPollHeapMb: 0,
		peakPollRssMb: 0,
		firstPollHeapMb: 0,
		firstPollRssMb: 0,
		baselineHeapMb: 0,
		baselineRssMb: 0,
		mostSeenIds: 0,
		largestStateKb: 0,
	};
	const noteState = () => {
		const node = activation.staticData()['node:Kapture Order Trigger'] as IDataObject | undefined;
		const state = node?.kaptureOrderTrigger as { seen?: Array<[number, number[]]> } | undefined;
		if (!state) return;
		const ids = (state.seen ?? []).reduce((sum, [, group]) => sum + group.length, 0);
		result.mostSeenIds = Math.max(result.mostSeenIds, ids);
		result.largestStateKb = Math.max(result.largestStateKb, JSON.stringify(state).length / 1024);
	};
	// Emitted ids as a bitmap over the id range: a Set of a million numbers would weigh on the figures.
	let emittedBits: Uint8Array | undefined;
	let previous: { createDate: number; id: number } | undefined;
	const maxPolls = Math.ceil(target.backlog / target.cap) * 2 + 50;
	const started = process.hrtime.bigint();
	const cpuStarted = process.cpuUsage();
	let pollMs = 0;
	let pollCpu = 0;
	let plainPolls = 0;
	let emptyInARow = 0;

	while (result.emitted < target.backlog && result.polls < maxPolls) {
		const poll = result.polls + 1;
		const measure = poll <= 3 || poll % target.measureEvery === 0;
		let baseline: NodeJS.MemoryUsage | undefined;
		let peakLive = 0;
		let peakRss = 0;
		let ticks = 0;
		let sampler: NodeJS.Timeout | undefined;
		// RSS every 2 ms; the heap still in use (after a gc, so garbage does not count) every 20 ms.
		const sample = (collect: boolean) => {
			if (collect) {
				global.gc?.();
				peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
			}
			peakRss = Math.max(peakRss, process.memoryUsage.rss());
		};
		const seqBefore = await lastSeq();
		if (measure) {
			global.gc?.();
			baseline = process.memoryUsage();
			peakLive = baseline.heapUsed;
			peakRss = baseline.rss;
			sampler = setInterval(() => sample(++ticks % 10 === 0), 2);
		}
		const pollStarted = process.hrtime.bigint();
		const cpuBefore = process.cpuUsage();
		let items: Array<{ json: IDataObject }> | null;
		try {
			items = (await activation.poll()).items;
		} catch (error) {
			result.error = `poll ${poll}: ${error instanceof Error ? error.message : String(error)}`;
			if (sampler) clearInterval(sampler);
			break;
		}
		if (measure && baseline) {
			clearInterval(sampler);
			sample(true); // the emitted orders are still held here, as n8n holds them for the execution
			const heapMb = (peakLive - baseline.heapUsed) / MB;
			const rssMb = (peakRss - baseline.rss) / MB;
			result.measuredPolls++;
			result.peakPollHeapMb = Math.max(result.peakPollHeapMb, heapMb);
			result.peakPollRssMb = Math.max(result.peakPollRssMb, rssMb);
			noteState();
			if (poll === 1) {
				result.firstPollHeapMb = heapMb;
				result.firstPollRssMb = rssMb;
				result.baselineHeapMb = baseline.heapUsed / MB;
				result.baselineRssMb = baseline.rss / MB;
			}
		} else {
			// Time and CPU of the polls that were not measured (the gcs of a measured poll would count).
			const cpu = process.cpuUsage(cpuBefore);
			pollCpu += (cpu.user + cpu.system) / 1000;
			pollMs += Number(process.hrtime.bigint() - pollStarted) / 1e6;
			plainPolls++;
		}
		const requests = (await lastSeq()) - seqBefore - 1;
		result.requests += requests;
		result.mostRequestsInOnePoll = Math.max(result.mostRequestsInOnePoll, requests);
		if (poll === 1) result.requestsOfFirstPoll = requests;
		result.polls = poll;

		for (const { json } of items ?? []) {
			const id = Number(json.id);
			const createDate = Number(json.createDate);
			if (result.firstId === null) {
				result.firstId = id;
				emittedBits = new Uint8Array(target.backlog + 1);
			}
			const slot = id - result.firstId;
			if (slot < 0 || slot > target.backlog || !emittedBits) result.outOfOrder++;
			else if (emittedBits[slot]) result.duplicates++;
			else emittedBits[slot] = 1;
			if (previous && (createDate < previous.createDate || (createDate === previous.createDate && id <= previous.id))) result.outOfOrder++;
			previous = { createDate, id };
			result.lastId = id;
			result.emitted++;
		}
		emptyInARow = items && items.length > 0 ? 0 : emptyInARow + 1;
		if (emptyInARow >= 20) {
			result.error = `stuck: ${emptyInARow} polls in a row emitted nothing with ${target.backlog - result.emitted} orders of the backlog left`;
			break;
		}
		if (poll % 1000 === 0) process.stderr.write(`[backlog worker] cap ${target.cap}: ${poll} polls, ${result.emitted} emitted, ${result.requests} requests\n`);
	}
	noteState();
	const cpu = process.cpuUsage(cpuStarted);
	result.wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	result.cpuMs = (cpu.user + cpu.system) / 1000;
	result.cpuPerPollMs = pollCpu / Math.max(1, plainPolls);
	result.wallPerPollMs = pollMs / Math.max(1, plainPolls);
	process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`backlog worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
		process.exit(1);
	},
);
