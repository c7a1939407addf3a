import {
	MAX_SEEN_IDS,
	STATE_VERSION,
	compact,
	filterKeyOf,
	handledTest,
	initialState,
	kaptureNowFromDate,
	kaptureNowFromOrders,
	mergeStates,
	orderKey,
	probeStartDay,
	queryStartDay,
	readState,
	seenCount,
	selectNew,
	windowStart,
	type OrderKey,
	type TriggerState,
	type WindowRead,
} from '../../../../nodes/Kapture/trigger/pollState';
import { prng } from '../../shared/transport/__fixtures__/shuffledList';
import written01 from './__fixtures__/trigger-0.1-after-3-orders.json';

const v1State = written01.staticData['node:Kapture Order Trigger'];

const MIN = 60_000;
const HOUR = 60 * MIN;
const OVERLAP = 10 * MIN;
const T = Date.UTC(2025, 2, 10, 12, 0, 0);

const base = (over: Partial<TriggerState> = {}): TriggerState => ({
	version: STATE_VERSION,
	filterKey: 'f',
	horizon: T,
	floor: T - OVERLAP,
	startDay: null,
	idLow: 0,
	seen: [[T - MIN, [1]]],
	hint: null,
	settled: null,
	...over,
});

/** A complete read of these orders (as keys), to the newest. */
function readOf(keys: OrderKey[], state: TriggerState, over: Partial<WindowRead<OrderKey>> = {}): WindowRead<OrderKey> {
	const handled = handledTest(state, OVERLAP);
	const kept = keys
		.filter((key) => !handled(key))
		.sort((a, b) => a.createDate - b.createDate || a.id - b.id)
		.map((key) => ({ order: key, key }));
	return { kept, overflow: false, upper: null, serverNow: T + 5 * MIN, hint: null, minDroppedId: null, ...over };
}

describe('stored state', () => {
	it('reads only states of these filters, as plain copies, and refuses malformed ones', () => {
		const state = base();
		expect(readState(JSON.parse(JSON.stringify(state)), 'f')).toEqual(state);
		expect(readState(state, 'other')).toBeUndefined();
		expect(readState({ ...state, version: 3 }, 'f')).toBeUndefined();
		expect(readState({ ...state, seen: [[T, ['x']]] }, 'f')).toBeUndefined();
		expect(readState({ ...state, horizon: null, floor: null }, 'f')).toBeUndefined();
		expect(readState({ ...state, idLow: 'x' }, 'f')).toBeUndefined();
		expect(readState(undefined, 'f')).toBeUndefined();
		expect(filterKeyOf({ b: '1', a: '2' })).toBe(filterKeyOf({ a: '2', b: '1' }));
	});

	it('carries a state written by 0.1.x over with the same meaning: its cursor is the horizon', () => {
		// Written by 0.1.x's trigger against the sandbox (see __fixtures__/README.md).
		const state = readState(v1State.kaptureOrderTrigger, v1State.kaptureOrderTrigger.filterKey);
		expect(state).toMatchObject({
			version: STATE_VERSION,
			horizon: v1State.kaptureOrderTrigger.cursor,
			floor: v1State.kaptureOrderTrigger.floor,
			idLow: 0,
			hint: null,
			settled: null,
		});
		expect(state?.seen).toEqual(v1State.kaptureOrderTrigger.seen);
		for (const id of written01.emitted) expect(state?.seen.some(([, ids]) => ids.includes(id))).toBe(true);
		// Everything 0.1.x emitted is still handled, and nothing more.
		const handled = handledTest(state!, OVERLAP);
		for (const [createDate, ids] of v1State.kaptureOrderTrigger.seen as Array<[number, number[]]>) {
			for (const id of ids) expect(handled({ id, createDate })).toBe(true);
		}
		expect(handled({ id: 999_999_999, createDate: v1State.kaptureOrderTrigger.cursor })).toBe(false);
	});

	it('reads ids and createDates given as numbers or numeric strings', () => {
		expect(orderKey({ id: '5', createDate: '7' })).toEqual({ id: 5, createDate: 7 });
		expect(orderKey({ id: 5 })).toBeUndefined();
		expect(orderKey({ id: 'x', createDate: 1 })).toBeUndefined();
		expect(orderKey({ id: 2 ** 53, createDate: 1 })).toBeUndefined();
	});
});

