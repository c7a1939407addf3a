// The SourceHub node as n8n sees it: its description, bad input refused
// before any request, every kind of SourceHub answer turned into a readable
// error quoting SourceHub, and the API key never printed anywhere.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { SourceHubApi } from '../../../credentials/SourceHubApi.credentials';
import { SourceHub } from '../../../nodes/SourceHub/SourceHub.node';
import { createEngine } from '../../helpers/engine';
import { editorSubtitle, listedOperations } from '../../helpers/subtitle';
import { fixture } from '../../sandbox/helpers';
import { byId, CUSTOMER, errorMessage, NODE, PHONE, PRODUCT, setup, type Harness } from './setup';

describe('description', () => {
	const { description } = new SourceHub();

	it('is an action node usable as a tool, with both resources and a subtitle for every operation', () => {
		expect(description).toMatchObject({ name: 'sourceHub', displayName: 'SourceHub', usableAsTool: true, version: 1 });
		expect(description.credentials).toEqual([{ name: 'sourceHubApi', required: true, testedBy: 'sourceHubApiTest' }]);
		const operations = description.properties.filter((property) => property.name === 'operation');
		const values = Object.fromEntries(
			operations.map((property) => [property.displayOptions?.show?.resource?.[0], (property.options as Array<{ value: string; action: string }>).map((o) => [o.value, o.action])]),
		);
		expect(values).toEqual({
			order: [['create', 'Create an order'], ['get', 'Get an order'], ['getAll', 'Get many orders']],
			cart: [['get', 'Get a cart']],
		});
	});

	it('shows the picked operation under the node: its listed name and its resource, for every listed operation', () => {
		const node = new SourceHub();
		const listed = listedOperations(node);
		expect(listed.map(([resource, operation]) => `${resource}:${operation}`).sort()).toEqual(['cart:get', 'order:create', 'order:get', 'order:getAll']);
		for (const [resource, operation, name] of listed) expect(editorSubtitle(node, { resource, operation })).toBe(`${name} ${resource}`);
		// A node fresh from the panel, with only the defaults.
		expect(editorSubtitle(node, {})).toBe('Create order');
	});

	it('the written-out subtitle names no operation the node does not list', () => {
		const labels = /^=\{\{ \((\{.*\})\)\[\$parameter\["resource"\]\]\[\$parameter\["operation"\]\] \}\}$/.exec(String(description.subtitle))?.[1];
		const named = Object.entries(JSON.parse(labels ?? '{}') as Record<string, Record<string, string>>).flatMap(([resource, operations]) =>
			Object.keys(operations).map((operation) => `${resource}:${operation}`),
		);
		expect(named.sort()).toEqual(listedOperations(new SourceHub()).map(([resource, operation]) => `${resource}:${operation}`).sort());
	});

	it('puts required fields first and the rest in collections', () => {
		const visible = (resource: string, operation: string) =>
			description.properties
				.filter((p: INodeProperties) => p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.operation?.includes(operation))
				.map((p) => p.displayName);
		expect(visible('order', 'create')).toEqual(['Customer ID', 'Simplify', 'Options']);
		expect(visible('order', 'get')).toEqual(['Order ID', 'Simplify', 'Options']);
		expect(visible('order', 'getAll')).toEqual(['Customer Phone', 'Return All', 'Limit', 'Filters', 'Simplify']);
		expect(visible('cart', 'get')).toEqual(['Customer ID', 'Simplify', 'Options']);
	});
});

