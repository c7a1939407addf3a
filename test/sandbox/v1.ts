// v1 endpoints: add/update (`/ms/customer/order/api/v1/add-update`) and pull
// (`/ms/customer-search/order-search/api/v1/pull-internal`).

import { parseDateSpan } from './dates';
import { v1Failed, type Reply, type Settings } from './reply';
import type { SortedIndex, Store } from './store';
import type { SandboxOrder } from './types';
import {
	asObject,
	copyRecord,
	digitsOnly,
	isBlank,
	isObject,
	list,
	text,
	truthy,
	wholeNumber,
	type JsonObject,
} from './values';

// ---- add / update -----------------------------------------------------------

/** order_info keys that map one-to-one onto text fields of the stored order. */
const ORDER_TEXT_FIELDS: ReadonlyArray<[string, keyof SandboxOrder]> = [
	['delivery_status', 'deliveryStatus'],
	['delivery_sub_status', 'deliverySubStatus'],
	['erp_order_id', 'erpOrderId'],
	['erp_invoice_no', 'erpInvoiceNo'],
	['remarks', 'remarks'],
	['invoice_no', 'invoiceNo'],
	['invoice_date', 'invoiceDate'],
	['unit_name', 'unitName'],
	['block_name', 'blockName'],
	['ticket_id', 'ticketId'],
	['encryptOrder', 'encryptOrder'],
	['payment_mode', 'paymentMode'],
	['dealDetails', 'dealDetails'],
	['assign_emp_name', 'assignEmpName'],
	['assign_emp_code', 'assignEmpCode'],
	['assign_emp_email', 'assignEmpEmail'],
	...Array.from({ length: 15 }, (_, i): [string, keyof SandboxOrder] => [`attr${i + 1}`, `attr${i + 1}` as keyof SandboxOrder]),
];

/** The fields of order_info that were sent non-empty, as a patch of the stored order. */
function orderPatch(orderInfo: JsonObject, settings: Settings): Partial<SandboxOrder> {
	const patch: Record<string, unknown> = {};
	for (const [from, to] of ORDER_TEXT_FIELDS) {
		const value = orderInfo[from];
		if (isBlank(value)) continue;
		// dealDetails is a string in the docs; keep structured values readable.
		patch[to] = typeof value === 'object' ? JSON.stringify(value) : text(value);
	}
	const created = parseDateSpan(text(orderInfo.create_date), settings.tzMinutes);
	if (created) patch.createDate = created.start;
	return patch as Partial<SandboxOrder>;
}

function contactList(body: JsonObject): JsonObject[] {
	const raw = body.contact_info;
	if (Array.isArray(raw)) return raw.filter(isObject);
	return isObject(raw) ? [raw] : [];
}

function addSuccess(order: SandboxOrder, message: string, event: string, withOrderId: boolean): Reply {
	const result: JsonObject = { result: true };
	if (withOrderId) result.order_id = order.id;
	Object.assign(result, {
		customer_id: order.customerId,
		enquiry_id: order.enquiryId,
		action: 'ORDER',
		action_event: event,
		contact_id: order.contactId,
	});
	return { status: 200, body: { status: 'success', message, Order: result } };
}

export function v1AddUpdate(store: Store, settings: Settings, body: unknown): Reply {
	if (!isObject(body)) return v1Failed('The request body must be a JSON object with customer_info and order_info.', 400);
	const orderInfo = asObject(body.order_info);
	return truthy(orderInfo.update) ? updateOrder(store, settings, body, orderInfo) : addOrder(store, settings, body, orderInfo);
}