describe('clock and days', () => {
	it('asks Kapture from one UTC day before the window start, which covers UTC-12 to UTC+14', () => {
		const state = base({ horizon: Date.UTC(2025, 2, 10, 0, 5), floor: null });
		expect(queryStartDay(state, OVERLAP)).toBe('2025-03-08');
		for (let tz = -12; tz <= 14; tz++) {
			const dayStartInZone = Date.parse('2025-03-08T00:00:00Z') - tz * HOUR;
			expect(dayStartInZone).toBeLessThanOrEqual(windowStart(state, OVERLAP)!);
		}
		expect(queryStartDay(base({ horizon: null, floor: null, startDay: '2024-01-02' }), MIN)).toBe('2024-01-02');
		expect(probeStartDay(T, 0, 0)).toBe('2025-03-02');
	});

	it("reads Kapture's clock from a Date header, a second early, or bounds it from the orders' two dates", () => {
		expect(kaptureNowFromDate('Mon, 10 Mar 2025 12:00:00 GMT')).toBe(T - 1000);
		expect(kaptureNowFromDate('not a date')).toBeUndefined();
		expect(kaptureNowFromDate(undefined)).toBeUndefined();
		// A future-dated order says nothing about "now": the earlier of its two dates does.
		expect(
			kaptureNowFromOrders([
				{ createDate: T + 5 * HOUR, lastModificationTime: T },
				{ createDate: T - MIN, lastModificationTime: T - MIN },
			]),
		).toBe(T);
		expect(kaptureNowFromOrders([{ createDate: T }])).toBeUndefined();
	});
});

describe('first activation', () => {
	it('handles every order that exists, future-dated ones included, and starts at Kapture\'s clock', () => {
		const found = [
			{ id: 10, createDate: T - 2 * HOUR },
			{ id: 11, createDate: T - MIN },
			{ id: 12, createDate: T + 5 * HOUR },
		];
		const state = initialState({ filterKey: 'f', found, serverNow: T, probeDay: '2025-03-01', overlapMs: OVERLAP, lookbackMs: 0 });
		expect(state).toMatchObject({ horizon: T, floor: T - OVERLAP, startDay: null });
		const handled = handledTest(state, OVERLAP);
		for (const key of found) expect(handled(key)).toBe(true);
		// An order created right after activation is new, even dated a little before Kapture's clock.
		expect(handled({ id: 13, createDate: T - 30_000 })).toBe(false);
	});

	it('with a look-back, orders from that long before Kapture\'s clock still fire', () => {
		const state = initialState({ filterKey: 'f', found: [{ id: 1, createDate: T - HOUR }], serverNow: T, probeDay: 'x', overlapMs: OVERLAP, lookbackMs: 2 * HOUR });
		expect(state).toMatchObject({ horizon: T - 2 * HOUR, floor: T - 2 * HOUR });
		expect(handledTest(state, OVERLAP)({ id: 1, createDate: T - HOUR })).toBe(false);
		expect(handledTest(state, OVERLAP)({ id: 0, createDate: T - 3 * HOUR })).toBe(true);
	});

	it('without any clock or order it reads from the probed day on', () => {
		const state = initialState({ filterKey: 'f', found: [], serverNow: null, probeDay: '2025-03-01', overlapMs: OVERLAP, lookbackMs: 0 });
		expect(state).toMatchObject({ horizon: null, floor: null, startDay: '2025-03-01' });
		expect(windowStart(state, OVERLAP)).toBeNull();
	});
});

