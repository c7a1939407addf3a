import http from 'node:http';

import { addOrder, call, fixture, pullV1, pushPartner, v1AddBody } from './helpers';
import { FIRST_CONTACT_ID, FIRST_CUSTOMER_ID, FIRST_ENQUIRY_ID, FIRST_ORDER_ID } from './store';
import { PATHS, startSandbox } from './server';
import type { KaptureSandbox } from './types';

const NOW = Date.UTC(2024, 4, 8, 6, 30);

let sb: KaptureSandbox;
beforeAll(async () => {
	sb = await startSandbox({ now: NOW, quiet: true });
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.reset();
	sb.clock.set(NOW);
});

describe('customers, enquiries, contacts', () => {
	test('ids count up from Kapture-like starting points', async () => {
		const a = await addOrder(sb, v1AddBody());
		const b = await addOrder(sb, v1AddBody({ customer: { phone: '9000000002', email_id: 'b@example.com' } }));
		expect(a.body.Order).toMatchObject({
			order_id: FIRST_ORDER_ID,
			customer_id: FIRST_CUSTOMER_ID,
			enquiry_id: FIRST_ENQUIRY_ID,
			contact_id: FIRST_CONTACT_ID,
		});
		expect(b.body.Order).toMatchObject({
			order_id: FIRST_ORDER_ID + 1,
			customer_id: FIRST_CUSTOMER_ID + 1,
			enquiry_id: FIRST_ENQUIRY_ID + 1,
			contact_id: FIRST_CONTACT_ID + 1,
		});
	});

	test('a customer is matched by customer_id, else phone, else email; each order gets its own enquiry', async () => {
		const first = (await addOrder(sb, v1AddBody())).body.Order;
		const samePhone = (await addOrder(sb, v1AddBody({ customer: { email_id: '' } }))).body.Order;
		const sameEmail = (await addOrder(sb, v1AddBody({ customer: { phone: '' } }))).body.Order;
		const byId = (await addOrder(sb, v1AddBody({ customer: { customer_id: String(first.customer_id), phone: '9999999999' } }))).body.Order;
		for (const order of [samePhone, sameEmail, byId]) expect(order.customer_id).toBe(first.customer_id);
		expect(new Set([first, samePhone, sameEmail, byId].map((o) => o.enquiry_id)).size).toBe(4);
		// The contact with the same phone is reused.
		expect(samePhone.contact_id).toBe(first.contact_id);
		expect(sb.counts()).toMatchObject({ customers: 1, enquiries: 4, orders: 4 });
	});

	test('an existing enquiry_id or contact_id is used as given', async () => {
		const first = (await addOrder(sb, v1AddBody())).body.Order;
		const body = v1AddBody();
		body.enquiry_info = { enquiry_id: String(first.enquiry_id) };
		body.contact_info = [{ contact_id: first.contact_id }];
		const second = (await addOrder(sb, body)).body.Order;
		expect(second).toMatchObject({ enquiry_id: first.enquiry_id, contact_id: first.contact_id });
		expect(sb.counts()).toMatchObject({ enquiries: 1, contacts: 1, orders: 2 });
	});

	test('partner push matches customers the same way', async () => {
		const v1Order = (await addOrder(sb, v1AddBody())).body.Order;
		const pushed = await pushPartner(sb, [{ customer_name: 'Other Name', phone: '9000000001' }]);
		expect(pushed.body[0].kapture_customer_id).toBe(String(v1Order.customer_id));
		const byId = await pushPartner(sb, [{ customer_id: String(v1Order.customer_id) }]);
		expect(byId.body[0].kapture_customer_id).toBe(String(v1Order.customer_id));
		expect(sb.getOrder(Number(byId.body[0].order_id))!.customerName).toBe('Test Customer');
	});
});

