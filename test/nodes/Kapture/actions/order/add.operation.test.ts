import type { IDataObject } from 'n8n-workflow';

import { ExecuteContext } from 'n8n-core';

import { errorMessage, fixture, NODE, useHarness, v1ExampleParameters, withoutEmpty } from './setup';

const h = useHarness((sandbox) => {
	sandbox.setLatency(0);
});

const partnerExample = (): IDataObject => ({
	api: 'partner',
	customerName: 'Guru',
	phone: '1234567890',
	email: 'xjbwih@jbk.ji',
	partnerFields: { createDate: '2024-05-08T10:30:00', dateOfBirth: '1990-01-15', paymentMode: 'cash' },
	products: { product: [{ rate: 10000, quantity: 1, discount: 1 }] },
});

describe('Create (v1)', () => {
	it('sends the documented example body (empty fields left out)', async () => {
		const result = await h.run({ operation: 'add', ...v1ExampleParameters() });
		expect(result.error).toBeUndefined();
		expect(h.bodies('v1AddUpdate')).toEqual([withoutEmpty(fixture('v1-add.request'))]);
	});

	it('creates the order in Kapture and outputs its IDs flat', async () => {
		const result = await h.run({
			operation: 'add',
			...v1ExampleParameters(),
			orderFields: {
				remarks: 'first order',
				erpOrderId: 'ERP-1',
				invoiceNo: 'INV-9',
				deliveryStatus: 'AP',
				createDate: '2024-05-08T10:30:00',
				associateFields: { field: [{ name: 'channel', value: 'web' }] },
			},
		});
		expect(result.error).toBeUndefined();
		const [out] = result.json(NODE);
		const orders = h.sandbox.listOrders();
		expect(orders).toHaveLength(1);
		const order = orders[0];
		expect(order).toMatchObject({
			customerName: 'ABC',
			phone: '9380491257',
			email: 'abc@abc.min',
			remarks: 'first order',
			erpOrderId: 'ERP-1',
			invoiceNo: 'INV-9',
			deliveryStatus: 'AP',
			associateFields: { channel: 'web' },
		});
		// IDs are text in every output, whichever API answered.
		expect(out).toMatchObject({
			operation: 'created',
			status: 'success',
			result: true,
			order_id: String(order.id),
			customer_id: String(order.customerId),
			enquiry_id: String(order.enquiryId),
			contact_id: String(order.contactId),
			action_event: 'ADD_ORDER',
		});
		expect(result.output(NODE)[0].pairedItem).toEqual({ item: 0 });
	});
});

describe('Create (partner)', () => {
	it('sends the documented example body, dates converted', async () => {
		const result = await h.run({ operation: 'add', ...partnerExample() });
		expect(result.error).toBeUndefined();
		const expected = withoutEmpty(fixture('partner-push.request'));
		expected[0].create_date = '2024-05-08 10:30';
		expected[0].date_of_birth = '1990-01-15';
		expect(h.bodies('orderPush')).toEqual([expected]);
	});

	it('creates the order with its product lines', async () => {
		const result = await h.run({
			operation: 'add',
			...partnerExample(),
			products: {
				product: [
					{ productName: 'Phone', skuId: 'SKU-1', rate: 100, quantity: 2, discount: 0 },
					{ productName: 'Case', rate: 10, quantity: 1, discount: 0 },
				],
			},
			partnerFields: { erpOrderId: 'ERP-P', grandTotal: 210, orderType: 'online' },
		});
		expect(result.error).toBeUndefined();
		const [order] = h.sandbox.listOrders();
		expect(order).toMatchObject({
			customerName: 'Guru',
			erpOrderId: 'ERP-P',
			grandTotal: 210,
			orderType: 'online',
			productQuantity: 3,
			productValue: 210,
			source: 'partner',
		});
		expect(order.productDetails).toEqual([
			{ product_name: 'Phone', sku_id: 'SKU-1', rate: '100', quantity: '2', discount: '0' },
			{ product_name: 'Case', rate: '10', quantity: '1', discount: '0' },
		]);
		expect(result.json(NODE)).toEqual([
			expect.objectContaining({ operation: 'created', order_id: String(order.id), status: 'success' }),
		]);
	});
});

