// SourceHub's endpoints as pure functions of the store and one request. The
// HTTP side (auth, faults, logging) is in server.ts.
//
// Documented: the paths and inputs, the order shape, the 201 "unavailable"
// answer, the 401 error shape and the codes AUTHENTICATION_ERROR,
// BAD_REQUEST_ERROR and TOO_MANY_REQUESTS. Everything else here (the wording
// of 400s, NOT_FOUND_ERROR, what an empty cart or an unknown customer
// answers) is our guess, kept in SourceHub's error shape.

import type { Reply } from '../reply';
import { digitsOf, type SourceHubStore, UnknownRecordError } from './store';
import type { SourceHubOrder, SourceHubSandboxOptions } from './types';

export const PLACED_MESSAGE = 'Order succesfully placed';
export const MAX_COUNT = 100;
export const DEFAULT_COUNT = 10;

export type HandlerSettings = Required<
	Pick<SourceHubSandboxOptions, 'placedStatus' | 'emptyList' | 'overLimitCount' | 'pageSizeCap' | 'listOrder' | 'refillCarts'>
>;

export interface ApiRequest {
	query: URLSearchParams;
	/** The `{id}` of `/orders/{id}`. */
	pathId?: string;
	/** What SourceHub puts in `error.source`: the URL asked for, without its query. */
	source: string;
	/** Today in the sandbox's zone, `YYYY-MM-DD`. */
	today: string;
}

export function sourceHubError(status: number, code: string, description: string, source: string): Reply {
	return { status, body: { error: { code, description, source, status_code: status } } };
}

const badRequest = (request: ApiRequest, description: string) =>
	sourceHubError(400, 'BAD_REQUEST_ERROR', description, request.source);

const notFound = (request: ApiRequest, description: string) =>
	sourceHubError(404, 'NOT_FOUND_ERROR', description, request.source);

const INTEGER = /^\d+$/;
const DAY_MONTH_YEAR = /^(\d{2})-(\d{2})-(\d{4})$/;

/** `dd-mm-yyyy` as `YYYY-MM-DD`, or undefined when it is not a real date in that form. */
export function dayMonthYearToIso(text: string): string | undefined {
	const match = DAY_MONTH_YEAR.exec(text);
	if (!match) return undefined;
	const [, day, month, year] = match;
	const date = new Date(Date.UTC(+year, +month - 1, +day));
	if (date.getUTCFullYear() !== +year || date.getUTCMonth() !== +month - 1 || date.getUTCDate() !== +day) return undefined;
	return `${year}-${month}-${day}`;
}

/** The customer a request names in `customer_id`, or the 400 to answer. */
function customerOf(store: SourceHubStore, request: ApiRequest): number | Reply {
	const raw = request.query.get('customer_id');
	if (raw === null || raw.trim() === '') return badRequest(request, 'The customer id field is required.');
	if (!INTEGER.test(raw.trim())) return badRequest(request, 'The customer id must be an integer.');
	const id = Number(raw.trim());
	if (!store.customers.has(id)) return badRequest(request, 'The selected customer id is invalid.');
	return id;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `POST /orders/create?customer_id=`: the customer's cart becomes an order, or nothing happens. */
export function createOrder(store: SourceHubStore, settings: HandlerSettings, request: ApiRequest): Reply {
	const customerId = customerOf(store, request);
	if (typeof customerId !== 'number') return customerId;
	if ((store.carts.get(customerId) ?? []).length === 0) return badRequest(request, 'Cart is empty.');
	const unavailable = store.unavailableItems(customerId);
	if (unavailable.length > 0) {
		return {
			status: 201,
			body: {
				data: {
					unavailable_items_count: unavailable.length,
					unavailable_items: unavailable,
					message: `${plural(unavailable.length, 'item')} unavailable`,
				},
			},
		};
	}
	const cart = store.carts.get(customerId) ?? [];
	const order = store.placeOrder(customerId, request.today);
	if (settings.refillCarts) store.fillCart(customerId, cart);
	return { status: settings.placedStatus, body: { data: structuredClone(order), message: PLACED_MESSAGE } };
}

/** `GET /orders/{id}`. */
export function getOrder(store: SourceHubStore, _settings: HandlerSettings, request: ApiRequest): Reply {
	const id = request.pathId ?? '';
	if (!INTEGER.test(id)) return badRequest(request, 'The order id must be an integer.');
	try {
		return { status: 200, body: { data: structuredClone(store.order(Number(id))) } };
	} catch (error) {
		if (error instanceof UnknownRecordError) return notFound(request, 'Order not found.');
		throw error;
	}
}

/** `GET /orders?phone_number=&from_date=&to_date=&count=&skip=`. */
export function listOrders(store: SourceHubStore, settings: HandlerSettings, request: ApiRequest): Reply {
	const { query } = request;
	const phone = (query.get('phone_number') ?? '').trim();
	if (phone === '') return badRequest(request, 'The phone number field is required.');
	if (digitsOf(phone) === '') return badRequest(request, 'The phone number format is invalid.');

	const dates: Record<'from_date' | 'to_date', string | undefined> = { from_date: undefined, to_date: undefined };
	for (const key of ['from_date', 'to_date'] as const) {
		const raw = query.get(key);
		if (raw === null || raw.trim() === '') continue;
		const iso = dayMonthYearToIso(raw.trim());
		if (!iso) return badRequest(request, `The ${key.replace('_', ' ')} does not match the format d-m-Y.`);
		dates[key] = iso;
	}
	if (dates.from_date && dates.to_date && dates.from_date > dates.to_date) {
		return badRequest(request, 'The to date must be a date after or equal to from date.');
	}

	const count = wholeNumberParam(query, 'count', DEFAULT_COUNT);
	const skip = wholeNumberParam(query, 'skip', 0);
	if (count === undefined || count < 1) return badRequest(request, 'The count must be an integer of at least 1.');
	if (skip === undefined) return badRequest(request, 'The skip must be an integer of at least 0.');
	if (count > MAX_COUNT && settings.overLimitCount === 'refuse') {
		return badRequest(request, `The count may not be greater than ${MAX_COUNT}.`);
	}
	const served = Math.min(count, MAX_COUNT, settings.pageSizeCap);

	const direction = settings.listOrder === 'newestFirst' ? -1 : 1;
	const matches = store
		.ordersByPhone(phone, dates.from_date, dates.to_date)
		.sort((a, b) => direction * (a.order.date.localeCompare(b.order.date) || a.seq - b.seq));
	const page: SourceHubOrder[] = matches.slice(skip, skip + served).map((stored) => structuredClone(stored.order));
	if (page.length === 0 && settings.emptyList === 'notFound') return notFound(request, 'No orders found.');
	return { status: 200, body: { data: { orders: page } } };
}

function wholeNumberParam(query: URLSearchParams, key: string, fallback: number): number | undefined {
	const raw = query.get(key);
	if (raw === null || raw.trim() === '') return fallback;
	return INTEGER.test(raw.trim()) ? Number(raw.trim()) : undefined;
}

/** `GET /cart?customer_id=`. */
export function getCart(store: SourceHubStore, _settings: HandlerSettings, request: ApiRequest): Reply {
	const customerId = customerOf(store, request);
	if (typeof customerId !== 'number') return customerId;
	return { status: 200, body: { data: store.cartSummary(customerId) } };
}
