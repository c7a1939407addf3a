import type { IDataObject } from 'n8n-workflow';

import { PollOutOfTime, readWindow, type WindowOptions } from '../../../../nodes/Kapture/trigger/readWindow';
import type { OrderKey } from '../../../../nodes/Kapture/trigger/pollState';
import { prng, shuffledList, tiedRows, type Row } from '../../shared/transport/__fixtures__/shuffledList';

const fail = (message: string, description: string): never => {
	throw Object.assign(new Error(message), { description });
};

function options(over: Partial<WindowOptions> = {}): WindowOptions {
	return {
		windowStart: 0,
		cap: 100,
		handled: () => false,
		handledInWindow: 0,
		pageSize: 100,
		hint: null,
		beforeRequest: () => undefined,
		fail,
		...over,
	};
}

const idsOf = (entries: Array<{ key: OrderKey }>) => entries.map((entry) => entry.key.id);

describe('readWindow', () => {
	it('a window that fits a page costs one request and is complete to the newest order', async () => {
		const rows = tiedRows(prng(1), 500);
		const list = shuffledList(rows, { cap: 500, random: prng(2) });
		const windowStart = rows[470].createDate;
		const read = await readWindow(list.fetch, options({ windowStart }));
		expect(list.calls).toHaveLength(1);
		expect(read.upper).toBeNull();
		expect(read.overflow).toBe(false);
		expect(idsOf(read.kept).sort((a, b) => a - b)).toEqual(rows.filter((row) => row.createDate >= windowStart).map((row) => row.id));
	});

	it.each(Array.from({ length: 40 }, (_, i) => i + 1))(
		'seed %i: a backlog of any size is read from its oldest end, keeping the cap oldest new orders in a bounded number of requests',
		async (seed) => {
			const random = prng(seed);
			const rows = tiedRows(random, 2000 + Math.floor(random() * 30_000), { largestGroup: 20 });
			const list = shuffledList(rows, { cap: 50 + Math.floor(random() * 450), random });
			const windowStart = rows[Math.floor(random() * rows.length * 0.2)].createDate;
			const cap = 1 + Math.floor(random() * 300);
			// Some orders of the window are handled already (an earlier poll emitted them).
			const handledIds = new Set(rows.filter((row) => row.createDate >= windowStart && random() < 0.05).map((row) => row.id));
			const read = await readWindow(list.fetch, options({ windowStart, cap, handled: (key) => handledIds.has(key.id), handledInWindow: handledIds.size }));
			const candidates = rows
				.filter((row) => row.createDate >= windowStart && !handledIds.has(row.id))
				.sort((a, b) => a.createDate - b.createDate || a.id - b.id);
			// Complete below `upper`: every candidate below it is kept, unless the cap held some back,
			// and then the kept ones are the oldest.
			const upper = read.upper === null ? Infinity : read.upper;
			const complete = candidates.filter((row) => row.createDate < upper);
			expect(idsOf(read.kept)).toEqual((read.overflow ? complete.slice(0, cap) : complete).map((row) => row.id));
			expect(read.kept.length).toBeLessThanOrEqual(cap);
			if (!read.overflow && read.upper !== null) expect(read.kept).toHaveLength(cap);
			// Cost: a few pages and probes, not the backlog.
			expect(list.calls.length).toBeLessThan(120);
		},
	);

	it('stops when time is up, with what is complete from the window start (never orders above a gap)', async () => {
		const rows = tiedRows(prng(5), 20_000);
		const list = shuffledList(rows, { cap: 100, random: prng(6) });
		const windowStart = rows[100].createDate;
		let requests = 0;
		const read = await readWindow(
			list.fetch,
			options({
				windowStart,
				cap: 5000,
				beforeRequest: () => {
					if (++requests > 40) throw new PollOutOfTime('out of time');
				},
			}),
		);
		expect(read.kept.length).toBeGreaterThan(0);
		expect(read.upper).not.toBeNull();
		const complete = rows.filter((row) => row.createDate >= windowStart && row.createDate < (read.upper as number)).map((row) => row.id);
		expect(idsOf(read.kept).sort((a, b) => a - b)).toEqual(complete);
		expect(read.hint).not.toBeNull();
	});

	it('out of time before anything is complete: nothing, and where it was looking', async () => {
		const rows = tiedRows(prng(7), 5000);
		const list = shuffledList(rows, { cap: 100, random: prng(8) });
		const read = await readWindow(
			list.fetch,
			options({
				windowStart: rows[10].createDate,
				cap: 10,
				beforeRequest: () => {
					if (list.calls.length >= 2) throw new PollOutOfTime('out of time');
				},
			}),
		);
		expect(read.kept).toEqual([]);
		expect(read.upper).toBe(-Infinity);
	});

	it('reads everything when the list is not newest first', async () => {
		const rows: IDataObject[] = Array.from({ length: 120 }, (_, i) => ({ id: i + 1, createDate: i % 2 ? 5000 - i : 1000 + i }));
		const fetch = async (offset: number, limit: number) => rows.slice(offset, offset + limit);
		const read = await readWindow(fetch, options({ windowStart: 4000, pageSize: 50 }));
		expect(idsOf(read.kept).sort((a, b) => a - b)).toEqual(rows.filter((row) => (row.createDate as number) >= 4000).map((row) => row.id as number));
		expect(read.upper).toBeNull();
	});

	it('refuses orders without id or createDate, and ids it would have to round', async () => {
		await expect(readWindow(async () => [{ id: 1 }], options())).rejects.toThrow(/createDate/);
		const huge: Row[] = [{ id: '9223372036854775807' as unknown as number, createDate: 1000 }];
		await expect(readWindow(async () => huge, options())).rejects.toThrow(/numeric id/);
	});
});