describe('selectNew', () => {
	it('emits new orders oldest first and moves the horizon to Kapture\'s clock, not to the newest date', () => {
		const state = base();
		const future = { id: 9, createDate: T + 4 * HOUR + 30 * MIN };
		const keys = [{ id: 5, createDate: T + MIN }, future, { id: 6, createDate: T + 2 * MIN }];
		const { emit, state: next } = selectNew(state, readOf(keys, state), { cap: 100, overlapMs: OVERLAP });
		expect(emit.map((key) => key.id)).toEqual([5, 6, 9]);
		expect(next.horizon).toBe(T + 5 * MIN);
		// Orders created after the future-dated one still fire...
		const later = { id: 10, createDate: T + 6 * MIN };
		const second = selectNew(next, readOf([...keys, later], next, { serverNow: T + 7 * MIN }), { cap: 100, overlapMs: OVERLAP });
		expect(second.emit.map((key) => key.id)).toEqual([10]);
		// ...and the future-dated one never again, even long after its date.
		let current = second.state;
		for (let t = T + 10 * MIN; t < T + 8 * HOUR; t += 30 * MIN) {
			const round = selectNew(current, readOf([future], current, { serverNow: t }), { cap: 100, overlapMs: OVERLAP });
			expect(round.emit).toEqual([]);
			current = round.state;
		}
	});

	it('with a cap, stops at the last emitted order, and ties with it come next time', () => {
		const state = base();
		const keys = [1, 2, 3, 4].map((n) => ({ id: 100 + n, createDate: T + MIN }));
		const first = selectNew(state, readOf(keys, state), { cap: 2, overlapMs: OVERLAP });
		expect(first.emit.map((key) => key.id)).toEqual([101, 102]);
		expect(first.state.horizon).toBe(T + MIN);
		expect(first.caughtUp).toBe(false);
		const second = selectNew(first.state, readOf(keys, first.state), { cap: 2, overlapMs: OVERLAP });
		expect(second.emit.map((key) => key.id)).toEqual([103, 104]);
	});

	it('decides against the state as it is now: what another poll emitted meanwhile is not emitted again', () => {
		const state = base();
		const keys = [{ id: 5, createDate: T + MIN }, { id: 6, createDate: T + 2 * MIN }];
		const readA = readOf(keys, state);
		const readB = readOf(keys, state); // read at the same time, from the same state
		const a = selectNew(state, readA, { cap: 100, overlapMs: OVERLAP });
		const b = selectNew(a.state, readB, { cap: 100, overlapMs: OVERLAP });
		expect(a.emit.map((key) => key.id)).toEqual([5, 6]);
		expect(b.emit).toEqual([]);
	});

	it('an incomplete read (no time left) moves nothing but keeps where it looked', () => {
		const state = base();
		const read: WindowRead<OrderKey> = { kept: [], overflow: false, upper: -Infinity, serverNow: T + HOUR, hint: { windowStart: T - OVERLAP, position: 5000 }, minDroppedId: null };
		const { emit, state: next } = selectNew(state, read, { cap: 10, overlapMs: OVERLAP });
		expect(emit).toEqual([]);
		expect(next.horizon).toBe(state.horizon);
		expect(next.hint).toEqual(read.hint);
	});

	it('a read complete only up to some date moves the horizon no further', () => {
		const state = base();
		const keys = [{ id: 5, createDate: T + MIN }];
		const { state: next } = selectNew(state, readOf(keys, state, { upper: T + 2 * MIN }), { cap: 100, overlapMs: OVERLAP });
		expect(next.horizon).toBe(T + 2 * MIN);
	});
});

describe('memory', () => {
	it('keeps ids down to an overlap window below the window start, then folds them into idLow', () => {
		const state = base({ horizon: T, seen: [[T - 25 * MIN, [7]], [T - 15 * MIN, [8]], [T - MIN, [9]]] });
		// A read that did not reach the newest order folds nothing: some order with a smaller id may be unread.
		expect(compact(state, OVERLAP, null)).toEqual(state);
		// One that did, with an unhandled order numbered 8: only ids below 8 fold.
		const folded = compact(state, OVERLAP, 8);
		expect(folded.seen.map(([date]) => date)).toEqual([T - 15 * MIN, T - MIN]);
		expect(folded.idLow).toBe(7);
		expect(compact({ ...state, seen: [[T - 25 * MIN, [9]]] }, OVERLAP, 8).idLow).toBe(0);
		// An emitted order moved to any date later is still handled.
		expect(handledTest(folded, OVERLAP)({ id: 7, createDate: T + 3 * HOUR })).toBe(true);
	});

	it('keeps at most MAX_SEEN_IDS ids; dropping ones inside the window raises the floor, never re-emits', () => {
		const ids = Array.from({ length: MAX_SEEN_IDS + 10 }, (_, i) => i + 1);
		const state = base({ horizon: T, floor: null, seen: ids.map((id): [number, number[]] => [T - OVERLAP + id, [id]]) });
		const next = compact(state, OVERLAP, null);
		expect(seenCount(next)).toBeLessThanOrEqual(MAX_SEEN_IDS);
		const handled = handledTest(next, OVERLAP);
		for (const id of ids) expect(handled({ id, createDate: T - OVERLAP + id })).toBe(true);
	});
});

