/**
 * Runs the Kapture Order Trigger against the sandbox through n8n's real
 * engine (n8n-core's PollContext), the way an active workflow polls it.
 */
import type { IDataObject } from 'n8n-workflow';

import { KaptureApi } from '../../../../credentials/KaptureApi.credentials';
import { KaptureOrderTrigger } from '../../../../nodes/Kapture/KaptureOrderTrigger.node';
import { createEngine, nodeStaticDataKey, type Activation, type Engine } from '../../../helpers/engine';
import { startSandbox, type KaptureSandbox, type RequestLogEntry, type SandboxOptions } from '../../../sandbox';

export const NODE_NAME = 'Kapture Order Trigger';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function engineFor(sandbox: KaptureSandbox): Engine {
	const { username, password, cmId } = sandbox.credentials;
	return createEngine({
		nodeTypes: { kaptureOrderTrigger: new KaptureOrderTrigger() },
		credentialTypes: [new KaptureApi()],
		credentials: [
			{ id: 'kapture-1', name: 'Kapture sandbox', type: 'kaptureApi', data: { baseUrl: sandbox.baseUrl, username, password, cmId } },
		],
	});
}

export interface TriggerParameters {
	event?: 'newOrder' | 'updatedOrder' | 'newOrUpdatedOrder';
	watchFields?: string[];
	watchDays?: number;
	filters?: IDataObject;
	options?: IDataObject;
}

export interface RunOptions {
	/** n8n's scheduler (see ActivationOptions): 'live' by default. */
	scheduler?: 'live' | 'copies';
	pollBudgetMs?: number;
	/** Static data saved by an earlier version or activation. */
	staticData?: IDataObject;
}

/** One trigger node in one active workflow, polled as n8n polls it. */
export class TriggerRun {
	readonly emitted: number[] = [];
	/** Every item emitted, in order (changes carry `changes` and `triggeredBy`). */
	readonly items: IDataObject[] = [];
	polls = 0;
	private engine: Engine;
	private activation: Activation;

	constructor(
		private readonly sandbox: KaptureSandbox,
		private readonly parameters: TriggerParameters = {},
		private readonly options: RunOptions = {},
	) {
		this.engine = engineFor(sandbox);
		this.activation = this.activate(options.staticData ?? {});
	}

	private node() {
		return {
			type: 'kaptureOrderTrigger',
			name: NODE_NAME,
			parameters: {
				event: this.parameters.event ?? 'newOrder',
				...(this.parameters.watchFields ? { watchFields: this.parameters.watchFields } : {}),
				...(this.parameters.watchDays ? { watchDays: this.parameters.watchDays } : {}),
				filters: this.parameters.filters ?? {},
				options: this.parameters.options ?? {},
			},
		};
	}

	private activate(staticData: IDataObject): Activation {
		return this.engine.activate(this.node(), {
			staticData,
			scheduler: this.options.scheduler ?? 'live',
			pollBudgetMs: this.options.pollBudgetMs,
		});
	}

	/** The engine polling this run (its credentials helper stands for n8n's stored credentials). */
	engineForTests(): Engine {
		return this.engine;
	}

	get staticData(): IDataObject {
		return this.activation.staticData();
	}

	/** A scheduled poll of the active workflow; returns the emitted orders (null when none). */
	async poll(): Promise<IDataObject[] | null> {
		this.polls++;
		const result = await this.activation.poll();
		if (result.items === null) return null;
		const orders = result.items.map((item) => item.json);
		this.emitted.push(...orders.map((order) => Number(order.id)));
		this.items.push(...orders);
		return orders;
	}

	/** "Fetch Test Event". */
	async manual() {
		return await this.engine.poll(this.node(), { mode: 'manual', staticData: JSON.parse(JSON.stringify(this.staticData)) as IDataObject });
	}

	/** n8n restarts: only the static data survives (through JSON, as in the database); a new engine and activation. */
	restart(): void {
		const saved = JSON.parse(JSON.stringify(this.staticData)) as IDataObject;
		this.engine = engineFor(this.sandbox);
		this.activation = this.activate(saved);
	}

