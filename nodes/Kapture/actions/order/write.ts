import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { boundedNumber } from '../../../shared/helpers/numbers';
import { runPerItem } from '../../../shared/helpers/itemRunner';
import { ParameterReader } from '../../../shared/helpers/parameters';
import { ErpOrderSearch, erpOrderIdProblem } from '../../helpers/erpOrderSearch';
import {
	credentialLookupAccount,
	DEFAULT_RECOVERY_WAIT_SECONDS,
	MAX_RECOVERY_WAIT_SECONDS,
	type LookupAccount,
} from '../../helpers/orderLookup';
import { Validator } from '../../../shared/helpers/validation';
import { OrderWriter, type PreparedWrite } from './exactlyOnce';
import type { IfErpOrderIdExists, KaptureApiChoice } from './fields/common';
import type { OrderForm } from './fields/v1Fields';
import {
	customerNameOf,
	erpOrderIdOf,
	partnerBodyFromJson,
	partnerOrderBody,
	v1BodyFromJson,
	v1OrderBody,
	withErpOrderId,
	type OrderBody,
	type OrderParameters,
} from './orderBody';

function readOrderParameters(
	parameters: ParameterReader,
	itemIndex: number,
	api: KaptureApiChoice,
	operation: OrderForm,
): OrderParameters {
	const get = (name: string, fallback: unknown = '') => parameters.get(name, itemIndex, fallback);
	const params: OrderParameters = {
		customerName: get('customerName'),
		phone: get('phone'),
		email: get('email'),
	};
	if (operation === 'update') params.orderId = get('orderId');
	if (api === 'v1') {
		params.customerFields = get('customerFields', {}) as IDataObject;
		params.contacts = get('contacts', {}) as IDataObject;
		params.enquiryFields = get('enquiryFields', {}) as IDataObject;
		params.orderFields = get('orderFields', {}) as IDataObject;
	} else {
		params.partnerFields = get('partnerFields', {}) as IDataObject;
		params.products = get('products', {}) as IDataObject;
	}
	return params;
}

/** Where the ERP Order ID of an item comes from, as the editor names it. */
function erpOrderIdLabel(api: KaptureApiChoice, asJson: boolean, operation: OrderForm): string {
	if (operation === 'upsert') return 'ERP Order ID';
	if (!asJson) return 'Order Fields > ERP Order ID';
	return api === 'v1' ? 'Order JSON > order_info.erp_order_id' : 'Order JSON > erp_order_id';
}

function rawErpOrderIdOf(order: OrderBody): unknown {
	return order.api === 'v1'
		? (order.body.order_info as IDataObject | undefined)?.erp_order_id
		: order.body[0]?.erp_order_id;
}

/**
 * One item's body, field by field or from Order JSON; Create or Update builds
 * a create body with its key. `searched`: the item's ERP Order ID is looked up
 * before it is sent (Skip, Fail, Create or Update), so it must be one Kapture's
 * search can match exactly.
 */
function prepareWrite(
	parameters: ParameterReader,
	itemIndex: number,
	api: KaptureApiChoice,
	asJson: boolean,
	operation: OrderForm,
	searched: boolean,
): PreparedWrite {
	const v = new Validator(parameters.nodeOnce, itemIndex);
	const bodyOperation = operation === 'update' ? 'update' : 'add';
	const key = operation === 'upsert' ? v.required(parameters.get('erpOrderId', itemIndex, ''), 'ERP Order ID') : '';
	let order: OrderBody;
	let orderId = '';
	if (asJson) {
		const json = parameters.get('orderJson', itemIndex);
		const rawOrderId = operation === 'update' ? parameters.get('orderId', itemIndex, '') : '';
		orderId = v.text(rawOrderId);
		order =
			api === 'v1'
				? { api, body: v1BodyFromJson(v, json, bodyOperation, rawOrderId) }
				: { api, body: partnerBodyFromJson(v, json, bodyOperation, rawOrderId) };
	} else {
		const params = readOrderParameters(parameters, itemIndex, api, operation);
		orderId = v.text(params.orderId);
		order =
			api === 'v1'
				? { api, body: v1OrderBody(v, params, bodyOperation) }
				: { api, body: partnerOrderBody(v, params, bodyOperation) };
	}
	if (key) order = withErpOrderId(order, key);
	const label = erpOrderIdLabel(api, asJson, operation);
	const raw = rawErpOrderIdOf(order);
	if (raw !== undefined && raw !== null && typeof raw === 'object') {
		throw v.fail(`${label} must be text, got ${Array.isArray(raw) ? 'a list' : 'an object'}`);
	}
	const erpOrderId = erpOrderIdOf(order);
	let unsearchable: string | undefined;
	if (erpOrderId !== '' && operation !== 'update') {
		// The body carries the very text that is looked up: no spaces around it, a number as text.
		order = withErpOrderId(order, erpOrderId);
		unsearchable = erpOrderIdProblem(erpOrderId);
		if (unsearchable && searched) {
			throw v.fail(
				`${label} "${erpOrderId.length > 60 ? `${erpOrderId.slice(0, 57)}...` : erpOrderId}" ${unsearchable}`,
				'Skip, Fail and Create or Update find orders by ERP Order ID and must match it exactly. Use an ERP Order ID without commas or control characters, or Create with If the ERP Order ID Exists set to Create Another, which does not look orders up.',
			);
		}
	}
	return { order, orderId, erpOrderId, customerName: customerNameOf(order), ...(unsearchable ? { unsearchable } : {}) };
}