describe('mergeStates', () => {
	it('an order handled in either copy is handled in the merge', () => {
		const a = base({ seen: [[T - MIN, [1, 2]]], horizon: T });
		const b = base({ seen: [[T + MIN, [3]]], horizon: T + 2 * MIN, idLow: 0 });
		const merged = mergeStates(a, b, OVERLAP);
		const handled = handledTest(merged, OVERLAP);
		for (const key of [
			{ id: 1, createDate: T - MIN },
			{ id: 3, createDate: T + MIN },
		]) expect(handled(key)).toBe(true);
		expect(merged.horizon).toBe(T + 2 * MIN);
	});
});

// ---- A generated world: the promise against every interleaving we can draw ----

interface WorldOrder {
	id: number;
	createDate: number;
	createdAt: number;
	visibleAt: number;
	/** Dates it had when the trigger could have read it: the guarantee holds when one of them was fair. */
	emittedCount: number;
	preexisting: boolean;
	redated: boolean;
}

/**
 * Kapture and n8n in one loop: orders created now, back-dated, future-dated
 * (hours), shown late (search lag below the overlap window), moved to another
 * date after they fired; polls with small caps, reads cut short by the time
 * budget, two polls overlapping on one live state or each on its own copy
 * (n8n's durable scheduler, joined with mergeStates).
 */