function addOrder(store: Store, settings: Settings, body: JsonObject, orderInfo: JsonObject): Reply {
	const customerInfo = asObject(body.customer_info);
	const enquiryInfo = asObject(body.enquiry_info);
	const contacts = contactList(body);
	const firstContact = contacts[0] ?? {};

	const name = text(customerInfo.customer_name);
	const contactPhone = contacts.map((c) => text(c.contact_person_phone)).find((p) => p !== '') ?? '';
	const contactEmail = contacts.map((c) => text(c.contact_person_email)).find((e) => e !== '') ?? '';
	const phone = text(customerInfo.phone) || contactPhone;
	const email = text(customerInfo.email_id) || contactEmail;

	const missing: string[] = [];
	if (!name) missing.push('customer_info.customer_name');
	if (!phone && !email) missing.push('a phone or email (customer_info.phone/email_id or a contact_info phone/email)');
	if (missing.length) return v1Failed(`Cannot add the order, missing: ${missing.join(' and ')}.`);

	const customerId = wholeNumber(customerInfo.customer_id);
	const enquiryId = wholeNumber(enquiryInfo.enquiry_id);
	const contactId = wholeNumber(firstContact.contact_id);
	if (Number.isNaN(customerId)) return v1Failed('customer_info.customer_id must be a number.');
	if (Number.isNaN(enquiryId)) return v1Failed('enquiry_info.enquiry_id must be a number.');
	if (Number.isNaN(contactId)) return v1Failed('contact_info.contact_id must be a number.');

	// Resolve everything before writing, so a failure leaves the store untouched.
	let customer = customerId !== undefined ? store.customers.get(customerId) : store.findCustomerByPhoneOrEmail(phone, email);
	if (customerId !== undefined && !customer) return v1Failed(`No customer with customer_id ${customerId}.`);
	const enquiry = enquiryId !== undefined ? store.enquiries.get(enquiryId) : undefined;
	if (enquiryId !== undefined && !enquiry) return v1Failed(`No enquiry with enquiry_id ${enquiryId}.`);
	let contact = contactId !== undefined ? store.contacts.get(contactId) : undefined;
	if (contactId !== undefined && !contact) return v1Failed(`No contact with contact_id ${contactId}.`);

	const customerFields = {
		name,
		phone,
		email,
		customerCode: text(customerInfo.customer_code),
		address: text(customerInfo.address),
		city: text(customerInfo.city),
		state: text(customerInfo.state),
		country: text(customerInfo.country),
		pincode: text(customerInfo.pincode),
		remarks: text(customerInfo.remarks),
		additionalFields: copyRecord(customerInfo.additional_fields),
		associateFields: copyRecord(customerInfo.associate_fields),
	};
	if (!customer) {
		customer = store.createCustomer(customerFields);
	} else {
		store.completeCustomer(customer, phone, email);
		if (truthy(customerInfo.update)) overwriteNonEmpty(customer, customerFields);
	}

	const enquiryRecord =
		enquiry ??
		store.createEnquiry(customer.id, {
			remarks: text(enquiryInfo.remarks),
			subStatus: text(enquiryInfo.subStatus),
			additionalFields: copyRecord(enquiryInfo.additional_fields),
			associateFields: copyRecord(enquiryInfo.associate_fields),
		});

	if (!contact) {
		const cPhone = text(firstContact.contact_person_phone) || phone;
		const cEmail = text(firstContact.contact_person_email) || email;
		const personName =
			text(firstContact.contact_person_name) ||
			`${text(firstContact.first_name)} ${text(firstContact.last_name)}`.trim() ||
			name;
		contact =
			store.findContact(customer.id, cPhone, cEmail) ??
			store.createContact(customer.id, { name: personName, phone: cPhone, email: cEmail });
	}

	const patch = orderPatch(orderInfo, settings);
	const order = store.addOrder(
		{
			...patch,
			customerId: customer.id,
			enquiryId: enquiryRecord.id,
			contactId: contact.id,
			customerName: name,
			phone,
			email,
			creatorId: settings.apiUserId,
			assignedToId: settings.apiUserId,
			enquiryAssignedTo: settings.apiUserId,
			associateFields: copyRecord(orderInfo.associate_fields),
		},
		'v1',
	);
	return addSuccess(order, 'Order added successfully', 'ADD_ORDER', true);
}

function updateOrder(store: Store, settings: Settings, body: JsonObject, orderInfo: JsonObject): Reply {
	const orderId = wholeNumber(orderInfo.order_id);
	if (orderId === undefined) return v1Failed('order_info.order_id is required when order_info.update is true.');
	if (Number.isNaN(orderId)) return v1Failed('order_info.order_id must be a number.');
	const order = store.orderById.get(orderId);
	if (!order) return v1Failed(`No order with order_id ${orderId}.`);

	const patch = orderPatch(orderInfo, settings);
	const associate = asObject(orderInfo.associate_fields);
	if (Object.keys(associate).length) patch.associateFields = { ...order.associateFields, ...copyRecord(associate) };

	// Customer details travel with every update; they only change with customer_info.update.
	const customerInfo = asObject(body.customer_info);
	if (truthy(customerInfo.update)) {
		const name = text(customerInfo.customer_name);
		const phone = text(customerInfo.phone);
		const email = text(customerInfo.email_id);
		if (name) patch.customerName = name;
		if (phone) patch.phone = phone;
		if (email) patch.email = email;
		const customer = store.customers.get(order.customerId);
		if (customer) overwriteNonEmpty(customer, { name, phone, email });
	}

	store.updateOrder(order, patch);
	return addSuccess(order, 'Order updated successfully', 'ORDER_FIELD_UPDATION', false);
}

