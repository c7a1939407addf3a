import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isObject } from '../../../shared/helpers/objects';
import { deliveryOf, kaptureRequest } from '../../../shared/transport';
import { withFacts, type ItemTools } from '../../../shared/helpers/itemRunner';
import { ErpOrderSearch, UntrustedSearchError } from '../../helpers/erpOrderSearch';
import { ErpOrderRegistry, lookUpWithin, type LookupAccount } from '../../helpers/orderLookup';
import type { IfErpOrderIdExists } from './fields/common';
import { asUpdateOf, type OrderBody } from './orderBody';

/**
 * Writes that happen once. Kapture's answer to a write can be lost after
 * Kapture acted on it (a connection dropped, a 5xx, an HTML page): the
 * transport then reports `mayHaveBeenProcessed` and never resends. Here,
 * an item with an ERP Order ID finds out instead of failing: it looks the
 * order up (helpers/erpOrderSearch.ts), waiting a bounded time for Kapture's
 * search, and reports the order found as a success (`recovered: true`), or
 * sends the write again only once the order is provably absent. Updates set
 * values, so sending one again is always safe. An item without an ERP Order
 * ID cannot be checked: its error item says the order may have been created.
 *
 * Every lookup goes through ErpOrderSearch, which trusts Kapture's search
 * only once this run has proven it finds orders by ERP Order ID, and only the
 * records carrying exactly that ERP Order ID. Unproven, Skip, Fail and Create
 * or Update refuse before sending, and a lost answer is reported as "may have
 * been created" and never sent again.
 */

/** One item's write, built and checked before anything is sent. */
export interface PreparedWrite {
	order: OrderBody;
	/** The key of Create or Update; on Create the ERP Order ID the body carries, if any. */
	erpOrderId: string;
	/** Kapture's ID of the order to update (Update only). */
	orderId: string;
	customerName: string;
	/** Why the ERP Order ID cannot be looked up exactly (a comma...); only Create Another sends such an item. */
	unsearchable?: string;
}

export interface WriterSettings {
	/** The v1 account lookups run with, or what the credential lacks for them. */
	account: LookupAccount;
	/** The search by ERP Order ID of this run, when the account allows one. */
	search?: ErpOrderSearch;
	recoveryWaitMs: number;
	ifErpOrderIdExists: IfErpOrderIdExists;
}

type Sent = { ok: true; answer: IDataObject | IDataObject[] } | { ok: false; error: Error };

// Sends of one write in all, when every answer is lost but the order is provably absent each time.
// A send is repeated only after a lookup proved the order absent, so the bound is about time
// (one Recovery Wait per send), not duplicates; with 503s counted as lost answers, 3 ran out
// about once in 2,000 items under the bench's fault mix.
export const MAX_SENDS = 5;

/** What the node says it did, beside Kapture's own words (which say "Added" for an update too). */
export type WriteDone = 'created' | 'updated' | 'skipped';

const isIdKey = (key: string) => key === 'id' || /_id$|Id$/.test(key);

/** IDs as text, as in every other output of the node: v1 answers numbers, partner answers strings. */
function withTextIds(answer: IDataObject): IDataObject {
	const result: IDataObject = {};
	for (const [key, value] of Object.entries(answer)) {
		result[key] = typeof value === 'number' && isIdKey(key) ? String(value) : value;
	}
	return result;
}

/**
 * v1 answers `{status, message, Order: {order_id, customer_id, ...}}`. The
 * output lifts the Order block to the top so its IDs are one click away;
 * every other key is kept. An update's answer has no order_id: the one sent is added.
 */
export function flattenV1Answer(answer: IDataObject | IDataObject[], orderId?: string): IDataObject {
	if (!isObject(answer)) return { result: answer };
	const { Order: order, ...rest } = answer;
	const flat: IDataObject = { ...(isObject(order) ? order : {}), ...rest };
	if (order !== undefined && !isObject(order)) flat.Order = order;
	if (orderId && flat.order_id === undefined) flat.order_id = orderId;
	return flat;
}

/** One output per order written: `operation` first, then Kapture's answer (or what stands for it) with its IDs as text. */
export function writeOutput(done: WriteDone, answer: IDataObject | IDataObject[], extra: IDataObject = {}): IDataObject[] {
	const answers = Array.isArray(answer) ? answer : [answer];
	return answers.map((element) => ({
		operation: done,
		...withTextIds(isObject(element) ? element : { result: element }),
		...extra,
	}));
}