function simulate(seed: number) {
	const random = prng(seed);
	const chance = (p: number) => random() < p;
	const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
	let now = T;
	let nextId = 1000;
	// The latest date any order ever had (a moved order was remembered under its old one).
	let latestDate = 0;
	const orders: WorldOrder[] = [];
	const create = (preexisting: boolean) => {
		const kind = random();
		const offset = kind < 0.1 ? between(1, 6) * HOUR : kind < 0.2 ? -between(0, OVERLAP / 2) : kind < 0.25 ? -between(1, 3) * HOUR : 0;
		const order: WorldOrder = {
			id: nextId++,
			createDate: now + offset,
			createdAt: now,
			visibleAt: now + (chance(0.2) ? between(0, OVERLAP / 3) : 0),
			emittedCount: 0,
			preexisting,
			redated: false,
		};
		if (chance(0.3)) order.createDate = Math.floor(order.createDate / MIN) * MIN; // minute precision: ties
		orders.push(order);
	};
	for (let i = 0; i < between(0, 30); i++) create(true);

	const visible = () => orders.filter((order) => order.visibleAt <= now);
	const cap = between(1, 8);
	const read = (state: TriggerState): WindowRead<WorldOrder> => {
		const start = windowStart(state, OVERLAP);
		const handled = handledTest(state, OVERLAP);
		const candidates = visible()
			.filter((order) => (start === null || order.createDate >= start) && !handled(order))
			.sort((a, b) => a.createDate - b.createDate || a.id - b.id);
		// Sometimes the budget cuts the read: complete only below some date.
		let upper: number | null = null;
		let inRange = candidates;
		if (chance(0.2) && candidates.length > 0) {
			upper = candidates[between(0, candidates.length - 1)].createDate;
			inRange = candidates.filter((order) => order.createDate < upper!);
		}
		const kept = inRange.slice(0, cap).map((order) => ({ order, key: { id: order.id, createDate: order.createDate } }));
		const dropped = inRange.slice(cap).map((order) => order.id);
		return {
			kept,
			overflow: dropped.length > 0,
			upper,
			serverNow: now,
			hint: null,
			minDroppedId: dropped.length > 0 ? Math.min(...dropped) : null,
		};
	};
	const emitAll = (list: WorldOrder[]) => {
		for (const order of list) order.emittedCount++;
	};

	let state = initialState({
		filterKey: 'f',
		found: visible()
			.filter((order) => order.createDate >= now - OVERLAP)
			.map((order) => ({ id: order.id, createDate: order.createDate })),
		serverNow: now,
		probeDay: 'x',
		overlapMs: OVERLAP,
		lookbackMs: 0,
	});
	// Orders created before activation but shown only later may fire (never twice): not "pre-existing".
	for (const order of orders) order.preexisting = order.visibleAt <= now;

	for (let step = 0; step < 120; step++) {
		now += between(1, 3) * MIN;
		for (let i = 0; i < between(0, 4); i++) create(false);
		// An order that fired gets another date (forward, back, or hours ahead).
		if (chance(0.3)) {
			const fired = orders.filter((order) => order.emittedCount > 0);
			if (fired.length > 0) {
				const order = fired[between(0, fired.length - 1)];
				latestDate = Math.max(latestDate, order.createDate);
				order.createDate = now + between(-2 * 60, 6 * 60) * MIN;
				order.redated = true;
			}
		}
		const mode = random();
		if (mode < 0.6) {
			const selection = selectNew(state, read(state), { cap, overlapMs: OVERLAP });
			emitAll(selection.emit);
			state = selection.state;
		} else if (mode < 0.8) {
			// Two polls read from the same state; both decide on the live state in turn.
			const readA = read(state);
			now += between(0, 30_000);
			const readB = read(state);
			const a = selectNew(state, readA, { cap, overlapMs: OVERLAP });
			emitAll(a.emit);
			const b = selectNew(a.state, readB, { cap, overlapMs: OVERLAP });
			emitAll(b.emit);
			state = b.state;
		} else {
			// Durable scheduler: each poll has its own copy; the later one joins the earlier one's result.
			const copyA = structuredClone(state);
			const copyB = structuredClone(state);
			const a = selectNew(copyA, read(copyA), { cap, overlapMs: OVERLAP });
			emitAll(a.emit);
			now += between(0, 30_000);
			const b = selectNew(mergeStates(copyB, a.state, OVERLAP), read(copyB), { cap, overlapMs: OVERLAP });
			emitAll(b.emit);
			state = b.state;
		}
		state = JSON.parse(JSON.stringify(state)) as TriggerState; // stored as JSON between polls
	}
	// Let the trigger catch up, with nothing new, until every date (future ones too) has passed.
	const last = Math.max(latestDate, ...orders.map((order) => order.createDate));
	for (let step = 0; step < 5000; step++) {
		now += 5 * MIN;
		const selection = selectNew(state, read(state), { cap, overlapMs: OVERLAP });
		emitAll(selection.emit);
		state = selection.state;
		if (selection.caughtUp && now > last + 3 * OVERLAP) break;
	}
	return { orders, state };
}

describe('generated worlds: every order once, whatever the interleaving', () => {
	const seeds = Array.from({ length: 300 }, (_, i) => i + 1);
	it.each(seeds)('seed %i', (seed) => {
		const { orders, state } = simulate(seed);
		const twice = orders.filter((order) => order.emittedCount > 1).map((order) => `${order.id}${order.redated ? "r" : ""}`);
		const preexistingFired = orders.filter((order) => order.preexisting && order.emittedCount > 0).map((order) => order.id);
		// Owed: created after activation, shown within the overlap window of its date, its date never moved.
		const missed = orders
			.filter((order) => !order.preexisting && !order.redated && order.visibleAt <= order.createDate + OVERLAP)
			.filter((order) => order.emittedCount === 0)
			.map((order) => order.id);
		expect({ twice, preexistingFired, missed }).toEqual({ twice: [], preexistingFired: [], missed: [] });
		// Caught up and every date long past: every id folded into idLow, nothing left to remember.
		expect(seenCount(state)).toBe(0);
		expect(state.idLow).toBeGreaterThanOrEqual(Math.max(...orders.filter((order) => order.emittedCount > 0).map((order) => order.id)));
	});
});
