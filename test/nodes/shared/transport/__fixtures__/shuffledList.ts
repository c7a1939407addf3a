import type { IDataObject } from 'n8n-workflow';

import type { FetchPage } from '../../../../../nodes/shared/transport';

/** mulberry32: the same cases on every machine. */
export function prng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface Row extends IDataObject {
	id: number;
	createDate: number;
}

/**
 * A list served newest first by createDate, where rows with one createDate
 * come in a new random order on every request (as a database may return
 * ties under LIMIT/OFFSET), with a page cap and a hook before each request
 * (to insert or remove rows while a reader pages through).
 */
export function shuffledList(rows: Row[], options: { cap: number; random: () => number; tiesById?: boolean }) {
	const calls: Array<[number, number]> = [];
	let before: ((request: number) => void) | undefined;
	const fetch: FetchPage = async (offset, limit) => {
		calls.push([offset, limit]);
		before?.(calls.length);
		const sorted = rows
			.map((row) => ({ row, tie: options.tiesById ? -row.id : options.random() }))
			.sort((a, b) => b.row.createDate - a.row.createDate || a.tie - b.tie)
			.map(({ row }) => ({ ...row }));
		return sorted.slice(offset, offset + Math.min(limit, options.cap));
	};
	return { fetch, calls, onRequest: (hook: (request: number) => void) => (before = hook) };
}

/**
 * Rows in tie groups of random sizes (1, a few, or large), ids unique,
 * createDates from `from` upwards.
 */
export function tiedRows(random: () => number, count: number, options: { from?: number; firstId?: number; largestGroup?: number } = {}): Row[] {
	const rows: Row[] = [];
	let date = options.from ?? 1_000_000;
	let id = options.firstId ?? 1;
	const largest = options.largestGroup ?? 40;
	while (rows.length < count) {
		const kind = random();
		const size = kind < 0.5 ? 1 : kind < 0.85 ? 2 + Math.floor(random() * 5) : 5 + Math.floor(random() * largest);
		for (let i = 0; i < size && rows.length < count; i++) rows.push({ id: id++, createDate: date });
		date += 1 + Math.floor(random() * 3);
	}
	return rows;
}
