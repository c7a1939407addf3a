// In-memory Kapture data: customers, enquiries, contacts, orders, payments.
// Orders are also kept in sorted indexes so a page out of 100,000 orders is a
// binary search plus a short walk, never a sort of the whole store.

import { performance } from 'node:perf_hooks';

import type { SandboxClock } from './clock';
import { Prng } from './random';
import type {
	OrderSource,
	SandboxContact,
	SandboxCounts,
	SandboxCustomer,
	SandboxEnquiry,
	SandboxOrder,
	SandboxPayment,
} from './types';
import { copyRecord, digitsOnly, EMPTY_RECORD, exportRecord } from './values';

// Aliases for the per-order paths: global lookups are slow inside jest's vm context.
const { assign } = Object;
const { max } = Math;

export const FIRST_ORDER_ID = 23518265;
export const FIRST_CUSTOMER_ID = 191696570;
export const FIRST_ENQUIRY_ID = 24284201;
export const FIRST_CONTACT_ID = 210010451;
export const FIRST_PAYMENT_ID = 5100001;

/** Orders sorted ascending by (key, id). Ids are unique, so the order is total. */
export class SortedIndex {
	items: SandboxOrder[] = [];

	constructor(readonly key: (order: SandboxOrder) => number) {}

	private before(a: SandboxOrder, b: SandboxOrder): boolean {
		const ka = this.key(a);
		const kb = this.key(b);
		return ka < kb || (ka === kb && a.id < b.id);
	}

	/** First position whose entry is not before `order`. */
	private position(order: SandboxOrder): number {
		let lo = 0;
		let hi = this.items.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.before(this.items[mid], order)) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	insert(order: SandboxOrder): void {
		const last = this.items[this.items.length - 1];
		// Orders usually arrive in clock order: appending is the common case.
		if (last === undefined || this.before(last, order)) this.items.push(order);
		else this.items.splice(this.position(order), 0, order);
	}

	insertMany(orders: SandboxOrder[]): void {
		let sorted = true;
		let last = this.items[this.items.length - 1];
		for (const order of orders) {
			if (last !== undefined && !this.before(last, order)) sorted = false;
			last = order;
		}
		for (const order of orders) this.items.push(order);
		if (!sorted) this.items.sort((a, b) => this.key(a) - this.key(b) || a.id - b.id);
	}

	/** Call before the order's key changes. */
	remove(order: SandboxOrder): void {
		const at = this.position(order);
		if (this.items[at] === order) this.items.splice(at, 1);
	}

	/** First position with key >= k. */
	lowerBound(k: number): number {
		let lo = 0;
		let hi = this.items.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.key(this.items[mid]) < k) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	/** First position with key > k. */
	upperBound(k: number): number {
		let lo = 0;
		let hi = this.items.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.key(this.items[mid]) <= k) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}
}

export interface StoreConfig {
	cmId: number;
	apiUserId: number;
	dataSeed: number;
	clock: SandboxClock;
	/** See SandboxOptions.attr1Choices. */
	attr1Choices?: readonly string[];
}

/** What a payment request supplies; the store adds ids and the time. */
export type PaymentInit = Omit<SandboxPayment, 'id' | 'orderId' | 'customerId' | 'at'>;

const FIRST_NAMES = ['Aarav', 'Diya', 'Ishaan', 'Kavya', 'Rohan', 'Ananya', 'Vikram', 'Meera', 'Arjun', 'Nisha', 'Karan', 'Priya'];
const LAST_NAMES = ['Sharma', 'Iyer', 'Reddy', 'Patel', 'Menon', 'Gupta', 'Nair', 'Rao', 'Singh', 'Das'];
const STATUSES = ['AP', 'PD', 'DL', 'CN'];
const SUB_STATUSES = ['', 'NEW', 'PACKED', 'SHIPPED'];
const EMPLOYEES = [209803, 209811, 209827, 209845];
const ZONES = [0, 11, 12, 13];
const BLOCKS = [0, 101, 102];
const UNITS = [0, 1001, 1002];
const RATES = [499, 999, 1500, 2499, 10000];
const DISCOUNTS = [0, 0, 50, 100];
const REMARKS = ['', 'Seeded order', 'Call before delivery', 'Gift wrap'];
const PAYMENT_MODES = ['cash', 'cheque', 'online', ''];
const CHANNELS = ['', 'web', 'store', 'phone'];
const CITIES = ['', 'Bengaluru', 'Mumbai', 'Delhi', 'Chennai', 'Pune'];

