// How the v1 pull searches by ERP Order ID: as the sandbox has always done
// ('filters'), and as Kapture's page literally promises (literalDocs: the key
// is accepted and filters nothing, the records do not carry it).

import { pullV1 } from './helpers';
import { startSandbox } from './server';
import type { KaptureSandbox } from './types';

let sb: KaptureSandbox;
beforeAll(async () => {
	sb = await startSandbox({ quiet: true });
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.reset();
	sb.setPullBehaviour({ erpOrderIdSearch: 'filters', recordsWithoutErpOrderId: false });
	sb.insertOrder({ erpOrderId: 'SO-1', attr1: 'a1' });
	sb.insertOrder({ erpOrderId: 'SO-2' });
	sb.insertOrder({ erpOrderId: '2' });
});

const erpIdsOf = (answer: { body: { order_details: Array<Record<string, unknown>> } }) =>
	answer.body.order_details.map((order) => order.erpOrderId).sort();

test("'filters' (the default): exact ERP Order IDs, a comma-separated list, records carry it", async () => {
	expect(erpIdsOf(await pullV1(sb, { erpOrderId: 'SO-1' }))).toEqual(['SO-1']);
	expect(erpIdsOf(await pullV1(sb, { erpOrderId: 'SO-1,2' }))).toEqual(['2', 'SO-1']);
	expect((await pullV1(sb, { erpOrderId: 'SO' })).body.order_details).toEqual([]);
});

test("'ignored': accepted as the only filter, every order returned", async () => {
	sb.setPullBehaviour({ erpOrderIdSearch: 'ignored' });
	const answer = await pullV1(sb, { erpOrderId: 'NO-SUCH-ID' });
	expect(answer.status).toBe(200);
	expect(erpIdsOf(answer)).toEqual(['2', 'SO-1', 'SO-2']);
	// Other filters still filter.
	const [first] = sb.listOrders();
	expect((await pullV1(sb, { erpOrderId: 'x', orderIds: String(first.id) })).body.order_details).toHaveLength(1);
});

test("'matchesNothing': accepted, nothing ever found by it", async () => {
	sb.setPullBehaviour({ erpOrderIdSearch: 'matchesNothing' });
	expect((await pullV1(sb, { erpOrderId: 'SO-1' })).body.order_details).toEqual([]);
	expect((await pullV1(sb, { createStartDate: '2000-01-01' })).body.order_details).toHaveLength(3);
});

test('recordsWithoutErpOrderId: the documented record, without erpOrderId and attr1..15', async () => {
	sb.setPullBehaviour({ recordsWithoutErpOrderId: true });
	const [record] = (await pullV1(sb, { erpOrderId: 'SO-1' })).body.order_details;
	expect(record).toMatchObject({ id: expect.any(Number), customerId: expect.any(Number), createDate: expect.any(Number) });
	expect(record).not.toHaveProperty('erpOrderId');
	expect(Object.keys(record).filter((key) => /^attr\d+$/.test(key))).toEqual([]);
});

test('literalDocs sets both, and the state shows the behaviour', async () => {
	const literal = await startSandbox({ quiet: true, literalDocs: true });
	try {
		expect(literal.pullBehaviour()).toEqual({ erpOrderIdSearch: 'ignored', recordsWithoutErpOrderId: true });
		literal.insertOrder({ erpOrderId: 'A' });
		literal.insertOrder({ erpOrderId: 'B' });
		const answer = await pullV1(literal, { erpOrderId: 'A' });
		expect(answer.body.order_details).toHaveLength(2);
		expect(answer.body.order_details.every((order: object) => !('erpOrderId' in order))).toBe(true);
		const state = (await fetch(`${literal.baseUrl}/__sandbox/state`).then(async (r) => await r.json())) as { config: { pull: unknown } };
		expect(state.config.pull).toEqual({ erpOrderIdSearch: 'ignored', recordsWithoutErpOrderId: true });
	} finally {
		await literal.close();
	}
});

test('an unknown behaviour is refused', () => {
	expect(() => sb.setPullBehaviour({ erpOrderIdSearch: 'sometimes' as never })).toThrow(/erpOrderIdSearch must be one of/);
});