describe('v1 add and update fields', () => {
	test('an add stores what was sent', async () => {
		const res = await addOrder(
			sb,
			v1AddBody({
				order: {
					delivery_status: 'PD',
					erp_order_id: 'ERP-1',
					erp_invoice_no: 'INV-9',
					invoice_no: '77',
					invoice_date: '2024-05-01',
					unit_name: 'U1',
					block_name: 'B1',
					ticket_id: 'T-5',
					encryptOrder: 'enc',
					payment_mode: 'cash',
					dealDetails: 'deal',
					assign_emp_name: 'Ravi',
					assign_emp_code: 'E42',
					assign_emp_email: 'ravi@example.com',
					associate_fields: { colour: 'red', nested: { a: 1 } },
					attr3: 'x',
					remarks: 'hello',
				},
			}),
		);
		expect(sb.getOrder(res.body.Order.order_id)).toMatchObject({
			deliveryStatus: 'PD',
			erpOrderId: 'ERP-1',
			erpInvoiceNo: 'INV-9',
			invoiceNo: '77',
			invoiceDate: '2024-05-01',
			unitName: 'U1',
			blockName: 'B1',
			ticketId: 'T-5',
			encryptOrder: 'enc',
			paymentMode: 'cash',
			dealDetails: 'deal',
			assignEmpName: 'Ravi',
			assignEmpCode: 'E42',
			assignEmpEmail: 'ravi@example.com',
			associateFields: { colour: 'red', nested: { a: 1 } },
			attr3: 'x',
			remarks: 'hello',
			creatorId: 209803,
			assignedToId: 209803,
		});
	});

	test('an update changes only fields sent non-empty, merges associate_fields, takes string or boolean flags', async () => {
		const id = (await addOrder(sb, v1AddBody({ order: { remarks: 'one', erp_order_id: 'E1', associate_fields: { a: 1 } } }))).body.Order.order_id;
		await addOrder(sb, v1AddBody({ order: { update: 'true', order_id: id, remarks: '', invoice_no: 'I2', associate_fields: { b: 2 } } }));
		expect(sb.getOrder(id)).toMatchObject({ remarks: 'one', erpOrderId: 'E1', invoiceNo: 'I2', associateFields: { a: 1, b: 2 } });
		await addOrder(sb, v1AddBody({ order: { update: true, order_id: String(id), remarks: 'two' } }));
		expect(sb.getOrder(id)!.remarks).toBe('two');
	});

	test('customer details change on update only with customer_info.update', async () => {
		const id = (await addOrder(sb, v1AddBody())).body.Order.order_id;
		await addOrder(sb, v1AddBody({ customer: { customer_name: 'Renamed' }, order: { update: true, order_id: id } }));
		expect(sb.getOrder(id)!.customerName).toBe('Test Customer');
		await addOrder(sb, v1AddBody({ customer: { customer_name: 'Renamed', update: true }, order: { update: true, order_id: id } }));
		expect(sb.getOrder(id)!.customerName).toBe('Renamed');
		expect(sb.customers()[0].name).toBe('Renamed');
	});
});

describe('v1 pull filters', () => {
	test('each filter narrows as documented in the README', async () => {
		const a = sb.insertOrder({
			customerName: 'Asha Rao', phone: '+91 98450 00001', email: 'Asha@Example.com', erpOrderId: 'E-1', erpInvoiceNo: 'INV-1',
			deliveryStatus: 'AP', deliverySubStatus: 'NEW', creatorId: 11, assignedToId: 21, zoneId: 31, blockId: 41, unitId: 51, attr5: 'web',
		});
		const b = sb.insertOrder({
			customerName: 'Ravi Kumar', phone: '9845000002', email: 'ravi@example.com', erpOrderId: 'E-2', erpInvoiceNo: 'INV-2',
			deliveryStatus: 'DL', deliverySubStatus: 'SHIPPED', creatorId: 12, assignedToId: 22, zoneId: 32, blockId: 42, unitId: 52, attr5: 'store',
		});
		const cases: Array<[Record<string, unknown>, number[]]> = [
			[{ name: 'asha' }, [a.id]],
			[{ phone: '919845000001' }, [a.id]],
			[{ email: 'asha@example.com' }, [a.id]],
			[{ customerIds: `${a.customerId},${b.customerId}` }, [b.id, a.id]],
			[{ leadIdStr: String(b.customerId) }, [b.id]],
			[{ orderIds: String(a.id) }, [a.id]],
			[{ enquiryIds: String(b.enquiryId) }, [b.id]],
			[{ erpOrderId: 'E-2' }, [b.id]],
			[{ clientReferenceIds: 'E-1,E-9' }, [a.id]],
			[{ erpInvoiceId: 'INV-1' }, [a.id]],
			[{ bookingStatus: 'dl' }, [b.id]],
			[{ bookingSubStatus: 'NEW' }, [a.id]],
			[{ creatorIdStr: '12' }, [b.id]],
			[{ assignIdStr: '21,22' }, [b.id, a.id]],
			[{ zoneIdStr: '31' }, [a.id]],
			[{ blockId: 42 }, [b.id]],
			[{ unitId: '51' }, [a.id]],
			[{ attr5: 'store' }, [b.id]],
			[{ bookingStatus: 'AP', zoneIdStr: '32' }, []],
			[{ bookingStartDate: '2020-01-01' }, [b.id, a.id]],
		];
		for (const [filter, expected] of cases) {
			const res = await pullV1(sb, filter);
			expect({ filter, ids: res.body.order_details.map((o: { id: number }) => o.id) }).toEqual({ filter, ids: expected });
		}
	});

	test('orders come back without sandbox-only fields but with attr fields', async () => {
		const order = sb.insertOrder({ attr1: 'a', productDetails: [{ sku_id: 'S' }] });
		const [got] = (await pullV1(sb, { orderIds: String(order.id) })).body.order_details;
		expect(got).not.toHaveProperty('source');
		expect(got).not.toHaveProperty('productDetails');
		expect(got.attr1).toBe('a');
		expect(got.attr15).toBe('');
	});
});

