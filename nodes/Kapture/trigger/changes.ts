/**
 * "Updated Order": which orders changed since the trigger last looked, as
 * pure functions over plain data (like pollState.ts for new orders).
 *
 * Kapture has no webhooks and its v1 pull can only be bounded by creation
 * date, so the trigger reads every order created in the watch window on each
 * poll and compares each one with what it remembered of it: its
 * `lastModificationTime` (Kapture stamps it on every write) and the values
 * of the fields the user watches. A change is a new `lastModificationTime`:
 * two edits between polls are one change (the order's latest state), an
 * edit after that is another, an order nobody touches never fires, and an
 * order seen for the first time is remembered, not fired (creating an order
 * is not an update).
 *
 * Polls that overlap decide against the remembered state as it is at their
 * end, so a change another poll emitted meanwhile is not emitted again;
 * `mergeWatches` joins states written apart (n8n's durable scheduler).
 */

export const WATCH_VERSION = 1;

/**
 * Most orders remembered (each about 40 bytes of static data, so under
 * ~400 KB). Past it the trigger watches the newest orders of the window.
 */
export const MAX_WATCHED = 10_000;

/** What is remembered of one order: [lastModificationTime, value of each watched field...]. */
export type Remembered = [number, ...Array<string | number | boolean | null>];

export interface WatchState {
	version: typeof WATCH_VERSION;
	/** Filters and watched fields the state was built for; others start afresh. */
	key: string;
	orders: Record<string, Remembered>;
}

export interface ChangedField {
	from: string | number | boolean | null;
	to: string | number | boolean | null;
}

export interface Change<T> {
	order: T;
	id: number;
	lastModified: number;
	previousLastModified: number;
	/** The watched fields whose values changed (empty when no field is watched). */
	changes: Record<string, ChangedField>;
}

export interface WatchedOrder {
	id: number;
	createDate: number;
	lastModified: number;
	values: Array<string | number | boolean | null>;
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** A field's value as remembered: scalars as they are, anything else as its JSON text. */
export function fieldValue(value: unknown): string | number | boolean | null {
	if (value === undefined || value === null) return null;
	if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
	return JSON.stringify(value);
}

/** Reads what an order says about itself; undefined without a numeric id, createDate and lastModificationTime. */
export function watchedOrder(order: Record<string, unknown>, fields: string[]): WatchedOrder | undefined {
	const number = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value);
	const id = number(order.id);
	const createDate = number(order.createDate);
	const lastModified = number(order.lastModificationTime);
	if (!isFiniteNumber(id) || !Number.isSafeInteger(id) || !isFiniteNumber(createDate) || !isFiniteNumber(lastModified)) {
		return undefined;
	}
	return { id, createDate, lastModified, values: fields.map((field) => fieldValue(order[field])) };
}

export function watchKeyOf(filterKey: string, fields: string[]): string {
	return JSON.stringify([filterKey, [...fields].sort()]);
}

/** The stored watch state if it is one for this key, as a plain copy. */
export function readWatch(raw: unknown, key: string): WatchState | undefined {
	if (raw === null || typeof raw !== 'object') return undefined;
	const stored = raw as Record<string, unknown>;
	if (stored.version !== WATCH_VERSION || stored.key !== key) return undefined;
	if (stored.orders === null || typeof stored.orders !== 'object' || Array.isArray(stored.orders)) return undefined;
	const orders: Record<string, Remembered> = {};
	for (const [id, entry] of Object.entries(stored.orders as Record<string, unknown>)) {
		if (!Array.isArray(entry) || !isFiniteNumber(entry[0])) return undefined;
		orders[id] = [...entry] as Remembered;
	}
	return { version: WATCH_VERSION, key, orders };
}

/** Keeps the newest orders (by createDate) when there are more than the bound. */
function bounded<T extends { createDate: number; id: number }>(orders: T[], max: number): T[] {
	if (orders.length <= max) return orders;
	return [...orders].sort((a, b) => b.createDate - a.createDate || b.id - a.id).slice(0, max);
}

/** The first look at the window: everything in it is remembered, nothing fires. */
export function initialWatch(key: string, orders: WatchedOrder[], max = MAX_WATCHED): WatchState {
	const remembered: Record<string, Remembered> = {};
	for (const order of bounded(orders, max)) remembered[String(order.id)] = [order.lastModified, ...order.values];
	return { version: WATCH_VERSION, key, orders: remembered };
}