function overwriteNonEmpty<T extends object>(target: T, values: Partial<T>): void {
	for (const [key, value] of Object.entries(values)) {
		if (value === '' || value === undefined) continue;
		if (isObject(value) && Object.keys(value).length === 0) continue;
		(target as Record<string, unknown>)[key] = value;
	}
}

// ---- pull -------------------------------------------------------------------

/** The filter keys of the documented example body; at least one must be non-empty. */
export const PULL_FILTER_KEYS: readonly string[] = [
	'name', 'phone', 'email', 'customerIds', 'leadIdStr', 'enquiryIds', 'clientReferenceIds',
	...Array.from({ length: 15 }, (_, i) => `attr${i + 1}`),
	'orderIds', 'erpOrderId', 'createStartDate', 'createEndDate', 'bookingStatus', 'bookingSubStatus',
	'bookingStartDate', 'bookingEndDate', 'creatorIdStr', 'assignIdStr', 'zoneIdStr', 'blockId', 'unitId',
	'approvalDesignationIds', 'agreementStartDate', 'agreementEndDate', 'erpInvoiceId',
];

/** Our own sort values (Kapture does not document sortParam). */
export const PULL_SORTS = ['createDate_desc', 'createDate_asc', 'id_desc', 'id_asc'] as const;

type Predicate = (order: SandboxOrder) => boolean;

class BadRequest extends Error {}

function idSet(body: JsonObject, key: string): Set<number> | undefined {
	if (isBlank(body[key])) return undefined;
	const ids = list(body[key]).map(Number);
	if (ids.some((id) => !Number.isInteger(id))) throw new BadRequest(`${key} must be a comma-separated list of numbers.`);
	return new Set(ids);
}

function textSet(body: JsonObject, key: string, fold: (s: string) => string = (s) => s): Set<string> | undefined {
	return isBlank(body[key]) ? undefined : new Set(list(body[key]).map(fold));
}

function dateBound(body: JsonObject, key: string, settings: Settings, edge: 'start' | 'end'): number | undefined {
	if (isBlank(body[key])) return undefined;
	const span = parseDateSpan(text(body[key]), settings.tzMinutes);
	if (!span) throw new BadRequest(`${key} '${text(body[key])}' is not a date: use YYYY-MM-DD, YYYY-MM-DD HH:mm:ss or dd-MM-yyyy.`);
	return span[edge];
}

function pageNumber(body: JsonObject, key: string): number | undefined {
	const n = wholeNumber(body[key]);
	if (n !== undefined && (Number.isNaN(n) || n < 0)) throw new BadRequest(`${key} must be a whole number >= 0.`);
	return n;
}

export function v1Pull(store: Store, settings: Settings, body: unknown): Reply {
	if (!isObject(body)) return v1Failed('The request body must be a JSON object.', 400);
	const cmId = wholeNumber(body.cmId);
	if (cmId === undefined || Number.isNaN(cmId) || cmId <= 0) return v1Failed('cmId is required and must be a number greater than 0.', 400);
	if (cmId !== settings.cmId) return v1Failed(`cmId ${cmId} is not this account.`, 400);
	if (!PULL_FILTER_KEYS.some((key) => !isBlank(body[key]))) {
		return v1Failed('At least one filter must be given (for example customerIds, orderIds or createStartDate).', 400);
	}
	try {
		const shape = settings.pull.recordsWithoutErpOrderId ? toDocumentedV1Order : toV1Order;
		return { status: 200, body: { success: 'true', order_details: pull(store, settings, body).map(shape) } };
	} catch (error) {
		if (error instanceof BadRequest) return v1Failed(error.message, 400);
		throw error;
	}
}

