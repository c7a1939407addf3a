/**
 * The cursor of the Kapture Order Trigger, as pure functions over plain data.
 *
 * Everything here works on Kapture's own numbers (an order's `createDate` in
 * epoch ms and its `id`); nothing reads the clock of the machine n8n runs on.
 * The node feeds in what it read from Kapture and stores what comes out in
 * the workflow's static data, so this module can be tested on its own.
 *
 * Invariant the whole design rests on: every order the trigger has emitted
 * (or found already existing at activation) whose createDate is >= `floor`
 * has its id in `seen`. A poll keeps only orders with createDate >= the
 * window start (never below `floor`) whose id is not in `seen`, so no order
 * is emitted twice; the window reaches `overlap` below the newest order
 * already handled, so ties and orders that turn up late are still caught.
 */

import { DAY_MS, utcDay } from '../../shared/helpers/calendar';

export const STATE_VERSION = 1;
const HOUR_MS = 3_600_000;

/**
 * Hard bound on remembered ids. An id costs about 10 bytes of static data,
 * so the state stays under ~200 KB. The memory only has to cover the overlap
 * window (default 10 minutes): 20,000 ids is 2,000 orders a minute. Beyond
 * that the oldest ids are forgotten and `floor` is raised past them, so the
 * trigger never emits twice; it only gives up looking for late orders that
 * far back. Ids at the cursor itself are never forgotten: they are what
 * makes a per-poll cap safe in the middle of a tie.
 */
export const MAX_SEEN_IDS = 20_000;

/** [createDate, ids emitted (or pre-existing) with exactly that createDate], ascending by createDate. */
export type SeenGroup = [number, number[]];

export interface TriggerState {
	version: typeof STATE_VERSION;
	/** Fingerprint of the filters the state was built for; other filters start afresh. */
	filterKey: string;
	/** createDate of the newest order handled (emitted or pre-existing), or null before the first. */
	cursor: number | null;
	/** Orders created before this are never emitted; null = no such bound. */
	floor: number | null;
	/** While there is neither cursor nor floor: the first day (UTC date) to read from. */
	startDay: string | null;
	seen: SeenGroup[];
}

export interface OrderKey {
	id: number;
	createDate: number;
}

/** Orders come first by createDate, then by id: the order they are emitted in. */
export function compareKeys(a: OrderKey, b: OrderKey): number {
	return a.createDate - b.createDate || a.id - b.id;
}

/**
 * Reads an order's id and createDate; undefined when either is missing or
 * not a number. The stored state keeps ids as numbers, so an id beyond
 * 2^53 (which would be rounded) is refused rather than confused with another.
 */
export function orderKey(order: { id?: unknown; createDate?: unknown }): OrderKey | undefined {
	const id = typeof order.id === 'string' && order.id.trim() !== '' ? Number(order.id) : order.id;
	const createDate =
		typeof order.createDate === 'string' && order.createDate.trim() !== ''
			? Number(order.createDate)
			: order.createDate;
	if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
	if (typeof createDate !== 'number' || !Number.isFinite(createDate)) return undefined;
	return { id, createDate };
}

