// Partner (".html") endpoints: order push/update and payment share one path,
// plus pull by dates and get by order id. Bodies are JSON arrays, answers use
// "Status"/"Message" with capitals and are always HTTP 200.

import { formatLocal, parseDateSpan, parseIsoDay } from './dates';
import { partnerFailed, type Reply, type Settings } from './reply';
import type { SandboxCustomer, SandboxEnquiry, SandboxOrder, SandboxProductLine } from './types';
import type { Store } from './store';
import { walk, walkShuffled } from './v1';
import { decimal, isBlank, isObject, text, truthy, wholeNumber, type JsonObject } from './values';

/** Exact texts clients have to recognise (documented by Kapture). */
export const NO_ORDERS_MESSAGE = 'No orders between dates';
export const ORDER_NOT_FOUND_MESSAGE = 'could not find the order';
export const PAYMENT_SUCCESS_MESSAGE = 'payment against order updated successfully.';

/** Which API a body on the shared push path belongs to: decided by its first element. */
export function classifyPushBody(body: unknown): 'payment' | 'orderPush' {
	const first = Array.isArray(body) ? body[0] : body;
	return isObject(first) && ('kapture_order_id' in first || 'amount_paid' in first) ? 'payment' : 'orderPush';
}

function elements(body: unknown): JsonObject[] | undefined {
	if (!Array.isArray(body) || body.length === 0 || !body.every(isObject)) return undefined;
	return body as JsonObject[];
}

function where(index: number, count: number): string {
	return count > 1 ? ` (element ${index + 1})` : '';
}

// ---- push / update ----------------------------------------------------------

const PUSH_TEXT_FIELDS: ReadonlyArray<[string, keyof SandboxOrder]> = [
	['order_status', 'deliveryStatus'],
	['order_type', 'orderType'],
	['shipping_address', 'shippingAddress'],
	['expected_delivery_date', 'expectedDeliveryDate'],
	['transaction', 'transaction'],
	['payment_mode', 'paymentMode'],
	['zip_code', 'zipCode'],
	['erp_order_id', 'erpOrderId'],
	['assign_email_id', 'assignEmpEmail'],
	['remarks', 'remarks'],
];

/** Order fields sent non-empty in a push/update element. */
function pushPatch(el: JsonObject, settings: Settings): Partial<SandboxOrder> {
	const patch: Record<string, unknown> = {};
	for (const [from, to] of PUSH_TEXT_FIELDS) if (!isBlank(el[from])) patch[to] = text(el[from]);
	const totalPaid = decimal(el.total_paid);
	const grandTotal = decimal(el.grand_total);
	if (totalPaid !== undefined) patch.totalPaid = totalPaid;
	if (grandTotal !== undefined) patch.grandTotal = grandTotal;
	// The documented example carries the placeholder "yyyy-mm-dd HH:MM": anything unreadable means "now".
	const created = parseDateSpan(text(el.create_date), settings.tzMinutes);
	if (created) patch.createDate = created.start;
	if (Array.isArray(el.product_details) && el.product_details.some(isObject)) {
		const lines = el.product_details.filter(isObject).map((line) => ({ ...line }) as SandboxProductLine);
		Object.assign(patch, productTotals(lines), { productDetails: lines });
	}
	return patch as Partial<SandboxOrder>;
}

/** Quantity and value of product lines; `discount` is read as an amount, not a percentage. */
function productTotals(lines: SandboxProductLine[]): Pick<SandboxOrder, 'productQuantity' | 'productValue' | 'discount'> {
	let productQuantity = 0;
	let productValue = 0;
	let discount = 0;
	for (const line of lines) {
		const quantity = decimal(line.quantity) ?? 1;
		productQuantity += quantity;
		productValue += (decimal(line.rate) ?? 0) * quantity;
		discount += decimal(line.discount) ?? 0;
	}
	return { productQuantity, productValue, discount };
}

type PushPlan =
	| { kind: 'update'; el: JsonObject; order: SandboxOrder }
	| { kind: 'push'; el: JsonObject; customer?: SandboxCustomer; enquiry?: SandboxEnquiry };

