/**
 * What the Kapture Order Trigger remembers between polls, and every decision
 * it makes, as pure functions over plain data. The node feeds in what it read
 * from Kapture (orders' `id` and `createDate`, and Kapture's clock from its
 * answers) and stores what comes out in the workflow's static data.
 *
 * The state describes the set of HANDLED orders (emitted, or already in
 * Kapture when the trigger was activated), and an order fires when it is not
 * handled:
 *   - every order Kapture showed with a createDate below `horizon`;
 *   - every order below `floor` (never emitted: older than the start);
 *   - every order whose id is in `seen` (kept while it is near the window);
 *   - every order whose id is at most `idLow`, whatever its createDate is now.
 * A poll reads the orders from the window start (`horizon` minus the overlap
 * window, so orders Kapture shows late are still caught) upwards.
 *
 * Why the horizon never passes Kapture's clock: an order dated in the future
 * (a typo, a time zone mix-up, an import) must not hide the orders created
 * after it. It is emitted when first seen and kept in `seen` until its date
 * is reached; the horizon follows Kapture's own clock (the `Date` of its
 * answers), not the newest createDate.
 *
 * Why ids: an emitted order whose date is later moved forward would look new
 * again once `seen` forgot it. Kapture numbers orders in the order they are
 * created (database ids), so `seen` keeps an id until a read that reached the
 * newest order showed no unhandled order with a smaller id, and the id left
 * the window one overlap window ago; then every order created before it is
 * handled (or was shown later than the overlap window allows) and `idLow`
 * remembers all of them in one number.
 *
 * Two polls can run at once (n8n does not wait for a slow poll). A poll
 * selects against the state as it is at the poll's END, so what another poll
 * emitted meanwhile is not emitted again; `mergeStates` joins two states that
 * were written apart (n8n's durable scheduler gives each poll its own copy).
 */

import { DAY_MS, utcDay } from '../../shared/helpers/calendar';

export const STATE_VERSION = 2;
const HOUR_MS = 3_600_000;

/**
 * Hard bound on remembered ids (about 10 bytes each in the static data, so
 * under ~200 KB). Past it the oldest are dropped; ones still inside the window
 * raise `floor` past them, so nothing fires twice: the window only shrinks.
 */
export const MAX_SEEN_IDS = 20_000;

/** [createDate, ids handled with exactly that createDate], ascending by createDate. */
export type SeenGroup = [number, number[]];

export interface TriggerState {
	version: typeof STATE_VERSION;
	/** Fingerprint of the filters the state was built for; other filters start afresh. */
	filterKey: string;
	/** Every order Kapture showed with a createDate below this is handled; null before the first. */
	horizon: number | null;
	/** Orders created before this never fire; null = no such bound. */
	floor: number | null;
	/** While there is neither horizon nor floor: the first day (UTC date) to read from. */
	startDay: string | null;
	/** Orders with an id up to this are handled, whatever their createDate; 0 = none. */
	idLow: number;
	seen: SeenGroup[];
	/** Where the window start was found in Kapture's list last time (a backlog is being worked through). */
	hint: PositionHint | null;
	/**
	 * Kapture's clock, minus the overlap window, at the read that covered
	 * everything below the horizon: every order dated below it had been shown
	 * then, so that read need not be repeated there. While a backlog is worked
	 * through, far behind Kapture's clock, the window starts at the horizon itself.
	 */
	settled: number | null;
}

export interface PositionHint {
	windowStart: number;
	position: number;
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
 * not a number. Ids are kept as numbers, so an id beyond 2^53 (which would be
 * rounded) is refused rather than confused with another.
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
const isDay = (value: unknown) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);

function readGroups<T extends [number, unknown]>(raw: unknown, valid: (group: unknown[]) => boolean): T[] | undefined {
	if (raw === undefined || raw === null) return [];
	if (!Array.isArray(raw)) return undefined;
	const groups: T[] = [];
	for (const group of raw) {
		if (!Array.isArray(group) || !isFiniteNumber(group[0]) || !valid(group)) return undefined;
		groups.push(JSON.parse(JSON.stringify(group)) as T);
	}
	return groups.sort((a, b) => a[0] - b[0]);
}

/**
 * The stored state if it belongs to these filters, as a plain deep copy (n8n
 * hands static data out wrapped in proxies). A state written by version 1 of
 * this trigger (0.1.x) is carried over unchanged in meaning: its cursor (the
 * createDate of the newest order it handled) is a horizon, since everything
 * below it was handled.
 */
