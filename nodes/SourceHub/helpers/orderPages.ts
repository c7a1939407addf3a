import type { IDataObject } from 'n8n-workflow';

import {
	readPages,
	sourceHubRequest,
	type Page,
	type PagingOptions,
	type RequestOptions,
	type TransportContext,
} from '../../shared/transport';
import { listOf, objectOf } from './records';

/** SourceHub serves at most this many orders per request (`count`). */
export const MAX_PAGE_SIZE = 100;

export type OrderPageOptions = RequestOptions & Omit<PagingOptions, 'idOf'>;

/** The orders of a list answer: `data.orders` (or `data` itself, should it be the list). */
export function ordersOf(answer: IDataObject | IDataObject[]): IDataObject[] {
	const data = objectOf(answer).data;
	return listOf(Array.isArray(data) ? data : objectOf(data).orders);
}

/**
 * The pages of `GET /orders` for one query (`phone_number`, optional dates),
 * walked with `count` and `skip` by the shared pager: to the provable end of
 * the list, each order once.
 */
export function listOrderPages(this: TransportContext, query: IDataObject, options: OrderPageOptions): AsyncGenerator<Page> {
	const pageSize = Math.min(MAX_PAGE_SIZE, options.pageSize);
	return readPages(async (skip, count) => {
		const page = { ...query, count: String(Math.min(count, MAX_PAGE_SIZE)), skip: String(skip) };
		return ordersOf(await sourceHubRequest.call(this, 'listOrders', { query: page }, options));
	}, { ...options, pageSize });
}