function pull(store: Store, settings: Settings, body: JsonObject): SandboxOrder[] {
	const predicates: Predicate[] = [];
	const keep = (predicate: Predicate | undefined) => predicate && predicates.push(predicate);

	const name = text(body.name).toLowerCase();
	if (name) keep((o) => o.customerName.toLowerCase().includes(name));
	const phone = digitsOnly(text(body.phone));
	if (phone) keep((o) => digitsOnly(o.phone) === phone);
	const email = text(body.email).toLowerCase();
	if (email) keep((o) => o.email.toLowerCase() === email);

	const orderIds = idSet(body, 'orderIds');
	const customerIds = idSet(body, 'customerIds');
	const leadIds = idSet(body, 'leadIdStr');
	const enquiryIds = idSet(body, 'enquiryIds');
	const creators = idSet(body, 'creatorIdStr');
	const assignees = idSet(body, 'assignIdStr');
	const zones = idSet(body, 'zoneIdStr');
	const blocks = idSet(body, 'blockId');
	const units = idSet(body, 'unitId');
	if (orderIds) keep((o) => orderIds.has(o.id));
	if (customerIds) keep((o) => customerIds.has(o.customerId));
	if (leadIds) keep((o) => leadIds.has(o.customerId));
	if (enquiryIds) keep((o) => enquiryIds.has(o.enquiryId));
	if (creators) keep((o) => creators.has(o.creatorId));
	if (assignees) keep((o) => assignees.has(o.assignedToId));
	if (zones) keep((o) => zones.has(o.zoneId));
	if (blocks) keep((o) => blocks.has(o.blockId));
	if (units) keep((o) => units.has(o.unitId));

	const erpOrderIds = textSet(body, 'erpOrderId');
	const clientRefs = textSet(body, 'clientReferenceIds');
	const erpInvoices = textSet(body, 'erpInvoiceId');
	const upper = (s: string) => s.toUpperCase();
	const statuses = textSet(body, 'bookingStatus', upper);
	const subStatuses = textSet(body, 'bookingSubStatus', upper);
	// What Kapture's page promises about erpOrderId is nothing: see PullBehaviour.
	if (erpOrderIds && settings.pull.erpOrderIdSearch === 'filters') keep((o) => erpOrderIds.has(o.erpOrderId));
	if (erpOrderIds && settings.pull.erpOrderIdSearch === 'matchesNothing') keep(() => false);
	if (clientRefs) keep((o) => clientRefs.has(o.erpOrderId));
	if (erpInvoices) keep((o) => erpInvoices.has(o.erpInvoiceNo));
	if (statuses) keep((o) => statuses.has(o.deliveryStatus.toUpperCase()));
	if (subStatuses) keep((o) => subStatuses.has(o.deliverySubStatus.toUpperCase()));

	for (let i = 1; i <= 15; i++) {
		const key = `attr${i}` as keyof SandboxOrder;
		const wanted = text(body[key]);
		if (wanted) keep((o) => o[key] === wanted);
	}

	const from = dateBound(body, 'createStartDate', settings, 'start');
	const to = dateBound(body, 'createEndDate', settings, 'end');

	const limitAsked = pageNumber(body, 'limit');
	const limit = Math.min(limitAsked || settings.defaultPullLimit, settings.pageSizeCap);
	const offset = pageNumber(body, 'offset') ?? 0;

	const sortText = text(body.sortParam);
	const sort = sortText ? PULL_SORTS.find((s) => s.toLowerCase() === sortText.toLowerCase()) : 'createDate_desc';
	if (!sort) throw new BadRequest(`sortParam must be one of ${PULL_SORTS.join(', ')} (sandbox extension).`);
	const index: SortedIndex = sort.startsWith('id') ? store.byOrderId : store.byCreateDate;
	const descending = sort.endsWith('desc');

	// Candidates, ascending in the sort order: a short explicit list when ids
	// are given, else a binary-searched slice of the index.
	let items: SandboxOrder[] = index.items;
	let lo = 0;
	let hi = items.length;
	const seed = orderIds ?? customerIds ?? leadIds ?? enquiryIds;
	if (seed) {
		items = candidates(store, seed === orderIds ? 'order' : seed === enquiryIds ? 'enquiry' : 'customer', seed);
		items.sort((a, b) => index.key(a) - index.key(b) || a.id - b.id);
		hi = items.length;
	} else if (index === store.byCreateDate) {
		if (from !== undefined) lo = index.lowerBound(from);
		if (to !== undefined) hi = index.upperBound(to);
	}
	// On the createDate index, lo/hi already hold the date bounds.
	const boundedByIndex = !seed && index === store.byCreateDate;
	if (from !== undefined && !boundedByIndex) keep((o) => o.createDate >= from);
	if (to !== undefined && !boundedByIndex) keep((o) => o.createDate <= to);
	const hidden = store.hiddenFromSearch();
	if (hidden) keep((o) => !hidden.has(o.id));

	if (settings.tieOrder === 'shuffled') {
		return walkShuffled(items, lo, hi, descending, predicates, offset, limit, index.key, settings.tieRandom);
	}
	return walk(items, lo, hi, descending, predicates, offset, limit);
}