export function readState(raw: unknown, filterKey: string): TriggerState | undefined {
	if (raw === null || typeof raw !== 'object') return undefined;
	const stored = raw as Record<string, unknown>;
	if (stored.filterKey !== filterKey) return undefined;
	if (stored.version !== 1 && stored.version !== STATE_VERSION) return undefined;
	const horizon = (stored.version === 1 ? stored.cursor : stored.horizon) ?? null;
	const floor = stored.floor ?? null;
	const startDay = stored.startDay ?? null;
	const idLow = stored.idLow ?? 0;
	if (horizon !== null && !isFiniteNumber(horizon)) return undefined;
	if (floor !== null && !isFiniteNumber(floor)) return undefined;
	if (startDay !== null && !isDay(startDay)) return undefined;
	if (!isFiniteNumber(idLow)) return undefined;
	if (horizon === null && floor === null && startDay === null) return undefined;
	const seen = readGroups<SeenGroup>(stored.seen, (group) => Array.isArray(group[1]) && group[1].every(isFiniteNumber));
	if (!seen) return undefined;
	const rawHint = stored.hint as Record<string, unknown> | null | undefined;
	const hint =
		rawHint && isFiniteNumber(rawHint.windowStart) && isFiniteNumber(rawHint.position)
			? { windowStart: rawHint.windowStart, position: rawHint.position }
			: null;
	const settled = stored.settled ?? null;
	if (settled !== null && !isFiniteNumber(settled)) return undefined;
	return {
		version: STATE_VERSION,
		filterKey,
		settled: settled as number | null,
		horizon: horizon as number | null,
		floor: floor as number | null,
		startDay: startDay as string | null,
		idLow,
		seen,
		hint,
	};
}

