// Every operation of the Kapture Order node, run by a real n8n (`n8n execute`)
// against the Kapture sandbox, with BOTH endpoint choices where the node
// offers two. Each test checks what the sandbox holds afterwards, not only
// what n8n output. Then Continue On Fail on and off, and a refused login.
//
// One n8n user folder, one package install, one credential import and one
// workflow import (all workflows in one file) for the whole file; each test
// then costs one `n8n execute` (a fresh n8n process, ~5 s).
//
// Run: npm run build && node --test --test-concurrency=1 test/e2e/operations.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
	byId,
	credentialData,
	importKaptureCredentials,
	importWorkflows,
	nodeError,
	orderWorkflow,
	prepareN8n,
	startSandbox,
	stopwatch,
} from './lib/harness.mjs';

const MIN = 60_000;
// The sandbox's clock is frozen here (11:30 in the account's time zone, IST).
const NOW = Date.UTC(2024, 4, 8, 6, 0, 0);
/** Epoch ms of a wall-clock time in IST (UTC+05:30). */
const ist = (y, mo, d, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi) - 330 * MIN;
// The sandbox silently serves at most this many orders per page.
const PAGE_CAP = 7;
const PULL_COUNT = 25;
const PARALLEL_ITEMS = Array.from({ length: 6 }, (_, i) => ({ name: `Parallel Customer ${i + 1}`, phone: `90000001${i}${i}`, erp: `ERP-PAR-${i + 1}` }));

