import type { IDataObject } from 'n8n-workflow';

import type { FetchPage } from '../../../../../nodes/shared/transport';

/**
 * A list served newest first (by createDate, then id) with a server-side
 * page cap, which a test may change before any request.
 */
export function pagedList(list: IDataObject[], cap: number) {
	const calls: Array<[number, number]> = [];
	let before: ((request: number) => void) | undefined;
	const fetch: FetchPage = async (offset, limit) => {
		calls.push([offset, limit]);
		before?.(calls.length);
		const sorted = [...list].sort((a, b) => Number(b.createDate) - Number(a.createDate) || Number(b.id) - Number(a.id));
		return sorted.slice(offset, offset + Math.min(limit, cap));
	};
	return { fetch, calls, onRequest: (hook: (request: number) => void) => (before = hook) };
}

/** `n` orders with ids from `from`, each one ms newer than the one before. */
export const orders = (n: number, from = 1): IDataObject[] =>
	Array.from({ length: n }, (_, i) => ({ id: from + i, createDate: 1000 + from + i }));