describe('direct access', () => {
	test('insertOrder creates consistent records and returns copies', () => {
		const order = sb.insertOrder({ customerName: 'Zed', phone: '9000000003', associateFields: { k: 'v' } });
		expect(order).toMatchObject({ createDate: NOW, lastModificationTime: NOW, source: 'seed', cmId: 1000298 });
		expect(sb.counts()).toMatchObject({ customers: 1, enquiries: 1, contacts: 1, orders: 1 });
		order.remarks = 'changed outside';
		order.associateFields.k = 'changed';
		expect(sb.getOrder(order.id)).toMatchObject({ remarks: '', associateFields: { k: 'v' } });
		expect(() => sb.insertOrder({ id: order.id })).toThrow(/already exists/);
	});

	test('seeded data is deterministic for the same options', async () => {
		const other = await startSandbox({ now: NOW, quiet: true });
		try {
			expect(other.seedOrders(50)).toEqual(sb.seedOrders(50));
		} finally {
			await other.close();
		}
		const seeded = sb.listOrders();
		expect(new Set(seeded.map((o) => o.deliveryStatus))).toEqual(new Set(['AP', 'PD', 'DL', 'CN']));
		expect(seeded.every((o) => o.customerName && o.phone && o.email && o.source === 'seed')).toBe(true);
	});

	test('attr1Choices changes only attr1 of generated orders (seed, seedOrders, POST /__sandbox/orders), and survives reset', async () => {
		const plain = await startSandbox({ now: NOW, quiet: true, seed: 40 });
		// Generated choice lists: 1 to 6 values, digits, empty, spaces, non-ASCII, commas.
		const alphabet = ['9', '10', '', ' 11 ', 'zwölf', '१३', 'a,b', '12'];
		try {
			for (let size = 1; size <= 6; size++) {
				const choices = Array.from({ length: size }, (_, i) => alphabet[(i * 3 + size) % alphabet.length]);
				const chosen = await startSandbox({ now: NOW, quiet: true, seed: 40, attr1Choices: choices });
				try {
					expect(chosen.listOrders().map((o) => o.attr1).filter((v) => !choices.includes(v))).toEqual([]);
					chosen.reset();
					chosen.seedOrders(40);
					const res = await fetch(`${chosen.baseUrl}/__sandbox/orders`, { method: 'POST', body: JSON.stringify({ count: 40 }) });
					expect(res.status).toBe(200);
					plain.reset();
					plain.seedOrders(40);
					await fetch(`${plain.baseUrl}/__sandbox/orders`, { method: 'POST', body: JSON.stringify({ count: 40 }) });
					const mine = chosen.listOrders();
					const theirs = plain.listOrders();
					expect(mine).toHaveLength(80);
					const strip = ({ attr1: _a, createDate: _c, lastModificationTime: _l, ...rest }: { attr1: string; createDate: number; lastModificationTime: number }) => rest;
					expect(mine.map(strip)).toEqual(theirs.map(strip));
					for (const order of mine) expect(choices).toContain(order.attr1);
					expect(new Set(mine.map((o) => o.attr1))).toEqual(new Set(choices));
					for (const order of theirs) expect(['', 'web', 'store', 'phone']).toContain(order.attr1);
				} finally {
					await chosen.close();
				}
			}
		} finally {
			await plain.close();
		}
		await expect(startSandbox({ quiet: true, attr1Choices: [] })).rejects.toThrow(/attr1Choices needs at least one value/);
	});

	test('seedOrders takes an init object or function', () => {
		const a = sb.seedOrders(2, { deliveryStatus: 'XX' });
		const b = sb.seedOrders(2, (i) => ({ remarks: `r${i}` }));
		expect(a.map((o) => o.deliveryStatus)).toEqual(['XX', 'XX']);
		expect(b.map((o) => o.remarks)).toEqual(['r0', 'r1']);
	});

	test('the start option seeds orders', async () => {
		const seeded = await startSandbox({ seed: 25, quiet: true });
		try {
			expect(seeded.counts().orders).toBe(25);
		} finally {
			await seeded.close();
		}
	});

	test('reset empties store, log and faults', async () => {
		sb.seedOrders(3);
		await pullV1(sb, { customerIds: '1' });
		sb.faults.script({ kind: 'serverError' });
		sb.reset();
		expect(sb.counts()).toEqual({ customers: 0, enquiries: 0, contacts: 0, orders: 0, payments: 0 });
		expect(sb.requests()).toEqual([]);
		expect((await pullV1(sb, { customerIds: '1' })).status).toBe(200);
		expect(sb.requests()[0].seq).toBe(1);
	});
});

