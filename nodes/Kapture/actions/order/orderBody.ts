import type { IDataObject } from 'n8n-workflow';

import { isObject } from '../../../shared/helpers/objects';
import type { Validator } from '../../../shared/helpers/validation';
import { mapFields } from './fields/fieldSpec';
import { PARTNER_ORDER_FIELDS, PRODUCT_FIELDS } from './fields/partnerFields';
import { CONTACT_FIELDS, CUSTOMER_FIELDS, ENQUIRY_FIELDS, ORDER_FIELDS, type WriteOperation } from './fields/v1Fields';

/**
 * Parameters → Kapture request bodies, written once for add and update.
 * Empty optional fields are left out of the body (Kapture treats a missing
 * field like an empty one); booleans are sent whenever the user set them.
 */

/** What the add/update parameters hold, read as they are from the node. */
export interface OrderParameters {
	orderId?: unknown;
	customerName?: unknown;
	phone?: unknown;
	email?: unknown;
	customerFields?: IDataObject;
	contacts?: IDataObject;
	enquiryFields?: IDataObject;
	orderFields?: IDataObject;
	partnerFields?: IDataObject;
	products?: IDataObject;
}

function listOf(value: IDataObject | undefined, key: string): IDataObject[] {
	const list = value?.[key];
	return Array.isArray(list) ? (list as IDataObject[]) : [];
}

/** Checks shared by both APIs: the order ID of an update, phone or email, a valid email. */
function customerBasics(v: Validator, params: OrderParameters, operation: WriteOperation) {
	const orderId = operation === 'update' ? v.id(params.orderId, 'Order ID', true) : '';
	const phone = v.limited(params.phone, 'Phone', 'phone');
	const email = v.email(params.email, 'Email');
	v.oneOf([
		[phone, 'Phone'],
		[email, 'Email'],
	]);
	return { orderId, phone, email };
}

/** The body of a v1 add-update request. */
export function v1OrderBody(v: Validator, params: OrderParameters, operation: WriteOperation): IDataObject {
	const customerName = v.required(params.customerName, 'Customer Name');
	const { orderId, phone, email } = customerBasics(v, params, operation);

	const customerInfo: IDataObject = {
		customer_name: customerName,
		...(phone ? { phone } : {}),
		...(email ? { email_id: email } : {}),
		update: false,
		...mapFields(v, CUSTOMER_FIELDS, params.customerFields, 'Customer Fields'),
	};

	const contactInfo = listOf(params.contacts, 'contact').map((contact, index) =>
		mapFields(v, CONTACT_FIELDS, contact, `Contacts > Contact ${index + 1}`),
	);

	const enquiryFields = mapFields(v, ENQUIRY_FIELDS, params.enquiryFields, 'Enquiry Fields');
	const orderInfo: IDataObject = {
		...(orderId ? { order_id: orderId } : {}),
		...mapFields(v, ORDER_FIELDS, params.orderFields, 'Order Fields'),
		update: operation === 'update',
	};

	const body: IDataObject = { customer_info: customerInfo };
	if (contactInfo.length > 0) body.contact_info = contactInfo;
	if (Object.keys(enquiryFields).length > 0) body.enquiry_info = { update: false, ...enquiryFields };
	body.order_info = orderInfo;
	return body;
}

/** The body of a partner order push or update: an array with one flat order. */
export function partnerOrderBody(
	v: Validator,
	params: OrderParameters,
	operation: WriteOperation,
): IDataObject[] {
	const { orderId, phone, email } = customerBasics(v, params, operation);
	const fields = mapFields(v, PARTNER_ORDER_FIELDS, params.partnerFields, 'Order Fields');
	const customerName = v.limited(params.customerName, 'Customer Name');
	if (operation === 'add' && customerName === '' && fields.customer_id === undefined) {
		throw v.fail('Customer Name is required unless Order Fields > Customer ID is given');
	}

	const order: IDataObject = {
		...(customerName ? { customer_name: customerName } : {}),
		...(phone ? { phone } : {}),
		...(email ? { email_id: email } : {}),
		...fields,
		...(orderId ? { order_id: orderId } : {}),
	};
	const lines = listOf(params.products, 'product').map((line, index) =>
		mapFields(v, PRODUCT_FIELDS, line, `Products > Product ${index + 1}`),
	);
	if (lines.length > 0) order.product_details = lines;
	return [order];
}

