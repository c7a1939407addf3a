import {
	MAX_WATCHED,
	fieldValue,
	initialWatch,
	mergeWatches,
	readWatch,
	rememberNew,
	selectChanges,
	watchKeyOf,
	watchedOrder,
	type WatchState,
	type WatchedOrder,
} from '../../../../nodes/Kapture/trigger/changes';
import { prng } from '../../shared/transport/__fixtures__/shuffledList';

const FIELDS = ['deliveryStatus', 'assignedToId'];
const KEY = watchKeyOf('[]', FIELDS);

const order = (id: number, lastModificationTime: number, deliveryStatus = 'AP', assignedToId = 1, remarks = '') => ({
	id,
	createDate: 1000 + id,
	lastModificationTime,
	deliveryStatus,
	assignedToId,
	remarks,
});
const entry = (o: ReturnType<typeof order>, fields = FIELDS) => ({ order: o, watched: watchedOrder(o, fields) as WatchedOrder });

describe('change detection', () => {
	it('a first look remembers, never fires; a new lastModificationTime with a watched field changed fires with from and to', () => {
		const state = initialWatch(KEY, [entry(order(1, 10)).watched]);
		const { emit, state: next } = selectChanges(state, [entry(order(1, 20, 'DL'))], { fields: FIELDS, cap: 10 });
		expect(emit).toHaveLength(1);
		expect(emit[0].changes).toEqual({ deliveryStatus: { from: 'AP', to: 'DL' } });
		expect(emit[0].previousLastModified).toBe(10);
		expect(selectChanges(next, [entry(order(1, 20, 'DL'))], { fields: FIELDS, cap: 10 }).emit).toEqual([]);
	});

	it('an edit of a field nobody watches moves the time it remembers but fires nothing', () => {
		const state = initialWatch(KEY, [entry(order(1, 10)).watched]);
		const first = selectChanges(state, [entry(order(1, 20, 'AP', 1, 'note'))], { fields: FIELDS, cap: 10 });
		expect(first.emit).toEqual([]);
		expect(first.state.orders['1'][0]).toBe(20);
	});

	it('without watched fields every new lastModificationTime is a change', () => {
		const key = watchKeyOf('[]', []);
		const state = initialWatch(key, [entry(order(1, 10), []).watched]);
		const { emit } = selectChanges(state, [entry(order(1, 11, 'AP', 1, 'x'), [])], { fields: [], cap: 10 });
		expect(emit.map((change) => change.id)).toEqual([1]);
		expect(emit[0].changes).toEqual({});
	});

	it('changes over the cap wait for the next poll, oldest first', () => {
		const orders = [1, 2, 3].map((id) => order(id, 10));
		let state = initialWatch(KEY, orders.map((o) => entry(o).watched));
		const edited = [order(1, 30, 'DL'), order(2, 20, 'DL'), order(3, 25, 'DL')].map((o) => entry(o));
		const first = selectChanges(state, edited, { fields: FIELDS, cap: 2 });
		expect(first.emit.map((change) => change.id)).toEqual([2, 3]);
		state = first.state;
		expect(selectChanges(state, edited, { fields: FIELDS, cap: 2 }).emit.map((change) => change.id)).toEqual([1]);
	});

	it('orders missing from a complete read are forgotten; ones another poll added meanwhile stay', () => {
		const state = initialWatch(KEY, [entry(order(1, 10)).watched, entry(order(2, 10)).watched]);
		const live: WatchState = { ...state, orders: { ...state.orders, '3': [12, 'AP', 1] } };
		const { state: next } = selectChanges(live, [entry(order(1, 10))], { fields: FIELDS, cap: 10, forgetMissing: new Set(['1', '2']) });
		expect(Object.keys(next.orders).sort()).toEqual(['1', '3']);
	});

	it('keeps at most MAX_WATCHED orders, the newest', () => {
		const many = Array.from({ length: MAX_WATCHED + 50 }, (_, i) => entry(order(i + 1, 10)).watched);
		const state = initialWatch(KEY, many);
		expect(Object.keys(state.orders)).toHaveLength(MAX_WATCHED);
		expect(state.orders['1']).toBeUndefined();
	});

	it('stored states are read back only for the same filters and fields', () => {
		const state = initialWatch(KEY, [entry(order(1, 10)).watched]);
		expect(readWatch(JSON.parse(JSON.stringify(state)), KEY)).toEqual(state);
		expect(readWatch(state, watchKeyOf('[]', ['remarks']))).toBeUndefined();
		expect(readWatch({ ...state, orders: { 1: ['x'] } }, KEY)).toBeUndefined();
		expect(fieldValue({ a: 1 })).toBe('{"a":1}');
		expect(fieldValue(undefined)).toBeNull();
	});
});

