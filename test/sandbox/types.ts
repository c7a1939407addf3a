// Public types of the Kapture sandbox. Other test suites, the demo and the
// benchmarks code against these names, so change them only by adding.

import type { AccountRateLimit, AccountRateLimitStats } from './accountLimit';
import type { LeakOptions, LeakRecord } from './leak';

export type { AccountRateLimit, AccountRateLimitStats } from './accountLimit';

export type PartnerApi = 'orderPush' | 'pullByDates' | 'getOrder' | 'payment';
export type ApiName = 'v1AddUpdate' | 'v1Pull' | PartnerApi | 'inspect' | 'unknown';
export type FaultKind =
	| 'rateLimit'
	| 'serverError'
	| 'unavailable'
	| 'reset'
	| 'slow'
	| 'failureBody'
	| 'html'
	// Ambiguous faults: the request IS processed (an order stored, a payment
	// recorded), then the client gets no usable answer.
	| 'serverErrorAfterStoring'
	| 'resetAfterStoring'
	| 'htmlAfterStoring'
	// A proxy that forwarded the request, then answered 503 itself (Envoy and
	// others do when the upstream drops the connection): processed, and a 503.
	| 'unavailableAfterStoring';

/**
 * How the v1 pull treats its `erpOrderId` key (see README, "Search by ERP Order ID"):
 * - `filters`: only orders with exactly that ERP Order ID (or one of a comma-separated list);
 * - `ignored`: accepted, counted as a filter, but filters nothing (every order matches),
 *   which is all Kapture's pull page promises;
 * - `matchesNothing`: accepted, and no order ever matches (a search against a field no order fills).
 */
export type ErpOrderIdSearch = 'filters' | 'ignored' | 'matchesNothing';

/** How the v1 pull searches by ERP Order ID and what its records show. */
export interface PullBehaviour {
	erpOrderIdSearch: ErpOrderIdSearch;
	/** Records leave out `erpOrderId` and `attr1`…`attr15`, as the documented record does. */
	recordsWithoutErpOrderId: boolean;
}

export interface SandboxOptions {
	/** Default 0 = a free port. The server always binds 127.0.0.1. */
	port?: number;
	/** v1 Basic auth user, default 'sandbox-user'. */
	username?: string;
	/** v1 Basic auth password, default 'sandbox-password'. */
	password?: string;
	/** Partner Auth Key accepted by every partner API without its own key, default 'sandbox-auth-key'. */
	authKey?: string;
	/** When set for an API, ONLY that key is accepted for that API. */
	partnerKeys?: Partial<Record<PartnerApi, string>>;
	/** Account id, default 1000298. */
	cmId?: number;
	/** Number of orders to create at start (default 0). */
	seed?: number;
	/** Largest page honoured for v1 `limit` and partner `numberOfRecords` (default 500); larger asks are capped silently. */
	pageSizeCap?: number;
	/** Injected latency per request (default 0). */
	latencyMs?: number;
	/** Account timezone for day-granular filters and partner date strings (default 330 = IST). */
	timezoneOffsetMinutes?: number;
	/** Longest span of a partner pull, default 24. */
	partnerWindowHours?: number;
	/** Start with the clock frozen at this epoch ms (default: real time). */
	now?: number;
	/** Silence the sandbox's own warnings (handler crashes). */
	quiet?: boolean;
	/** Print one line per request to stdout (default false; the CLI turns it on). */
	logRequests?: boolean;
	/** Request log size; older entries are dropped (default 200000). */
	maxLogEntries?: number;
	/** Seed of the PRNG behind generated order data (default 20240508). */
	dataSeed?: number;
	/** Employee id of the API user: creatorId and default assignedToId of orders written through the API (default 209803). */
	apiUserId?: number;
	/** Default v1 pull `limit` when none is sent (default 50). */
	defaultPullLimit?: number;
	/** Account-wide limit over every API and client; beyond it 429 + Retry-After (default none; `setAccountRateLimit`). */
	accountRateLimit?: AccountRateLimit;
	/**
	 * Orders created through the API stay invisible to searches (v1 pull, partner
	 * pull by dates, partner get) for this long, in real time (default 0). Like a
	 * search index that lags behind writes: tests use it to prove a bounded wait.
	 */
	searchDelayMs?: number;
	/**
	 * How the v1 pull and the partner pull order records with equal sort keys:
	 * `'id'` (default) or `'shuffled'`, a new random order on every request, as
	 * MySQL or Elasticsearch may do under LIMIT/OFFSET (`setTieOrder`, CLI `--ties shuffled`).
	 */
	tieOrder?: 'id' | 'shuffled';
	/**
	 * Generated orders (seed, `seedOrders`, `POST /__sandbox/orders`) take their
	 * custom attribute 1 from these values instead of a sales channel ('', web,
	 * store, phone). The demo puts SourceHub customer ids here, so every sample
	 * order maps to a SourceHub customer. The PRNG draws the same numbers either
	 * way: every other generated field stays as it was.
	 */
	attr1Choices?: readonly string[];
	/** See ErpOrderIdSearch (default 'filters'; `setPullBehaviour`). */
	erpOrderIdSearch?: ErpOrderIdSearch;
	/** v1 pull records without `erpOrderId` and `attr1`…`attr15` (default false; `setPullBehaviour`). */
	recordsWithoutErpOrderId?: boolean;
	/**
	 * The v1 pull as its page literally shows it: `erpOrderId` accepted but
	 * filtering nothing, records without it. Shorthand for erpOrderIdSearch
	 * 'ignored' plus recordsWithoutErpOrderId; the two options win over it.
	 */
	literalDocs?: boolean;
}