describe('Create: bad input is refused before any request', () => {
	const cases: Array<[string, IDataObject, RegExp]> = [
		['missing customer name (v1)', { ...v1ExampleParameters(), customerName: '={{ "" }}' }, /^Customer Name is required$/],
		['no phone and no email (v1)', { ...v1ExampleParameters(), phone: '', email: '' }, /Phone or Email is required/],
		['malformed email (v1)', { ...v1ExampleParameters(), email: 'abc@' }, /^Email must be an email address such as name@example.com, got "abc@"$/],
		[
			'non-numeric customer ID',
			{ ...v1ExampleParameters(), customerFields: { customerId: '12a' } },
			/^Customer Fields > Customer ID must contain digits only, got "12a"$/,
		],
		[
			'impossible order date',
			{ ...v1ExampleParameters(), orderFields: { createDate: '2024-02-30T10:00:00' } },
			/^Order Fields > Order Date must be a real date such as 2024-05-31T14:30:00, got "2024-02-30T10:00:00"$/,
		],
		[
			'malformed contact email',
			{ ...v1ExampleParameters(), contacts: { contact: [{ email: 'nope' }] } },
			/^Contacts > Contact 1 > Email must be an email address/,
		],
		['no phone and no email (partner)', { ...partnerExample(), phone: '', email: '' }, /Phone or Email is required/],
		[
			'no name and no customer ID (partner)',
			{ ...partnerExample(), customerName: '' },
			/^Customer Name is required unless Order Fields > Customer ID is given$/,
		],
		[
			'impossible date of birth (partner)',
			{ ...partnerExample(), partnerFields: { dateOfBirth: '1990-13-01' } },
			/^Order Fields > Date of Birth must be a real date such as 2024-05-31, got "1990-13-01"$/,
		],
		[
			'non-numeric product rate (partner)',
			{ ...partnerExample(), products: { product: [{ rate: 'ten', quantity: 1, discount: 0 }] } },
			/Products > Product 1 > Rate must be a number/,
		],
	];

	it.each(cases)('%s', async (_name, parameters, message) => {
		const result = await h.run({ operation: 'add', ...parameters });
		expect(result.error).toBeDefined();
		expect(errorMessage(result)).toMatch(message);
		expect(h.sandbox.requests()).toHaveLength(0);
	});

	it('an empty required field is stopped by n8n itself, naming the field; an expression is checked by the node', async () => {
		// n8n refuses to start the run (WorkflowHasIssuesError), as it does in the editor.
		await expect(h.run({ operation: 'add', ...v1ExampleParameters(), customerName: '' })).rejects.toThrow(
			`The 'Kapture Order' node has issues:\n- Parameter "Customer Name" is required.`,
		);
		expect(h.sandbox.requests()).toHaveLength(0);
		const mapped = await h.run({ operation: 'add', ...v1ExampleParameters(), customerName: '={{ $json.name }}' }, [{ name: '' }]);
		expect(errorMessage(mapped)).toBe('Customer Name is required');
		// JSON mode hides Customer Name: its `required` does not stop a JSON run.
		const json = await h.run({
			operation: 'add',
			api: 'v1',
			specifyOrder: 'json',
			orderJson: { customer_info: { customer_name: 'Asha', phone: '9380491257' } },
		});
		expect(json.error).toBeUndefined();
		expect(h.sandbox.requests()).toHaveLength(1);
	});

	it('a bad item among good ones stops the node before the first request', async () => {
		const result = await h.run({ operation: 'add', ...v1ExampleParameters(), email: '={{ $json.email }}' }, [
			{ email: 'a@b.co' },
			{ email: 'a@b.co' },
			{ email: 'broken' },
		]);
		expect(errorMessage(result)).toMatch(/^Email must be an email address such as name@example.com, got "broken"$/);
		// The item is n8n's itemIndex, not part of the message.
		expect((result.error as unknown as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(2);
		expect(h.sandbox.requests()).toHaveLength(0);
		expect(h.sandbox.listOrders()).toHaveLength(0);
	});
});

describe('Create: Continue On Fail', () => {
	it('puts a Kapture refusal on its item and runs the others', async () => {
		h.sandbox.faults.script({ kind: 'failureBody', api: 'v1AddUpdate', message: 'Customer blocked' });
		const result = await h.run(
			{ operation: 'add', ...v1ExampleParameters(), options: { parallelRequests: 1 } },
			[{}, {}, {}],
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		const output = result.output(NODE);
		expect(output).toHaveLength(3);
		expect(output[0].json.error).toMatch(/Customer blocked/);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[1].json.status).toBe('success');
		expect(output[2].json.status).toBe('success');
		expect(h.sandbox.listOrders()).toHaveLength(2);
	});

	it('puts a validation error on its item and sends the others', async () => {
		const result = await h.run(
			{ operation: 'add', ...v1ExampleParameters(), email: '={{ $json.email }}' },
			[{ email: 'ok@x.io' }, { email: 'bad' }, { email: 'ok2@x.io' }],
			{ continueOnFail: true },
		);
		const output = result.output(NODE);
		expect(output[1].json.error).toMatch(/^Email must be an email address such as name@example.com, got "bad"$/);
		expect(output[0].json.status).toBe('success');
		expect(output[2].json.status).toBe('success');
		expect(h.sandbox.listOrders()).toHaveLength(2);
	});

	it('the error output (On Error: Continue (using error output)) gets the failed item, its facts under details', async () => {
		h.sandbox.faults.script({ kind: 'failureBody', api: 'v1AddUpdate', message: 'Customer blocked' });
		const result = await h.run(
			{ operation: 'add', ...v1ExampleParameters(), options: { parallelRequests: 1 } },
			[{ row: 1 }, { row: 2 }],
			{ onError: 'continueErrorOutput' },
		);
		expect(result.output(NODE, 0).map((item) => item.json.status)).toEqual(['success']);
		const failed = result.output(NODE, 1);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 0 });
		expect(failed[0].json.error).toMatch(/Customer blocked/);
		expect(failed[0].json.details).toMatchObject({ retrySafe: true, mayHaveBeenCreated: false });
		expect(h.sandbox.listOrders()).toHaveLength(1);
	});

	it('without Continue On Fail a refusal fails the node with Kapture\'s words', async () => {
		h.sandbox.faults.script({ kind: 'failureBody', api: 'v1AddUpdate', message: 'Customer blocked' });
		const result = await h.run({ operation: 'add', ...v1ExampleParameters() });
		expect(errorMessage(result)).toMatch(/Customer blocked/);
	});
});

