// One adversarial matrix for the exactly-once promise, generated over
//   write (operation × API × If the ERP Order ID Exists)  — WRITES, one row each
// × how Kapture's search treats erpOrderId                 — SEARCHES
// × every fault kind the sandbox injects (one item per kind, its first write hit)
// × whether the ERP Order IDs already have an order in Kapture
// × whether the run holds each ERP Order ID twice,
// run through n8n-core against the sandbox, with an unrelated customer's order
// always in the account. Whatever happens, it asserts:
//   - no item's requests created more than one order (0 duplicates);
//   - a success item carries only an order that is its own: "created" the
//     order its own request created, "updated"/"skipped" an order with its ERP Order ID;
//   - every item whose request created an order and that ended in error says
//     mayHaveBeenCreated: true (and never retrySafe: true);
//   - no order with another ERP Order ID was changed;
//   - where the search is not proven, lookups that decide (Skip, Fail, Create
//     or Update) send nothing; where it is, every item succeeds unless its
//     outcome is one of the few listed errors.
// The next operation or endpoint joins by adding a row to WRITES.

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { AFTER_STORING, FAULT_KINDS, type ApiName, type FaultKind, type PullBehaviour, type SandboxOrder } from '../../../../sandbox';
import { NODE, setup, type Harness } from './setup';

interface WriteRow {
	id: string;
	/** The API the order is written with, as the sandbox names it. */
	writeApi: ApiName;
	/** What the row does when an order with the item's ERP Order ID exists. */
	onExisting: 'createAnother' | 'skip' | 'fail' | 'update';
	/** The stored field that carries the item's tag (who sent it). */
	tagField: keyof SandboxOrder;
	/** The node's parameters; the item gives $json.erp, $json.tag, $json.name, $json.phone. */
	parameters: IDataObject;
}

const OPTIONS = { parallelRequests: 4, recoveryWaitSeconds: 0.3 };

function createRow(api: 'v1' | 'partner', choice: 'createAnother' | 'skip' | 'fail', json = false): WriteRow {
	const options = { ...OPTIONS, ifErpOrderIdExists: choice };
	const common = { operation: 'add', api, customerName: '={{ $json.name }}', phone: '={{ $json.phone }}', options };
	if (json) {
		return {
			id: `create-${api}-json-${choice}`,
			writeApi: api === 'v1' ? 'v1AddUpdate' : 'orderPush',
			onExisting: choice,
			tagField: 'invoiceNo',
			parameters: {
				...common,
				specifyOrder: 'json',
				orderJson: '={{ { customer_info: { customer_name: $json.name, phone: $json.phone }, order_info: { erp_order_id: $json.erp, invoice_no: $json.tag } } }}',
			},
		};
	}
	return api === 'v1'
		? { id: `create-v1-${choice}`, writeApi: 'v1AddUpdate', onExisting: choice, tagField: 'invoiceNo', parameters: { ...common, orderFields: { erpOrderId: '={{ $json.erp }}', invoiceNo: '={{ $json.tag }}' } } }
		: { id: `create-partner-${choice}`, writeApi: 'orderPush', onExisting: choice, tagField: 'transaction', parameters: { ...common, partnerFields: { erpOrderId: '={{ $json.erp }}', transaction: '={{ $json.tag }}' } } };
}

function upsertRow(api: 'v1' | 'partner'): WriteRow {
	const common = { operation: 'upsert', api, erpOrderId: '={{ $json.erp }}', customerName: '={{ $json.name }}', phone: '={{ $json.phone }}', options: OPTIONS };
	return api === 'v1'
		? { id: 'upsert-v1', writeApi: 'v1AddUpdate', onExisting: 'update', tagField: 'invoiceNo', parameters: { ...common, orderFields: { invoiceNo: '={{ $json.tag }}' } } }
		: { id: 'upsert-partner', writeApi: 'orderPush', onExisting: 'update', tagField: 'transaction', parameters: { ...common, partnerFields: { transaction: '={{ $json.tag }}' } } };
}

/** Every write that promises exactly-once: add a row here, not a test. */
const WRITES: WriteRow[] = [
	createRow('v1', 'createAnother'),
	createRow('v1', 'skip'),
	createRow('v1', 'fail'),
	createRow('v1', 'skip', true),
	createRow('partner', 'createAnother'),
	createRow('partner', 'skip'),
	createRow('partner', 'fail'),
	upsertRow('v1'),
	upsertRow('partner'),
];

const SEARCHES: Array<{ id: string; behaviour: PullBehaviour; proven: boolean }> = [
	{ id: 'finds by ERP Order ID', behaviour: { erpOrderIdSearch: 'filters', recordsWithoutErpOrderId: false }, proven: true },
	{ id: 'literal docs', behaviour: { erpOrderIdSearch: 'ignored', recordsWithoutErpOrderId: true }, proven: false },
];

// A fault that leaves the client unable to tell whether the write was carried out.
const AMBIGUOUS: ReadonlySet<FaultKind> = new Set<FaultKind>(['serverError', 'reset', 'html', 'unavailable', ...AFTER_STORING]);

const CASES = WRITES.flatMap((write) =>
	SEARCHES.flatMap((search) =>
		[false, true].flatMap((existing) => [false, true].map((twice) => ({ write, search, existing, twice }))),
	),
);

let h: Harness;

beforeAll(async () => {
	h = await setup();
});
afterAll(async () => await h.close());

interface Item {
	index: number;
	erp: string;
	tag: string;
	fault?: FaultKind;
}