/** `Api`: the API names of the sandbox the fault is for (Kapture's by default, SourceHub's has its own). */
export interface FaultSpec<Api extends string = ApiName> {
	kind: FaultKind;
	/** Only requests to this API are affected (default: any API except inspect). */
	api?: Api | Api[];
	/** For rateLimit (429) and unavailable (503): sets Retry-After. */
	retryAfterSeconds?: number;
	/** For slow: the answer is sent this long after processing (default 1000). */
	delayMs?: number;
	/**
	 * The message of the JSON fault body {"status":"failed","message":...}: for
	 * failureBody, and for serverError, unavailable and their …AfterStoring kinds.
	 */
	message?: string;
	/** Only requests whose raw body contains this text (for example `"ERP-7"`), so a fault can target one item's write. */
	bodyIncludes?: string;
}

export interface RequestLogEntry {
	/** Arrival order, from 1. */
	seq: number;
	/** Sandbox clock at arrival (epoch ms). */
	at: number;
	method: string;
	path: string;
	api: ApiName;
	authorized: boolean;
	/** HTTP status sent; 0 while still in flight or when no answer was sent (reset, client gone). */
	status: number;
	/** Parsed JSON body, or the raw text when it was not JSON, undefined when empty. */
	body: unknown;
	fault?: FaultKind;
	/** Refused with 429 by the account-wide rate limit (not processed). */
	rateLimited?: true;
	/** In leak mode: what the answer quoted back. */
	leaked?: LeakRecord;
	/** Orders this request created (v1 add, partner push), also when its answer was then lost. */
	createdOrderIds?: number[];
	/** Wall time from arrival until the response finished (0 while in flight). */
	durationMs: number;
}

/** One product line as sent in a partner push (`product_details`), kept as sent. */
export type SandboxProductLine = Record<string, unknown>;

export type OrderSource = 'v1' | 'partner' | 'seed';

/**
 * The stored order. The first block mirrors the v1 pull response example field
 * for field; the second holds what add/update/push requests can set.
 */
export interface SandboxOrder {
	id: number;
	cmId: number;
	customerId: number;
	enquiryId: number;
	createDate: number;
	creatorId: number;
	productQuantity: number;
	productValue: number;
	discount: number;
	remarks: string;
	deliveryStatus: string;
	lastModificationTime: number;
	unitId: number;
	blockId: number;
	zoneId: number;
	basePrice: number;
	serviceTax: number;
	bookingAmount: number;
	retainerFrequency: number;
	retainerAmount: number;
	subOfficeId: number;
	retainerCreditPeriod: number;
	parentOrderId: number;
	assignedToId: number;
	invoiceSent: boolean;
	commissionAmount: number;
	totalSaleableArea: number;
	builderInvoiceId: number;
	enquiryAssignedTo: number;
	sellingPrice: number;
	cess: number;
	extraCharges: number;
	warrantyInDays: number;
	parentCustomerId: number;
	checkedIn: boolean;
	includeInterest: boolean;
	channelId: number;
	deliveredOrderId: number;
	commissionPaidAmount: number;
	onwardCruiseId: number;
	returnCruiseId: number;
	approvedByEmployeeId: number;
	vatamount: number;