describe('Kapture Order node in n8n: operations against the sandbox', { timeout: 15 * MIN }, () => {
	const clock = stopwatch('operations');
	let sb;
	let env;
	let n8n;
	/** workflow ids by key */
	const wf = {};
	/** seeded orders by role */
	const seeded = {};

	before(async () => {
		sb = await startSandbox({ now: NOW, pageSizeCap: PAGE_CAP });

		// Orders the pulls must return: 21:00 IST on May 1st, every 8 minutes,
		// so they span two days (23 on May 1st, 2 on May 2nd).
		seeded.pull = sb.seedOrders(PULL_COUNT, (i) => {
			const at = ist(2024, 5, 1, 21, 0) + i * 8 * MIN;
			return { createDate: at, lastModificationTime: at, attr1: 'e2e-pull' };
		});
		// Just outside the pulled days: must not come back.
		seeded.decoys = [
			...sb.seedOrders(3, (i) => ({ createDate: ist(2024, 4, 30, 23, 50 + i), lastModificationTime: ist(2024, 4, 30, 23, 50 + i) })),
			...sb.seedOrders(3, (i) => ({ createDate: ist(2024, 5, 3, 0, i), lastModificationTime: ist(2024, 5, 3, 0, i) })),
		];
		// Targets of update, get, pay and the error cases (May 7th).
		const may7 = (h) => ({ createDate: ist(2024, 5, 7, h), lastModificationTime: ist(2024, 5, 7, h) });
		[seeded.updateV1, seeded.updatePartner, seeded.get, seeded.pay, seeded.continueOnFail] = sb.seedOrders(5, (i) => ({
			...may7(9 + i),
			erpOrderId: `ERP-SEED-${i}`,
			remarks: 'as seeded',
			deliveryStatus: 'AP',
		}));
		// The order Create or Update finds by its ERP Order ID, and Skip skips.
		[seeded.upsert] = sb.seedOrders(1, () => ({ ...may7(15), erpOrderId: 'ERP-E2E-UPSERT', remarks: 'as seeded' }));

		env = await prepareN8n('operations');
		n8n = env.n8n;
		clock.mark('n8n folder + package');

		const [credential, wrongPassword] = await importKaptureCredentials(n8n, [
			{ name: 'Kapture sandbox', data: credentialData(sb) },
			{ name: 'Kapture wrong password', data: credentialData(sb, { password: 'not-the-password' }) },
		]);
		const u1 = seeded.updateV1;
		const u2 = seeded.updatePartner;
		const cof = seeded.continueOnFail;

		const definitions = {
			addV1: orderWorkflow('add (v1)', {
				operation: 'add',
				api: 'v1',
				customerName: 'Asha Rao',
				phone: '9380491257',
				email: 'asha.rao@example.com',
				customerFields: { city: 'Pune', customerCode: 'CUST-E2E-1' },
				contacts: { contact: [{ firstName: 'Asha', lastName: 'Rao', phone: '9380491257', email: 'asha.rao@example.com' }] },
				enquiryFields: { remarks: 'enquiry from n8n' },
				orderFields: {
					erpOrderId: 'ERP-E2E-V1',
					remarks: 'first order from n8n',
					invoiceNo: 'INV-E2E-1',
					createDate: '2024-05-08T10:15:00',
				},
			}, { credential }),
			addPartner: orderWorkflow('add (partner)', {
				operation: 'add',
				api: 'partner',
				customerName: 'Vikram Shah',
				phone: '9820012345',
				email: 'vikram.shah@example.com',
				partnerFields: {
					erpOrderId: 'ERP-E2E-P',
					grandTotal: 2450,
					orderType: 'online',
					shippingAddress: '12 MG Road, Pune',
					zipCode: '411001',
					createDate: '2024-05-08T09:30:00',
				},
				products: {
					product: [
						{ productName: 'Kettle', skuId: 'KT-1', rate: 1200, quantity: 2, discount: 100 },
						{ productName: 'Mug', skuId: 'MG-2', rate: 150, quantity: 1, discount: 0 },
					],
				},
			}, { credential }),
			// Six items, three requests at a time.
			addV1Parallel: orderWorkflow('add (v1), six items, 3 in parallel', {
				operation: 'add',
				api: 'v1',
				customerName: '={{ $json.name }}',
				phone: '={{ $json.phone }}',
				orderFields: { erpOrderId: '={{ $json.erp }}' },
				options: { parallelRequests: 3 },
			}, { credential, items: PARALLEL_ITEMS }),
			updateV1: orderWorkflow('update (v1)', {
				operation: 'update',
				api: 'v1',
				orderId: String(u1.id),
				customerName: u1.customerName,
				phone: u1.phone,
				orderFields: { remarks: 'changed by n8n (v1)', deliveryStatus: 'DL', erpInvoiceNo: 'INV-UPD-1' },
			}, { credential }),
			updatePartner: orderWorkflow('update (partner)', {
				operation: 'update',
				api: 'partner',
				orderId: String(u2.id),
				phone: u2.phone,
				partnerFields: { grandTotal: 999.5, orderStatus: 'PD', shippingAddress: '7 Park Street, Kolkata' },
				products: { product: [{ productName: 'Replacement part', skuId: 'RP-9', rate: 500, quantity: 2, discount: 0 }] },
			}, { credential }),
			pullV1: orderWorkflow('pull (v1), return all, 5 per page', {
				operation: 'pull',
				api: 'v1',
				returnAll: true,
				filters: { createStartDate: '2024-05-01T00:00:00', createEndDate: '2024-05-02T00:00:00' },
				simplify: true,
				options: { pageSize: 5 },
			}, { credential }),
			pullPartner: orderWorkflow('pull (partner), return all, asks 10 per page, gets 7', {
				operation: 'pull',
				api: 'partner',
				startDate: '2024-05-01T00:00:00',
				endDate: '2024-05-02T00:00:00',
				returnAll: true,
				simplify: true,
				options: { pageSize: 10 },
			}, { credential }),
			getV1: orderWorkflow('get (v1)', { operation: 'get', api: 'v1', orderId: byId(seeded.get.id), simplify: true }, { credential }),
			getPartner: orderWorkflow('get (partner)', { operation: 'get', api: 'partner', orderId: byId(seeded.get.id), simplify: true }, { credential }),
			pay: orderWorkflow('pay', {
				operation: 'pay',
				orderId: String(seeded.pay.id),
				customerId: String(seeded.pay.customerId),
				amount: 1500.75,
				paymentMode: 'cheque',
				chequeNumber: '004512',
				chequeDate: '2024-05-07T00:00:00',
				bankName: 'HDFC Bank',
				paymentId: 'PAY-E2E-1',
				erpOrderId: seeded.pay.erpOrderId,
				remarks: 'paid by cheque',
			}, { credential }),
			// Two items, the second names an order Kapture does not have.
			continueOnFailOn: orderWorkflow('update, continue on fail ON', {
				operation: 'update',
				api: 'v1',
				orderId: '={{ $json.orderId }}',
				customerName: cof.customerName,
				phone: cof.phone,
				orderFields: { remarks: '={{ $json.remarks }}' },
			}, {
				credential,
				onError: 'continueRegularOutput',
				items: [
					{ orderId: String(cof.id), remarks: 'good item, updated' },
					{ orderId: '99999999', remarks: 'bad item' },
				],
			}),
			// Partner API refusal (HTTP 200, "Status": "failed"), Continue On Fail on.
			getUnknownPartner: orderWorkflow('get (partner) of an unknown order, continue on fail ON', {
				operation: 'get',
				api: 'partner',
				orderId: byId('99999997'),
				simplify: true,
			}, { credential, onError: 'continueRegularOutput' }),
			continueOnFailOff: orderWorkflow('update, continue on fail OFF', {
				operation: 'update',
				api: 'v1',
				orderId: '99999998',
				customerName: 'Nobody',
				phone: '9000000000',
				orderFields: { remarks: 'must not be written' },
			}, { credential }),
			upsertV1: orderWorkflow('create or update (v1): one existing order, one new', {
				operation: 'upsert',
				api: 'v1',
				erpOrderId: '={{ $json.erp }}',
				customerName: '={{ $json.name }}',
				phone: '={{ $json.phone }}',
				orderFields: { remarks: '={{ $json.remarks }}' },
			}, {
				credential,
				items: [
					{ erp: 'ERP-E2E-UPSERT', name: 'Seeded Customer', phone: '9811100000', remarks: 'updated by Create or Update' },
					{ erp: 'ERP-E2E-UPSERT-NEW', name: 'Neha Kapoor', phone: '9811100001', remarks: 'created by Create or Update' },
				],
			}),
			upsertPartner: orderWorkflow('create or update (partner)', {
				operation: 'upsert',
				api: 'partner',
				erpOrderId: 'ERP-E2E-UPSERT-P',
				customerName: 'Kiran Das',
				phone: '9811100002',
				partnerFields: { shippingAddress: '={{ $json.address }}' },
			}, { credential, items: [{ address: '1 Lake Road' }] }),
			addSkip: orderWorkflow('add (v1), If the ERP Order ID Exists: Skip', {
				operation: 'add',
				api: 'v1',
				customerName: 'Skip Me',
				phone: '9811100003',
				orderFields: { erpOrderId: 'ERP-E2E-UPSERT' },
				options: { ifErpOrderIdExists: 'skip' },
			}, { credential }),
			addLostAnswer: orderWorkflow('add (v1), ERP Order ID, Skip, the answer lost after Kapture stored the order', {
				operation: 'add',
				api: 'v1',
				customerName: 'Lost Answer',
				phone: '9811100004',
				orderFields: { erpOrderId: 'ERP-E2E-LOST' },
				// Skip looks first, so an order found after the lost answer is provably this item's.
				options: { ifErpOrderIdExists: 'skip' },
			}, { credential, onError: 'continueRegularOutput' }),
			addLostAnswerNoErp: orderWorkflow('add (v1), no ERP Order ID, the answer lost after Kapture stored the order', {
				operation: 'add',
				api: 'v1',
				customerName: 'Lost Answer Unkeyed',
				phone: '9811100005',
			}, { credential, onError: 'continueRegularOutput' }),
			wrongPassword: orderWorkflow('add with a wrong password', {
				operation: 'add',
				api: 'v1',
				customerName: 'Refused Customer',
				phone: '9111111111',
			}, { credential: wrongPassword }),
		};
		const keys = Object.keys(definitions);
		const ids = await importWorkflows(n8n, Object.values(definitions));
		keys.forEach((key, i) => (wf[key] = ids[i]));
		clock.mark('imports');
	});

	after(async () => {
		clock.report();
		if (env) await env.cleanup();
		if (sb) await sb.close();
	});

	/** Runs a workflow; returns its run data and the sandbox requests it made. */
	async function run(key, options) {
		const from = sb.requests().length;
		const result = await n8n.execute(wf[key], options);
		clock.mark(key);
		return { result, requests: sb.requests().slice(from) };
	}

	test('add, v1: the order, its customer and contact exist with the fields sent', async () => {
		const ordersBefore = sb.counts().orders;
		const { result, requests } = await run('addV1');
		const out = n8n.outputOf(result, 'Kapture');
		assert.equal(out.length, 1);
		const answer = out[0].json;
		assert.equal(answer.status, 'success');
		assert.equal(answer.action_event, 'ADD_ORDER');

		assert.equal(sb.counts().orders, ordersBefore + 1);
		const order = sb.getOrder(Number(answer.order_id));
		assert.ok(order, `order ${answer.order_id} is in the sandbox`);
		assert.equal(order.source, 'v1');
		assert.equal(order.customerName, 'Asha Rao');
		assert.equal(order.phone, '9380491257');
		assert.equal(order.email, 'asha.rao@example.com');
		assert.equal(order.erpOrderId, 'ERP-E2E-V1');
		assert.equal(order.remarks, 'first order from n8n');
		assert.equal(order.invoiceNo, 'INV-E2E-1');
		assert.equal(order.createDate, ist(2024, 5, 8, 10, 15), 'Order Date reached Kapture as 2024-05-08 10:15 (account time)');
		assert.equal(order.customerId, Number(answer.customer_id));

		const customer = sb.customers().find((c) => c.id === order.customerId);
		assert.equal(customer.name, 'Asha Rao');
		assert.equal(customer.city, 'Pune');
		assert.equal(customer.customerCode, 'CUST-E2E-1');
		const contact = sb.contacts().find((c) => c.id === order.contactId);
		assert.equal(contact.customerId, order.customerId);
		assert.equal(contact.phone, '9380491257');
		const enquiry = sb.enquiries().find((e) => e.id === order.enquiryId);
		assert.equal(enquiry.customerId, order.customerId);
		assert.equal(enquiry.remarks, 'enquiry from n8n');

		assert.deepEqual(requests.map((r) => [r.api, r.authorized, r.status]), [['v1AddUpdate', true, 200]]);
	});

	test('add, partner: the order exists with its product lines and totals', async () => {
		const ordersBefore = sb.counts().orders;
		const { result, requests } = await run('addPartner');
		const out = n8n.outputOf(result, 'Kapture');
		assert.equal(out.length, 1);
		assert.equal(out[0].json.status, 'success');
		const orderId = Number(out[0].json.order_id);

		assert.equal(sb.counts().orders, ordersBefore + 1);
		const order = sb.getOrder(orderId);
		assert.ok(order, `order ${orderId} is in the sandbox`);
		assert.equal(order.source, 'partner');
		assert.equal(order.customerName, 'Vikram Shah');
		assert.equal(order.phone, '9820012345');
		assert.equal(order.email, 'vikram.shah@example.com');
		assert.equal(order.erpOrderId, 'ERP-E2E-P');
		assert.equal(order.grandTotal, 2450);
		assert.equal(order.orderType, 'online');
		assert.equal(order.shippingAddress, '12 MG Road, Pune');
		assert.equal(order.zipCode, '411001');
		assert.equal(order.createDate, ist(2024, 5, 8, 9, 30));
		assert.equal(order.productQuantity, 3);
		assert.equal(order.productValue, 2 * 1200 + 150);
		assert.equal(order.discount, 100);
		assert.deepEqual(
			order.productDetails.map((l) => [l.product_name, l.sku_id, Number(l.rate), Number(l.quantity), Number(l.discount)]),
			[
				['Kettle', 'KT-1', 1200, 2, 100],
				['Mug', 'MG-2', 150, 1, 0],
			],
		);
		assert.deepEqual(requests.map((r) => [r.api, r.authorized]), [['orderPush', true]]);
	});

	test('add, v1, six items with Parallel Requests 3: six orders, at most 3 requests at once, output in input order', async () => {
		const ordersBefore = sb.counts().orders;
		sb.setLatency(400); // so requests overlap for sure
		sb.resetPeak();
		let result;
		try {
			({ result } = await run('addV1Parallel'));
		} finally {
			sb.setLatency(0);
		}
		assert.equal(sb.inFlight().peak, 3);
		assert.equal(sb.counts().orders, ordersBefore + PARALLEL_ITEMS.length);
		const out = n8n.outputOf(result, 'Kapture');
		assert.equal(out.length, PARALLEL_ITEMS.length);
		out.forEach((item, i) => {
			const order = sb.getOrder(Number(item.json.order_id));
			assert.equal(order.erpOrderId, PARALLEL_ITEMS[i].erp, `output ${i} is the order of input ${i}`);
			assert.equal(order.customerName, PARALLEL_ITEMS[i].name);
			assert.deepEqual(item.pairedItem, { item: i });
		});
	});

	test('update, v1: the fields sent changed, the rest did not, no order was added', async () => {
		const target = seeded.updateV1;
		const ordersBefore = sb.counts().orders;
		const { result } = await run('updateV1');
		const out = n8n.outputOf(result, 'Kapture');
		assert.equal(out.length, 1);
		assert.equal(out[0].json.status, 'success');
		assert.equal(Number(out[0].json.order_id), target.id);

		assert.equal(sb.counts().orders, ordersBefore);
		const order = sb.getOrder(target.id);
		assert.equal(order.remarks, 'changed by n8n (v1)');
		assert.equal(order.deliveryStatus, 'DL');
		assert.equal(order.erpInvoiceNo, 'INV-UPD-1');
		assert.equal(order.erpOrderId, target.erpOrderId, 'a field not sent keeps its value');
		assert.equal(order.customerName, target.customerName);
		assert.equal(order.lastModificationTime, NOW);
	});

	test('update, partner: status, totals and product lines replaced on the same order', async () => {
		const target = seeded.updatePartner;
		const ordersBefore = sb.counts().orders;
		const { result } = await run('updatePartner');
		const out = n8n.outputOf(result, 'Kapture');
		assert.equal(out.length, 1);
		assert.equal(out[0].json.status, 'success');

		assert.equal(sb.counts().orders, ordersBefore);
		const order = sb.getOrder(target.id);
		assert.equal(order.deliveryStatus, 'PD');
		assert.equal(order.grandTotal, 999.5);
		assert.equal(order.shippingAddress, '7 Park Street, Kolkata');
		assert.deepEqual(order.productDetails.map((l) => [l.product_name, l.sku_id, Number(l.rate), Number(l.quantity)]), [['Replacement part', 'RP-9', 500, 2]]);
		assert.equal(order.customerName, target.customerName, 'a name not sent keeps its value');
		assert.equal(order.erpOrderId, target.erpOrderId);
		assert.equal(order.lastModificationTime, NOW);
	});

	const idsOf = (orders) => orders.map((o) => String(o.id)).sort();

	/** Asserts every seeded order came out exactly once; returns the seeded orders by id. */
	function assertEachSeededOrderOnce(out) {
		const ids = out.map((i) => i.json.id);
		assert.equal(new Set(ids).size, ids.length, 'no order twice');
		assert.deepEqual([...ids].sort(), idsOf(seeded.pull));
		return new Map(seeded.pull.map((o) => [String(o.id), o]));
	}

	test('pull, v1, Return All: every order of the two days exactly once, over several pages', async () => {
		const { result, requests } = await run('pullV1');
		const out = n8n.outputOf(result, 'Kapture');
		// Simplified: createdAt is the sandbox's createDate in ISO.
		const byIdMap = assertEachSeededOrderOnce(out);
		for (const item of out) {
			const o = byIdMap.get(item.json.id);
			assert.equal(item.json.createdAt, new Date(o.createDate).toISOString());
			assert.equal(item.json.customerName, o.customerName);
		}

		const pulls = requests.filter((r) => r.api === 'v1Pull');
		assert.ok(pulls.length >= Math.ceil(PULL_COUNT / 5), `read in pages of 5: ${pulls.length} requests`);
		assert.ok(pulls.every((r) => String(r.body.limit) === '5'), 'Page Size 5 sent as limit');
		assert.ok(pulls.every((r) => r.status === 200));
		assert.equal(pulls[0].body.createStartDate, '2024-05-01');
		assert.equal(pulls[0].body.createEndDate, '2024-05-02');
		assert.equal(Number(pulls[0].body.cmId), sb.credentials.cmId);
	});

	test('pull, partner, Return All: every order of the two days exactly once, though Kapture serves fewer per page than asked', async () => {
		const { result, requests } = await run('pullPartner');
		const out = n8n.outputOf(result, 'Kapture');
		const byIdMap = assertEachSeededOrderOnce(out);
		for (const item of out) {
			// Partner dates are wall-clock texts in IST; the workflow's time zone reads them back.
			assert.equal(item.json.createdAt, new Date(byIdMap.get(item.json.id).createDate).toISOString());
		}

		const pulls = requests.filter((r) => r.api === 'pullByDates');
		const days = new Set(pulls.map((r) => r.body[0].start_date));
		assert.deepEqual([...days].sort(), ['2024-05-01', '2024-05-02'], 'both days read');
		// 23 orders on May 1st at 7 per page: at least 4 pages for that day alone.
		assert.ok(pulls.filter((r) => r.body[0].start_date === '2024-05-01').length >= 4, `pages for May 1st: ${pulls.length}`);
		assert.ok(pulls.every((r) => Number(r.body[0].numberOfRecords) === 10), 'asked for 10 per page');
	});

	test('get, v1 and partner: the same order, the same simplified fields, from both endpoints', async () => {
		const target = sb.getOrder(seeded.get.id);
		const v1 = await run('getV1');
		const partner = await run('getPartner');
		const a = n8n.outputOf(v1.result, 'Kapture');
		const b = n8n.outputOf(partner.result, 'Kapture');
		assert.equal(a.length, 1);
		assert.equal(b.length, 1);
		for (const item of [a[0].json, b[0].json]) {
			assert.equal(item.id, String(target.id));
			assert.equal(item.customerId, String(target.customerId));
			assert.equal(item.customerName, target.customerName);
			assert.equal(item.phone, target.phone);
			assert.equal(item.erpOrderId, target.erpOrderId);
			assert.equal(item.status, target.deliveryStatus);
			assert.equal(item.createdAt, new Date(target.createDate).toISOString());
		}
		assert.deepEqual(a[0].json, b[0].json, 'Simplify gives one shape whichever API');
		assert.deepEqual(v1.requests.map((r) => r.api), ['v1Pull']);
		assert.equal(String(v1.requests[0].body.orderIds), String(target.id));
		assert.deepEqual(partner.requests.map((r) => r.api), ['getOrder']);
		assert.equal(String(partner.requests[0].body[0].order_id), String(target.id));
	});

	test('pay: the payment is recorded against the order with every field sent', async () => {
		const target = seeded.pay;
		const paidBefore = sb.getOrder(target.id).totalPaid;
		const paymentsBefore = sb.payments().length;
		const { result } = await run('pay');
		const out = n8n.outputOf(result, 'Kapture');
		assert.equal(out.length, 1);
		assert.equal(out[0].json.status, 'success');

		const payments = sb.payments();
		assert.equal(payments.length, paymentsBefore + 1);
		const p = payments[payments.length - 1];
		assert.equal(p.orderId, target.id);
		assert.equal(p.customerId, target.customerId);
		assert.equal(p.amountPaid, 1500.75);
		assert.equal(p.paymentMode, 'cheque');
		assert.equal(p.chequeNumber, '004512');
		assert.equal(p.chequeDate, '2024-05-07');
		assert.equal(p.bankName, 'HDFC Bank');
		assert.equal(p.paymentId, 'PAY-E2E-1');
		assert.equal(p.erpOrderId, target.erpOrderId);
		assert.equal(p.remarks, 'paid by cheque');
		assert.equal(sb.getOrder(target.id).totalPaid, paidBefore + 1500.75);
	});

	test('Continue On Fail ON: the run succeeds, the good item is written, the bad one carries Kapture\'s message', async (t) => {
		const target = seeded.continueOnFail;
		const { result, requests } = await run('continueOnFailOn');
		assert.equal(result.data.resultData.error, undefined, 'the execution did not fail');
		assert.equal(nodeError(result, 'Kapture'), undefined);
		const out = n8n.outputOf(result, 'Kapture');
		assert.equal(out.length, 2);
		assert.equal(Number(out[0].json.order_id), target.id);
		assert.equal(out[0].json.status, 'success');
		t.diagnostic(`item 2: ${JSON.stringify(out[1].json)}`);
		assert.match(String(out[1].json.error), /No order with order_id 99999999\./);
		// Kapture refused it: nothing was written, so running it again is safe.
		assert.equal(out[1].json.retrySafe, true);
		assert.equal(out[1].json.mayHaveBeenCreated, false);
		assert.equal(out[1].json.order_id, '99999999');
		assert.equal(sb.getOrder(target.id).remarks, 'good item, updated');
		assert.equal(sb.getOrder(99999999), undefined);
		assert.equal(requests.filter((r) => r.api === 'v1AddUpdate').length, 2);
	});

	test('Continue On Fail ON, partner API: an unknown order is an item naming the ID', async (t) => {
		const { result, requests } = await run('getUnknownPartner');
		assert.equal(result.data.resultData.error, undefined, 'the execution did not fail');
		const out = n8n.outputOf(result, 'Kapture');
		assert.equal(out.length, 1);
		t.diagnostic(`item: ${JSON.stringify(out[0].json)}`);
		// Kapture's "could not find the order" is the endpoint's "nothing found" (nodes/shared/transport/vendors/kapture.ts).
		assert.match(String(out[0].json.error), /Kapture has no order with ID \d+/);
		assert.deepEqual(requests.map((r) => [r.api, r.status]), [['getOrder', 200]]);
	});

	test('create or update, v1: the existing order updated, the new one created, each saying which', async () => {
		const target = seeded.upsert;
		const ordersBefore = sb.counts().orders;
		const { result, requests } = await run('upsertV1');
		const out = n8n.outputOf(result, 'Kapture').map((item) => item.json);
		assert.equal(out.length, 2);
		assert.equal(out[0].operation, 'updated');
		assert.equal(Number(out[0].order_id), target.id);
		assert.equal(sb.getOrder(target.id).remarks, 'updated by Create or Update');
		assert.equal(out[1].operation, 'created');
		const created = sb.getOrder(Number(out[1].order_id));
		assert.equal(created.erpOrderId, 'ERP-E2E-UPSERT-NEW');
		assert.equal(created.remarks, 'created by Create or Update');
		assert.equal(sb.counts().orders, ordersBefore + 1);
		// One lookup and one write per item, after the run's check of Kapture's search.
		const lookups = requests.filter((r) => r.api === 'v1Pull' && String(r.body?.erpOrderId ?? '').startsWith('ERP-E2E-UPSERT'));
		assert.deepEqual(lookups.map((r) => r.body.erpOrderId).sort(), ['ERP-E2E-UPSERT', 'ERP-E2E-UPSERT-NEW']);
		assert.ok(requests.some((r) => r.api === 'v1Pull' && String(r.body?.erpOrderId ?? '').startsWith('n8n-kapture-probe-')));
		assert.equal(requests.filter((r) => r.api === 'v1AddUpdate').length, 2);
	});

	test('create or update, partner: created on the first run, updated on the second, one order', async () => {
		const first = n8n.outputOf((await run('upsertPartner')).result, 'Kapture')[0].json;
		assert.equal(first.operation, 'created');
		const second = n8n.outputOf((await run('upsertPartner')).result, 'Kapture')[0].json;
		assert.equal(second.operation, 'updated');
		assert.equal(second.order_id, first.order_id);
		const orders = sb.listOrders().filter((o) => o.erpOrderId === 'ERP-E2E-UPSERT-P');
		assert.equal(orders.length, 1);
		assert.equal(orders[0].shippingAddress, '1 Lake Road');
		assert.equal(orders[0].source, 'partner');
	});

	test('add with Skip: an existing ERP Order ID outputs that order, flagged, and writes nothing', async () => {
		const { result, requests } = await run('addSkip');
		const [item] = n8n.outputOf(result, 'Kapture').map((i) => i.json);
		assert.equal(item.skipped, true);
		assert.equal(Number(item.order_id), seeded.upsert.id);
		// The run's check of Kapture's search, then the lookup; nothing written.
		assert.ok(requests.every((r) => r.api === 'v1Pull'));
		assert.equal(requests.at(-1).body.erpOrderId, 'ERP-E2E-UPSERT');
	});

	test('add, answer lost after storing: with an ERP Order ID the order is found (recovered), never sent twice', async () => {
		sb.faults.script({ kind: 'serverErrorAfterStoring', api: 'v1AddUpdate' });
		const { result, requests } = await run('addLostAnswer');
		const [item] = n8n.outputOf(result, 'Kapture').map((i) => i.json);
		assert.equal(item.error, undefined, JSON.stringify(item));
		assert.equal(item.recovered, true);
		const orders = sb.listOrders().filter((o) => o.erpOrderId === 'ERP-E2E-LOST');
		assert.equal(orders.length, 1);
		assert.equal(Number(item.order_id), orders[0].id);
		assert.equal(requests.filter((r) => r.api === 'v1AddUpdate').length, 1);
	});

	test('add, answer lost after storing, no ERP Order ID: the error item says the order may have been created', async (t) => {
		sb.faults.script({ kind: 'resetAfterStoring', api: 'v1AddUpdate' });
		const { result, requests } = await run('addLostAnswerNoErp');
		const [item] = n8n.outputOf(result, 'Kapture').map((i) => i.json);
		t.diagnostic(`item: ${JSON.stringify(item)}`);
		assert.match(String(item.error), /may have been created/);
		assert.equal(item.mayHaveBeenCreated, true);
		assert.equal(item.retrySafe, false);
		assert.equal(item.customer_name, 'Lost Answer Unkeyed');
		assert.equal(sb.listOrders().filter((o) => o.customerName === 'Lost Answer Unkeyed').length, 1);
		assert.equal(requests.filter((r) => r.api === 'v1AddUpdate').length, 1);
	});

	test('Continue On Fail OFF: the run fails with Kapture\'s message in n8n\'s run data', async (t) => {
		const ordersBefore = sb.counts().orders;
		const { result } = await run('continueOnFailOff', { allowError: true });
		const error = result.data.resultData.error;
		assert.ok(error, 'the execution failed');
		t.diagnostic(`n8n's error: ${error.message}`);
		assert.match(error.message, /No order with order_id 99999998\./);
		const onNode = nodeError(result, 'Kapture');
		assert.ok(onNode, 'the error is on the Kapture node');
		assert.match(onNode.message, /No order with order_id 99999998\./);
		assert.equal(n8n.outputOf(result, 'Kapture').length, 0);
		assert.equal(sb.counts().orders, ordersBefore);
	});

	test('a wrong password fails the run with Kapture\'s "Invalid Auth Key" and writes nothing', async (t) => {
		const ordersBefore = sb.counts().orders;
		const { result, requests } = await run('wrongPassword', { allowError: true });
		const error = result.data.resultData.error;
		assert.ok(error, 'the execution failed');
		t.diagnostic(`n8n's error: ${error.message} (${error.description})`);
		assert.match(error.message, /Invalid Auth Key/);
		assert.match(`${error.message} ${error.description ?? ''}`, /401|credential/i);
		assert.equal(sb.counts().orders, ordersBefore);
		// Sent once: a 401 is Kapture's answer, not something to retry.
		assert.deepEqual(requests.map((r) => [r.api, r.authorized, r.status]), [['v1AddUpdate', false, 401]]);
		// The password never reaches the run data.
		assert.doesNotMatch(JSON.stringify(result), /not-the-password/);
	});
});