	/** The trigger's own state in the static data. */
	state(): IDataObject | undefined {
		const node = this.staticData[nodeStaticDataKey(NODE_NAME)] as IDataObject | undefined;
		return node?.kaptureOrderTrigger as IDataObject | undefined;
	}

	/** Polls (moving Kapture's clock by `step` before each) until `quietPolls` polls in a row emit nothing. */
	async drain(step = MINUTE, quietPolls = 2, maxPolls = 200): Promise<void> {
		let quiet = 0;
		for (let i = 0; i < maxPolls && quiet < quietPolls; i++) {
			this.sandbox.clock.advance(step);
			const out = await this.poll();
			quiet = out === null ? quiet + 1 : 0;
		}
		if (quiet < quietPolls) throw new Error(`trigger still emitting after ${maxPolls} polls`);
	}
}

/**
 * One sandbox for a test file, frozen at `now`: started before its tests,
 * closed after them, and before each test reset to that clock, no latency,
 * ties by id and the page cap of `options` (500 by default), then handed to
 * `prepare` (which keeps it and adds the test's history).
 */
export function useTriggerSandbox(now: number, prepare: (sandbox: KaptureSandbox) => void, options: SandboxOptions = {}): void {
	let sandbox: KaptureSandbox | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox({ now, quiet: true, ...options });
	});
	afterAll(async () => {
		await sandbox?.close();
	});
	beforeEach(() => {
		if (!sandbox) return;
		sandbox.reset();
		sandbox.clock.set(now);
		sandbox.setLatency(0);
		sandbox.setTieOrder('id');
		sandbox.setPageSizeCap(options.pageSizeCap ?? 500);
		prepare(sandbox);
	});
}

export function pullRequests(sandbox: KaptureSandbox): RequestLogEntry[] {
	return sandbox.requests().filter((entry) => entry.api === 'v1Pull');
}

/** The emitted ids must be exactly the expected ones: none missing, none twice. */
export function expectExactlyOnce(emitted: number[], expected: Iterable<number>): void {
	const want = [...expected].sort((a, b) => a - b);
	const got = [...emitted].sort((a, b) => a - b);
	const counts = new Map<number, number>();
	for (const id of got) counts.set(id, (counts.get(id) ?? 0) + 1);
	const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
	const wantSet = new Set(want);
	const missing = want.filter((id) => !counts.has(id));
	const unexpected = [...counts.keys()].filter((id) => !wantSet.has(id));
	expect({ twice: twice.slice(0, 20), missing: missing.slice(0, 20), unexpected: unexpected.slice(0, 20) }).toEqual({
		twice: [],
		missing: [],
		unexpected: [],
	});
	expect(got).toEqual(want);
}

/** Emission order: by createDate, then id, within each poll (checked over all polls when no order was backdated). */
export function isSortedByCreateDate(orders: IDataObject[]): boolean {
	for (let i = 1; i < orders.length; i++) {
		const a = orders[i - 1];
		const b = orders[i];
		const da = Number(a.createDate);
		const db = Number(b.createDate);
		if (da > db || (da === db && Number(a.id) > Number(b.id))) return false;
	}
	return true;
}

/**
 * Runs `action` while watching the sandbox's request log: `onPull(n)` is called
 * once when the n-th v1 pull request (counted from now) has arrived, before it is
 * answered (needs sandbox latency > 0).
 */
export async function whileReading<T>(
	sandbox: KaptureSandbox,
	action: () => Promise<T>,
	onPull: (n: number) => void,
): Promise<T> {
	const base = pullRequests(sandbox).length;
	let handled = 0;
	let done = false;
	const watch = (async () => {
		while (!done) {
			const arrived = pullRequests(sandbox).length - base;
			while (handled < arrived) {
				handled++;
				onPull(handled);
			}
			await new Promise((resolve) => setImmediate(resolve));
		}
	})();
	try {
		return await action();
	} finally {
		done = true;
		await watch;
	}
}
