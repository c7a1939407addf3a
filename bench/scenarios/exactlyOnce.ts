// Scenario 5: exactly-once writes. Creates under a mix of faults, some of them
// ambiguous (Kapture stored the order, the answer was lost), with and without
// ERP Order IDs, against a Kapture whose search finds by ERP Order ID and one
// whose pull does only what its page promises (literal docs: erpOrderId
// ignored, records without it); then what Create or Update (and Create with
// Skip) cost against a plain Create on a clean sandbox.
//
// 5 runs our node in the in-process harness (n8n-core's WorkflowExecute);
// 5b runs it in a real n8n 2.40.7 (runExactlyOnceRealScenario), with the
// cases that must be refused before anything is sent.

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { KAPTURE_ORDER_TYPE, type N8nContenders } from '../contenders/n8n';
import type { RealN8nWorkflows, RealWorkflowSpec } from '../contenders/realN8n';
import { median, msSince, now, progress, round } from '../lib/measure';
import { makeOrders } from '../lib/orders';
import type { RemoteSandbox } from '../sandbox/remote';
import type { FaultKind, PullBehaviour } from '../../test/sandbox';
import { addParameters } from './params';

/** Share of all requests (writes and lookups) each fault hits, as the issue sets it. */
export const FAULT_MIX: ReadonlyArray<{ kind: FaultKind; share: number; what: string; delayMs?: number }> = [
	{ kind: 'rateLimit', share: 0.08, what: '429 (Retry-After: 0)' },
	{ kind: 'unavailable', share: 0.02, what: '503 before Kapture processed the request' },
	{ kind: 'unavailableAfterStoring', share: 0.02, what: "503 after the request was processed (a proxy's answer after forwarding)" },
	{ kind: 'reset', share: 0.03, what: 'connection reset before Kapture processed the request' },
	{ kind: 'serverErrorAfterStoring', share: 0.03, what: '500 after the order was stored' },
	{ kind: 'resetAfterStoring', share: 0.02, what: 'connection reset after the order was stored' },
	{ kind: 'slow', share: 0.03, what: 'answer 300 ms late', delayMs: 300 },
];

/** How the sandbox's v1 pull searches by ERP Order ID in a run. */
export type SearchMode = 'proven' | 'literal';

const PULL: Record<SearchMode, PullBehaviour> = {
	proven: { erpOrderIdSearch: 'filters', recordsWithoutErpOrderId: false },
	literal: { erpOrderIdSearch: 'ignored', recordsWithoutErpOrderId: true },
};

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
	search?: SearchMode;
}

export interface ExactlyOnceRow {
	id: string;
	label: string;
	items: number;
	withErpOrderId: boolean;
	/** How Kapture's search treated erpOrderId in the run (proven when absent: older results). */
	search?: SearchMode;
	/** Success items carrying an order that is not their own (another item's, or none's). */
	successNotOwn?: number;
	/** Success items whose own order is in Kapture more than once. */
	successDuplicated?: number;
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
	/** Messages of error items whose order does not exist (a few). */
	errorSamplesNoOrder?: string[];
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
		await sandbox.faultsRate(
			fault.share / left,
			{ kind: fault.kind, api: ['v1AddUpdate', 'v1Pull'], retryAfterSeconds: 0, ...(fault.delayMs ? { delayMs: fault.delayMs } : {}) },
			seed + index,
		);
		left -= fault.share;
	}
}

/** Prepares the sandbox for one faulted run: empty, latency, search lag and behaviour, the fault mix. */
async function prepareFaultedRun(
	sandbox: RemoteSandbox,
	settings: { latencyMs: number; searchDelayMs: number; seed: number },
	search: SearchMode,
): Promise<void> {
	await sandbox.reset();
	await sandbox.setLatency(settings.latencyMs);
	await sandbox.setSearchDelay(settings.searchDelayMs);
	await sandbox.setPullBehaviour(PULL[search]);
	// An order of another customer: what a search that ignores erpOrderId returns for any ERP Order ID.
	await sandbox.insertOrder({ erpOrderId: 'OTHER-CUSTOMER-1', invoiceNo: 'OTHER-INVOICE', customerName: 'Another Customer' });
	await applyFaultMix(sandbox, settings.seed);
}

