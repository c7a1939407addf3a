// Child process that runs the Kapture sandbox for the benchmarks, so the fake
// server has its own event loop (and core) and does not steal time from the
// contender being measured. The parent drives it over the IPC channel
// (see ./remote.ts); every call is { id, method, args } -> { id, result | error }.

import { startSandbox } from '../../test/sandbox';
import type { FaultSpec, KaptureSandbox, PullBehaviour, SandboxOptions } from '../../test/sandbox';

let sandbox: KaptureSandbox | undefined;

function need(): KaptureSandbox {
	if (!sandbox) throw new Error('sandbox not started');
	return sandbox;
}

/** Requests per API and status since the last clearRequests(), without bodies. */
function requestSummary(api?: string) {
	const byStatus: Record<string, number> = {};
	const byFault: Record<string, number> = {};
	let total = 0;
	for (const entry of need().requests()) {
		if (api && entry.api !== api) continue;
		total++;
		byStatus[entry.status] = (byStatus[entry.status] ?? 0) + 1;
		if (entry.fault) byFault[entry.fault] = (byFault[entry.fault] ?? 0) + 1;
	}
	return { total, byStatus, byFault };
}

/**
 * How the orders in the store whose ERP order id starts with `prefix` compare
 * with the `expected` distinct ids: created, distinct, duplicates (orders
 * beyond the first for one id) and missing ids.
 */
function orderStats(prefix: string, expected: number) {
	const seen = new Map<string, number>();
	for (const order of need().listOrders()) {
		if (!order.erpOrderId.startsWith(prefix)) continue;
		seen.set(order.erpOrderId, (seen.get(order.erpOrderId) ?? 0) + 1);
	}
	let created = 0;
	for (const n of seen.values()) created += n;
	return {
		created,
		distinct: seen.size,
		duplicates: created - seen.size,
		missing: expected - seen.size,
	};
}

/** How many orders each key has, for orders whose `field` starts with `prefix`. */
function orderKeyCounts(field: 'erpOrderId' | 'invoiceNo', prefix: string): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const order of need().listOrders()) {
		const key = order[field];
		if (key.startsWith(prefix)) counts[key] = (counts[key] ?? 0) + 1;
	}
	return counts;
}

/**
 * Per second since the API's first logged request: requests answered (not 429)
 * and refused with 429. The account limit scenario reads its settling from it.
 */
function rateTimeline(api: string): Array<{ admitted: number; refused: number }> {
	const entries = need().requests().filter((entry) => entry.api === api);
	if (entries.length === 0) return [];
	const start = entries[0].at;
	const seconds: Array<{ admitted: number; refused: number }> = [];
	for (const entry of entries) {
		const second = Math.floor((entry.at - start) / 1000);
		while (seconds.length <= second) seconds.push({ admitted: 0, refused: 0 });
		if (entry.status === 429) seconds[second].refused++;
		else seconds[second].admitted++;
	}
	return seconds;
}

/** Orders whose invoice number starts with `prefix`: id, ERP Order ID and invoice number (who sent it). */
function orderIndex(prefix: string): Array<{ id: number; erpOrderId: string; invoiceNo: string }> {
	return need()
		.listOrders()
		.filter((order) => order.invoiceNo.startsWith(prefix))
		.map((order) => ({ id: order.id, erpOrderId: order.erpOrderId, invoiceNo: order.invoiceNo }));
}

/** Requests to `api` since the last clear whose raw body contains `text`. */
function requestsContaining(api: string, text: string): number {
	return need()
		.requests()
		.filter((entry) => entry.api === api && JSON.stringify(entry.body ?? '').includes(text)).length;
}

const methods: Record<string, (...args: never[]) => unknown> = {
	async start(options: SandboxOptions) {
		sandbox = await startSandbox({ quiet: true, ...options });
		return { baseUrl: sandbox.baseUrl, credentials: sandbox.credentials };
	},
	setLatency: (ms: number) => need().setLatency(ms),
	setPageSizeCap: (n: number) => need().setPageSizeCap(n),
	faultsRate: (rate: number, spec: FaultSpec, seed?: number) => need().faults.rate(rate, spec, seed),
	faultsClear: () => need().faults.clear(),
	inFlight: () => need().inFlight(),
	resetPeak: () => need().resetPeak(),
	reset: () => need().reset(),
	clearRequests: () => need().clearRequests(),
	counts: () => need().counts(),
	requestSummary,
	orderStats,
	orderKeyCounts,
	orderIndex,
	requestsContaining,
	insertOrder: (init: Record<string, unknown>) => need().insertOrder(init).id,
	setSearchDelay: (ms: number) => need().setSearchDelay(ms),
	// IPC turns undefined into null: null lifts the limit.
	setAccountRateLimit: (requestsPerSecond: number | null) =>
		need().setAccountRateLimit(requestsPerSecond === null ? undefined : { requestsPerSecond }),
	rateTimeline,
	setPullBehaviour: (behaviour: Partial<PullBehaviour>) => need().setPullBehaviour(behaviour),
	/** Seeds n orders; returns only how many and the id range, not the orders. */
	seedOrders: (n: number, createDateFrom?: number | null, stepMs?: number | null) => {
		// IPC turns undefined arguments into null.
		const init =
			createDateFrom == null
				? undefined
				: (i: number) => ({ createDate: createDateFrom + i * (stepMs ?? 1000) });
		const created = need().seedOrders(n, init);
		return { count: created.length, firstId: created[0]?.id, lastId: created[created.length - 1]?.id };
	},
	clockNow: () => need().clock.now(),
	clockSet: (ms: number) => need().clock.set(ms),
	clockAdvance: (ms: number) => need().clock.advance(ms),
	clockUseRealTime: () => need().clock.useRealTime(),
	memory: () => process.memoryUsage(),
	async close() {
		await sandbox?.close();
		sandbox = undefined;
		setImmediate(() => process.exit(0));
	},
};

process.on('message', (message: { id: number; method: string; args: unknown[] }) => {
	const { id, method, args } = message;
	Promise.resolve()
		.then(() => {
			const fn = methods[method];
			if (!fn) throw new Error(`unknown sandbox method ${method}`);
			return (fn as (...a: unknown[]) => unknown)(...(args ?? []));
		})
		.then(
			(result) => process.send?.({ id, result: result === undefined ? null : result }),
			(error: unknown) =>
				process.send?.({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
		);
});

process.on('disconnect', () => process.exit(0));