/** Order JSON's own bound: far above any real order, it stops a wrong mapping before it is sent. */
export const MAX_ORDER_JSON_CHARACTERS = 1_000_000;

/** Every text in Order JSON within the longest field limit, named by its path. */
function checkTexts(v: Validator, value: unknown, path: string): void {
	if (typeof value === 'string') v.limited(value, `Order JSON > ${path}`, 'long');
	else if (Array.isArray(value)) value.forEach((element, index) => checkTexts(v, element, `${path}[${index}]`));
	else if (isObject(value)) {
		for (const [key, inner] of Object.entries(value)) checkTexts(v, inner, path === '' ? key : `${path}.${key}`);
	}
}

/** The Order JSON parameter as an object: n8n gives a string or, from an expression, an object. */
function parseOrderJson(v: Validator, raw: unknown): IDataObject {
	const size = typeof raw === 'string' ? raw.length : (JSON.stringify(raw) ?? '').length;
	if (size > MAX_ORDER_JSON_CHARACTERS) {
		throw v.fail(`Order JSON must be at most ${MAX_ORDER_JSON_CHARACTERS} characters long, got ${size}`);
	}
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch (error) {
			throw v.fail(`Order JSON must be valid JSON: ${(error as Error).message}`);
		}
	}
	// A one-order array, as Kapture's partner examples show it, is accepted too.
	if (Array.isArray(value) && value.length === 1) value = value[0];
	if (!isObject(value)) throw v.fail('Order JSON must be one JSON object (an order)');
	checkTexts(v, value, '');
	return value;
}

const TO_CHANGE_AN_ORDER = 'To change an existing order use Update (by its Order ID) or Create or Update (by ERP Order ID).';

// Keys that make Kapture's shared push address record a payment instead of an order.
const PAYMENT_KEYS = ['kapture_order_id', 'amount_paid', 'payment_id'];

/**
 * Order JSON given to create an order must not carry what turns the request
 * into something else at Kapture: an order ID (an update of that order) or,
 * on the partner address, a payment key (a payment against an order).
 * Shop exports often carry such keys; they are refused, never dropped, so
 * the user decides what was meant.
 */
function refuseRedirects(v: Validator, json: IDataObject, api: 'v1' | 'partner'): void {
	if (api === 'v1') {
		const order = isObject(json.order_info) ? json.order_info : {};
		if (v.text(order.order_id) !== '') {
			throw v.fail(
				`Order JSON > order_info.order_id must be empty when creating an order: it names an existing order, and Kapture would update that order instead of creating one`,
				TO_CHANGE_AN_ORDER,
			);
		}
		const update = order.update;
		if (update === true || update === 1 || ['true', '1'].includes(v.text(update).toLowerCase())) {
			throw v.fail(
				'Order JSON > order_info.update must be false or left out when creating an order: true asks Kapture to update an existing order',
				TO_CHANGE_AN_ORDER,
			);
		}
		return;
	}
	if (v.text(json.order_id) !== '') {
		throw v.fail(
			'Order JSON > order_id must be empty when creating an order: with an order ID, Kapture\'s order push updates that order instead of creating one',
			TO_CHANGE_AN_ORDER,
		);
	}
	const paymentKey = PAYMENT_KEYS.find((key) => key in json);
	if (paymentKey) {
		throw v.fail(
			`Order JSON > ${paymentKey} must be left out when creating an order: it is a payment field, and with it Kapture records a payment against an order instead of creating one`,
			'To record a payment against an order use Add Payment; remove the payment fields from the order.',
		);
	}
}