describe('Create: Parallel Requests', () => {
	const many = (n: number) => Array.from({ length: n }, (_, i) => ({ n: i }));
	const parameters = (parallel: number): IDataObject => ({
		operation: 'add',
		...v1ExampleParameters(),
		customerName: '={{ "Customer " + $json.n }}',
		email: '={{ "c" + $json.n + "@example.com" }}',
		phone: '',
		contacts: {},
		orderFields: { remarks: '={{ "order " + $json.n }}' },
		options: { parallelRequests: parallel },
	});

	it('with 5 at once the output equals a one-by-one run, and never more than 5 are in flight', async () => {
		h.sandbox.setLatency(20);
		const sequential = await h.run(parameters(1), many(50));
		expect(sequential.error).toBeUndefined();
		expect(h.sandbox.inFlight().peak).toBe(1);
		const sequentialNames = h.sandbox.listOrders().map((order) => order.customerName);

		h.sandbox.reset();
		h.sandbox.resetPeak();
		const parallel = await h.run(parameters(5), many(50));
		expect(parallel.error).toBeUndefined();
		const peak = h.sandbox.inFlight().peak;
		expect(peak).toBeGreaterThan(1);
		expect(peak).toBeLessThanOrEqual(5);

		const shape = (result: typeof parallel) =>
			result.output(NODE).map((item) => ({ pairedItem: item.pairedItem, status: item.json.status }));
		expect(shape(parallel)).toEqual(shape(sequential));
		// Each output item belongs to its own input: its order carries that input's remark.
		const byId = new Map(h.sandbox.listOrders().map((order) => [order.id, order]));
		parallel.json(NODE).forEach((json, index) => {
			expect(byId.get(Number(json.order_id))?.remarks).toBe(`order ${index}`);
		});
		expect(h.sandbox.listOrders().map((order) => order.customerName).sort()).toEqual([...sequentialNames].sort());
	});

	it('with 20% of requests answered 429, every item succeeds and exactly 50 orders exist', async () => {
		h.sandbox.setLatency(20);
		h.sandbox.faults.rate(0.2, { kind: 'rateLimit', api: 'v1AddUpdate', retryAfterSeconds: 0 }, 7);
		const result = await h.run(parameters(5), many(50));
		expect(result.error).toBeUndefined();
		const output = result.json(NODE);
		expect(output).toHaveLength(50);
		expect(output.filter((json) => json.error !== undefined)).toHaveLength(0);
		expect(h.sandbox.requests().filter((entry) => entry.status === 429).length).toBeGreaterThan(0);
		const orders = h.sandbox.listOrders();
		expect(orders).toHaveLength(50);
		expect(new Set(orders.map((order) => order.customerName)).size).toBe(50);
		expect(h.sandbox.inFlight().peak).toBeLessThanOrEqual(5);
	});
});

