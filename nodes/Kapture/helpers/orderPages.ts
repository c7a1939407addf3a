import type { IDataObject } from 'n8n-workflow';

import { calendarDays } from '../../shared/helpers/calendar';
import {
	kaptureRequest,
	readPages,
	type FetchPage,
	type ListOrder,
	type Page,
	type PagingOptions,
	type RequestOptions,
	type TransportContext,
} from '../../shared/transport';

export type OrderPageOptions = RequestOptions & Omit<PagingOptions, 'idOf' | 'returned'>;

/** The orders of a pull answer: the list under `key` (or the answer itself, if it is a list). */
export function ordersIn(data: IDataObject | IDataObject[], key: string): IDataObject[] {
	const list = Array.isArray(data) ? data : data[key];
	return Array.isArray(list) ? (list as IDataObject[]) : [];
}

/**
 * One page of a v1 pull (`limit`/`offset`). `filters` must already hold
 * `cmId` and at least one filter; `limit` and `offset` are sent as strings,
 * like Kapture's own example. `options` is asked afresh for each request
 * (the trigger shortens timeouts as its time runs out).
 */
export function v1PullPage(
	this: TransportContext,
	filters: IDataObject,
	options: () => RequestOptions,
): FetchPage {
	return async (offset, limit) => {
		const body = { ...filters, limit: String(limit), offset: String(offset) };
		return ordersIn(await kaptureRequest.call(this, 'v1Pull', body, options()), 'order_details');
	};
}

/**
 * Kapture lists v1 pull results newest first (by createDate). Not documented,
 * so the pager checks every page and falls back to joining pages on ids.
 */
export const V1_PULL_ORDER: ListOrder = {
	keyOf(order) {
		const value = order.createDate;
		const date = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
		return typeof date === 'number' && Number.isFinite(date) ? date : undefined;
	},
	descending: true,
};

/** Pages of a v1 pull (see v1PullPage). */
export function pullV1Pages(
	this: TransportContext,
	filters: IDataObject,
	options: OrderPageOptions,
): AsyncGenerator<Page> {
	return readPages(v1PullPage.call(this, filters, () => options), options);
}

/**
 * Pages of a partner pull over any date range (`startPosition`/`numberOfRecords`).
 * Kapture serves at most one day per call, so the range is walked one day at
 * a time. Dates are `YYYY-MM-DD` in the account's own calendar.
 */
export async function* pullPartnerPages(
	this: TransportContext,
	startDate: string,
	endDate: string,
	extra: IDataObject,
	options: OrderPageOptions,
): AsyncGenerator<Page> {
	// An order read on one day is not returned again on another.
	const returned = new Set<string>();
	for (const day of calendarDays(startDate, endDate)) {
		const window = { ...extra, start_date: day, end_date: day };
		yield* readPages(async (offset, limit) => {
			const body = [{ ...window, startPosition: String(offset), numberOfRecords: String(limit) }];
			return ordersIn(await kaptureRequest.call(this, 'partnerPullByDates', body, options), 'orders');
		}, { ...options, returned });
	}
}