/** The v1 add-update body from Order JSON, checked like the fields are. */
export function v1BodyFromJson(
	v: Validator,
	raw: unknown,
	operation: WriteOperation,
	orderIdRaw: unknown,
): IDataObject {
	const body = parseOrderJson(v, raw);
	if (operation === 'add') refuseRedirects(v, body, 'v1');
	const customer = body.customer_info;
	if (!isObject(customer)) throw v.fail('Order JSON > customer_info is required and must be an object');
	v.required(customer.customer_name, 'Order JSON > customer_info.customer_name');
	const contacts = Array.isArray(body.contact_info) ? (body.contact_info as IDataObject[]) : [];
	v.email(customer.email_id, 'Order JSON > customer_info.email_id');
	v.oneOf([
		[v.text(customer.phone), 'Order JSON > customer_info.phone'],
		[v.text(customer.email_id), 'customer_info.email_id'],
		...contacts.map((contact, index): [string, string] => [
			v.text(contact?.contact_person_phone) || v.text(contact?.contact_person_email),
			`contact_info[${index}] phone or email`,
		]),
	]);
	const order = isObject(body.order_info) ? body.order_info : {};
	const orderId = operation === 'update' ? v.id(orderIdRaw, 'Order ID', true) : '';
	return {
		...body,
		customer_info: { update: false, ...customer },
		order_info: { ...order, ...(orderId ? { order_id: orderId } : {}), update: operation === 'update' },
	};
}

/** The partner push/update body (an array with one order) from Order JSON. */
export function partnerBodyFromJson(
	v: Validator,
	raw: unknown,
	operation: WriteOperation,
	orderIdRaw: unknown,
): IDataObject[] {
	const order = parseOrderJson(v, raw);
	if (operation === 'add') refuseRedirects(v, order, 'partner');
	v.email(order.email_id, 'Order JSON > email_id');
	v.oneOf([
		[v.text(order.phone), 'Order JSON > phone'],
		[v.text(order.email_id), 'email_id'],
	]);
	if (operation === 'add' && v.text(order.customer_name) === '' && v.text(order.customer_id) === '') {
		throw v.fail('Order JSON > customer_name is required unless customer_id is given');
	}
	const orderId = operation === 'update' ? v.id(orderIdRaw, 'Order ID', true) : '';
	return [{ ...order, ...(orderId ? { order_id: orderId } : {}) }];
}

/** A built order body: v1's object with its blocks, or the partner array with one flat order. */
export type OrderBody = { api: 'v1'; body: IDataObject } | { api: 'partner'; body: IDataObject[] };

function v1OrderInfo(body: IDataObject): IDataObject {
	return isObject(body.order_info) ? body.order_info : {};
}

/** The ERP Order ID a body carries, '' when none. */
export function erpOrderIdOf(order: OrderBody): string {
	const value = order.api === 'v1' ? v1OrderInfo(order.body).erp_order_id : order.body[0]?.erp_order_id;
	return value === undefined || value === null || typeof value === 'object' ? '' : String(value).trim();
}

/** The customer name a body carries, '' when none. */
export function customerNameOf(order: OrderBody): string {
	const customer = order.api === 'v1' ? order.body.customer_info : order.body[0];
	const name = isObject(customer) ? customer.customer_name : undefined;
	return typeof name === 'string' ? name : '';
}

/** The body with this ERP Order ID (Create or Update's key wins over one in the fields or JSON). */
export function withErpOrderId(order: OrderBody, erpOrderId: string): OrderBody {
	if (order.api === 'v1') {
		return { api: 'v1', body: { ...order.body, order_info: { ...v1OrderInfo(order.body), erp_order_id: erpOrderId } } };
	}
	return { api: 'partner', body: [{ ...order.body[0], erp_order_id: erpOrderId }] };
}

/** A create body turned into the update of an existing order: what Create or Update sends when the order exists. */
export function asUpdateOf(order: OrderBody, orderId: string): OrderBody {
	if (order.api === 'v1') {
		return {
			api: 'v1',
			body: { ...order.body, order_info: { ...v1OrderInfo(order.body), order_id: orderId, update: true } },
		};
	}
	return { api: 'partner', body: [{ ...order.body[0], order_id: orderId }] };
}