/** A fresh order with every field present, always in the same property order (one hidden class). */
function blankOrder(): SandboxOrder {
	return {
		id: 0, cmId: 0, customerId: 0, enquiryId: 0, createDate: 0, creatorId: 0,
		productQuantity: 0, productValue: 0, discount: 0, remarks: '', deliveryStatus: 'AP',
		lastModificationTime: 0, unitId: 0, blockId: 0, zoneId: 0, basePrice: 0, serviceTax: 0,
		bookingAmount: 0, retainerFrequency: 0, retainerAmount: 0, subOfficeId: 0,
		retainerCreditPeriod: 0, parentOrderId: 0, assignedToId: 0, invoiceSent: false,
		commissionAmount: 0, totalSaleableArea: 0, builderInvoiceId: 0, enquiryAssignedTo: 0,
		sellingPrice: 0, cess: 0, extraCharges: 0, warrantyInDays: 0, parentCustomerId: 0,
		checkedIn: false, includeInterest: false, channelId: 0, deliveredOrderId: 0,
		commissionPaidAmount: 0, onwardCruiseId: 0, returnCruiseId: 0, approvedByEmployeeId: 0,
		vatamount: 0,
		contactId: 0, deliverySubStatus: '', customerName: '', phone: '', email: '',
		erpOrderId: '', erpInvoiceNo: '', invoiceNo: '', invoiceDate: '', paymentMode: '',
		unitName: '', blockName: '', ticketId: '', dealDetails: '', encryptOrder: '',
		assignEmpName: '', assignEmpCode: '', assignEmpEmail: '', associateFields: EMPTY_RECORD,
		attr1: '', attr2: '', attr3: '', attr4: '', attr5: '', attr6: '', attr7: '', attr8: '',
		attr9: '', attr10: '', attr11: '', attr12: '', attr13: '', attr14: '', attr15: '',
		productDetails: [], orderType: '', shippingAddress: '', grandTotal: 0, totalPaid: 0,
		expectedDeliveryDate: '', transaction: '', zipCode: '', source: 'seed',
	};
}

/** A copy that shares nothing mutable with the stored order. */
export function copyOrder(order: SandboxOrder): SandboxOrder {
	return {
		...order,
		associateFields: exportRecord(order.associateFields),
		productDetails: order.productDetails.map((line) => ({ ...line })),
	};
}

export class Store {
	/** Creation order. */
	readonly orders: SandboxOrder[] = [];
	readonly orderById = new Map<number, SandboxOrder>();
	readonly byCreateDate = new SortedIndex((o) => o.createDate);
	readonly byModification = new SortedIndex((o) => o.lastModificationTime);
	readonly byOrderId = new SortedIndex((o) => o.id);
	readonly ordersByCustomer = new Map<number, SandboxOrder[]>();
	readonly ordersByEnquiry = new Map<number, SandboxOrder[]>();

	readonly customers = new Map<number, SandboxCustomer>();
	private readonly customerByPhone = new Map<string, number>();
	private readonly customerByEmail = new Map<string, number>();
	readonly enquiries = new Map<number, SandboxEnquiry>();
	readonly contacts = new Map<number, SandboxContact>();
	private readonly contactsByCustomer = new Map<number, SandboxContact[]>();
	readonly payments: SandboxPayment[] = [];

	/** How long orders created through the API stay out of searches (real ms). */
	searchDelayMs = 0;
	// Order id -> performance.now() when searches may show it. Small: entries go once due.
	private readonly hiddenUntil = new Map<number, number>();

	private nextOrderId = FIRST_ORDER_ID;
	private nextCustomerId = FIRST_CUSTOMER_ID;
	private nextEnquiryId = FIRST_ENQUIRY_ID;
	private nextContactId = FIRST_CONTACT_ID;
	private nextPaymentId = FIRST_PAYMENT_ID;
	private prng: Prng;

	constructor(private readonly config: StoreConfig) {
		this.prng = new Prng(config.dataSeed);
	}

	get cmId(): number {
		return this.config.cmId;
	}

	get apiUserId(): number {
		return this.config.apiUserId;
	}