/**
 * A generated account: orders edited at random (watched fields or not, several
 * times between polls, during a read), polls with small caps, two polls at once
 * on one live state or on copies joined by mergeWatches. What must hold: a
 * change is emitted once (never the same order and time twice), the values it
 * reports are the ones last emitted (or first seen) and the ones read, an order
 * never edited never fires, and once edits stop every order whose watched
 * values differ from what was last emitted gets its latest state emitted.
 */
describe('generated accounts', () => {
	it.each(Array.from({ length: 200 }, (_, i) => i + 1))('seed %i', (seed) => {
		const random = prng(seed);
		const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
		const statuses = ['AP', 'PD', 'DL', 'CN'];
		let clock = 100;
		const orders = new Map<number, ReturnType<typeof order>>();
		for (let id = 1; id <= between(5, 40); id++) orders.set(id, order(id, clock));
		const edited = new Set<number>();
		const edit = () => {
			const ids = [...orders.keys()];
			const o = orders.get(ids[between(0, ids.length - 1)])!;
			clock++;
			const kind = random();
			const next = { ...o, lastModificationTime: clock };
			if (kind < 0.4) next.deliveryStatus = statuses[between(0, 3)];
			else if (kind < 0.6) next.assignedToId = between(1, 4);
			else next.remarks = `r${clock}`;
			orders.set(o.id, next);
			edited.add(o.id);
		};
		const readAll = () => [...orders.values()].map((o) => entry({ ...o }));
		const cap = between(1, 6);
		let state = initialWatch(KEY, readAll().map((e) => e.watched));
		// What each order looked like when last emitted (or first seen): the "from" of its next change.
		const last = new Map<number, ReturnType<typeof order>>([...orders.values()].map((o) => [o.id, { ...o }]));
		const emitted = new Set<string>();
		const check = (emit: ReturnType<typeof selectChanges>['emit']) => {
			for (const change of emit) {
				const pair = `${change.id}@${change.lastModified}`;
				expect(emitted.has(pair)).toBe(false);
				emitted.add(pair);
				const before = last.get(change.id)!;
				const now = change.order as ReturnType<typeof order>;
				const expected: Record<string, { from: unknown; to: unknown }> = {};
				for (const field of FIELDS) {
					const from = before[field as keyof typeof before];
					const to = now[field as keyof typeof now];
					if (from !== to) expected[field] = { from, to };
				}
				expect(change.changes).toEqual(expected);
				expect(Object.keys(expected).length).toBeGreaterThan(0);
				last.set(change.id, { ...now });
			}
		};
		for (let step = 0; step < 80; step++) {
			for (let i = between(0, 4); i > 0; i--) edit();
			const mode = random();
			if (mode < 0.5) {
				const selection = selectChanges(state, readAll(), { fields: FIELDS, cap });
				check(selection.emit);
				state = selection.state;
			} else if (mode < 0.8) {
				// Two polls read, an edit lands between the reads, both decide on the live state in turn.
				const readA = readAll();
				if (random() < 0.5) edit();
				const readB = readAll();
				const a = selectChanges(state, readA, { fields: FIELDS, cap });
				check(a.emit);
				const b = selectChanges(a.state, readB, { fields: FIELDS, cap });
				check(b.emit);
				state = b.state;
			} else {
				const copyA = structuredClone(state);
				const copyB = structuredClone(state);
				const readA = readAll();
				const a = selectChanges(copyA, readA, { fields: FIELDS, cap });
				check(a.emit);
				if (random() < 0.5) edit();
				const b = selectChanges(mergeWatches(copyB, a.state), readAll(), { fields: FIELDS, cap });
				check(b.emit);
				state = b.state;
			}
			state = JSON.parse(JSON.stringify(state)) as WatchState;
		}
		for (let step = 0; step < 200; step++) {
			const selection = selectChanges(state, readAll(), { fields: FIELDS, cap });
			check(selection.emit);
			state = selection.state;
			if (selection.emit.length === 0) break;
		}
		for (const o of orders.values()) {
			const before = last.get(o.id)!;
			const differs = FIELDS.some((field) => before[field as keyof typeof before] !== o[field as keyof typeof o]);
			expect({ id: o.id, pending: differs }).toEqual({ id: o.id, pending: false });
			if (!edited.has(o.id)) expect([...emitted].some((pair) => pair.startsWith(`${o.id}@`))).toBe(false);
		}
	});
});

