import type { IDataObject } from 'n8n-workflow';

import { locateBoundary, readUpward, type ListOrder } from '../../../../../nodes/shared/transport/paging';
import { prng, shuffledList, tiedRows, type Row } from '../__fixtures__/shuffledList';

const NEWEST_FIRST: ListOrder = { keyOf: (record) => record.createDate as number, descending: true };

describe('locateBoundary', () => {
	const seeds = Array.from({ length: 100 }, (_, i) => i + 1);
	it.each(seeds)('seed %i: brackets the end of the range from any guess, in about 2·log2(distance) probes', async (seed) => {
		const random = prng(seed);
		const rows = tiedRows(random, 1 + Math.floor(random() * 5000));
		const dates = rows.map((row) => row.createDate);
		const bound = dates[Math.floor(random() * dates.length)] + (random() < 0.1 ? 10_000 : 0);
		const list = shuffledList(rows, { cap: 500, random });
		const inRange = rows.filter((row) => row.createDate >= bound).length;
		const guess = Math.floor(random() * 6000);
		const precision = 1 + Math.floor(random() * 50);
		const { lo, hi } = await locateBoundary(list.fetch, { order: NEWEST_FIRST, bound, guess, precision });
		expect(lo).toBeLessThan(inRange);
		expect(hi).toBeGreaterThanOrEqual(inRange);
		expect(hi - lo).toBeLessThanOrEqual(Math.max(1, precision));
		expect(list.calls.every(([, limit]) => limit === 1)).toBe(true);
		const distance = Math.max(2, Math.abs(inRange - guess));
		expect(list.calls.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(distance)) + 4);
	});
});

describe('readUpward', () => {
	/** Reads the whole range upwards; after every page, checks that the range is complete below its `upper`. */
	async function readRange(list: ReturnType<typeof shuffledList>, rows: Row[], bound: number, stayed: () => Set<number>, pageSize: number) {
		const returned: IDataObject[] = [];
		const inRange = rows.filter((row) => row.createDate >= bound).length;
		const pages = readUpward(list.fetch, { order: NEWEST_FIRST, bound, hi: inRange, pageSize, maxPageSize: 800 });
		let lastUpper: number | null = bound;
		for await (const page of pages) {
			returned.push(...page.records);
			const got = new Set(returned.map((record) => record.id as number));
			const upper = page.upper as number | null;
			// Every row that stayed, from the bound to `upper`, is already returned.
			const missing = rows.filter((row) => stayed().has(row.id) && row.createDate >= bound && (upper === null || row.createDate < upper) && !got.has(row.id));
			expect(missing.map((row) => row.id)).toEqual([]);
			for (const record of page.records) expect(record.createDate as number).toBeGreaterThanOrEqual(bound);
			if (lastUpper !== null && upper !== null) expect(upper).toBeGreaterThanOrEqual(lastUpper);
			lastUpper = upper;
		}
		expect(lastUpper).toBeNull();
		return returned;
	}

	const seeds = Array.from({ length: 150 }, (_, i) => i + 1);
	it.each(seeds)('seed %i: every row of the range once, complete from the bound after every page, while rows arrive at the top', async (seed) => {
		const random = prng(seed);
		// Some seeds have tie groups larger than a page, some bursts of new orders larger than the slack.
		const rows = tiedRows(random, 20 + Math.floor(random() * 1500), { largestGroup: seed % 4 === 0 ? 150 : 30 });
		const bound = rows[Math.floor(random() * rows.length)].createDate;
		const cap = seed % 4 === 0 ? 1000 : 40 + Math.floor(random() * 200);
		const list = shuffledList(rows, { cap, random });
		const original = new Set(rows.map((row) => row.id));
		let nextId = 1_000_000;
		// Large bursts only where tie groups fit a page: a group read on its own is counted between bursts.
		const burst = seed % 3 === 0 && seed % 4 !== 0 ? 40 : 5;
		list.onRequest((request) => {
			// A group larger than a page is counted with probes; orders arriving on every request would keep
			// its count moving (the read then fails as unstable, and the next poll tries again).
			if (seed % 4 === 0 && request > 5) return;
			if (random() < 0.5) {
				const top = Math.max(...rows.map((row) => row.createDate));
				// New orders may tie with the newest one, except where groups outgrow a page: a group that
				// grows while it is read on its own cannot be counted (the read then fails as unstable).
				const first = seed % 4 === 0 ? 1 : 0;
				for (let i = Math.floor(random() * burst); i > 0; i--) rows.push({ id: nextId++, createDate: top + first + Math.floor(random() * 3) });
			}
		});
		const returned = await readRange(list, rows, bound, () => original, 50 + Math.floor(random() * 150));
		const counts = new Map<unknown, number>();
		for (const record of returned) counts.set(record.id, (counts.get(record.id) ?? 0) + 1);
		expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
	});

	it('a bound past every row gives one empty page; a bound below every row reads the whole list', async () => {
		const random = prng(3);
		const rows = tiedRows(random, 300);
		const top = Math.max(...rows.map((row) => row.createDate));
		const none = await readRange(shuffledList(rows, { cap: 100, random }), rows, top + 1, () => new Set(rows.map((row) => row.id)), 100);
		expect(none).toEqual([]);
		const all = await readRange(shuffledList(rows, { cap: 100, random }), rows, 0, () => new Set(rows.map((row) => row.id)), 100);
		expect(all).toHaveLength(rows.length);
	});
});

describe('readUpward with tie groups larger than the server serves in a page', () => {
	it.each([1, 2, 3, 4, 5, 6])('seed %i: the group is read on its own, by count, and the range stays complete', async (seed) => {
		const random = prng(seed);
		const rows: Row[] = [];
		let id = 1;
		for (let date = 100; date < 110; date++) {
			const size = date % 3 === 0 ? 120 + Math.floor(random() * 200) : 1 + Math.floor(random() * 10);
			for (let i = 0; i < size; i++) rows.push({ id: id++, createDate: date });
		}
		const list = shuffledList(rows, { cap: 50, random });
		const bound = 101;
		const inRange = rows.filter((row) => row.createDate >= bound).length;
		const returned: IDataObject[] = [];
		let upper: number | null = bound;
		for await (const page of readUpward(list.fetch, { order: NEWEST_FIRST, bound, hi: inRange, pageSize: 50 })) {
			returned.push(...page.records);
			upper = page.upper as number | null;
		}
		expect(upper).toBeNull();
		expect(returned.map((record) => record.id as number).sort((a, b) => a - b)).toEqual(
			rows.filter((row) => row.createDate >= bound).map((row) => row.id),
		);
	});
});