describe('request log', () => {
	test('entries hold what a test needs, oldest first', async () => {
		await addOrder(sb, v1AddBody());
		await pushPartner(sb, fixture('partner-push.request'));
		const [first, second] = sb.requests();
		expect(first).toMatchObject({ seq: 1, at: NOW, method: 'POST', path: PATHS.v1AddUpdate, api: 'v1AddUpdate', authorized: true, status: 200 });
		expect(first.body).toEqual(v1AddBody());
		expect(first.durationMs).toBeGreaterThan(0);
		expect(second).toMatchObject({ seq: 2, api: 'orderPush' });
		sb.clearRequests();
		expect(sb.requests()).toEqual([]);
	});

	test('the log keeps the newest maxLogEntries', async () => {
		const small = await startSandbox({ maxLogEntries: 3, quiet: true });
		try {
			for (let i = 0; i < 1010; i++) await pullV1(small, { customerIds: String(i + 1) });
			expect(small.requests().map((r) => r.seq)).toEqual([1008, 1009, 1010]);
		} finally {
			await small.close();
		}
	});
});

describe('inspection endpoints', () => {
	test('GET /__sandbox/state: counts, in-flight, last requests, clock; no secrets', async () => {
		sb.seedOrders(2);
		await addOrder(sb, v1AddBody());
		const res = await call(sb, `${PATHS.inspectState}?limit=1`, undefined, undefined, 'GET');
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({
			counts: { orders: 3 },
			inFlight: { current: 1 },
			clock: { now: NOW, frozen: true },
		});
		expect(res.body.requests).toHaveLength(1);
		expect(res.body.requests[0].api).toBe('inspect');
		for (const secret of ['sandbox-password', 'sandbox-auth-key', 'c2FuZGJveC11c2Vy']) expect(res.text).not.toContain(secret);
	});

	test('GET /__sandbox/orders pages stored orders in creation order', async () => {
		const seeded = sb.seedOrders(5);
		const res = await call(sb, `${PATHS.inspectOrders}?limit=2&offset=1`, undefined, undefined, 'GET');
		expect(res.body.total).toBe(5);
		expect(res.body.orders.map((o: { id: number }) => o.id)).toEqual([seeded[1].id, seeded[2].id]);
	});

	test('POST /__sandbox/orders inserts new orders dated now', async () => {
		const one = await call(sb, PATHS.inspectOrders, undefined, undefined, 'POST');
		expect(one.body).toMatchObject({ status: 'success', inserted: 1 });
		const many = await call(sb, PATHS.inspectOrders, { count: 3, order: { deliveryStatus: 'NEW', attr1: 'demo' } });
		expect(many.body.inserted).toBe(3);
		expect(many.body.orders.every((o: { createDate: number; deliveryStatus: string }) => o.createDate === NOW && o.deliveryStatus === 'NEW')).toBe(true);
		expect(sb.counts().orders).toBe(4);
		expect((await call(sb, PATHS.inspectOrders, { count: 0 })).status).toBe(400);
		expect((await call(sb, PATHS.inspectOrders, { order: { createDate: 'today' } })).status).toBe(400);
		expect((await call(sb, PATHS.inspectOrders, { count: 2, order: { id: 5 } })).status).toBe(400);
	});
});

describe('connections', () => {
	test('close() ends idle keep-alive connections at once', async () => {
		const local = await startSandbox({ quiet: true });
		const agent = new http.Agent({ keepAlive: true });
		await new Promise<void>((resolve, reject) => {
			http.get(`${local.baseUrl}${PATHS.inspectState}`, { agent }, (res) => {
				res.resume();
				res.on('end', resolve);
			}).on('error', reject);
		});
		const started = Date.now();
		await local.close();
		// Without closing idle sockets this would wait for the 30 s keep-alive timeout.
		expect(Date.now() - started).toBeLessThan(5000);
		await local.close();
		agent.destroy();
	});

	test('the v1 pull also answers the documented GET with a body', async () => {
		const order = sb.insertOrder();
		const auth = `Basic ${Buffer.from('sandbox-user:sandbox-password').toString('base64')}`;
		const body = JSON.stringify({ cmId: 1000298, orderIds: String(order.id) });
		const answer = await new Promise<string>((resolve, reject) => {
			const req = http.request(
				`${sb.baseUrl}${PATHS.v1Pull}`,
				{ method: 'GET', headers: { Authorization: auth, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
				(res) => {
					let text = '';
					res.on('data', (c: Buffer) => (text += c.toString()));
					res.on('end', () => resolve(text));
				},
			);
			req.on('error', reject);
			req.end(body);
		});
		expect(JSON.parse(answer).order_details[0].id).toBe(order.id);
	});
});