/**
 * New or Updated, generated: orders are created and edited at random, also
 * between a poll's new-order read and its watch read; each poll emits the
 * new orders it read (up to the cap, the rest next poll), takes them into
 * the watch state (rememberNew) and then the changes, in the room left.
 * Claims: no order twice in one poll; every new order once, as new, with the
 * newest version the poll read; every watched change after what was emitted
 * fires once, from the version emitted before it; nothing is left pending.
 */
describe('generated accounts, New or Updated', () => {
	it.each(Array.from({ length: 200 }, (_, i) => i + 1))('seed %i', (seed) => {
		const random = prng(1000 + seed);
		const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
		let clock = 100;
		let nextId = 1;
		const orders = new Map<number, ReturnType<typeof order>>();
		const create = () => {
			const id = nextId++;
			orders.set(id, order(id, ++clock));
		};
		const edit = () => {
			if (orders.size === 0) return;
			const ids = [...orders.keys()];
			const o = orders.get(ids[between(0, ids.length - 1)])!;
			const next = { ...o, lastModificationTime: ++clock };
			if (random() < 0.6) next.deliveryStatus = ['AP', 'PD', 'DL', 'CN'][between(0, 3)];
			else next.remarks = `r${clock}`;
			orders.set(o.id, next);
		};
		const churn = () => {
			for (let i = between(0, 3); i > 0; i--) (random() < 0.4 ? create : edit)();
		};
		for (let i = between(0, 10); i > 0; i--) create();
		const readAll = () => [...orders.values()].map((o) => entry({ ...o }));
		const cap = between(1, 5);
		let state = initialWatch(KEY, readAll().map((e) => e.watched));
		const thereBefore = new Set(orders.keys());
		const handledNew = new Set(thereBefore);
		// The version of each order the user last got (as new or as a change): the "from" of its next change.
		const last = new Map<number, ReturnType<typeof order>>([...orders.values()].map((o) => [o.id, { ...o }]));
		const firedNew = new Set<number>();
		const poll = (quiet = false) => {
			const newRead = [...orders.values()].filter((o) => !handledNew.has(o.id)).sort((a, b) => a.id - b.id).slice(0, cap).map((o) => ({ ...o }));
			if (!quiet && random() < 0.5) churn(); // between the two reads
			const watchRead = readAll();
			for (const o of newRead) handledNew.add(o.id);
			const taken = rememberNew(state, newRead.map((o) => watchedOrder(o, FIELDS) as WatchedOrder), watchRead);
			const emittedNew = newRead.map((o) => (taken.newer.get(o.id) as ReturnType<typeof order> | undefined) ?? o);
			const selection = selectChanges(taken.state, watchRead, { fields: FIELDS, cap: cap - emittedNew.length });
			const ids = [...emittedNew.map((o) => o.id), ...selection.emit.map((c) => c.id)];
			expect(new Set(ids).size).toBe(ids.length);
			for (const o of emittedNew) {
				expect(firedNew.has(o.id)).toBe(false);
				firedNew.add(o.id);
				// The newest version this poll read of it.
				const inWatch = watchRead.find((e) => e.watched.id === o.id)?.order;
				expect(o.lastModificationTime).toBe(Math.max(o.lastModificationTime, inWatch?.lastModificationTime ?? 0));
				last.set(o.id, { ...o });
			}
			for (const change of selection.emit) {
				const before = last.get(change.id)!;
				const now = change.order as ReturnType<typeof order>;
				// (previousLastModified is the last version the trigger saw, edits of unwatched fields included.)
				expect(change.previousLastModified).toBeGreaterThanOrEqual(before.lastModificationTime);
				const changedFields = FIELDS.filter((f) => before[f as keyof typeof before] !== now[f as keyof typeof now]);
				expect(Object.keys(change.changes).sort()).toEqual([...changedFields].sort());
				for (const f of changedFields) expect(change.changes[f]).toEqual({ from: before[f as keyof typeof before], to: now[f as keyof typeof now] });
				expect(changedFields.length).toBeGreaterThan(0);
				last.set(change.id, { ...now });
			}
			state = JSON.parse(JSON.stringify(selection.state)) as WatchState;
			return emittedNew.length + selection.emit.length;
		};
		for (let step = 0; step < 60; step++) {
			churn();
			poll();
		}
		for (let step = 0; step < 200 && poll(true) > 0; step++);
		for (const o of orders.values()) {
			expect({ id: o.id, firedOrThereBefore: firedNew.has(o.id) || thereBefore.has(o.id) }).toEqual({ id: o.id, firedOrThereBefore: true });
			const before = last.get(o.id)!;
			const pending = FIELDS.some((f) => before[f as keyof typeof before] !== o[f as keyof typeof o]);
			expect({ id: o.id, pending }).toEqual({ id: o.id, pending: false });
		}
	});
});
