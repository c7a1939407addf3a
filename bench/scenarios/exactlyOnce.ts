// Scenario 5: exactly-once writes. 2,000 Creates under a mix of faults, some
// of them ambiguous (Kapture stored the order, the answer was lost), with and
// without ERP Order IDs; then what Create or Update (and Create with Skip) cost
// against a plain Create on a clean sandbox.
//
// Runs our node in the in-process harness (n8n-core's WorkflowExecute): the
// figures are about what the node writes and reports, and a ratio of our node
// against itself, so a real n8n would not change them.

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { KAPTURE_ORDER_TYPE, type N8nContenders } from '../contenders/n8n';
import { median, msSince, now, progress, round } from '../lib/measure';
import { makeOrders } from '../lib/orders';
import type { RemoteSandbox } from '../sandbox/remote';
import type { FaultKind } from '../../test/sandbox';
import { addParameters } from './params';

/** Share of all requests (writes and lookups) each fault hits, as the issue sets it. */
export const FAULT_MIX: ReadonlyArray<{ kind: FaultKind; share: number; what: string }> = [
	{ kind: 'rateLimit', share: 0.1, what: '429 (Retry-After: 0)' },
	{ kind: 'reset', share: 0.03, what: 'connection reset before Kapture processed the request' },
	{ kind: 'serverErrorAfterStoring', share: 0.03, what: '500 after the order was stored' },
	{ kind: 'resetAfterStoring', share: 0.02, what: 'connection reset after the order was stored' },
];

export type IfErpOrderIdExists = 'createAnother' | 'skip' | 'fail';

/** Create over the v1 API, the add scenarios' fields; optionally without the ERP Order ID. */
export function createParameters(withErpOrderId: boolean, ifErpOrderIdExists?: IfErpOrderIdExists): IDataObject {
	const base = addParameters();
	const orderFields = { ...(base.orderFields as IDataObject) };
	if (!withErpOrderId) delete orderFields.erpOrderId;
	const options: IDataObject = { ...(base.options as IDataObject) };
	if (ifErpOrderIdExists) options.ifErpOrderIdExists = ifErpOrderIdExists;
	return { ...base, orderFields, options };
}

/** Create or Update over the v1 API, keyed by the ERP Order ID, the same other fields. */
export function upsertParameters(): IDataObject {
	const base = addParameters();
	const { erpOrderId, ...orderFields } = base.orderFields as IDataObject;
	return { ...base, operation: 'upsert', erpOrderId, orderFields };
}

interface Variant {
	id: string;
	label: string;
	withErpOrderId: boolean;
	parameters: IDataObject;
}

export interface ExactlyOnceRow {
	id: string;
	label: string;
	items: number;
	withErpOrderId: boolean;
	wallMs: number;
	itemsPerSecond: number;
	requests: number;
	faults: Record<string, number>;
	ordersCreated: number;
	duplicates: number;
	/** Input items whose order is not in Kapture. */
	missing: number;
	successItems: number;
	recoveredItems: number;
	errorItems: number;
	errorItemsWhoseOrderExists: number;
	/** Of those, how many say mayHaveBeenCreated: true. */
	errorItemsWhoseOrderExistsFlagged: number;
	/** Error items that say retrySafe: true although their order exists (a retry would duplicate it). */
	retrySafeButOrderExists: number;
	/** Error items without a boolean retrySafe and mayHaveBeenCreated. */
	errorItemsWithoutFields: number;
	/** Input items with no output item at all. */
	itemsWithoutOutput: number;
	/** Messages of error items whose order exists (a few), to see why. */
	errorSamples: string[];
	runError?: string;
}

export interface CostRow {
	id: string;
	label: string;
	items: number;
	latencyMs: number;
	runs: number;
	wallMs: number;
	allWallMs: number[];
	itemsPerSecond: number;
	/** Requests per item (writes + lookups). */
	requestsPerItem: number;
	ordersCreated: number;
	errorItems: number;
}

export interface ExactlyOnceResults {
	items: number;
	latencyMs: number;
	parallel: number;
	searchDelayMs: number;
	faultMix: typeof FAULT_MIX;
	faulted: ExactlyOnceRow[];
	cost: CostRow[];
}