export function orderPush(store: Store, settings: Settings, body: unknown): Reply {
	const list = elements(body);
	if (!list) return partnerFailed('ReqFieldMissing: the body must be a non-empty JSON array of order objects.');

	// Check every element first: a bad element must not leave half a batch written.
	const plans: PushPlan[] = [];
	for (const [i, el] of list.entries()) {
		const at = where(i, list.length);
		if (!isBlank(el.order_id)) {
			const orderId = wholeNumber(el.order_id);
			const order = orderId === undefined || Number.isNaN(orderId) ? undefined : store.orderById.get(orderId);
			if (!order) return partnerFailed(`Order Id ${text(el.order_id)} not found${at}.`, 'Fail');
			plans.push({ kind: 'update', el, order });
			continue;
		}
		const customerId = wholeNumber(el.customer_id);
		if (Number.isNaN(customerId)) return partnerFailed(`customer_id must be a number${at}.`);
		const customer = customerId === undefined ? undefined : store.customers.get(customerId);
		if (customerId !== undefined && !customer) return partnerFailed(`No customer with customer_id ${customerId}${at}.`);
		if (!customer && (isBlank(el.customer_name) || (isBlank(el.phone) && isBlank(el.email_id)))) {
			return partnerFailed(`ReqFieldMissing: customer_id, or customer_name with phone or email_id, is required${at}.`);
		}
		const enquiryId = wholeNumber(el.enquiry_id);
		const enquiry = enquiryId === undefined || Number.isNaN(enquiryId) ? undefined : store.enquiries.get(enquiryId);
		if (enquiryId !== undefined && !enquiry) return partnerFailed(`No enquiry with enquiry_id ${text(el.enquiry_id)}${at}.`);
		plans.push({ kind: 'push', el, customer, enquiry });
	}

	const results = plans.map((plan) =>
		plan.kind === 'update'
			? pushResult(updateFromPartner(store, settings, plan.el, plan.order), 'Order updated successfully')
			: pushResult(createFromPartner(store, settings, plan.el, plan.customer, plan.enquiry), 'Order added successfully'),
	);
	return { status: 200, body: results };
}

function createFromPartner(
	store: Store,
	settings: Settings,
	el: JsonObject,
	knownCustomer: SandboxCustomer | undefined,
	enquiry: SandboxEnquiry | undefined,
): SandboxOrder {
	const name = text(el.customer_name);
	const phone = text(el.phone);
	const email = text(el.email_id);
	let customer = knownCustomer ?? store.findCustomerByPhoneOrEmail(phone, email);
	if (customer) {
		store.completeCustomer(customer, phone, email);
	} else {
		const born = parseIsoDay(text(el.date_of_birth), 0);
		customer = store.createCustomer({
			name,
			phone,
			email,
			address: text(el.address),
			pincode: text(el.zip_code),
			dateOfBirth: born ? text(el.date_of_birth) : '',
		});
	}
	const contact =
		store.findContact(customer.id, phone || customer.phone, email || customer.email) ??
		store.createContact(customer.id, { name: name || customer.name, phone: phone || customer.phone, email: email || customer.email });
	const patch = pushPatch(el, settings);
	if (patch.grandTotal === undefined && patch.productValue !== undefined) {
		patch.grandTotal = patch.productValue - (patch.discount ?? 0);
	}
	return store.addOrder(
		{
			...patch,
			customerId: customer.id,
			enquiryId: (enquiry ?? store.createEnquiry(customer.id)).id,
			contactId: contact.id,
			customerName: name || customer.name,
			phone: phone || customer.phone,
			email: email || customer.email,
			creatorId: settings.apiUserId,
			assignedToId: settings.apiUserId,
			enquiryAssignedTo: settings.apiUserId,
		},
		'partner',
	);
}

function updateFromPartner(store: Store, settings: Settings, el: JsonObject, order: SandboxOrder): SandboxOrder {
	const patch = pushPatch(el, settings);
	if (!isBlank(el.customer_name)) patch.customerName = text(el.customer_name);
	if (!isBlank(el.phone)) patch.phone = text(el.phone);
	if (!isBlank(el.email_id)) patch.email = text(el.email_id);
	return store.updateOrder(order, patch);
}

