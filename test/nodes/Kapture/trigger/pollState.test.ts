import { DAY_MS } from '../../../../nodes/shared/helpers/calendar';
import {
	MAX_SEEN_IDS,
	compact,
	filterKeyOf,
	initialState,
	orderKey,
	probeStartDay,
	queryStartDay,
	readState,
	seenCount,
	selectNew,
	windowStart,
	type OrderKey,
	type TriggerState,
} from '../../../../nodes/Kapture/trigger/pollState';

const MIN = 60_000;
const T = Date.UTC(2025, 2, 10, 12, 0, 0);
const key = (o: OrderKey) => o;
const base = (over: Partial<TriggerState> = {}): TriggerState => ({
	version: 1,
	filterKey: 'f',
	cursor: T,
	floor: T - 10 * MIN,
	startDay: null,
	seen: [[T, [1]]],
	...over,
});

describe('pollState', () => {
	it('reads only valid states of this version and these filters, as plain copies', () => {
		const state = base();
		expect(readState(JSON.parse(JSON.stringify(state)), 'f')).toEqual(state);
		expect(readState(state, 'other')).toBeUndefined();
		expect(readState({ ...state, version: 2 }, 'f')).toBeUndefined();
		expect(readState({ ...state, seen: [[T, ['x']]] }, 'f')).toBeUndefined();
		expect(readState({ ...state, cursor: null, floor: null }, 'f')).toBeUndefined();
		expect(readState(undefined, 'f')).toBeUndefined();
		expect(filterKeyOf({ b: '1', a: '2' })).toBe(filterKeyOf({ a: '2', b: '1' }));
	});

	it('reads ids and createDates given as numbers or numeric strings', () => {
		expect(orderKey({ id: '5', createDate: '7' })).toEqual({ id: 5, createDate: 7 });
		expect(orderKey({ id: 5 })).toBeUndefined();
		expect(orderKey({ id: 'x', createDate: 1 })).toBeUndefined();
	});

	it('asks Kapture from one UTC day before the window start, which covers UTC-12 to UTC+14', () => {
		const state = base({ cursor: Date.UTC(2025, 2, 10, 0, 5), floor: null });
		// window starts 2025-03-09 23:55 UTC; the day asked is 2025-03-08
		expect(queryStartDay(state, 10 * MIN)).toBe('2025-03-08');
		for (let tz = -12; tz <= 14; tz++) {
			const dayStartInZone = Date.parse('2025-03-08T00:00:00Z') - tz * 3_600_000;
			expect(dayStartInZone).toBeLessThanOrEqual(windowStart(state, 10 * MIN)!);
		}
		expect(queryStartDay(base({ cursor: null, floor: null, startDay: '2024-01-02' }), MIN)).toBe('2024-01-02');
		expect(probeStartDay(T, 0)).toBe('2025-03-02');
	});

	it('first activation remembers the newest order and every order in the overlap window', () => {
		const found = [
			{ id: 1, createDate: T - 30 * MIN },
			{ id: 2, createDate: T - 5 * MIN },
			{ id: 3, createDate: T },
			{ id: 4, createDate: T },
		];
		const state = initialState({ filterKey: 'f', found, probeDay: '2025-03-01', overlapMs: 10 * MIN, lookbackMs: 0 });
		expect(state).toEqual({
			version: 1,
			filterKey: 'f',
			cursor: T,
			floor: T - 10 * MIN,
			startDay: null,
			seen: [
				[T - 5 * MIN, [2]],
				[T, [3, 4]],
			],
		});
		const withLookback = initialState({ filterKey: 'f', found, probeDay: 'x', overlapMs: 10 * MIN, lookbackMs: 60 * MIN });
		expect(withLookback).toMatchObject({ cursor: null, floor: T - 60 * MIN, seen: [] });
		const empty = initialState({ filterKey: 'f', found: [], probeDay: '2025-03-01', overlapMs: 0, lookbackMs: 0 });
		expect(empty).toMatchObject({ cursor: null, floor: null, startDay: '2025-03-01' });
	});

	it('emits oldest first up to the cap and never moves past a tie it has not finished', () => {
		let state = base({ seen: [[T, [1]]] });
		const orders = Array.from({ length: 25 }, (_, i) => ({ id: 100 - i, createDate: T + 1 }));
		const emitted: number[] = [];
		for (let poll = 0; poll < 4; poll++) {
			const result = selectNew(state, orders, key, { cap: 10, overlapMs: 0 });
			emitted.push(...result.emit.map((o) => o.id));
			state = result.state;
		}
		expect(emitted).toEqual(orders.map((o) => o.id).sort((a, b) => a - b));
		expect(state.cursor).toBe(T + 1);
	});

	it('over the hard bound forgets the oldest ids but never the cursor\'s own, and raises the floor past them', () => {
		const seen: Array<[number, number[]]> = [];
		for (let i = 0; i < 10; i++) seen.push([T - 10 + i, Array.from({ length: 10 }, (_, j) => i * 10 + j)]);
		const compacted = compact(base({ cursor: T - 1, floor: T - 1000, seen }), 1000, 35);
		expect(seenCount(compacted)).toBeLessThanOrEqual(35);
		expect(compacted.floor).toBe(T - 10 + 7);
		expect(compacted.seen.at(-1)).toEqual(seen.at(-1));
		const onlyCursor = compact(base({ cursor: T, seen: [[T, Array.from({ length: 50 }, (_, i) => i)]] }), 0, 10);
		expect(seenCount(onlyCursor)).toBe(50);
		expect(MAX_SEEN_IDS).toBeGreaterThanOrEqual(10_000);
	});

	/**
	 * A model of Kapture: orders appear over time (many ties, some dated into
	 * the past by less than the overlap, some only visible after a delay). The
	 * trigger reads everything visible from its query day and must emit every
	 * order once, whatever the cap.
	 */
	it.each([1, 2, 3, 4, 5, 6])('random histories, seed %i: every order exactly once', (seed) => {
		let rnd = seed * 7919;
		const random = () => ((rnd = (rnd * 1103515245 + 12345) % 2147483648) / 2147483648);
		const overlapMs = 5 * MIN;
		const cap = 5 + Math.floor(random() * 40);
		let now = T;
		let nextId = 1;
		const orders: Array<OrderKey & { visibleAt: number }> = [];
		for (let i = 0; i < 50; i++) orders.push({ id: nextId++, createDate: now - i * MIN, visibleAt: 0 });
		const visible = () => orders.filter((o) => o.visibleAt <= now);
		const existing = new Set(orders.map((o) => o.id));
		let state = initialState({ filterKey: 'f', found: visible(), probeDay: 'x', overlapMs, lookbackMs: 0 });
		const emitted: number[] = [];
		let quiet = 0;
		for (let poll = 0; poll < 300 || (quiet < 3 && poll < 5000); poll++) {
			now += Math.floor(random() * 2 * MIN);
			const burst = poll < 300 ? Math.floor(random() * 30) : 0;
			for (let i = 0; i < burst; i++) {
				const r = random();
				const createDate = r < 0.5 ? now : r < 0.8 ? now - Math.floor(random() * 1000) : now - Math.floor(random() * 3 * MIN);
				// Some orders only show up in the search a little later.
				const visibleAt = random() < 0.2 ? now + Math.floor(random() * MIN) : now;
				orders.push({ id: nextId++, createDate, visibleAt });
			}
			const dayStart = Date.parse(`${queryStartDay(state, overlapMs)}T00:00:00Z`) - 14 * 3_600_000;
			const read = visible().filter((o) => o.createDate >= dayStart);
			const result = selectNew(state, read, key, { cap, overlapMs, maxSeen: 5000 });
			emitted.push(...result.emit.map((o) => o.id));
			quiet = result.emit.length === 0 ? quiet + 1 : 0;
			state = JSON.parse(JSON.stringify(result.state)) as TriggerState;
		}
		const expected = orders.filter((o) => !existing.has(o.id)).map((o) => o.id);
		expect(expected.length).toBeGreaterThan(1000);
		expect([...emitted].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
	});

	it('keeps the floor when orders are older than the window', () => {
		const state = base();
		const result = selectNew(state, [{ id: 9, createDate: T - 11 * MIN }, { id: 1, createDate: T }], key, {
			cap: 10,
			overlapMs: 10 * MIN,
		});
		expect(result.emit).toEqual([]);
		expect(DAY_MS).toBe(86_400_000);
	});
});