	contactId: number;
	deliverySubStatus: string;
	customerName: string;
	phone: string;
	email: string;
	erpOrderId: string;
	erpInvoiceNo: string;
	invoiceNo: string;
	invoiceDate: string;
	paymentMode: string;
	unitName: string;
	blockName: string;
	ticketId: string;
	dealDetails: string;
	encryptOrder: string;
	assignEmpName: string;
	assignEmpCode: string;
	assignEmpEmail: string;
	associateFields: Record<string, unknown>;
	attr1: string;
	attr2: string;
	attr3: string;
	attr4: string;
	attr5: string;
	attr6: string;
	attr7: string;
	attr8: string;
	attr9: string;
	attr10: string;
	attr11: string;
	attr12: string;
	attr13: string;
	attr14: string;
	attr15: string;
	productDetails: SandboxProductLine[];
	orderType: string;
	shippingAddress: string;
	grandTotal: number;
	totalPaid: number;
	expectedDeliveryDate: string;
	transaction: string;
	zipCode: string;
	source: OrderSource;
}

export interface SandboxPayment {
	id: number;
	orderId: number;
	customerId: number;
	erpOrderId: string;
	paymentMode: string;
	chequeNumber: string;
	chequeDate: string;
	bankName: string;
	paymentId: string;
	amountPaid: number;
	remarks: string;
	/** Sandbox clock when recorded. */
	at: number;
}

export interface SandboxCustomer {
	id: number;
	name: string;
	phone: string;
	email: string;
	customerCode: string;
	address: string;
	city: string;
	state: string;
	country: string;
	pincode: string;
	dateOfBirth: string;
	remarks: string;
	additionalFields: Record<string, unknown>;
	associateFields: Record<string, unknown>;
	createDate: number;
}

export interface SandboxEnquiry {
	id: number;
	customerId: number;
	remarks: string;
	subStatus: string;
	additionalFields: Record<string, unknown>;
	associateFields: Record<string, unknown>;
	createDate: number;
}

export interface SandboxContact {
	id: number;
	customerId: number;
	name: string;
	phone: string;
	email: string;
	createDate: number;
}

export interface SandboxClockControl {
	now(): number;
	/** Freeze the clock at ms. */
	set(ms: number): void;
	/** Move a frozen clock forward (or shift a running one). */
	advance(ms: number): void;
	/** Back to the machine clock, no offset. */
	useRealTime(): void;
}

export interface SandboxCounts {
	customers: number;
	enquiries: number;
	contacts: number;
	orders: number;
	payments: number;
}

export interface KaptureSandbox {
	readonly baseUrl: string;
	readonly port: number;
	readonly credentials: { username: string; password: string; authKey: string; cmId: number };
	readonly clock: SandboxClockControl;
	setLatency(ms: number): void;
	setPageSizeCap(n: number): void;
	/** Sets (or with undefined removes) the account-wide rate limit; its counters start over. */
	setAccountRateLimit(limit: AccountRateLimit | undefined): void;
	/** The limit in force and how many requests it admitted and refused since it was set. */
	accountRateLimitStats(): AccountRateLimitStats;
	/** See SandboxOptions.searchDelayMs; applies to orders created from now on. */
	setSearchDelay(ms: number): void;
	/** Changes the accepted secrets from now on, as an administrator rotating them in Kapture would. */
	setCredentials(update: { username?: string; password?: string; authKey?: string }): void;
	/** See SandboxOptions.tieOrder. */
	setTieOrder(order: 'id' | 'shuffled'): void;
	/** Changes how the v1 pull searches by ERP Order ID (see PullBehaviour); the rest is kept. */
	setPullBehaviour(behaviour: Partial<PullBehaviour>): void;
	pullBehaviour(): PullBehaviour;
	faults: {
		/** Queue faults; each one hits the next request that matches it (one fault per request). */
		script(...faults: FaultSpec[]): void;
		/** Each matching request gets the fault with this probability (seeded, deterministic). */
		rate(rate: number, spec: FaultSpec, seed?: number): void;
		clear(): void;
	};
	seedOrders(
		n: number,
		init?: Partial<SandboxOrder> | ((i: number) => Partial<SandboxOrder>),
	): SandboxOrder[];
	insertOrder(init?: Partial<SandboxOrder>): SandboxOrder;
	getOrder(id: number): SandboxOrder | undefined;
	/** Snapshot copies, in creation order. */
	listOrders(): SandboxOrder[];
	payments(): SandboxPayment[];
	customers(): SandboxCustomer[];
	enquiries(): SandboxEnquiry[];
	contacts(): SandboxContact[];
	counts(): SandboxCounts;
	requests(): RequestLogEntry[];
	clearRequests(): void;
	/** Leak mode (see leak.ts): every API answer quotes the request's secret back; undefined turns it off (so does reset). */
	setLeak(options: LeakOptions | undefined): void;
	inFlight(): { current: number; peak: number };
	resetPeak(): void;
	/** Empty store, request log and faults; options (and the clock) are kept. */
	reset(): void;
	close(): Promise<void>;
}