describe('Create: parameters without an expression are read once per execution', () => {
	it('n8n is asked once for Contacts, Enquiry Fields and a fixed Customer Fields, for every item for the mapped fields; the bodies are the same', async () => {
		type Reader = { _getNodeParameter(name: string, itemIndex: number): unknown };
		const prototype = ExecuteContext.prototype as unknown as Reader;
		const reads = jest.spyOn(prototype, '_getNodeParameter');
		const items = Array.from({ length: 20 }, (_, n) => ({ n }));
		let names: unknown[] = [];
		try {
			const result = await h.run(
				{
					operation: 'add',
					...v1ExampleParameters(),
					customerName: '={{ "Customer " + $json.n }}',
					orderFields: { remarks: '={{ "order " + $json.n }}' },
				},
				items,
			);
			expect(result.error).toBeUndefined();
			names = reads.mock.calls.map(([name]) => name);
		} finally {
			reads.mockRestore();
		}
		const count = (name: string) => names.filter((parameter) => parameter === name).length;
		expect(count('customerName')).toBe(20);
		expect(count('orderFields')).toBe(20);
		for (const fixed of ['contacts', 'enquiryFields', 'customerFields', 'phone', 'email']) expect(count(fixed)).toBe(1);
		// What was sent is what the example gives, item by item.
		const example = withoutEmpty(fixture('v1-add.request')) as IDataObject;
		h.bodies('v1AddUpdate').forEach((body, n) => {
			expect(body).toEqual({
				...example,
				customer_info: { ...(example.customer_info as IDataObject), customer_name: `Customer ${n}` },
				order_info: { ...(example.order_info as IDataObject), remarks: `order ${n}` },
			});
		});
	});
});

