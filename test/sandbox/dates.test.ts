import { SandboxClock } from './clock';
import { formatLocal, parseDateSpan } from './dates';
import { addOrder, getPartner, MAY_8_IST, pullPartner, pullV1, pushPartner, v1AddBody } from './helpers';
import { startSandbox } from './server';
import type { KaptureSandbox } from './types';

const HOUR = 3_600_000;
const MAY_9_IST = MAY_8_IST + 24 * HOUR;

describe('clock', () => {
	test('real time by default, frozen by set, moved by advance, released by useRealTime', () => {
		const clock = new SandboxClock();
		expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
		clock.set(1000);
		expect(clock.now()).toBe(1000);
		clock.advance(500);
		expect(clock.now()).toBe(1500);
		clock.useRealTime();
		clock.advance(HOUR);
		expect(Math.abs(clock.now() - (Date.now() + HOUR))).toBeLessThan(50);
		clock.useRealTime();
		expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
		expect(new SandboxClock(42).now()).toBe(42);
	});
});

describe('dates in the account timezone', () => {
	test('parseDateSpan reads each format at its own precision', () => {
		expect(parseDateSpan('2024-05-08', 330)).toEqual({ start: MAY_8_IST, end: MAY_9_IST - 1 });
		expect(parseDateSpan('08-05-2024', 330)).toEqual({ start: MAY_8_IST, end: MAY_9_IST - 1 });
		expect(parseDateSpan('2024-05-08 10:15', 330)).toEqual({ start: MAY_8_IST + 10.25 * HOUR, end: MAY_8_IST + 10.25 * HOUR + 59_999 });
		expect(parseDateSpan('2024-05-08 10:15:30', 330)).toEqual({
			start: MAY_8_IST + 10.25 * HOUR + 30_000,
			end: MAY_8_IST + 10.25 * HOUR + 30_999,
		});
		expect(parseDateSpan('2024-05-08', 0)!.start).toBe(Date.UTC(2024, 4, 8));
		for (const bad of ['', '2024-5-8', '2024-02-30', '2024-13-01', '2024-05-08 24:00', 'yyyy-mm-dd HH:MM', '1715149492000']) {
			expect(parseDateSpan(bad, 330)).toBeUndefined();
		}
		expect(formatLocal(MAY_8_IST, 330)).toBe('2024-05-08 00:00:00');
		expect(formatLocal(MAY_8_IST, 0)).toBe('2024-05-07 18:30:00');
	});

	describe('over HTTP', () => {
		let sb: KaptureSandbox;
		beforeAll(async () => {
			sb = await startSandbox({ now: MAY_8_IST, quiet: true });
		});
		afterAll(() => sb.close());
		beforeEach(() => {
			sb.reset();
			sb.clock.set(MAY_8_IST);
		});

		/** One order just before, at the start of, at the end of and just after 8 May IST. */
		function edgeOrders() {
			return [MAY_8_IST - 1, MAY_8_IST, MAY_9_IST - 1, MAY_9_IST].map((createDate) => sb.insertOrder({ createDate }).id);
		}
		const ids = (res: { body: { order_details: Array<{ id: number }> } }) => res.body.order_details.map((o) => o.id);

		test('a v1 day filter covers 00:00 to 23:59:59.999 IST, not UTC', async () => {
			const [before, first, last, after] = edgeOrders();
			const day = await pullV1(sb, { createStartDate: '2024-05-08', createEndDate: '2024-05-08' });
			expect(ids(day)).toEqual([last, first]);
			const dmy = await pullV1(sb, { createStartDate: '08-05-2024', createEndDate: '08-05-2024' });
			expect(ids(dmy)).toEqual([last, first]);
			expect(ids(await pullV1(sb, { createEndDate: '2024-05-07' }))).toEqual([before]);
			expect(ids(await pullV1(sb, { createStartDate: '2024-05-09' }))).toEqual([after]);
		});

		test('a v1 second filter is inclusive of its whole second', async () => {
			const [, first] = edgeOrders();
			const res = await pullV1(sb, { createStartDate: '2024-05-08 00:00:00', createEndDate: '2024-05-08 00:00:00' });
			expect(ids(res)).toEqual([first]);
		});

		test('a partner day covers the IST day, and dates come back as IST strings', async () => {
			const [, first, last] = edgeOrders();
			const res = await pullPartner(sb, { start_date: '2024-05-08', end_date: '2024-05-08' });
			expect(res.body.orders.map((o: { id: string }) => o.id)).toEqual([String(first), String(last)]);
			expect(res.body.orders.map((o: { createDate: string }) => o.createDate)).toEqual(['2024-05-08 00:00:00', '2024-05-08 23:59:59']);
		});

		test('another timezone moves the day boundaries', async () => {
			const utc = await startSandbox({ timezoneOffsetMinutes: 0, quiet: true });
			try {
				const inside = utc.insertOrder({ createDate: Date.UTC(2024, 4, 8, 23, 59) }).id;
				utc.insertOrder({ createDate: Date.UTC(2024, 4, 7, 23, 59) });
				const res = await pullV1(utc, { createStartDate: '2024-05-08', createEndDate: '2024-05-08' });
				expect(ids(res)).toEqual([inside]);
			} finally {
				await utc.close();
			}
		});

		test('writes take their times from the sandbox clock; updates bump lastModificationTime only', async () => {
			const added = await addOrder(sb, v1AddBody());
			const id = added.body.Order.order_id;
			expect(sb.getOrder(id)).toMatchObject({ createDate: MAY_8_IST, lastModificationTime: MAY_8_IST });
			sb.clock.advance(90_000);
			await addOrder(sb, v1AddBody({ order: { update: true, order_id: String(id), delivery_status: 'DL' } }));
			expect(sb.getOrder(id)).toMatchObject({ createDate: MAY_8_IST, lastModificationTime: MAY_8_IST + 90_000, deliveryStatus: 'DL' });
			expect(sb.requests().map((r) => r.at)).toEqual([MAY_8_IST, MAY_8_IST + 90_000]);
		});

		test('lastModificationTime is the clock of the write, whatever date the order is given', async () => {
			const added = await addOrder(sb, v1AddBody({ order: { create_date: '2024-05-12 09:00' } }));
			const id = added.body.Order.order_id;
			expect(sb.getOrder(id)?.lastModificationTime).toBe(MAY_8_IST);
			sb.clock.advance(60_000);
			await addOrder(sb, v1AddBody({ order: { update: true, order_id: String(id), remarks: 'edited' } }));
			expect(sb.getOrder(id)?.lastModificationTime).toBe(MAY_8_IST + 60_000);
		});

		test('create_date in a write is read in the account timezone', async () => {
			const v1Res = await addOrder(sb, v1AddBody({ order: { create_date: '2024-05-08 10:15:00' } }));
			expect(sb.getOrder(v1Res.body.Order.order_id)!.createDate).toBe(MAY_8_IST + 10.25 * HOUR);
			const pushed = await pushPartner(sb, [{ customer_name: 'A', phone: '9000000009', create_date: '2024-05-08 10:15' }]);
			const order = sb.getOrder(Number(pushed.body[0].order_id))!;
			expect(order.createDate).toBe(MAY_8_IST + 10.25 * HOUR);
			expect((await getPartner(sb, order.id)).body.message.createDate).toBe('2024-05-08 10:15:00');
		});

		test('sortOnModificationDate pulls by lastModificationTime', async () => {
			const order = sb.insertOrder({ createDate: MAY_8_IST + HOUR });
			sb.clock.set(MAY_9_IST + HOUR);
			await pushPartner(sb, [{ order_id: String(order.id), order_status: 'DL' }]);
			const byCreate = await pullPartner(sb, { start_date: '2024-05-09', sortOnModificationDate: 'false' });
			expect(byCreate.body.Message).toBe('No orders between dates');
			const byModification = await pullPartner(sb, { start_date: '2024-05-09', sortOnModificationDate: 'true' });
			expect(byModification.body.orders.map((o: { id: string }) => o.id)).toEqual([String(order.id)]);
			expect(byModification.body.orders[0].lastModificationTime).toBe('2024-05-09 01:00:00');
		});

		test('seeded orders end at now, one minute apart', () => {
			const seeded = sb.seedOrders(3);
			expect(seeded.map((o) => o.createDate)).toEqual([MAY_8_IST - 120_000, MAY_8_IST - 60_000, MAY_8_IST]);
		});
	});
});