/** One item per fault kind (its ERP Order ID's first write is hit), one without a fault; each twice when asked. */
function itemsFor(twice: boolean): Item[] {
	const keys: Array<{ erp: string; fault?: FaultKind }> = [...FAULT_KINDS.map((fault) => ({ erp: `M-${fault}`, fault })), { erp: 'M-clean' }];
	const items: Item[] = [];
	for (const copy of twice ? [0, 1] : [0]) {
		for (const key of keys) items.push({ index: items.length, erp: key.erp, tag: `T${items.length}`, fault: copy === 0 ? key.fault : undefined });
	}
	return items;
}

const pairedIndex = (item: INodeExecutionData) => (item.pairedItem as { item: number }).item;

describe.each(CASES.map((c) => ({ ...c, label: `${c.write.id}, ${c.search.id}, ${c.existing ? 'orders exist' : 'new'}, ${c.twice ? 'twice' : 'once'} per ERP Order ID` })))(
	'$label',
	({ write, search, existing, twice }) => {
		test('0 duplicates, no success carrying another order, every order that may exist said so', async () => {
			h.sandbox.reset();
			h.sandbox.setSearchDelay(0);
			h.sandbox.setPullBehaviour(search.behaviour);
			const other = h.sandbox.insertOrder({ erpOrderId: 'OTHER-1', customerName: 'Other Customer', remarks: 'theirs' });
			const items = itemsFor(twice);
			const keys = [...new Set(items.map((item) => item.erp))];
			const before = new Map<number, SandboxOrder>([[other.id, other]]);
			if (existing) for (const erp of keys) before.set(...((order) => [order.id, order] as const)(h.sandbox.insertOrder({ erpOrderId: erp, remarks: 'existing' })));
			for (const item of items) {
				if (item.fault) h.sandbox.faults.script({ kind: item.fault, api: write.writeApi, bodyIncludes: `"${item.erp}"`, retryAfterSeconds: 0, delayMs: 50 });
			}

			const input = items.map((item) => ({ erp: item.erp, tag: item.tag, name: `Customer ${item.tag}`, phone: `9${String(100000000 + item.index)}` }));
			const result = await h.run(write.parameters, input, { onError: 'continueRegularOutput' });
			expect(result.error).toBeUndefined();
			const outputs = result.output(NODE);

			// Which request created which order, and whose request it was (by its tag).
			const owner = new Map<number, Item>();
			const writes = h.sandbox.requests().filter((entry) => entry.api === write.writeApi);
			for (const entry of writes) {
				const text = JSON.stringify(entry.body);
				const sender = items.find((item) => text.includes(`"${item.tag}"`));
				expect(sender).toBeDefined();
				for (const id of entry.createdOrderIds ?? []) owner.set(id, sender!);
			}
			const ownedBy = (item: Item) => [...owner].filter(([, who]) => who === item).map(([id]) => id);
			const orders = new Map(h.sandbox.listOrders().map((order) => [order.id, order]));
			const problems: string[] = [];

			for (const item of items) {
				const own = ownedBy(item);
				if (own.length > 1) problems.push(`${item.tag} (${item.erp}) created ${own.length} orders`);
				const mine = outputs.filter((output) => pairedIndex(output) === item.index).map((output) => output.json);
				if (mine.length !== 1) {
					problems.push(`${item.tag} has ${mine.length} output items`);
					continue;
				}
				const [json] = mine;
				if (json.error === undefined) {
					const order = orders.get(Number(json.order_id));
					if (json.operation === 'created' && !own.includes(Number(json.order_id))) {
						problems.push(`${item.tag} (${item.erp}) says created with order ${String(json.order_id)}, which its requests did not create`);
					}
					if (!order || order.erpOrderId !== item.erp) {
						problems.push(`${item.tag} (${item.erp}) succeeded (${String(json.operation)}) with order ${String(json.order_id)} of ERP Order ID ${order?.erpOrderId}`);
					}
					continue;
				}
				if (own.length > 0 && (json.mayHaveBeenCreated !== true || json.retrySafe !== false)) {
					problems.push(`${item.tag} (${item.erp}) created order ${own.join(', ')} but says mayHaveBeenCreated ${String(json.mayHaveBeenCreated)}, retrySafe ${String(json.retrySafe)}: ${String(json.error)}`);
				}
				if (search.proven && !allowedError(write, item, existing, twice, items)) {
					problems.push(`${item.tag} (${item.erp}, fault ${item.fault ?? 'none'}) failed where it should not: ${String(json.error)}`);
				}
			}
			// Orders of other ERP Order IDs are as they were.
			expect(orders.get(other.id)).toEqual(other);
			for (const [id, order] of before) if (order.erpOrderId !== 'OTHER-1' && write.onExisting !== 'update') expect(orders.get(id)).toEqual(order);
			if (!search.proven && write.onExisting !== 'createAnother') {
				expect(writes).toEqual([]);
			}
			expect(problems).toEqual([]);
		});
	},
);

/**
 * Where the search is proven, the only errors: Kapture's refusal (failureBody), Fail finding an order,
 * and Create Another's lost answer when an order with the ERP Order ID may be an older one (it does not
 * look first, so it cannot tell).
 */
function allowedError(write: WriteRow, item: Item, existing: boolean, twice: boolean, items: Item[]): boolean {
	// The fault hits the first write of the ERP Order ID, which may be either copy's.
	const faultOfKey = items.find((other) => other.erp === item.erp && other.fault)?.fault;
	if (faultOfKey === 'failureBody') return true;
	if (write.onExisting === 'fail' && (existing || twice)) return true;
	if (write.onExisting === 'createAnother' && faultOfKey && AMBIGUOUS.has(faultOfKey)) return true;
	return false;
}