function candidates(store: Store, kind: 'order' | 'customer' | 'enquiry', ids: Set<number>): SandboxOrder[] {
	const found: SandboxOrder[] = [];
	for (const id of ids) {
		if (kind === 'order') {
			const order = store.orderById.get(id);
			if (order) found.push(order);
		} else {
			const orders = (kind === 'customer' ? store.ordersByCustomer : store.ordersByEnquiry).get(id);
			if (orders) found.push(...orders);
		}
	}
	return found;
}

/** Walks items[lo, hi) in the wanted direction, skipping `offset` matches and collecting up to `limit`. */
export function walk(
	items: SandboxOrder[],
	lo: number,
	hi: number,
	descending: boolean,
	predicates: Predicate[],
	offset: number,
	limit: number,
): SandboxOrder[] {
	if (predicates.length === 0) {
		// Nothing to test: the page is a plain slice.
		if (descending) {
			const end = Math.max(lo, hi - offset);
			return items.slice(Math.max(lo, end - limit), end).reverse();
		}
		const start = Math.min(hi, lo + offset);
		return items.slice(start, Math.min(hi, start + limit));
	}
	const page: SandboxOrder[] = [];
	let skip = offset;
	const step = descending ? -1 : 1;
	for (let i = descending ? hi - 1 : lo; i >= lo && i < hi && page.length < limit; i += step) {
		const order = items[i];
		if (!predicates.every((p) => p(order))) continue;
		if (skip > 0) skip--;
		else page.push(order);
	}
	return page;
}

/**
 * Like `walk`, but records with equal sort keys come in a new random order
 * on every request, as MySQL or Elasticsearch may return ties under
 * LIMIT/OFFSET: a page boundary inside a tie group then shows some of the
 * group twice and some never. Which records hold which positions by key does
 * not change.
 */
export function walkShuffled(
	items: SandboxOrder[],
	lo: number,
	hi: number,
	descending: boolean,
	predicates: Predicate[],
	offset: number,
	limit: number,
	keyOf: (order: SandboxOrder) => number,
	random: () => number,
): SandboxOrder[] {
	// Every match from the start of the group at `offset` to the end of the group at the page's last position.
	let window: SandboxOrder[] = [];
	let windowStart = offset;
	let before: SandboxOrder[] = [];
	let beforeStart = 0;
	let position = 0;
	const step = descending ? -1 : 1;
	for (let i = descending ? hi - 1 : lo; i >= lo && i < hi; i += step) {
		const order = items[i];
		if (predicates.length > 0 && !predicates.every((p) => p(order))) continue;
		const key = keyOf(order);
		if (position < offset) {
			// Only the group running into the page matters.
			if (before.length === 0 || keyOf(before[0]) !== key) {
				before = [];
				beforeStart = position;
			}
			before.push(order);
		} else {
			if (position >= offset + limit && keyOf(window[window.length - 1]) !== key) break;
			if (position === offset && before.length > 0 && keyOf(before[0]) === key) {
				window = before;
				windowStart = beforeStart;
			}
			window.push(order);
		}
		position++;
	}
	// Shuffle within each tie group (Fisher-Yates), then cut the page out.
	let groupStart = 0;
	for (let i = 1; i <= window.length; i++) {
		if (i < window.length && keyOf(window[i]) === keyOf(window[groupStart])) continue;
		for (let j = i - 1; j > groupStart; j--) {
			const k = groupStart + Math.floor(random() * (j - groupStart + 1));
			[window[j], window[k]] = [window[k], window[j]];
		}
		groupStart = i;
	}
	return window.slice(offset - windowStart, offset - windowStart + limit);
}

const NOT_IN_DOCUMENTED_RECORD = ['erpOrderId', ...Array.from({ length: 15 }, (_, i) => `attr${i + 1}`)];

/** The v1 pull record as Kapture's page shows it: no ERP Order ID, no attr1…attr15. */
export function toDocumentedV1Order(order: SandboxOrder): Partial<SandboxOrder> {
	const shown: Record<string, unknown> = toV1Order(order);
	for (const key of NOT_IN_DOCUMENTED_RECORD) delete shown[key];
	return shown as Partial<SandboxOrder>;
}

/** The v1 pull shape: the stored order without sandbox-only fields. */
export function toV1Order(order: SandboxOrder): Omit<SandboxOrder, 'source' | 'productDetails'> {
	const { source: _source, productDetails: _lines, ...shown } = order;
	return shown;
}