	now(): number {
		return this.config.clock.now();
	}

	counts(): SandboxCounts {
		return {
			customers: this.customers.size,
			enquiries: this.enquiries.size,
			contacts: this.contacts.size,
			orders: this.orders.length,
			payments: this.payments.length,
		};
	}

	// ---- customers, enquiries, contacts -------------------------------------

	findCustomerByPhoneOrEmail(phone: string, email: string): SandboxCustomer | undefined {
		const byPhone = phone ? this.customerByPhone.get(digitsOnly(phone)) : undefined;
		const id = byPhone ?? (email ? this.customerByEmail.get(email.toLowerCase()) : undefined);
		return id === undefined ? undefined : this.customers.get(id);
	}

	createCustomer(init: Partial<SandboxCustomer>): SandboxCustomer {
		const id = this.claimId(init.id, 'nextCustomerId', this.customers, 'customer');
		const customer: SandboxCustomer = {
			id,
			name: init.name ?? '',
			phone: init.phone ?? '',
			email: init.email ?? '',
			customerCode: init.customerCode ?? '',
			address: init.address ?? '',
			city: init.city ?? '',
			state: init.state ?? '',
			country: init.country ?? '',
			pincode: init.pincode ?? '',
			dateOfBirth: init.dateOfBirth ?? '',
			remarks: init.remarks ?? '',
			additionalFields: copyRecord(init.additionalFields),
			associateFields: copyRecord(init.associateFields),
			createDate: init.createDate ?? this.now(),
		};
		this.customers.set(id, customer);
		this.indexCustomer(customer);
		return customer;
	}

	/** Fill blanks of an existing customer (phone/email learnt later keep it findable). */
	completeCustomer(customer: SandboxCustomer, phone: string, email: string): void {
		if (!customer.phone && phone) customer.phone = phone;
		if (!customer.email && email) customer.email = email;
		this.indexCustomer(customer);
	}

	private indexCustomer(customer: SandboxCustomer): void {
		const phone = digitsOnly(customer.phone);
		if (phone && !this.customerByPhone.has(phone)) this.customerByPhone.set(phone, customer.id);
		const email = customer.email.toLowerCase();
		if (email && !this.customerByEmail.has(email)) this.customerByEmail.set(email, customer.id);
	}

	createEnquiry(customerId: number, init: Partial<SandboxEnquiry> = {}): SandboxEnquiry {
		const id = this.claimId(init.id, 'nextEnquiryId', this.enquiries, 'enquiry');
		const enquiry: SandboxEnquiry = {
			id,
			customerId,
			remarks: init.remarks ?? '',
			subStatus: init.subStatus ?? '',
			additionalFields: copyRecord(init.additionalFields),
			associateFields: copyRecord(init.associateFields),
			createDate: init.createDate ?? this.now(),
		};
		this.enquiries.set(id, enquiry);
		return enquiry;
	}

	createContact(customerId: number, init: Partial<SandboxContact> = {}): SandboxContact {
		const id = this.claimId(init.id, 'nextContactId', this.contacts, 'contact');
		const contact: SandboxContact = {
			id,
			customerId,
			name: init.name ?? '',
			phone: init.phone ?? '',
			email: init.email ?? '',
			createDate: init.createDate ?? this.now(),
		};
		this.contacts.set(id, contact);
		pushTo(this.contactsByCustomer, customerId, contact);
		return contact;
	}

	/** A contact of this customer with the same phone or email, if any. */
	findContact(customerId: number, phone: string, email: string): SandboxContact | undefined {
		const wantPhone = digitsOnly(phone);
		const wantEmail = email.toLowerCase();
		for (const contact of this.contactsByCustomer.get(customerId) ?? []) {
			if (wantPhone && digitsOnly(contact.phone) === wantPhone) return contact;
			if (wantEmail && contact.email.toLowerCase() === wantEmail) return contact;
		}
		return undefined;
	}

	/** Uses an explicit id (bumping the counter past it) or hands out the next one. */
	private claimId(
		wanted: number | undefined,
		counter: 'nextOrderId' | 'nextCustomerId' | 'nextEnquiryId' | 'nextContactId',
		existing: Map<number, unknown>,
		what: string,
	): number {
		if (wanted === undefined) {
			while (existing.has(this[counter])) this[counter]++;
			return this[counter]++;
		}
		if (!Number.isInteger(wanted) || wanted <= 0) throw new Error(`invalid ${what} id ${wanted}`);
		if (existing.has(wanted)) throw new Error(`${what} ${wanted} already exists`);
		if (wanted >= this[counter]) this[counter] = wanted + 1;
		return wanted;
	}