function pushResult(order: SandboxOrder, message: string): JsonObject {
	// Key order and the duplicated keys are as documented.
	return {
		'Enquiry Id': String(order.enquiryId),
		'Order Id': String(order.id),
		kapture_customer_id: String(order.customerId),
		message,
		order_id: String(order.id),
		enquiry_id: String(order.enquiryId),
		'Kapture Customer Id': String(order.customerId),
		status: 'success',
	};
}

// ---- payment ----------------------------------------------------------------

const PAYMENT_RULE =
	'ReqFieldMissing: kapture_customer_id and kapture_order_id (or payment_id) are required, and amount_paid must be greater than zero';

export function payment(store: Store, _settings: Settings, body: unknown): Reply {
	const list = elements(body);
	if (!list) return partnerFailed(`${PAYMENT_RULE}; send a JSON array of payment objects.`, 'Fail');

	const plans: Array<{ el: JsonObject; order: SandboxOrder; amount: number }> = [];
	for (const [i, el] of list.entries()) {
		const at = where(i, list.length);
		const customerId = wholeNumber(el.kapture_customer_id);
		const orderId = wholeNumber(el.kapture_order_id);
		const paymentId = text(el.payment_id);
		const amount = decimal(el.amount_paid);
		if (Number.isNaN(customerId) || Number.isNaN(orderId)) {
			return partnerFailed(`kapture_customer_id and kapture_order_id must be numbers${at}.`, 'Fail');
		}
		const byIds = customerId !== undefined && orderId !== undefined;
		if ((!byIds && !paymentId) || amount === undefined || amount <= 0) return partnerFailed(`${PAYMENT_RULE}${at}.`, 'Fail');

		let order: SandboxOrder | undefined;
		if (orderId !== undefined) {
			order = store.orderById.get(orderId);
			if (!order) return partnerFailed(`Order ${orderId} not found${at}.`, 'Fail');
			if (customerId !== undefined && order.customerId !== customerId) {
				return partnerFailed(`Order ${orderId} does not belong to customer ${customerId}${at}.`, 'Fail');
			}
		} else {
			const earlier = store.findPaymentByPaymentId(paymentId);
			order = earlier && store.orderById.get(earlier.orderId);
			if (!order) return partnerFailed(`No order found for payment_id ${paymentId}${at}.`, 'Fail');
		}
		plans.push({ el, order, amount });
	}

	for (const { el, order, amount } of plans) {
		store.addPayment(order, {
			erpOrderId: text(el.erp_order_id) || order.erpOrderId,
			paymentMode: text(el.payment_mode),
			chequeNumber: text(el.cheque_number),
			chequeDate: text(el.cheque_date),
			bankName: text(el.bank_name),
			paymentId: text(el.payment_id),
			amountPaid: amount,
			remarks: text(el.remarks),
		});
	}
	return { status: 200, body: { message: PAYMENT_SUCCESS_MESSAGE, status: 'success' } };
}

// ---- pull by dates / get by id ----------------------------------------------