describe('Create: with Continue On Fail a bad item among many becomes its error item', () => {
	// Generated mixes of good and bad items (a bad email, an empty name) at random places.
	const mixes = Array.from({ length: 6 }, (_, seed) => {
		let state = seed + 1;
		const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		return { seed, items: Array.from({ length: 40 }, (_, n) => ({ n, bad: random() < 0.2 ? (random() < 0.5 ? 'email' : 'name') : '' })) };
	});

	it.each(mixes)('mix $seed: a bad item becomes its error item, every good one its order, in input order, nothing twice', async ({ items }) => {
		h.sandbox.setLatency(5);
		const result = await h.run(
			{
				operation: 'add',
				api: 'v1',
				customerName: '={{ $json.bad === "name" ? "" : "Customer " + $json.n }}',
				phone: '',
				email: '={{ $json.bad === "email" ? "broken" : "c" + $json.n + "@example.com" }}',
				orderFields: { erpOrderId: '={{ "E-" + $json.n }}' },
			},
			items,
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		const output = result.output(NODE);
		expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, n) => ({ item: n })));
		output.forEach((item, n) => {
			const bad = items[n].bad;
			if (bad === 'email') expect(item.json.error).toMatch(/^Email must be an email address/);
			else if (bad === 'name') expect(item.json.error).toBe('Customer Name is required');
			else expect(item.json).toMatchObject({ status: 'success', operation: 'created' });
		});
		const created = h.sandbox.listOrders().map((order) => order.erpOrderId).sort();
		expect(created).toEqual(items.filter((item) => !item.bad).map((item) => `E-${item.n}`).sort());
		// Bad items were never sent.
		expect(h.sandbox.requests()).toHaveLength(created.length);
	});
});

describe('Create: automatic Parallel Requests against an account-wide rate limit', () => {
	const LIMIT = 60;
	const parameters = (prefix: string): IDataObject => ({
		operation: 'add',
		api: 'v1',
		customerName: '={{ "Customer " + $json.n }}',
		phone: '',
		email: `={{ "${prefix}" + $json.n + "@example.com" }}`,
		orderFields: { erpOrderId: `={{ "${prefix}-" + $json.n }}` },
	});
	const items = (n: number) => Array.from({ length: n }, (_, i) => ({ n: i }));

	/**
	 * Admitted and refused add requests per second from the first one, up to
	 * the last second in which every execution still sent (afterwards the one
	 * left takes up the freed share only step by step).
	 */
	function timeline(prefixes: string[]): Array<{ admitted: number; refused: number }> {
		const entries = h.sandbox.requests().filter((entry) => entry.api === 'v1AddUpdate');
		const start = entries[0].at;
		const erpOf = (entry: (typeof entries)[number]) => String(((entry.body as IDataObject).order_info as IDataObject).erp_order_id);
		const lastOf = prefixes.map((prefix) => Math.max(...entries.filter((entry) => erpOf(entry).startsWith(`${prefix}-`)).map((entry) => entry.at)));
		const allSending = Math.min(...lastOf);
		const seconds: Array<{ admitted: number; refused: number }> = [];
		for (const entry of entries) {
			if (entry.at > allSending) break;
			const second = Math.floor((entry.at - start) / 1000);
			while (seconds.length <= second) seconds.push({ admitted: 0, refused: 0 });
			if (entry.status === 429) seconds[second].refused++;
			else seconds[second].admitted++;
		}
		return seconds;
	}

	afterEach(() => h.sandbox.setAccountRateLimit(undefined));

	it.each([
		{ executions: 1, perExecution: 480 },
		{ executions: 2, perExecution: 300 },
	])('$executions execution(s) at once: nothing lost or twice, a few 429s while finding the limit, then just below it', async ({ executions, perExecution }) => {
		h.sandbox.setLatency(20);
		h.sandbox.setAccountRateLimit({ requestsPerSecond: LIMIT });
		const prefixes = Array.from({ length: executions }, (_, k) => `L${k}`);
		const results = await Promise.all(prefixes.map((prefix) => h.run(parameters(prefix), items(perExecution))));
		for (const result of results) {
			expect(result.error).toBeUndefined();
			expect(result.json(NODE).filter((json) => json.error !== undefined)).toHaveLength(0);
		}
		const erpIds = h.sandbox.listOrders().map((order) => order.erpOrderId);
		expect(erpIds).toHaveLength(executions * perExecution);
		expect(new Set(erpIds).size).toBe(executions * perExecution);

		const seconds = timeline(prefixes);
		// Finding the limit (the first 3 s) may cost a burst of 429s; afterwards a probe now and then.
		const later = seconds.slice(3);
		const refusedLater = later.reduce((sum, s) => sum + s.refused, 0);
		expect(refusedLater).toBeLessThanOrEqual(5 * executions);
		// Whole seconds after finding while all executions send (the last, partial one left out): never above the limit, mostly just below.
		const settled = later.slice(0, -1).map((s) => s.admitted);
		settled.sort((a, b) => a - b);
		expect(settled[settled.length - 1]).toBeLessThanOrEqual(LIMIT);
		expect(settled[Math.floor(settled.length / 2)]).toBeGreaterThanOrEqual(0.75 * LIMIT);
	});
});