/** The order's IDs as that API's own create answer names them, from a v1 pull record. */
function idsAsAnswered(api: OrderBody['api'], order: IDataObject): IDataObject {
	const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
	if (api === 'v1') {
		return {
			order_id: text(order.id),
			customer_id: text(order.customerId),
			enquiry_id: text(order.enquiryId),
			...(order.contactId === undefined ? {} : { contact_id: text(order.contactId) }),
		};
	}
	return { order_id: text(order.id), enquiry_id: text(order.enquiryId), kapture_customer_id: text(order.customerId) };
}

/** The created order as a v1 pull record (id, customerId, enquiryId), from a create answer. */
function createdRecord(api: OrderBody['api'], answer: IDataObject | IDataObject[]): IDataObject | undefined {
	if (api === 'v1') {
		const flat = flattenV1Answer(answer);
		return flat.order_id === undefined
			? undefined
			: { id: flat.order_id, customerId: flat.customer_id, enquiryId: flat.enquiry_id, contactId: flat.contact_id };
	}
	const first = Array.isArray(answer) ? answer[0] : answer;
	return isObject(first) && first.order_id !== undefined
		? { id: first.order_id, customerId: first.kapture_customer_id, enquiryId: first.enquiry_id }
		: undefined;
}

/** One output object: the partner API answers a list with one entry per order sent. */
function single(output: IDataObject | IDataObject[]): IDataObject {
	return Array.isArray(output) ? (output[0] ?? {}) : output;
}

/** The error of a create whose order may exist, saying so, and why the node could not settle it. */
function mayHaveCreated(error: Error, why: string, retrySafe: boolean, fields?: IDataObject): Error {
	error.message = `${error.message}: the order may have been created in Kapture. ${why}`;
	return withFacts(error, { retrySafe, mayHaveBeenCreated: true, ...(fields ? { fields } : {}) });
}

const INSTEAD =
	"Instead, use Create with If the ERP Order ID Exists set to Create Another (it does not look orders up; an answer Kapture loses is then reported with mayHaveBeenCreated: true instead of being settled), or Update with the order's Kapture Order ID. Kapture support can tell whether the v1 pull (pull-internal) of your account filters by erpOrderId and returns it in its records.";