/** What a faulted run did: orders in the sandbox against what every output item says. */
async function faultedRow(
	sandbox: RemoteSandbox,
	variant: Variant,
	prefix: string,
	items: Array<{ json: IDataObject; pairedItem?: unknown }>,
	total: number,
	wallMs: number,
	runError?: string,
): Promise<ExactlyOnceRow> {
	await sandbox.faultsClear();
	const [orders, summary] = await Promise.all([sandbox.orderIndex(`INV-${prefix}`), sandbox.requestSummary()]);
	// Every item's invoice number is its own: it says whose request created an order.
	const invoiceOf = (index: number) => `INV-${prefix}${index + 1}`;
	const byInvoice = new Map<string, number[]>();
	for (const order of orders) byInvoice.set(order.invoiceNo, [...(byInvoice.get(order.invoiceNo) ?? []), order.id]);
	const invoiceOfOrder = new Map(orders.map((order) => [String(order.id), order.invoiceNo]));
	const row: ExactlyOnceRow = {
		id: variant.id,
		label: variant.label,
		items: total,
		withErpOrderId: variant.withErpOrderId,
		search: variant.search ?? 'proven',
		wallMs: round(wallMs, 1),
		itemsPerSecond: round((total / wallMs) * 1000, 1),
		requests: summary.total,
		faults: summary.byFault,
		ordersCreated: orders.length,
		duplicates: orders.length - byInvoice.size,
		missing: 0,
		successItems: 0,
		successNotOwn: 0,
		successDuplicated: 0,
		recoveredItems: 0,
		errorItems: 0,
		errorItemsWhoseOrderExists: 0,
		errorItemsWhoseOrderExistsFlagged: 0,
		retrySafeButOrderExists: 0,
		errorItemsWithoutFields: 0,
		itemsWithoutOutput: 0,
		errorSamples: [],
		errorSamplesNoOrder: [],
		...(runError ? { runError: runError.slice(0, 300) } : {}),
	};
	const answered = new Set<number>();
	for (const item of items) {
		const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
		const index = typeof paired === 'number' ? paired : (paired as { item?: number } | undefined)?.item;
		if (index !== undefined) answered.add(index);
		const json = item.json;
		const own = index === undefined ? [] : (byInvoice.get(invoiceOf(index)) ?? []);
		if (json.error === undefined) {
			row.successItems++;
			if (json.recovered === true) row.recoveredItems++;
			if (json.order_id !== undefined && invoiceOfOrder.get(String(json.order_id)) !== (index === undefined ? undefined : invoiceOf(index))) row.successNotOwn!++;
			if (own.length > 1) row.successDuplicated!++;
			continue;
		}
		row.errorItems++;
		if (typeof json.retrySafe !== 'boolean' || typeof json.mayHaveBeenCreated !== 'boolean') row.errorItemsWithoutFields++;
		if (own.length === 0) {
			if (row.errorSamplesNoOrder!.length < 3) row.errorSamplesNoOrder!.push(String(json.error).slice(0, 400));
			continue;
		}
		row.errorItemsWhoseOrderExists++;
		if (row.errorSamples.length < 3) row.errorSamples.push(String(json.error).slice(0, 400));
		if (json.mayHaveBeenCreated === true) row.errorItemsWhoseOrderExistsFlagged++;
		if (json.retrySafe === true) row.retrySafeButOrderExists++;
	}
	for (let index = 0; index < total; index++) {
		if (!answered.has(index)) row.itemsWithoutOutput++;
		if (!byInvoice.has(invoiceOf(index))) row.missing++;
	}
	progress(
		`exactly-once: ${variant.label}: ${(wallMs / 1000).toFixed(2)} s, ${row.requests} requests (${JSON.stringify(row.faults)}), ` +
			`${row.ordersCreated} orders, ${row.duplicates} duplicates, ${row.successItems} success (${row.recoveredItems} recovered, ${row.successNotOwn} not their own), ` +
			`${row.errorItems} errors (${row.errorItemsWhoseOrderExists} with an order, ${row.errorItemsWhoseOrderExistsFlagged} of them flagged)` +
			(runError ? `, run error: ${runError.slice(0, 120)}` : '') +
			(row.errorSamples.length ? `; e.g. ${row.errorSamples.join(' | ')}` : '') +
			(row.errorSamplesNoOrder!.length ? `; without an order, e.g. ${row.errorSamplesNoOrder!.join(' | ')}` : ''),
	);
	return row;
}