	// ---- orders -------------------------------------------------------------

	/**
	 * Stores an order. Missing customer/enquiry/contact records are created
	 * (with the given ids when ids are given), so any init is consistent.
	 */
	addOrder(init: Partial<SandboxOrder> = {}, source: OrderSource = 'seed'): SandboxOrder {
		const order = this.buildOrder(init, source);
		this.byCreateDate.insert(order);
		this.byModification.insert(order);
		this.byOrderId.insert(order);
		return order;
	}

	/** Many orders at once: indexes are sorted once instead of per insert. */
	addOrders(inits: Partial<SandboxOrder>[], source: OrderSource = 'seed'): SandboxOrder[] {
		const created = inits.map((init) => this.buildOrder(init, source));
		this.byCreateDate.insertMany(created);
		this.byModification.insertMany(created);
		this.byOrderId.insertMany(created);
		return created;
	}

	private buildOrder(init: Partial<SandboxOrder>, source: OrderSource): SandboxOrder {
		const id = this.claimId(init.id, 'nextOrderId', this.orderById, 'order');
		const name = init.customerName ?? '';
		const phone = init.phone ?? '';
		const email = init.email ?? '';

		let customer = init.customerId !== undefined ? this.customers.get(init.customerId) : undefined;
		if (!customer) customer = this.createCustomer({ id: init.customerId, name, phone, email, createDate: init.createDate });
		const enquiry =
			(init.enquiryId !== undefined ? this.enquiries.get(init.enquiryId) : undefined) ??
			this.createEnquiry(customer.id, { id: init.enquiryId, createDate: init.createDate });
		const contact =
			(init.contactId !== undefined ? this.contacts.get(init.contactId) : undefined) ??
			this.createContact(customer.id, {
				id: init.contactId,
				name: name || customer.name,
				phone: phone || customer.phone,
				email: email || customer.email,
				createDate: init.createDate,
			});

		const order = blankOrder();
		assign(order, init);
		order.id = id;
		order.cmId = init.cmId ?? this.config.cmId;
		order.customerId = customer.id;
		order.enquiryId = enquiry.id;
		order.contactId = contact.id;
		order.customerName = name || customer.name;
		order.phone = phone || customer.phone;
		order.email = email || customer.email;
		order.createDate = init.createDate ?? this.now();
		// Kapture stamps this itself: the clock for orders written through the API (whatever create_date
		// says), the given date for history seeded by a test.
		order.lastModificationTime = init.lastModificationTime ?? (source === 'seed' ? order.createDate : this.now());
		order.associateFields = copyRecord(init.associateFields);
		order.productDetails = (init.productDetails ?? []).map((line) => ({ ...line }));
		order.source = init.source ?? source;

		this.orders.push(order);
		this.orderById.set(id, order);
		if (this.searchDelayMs > 0 && source !== 'seed') this.hiddenUntil.set(id, performance.now() + this.searchDelayMs);
		pushTo(this.ordersByCustomer, order.customerId, order);
		pushTo(this.ordersByEnquiry, order.enquiryId, order);
		return order;
	}

	/** Applies a patch and bumps lastModificationTime to the clock, keeping the indexes right. */
	updateOrder(order: SandboxOrder, patch: Partial<SandboxOrder>): SandboxOrder {
		const moveCreate = patch.createDate !== undefined && patch.createDate !== order.createDate;
		if (moveCreate) this.byCreateDate.remove(order);
		this.byModification.remove(order);
		// Identity fields never change through an update.
		const { id: _id, customerId: _c, enquiryId: _e, contactId: _k, cmId: _m, source: _s, ...rest } = patch;
		assign(order, rest);
		order.lastModificationTime = this.now();
		if (moveCreate) this.byCreateDate.insert(order);
		this.byModification.insert(order);
		return order;
	}

