// Public types of the SourceHub sandbox. Tests, the demo and the e2e suite
// code against these names, so change them only by adding.

import type { FaultKind, FaultSpec, SandboxClockControl } from '../types';
import type { LeakOptions, LeakRecord } from '../leak';

export type SourceHubApiName = 'createOrder' | 'getOrder' | 'listOrders' | 'getCart' | 'inspect' | 'unknown';

export type SourceHubFaultSpec = FaultSpec<SourceHubApiName>;

/** SourceHub's order statuses (`laststatus.name`), as its create page lists them. */
export const ORDER_STATUSES = [
	'Placed',
	'Processed',
	'In Review/Invoice Dept',
	'Shipment Created',
	'Delivered',
	'Cancelled',
	'Returned',
	'Invoice Generated',
	'Undelivered',
	'Postponed',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface SourceHubSandboxOptions {
	/** Default 0 = a free port. The server always binds 127.0.0.1. */
	port?: number;
	/** The one API key accepted as `Authorization: Bearer <key>` (default 'sourcehub-sandbox-key'). */
	apiKey?: string;
	/** Start with the clock frozen at this epoch ms (default: real time). */
	now?: number;
	/** Order dates (`YYYY-MM-DD`) are days in this zone, minutes east of UTC (default 330 = IST). */
	timezoneOffsetMinutes?: number;
	/** Injected latency per API request (default 0). */
	latencyMs?: number;
	/**
	 * HTTP status of a placed order. SourceHub's page shows the body of a
	 * placed order but not its status; the "unavailable" answer is a 201.
	 * Default 200.
	 */
	placedStatus?: number;
	/**
	 * What `GET /orders` answers when no order matches (also for a `skip`
	 * past the end): an empty list (default), or a 404 NOT_FOUND_ERROR.
	 * Undocumented; both are plausible.
	 */
	emptyList?: 'emptyList' | 'notFound';
	/** `count` above 100: refused with 400 (default) or silently capped. Undocumented. */
	overLimitCount?: 'refuse' | 'cap';
	/** Largest page really served, whatever `count` asks (default 100). Models an undocumented lower cap. */
	pageSizeCap?: number;
	/** Order of `GET /orders`: newest first (default) or oldest first. Undocumented. */
	listOrder?: 'newestFirst' | 'oldestFirst';
	/**
	 * Demo only, not SourceHub's behaviour: after an order is placed from a
	 * cart, the customer's cart is filled again with the same products and
	 * quantities (new cart item ids), as if the customer shopped again. Stock
	 * still goes down, so a refilled cart runs out in time. `npm run dev` turns
	 * it on so every sample Kapture order can place a SourceHub order. Default false.
	 */
	refillCarts?: boolean;
	/** Silence the sandbox's own warnings (handler crashes). */
	quiet?: boolean;
	/** Print one line per request to stdout (default false; the CLI turns it on). */
	logRequests?: boolean;
	/** Request log size; older entries are dropped (default 200000). */
	maxLogEntries?: number;
}

export interface SourceHubProduct {
	id: number;
	name: string;
	image: string | null;
	sku: string;
	hsn_code: string;
	description: string;
	price_per_unit: number;
	maximum_retail_price: number;
	weight: number;
	vol: number;
	gst_percent: number;
	measurementtype: { id: number; name: string };
	productcategory: { id: number; name: string; image: string | null };
	/** `price` is what one unit sells for in an order. */
	productpricing: { id: number; product_id: number; buying_qty: number; price: number };
}

/** The customer as SourceHub embeds it in an order. */
export interface SourceHubCustomer {
	id: number;
	contact_person_name: string;
	company_name: string;
	display_name: string;
	email: string | null;
	contactperson_number: string;
	company_phone: string;
	gst_treatment: 'Registered' | 'Unregistered';
	gstin: string | null;
	customer_code: string;
	address: unknown[];
}

export interface CartItem {
	/** The cart item's own id (SourceHub names it in `unavailable_items[].id`). */
	id: number;
	productId: number;
	quantity: number;
}

export interface SourceHubOrderProduct {
	id: number;
	sku: string;
	name: string;
	quantity: number;
	price: number;
}

export interface SourceHubInvoice {
	id: number;
	invoice_number: string;
	date: string;
	due_date: string;
	total_amount: number;
	discount_amount: number;
	returned_amount: number;
	invoice_amount: number;
	cgst: number;
	sgst: number;
	igst: number;
}

/** The order exactly as SourceHub's answers carry it. */
export interface SourceHubOrder {
	id: number;
	order_no: string;
	item_total_amount: number;
	discount_amount: number;
	return_total_amount: number;
	billable_amount: number;
	/** `YYYY-MM-DD`, in the sandbox's zone. */
	date: string;
	products: SourceHubOrderProduct[];
	customer: SourceHubCustomer;
	/** An object, or an empty list when none is assigned (as in SourceHub's example). */
	salesagent: Record<string, unknown> | [];
	deliveryagent: Record<string, unknown> | [];
	laststatus: { name: string };
	invoices: SourceHubInvoice[];
}

export interface SourceHubRequestLogEntry {
	/** Arrival order, from 1. */
	seq: number;
	/** Sandbox clock at arrival (epoch ms). */
	at: number;
	method: string;
	/** Path without the query, `/api/...` for the API. */
	path: string;
	query: Record<string, string>;
	api: SourceHubApiName;
	authorized: boolean;
	/** HTTP status sent; 0 while in flight or when no answer was sent (reset, client gone). */
	status: number;
	/** Parsed JSON body, raw text when not JSON, undefined when empty. */
	body: unknown;
	fault?: FaultKind;
	/** In leak mode: what the answer quoted back. */
	leaked?: LeakRecord;
	durationMs: number;
}

export interface SourceHubCounts {
	products: number;
	customers: number;
	orders: number;
	/** Items in all carts together. */
	cartItems: number;
}

export interface SourceHubSandbox {
	/** Where the API lives: `http://127.0.0.1:<port>/api`, the Base URL Override for the credential. */
	readonly baseUrl: string;
	/** `http://127.0.0.1:<port>`, for the `/__sandbox/*` inspection endpoints. */
	readonly origin: string;
	readonly port: number;
	readonly apiKey: string;
	readonly clock: SandboxClockControl;
	setLatency(ms: number): void;
	/** Change a knob of SourceHubSandboxOptions while running. */
	configure(
		settings: Partial<
			Pick<SourceHubSandboxOptions, 'placedStatus' | 'emptyList' | 'overLimitCount' | 'pageSizeCap' | 'listOrder' | 'refillCarts'>
		>,
	): void;
	faults: {
		script(...faults: SourceHubFaultSpec[]): void;
		rate(rate: number, spec: SourceHubFaultSpec, seed?: number): void;
		clear(): void;
	};
	/** A product with `stock` units available (default 100). */
	addProduct(init?: Partial<SourceHubProduct> & { stock?: number }): SourceHubProduct;
	setStock(productId: number, stock: number): void;
	stock(productId: number): number;
	addCustomer(init?: Partial<SourceHubCustomer>): SourceHubCustomer;
	/** Replaces the customer's cart; returns the cart items with their new ids. */
	fillCart(customerId: number, items: Array<{ productId: number; quantity: number }>): CartItem[];
	cart(customerId: number): CartItem[];
	/** Orders dated `date` (default: today), placed without touching carts or stock. */
	seedOrders(customerId: number, n: number, init?: Partial<SourceHubOrder> | ((i: number) => Partial<SourceHubOrder>)): SourceHubOrder[];
	setStatus(orderId: number, status: string): void;
	/** Removes an order (SourceHub has no delete; this models one vanishing from a list between pages). */
	removeOrder(orderId: number): void;
	getOrder(id: number): SourceHubOrder | undefined;
	/** Snapshot copies, in creation order. */
	listOrders(): SourceHubOrder[];
	counts(): SourceHubCounts;
	requests(): SourceHubRequestLogEntry[];
	clearRequests(): void;
	inFlight(): { current: number; peak: number };
	/**
	 * Runs `hook` for every API request after it is logged and before it is
	 * answered (faulted requests included), so a test can change the data
	 * between two page reads. `undefined` removes it.
	 */
	/** Leak mode (see ../leak.ts): every API answer quotes the request's key back; undefined turns it off (so does reset). */
	setLeak(options: LeakOptions | undefined): void;
	beforeAnswer(hook: ((entry: SourceHubRequestLogEntry) => void) | undefined): void;
	/** Back to the documented example data; empty request log, no faults, no hook. Options and clock stay. */
	reset(): void;
	close(): Promise<void>;
}