async function runOurs(c: N8nContenders, parameters: IDataObject, inputs: IDataObject[], parallel: number) {
	const result = await c.engine.runNode(
		{
			type: KAPTURE_ORDER_TYPE,
			name: 'Kapture Order',
			parameters: { ...parameters, options: { ...(parameters.options as IDataObject), parallelRequests: parallel } },
			onError: 'continueRegularOutput',
		},
		inputs,
	);
	return { items: result.error ? [] : result.output('Kapture Order'), runError: result.error?.message };
}

/** The input item an output item belongs to. */
function pairedIndex(item: INodeExecutionData): number | undefined {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof paired === 'number' ? paired : paired?.item;
}

async function applyFaultMix(sandbox: RemoteSandbox, seed: number): Promise<void> {
	// Rate rules are tried in order and the first hit wins, so each later rule's
	// rate is conditional on the earlier ones missing: shares come out as stated.
	let left = 1;
	for (const [index, fault] of FAULT_MIX.entries()) {
		await sandbox.faultsRate(fault.share / left, { kind: fault.kind, api: ['v1AddUpdate', 'v1Pull'], ...(fault.kind === 'rateLimit' ? { retryAfterSeconds: 0 } : {}) }, seed + index);
		left -= fault.share;
	}
}

export async function runExactlyOnceScenario(
	sandbox: RemoteSandbox,
	c: N8nContenders,
	settings: { items: number; latencyMs: number; parallel: number; searchDelayMs: number; rounds: number; seed: number },
): Promise<ExactlyOnceResults> {
	const faultedVariants: Variant[] = [
		{ id: 'create-erp', label: 'Create, ERP Order IDs mapped (If the ERP Order ID Exists: Create Another, the default)', withErpOrderId: true, parameters: createParameters(true) },
		{ id: 'upsert-erp', label: 'Create or Update by ERP Order ID', withErpOrderId: true, parameters: upsertParameters() },
		{ id: 'create-no-erp', label: 'Create, no ERP Order IDs', withErpOrderId: false, parameters: createParameters(false) },
	];
	const faulted: ExactlyOnceRow[] = [];
	for (const variant of faultedVariants) {
		await sandbox.reset();
		await sandbox.setLatency(settings.latencyMs);
		await sandbox.setSearchDelay(settings.searchDelayMs);
		await applyFaultMix(sandbox, settings.seed);
		const prefix = `eo-${variant.id}-`;
		const inputs = makeOrders(settings.items, prefix) as unknown as IDataObject[];
		const started = now();
		const { items, runError } = await runOurs(c, variant.parameters, inputs, settings.parallel);
		const wallMs = msSince(started);
		await sandbox.faultsClear();
		const field = variant.withErpOrderId ? 'erpOrderId' : 'invoiceNo';
		const [counts, summary] = await Promise.all([
			sandbox.orderKeyCounts(field, variant.withErpOrderId ? prefix : `INV-${prefix}`),
			sandbox.requestSummary(),
		]);
		const keyOf = (index: number) => (variant.withErpOrderId ? `${prefix}${index + 1}` : `INV-${prefix}${index + 1}`);

		const row: ExactlyOnceRow = {
			id: variant.id,
			label: variant.label,
			items: settings.items,
			withErpOrderId: variant.withErpOrderId,
			wallMs: round(wallMs, 1),
			itemsPerSecond: round((settings.items / wallMs) * 1000, 1),
			requests: summary.total,
			faults: summary.byFault,
			ordersCreated: Object.values(counts).reduce((a, b) => a + b, 0),
			duplicates: 0,
			missing: 0,
			successItems: 0,
			recoveredItems: 0,
			errorItems: 0,
			errorItemsWhoseOrderExists: 0,
			errorItemsWhoseOrderExistsFlagged: 0,
			retrySafeButOrderExists: 0,
			errorItemsWithoutFields: 0,
			itemsWithoutOutput: 0,
			errorSamples: [],
			...(runError ? { runError: runError.slice(0, 300) } : {}),
		};
		row.duplicates = row.ordersCreated - Object.keys(counts).length;
		const answered = new Set<number>();
		for (const item of items) {
			const index = pairedIndex(item);
			if (index !== undefined) answered.add(index);
			const json = item.json;
			if (json.error === undefined) {
				row.successItems++;
				if (json.recovered === true) row.recoveredItems++;
				continue;
			}
			row.errorItems++;
			if (typeof json.retrySafe !== 'boolean' || typeof json.mayHaveBeenCreated !== 'boolean') row.errorItemsWithoutFields++;
			const exists = index !== undefined && (counts[keyOf(index)] ?? 0) > 0;
			if (!exists) continue;
			row.errorItemsWhoseOrderExists++;
			if (row.errorSamples.length < 3) row.errorSamples.push(String(json.error).slice(0, 400));
			if (json.mayHaveBeenCreated === true) row.errorItemsWhoseOrderExistsFlagged++;
			if (json.retrySafe === true) row.retrySafeButOrderExists++;
		}
		for (let index = 0; index < settings.items; index++) {
			if (!answered.has(index)) row.itemsWithoutOutput++;
			if (!counts[keyOf(index)]) row.missing++;
		}
		progress(
			`exactly-once: ${variant.label}: ${(wallMs / 1000).toFixed(2)} s, ${row.requests} requests (${JSON.stringify(row.faults)}), ` +
				`${row.ordersCreated} orders, ${row.duplicates} duplicates, ${row.successItems} success (${row.recoveredItems} recovered), ` +
				`${row.errorItems} errors (${row.errorItemsWhoseOrderExists} with an order, ${row.errorItemsWhoseOrderExistsFlagged} of them flagged)` +
				(runError ? `, run error: ${runError.slice(0, 120)}` : '') +
				(row.errorSamples.length ? `; e.g. ${row.errorSamples.join(' | ')}` : ''),
		);
		faulted.push(row);
	}

	// The cost of the lookup: the same items, no faults, contenders alternating.
	const costVariants: Variant[] = [
		{ id: 'cost-create', label: 'Create (no lookup)', withErpOrderId: true, parameters: createParameters(true) },
		{ id: 'cost-create-skip', label: 'Create, If the ERP Order ID Exists: Skip (one lookup per item)', withErpOrderId: true, parameters: createParameters(true, 'skip') },
		{ id: 'cost-upsert', label: 'Create or Update (one lookup per item)', withErpOrderId: true, parameters: upsertParameters() },
	];
	const costRows = new Map<string, CostRow>();
	for (let roundIndex = 0; roundIndex < settings.rounds; roundIndex++) {
		const order = roundIndex % 2 === 0 ? costVariants : [...costVariants].reverse();
		for (const variant of order) {
			await sandbox.reset();
			await sandbox.setLatency(settings.latencyMs);
			await sandbox.setSearchDelay(0);
			const prefix = `cost-${variant.id}-r${roundIndex}-`;
			const started = now();
			const { items } = await runOurs(c, variant.parameters, makeOrders(settings.items, prefix) as unknown as IDataObject[], settings.parallel);
			const wallMs = msSince(started);
			const [summary, counts] = await Promise.all([sandbox.requestSummary(), sandbox.orderKeyCounts('erpOrderId', prefix)]);
			const row = costRows.get(variant.id) ?? {
				id: variant.id,
				label: variant.label,
				items: settings.items,
				latencyMs: settings.latencyMs,
				runs: 0,
				wallMs: 0,
				allWallMs: [],
				itemsPerSecond: 0,
				requestsPerItem: 0,
				ordersCreated: 0,
				errorItems: 0,
			};
			row.runs++;
			row.allWallMs.push(round(wallMs, 1));
			row.requestsPerItem = round(summary.total / settings.items, 2);
			row.ordersCreated = Object.values(counts).reduce((a, b) => a + b, 0);
			row.errorItems = Math.max(row.errorItems, items.filter((item) => item.json.error !== undefined).length);
			costRows.set(variant.id, row);
			progress(`lookup cost round ${roundIndex + 1}/${settings.rounds}: ${variant.label}: ${(wallMs / 1000).toFixed(2)} s, ${summary.total} requests`);
		}
	}
	const cost = costVariants.map((variant) => {
		const row = costRows.get(variant.id) as CostRow;
		row.wallMs = round(median(row.allWallMs), 1);
		row.itemsPerSecond = round((row.items / row.wallMs) * 1000, 1);
		return row;
	});

	await sandbox.setSearchDelay(0);
	return {
		items: settings.items,
		latencyMs: settings.latencyMs,
		parallel: settings.parallel,
		searchDelayMs: settings.searchDelayMs,
		faultMix: FAULT_MIX,
		faulted,
		cost,
	};
}