export class OrderWriter {
	private readonly registry = new ErpOrderRegistry();

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly settings: WriterSettings,
	) {}

	/** Create, with the If the ERP Order ID Exists option. */
	async create(item: PreparedWrite, itemIndex: number, tools: ItemTools): Promise<IDataObject | IDataObject[]> {
		const { erpOrderId } = item;
		const choice = this.settings.ifErpOrderIdExists;
		if (erpOrderId === '' || choice === 'createAnother') return await this.createOnce(item, itemIndex, tools, false);
		const purpose = `Create with If the ERP Order ID Exists set to ${choice === 'skip' ? 'Skip' : 'Fail'}`;
		return await this.registry.inTurn(erpOrderId, async () => {
			const [existing] = await this.existing(erpOrderId, itemIndex, tools, purpose);
			if (existing) {
				if (choice === 'skip') {
					return writeOutput('skipped', idsAsAnswered(item.order.api, existing), {
						message: 'An order with this ERP Order ID is already in Kapture: nothing was created',
						erp_order_id: erpOrderId,
						skipped: true,
						order: existing,
					});
				}
				throw withFacts(
					new NodeOperationError(
						this.context.getNode(),
						`An order with ERP Order ID "${erpOrderId}" already exists in Kapture (order ${String(existing.id)})`,
						{
							itemIndex,
							description:
								'If the ERP Order ID Exists is set to Fail. Set it to Skip to output the existing order instead, or use Create or Update to change it.',
						},
					),
					{ retrySafe: true, mayHaveBeenCreated: false, fields: { existing_order_id: String(existing.id) } },
				);
			}
			return await this.createOnce(item, itemIndex, tools, true);
		});
	}

	/** Create or Update: keyed by the ERP Order ID, which every item has. */
	async upsert(item: PreparedWrite, itemIndex: number, tools: ItemTools): Promise<IDataObject> {
		const { erpOrderId } = item;
		return await this.registry.inTurn(erpOrderId, async () => {
			const existing = await this.existing(erpOrderId, itemIndex, tools, 'Create or Update');
			if (existing.length > 1) {
				const ids = existing.map((order) => String(order.id));
				throw withFacts(
					new NodeOperationError(
						this.context.getNode(),
						`ERP Order ID "${erpOrderId}" matches ${existing.length} orders in Kapture (${ids.join(', ')})`,
						{
							itemIndex,
							description:
								'Create or Update changes one order per ERP Order ID and will not guess which one is meant. Remove the extra orders in Kapture (or give them other ERP Order IDs), then run the item again.',
						},
					),
					{ retrySafe: true, mayHaveBeenCreated: false, fields: { matching_order_ids: ids } },
				);
			}
			if (existing.length === 1) {
				const orderId = String(existing[0].id);
				let updated: IDataObject | IDataObject[];
				try {
					updated = await this.update({ ...item, order: asUpdateOf(item.order, orderId), orderId }, itemIndex, tools);
				} catch (error) {
					// An update creates nothing, and sending it again sets the same values.
					throw withFacts(error as Error, { retrySafe: true, mayHaveBeenCreated: false });
				}
				return { ...single(updated), erp_order_id: erpOrderId };
			}
			const created = await this.createOnce(item, itemIndex, tools, true);
			return { ...single(created), erp_order_id: erpOrderId };
		});
	}

	/** Update: it sets values, so an answer that may be lost is sent again. */
	async update(item: PreparedWrite, itemIndex: number, tools: ItemTools): Promise<IDataObject | IDataObject[]> {
		for (let sends = 1; ; sends++) {
			const sent = await this.send(item.order, itemIndex, tools);
			if (sent.ok) return writeOutput('updated', item.order.api === 'v1' ? flattenV1Answer(sent.answer, item.orderId) : sent.answer);
			if (deliveryOf(sent.error) !== 'mayHaveBeenProcessed' || sends >= MAX_SENDS) throw sent.error;
		}
	}

	/**
	 * Sends a create and settles a lost answer. `lookedUpFirst`: this item
	 * looked its ERP Order ID up before sending and found no order, so an
	 * order found now is its own, and running the item again is safe.
	 */
	private async createOnce(
		item: PreparedWrite,
		itemIndex: number,
		tools: ItemTools,
		lookedUpFirst: boolean,
	): Promise<IDataObject | IDataObject[]> {
		for (let sends = 1; ; sends++) {
			const sent = await this.send(item.order, itemIndex, tools);
			if (!sent.ok) {
				const { error } = sent;
				if (deliveryOf(error) !== 'mayHaveBeenProcessed') throw error;
				const found = await this.recover(item, error, itemIndex, tools, sends, lookedUpFirst);
				if (!found) continue;
				this.registry.remember(item.erpOrderId, found);
				return writeOutput(
					'created',
					{
						status: 'success',
						message: "Kapture's answer was lost; the order was found in Kapture by its ERP Order ID",
						...idsAsAnswered(item.order.api, found),
					},
					{ erp_order_id: item.erpOrderId, recovered: true, recoveredFrom: error.message },
				);
			}
			const { answer } = sent;
			const record = item.erpOrderId ? createdRecord(item.order.api, answer) : undefined;
			if (record) this.registry.remember(item.erpOrderId, record);
			return writeOutput('created', item.order.api === 'v1' ? flattenV1Answer(answer) : answer);
		}
	}

	/** The order a lost create made, or undefined once it is provably absent; else an error that says what is known. */
	private async recover(
		item: PreparedWrite,
		error: Error,
		itemIndex: number,
		tools: ItemTools,
		sends: number,
		lookedUpFirst: boolean,
	): Promise<IDataObject | undefined> {
		const { account, recoveryWaitMs, search } = this.settings;
		if (item.erpOrderId === '') {
			throw mayHaveCreated(
				error,
				'Without an ERP Order ID the node cannot check, so it did not send the order again. Check in Kapture before running this item again, or map ERP Order ID (under Order Fields) and the node finds out by itself.',
				false,
			);
		}
		if (item.unsearchable) {
			throw mayHaveCreated(
				error,
				`Its ERP Order ID ${item.unsearchable}, so the node could not look it up and did not send it again. Check in Kapture before running this item again.`,
				false,
			);
		}
		if ('missing' in account || !search) {
			const missing = 'missing' in account ? account.missing : 'Account ID';
			throw mayHaveCreated(
				error,
				`The node could not check: finding an order by ERP Order ID needs the v1 pull, and the Kapture credential has no ${missing}. Check in Kapture before running this item again.`,
				false,
			);
		}
		let found: IDataObject | undefined;
		try {
			found = await lookUpWithin(
				async () => await search.find(item.erpOrderId, { itemIndex, scheduler: tools.scheduler }),
				(orders) => this.registry.newestUnclaimed(orders),
				recoveryWaitMs,
				tools.pause,
				(lookupError) => lookupError instanceof UntrustedSearchError,
			);
		} catch (lookupError) {
			if (lookupError instanceof UntrustedSearchError) {
				throw mayHaveCreated(
					error,
					`The node could not check, and did not send it again: ${lookupError.message}. Check in Kapture before running this item again.`,
					false,
				);
			}
			const safe = lookedUpFirst ? ' Running it again as it is set up now is safe: the node looks the order up first.' : '';
			throw mayHaveCreated(
				error,
				`Looking it up by ERP Order ID failed too (${(lookupError as Error).message}). Check in Kapture before running this item again.${safe}`,
				lookedUpFirst,
			);
		}
		if (found && !lookedUpFirst && sends === 1) {
			// Create Another did not look before sending: an order with this ERP Order ID may be an older one.
			// (Once a lookup found none and the order was sent again, an order found is this item's.)
			throw mayHaveCreated(
				error,
				`Kapture has an order with this ERP Order ID (order ${String(found.id)}), but with If the ERP Order ID Exists set to Create Another the node did not look before sending, so it cannot tell the order just sent from an older one with the same ERP Order ID. It did not send the order again: check in Kapture before running this item again. Skip and Fail look first, and settle a lost answer by themselves.`,
				false,
				{ candidate_order_id: String(found.id) },
			);
		}
		if (found || sends < MAX_SENDS) return found;
		// Provably absent, as before each send again; but every answer was lost, so stop here.
		error.message = `${error.message}: the order was sent ${sends} times and every answer was lost. Kapture's search does not show it after the Recovery Wait, so it was not created; running the item again is safe.`;
		throw withFacts(error, { retrySafe: true, mayHaveBeenCreated: false });
	}

	/**
	 * Orders with this ERP Order ID, before anything is sent: the one this run
	 * created, else Kapture's search. Nothing was written yet, so any error here
	 * is safe to retry; an unproven search refuses the item, saying why.
	 */
	private async existing(erpOrderId: string, itemIndex: number, tools: ItemTools, purpose: string): Promise<IDataObject[]> {
		const created = this.registry.createdFor(erpOrderId);
		if (created) return [created];
		const { search } = this.settings;
		try {
			// writeOrders refuses these operations before the run when the account has no v1 details.
			if (!search) throw new UntrustedSearchError('the Kapture credential has no v1 Username, Password and Account ID');
			return await search.find(erpOrderId, { itemIndex, scheduler: tools.scheduler });
		} catch (error) {
			if (error instanceof UntrustedSearchError) {
				throw withFacts(
					new NodeOperationError(
						this.context.getNode(),
						`${purpose} cannot run on this Kapture account: it needs Kapture's search to find orders by ERP Order ID, and ${error.reason}. Nothing was sent.`,
						{
							itemIndex,
							description: `Without a search it can trust, the node could create a second order for the same ERP Order ID, or change another order. ${INSTEAD}`,
						},
					),
					{ retrySafe: true, mayHaveBeenCreated: false },
				);
			}
			throw withFacts(error as Error, { retrySafe: true, mayHaveBeenCreated: false });
		}
	}

	/** One write through the transport; its error is returned, to be settled or reported. */
	private async send(order: OrderBody, itemIndex: number, tools: ItemTools): Promise<Sent> {
		const endpoint = order.api === 'v1' ? 'v1AddUpdate' : 'partnerPush';
		try {
			return { ok: true, answer: await kaptureRequest.call(this.context, endpoint, order.body, { itemIndex, scheduler: tools.scheduler }) };
		} catch (error) {
			return { ok: false, error: error as Error };
		}
	}
}
