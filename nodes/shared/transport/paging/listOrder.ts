import type { IDataObject } from 'n8n-workflow';

/** What a list is sorted by: epoch ms, an id, or a text that sorts as it reads ('2024-05-08 10:30:00'). */
export type SortKey = number | string;

/**
 * How a vendor sorts a list. Records with equal keys ("ties") may come in any
 * order, and in another order on each request: databases only promise the
 * order of what the query sorts by.
 */
export interface ListOrder {
	/** The record's sort key; undefined when it has none. */
	keyOf(record: IDataObject): SortKey | undefined;
	/** True when the list starts with the largest key. */
	descending: boolean;
}

/** Negative when a record keyed `a` comes before one keyed `b` in the list, 0 for a tie. */
export function compareInList(order: ListOrder, a: SortKey, b: SortKey): number {
	const ascending = a < b ? -1 : a > b ? 1 : 0;
	return order.descending ? -ascending : ascending;
}

/** Whether every record has a key and the page runs in the list's order. */
export function inListOrder(order: ListOrder, page: IDataObject[]): boolean {
	let previous: SortKey | undefined;
	for (const record of page) {
		const key = order.keyOf(record);
		if (key === undefined) return false;
		if (previous !== undefined && compareInList(order, previous, key) > 0) return false;
		previous = key;
	}
	return true;
}