describe('Create: Options > When Asked to Slow Down', () => {
	const LATENCY_MS = 300;
	const parameters = (slowDown?: string): IDataObject => ({
		operation: 'add',
		api: 'v1',
		customerName: '={{ "Customer " + $json.n }}',
		phone: '',
		email: '={{ "slow" + $json.n + "@example.com" }}',
		orderFields: { erpOrderId: '={{ "S-" + $json.n }}' },
		options: { parallelRequests: 10, ...(slowDown === undefined ? {} : { slowDown }) },
	});
	const items = Array.from({ length: 20 }, (_, n) => ({ n }));

	/** Add requests started right after the pause, before any of their answers could come back. */
	function startedTogetherAfterThePause(): number {
		const starts = h.sandbox
			.requests()
			.filter((entry) => entry.api === 'v1AddUpdate')
			.map((entry) => entry.at)
			.slice(10);
		return starts.filter((at) => at < starts[0] + LATENCY_MS / 3).length;
	}

	// The first ten requests (all in flight at once) are answered 429 with Retry-After: 1.
	it.each([
		{ choice: 'left out (Find the Rate Limit and Keep Below It)', slowDown: undefined, after: 5 },
		{ choice: 'Only Wait as Asked', slowDown: 'waitOnly', after: 10 },
	])('$choice: every request waits out the pause; then $after requests go out together; nothing lost or twice', async ({ slowDown, after }) => {
		h.sandbox.setLatency(LATENCY_MS);
		h.sandbox.faults.script(...Array.from({ length: 10 }, () => ({ kind: 'rateLimit' as const, api: 'v1AddUpdate' as const, retryAfterSeconds: 1 })));
		const result = await h.run(parameters(slowDown), items);
		expect(result.error).toBeUndefined();
		expect(result.json(NODE).filter((json) => json.error !== undefined)).toHaveLength(0);
		const erpIds = h.sandbox.listOrders().map((order) => order.erpOrderId);
		expect(erpIds.sort()).toEqual(items.map(({ n }) => `S-${n}`).sort());
		const log = h.sandbox.requests().filter((entry) => entry.api === 'v1AddUpdate');
		expect(log.slice(0, 10).every((entry) => entry.status === 429)).toBe(true);
		// Nothing was sent during the pause Kapture asked for.
		expect(log[10].at - log[9].at).toBeGreaterThanOrEqual(1000 - LATENCY_MS);
		// Adapting halves the requests in flight (10 -> 5) on the run of 429s; only waiting keeps the 10.
		expect(startedTogetherAfterThePause()).toBe(after);
	});

	// An expression can give any text: a near miss must not quietly mean the default.
	it.each(['waitonly', 'Only Wait as Asked', ''])('an expression giving %p is refused naming the option, before anything is sent', async (value) => {
		const result = await h.run(parameters(`={{ ${JSON.stringify(value)} }}`), items);
		expect(result.error?.message).toContain('When Asked to Slow Down');
		expect(h.sandbox.requests()).toHaveLength(0);
	});
});
