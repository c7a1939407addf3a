// Scenario 4: the trigger. Activate it (the first poll of an active workflow
// only records where Kapture stands), then N new orders arrive (created after
// the activation: Kapture's clock is frozen and moved past them), then one poll
// must emit all of them; then an idle poll with nothing new. Then a quiet
// account (one order a minute): the activation, an idle poll, and an ordinary
// poll (5 new orders), the poll most active workflows run.

import type { IDataObject } from 'n8n-workflow';

import { KAPTURE_TRIGGER_TYPE, type N8nContenders } from '../contenders/n8n';
import { msSince, now, progress, round } from '../lib/measure';
import type { RemoteSandbox } from '../sandbox/remote';

export interface TriggerRow {
	id: string;
	label: string;
	newOrders: number;
	emitted: number;
	requests: number;
	wallMs: number;
	/** CPU time of the bench process during the poll (n8n-core and our node; the sandbox is another process). */
	cpuMs?: number;
	error?: string;
}

function findMax(c: N8nContenders): number {
	const trigger = c.ours?.trigger;
	if (!trigger || 'nodeVersions' in trigger) return 10_000;
	const options = trigger.description.properties.find((p) => p.name === 'options');
	const max = (options?.options as IDataObject[] | undefined)?.find((o) => o.name === 'maxOrdersPerPoll');
	return Number((max?.typeOptions as IDataObject | undefined)?.maxValue ?? 10_000);
}

export async function runTriggerScenario(
	sandbox: RemoteSandbox,
	c: N8nContenders,
	settings: { newOrders: number; latencyMs: number },
): Promise<TriggerRow[]> {
	if (!c.ours?.trigger) throw new Error('KaptureOrderTrigger is not there yet');
	const cap = Math.max(settings.newOrders, 1);
	const maxPerPoll = findMax(c);
	const node = {
		type: KAPTURE_TRIGGER_TYPE,
		name: 'Kapture Order Trigger',
		parameters: { event: 'newOrder', filters: {}, options: { maxOrdersPerPoll: Math.min(cap, maxPerPoll) } },
	};
	await sandbox.reset();
	await sandbox.setLatency(settings.latencyMs);
	// Kapture's clock, frozen: the new orders are created after the activation, as they would be.
	const nowMs = Date.now();
	await sandbox.clockSet(nowMs);
	// Some history before activation: an hour old.
	await sandbox.seedOrders(50, nowMs - 3_600_000, 1000);
	let staticData: IDataObject = {};

	const poll = async (label: string, expect: number): Promise<TriggerRow> => {
		await sandbox.clearRequests();
		const start = now();
		const cpuBefore = process.cpuUsage();
		let emitted = 0;
		let error: string | undefined;
		try {
			const result = await c.engine.poll(node, { mode: 'trigger', staticData });
			emitted = result.items?.length ?? 0;
		} catch (e) {
			error = e instanceof Error ? e.message : String(e);
		}
		const wallMs = msSince(start);
		const cpu = process.cpuUsage(cpuBefore);
		const cpuMs = (cpu.user + cpu.system) / 1000;
		const summary = await sandbox.requestSummary('v1Pull');
		progress(`trigger: ${label}: ${emitted} emitted, ${summary.total} requests, ${(wallMs / 1000).toFixed(2)} s${error ? `, error: ${error}` : ''}`);
		return { id: label.split(' ')[0], label, newOrders: expect, emitted, requests: summary.total, wallMs: round(wallMs, 1), cpuMs: round(cpuMs, 1), error };
	};

	let rows: TriggerRow[];
	try {
		const activation = await poll('activation (first poll)', 0);
		// N new orders created after the activation, one every 240 ms at most (10,000 over 40 minutes).
		const spanMs = Math.min(settings.newOrders * 250, 2_400_000);
		await sandbox.seedOrders(settings.newOrders, nowMs + 1000, spanMs / settings.newOrders);
		await sandbox.clockSet(nowMs + 1000 + spanMs + 1000);
		const busy = await poll(`poll over ${settings.newOrders} new orders`, settings.newOrders);
		const idleAfterBurst = await poll('idle poll right after the burst (nothing new)', 0);

		// A quiet account: one order a minute, the newest an hour old, nothing new since activation.
		await sandbox.reset();
		await sandbox.clockUseRealTime();
		staticData = {};
		await sandbox.seedOrders(50, nowMs - 3_600_000 - 50 * 60_000, 60_000);
		const quietActivation = await poll('activation on a quiet account (1 order/min)', 0);
		const idle = await poll('idle poll on a quiet account (nothing new)', 0);
		for (let i = 0; i < 5; i++) await sandbox.insertOrder({});
		const ordinary = await poll('ordinary poll on a quiet account (5 new orders)', 5);
		const idleAfterOrdinary = await poll('idle poll after it (nothing new)', 0);
		rows = [
			{ ...activation, id: 'activation' },
			{ ...busy, id: 'busy' },
			{ ...idleAfterBurst, id: 'idle-after-burst' },
			{ ...quietActivation, id: 'quiet-activation' },
			{ ...idle, id: 'idle' },
			{ ...ordinary, id: 'ordinary' },
			{ ...idleAfterOrdinary, id: 'idle-after-ordinary' },
		];
	} finally {
		await sandbox.reset();
		await sandbox.clockUseRealTime();
	}
	return rows;
}