/** Lowest createDate a poll looks at, or null when there is no lower bound yet. */
export function windowStart(state: TriggerState, overlapMs: number): number | null {
	const { horizon, settled } = state;
	const fromHorizon =
		horizon === null ? null : Math.max(horizon - Math.max(0, overlapMs), settled === null ? -Infinity : Math.min(horizon, settled));
	if (fromHorizon === null) return state.floor;
	return state.floor === null ? fromHorizon : Math.max(fromHorizon, state.floor);
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

/** The day a first read starts from, given only a clock (Kapture's when known, else the n8n host's). */
export function probeStartDay(nowMs: number, lookbackMs: number, overlapMs: number): string {
	// A host clock only bounds this query: a week of margin (plus a day for time zones)
	// absorbs any plausible skew; once Kapture's own clock is known the read starts again from it.
	return utcDay(nowMs - Math.max(0, lookbackMs) - Math.max(0, overlapMs) - 7 * DAY_MS - DAY_MS);
}

/** Ids of `seen`, for membership tests. */
export function seenIds(state: TriggerState): Set<number> {
	const ids = new Set<number>();
	for (const [, group] of state.seen) for (const id of group) ids.add(id);
	return ids;
}

export function seenCount(state: TriggerState): number {
	let count = 0;
	for (const [, group] of state.seen) count += group.length;
	return count;
}

/** How many remembered ids lie at or above a createDate (those a read of the window meets again). */
export function seenFrom(state: TriggerState, from: number | null): number {
	let count = 0;
	for (const [date, group] of state.seen) if (from === null || date >= from) count += group.length;
	return count;
}

/** A test for "already handled" against one state, for reading with bounded memory. */
export function handledTest(state: TriggerState, overlapMs: number): (key: OrderKey) => boolean {
	const start = windowStart(state, overlapMs);
	const ids = seenIds(state);
	return (key) => (start !== null && key.createDate < start) || key.id <= state.idLow || ids.has(key.id);
}

function remember(seen: SeenGroup[], keys: OrderKey[]): SeenGroup[] {
	const byDate = new Map<number, Set<number>>(seen.map(([date, ids]) => [date, new Set(ids)]));
	for (const { id, createDate } of keys) {
		const group = byDate.get(createDate);
		if (group) group.add(id);
		else byDate.set(createDate, new Set([id]));
	}
	return [...byDate.entries()]
		.sort((a, b) => a[0] - b[0])
		.map(([date, ids]): SeenGroup => [date, [...ids].sort((a, b) => a - b)]);
}

/**
 * Forgets what can no longer matter. `seen` keeps every id handled down to
 * one overlap window below the window start; below that, an id folds into
 * `idLow` once `foldBelow` says no unhandled order with a smaller id is left
 * (the poll read up to the newest order). Over MAX_SEEN_IDS the oldest groups
 * go anyway; those still inside the window raise `floor` past them.
 */
export function compact(state: TriggerState, overlapMs: number, foldBelow: number | null, maxSeen = MAX_SEEN_IDS): TriggerState {
	const start = windowStart(state, overlapMs);
	const keepFrom = start === null ? null : start - Math.max(0, overlapMs);
	let floor = state.floor;
	let idLow = state.idLow;
	let seen = state.seen;
	if (keepFrom !== null && foldBelow !== null) {
		seen = seen.filter(([date, ids]) => {
			const largest = Math.max(...ids);
			if (date >= keepFrom || largest >= foldBelow) return true;
			idLow = Math.max(idLow, largest);
			return false;
		});
	}
	let count = seen.reduce((sum, [, ids]) => sum + ids.length, 0);
	let drop = 0;
	while (count > maxSeen && drop < seen.length - 1) {
		count -= seen[drop][1].length;
		if (start === null || seen[drop][0] >= start) {
			floor = floor === null ? seen[drop][0] + 1 : Math.max(floor, seen[drop][0] + 1);
		}
		drop++;
	}
	if (drop > 0) seen = seen.slice(drop);
	const startDay = floor === null && state.horizon === null ? state.startDay : null;
	return { ...state, floor, seen, idLow, startDay };
}

export interface InitOptions {
	filterKey: string;
	/** Every order the first read found at or above `serverNow - overlap` (future-dated ones too). */
	found: OrderKey[];
	/** Kapture's clock at the read; null when it could not be told (see `kaptureNow`). */
	serverNow: number | null;
	/** The `createStartDate` the first read used, for when nothing else is known. */
	probeDay: string;
	overlapMs: number;
	/** "Orders from the last N": start that long before Kapture's clock; 0 = start now. */
	lookbackMs: number;
}

/**
 * State for a first activation. Without a look-back, every order that exists
 * now is handled: the horizon is Kapture's clock and the orders within the
 * overlap window below it (and any dated after it) are remembered. With a
 * look-back, orders created that long before Kapture's clock are still to fire.
 */
export function initialState({ filterKey, found, serverNow, probeDay, overlapMs, lookbackMs }: InitOptions): TriggerState {
	const empty: TriggerState = {
		version: STATE_VERSION,
		filterKey,
		horizon: null,
		floor: null,
		startDay: probeDay,
		idLow: 0,
		seen: [],
		hint: null,
		settled: null,
	};
	const newest = found.length === 0 ? null : found.reduce((best, key) => (compareKeys(key, best) > 0 ? key : best));
	// Without Kapture's clock the newest order is the best estimate of "now" (what 0.1.x used).
	const now = serverNow ?? newest?.createDate ?? null;
	if (now === null) return empty;
	const settled = serverNow === null ? null : serverNow - Math.max(0, overlapMs);
	if (lookbackMs > 0) return { ...empty, horizon: now - lookbackMs, floor: now - lookbackMs, startDay: null, settled };
	const start = now - Math.max(0, overlapMs);
	const recent = found.filter((key) => key.createDate >= start);
	return compact(
		{ ...empty, horizon: now, floor: start, startDay: null, seen: remember([], recent), settled },
		overlapMs,
		null,
	);
}

/** One complete read of the window, as the poll's reader returns it. */
export interface WindowRead<T> {
	/**
	 * Orders not handled by the state the read started from, at or above its
	 * window start, oldest first, at most the cap.
	 */
	kept: Array<{ order: T; key: OrderKey }>;
	/** More such orders existed than were kept (the cap). */
	overflow: boolean;
	/** The read is complete for createDates below this; null: up to the newest order. */
	upper: number | null;
	/** Kapture's clock when the read began; null when unknown. */
	serverNow: number | null;
	/** Whether `serverNow` is a guess from the n8n host's clock (Kapture's answers told nothing). */
	serverNowFromHost?: boolean;
	/** Where the window start was found, when the read did not reach the newest order. */
	hint: PositionHint | null;
	/** The smallest id among orders the read found new but did not keep (the cap); null when none. */
	minDroppedId: number | null;
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
	/** Whether everything the read saw is now handled and the read reached the newest order. */
	caughtUp: boolean;
	state: TriggerState;
}

/**
 * The orders to emit and the state to store, given a complete read and the
 * state as it is NOW (`live`: another poll may have emitted meanwhile). The
 * horizon moves to where everything below is handled: the end of what the
 * read covered, or the last order kept when the cap held some back, never
 * past Kapture's clock.
 */
export function selectNew<T>(
	live: TriggerState,
	read: WindowRead<T>,
	{ cap, overlapMs, maxSeen = MAX_SEEN_IDS }: SelectOptions,
): Selection<T> {
	const handled = handledTest(live, overlapMs);
	const fresh = read.kept.filter(({ key }) => !handled(key));
	const emit = fresh.slice(0, Math.max(1, Math.floor(cap)));
	const heldBack = read.overflow || fresh.length > emit.length;
	// Everything below `reached` that the read saw is handled once `emit` is out.
	let reached: number | null;
	if (heldBack) {
		const last = emit.length < fresh.length ? emit[emit.length - 1] : read.kept[read.kept.length - 1];
		reached = last ? last.key.createDate : null;
	} else {
		reached = read.upper;
	}
	const ceiling = reached === null ? read.serverNow : read.serverNow === null ? reached : Math.min(reached, read.serverNow);
	let horizon = live.horizon;
	// An incomplete read reports -Infinity: it moves nothing.
	if (ceiling !== null && Number.isFinite(ceiling)) horizon = horizon === null ? ceiling : Math.max(horizon, ceiling);
	else if (emit.length > 0 && horizon === null && live.floor === null) {
		// No clock and no bound: the emitted orders are all there is to go by.
		horizon = emit[emit.length - 1].key.createDate;
	}
	const caughtUp = !heldBack && read.upper === null;
	// Ids that can fold into idLow: below every order still unhandled, when the read saw them all.
	let foldBelow: number | null = null;
	if (read.upper === null) {
		foldBelow = read.minDroppedId ?? Infinity;
		for (const { key } of fresh.slice(emit.length)) foldBelow = Math.min(foldBelow, key.id);
	}
	const next = compact(
		{
			...live,
			horizon,
			startDay: horizon === null ? live.startDay : null,
			seen: remember(
				live.seen,
				emit.map(({ key }) => key),
			),
			hint: caughtUp ? null : (read.hint ?? live.hint),
			// What Kapture had shown belongs to the read that covered everything below the horizon:
			// another poll's later clock says nothing about orders that read did not cover.
			settled:
				horizon === live.horizon || read.serverNow === null || read.serverNowFromHost
					? live.settled
					: read.serverNow - Math.max(0, overlapMs),
		},
		overlapMs,
		foldBelow,
		maxSeen,
	);
	return { emit: emit.map(({ order }) => order), caughtUp, state: next };
}

/**
 * Two states of one trigger written apart, as one: an order handled in either
 * is handled. Used when polls each got their own copy of the state.
 */
export function mergeStates(a: TriggerState, b: TriggerState, overlapMs: number): TriggerState {
	if (a.filterKey !== b.filterKey) return a;
	const maxOrNull = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
	const seenB = b.seen.flatMap(([createDate, ids]) => ids.map((id) => ({ id, createDate })));
	const horizon = maxOrNull(a.horizon, b.horizon);
	const merged: TriggerState = {
		...a,
		horizon,
		floor: maxOrNull(a.floor, b.floor),
		startDay: horizon === null ? (a.startDay ?? b.startDay) : null,
		idLow: Math.max(a.idLow, b.idLow),
		// The horizon and what was settled below it come from one read: keep them together.
		settled:
			(a.horizon ?? -Infinity) > (b.horizon ?? -Infinity)
				? a.settled
				: (b.horizon ?? -Infinity) > (a.horizon ?? -Infinity)
					? b.settled
					: maxOrNull(a.settled, b.settled),
		seen: remember(a.seen, seenB),
		hint: (a.horizon ?? -Infinity) >= (b.horizon ?? -Infinity) ? a.hint : b.hint,
	};
	return compact(merged, overlapMs, null);
}

/** Hours or days as ms, for the "orders from the last N" option. */
export function lookbackToMs(amount: number, unit: string): number {
	if (!Number.isFinite(amount) || amount <= 0) return 0;
	return amount * (unit === 'days' ? DAY_MS : HOUR_MS);
}

export function sameState(a: TriggerState, b: TriggerState): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Kapture's clock from an answer's `Date` header (one-second precision, so a
 * second earlier), else undefined.
 */
export function kaptureNowFromDate(dateHeader: unknown): number | undefined {
	if (typeof dateHeader !== 'string' || dateHeader.trim() === '') return undefined;
	const ms = Date.parse(dateHeader);
	return Number.isFinite(ms) ? ms - 1000 : undefined;
}

/**
 * A lower bound of Kapture's clock from the orders themselves, when no answer
 * carried a `Date`: Kapture stamps `lastModificationTime` itself, so the
 * earlier of an order's two dates is never ahead of Kapture's clock.
 */
export function kaptureNowFromOrders(orders: Array<{ createDate?: unknown; lastModificationTime?: unknown }>): number | undefined {
	let best: number | undefined;
	for (const order of orders) {
		const created = Number(order.createDate);
		const modified = Number(order.lastModificationTime);
		if (!Number.isFinite(created) || !Number.isFinite(modified) || order.lastModificationTime === undefined) continue;
		const bound = Math.min(created, modified);
		if (best === undefined || bound > best) best = bound;
	}
	return best;
}