	/**
	 * Ids of new orders searches must not show yet, or undefined when there are
	 * none (the common case costs the search nothing).
	 */
	hiddenFromSearch(): ReadonlyMap<number, number> | undefined {
		if (this.hiddenUntil.size === 0) return undefined;
		const now = performance.now();
		for (const [id, until] of this.hiddenUntil) if (until <= now) this.hiddenUntil.delete(id);
		return this.hiddenUntil.size === 0 ? undefined : this.hiddenUntil;
	}

	addPayment(order: SandboxOrder, init: PaymentInit): SandboxPayment {
		const payment: SandboxPayment = {
			id: this.nextPaymentId++,
			orderId: order.id,
			customerId: order.customerId,
			...init,
			at: this.now(),
		};
		this.payments.push(payment);
		this.updateOrder(order, { totalPaid: order.totalPaid + init.amountPaid });
		return payment;
	}

	findPaymentByPaymentId(paymentId: string): SandboxPayment | undefined {
		for (let i = this.payments.length - 1; i >= 0; i--) {
			if (this.payments[i].paymentId === paymentId) return this.payments[i];
		}
		return undefined;
	}

	// ---- generated data -----------------------------------------------------

	/** Plausible order data from the seeded PRNG (no ids, no dates). */
	generateOrderData(): Partial<SandboxOrder> {
		const r = this.prng;
		const first = r.pick(FIRST_NAMES);
		const last = r.pick(LAST_NAMES);
		const quantity = r.int(1, 5);
		const rate = r.pick(RATES);
		const discount = r.pick(DISCOUNTS);
		const assignee = r.pick(EMPLOYEES);
		return {
			customerName: `${first} ${last}`,
			phone: `9${r.int(100000000, 999999999)}`,
			email: `${first}.${last}${r.int(1, 999)}@example.com`.toLowerCase(),
			deliveryStatus: r.pick(STATUSES),
			deliverySubStatus: r.pick(SUB_STATUSES),
			creatorId: r.pick(EMPLOYEES),
			assignedToId: assignee,
			enquiryAssignedTo: assignee,
			zoneId: r.pick(ZONES),
			blockId: r.pick(BLOCKS),
			unitId: r.pick(UNITS),
			productQuantity: quantity,
			productValue: quantity * rate,
			basePrice: rate,
			sellingPrice: rate,
			discount,
			grandTotal: quantity * rate - discount,
			remarks: r.pick(REMARKS),
			paymentMode: r.pick(PAYMENT_MODES),
			erpOrderId: `SO-${r.int(10000000, 99999999)}`,
			attr1: r.pick(this.config.attr1Choices ?? CHANNELS),
			attr2: r.pick(CITIES),
		};
	}

	/** n orders one minute apart, the last one at the clock's now, generated data under `init`. */
	seedOrders(
		n: number,
		init?: Partial<SandboxOrder> | ((i: number) => Partial<SandboxOrder>),
	): SandboxOrder[] {
		if (!Number.isInteger(n) || n < 0) throw new Error(`seedOrders needs a whole count, got ${n}`);
		const now = this.now();
		const inits: Partial<SandboxOrder>[] = [];
		for (let i = 0; i < n; i++) {
			const data = this.generateOrderData();
			data.createDate = now - (n - 1 - i) * 60_000;
			inits.push(assign(data, typeof init === 'function' ? init(i) : init));
		}
		return this.addOrders(inits, 'seed');
	}

	clear(): void {
		this.orders.length = 0;
		this.orderById.clear();
		this.byCreateDate.items = [];
		this.byModification.items = [];
		this.byOrderId.items = [];
		this.ordersByCustomer.clear();
		this.ordersByEnquiry.clear();
		this.customers.clear();
		this.customerByPhone.clear();
		this.customerByEmail.clear();
		this.enquiries.clear();
		this.contacts.clear();
		this.contactsByCustomer.clear();
		this.payments.length = 0;
		this.hiddenUntil.clear();
		this.nextOrderId = FIRST_ORDER_ID;
		this.nextCustomerId = FIRST_CUSTOMER_ID;
		this.nextEnquiryId = FIRST_ENQUIRY_ID;
		this.nextContactId = FIRST_CONTACT_ID;
		this.nextPaymentId = FIRST_PAYMENT_ID;
		this.prng = new Prng(this.config.dataSeed);
	}
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
	const existing = map.get(key);
	if (existing) existing.push(value);
	else map.set(key, [value]);
}