describe('through n8n-core against the sandbox', () => {
	let h: Harness;
	beforeAll(async () => {
		h = await setup();
	});
	afterAll(async () => await h.close());
	beforeEach(() => h.sandbox.reset());

	// Values come through expressions, as mapped input does: a literal value that fails the
	// editor's own check never runs (n8n reports the parameter issue instead).
	describe('bad input is a named error, and no request is sent', () => {
		const cases: Array<[string, IDataObject, RegExp]> = [
			['Create: letters in Customer ID', { operation: 'create', customerId: byId('={{ "9a" }}') }, /^Customer ID must contain digits only, got "9a"$/],
			['Create: Customer ID from an expression that is empty', { operation: 'create', customerId: byId('={{ "" }}') }, /^Customer ID is required/],
			['Create: a 25-digit Customer ID', { operation: 'create', customerId: '1'.repeat(25) }, /^Customer ID must have at most 19 digits, got 25$/],
			['Get: an order number with letters', { operation: 'get', orderId: byId('={{ "SO-0041127" }}') }, /^Order ID must contain digits only, got "SO-0041127"/],
			['Get: a decimal Order ID', { operation: 'get', orderId: '41201.5' }, /^Order ID must contain digits only/],
			['Get Many: empty phone', { operation: 'getAll', customerPhone: '={{ "" }}' }, /^Customer Phone is required/],
			['Get Many: a phone with letters', { operation: 'getAll', customerPhone: 'nine one six' }, /^Customer Phone must be a phone number/],
			['Get Many: To Date before From Date', { operation: 'getAll', customerPhone: PHONE, filters: { fromDate: '2024-11-07', toDate: '2024-11-01' } }, /^Filters > To Date \(2024-11-01\) is before From Date \(2024-11-07\)/],
			['Get Many: a date that does not exist', { operation: 'getAll', customerPhone: PHONE, filters: { fromDate: '2024-02-30' } }, /^Filters > From Date must be a real date such as 2024-05-31/],
			['Get Many: Limit 0', { operation: 'getAll', customerPhone: PHONE, limit: 0 }, /^Limit must be a whole number of at least 1/],
			['Cart: letters in Customer ID', { resource: 'cart', operation: 'get', customerId: 'nine' }, /^Customer ID must contain digits only, got "nine"/],
		];

		it.each(cases)('%s', async (_name, parameters, message) => {
			const result = await h.run(parameters);
			expect(errorMessage(result)).toMatch(message);
			expect(h.requests()).toEqual([]);
		});

		it('one bad item among good ones stops the node before any order is placed', async () => {
			h.sandbox.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 1 }]);
			const result = await h.run({ operation: 'create', customerId: '={{ $json.customer }}' }, [{ customer: CUSTOMER }, { customer: 'x' }]);
			expect(errorMessage(result)).toMatch(/^Customer ID must contain digits only, got "x"/);
			expect(h.requests()).toEqual([]);
			expect(h.sandbox.counts().orders).toBe(0);
		});
	});

	it('a credential that cannot be used is named, and nothing is sent', async () => {
		const engine = createEngine({
			nodeTypes: { sourceHub: new SourceHub() },
			credentialTypes: [new SourceHubApi()],
			credentials: [{ type: 'sourceHubApi', data: { environment: 'custom', baseUrl: `${h.sandbox.baseUrl}?debug=1`, apiKey: h.sandbox.apiKey } }],
		});
		const result = await engine.runNode({ type: 'sourceHub', parameters: { resource: 'cart', operation: 'get', customerId: '9' } });
		expect(result.error?.message).toBe('Base URL Override must not contain a query string (?...)');
		expect(h.requests()).toEqual([]);
	});
});