/** What identifies an item in its error item: from its body, or from the raw parameters when it could not be built. */
function identifyWrite(context: IExecuteFunctions, itemIndex: number, prepared: PreparedWrite | undefined): IDataObject {
	let erpOrderId = prepared?.erpOrderId ?? '';
	let customerName = prepared?.customerName ?? '';
	let orderId = prepared?.orderId ?? '';
	if (!prepared) {
		const raw = (name: string): string => {
			try {
				const value = context.getNodeParameter(name, itemIndex, '');
				return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
			} catch {
				// An expression that fails here failed in prepare too; its message is the error item's.
				return '';
			}
		};
		erpOrderId = raw('erpOrderId') || raw('orderFields.erpOrderId') || raw('partnerFields.erpOrderId');
		customerName = raw('customerName');
		orderId = raw('orderId.value');
	}
	return {
		...(erpOrderId ? { erp_order_id: erpOrderId } : {}),
		...(customerName ? { customer_name: customerName } : {}),
		...(orderId ? { order_id: orderId } : {}),
	};
}

/** Lookups by ERP Order ID need the v1 account: say so before anything is sent. */
function requireLookupAccount(
	context: IExecuteFunctions,
	account: LookupAccount,
	api: KaptureApiChoice,
	what: string,
): void {
	if (!('missing' in account)) return;
	const partner = api === 'partner' ? ' on the Partner API' : '';
	throw new NodeOperationError(
		context.getNode(),
		`${what}${partner} finds orders by ERP Order ID through Kapture's v1 pull: fill Username, Password and Account ID in the Kapture credential (missing: ${account.missing})`,
		{
			description:
				api === 'partner'
					? 'The Partner API cannot search orders by ERP Order ID, so the node uses the v1 pull for that, with the v1 Username, Password and Account ID of the same credential. The order itself is still written with the Auth Key.'
					: 'The v1 pull needs the Account ID (cmId) of your Kapture account; ask Kapture support for it.',
		},
	);
}

/** Create, Update and Create or Update: one body building, one writer. */
export async function writeOrders(this: IExecuteFunctions, operation: OrderForm): Promise<INodeExecutionData[]> {
	const api = this.getNodeParameter('api', 0, 'v1') as KaptureApiChoice;
	const asJson = this.getNodeParameter('specifyOrder', 0, 'fields') === 'json';
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const ifErpOrderIdExists = (operation === 'add' ? options.ifErpOrderIdExists : undefined) as IfErpOrderIdExists | undefined;
	const account: LookupAccount = operation === 'update' ? { missing: '' } : await credentialLookupAccount(this);
	if (operation === 'upsert' || (ifErpOrderIdExists ?? 'createAnother') !== 'createAnother') {
		const what = operation === 'upsert' ? 'Create or Update' : 'Create with If the ERP Order ID Exists set to Skip or Fail';
		requireLookupAccount(this, account, api, what);
	}
	const searched = operation === 'upsert' || (ifErpOrderIdExists ?? 'createAnother') !== 'createAnother';
	const writer = new OrderWriter(this, {
		account,
		// One search per run: it proves itself against this run's account before it is trusted.
		search: 'cmId' in account ? new ErpOrderSearch(this, account.cmId) : undefined,
		recoveryWaitMs:
			boundedNumber(options.recoveryWaitSeconds, DEFAULT_RECOVERY_WAIT_SECONDS, 0, MAX_RECOVERY_WAIT_SECONDS) * 1000,
		ifErpOrderIdExists: ifErpOrderIdExists ?? 'createAnother',
	});
	const send = {
		add: writer.create.bind(writer),
		update: writer.update.bind(writer),
		upsert: writer.upsert.bind(writer),
	}[operation];
	// Parameters without an expression are read once, not for each item.
	const parameters = new ParameterReader(this);
	return await runPerItem(this, {
		effect: operation === 'update' ? 'idempotent' : 'creates',
		prepare: (itemIndex) => prepareWrite(parameters, itemIndex, api, asJson, operation, searched),
		send,
		identify: (itemIndex, prepared) => identifyWrite(this, itemIndex, prepared),
	});
}