/** Stable text for a set of request filters: same filters, same key, whatever the key order. */
export function filterKeyOf(filters: Record<string, unknown>): string {
	const sorted = Object.keys(filters)
		.sort()
		.map((key) => [key, String(filters[key])]);
	return JSON.stringify(sorted);
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * The stored state, if it is a state of this version for these filters. Always
 * returns a plain deep copy (n8n hands static data out wrapped in proxies).
 */
export function readState(raw: unknown, filterKey: string): TriggerState | undefined {
	if (raw === null || typeof raw !== 'object') return undefined;
	let copy: Partial<TriggerState>;
	try {
		copy = JSON.parse(JSON.stringify(raw)) as Partial<TriggerState>;
	} catch {
		return undefined;
	}
	if (copy.version !== STATE_VERSION || copy.filterKey !== filterKey) return undefined;
	const cursor = copy.cursor ?? null;
	const floor = copy.floor ?? null;
	const startDay = copy.startDay ?? null;
	if (cursor !== null && !isFiniteNumber(cursor)) return undefined;
	if (floor !== null && !isFiniteNumber(floor)) return undefined;
	if (startDay !== null && !/^\d{4}-\d{2}-\d{2}$/.test(String(startDay))) return undefined;
	if (cursor === null && floor === null && startDay === null) return undefined;
	if (!Array.isArray(copy.seen)) return undefined;
	const seen: SeenGroup[] = [];
	for (const group of copy.seen) {
		if (!Array.isArray(group) || !isFiniteNumber(group[0]) || !Array.isArray(group[1])) return undefined;
		if (!group[1].every(isFiniteNumber)) return undefined;
		seen.push([group[0], [...group[1]]]);
	}
	seen.sort((a, b) => a[0] - b[0]);
	return { version: STATE_VERSION, filterKey, cursor, floor, startDay, seen };
}

/** Lowest createDate a poll looks at, or null when there is no lower bound yet. */
export function windowStart(state: TriggerState, overlapMs: number): number | null {
	const fromCursor = state.cursor === null ? null : state.cursor - Math.max(0, overlapMs);
	if (fromCursor === null) return state.floor;
	return state.floor === null ? fromCursor : Math.max(fromCursor, state.floor);
}

/**
 * The `createStartDate` to ask Kapture for. Kapture filters by whole days in
 * the account's time zone, which the trigger does not know (anything from
 * UTC-12 to UTC+14): starting one UTC day before the window start covers every
 * zone, because that day begins at least 10 hours before the window in all of them.
 */
export function queryStartDay(state: TriggerState, overlapMs: number): string {
	const start = windowStart(state, overlapMs);
	if (start === null) return state.startDay ?? utcDay(0);
	return utcDay(start - DAY_MS);
}

/** The day a first read (activation, manual test) starts from, given only the n8n host's date. */
export function probeStartDay(hostNowMs: number, lookbackMs: number): string {
	// The host clock only bounds this query: a week of margin (plus a day for
	// time zones) absorbs any plausible skew; the cursor itself comes from Kapture.
	return utcDay(hostNowMs - Math.max(0, lookbackMs) - 7 * DAY_MS - DAY_MS);
}

function seenSet(state: TriggerState): Set<number> {
	const ids = new Set<number>();
	for (const [, group] of state.seen) for (const id of group) ids.add(id);
	return ids;
}

export function seenCount(state: TriggerState): number {
	let count = 0;
	for (const [, group] of state.seen) count += group.length;
	return count;
}

function remember(seen: SeenGroup[], keys: OrderKey[]): SeenGroup[] {
	const byDate = new Map<number, number[]>(seen.map(([date, ids]) => [date, [...ids]]));
	for (const { id, createDate } of keys) {
		const group = byDate.get(createDate);
		if (group) {
			if (!group.includes(id)) group.push(id);
		} else {
			byDate.set(createDate, [id]);
		}
	}
	return [...byDate.entries()]
		.sort((a, b) => a[0] - b[0])
		.map(([date, ids]): SeenGroup => [date, ids.sort((a, b) => a - b)]);
}

/**
 * Forgets what can no longer matter: ids below the window start (raising
 * `floor` to it), then, over the hard bound, the oldest groups except the
 * cursor's own (raising `floor` past them).
 */
export function compact(state: TriggerState, overlapMs: number, maxSeen = MAX_SEEN_IDS): TriggerState {
	let { floor } = state;
	let seen = state.seen;
	if (state.cursor !== null) {
		const start = state.cursor - Math.max(0, overlapMs);
		if (floor === null || start > floor) {
			floor = start;
			seen = seen.filter(([date]) => date >= start);
		}
	}
	let count = seen.reduce((sum, [, ids]) => sum + ids.length, 0);
	let drop = 0;
	while (count > maxSeen && drop < seen.length - 1) {
		count -= seen[drop][1].length;
		floor = floor === null ? seen[drop][0] + 1 : Math.max(floor, seen[drop][0] + 1);
		drop++;
	}
	if (drop > 0) seen = seen.slice(drop);
	const startDay = floor === null && state.cursor === null ? state.startDay : null;
	return { ...state, floor, seen, startDay };
}

export interface InitOptions {
	filterKey: string;
	/** Every order the first read found (only their keys matter). */
	found: OrderKey[];
	/** The `createStartDate` the first read used. */
	probeDay: string;
	overlapMs: number;
	/** "Orders from the last N": start that far before Kapture's newest order; 0 = start after it. */
	lookbackMs: number;
}

/**
 * State for a first activation. Without a look-back, every order that exists
 * now is treated as handled: the newest becomes the cursor and the ids of
 * those within the overlap window are remembered. With a look-back, orders
 * created up to that long before Kapture's newest order are still to be
 * emitted. When Kapture has no order at all in the probed range, the next
 * polls read from the same day, and every order they find is new.
 */
export function initialState({ filterKey, found, probeDay, overlapMs, lookbackMs }: InitOptions): TriggerState {
	const empty: TriggerState = {
		version: STATE_VERSION,
		filterKey,
		cursor: null,
		floor: null,
		startDay: probeDay,
		seen: [],
	};
	if (found.length === 0) return empty;
	const newest = found.reduce((best, key) => (compareKeys(key, best) > 0 ? key : best));
	if (lookbackMs > 0) {
		return { ...empty, floor: newest.createDate - lookbackMs, startDay: null };
	}
	const start = newest.createDate - Math.max(0, overlapMs);
	const recent = found.filter((key) => key.createDate >= start);
	return compact(
		{ ...empty, cursor: newest.createDate, floor: start, startDay: null, seen: remember([], recent) },
		overlapMs,
	);
}

export interface SelectOptions {
	/** Most orders to emit in one poll; the rest wait for the next polls. */
	cap: number;
	overlapMs: number;
	maxSeen?: number;
}

export interface Selection<T> {
	/** Orders to emit now, oldest first. */
	emit: T[];
	/** New orders found but held back by the cap. */
	held: number;
	state: TriggerState;
}

/**
 * Picks the new orders among everything one complete read returned and the
 * state to store once they are emitted. The cursor moves to the createDate of
 * the last EMITTED order only, and the emitted ids are remembered, so orders
 * held back by the cap (even ones sharing that createDate) come next time.
 */
export function selectNew<T>(
	state: TriggerState,
	orders: T[],
	keyOf: (order: T) => OrderKey,
	{ cap, overlapMs, maxSeen = MAX_SEEN_IDS }: SelectOptions,
): Selection<T> {
	const start = windowStart(state, overlapMs);
	const known = seenSet(state);
	const candidates = new Map<number, { order: T; key: OrderKey }>();
	for (const order of orders) {
		const key = keyOf(order);
		if (start !== null && key.createDate < start) continue;
		if (known.has(key.id) || candidates.has(key.id)) continue;
		candidates.set(key.id, { order, key });
	}
	const sorted = [...candidates.values()].sort((a, b) => compareKeys(a.key, b.key));
	const limit = Math.max(1, Math.floor(cap));
	const chosen = sorted.slice(0, limit);
	if (chosen.length === 0) {
		return { emit: [], held: 0, state: compact(state, overlapMs, maxSeen) };
	}
	const lastEmitted = chosen[chosen.length - 1].key.createDate;
	const cursor = state.cursor === null ? lastEmitted : Math.max(state.cursor, lastEmitted);
	const next = compact(
		{
			...state,
			cursor,
			startDay: null,
			seen: remember(
				state.seen,
				chosen.map(({ key }) => key),
			),
		},
		overlapMs,
		maxSeen,
	);
	return { emit: chosen.map(({ order }) => order), held: sorted.length - chosen.length, state: next };
}

/** Hours or days as ms, for the "orders from the last N" option. */
export function lookbackToMs(amount: number, unit: string): number {
	if (!Number.isFinite(amount) || amount <= 0) return 0;
	return amount * (unit === 'days' ? DAY_MS : HOUR_MS);
}

export function sameState(a: TriggerState, b: TriggerState): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}