/** A server that answers every request with the next scripted answer (the last one repeats). */
async function scriptedServer(): Promise<{ baseUrl: string; answer(...answers: Array<[number, string, string?]>): void; count(): number; close(): Promise<void> }> {
	let answers: Array<[number, string, string?]> = [];
	let requests = 0;
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			const [status, body, type = 'application/json'] = answers[Math.min(requests, answers.length - 1)];
			requests++;
			res.writeHead(status, { 'content-type': type, 'retry-after': '0' });
			res.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
		answer: (...list) => {
			answers = list;
			requests = 0;
		},
		count: () => requests,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

describe("SourceHub's answers, each a readable error quoting SourceHub's description", () => {
	let server: Awaited<ReturnType<typeof scriptedServer>>;
	beforeAll(async () => {
		server = await scriptedServer();
	});
	afterAll(async () => await server.close());

	const sourceHubError = (status: number, code: string, description: string) =>
		JSON.stringify({ error: { code, description, source: 'https://webservices.sourcehub.in/api/orders/874', status_code: status } });
	const run = async (parameters: IDataObject) =>
		await createEngine({
			nodeTypes: { sourceHub: new SourceHub() },
			credentialTypes: [new SourceHubApi()],
			credentials: [{ type: 'sourceHubApi', data: { environment: 'custom', baseUrl: server.baseUrl, apiKey: 'matrix-key-1234' } }],
		}).runNode({ type: 'sourceHub', parameters: { resource: 'order', ...parameters } });
	const get = { operation: 'get', orderId: '874' };
	const create = { operation: 'create', customerId: '9' };

	const cases: Array<[string, IDataObject, Array<[number, string, string?]>, RegExp, number, RegExp?]> = [
		['the documented 401', get, [[401, JSON.stringify(fixture('sourcehub-auth-failure.response'))]], /^SourceHub did not accept the credentials \(401 Unauthorized\): "Invalid credential or token\."$/, 1, /Check API Key and Environment/],
		['a 400 BAD_REQUEST_ERROR', create, [[400, sourceHubError(400, 'BAD_REQUEST_ERROR', 'The customer id field is required.')]], /^SourceHub rejected the request as invalid \(400 Bad Request\): "The customer id field is required\."$/, 1],
		['429 TOO_MANY_REQUESTS that never stops (a read)', get, [[429, sourceHubError(429, 'TOO_MANY_REQUESTS', 'Too many requests.')]], /^SourceHub is limiting the request rate \(429 Too Many Requests\).*: "Too many requests\." \(after 6 attempts\)$/, 6, /lower Parallel Requests/],
		['429 on the create, then placed', create, [[429, sourceHubError(429, 'TOO_MANY_REQUESTS', 'Slow down.')], [200, JSON.stringify(fixture('sourcehub-create.response'))]], /^$/, 2],
		['a 500 on the create: not sent again', create, [[500, sourceHubError(500, 'SERVER_ERROR', 'Something went wrong.')]], /^SourceHub had an internal error \(500\): "Something went wrong\."$/, 1, /may have been carried out by SourceHub/],
		['a 404 for the order', get, [[404, sourceHubError(404, 'NOT_FOUND_ERROR', 'Order not found.')]], /^SourceHub has no order with ID 874$/, 1],
		['an HTML page', get, [[502, '<html><title>502 Bad Gateway</title></html>', 'text/html']], /^SourceHub answered the get order request with a page that is not JSON \(HTTP 502\) \(after 6 attempts\)$/, 6],
		['a 200 carrying an error object', create, [[200, sourceHubError(200, 'BAD_REQUEST_ERROR', 'Customer is inactive.')]], /^SourceHub refused the create sales order request: "Customer is inactive\."$/, 1],
		['an empty 200', get, [[200, '']], /^SourceHub answered the get order request with an empty body \(HTTP 200\)$/, 1],
		['a placed answer without an order', create, [[200, JSON.stringify({ data: {}, message: 'ok' })]], /^SourceHub answered the order for customer 9 without an order or unavailable items$/, 1, /may or may not have been placed/],
		['a 401 with another body', get, [[401, JSON.stringify({ message: 'Unauthenticated.' })]], /^SourceHub did not accept the credentials \(401 Unauthorized\): "Unauthenticated\."$/, 1],
	];

	// Rest parameters: jest would take a sixth named one for a done callback on rows without it.
	it.each(cases)('%s', async (...row) => {
		const [, parameters, answers, message, requests, description] = row;
		server.answer(...answers);
		const result = await run(parameters);
		expect(result.error?.message ?? '').toMatch(message);
		if (description) expect((result.error as { description?: string }).description).toMatch(description);
		expect(server.count()).toBe(requests);
	}, 60_000);
});

// The API key in no output, error or run data, whatever the server quotes back: test/nodes/shared/transport/secrets.matrix.test.ts.

