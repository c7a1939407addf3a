import { readPages } from '../../../../nodes/shared/transport/paging';
import { pagingFailure, ReadError, readOrders } from '../../../../nodes/Kapture/trigger/readOrders';
import { orders, pagedList } from '../../shared/transport/__fixtures__/pagedList';

const idsOf = (entries: Array<{ key: { id: number } }>) => entries.map((e) => e.key.id).sort((a, b) => a - b);
const overlapping = (list: ReturnType<typeof pagedList>, pageSize: number) =>
	readPages(list.fetch, { pageSize, overlap: true });

describe('readOrders', () => {
	it('reads every order, each once, keyed by id and createDate', async () => {
		const list = pagedList(orders(237), 50);
		const result = await readOrders(overlapping(list, 100));
		expect(idsOf(result.entries)).toEqual(orders(237).map((o) => o.id));
		expect(result.newestFirst).toBe(true);
		expect(result.entries[0].key).toEqual({ id: 237, createDate: 1237 });
	});

	it('stops at the first page that reaches below the window when the list is newest first', async () => {
		const list = pagedList(orders(500), 50);
		await readOrders(overlapping(list, 50), { stopBelow: () => 1000 + 480 });
		expect(list.calls).toHaveLength(1);
	});

	it('reads everything when the list is not newest first', async () => {
		const list = orders(120).map((o, i) => ({ ...o, createDate: i % 2 ? 5000 - i : 1000 + i }));
		const fetch = async (offset: number, limit: number) => list.slice(offset, offset + limit);
		const result = await readOrders(readPages(fetch, { pageSize: 50, overlap: true }), { stopBelow: () => 4000 });
		expect(result.newestFirst).toBe(false);
		expect(result.entries).toHaveLength(120);
	});

	it('fails (changing nothing) when the list keeps changing', async () => {
		const all = orders(1000);
		const list = pagedList(all, 50);
		list.onRequest((request) => {
			if (request > 1) all.splice(all.length - 60, 60);
		});
		const pages = readPages(list.fetch, { pageSize: 50, overlap: true, fail: pagingFailure() });
		await expect(readOrders(pages)).rejects.toEqual(
			new ReadError(
				'The list of orders kept changing while the trigger was reading it',
				'Nothing was emitted and nothing is lost: the next poll reads again from the same place.',
			),
		);
	});

	it('refuses orders without id or createDate, and ids it would have to round', async () => {
		await expect(readOrders(readPages(async () => [{ id: 1 }], { pageSize: 10 }))).rejects.toThrow(/createDate/);
		const huge = [{ id: '9223372036854775807', createDate: 1000 }];
		await expect(readOrders(readPages(async () => huge, { pageSize: 10 }))).rejects.toThrow(/numeric id/);
	});
});
