// The SourceHub node inside a real n8n (scripts/n8n), against the SourceHub
// sandbox running in this process: every operation (`n8n execute`, checked
// against what the sandbox holds afterwards), bad input that sends nothing,
// the credential's Test button (REST, as the editor calls it), and the
// example examples/kapture-to-sourcehub.json activated in `n8n start`: a new
// Kapture order becomes a SourceHub order and its number lands in a Kapture
// remark.
//
// Run: npm run build && nice node --test test/e2e/sourcehub.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { EXAMPLE_CREDENTIAL, loadExample, pollEverySeconds, prepareExample } from './lib-dev/examples.mjs';
import {
	byId,
	credentialData,
	importWorkflows,
	nodeError,
	prepareN8n,
	SOURCEHUB_CREDENTIAL_TYPE,
	sourceHubCredentialData,
	sourceHubWorkflow,
	startSandbox,
	startSourceHubSandbox,
	stopwatch,
	waitFor,
} from './lib/harness.mjs';

const MIN = 60_000;
const CUSTOMER = 9; // the customer of SourceHub's documented examples
const PRODUCT = 4;
const PHONE = '9163367906';
const EXAMPLE_FILE = 'kapture-to-sourcehub.json';

describe('SourceHub node in n8n: operations, credential Test, example', { timeout: 20 * MIN }, () => {
	const clock = stopwatch('sourcehub');
	let sh;
	let kapture;
	let env;
	let n8n;
	const wf = {};
	const credentials = {};
	const seeded = {};

	before(async () => {
		sh = await startSourceHubSandbox();
		kapture = await startSandbox();
		env = await prepareN8n('sourcehub');
		n8n = env.n8n;
		clock.mark('n8n folder + package');

		credentials.sourceHub = { id: 'sourceHubE2e0001', name: 'SourceHub sandbox' };
		credentials.kapture = { id: 'kaptureE2eSh0001', name: 'Kapture sandbox' };
		await n8n.importCredentials([
			{ ...credentials.sourceHub, type: SOURCEHUB_CREDENTIAL_TYPE, data: sourceHubCredentialData(sh) },
			{ ...credentials.kapture, type: EXAMPLE_CREDENTIAL.type, data: credentialData(kapture) },
		]);

		// Customers with carts, orders with statuses: what the operations read and write.
		seeded.placer = sh.addCustomer({ contactperson_number: '9000000101' });
		sh.fillCart(seeded.placer.id, [{ productId: PRODUCT, quantity: 3 }]);
		seeded.short = sh.addCustomer({ contactperson_number: '9000000102' });
		sh.fillCart(seeded.short.id, [{ productId: PRODUCT, quantity: 5000 }]);
		seeded.reader = sh.addCustomer({ contactperson_number: '9000000103' });
		sh.fillCart(seeded.reader.id, [{ productId: PRODUCT, quantity: 2 }]);
		seeded.listed = sh.seedOrders(CUSTOMER, 130, (i) => ({ date: `2024-10-${String(1 + (i % 28)).padStart(2, '0')}` }));
		seeded.delivered = seeded.listed[0];
		sh.setStatus(seeded.delivered.id, 'Delivered');

		const c = credentials.sourceHub;
		const workflows = {
			create: sourceHubWorkflow('SourceHub e2e: create', { operation: 'create', customerId: byId(seeded.placer.id) }, { credential: c }),
			unavailableOutput: sourceHubWorkflow(
				'SourceHub e2e: unavailable, output',
				{ operation: 'create', customerId: byId(seeded.short.id), options: { onUnavailableItems: 'output' } },
				{ credential: c },
			),
			unavailableFail: sourceHubWorkflow('SourceHub e2e: unavailable, fail', { operation: 'create', customerId: byId(seeded.short.id) }, { credential: c }),
			get: sourceHubWorkflow('SourceHub e2e: get', { operation: 'get', orderId: byId(seeded.delivered.id) }, { credential: c }),
			getMany: sourceHubWorkflow(
				'SourceHub e2e: get many',
				{ operation: 'getAll', customerPhone: PHONE, returnAll: true, filters: { fromDate: '2024-10-05T00:00:00', toDate: '2024-10-20T00:00:00' } },
				{ credential: c },
			),
			cart: sourceHubWorkflow('SourceHub e2e: cart', { resource: 'cart', operation: 'get', customerId: byId(seeded.reader.id) }, { credential: c }),
			badInput: sourceHubWorkflow(
				'SourceHub e2e: bad input',
				{ operation: 'get', orderId: byId('={{ $json.id }}') },
				{ credential: c, items: [{ id: '41201' }, { id: 'SO-0041127' }], onError: 'continueRegularOutput' },
			),
		};
		const example = prepareExample(loadExample(EXAMPLE_FILE), { id: 'kaptureExSrcHub0', credential: credentials.kapture, pollTimes: pollEverySeconds(5) });
		for (const node of example.nodes) {
			if (node.credentials && node.credentials[SOURCEHUB_CREDENTIAL_TYPE]) node.credentials[SOURCEHUB_CREDENTIAL_TYPE] = { ...credentials.sourceHub };
		}
		const keys = Object.keys(workflows);
		const ids = await importWorkflows(n8n, [...keys.map((key) => workflows[key]), example]);
		keys.forEach((key, i) => (wf[key] = ids[i]));
		wf.example = ids.at(-1);
		clock.mark('imported');
	});

	after(async () => {
		clock.report();
		if (env) await env.cleanup();
		if (sh) await sh.close();
		if (kapture) await kapture.close();
	});

	const apiRequests = (api) => sh.requests().filter((entry) => entry.api === api);

	test('Order > Create places the order from the cart: cart emptied, stock down, compact order out', async () => {
		const stockBefore = sh.stock(PRODUCT);
		const run = await n8n.execute(wf.create);
		const [item] = n8n.outputOf(run, 'SourceHub');
		const placed = sh.listOrders().filter((order) => order.customer.id === seeded.placer.id);
		assert.equal(placed.length, 1);
		assert.deepEqual(sh.cart(seeded.placer.id), []);
		assert.equal(sh.stock(PRODUCT), stockBefore - 3);
		assert.equal(item.json.id, String(placed[0].id));
		assert.equal(item.json.orderNo, placed[0].order_no);
		assert.equal(item.json.status, 'Placed');
		assert.equal(item.json.itemTotal, 600);
		assert.deepEqual(item.pairedItem, { item: 0 });
		clock.mark('create');
	});

	test('Order > Create with unavailable items: Output Them gives placed: false, and nothing is placed', async () => {
		const ordersBefore = sh.counts().orders;
		const run = await n8n.execute(wf.unavailableOutput);
		const [item] = n8n.outputOf(run, 'SourceHub');
		assert.equal(item.json.placed, false);
		assert.equal(item.json.unavailable_items.length, 1);
		assert.equal(item.json.unavailable_items[0].required_qty, 5000);
		assert.equal(sh.counts().orders, ordersBefore);
		assert.equal(sh.cart(seeded.short.id).length, 1);
	});

	test('Order > Create with unavailable items, by default: the run fails naming the product and quantities', async () => {
		const ordersBefore = sh.counts().orders;
		const run = await n8n.execute(wf.unavailableFail, { allowError: true });
		const error = nodeError(run, 'SourceHub');
		assert.ok(error, 'the node failed');
		assert.match(error.message, /^SourceHub placed no order for customer \d+: 1 item unavailable: "3 Roses Mrp 10 \(408pc\)" \(SKU CP 2425 0046, product 4\): 5000 required, \d+ available/);
		assert.equal(sh.counts().orders, ordersBefore);
	});

	test('Order > Get reads the order with its current status', async () => {
		const run = await n8n.execute(wf.get);
		const [item] = n8n.outputOf(run, 'SourceHub');
		assert.equal(item.json.id, String(seeded.delivered.id));
		assert.equal(item.json.status, 'Delivered');
		assert.equal(apiRequests('getOrder').at(-1).path, `/api/orders/${seeded.delivered.id}`);
	});

	test('Order > Get Many walks count (at most 100) and skip: every order of the range once', async () => {
		const from = sh.requests().length;
		const run = await n8n.execute(wf.getMany);
		const items = n8n.outputOf(run, 'SourceHub');
		const expected = seeded.listed.filter((order) => order.date >= '2024-10-05' && order.date <= '2024-10-20').map((order) => String(order.id));
		assert.ok(expected.length > 70, `${expected.length} orders in range`);
		assert.deepEqual(items.map((item) => item.json.id).sort(), expected.sort());
		const pages = sh.requests().slice(from).filter((entry) => entry.api === 'listOrders');
		assert.ok(pages.length >= 1);
		for (const page of pages) {
			assert.ok(Number(page.query.count) <= 100, `count ${page.query.count}`);
			assert.equal(page.query.from_date, '05-10-2024');
			assert.equal(page.query.to_date, '20-10-2024');
		}
	});

	test('Cart > Get reads the cart and changes nothing', async () => {
		const run = await n8n.execute(wf.cart);
		const [item] = n8n.outputOf(run, 'SourceHub');
		assert.equal(item.json.customerId, String(seeded.reader.id));
		assert.equal(item.json.totalQuantity, 2);
		assert.equal(item.json.cartTotal, 400);
		assert.equal(sh.cart(seeded.reader.id).length, 1);
	});

	test('bad input: a named error on its item (Continue On Fail), and no request for it', async () => {
		const from = sh.requests().length;
		const run = await n8n.execute(wf.badInput);
		const items = n8n.outputOf(run, 'SourceHub');
		assert.equal(items.length, 2);
		assert.equal(items[0].json.id, '41201');
		assert.equal(items[1].json.error, 'Order ID must contain digits only, got "SO-0041127"');
		assert.deepEqual(items.map((item) => item.pairedItem), [{ item: 0 }, { item: 1 }]);
		assert.deepEqual(sh.requests().slice(from).map((entry) => entry.path), ['/api/orders/41201']);
	});

	describe('in n8n start', () => {
		let stored;
		before(async () => {
			await n8n.start();
			await n8n.ownerSetup();
			clock.mark('n8n start');
			const created = await n8n.rest('POST', '/rest/credentials', { name: 'SourceHub (REST)', type: SOURCEHUB_CREDENTIAL_TYPE, data: sourceHubCredentialData(sh) });
			stored = created.data;
		});
		after(async () => await n8n.stop());

		async function testCredential(data) {
			const from = sh.requests().length;
			const r = await n8n.rest('POST', '/rest/credentials/test', { credentials: { id: stored.id, name: stored.name, type: SOURCEHUB_CREDENTIAL_TYPE, data } });
			return { result: r.data, requests: sh.requests().slice(from) };
		}

		test('credential Test: a good key is OK after one read that finds nothing', async () => {
			const { result, requests } = await testCredential(sourceHubCredentialData(sh));
			assert.equal(result.status, 'OK', JSON.stringify(result));
			assert.equal(requests.length, 1);
			assert.equal(requests[0].api, 'listOrders');
			assert.equal(requests[0].authorized, true);
		});

		test("credential Test: a wrong key gets SourceHub's own description", async () => {
			const { result } = await testCredential(sourceHubCredentialData(sh, { apiKey: 'not-the-key-42' }));
			assert.equal(result.status, 'Error');
			assert.match(result.message, /^SourceHub refused the API key: "Invalid credential or token\." \(AUTHENTICATION_ERROR\)/);
			assert.doesNotMatch(result.message, /not-the-key-42/);
		});

		test('credential Test: a wrong address is told apart from a wrong key', async () => {
			const { result, requests } = await testCredential(sourceHubCredentialData(sh, { baseUrl: kapture.baseUrl }));
			assert.equal(result.status, 'Error');
			assert.match(result.message, /^No SourceHub API at http:\/\/127\.0\.0\.1:\d+: it answered HTTP 404/);
			assert.equal(requests.length, 0);
			const refused = await testCredential(sourceHubCredentialData(sh, { baseUrl: 'http://127.0.0.1:1/api' }));
			assert.match(refused.result.message, /^Could not reach SourceHub at http:\/\/127\.0\.0\.1:1\/api \(ECONNREFUSED\)/);
		});

		test('example kapture-to-sourcehub: a new Kapture order becomes a SourceHub order, its number a Kapture remark', async () => {
			// The mapped customers: the documented one with 3 in the cart, one whose cart cannot be filled.
			sh.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 3 }]);
			const pullsBefore = kapture.requests().filter((r) => r.api === 'v1Pull').length;
			await n8n.activate(wf.example);
			await waitFor('two polls after activation', () => kapture.requests().filter((r) => r.api === 'v1Pull').length >= pullsBefore + 2, { timeoutMs: 30_000 });
			const ordersBefore = sh.counts().orders;

			const [order] = kapture.seedOrders(1, { attr1: String(CUSTOMER), createDate: Date.now(), lastModificationTime: Date.now() });
			const remarked = await waitFor('the SourceHub remark', () => /SourceHub order/.test(kapture.getOrder(order.id).remarks) && kapture.getOrder(order.id), { timeoutMs: 60_000 });
			const placed = sh.listOrders().filter((o) => o.customer.id === CUSTOMER && o.laststatus.name === 'Placed' && !seeded.listed.some((s) => s.id === o.id));
			assert.equal(placed.length, 1);
			assert.equal(sh.counts().orders, ordersBefore + 1);
			assert.deepEqual(sh.cart(CUSTOMER), []);
			assert.equal(remarked.remarks, `SourceHub order ${placed[0].order_no} placed (Placed, billable 600)`);
			clock.mark('example: placed');

			const [short] = kapture.seedOrders(1, { attr1: String(seeded.short.id), createDate: Date.now(), lastModificationTime: Date.now() });
			const noted = await waitFor('the unavailable remark', () => /placed no order/.test(kapture.getOrder(short.id).remarks) && kapture.getOrder(short.id), { timeoutMs: 60_000 });
			assert.match(noted.remarks, /^SourceHub placed no order: 3 Roses Mrp 10 \(408pc\) \(5000 required, \d+ available\)$/);
			assert.equal(sh.counts().orders, ordersBefore + 1);

			const executions = await waitFor('two executions', async () => {
				const list = await n8n.executions(wf.example);
				return list.length >= 2 && list.every((e) => e.status !== 'running' && e.status !== 'new') && list;
			}, { timeoutMs: 30_000 });
			assert.equal(executions.length, 2, JSON.stringify(executions.map((e) => [e.id, e.status])));
			for (const execution of executions) assert.equal(execution.status, 'success');
			clock.mark('example: unavailable');
		});
	});
});