export function pullByDates(store: Store, settings: Settings, body: unknown): Reply {
	const el = elements(body)?.[0];
	if (!el) return partnerFailed('ReqFieldMissing: the body must be a JSON array with one object holding start_date.');
	if (isBlank(el.start_date)) return partnerFailed('ReqFieldMissing: start_date (YYYY-MM-DD) is required.');
	const start = parseIsoDay(text(el.start_date), settings.tzMinutes);
	if (!start) return partnerFailed(`start_date '${text(el.start_date)}' is not a YYYY-MM-DD date.`);
	const end = isBlank(el.end_date) ? start : parseIsoDay(text(el.end_date), settings.tzMinutes);
	if (!end) return partnerFailed(`end_date '${text(el.end_date)}' is not a YYYY-MM-DD date.`);
	if (end.start < start.start) return partnerFailed('end_date is before start_date.');
	if ((end.start - start.start) / 3_600_000 > settings.partnerWindowHours) {
		return partnerFailed(`The date window is too long: end_date may be at most ${settings.partnerWindowHours} hours after start_date.`);
	}

	const asked = wholeNumber(el.numberOfRecords);
	const startPosition = wholeNumber(el.startPosition) ?? 0;
	if (asked !== undefined && (Number.isNaN(asked) || asked < 0)) return partnerFailed('numberOfRecords must be a whole number >= 0.');
	if (Number.isNaN(startPosition) || startPosition < 0) return partnerFailed('startPosition must be a whole number >= 0.');
	const count = Math.min(asked || settings.pageSizeCap, settings.pageSizeCap);

	const enquiryId = wholeNumber(el.enquiry_id);
	if (Number.isNaN(enquiryId)) return partnerFailed('enquiry_id must be a number.');

	const index = truthy(el.sortOnModificationDate) ? store.byModification : store.byCreateDate;
	const lo = index.lowerBound(start.start);
	const hi = index.upperBound(end.end);
	const predicates: Array<(o: SandboxOrder) => boolean> = [];
	if (enquiryId !== undefined) predicates.push((o) => o.enquiryId === enquiryId);
	const hidden = store.hiddenFromSearch();
	if (hidden) predicates.push((o) => !hidden.has(o.id));
	const page =
		settings.tieOrder === 'shuffled'
			? walkShuffled(index.items, lo, hi, false, predicates, startPosition, count, index.key, settings.tieRandom)
			: walk(index.items, lo, hi, false, predicates, startPosition, count);
	// Kapture reports an empty page as a failure; clients must read it as "no more orders".
	if (page.length === 0) return partnerFailed(NO_ORDERS_MESSAGE);
	return { status: 200, body: { orders: page.map((o) => toPartnerOrder(o, settings.tzMinutes)), status: 'success' } };
}

export function getOrder(store: Store, settings: Settings, body: unknown): Reply {
	const el = elements(body)?.[0];
	if (!el || isBlank(el.order_id)) return partnerFailed('ReqFieldMissing: order_id is required, as [{"order_id": "..."}].');
	const orderId = wholeNumber(el.order_id);
	const order = orderId === undefined || Number.isNaN(orderId) ? undefined : store.orderById.get(orderId);
	if (!order || store.hiddenFromSearch()?.has(order.id)) return partnerFailed(ORDER_NOT_FOUND_MESSAGE);
	return { status: 200, body: { message: toPartnerOrder(order, settings.tzMinutes), status: 'success' } };
}

/** The partner shape: ids and numbers as strings, dates as `yyyy-MM-dd HH:mm:ss` in the account zone. */
export function toPartnerOrder(order: SandboxOrder, tzMinutes: number): Record<string, unknown> {
	return {
		id: String(order.id),
		cmId: String(order.cmId),
		leadId: String(order.customerId),
		enquiryId: String(order.enquiryId),
		name: order.customerName,
		phone: order.phone,
		email: order.email,
		creatorId: String(order.creatorId),
		productId: '',
		productQuantity: String(order.productQuantity),
		productValue: String(order.productValue),
		paymentTerm: '',
		paymentMode: order.paymentMode,
		remarks: order.remarks,
		companyName: '',
		customerId: String(order.customerId),
		contactId: String(order.contactId),
		assignedToId: String(order.assignedToId),
		deliveryStatus: order.deliveryStatus,
		deliverySubStatus: order.deliverySubStatus,
		orderType: order.orderType,
		discount: String(order.discount),
		grandTotal: String(order.grandTotal),
		totalPaid: String(order.totalPaid),
		erpOrderId: order.erpOrderId,
		erpInvoiceNo: order.erpInvoiceNo,
		invoiceNo: order.invoiceNo,
		shippingAddress: order.shippingAddress,
		zipCode: order.zipCode,
		expectedDeliveryDate: order.expectedDeliveryDate,
		transaction: order.transaction,
		createDate: formatLocal(order.createDate, tzMinutes),
		lastModificationTime: formatLocal(order.lastModificationTime, tzMinutes),
		productDetails: order.productDetails,
	};
}