export interface ChangeOptions {
	fields: string[];
	/** Most changes to emit now (0: none); the rest come next poll (they are not remembered yet). */
	cap: number;
	/**
	 * When the read covered the whole watch window: the ids remembered when it
	 * began. Those missing from it (gone from the window, no longer matching
	 * the filters) stop being remembered; ones another poll added meanwhile stay.
	 */
	forgetMissing?: Set<string>;
	max?: number;
}

/**
 * The changes to emit, oldest change first, and the state to store, given
 * the orders read from the window and the state as it is NOW (`live`).
 */
export function selectChanges<T>(
	live: WatchState,
	read: Array<{ order?: T; watched: WatchedOrder }>,
	{ fields, cap, forgetMissing, max = MAX_WATCHED }: ChangeOptions,
): { emit: Array<Change<T>>; state: WatchState } {
	const changed: Array<Change<T>> = [];
	const next: Record<string, Remembered> = { ...live.orders };
	if (forgetMissing) {
		const present = new Set(read.map(({ watched }) => String(watched.id)));
		for (const id of forgetMissing) if (!present.has(id)) delete next[id];
	}
	const kept = bounded(
		read.map((entry) => ({ ...entry, createDate: entry.watched.createDate, id: entry.watched.id })),
		max,
	);
	for (const { order, watched } of kept) {
		const id = String(watched.id);
		const before = live.orders[id];
		const now: Remembered = [watched.lastModified, ...watched.values];
		if (!before || watched.lastModified <= before[0]) {
			// First seen (created, or newly in the window): remembered only. Or nothing new.
			next[id] = before && watched.lastModified < before[0] ? before : now;
			continue;
		}
		const changes: Record<string, ChangedField> = {};
		fields.forEach((field, index) => {
			const from = before[index + 1] ?? null;
			const to = watched.values[index];
			if (from !== to) changes[field] = { from, to };
		});
		if (fields.length > 0 && Object.keys(changes).length === 0) {
			// Edited, but none of the watched fields: remember the new time, fire nothing.
			next[id] = now;
			continue;
		}
		// Only orders the read kept whole can be emitted; another poll's newer memory meant no change then.
		if (order === undefined) continue;
		changed.push({ order, id: watched.id, lastModified: watched.lastModified, previousLastModified: before[0], changes });
		// Remembered as before until emitted: a change held back by the cap comes next poll.
		next[id] = before;
	}
	changed.sort((a, b) => a.lastModified - b.lastModified || a.id - b.id);
	const emit = changed.slice(0, Math.max(0, Math.floor(cap)));
	for (const change of emit) {
		const watched = kept.find((entry) => entry.watched.id === change.id)?.watched as WatchedOrder;
		next[String(change.id)] = [watched.lastModified, ...watched.values];
	}
	return { emit, state: { version: WATCH_VERSION, key: live.key, orders: next } };
}

/**
 * New or Updated: the orders this poll emits as new, taken into the watch
 * state before its changes are selected. A new order is never also reported
 * as a change: it is remembered as the newest version either read showed,
 * and when the watch read (which runs after the new-order read) showed a
 * newer one, that version is what the new item carries (`newer`). A change
 * after that is a change. Without this, an order first seen by the watch
 * read (created between the two reads) fired twice once changed, and one
 * emitted as new in a poll whose changes were held back fired no change.
 */
export function rememberNew<T>(
	live: WatchState,
	emitted: WatchedOrder[],
	read: Array<{ order?: T; watched: WatchedOrder }>,
): { state: WatchState; newer: Map<number, T> } {
	const orders: Record<string, Remembered> = { ...live.orders };
	const newer = new Map<number, T>();
	const readById = new Map(read.map((entry) => [entry.watched.id, entry]));
	for (const watched of emitted) {
		const later = readById.get(watched.id);
		const latest = later?.order !== undefined && later.watched.lastModified > watched.lastModified ? later : undefined;
		if (latest) newer.set(watched.id, latest.order as T);
		const version = latest?.watched ?? watched;
		const before = orders[String(watched.id)];
		if (!before || before[0] < version.lastModified) orders[String(watched.id)] = [version.lastModified, ...version.values];
	}
	return { state: { version: WATCH_VERSION, key: live.key, orders }, newer };
}

/** Two watch states written apart, as one: per order, the later remembered change. */
export function mergeWatches(a: WatchState, b: WatchState): WatchState {
	if (a.key !== b.key) return a;
	const orders: Record<string, Remembered> = { ...a.orders };
	for (const [id, entry] of Object.entries(b.orders)) {
		const mine = orders[id];
		if (!mine || entry[0] > mine[0]) orders[id] = entry;
	}
	return { version: WATCH_VERSION, key: a.key, orders };
}
