// The parent's handle on the sandbox child (./host.ts).

import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import type { FaultSpec, PullBehaviour, SandboxCounts, SandboxOptions } from '../../test/sandbox';

export interface RequestSummary {
	total: number;
	byStatus: Record<string, number>;
	byFault: Record<string, number>;
}

export interface OrderStats {
	created: number;
	distinct: number;
	duplicates: number;
	missing: number;
}

export interface SandboxCredentials {
	username: string;
	password: string;
	authKey: string;
	cmId: number;
}

/** ts-node in transpile-only mode, for every child the benchmark starts. */
export const TS_EXEC_ARGV = ['-r', 'ts-node/register/transpile-only'];

export class RemoteSandbox {
	baseUrl = '';
	credentials: SandboxCredentials = { username: '', password: '', authKey: '', cmId: 0 };

	private nextId = 1;
	private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

	private constructor(private readonly child: ChildProcess) {
		child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
			const waiter = this.pending.get(message.id);
			if (!waiter) return;
			this.pending.delete(message.id);
			if (message.error !== undefined) waiter.reject(new Error(`sandbox: ${message.error}`));
			else waiter.resolve(message.result);
		});
		child.on('exit', (code) => {
			for (const waiter of this.pending.values()) waiter.reject(new Error(`sandbox process exited (${code})`));
			this.pending.clear();
		});
	}

	/** `heapMb`: the child's --max-old-space-size (a million orders take about 2 GB). */
	static async start(options: SandboxOptions, { heapMb = 4096 }: { heapMb?: number } = {}): Promise<RemoteSandbox> {
		const child = fork(join(__dirname, 'host.ts'), [], {
			execArgv: [...TS_EXEC_ARGV, `--max-old-space-size=${heapMb}`],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		const remote = new RemoteSandbox(child);
		const started = (await remote.call('start', options)) as { baseUrl: string; credentials: SandboxCredentials };
		remote.baseUrl = started.baseUrl;
		remote.credentials = started.credentials;
		return remote;
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	call(method: string, ...args: unknown[]): Promise<unknown> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			this.child.send({ id, method, args });
		});
	}

	setLatency = (ms: number) => this.call('setLatency', ms) as Promise<void>;
	setPageSizeCap = (n: number) => this.call('setPageSizeCap', n) as Promise<void>;
	faultsRate = (rate: number, spec: FaultSpec, seed?: number) => this.call('faultsRate', rate, spec, seed) as Promise<void>;
	faultsClear = () => this.call('faultsClear') as Promise<void>;
	inFlight = () => this.call('inFlight') as Promise<{ current: number; peak: number }>;
	resetPeak = () => this.call('resetPeak') as Promise<void>;
	reset = () => this.call('reset') as Promise<void>;
	clearRequests = () => this.call('clearRequests') as Promise<void>;
	counts = () => this.call('counts') as Promise<SandboxCounts>;
	requestSummary = (api?: string) => this.call('requestSummary', api) as Promise<RequestSummary>;
	orderStats = (prefix: string, expected: number) => this.call('orderStats', prefix, expected) as Promise<OrderStats>;
	orderKeyCounts = (field: 'erpOrderId' | 'invoiceNo', prefix: string) =>
		this.call('orderKeyCounts', field, prefix) as Promise<Record<string, number>>;
	setSearchDelay = (ms: number) => this.call('setSearchDelay', ms) as Promise<void>;
	/** An account-wide limit of n requests per second (test/sandbox/accountLimit.ts); null lifts it. */
	setAccountRateLimit = (requestsPerSecond: number | null) => this.call('setAccountRateLimit', requestsPerSecond) as Promise<void>;
	rateTimeline = (api: string) => this.call('rateTimeline', api) as Promise<Array<{ admitted: number; refused: number }>>;
	orderIndex = (invoicePrefix: string) =>
		this.call('orderIndex', invoicePrefix) as Promise<Array<{ id: number; erpOrderId: string; invoiceNo: string }>>;
	requestsContaining = (api: string, text: string) => this.call('requestsContaining', api, text) as Promise<number>;
	insertOrder = (init: Record<string, unknown>) => this.call('insertOrder', init) as Promise<number>;
	setPullBehaviour = (behaviour: Partial<PullBehaviour>) => this.call('setPullBehaviour', behaviour) as Promise<void>;
	seedOrders = (n: number, createDateFrom?: number, stepMs?: number) =>
		this.call('seedOrders', n, createDateFrom, stepMs) as Promise<{ count: number; firstId?: number; lastId?: number }>;
	memory = () => this.call('memory') as Promise<NodeJS.MemoryUsage>;
	clockNow = () => this.call('clockNow') as Promise<number>;
	clockSet = (ms: number) => this.call('clockSet', ms) as Promise<void>;
	clockAdvance = (ms: number) => this.call('clockAdvance', ms) as Promise<void>;
	clockUseRealTime = () => this.call('clockUseRealTime') as Promise<void>;

	async close(): Promise<void> {
		if (this.child.exitCode !== null) return;
		const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
		this.call('close').catch(() => undefined);
		const timer = setTimeout(() => this.child.kill(), 5000);
		await exited;
		clearTimeout(timer);
	}
}