export async function runExactlyOnceScenario(
	sandbox: RemoteSandbox,
	c: N8nContenders,
	settings: { items: number; latencyMs: number; parallel: number; searchDelayMs: number; rounds: number; seed: number },
): Promise<ExactlyOnceResults> {
	const faultedVariants: Variant[] = [
		{ id: 'create-erp', label: 'Create, ERP Order IDs mapped (If the ERP Order ID Exists: Create Another, the default)', withErpOrderId: true, parameters: createParameters(true) },
		{ id: 'create-skip', label: 'Create, ERP Order IDs mapped, If the ERP Order ID Exists: Skip', withErpOrderId: true, parameters: createParameters(true, 'skip') },
		{ id: 'upsert-erp', label: 'Create or Update by ERP Order ID', withErpOrderId: true, parameters: upsertParameters() },
		{ id: 'create-no-erp', label: 'Create, no ERP Order IDs', withErpOrderId: false, parameters: createParameters(false) },
		{ id: 'literal-create-erp', label: 'literal-docs search: Create, ERP Order IDs mapped (Create Another)', withErpOrderId: true, parameters: createParameters(true), search: 'literal' },
		{ id: 'literal-create-skip', label: 'literal-docs search: Create, Skip', withErpOrderId: true, parameters: createParameters(true, 'skip'), search: 'literal' },
		{ id: 'literal-upsert-erp', label: 'literal-docs search: Create or Update', withErpOrderId: true, parameters: upsertParameters(), search: 'literal' },
	];
	const faulted: ExactlyOnceRow[] = [];
	for (const variant of faultedVariants) {
		await prepareFaultedRun(sandbox, settings, variant.search ?? 'proven');
		const prefix = `eo-${variant.id}-`;
		const inputs = makeOrders(settings.items, prefix) as unknown as IDataObject[];
		const started = now();
		const { items, runError } = await runOurs(c, variant.parameters, inputs, settings.parallel);
		faulted.push(await faultedRow(sandbox, variant, prefix, items, settings.items, msSince(started), runError));
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
			await sandbox.setPullBehaviour(PULL.proven);
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
	await sandbox.setPullBehaviour(PULL.proven);
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

// ---- 5b: the same in a real n8n 2.40.7 ------------------------------------------

/** A case that must be refused before anything is sent, and what the refusal must say. */
export interface RefusalRow {
	id: string;
	label: string;
	items: number;
	errorItems: number;
	/** Error items whose message matched. */
	saidWhy: number;
	/** Writes (and lookups) the sandbox received for the case. */
	requests: number;
	sample: string;
}

export interface ExactlyOnceRealResults {
	n8nVersion: string;
	items: number;
	latencyMs: number;
	parallel: number;
	searchDelayMs: number;
	faultMix: typeof FAULT_MIX;
	faulted: ExactlyOnceRow[];
	refused: RefusalRow[];
}

const REFUSALS: Array<{ id: string; label: string; parameters: IDataObject; items: IDataObject[]; says: RegExp }> = [
	{
		id: 'refuse-comma',
		label: 'Create with Skip, ERP Order IDs with a comma ("SO-1,2")',
		parameters: { ...createParameters(true, 'skip'), orderFields: { erpOrderId: '={{ $json.order.erpOrderId }},2' } },
		items: makeOrders(20, 'refuse-comma-') as unknown as IDataObject[],
		says: /ERP Order ID ".*,2" contains a comma/,
	},
	{
		id: 'refuse-upsert-comma',
		label: 'Create or Update, ERP Order IDs with a comma',
		parameters: { ...upsertParameters(), erpOrderId: '={{ $json.order.erpOrderId }},2' },
		items: makeOrders(20, 'refuse-upsert-comma-') as unknown as IDataObject[],
		says: /ERP Order ID ".*,2" contains a comma/,
	},
	{
		id: 'refuse-json-order-id',
		label: 'partner Create from Order JSON carrying an order_id (a shop export)',
		parameters: {
			resource: 'order',
			operation: 'add',
			api: 'partner',
			specifyOrder: 'json',
			orderJson: '={{ { customer_name: $json.customer.name, phone: $json.customer.phone, erp_order_id: $json.order.erpOrderId, order_id: "4141343" } }}',
		},
		items: makeOrders(20, 'refuse-json-order-id-') as unknown as IDataObject[],
		says: /Order JSON > order_id must be empty when creating an order/,
	},
	{
		id: 'refuse-json-payment',
		label: 'partner Create from Order JSON carrying amount_paid',
		parameters: {
			resource: 'order',
			operation: 'add',
			api: 'partner',
			specifyOrder: 'json',
			orderJson: '={{ { customer_name: $json.customer.name, phone: $json.customer.phone, amount_paid: "100" } }}',
		},
		items: makeOrders(20, 'refuse-json-payment-') as unknown as IDataObject[],
		says: /Order JSON > amount_paid must be left out when creating an order/,
	},
	{
		id: 'refuse-v1-json-order-id',
		label: 'v1 Create from Order JSON with order_info.order_id',
		parameters: {
			resource: 'order',
			operation: 'add',
			api: 'v1',
			specifyOrder: 'json',
			orderJson: '={{ { customer_info: { customer_name: $json.customer.name, phone: $json.customer.phone }, order_info: { order_id: "23518265", erp_order_id: $json.order.erpOrderId } } }}',
		},
		items: makeOrders(20, 'refuse-v1-json-order-id-') as unknown as IDataObject[],
		says: /Order JSON > order_info\.order_id must be empty when creating an order/,
	},
];

/** The faulted runs of 5b: the "done when", and the other operations beside it. */
function realFaultedVariants(): Variant[] {
	return [
		{ id: 'real-literal-create-erp', label: 'literal-docs search: Create, ERP Order IDs (Create Another)', withErpOrderId: true, parameters: createParameters(true), search: 'literal' },
		{ id: 'real-literal-create-skip', label: 'literal-docs search: Create, Skip', withErpOrderId: true, parameters: createParameters(true, 'skip'), search: 'literal' },
		{ id: 'real-literal-upsert', label: 'literal-docs search: Create or Update', withErpOrderId: true, parameters: upsertParameters(), search: 'literal' },
		{ id: 'real-proven-create-skip', label: 'search finds by ERP Order ID: Create, Skip', withErpOrderId: true, parameters: createParameters(true, 'skip'), search: 'proven' },
		{ id: 'real-proven-upsert', label: 'search finds by ERP Order ID: Create or Update', withErpOrderId: true, parameters: upsertParameters(), search: 'proven' },
		{ id: 'real-proven-create-erp', label: 'search finds by ERP Order ID: Create, ERP Order IDs (Create Another)', withErpOrderId: true, parameters: createParameters(true), search: 'proven' },
	];
}

/** The workflows 5b needs in the real n8n, one per variant and refusal case. */
export function exactlyOnceRealWorkflows(items: number, parallel: number): RealWorkflowSpec[] {
	const withParallel = (parameters: IDataObject) => ({ ...parameters, options: { ...(parameters.options as IDataObject), parallelRequests: parallel } });
	return [
		...realFaultedVariants().map((variant) => ({
			id: variant.id,
			parameters: withParallel(variant.parameters),
			items: makeOrders(items, `eo-${variant.id}-`) as unknown as IDataObject[],
		})),
		...REFUSALS.map((refusal) => ({ id: refusal.id, parameters: withParallel(refusal.parameters), items: refusal.items })),
	];
}

export async function runExactlyOnceRealScenario(
	sandbox: RemoteSandbox,
	real: RealN8nWorkflows,
	settings: { items: number; latencyMs: number; parallel: number; searchDelayMs: number; seed: number },
): Promise<ExactlyOnceRealResults> {
	const faulted: ExactlyOnceRow[] = [];
	for (const variant of realFaultedVariants()) {
		await prepareFaultedRun(sandbox, settings, variant.search ?? 'proven');
		const started = now();
		const outcome = await real.run(variant.id);
		faulted.push(await faultedRow(sandbox, variant, `eo-${variant.id}-`, outcome.items, settings.items, msSince(started), outcome.runError));
	}
	const refused: RefusalRow[] = [];
	for (const refusal of REFUSALS) {
		await sandbox.reset();
		await sandbox.setPullBehaviour(PULL.proven);
		const outcome = await real.run(refusal.id);
		const errors = outcome.items.filter((item) => item.json.error !== undefined);
		const summary = await sandbox.requestSummary();
		const row: RefusalRow = {
			id: refusal.id,
			label: refusal.label,
			items: refusal.items.length,
			errorItems: errors.length,
			saidWhy: errors.filter((item) => refusal.says.test(String(item.json.error))).length,
			requests: summary.total,
			sample: String(errors[0]?.json.error ?? outcome.runError ?? '').slice(0, 200),
		};
		progress(`exactly-once (real n8n) refusal: ${row.label}: ${row.errorItems}/${row.items} error items, ${row.saidWhy} saying why, ${row.requests} requests; e.g. ${row.sample}`);
		refused.push(row);
	}
	await sandbox.setPullBehaviour(PULL.proven);
	await sandbox.setSearchDelay(0);
	return {
		n8nVersion: real.version,
		items: settings.items,
		latencyMs: settings.latencyMs,
		parallel: settings.parallel,
		searchDelayMs: settings.searchDelayMs,
		faultMix: FAULT_MIX,
		faulted,
		refused,
	};
}
