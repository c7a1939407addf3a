/**
 * Tests of the engine harness itself, with test-only node and credential types and a
 * real HTTP server on 127.0.0.1 (requests go through n8n-core's own HTTP stack).
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { createEngine, nodeStaticDataKey, NOOP_NODE_TYPE, START_NODE_TYPE } from './index';
import type { Engine } from './index';
import { FunctionAuthApi, GenericAuthApi, SessionAuthApi } from './__fixtures__/credentials';
import { EchoRequest, EventPoller, Thrower } from './__fixtures__/nodes';

interface SeenRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	body: string;
}

const seen: SeenRequest[] = [];
const events: Array<{ id: number; name: string }> = [];
let logins = 0;
let server: Server;
let baseUrl: string;

function startServer(): Promise<void> {
	server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString()));
		req.on('end', () => {
			const request: SeenRequest = {
				method: req.method ?? '',
				path: url.pathname,
				query: Object.fromEntries(url.searchParams),
				headers: req.headers,
				body,
			};
			seen.push(request);
			const send = (status: number, payload: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(payload));
			};
			if (url.pathname === '/echo') {
				if (url.searchParams.get('id') === 'unauthorised') return send(401, { message: 'bad key' });
				return send(200, { id: url.searchParams.get('id'), seenAt: seen.length });
			}
			if (url.pathname === '/login') {
				logins += 1;
				return send(200, { token: `session-${logins}` });
			}
			if (url.pathname === '/events') {
				const after = Number(url.searchParams.get('after') ?? 0);
				return send(200, events.filter((event) => event.id > after));
			}
			return send(404, { message: 'not found' });
		});
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			resolve();
		});
	});
}

const lastRequest = () => seen[seen.length - 1];

let engine: Engine;

beforeAll(async () => {
	await startServer();
	engine = createEngine({
		nodeTypes: { echoRequest: new EchoRequest(), thrower: new Thrower(), eventPoller: new EventPoller() },
		credentialTypes: [new FunctionAuthApi(), new GenericAuthApi(), new SessionAuthApi()],
		credentials: [
			// `region` left out on purpose: the credential type's default must be applied.
			{ id: 'fn-1', name: 'Function creds', type: 'functionAuthApi', data: { apiKey: 'k-123' } },
			{ type: 'genericAuthApi', data: { token: 'tok-456', tenant: 'kapture' } },
			{ type: 'sessionAuthApi', data: { baseUrl: '', password: 'pw' } },
		],
	});
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
	seen.length = 0;
});

describe('authenticated requests through n8n-core', () => {
	it('applies a FUNCTION authenticate; the local server sees its headers', async () => {
		const result = await engine.runNode({
			type: 'echoRequest',
			parameters: { authentication: 'function', baseUrl },
		});

		expect(result.error).toBeUndefined();
		expect(seen).toHaveLength(1);
		expect(lastRequest().headers['x-api-key']).toBe('key:k-123');
		expect(lastRequest().headers['x-region']).toBe('eu-default'); // credential property default
		expect(result.json('Echo Request')).toEqual([
			{ id: null, seenAt: 1, label: 'default-label', version: 2 },
		]);
	});

	it('resolves a GENERIC authenticate ({{$credentials.x}} in headers and qs)', async () => {
		const result = await engine.runNode(
			{ type: 'echoRequest', parameters: { authentication: 'generic', baseUrl } },
			[{ id: 'a' }],
		);

		expect(result.error).toBeUndefined();
		expect(lastRequest().headers.authorization).toBe('Bearer tok-456');
		expect(lastRequest().query).toEqual({ id: 'a', tenant: 'kapture' });
	});

	it('runs preAuthentication for an expirable credential and keeps the refreshed token', async () => {
		const session = createEngine({
			nodeTypes: { echoRequest: new EchoRequest() },
			credentialTypes: [new SessionAuthApi()],
			credentials: [{ id: 's-1', type: 'sessionAuthApi', data: { baseUrl, password: 'pw' } }],
		});
		const loginsBefore = logins;

		const first = await session.runNode(
			{ type: 'echoRequest', parameters: { authentication: 'session', baseUrl } },
			[{ id: 1 }, { id: 2 }],
		);
		const second = await session.runNode(
			{ type: 'echoRequest', parameters: { authentication: 'session', baseUrl } },
			[{ id: 3 }],
		);

		expect(first.error).toBeUndefined();
		expect(second.error).toBeUndefined();
		expect(logins - loginsBefore).toBe(1);
		const token = `session-${loginsBefore + 1}`;
		expect(seen.filter((r) => r.path === '/echo').map((r) => r.headers['x-session'])).toEqual([
			token,
			token,
			token,
		]);
		expect(session.credentialsHelper.storedData({ id: 's-1', name: '' }, 'sessionAuthApi')).toMatchObject({
			sessionToken: token,
		});
	});

	it('surfaces an HTTP failure as the run error (NodeApiError)', async () => {
		const result = await engine.runNode(
			{ type: 'echoRequest', parameters: { authentication: 'function', baseUrl } },
			[{ id: 'unauthorised' }],
		);

		expect(result.status).toBe('error');
		expect(result.error?.name).toBe('NodeApiError');
		expect((result.error as unknown as IDataObject).httpCode).toBe('401');
		expect(result.nodeError('Echo Request')?.message).toBe(result.error?.message);
	});
});

describe('items', () => {
	it('preserves input order and passes real pairedItem for 3 items', async () => {
		const input = [{ id: 'first' }, { id: 'second' }, { id: 'third' }];
		const result = await engine.runNode(
			{ type: 'echoRequest', parameters: { authentication: 'function', baseUrl, label: '={{ $json.id }}!' } },
			input,
		);

		expect(result.error).toBeUndefined();
		// What the node received from getInputData(): the start node's output.
		expect(result.output('Start')).toEqual(
			input.map((json, item) => ({ json, pairedItem: { item } })),
		);
		expect(seen.map((r) => r.query.id)).toEqual(['first', 'second', 'third']);
		const out = result.output('Echo Request');
		expect(out.map((i) => i.json.label)).toEqual(['first!', 'second!', 'third!']);
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.runData['Echo Request'][0].source).toEqual([
			{ previousNode: 'Start', previousNodeOutput: 0, previousNodeRun: 0 },
		]);
	});

	it('accepts n8n items as input and honours an explicit typeVersion and node name', async () => {
		const result = await engine.runNode(
			{ type: 'echoRequest', name: 'Old Echo', typeVersion: 1, parameters: { authentication: 'generic', baseUrl } },
			[{ json: { id: 'x' } }],
		);

		expect(result.json('Old Echo')).toEqual([{ id: 'x', seenAt: 1, label: 'default-label', version: 1 }]);
	});

	it('runs an arbitrary workflow and keeps static data out of manual runs', async () => {
		const staticData: IDataObject = { global: { untouched: true } };
		const result = await engine.runWorkflow({
			nodes: [
				{ name: 'Trigger', type: START_NODE_TYPE, parameters: {} },
				{ name: 'Pass', type: NOOP_NODE_TYPE, parameters: {} },
				{ name: 'Echo', type: 'echoRequest', parameters: { authentication: 'generic', baseUrl }, credentials: { genericAuthApi: { id: 'genericAuthApi-2', name: 'x' } } },
			],
			connections: {
				Trigger: { main: [[{ node: 'Pass', type: 'main', index: 0 }]] },
				Pass: { main: [[{ node: 'Echo', type: 'main', index: 0 }]] },
			},
			startItems: [{ id: 'w1' }, { id: 'w2' }],
			staticData,
		});

		expect(result.error).toBeUndefined();
		expect(result.json('Echo').map((j) => j.id)).toEqual(['w1', 'w2']);
		expect(staticData).toEqual({ global: { untouched: true } });
		expect(() => result.output('Nope')).toThrow(/did not run/);
	});
});

describe('errors', () => {
	it('a throwing node fails the run with its message', async () => {
		const result = await engine.runNode({ type: 'thrower', parameters: {} }, [{ a: 1 }, { fail: true }]);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Item 1 asked to fail');
		expect(result.nodeError('Thrower')?.message).toBe('Item 1 asked to fail');
		expect(result.output('Thrower')).toEqual([]);
	});

	it('with continueOnFail the error goes on the item (node convention)', async () => {
		const result = await engine.runNode({ type: 'thrower', parameters: {}, continueOnFail: true }, [
			{ a: 1 },
			{ fail: true },
		]);

		expect(result.error).toBeUndefined();
		expect(result.json('Thrower')).toEqual([{ ok: true, a: 1 }, { error: 'Item 1 asked to fail' }]);
		expect(result.output('Thrower')[1].pairedItem).toEqual({ item: 1 });
	});

	it("with onError: 'continueErrorOutput' the failed item goes to the error output", async () => {
		const result = await engine.runNode(
			{ type: 'thrower', parameters: {}, onError: 'continueErrorOutput' },
			[{ a: 1 }, { fail: true }],
		);

		expect(result.error).toBeUndefined();
		expect(result.json('Thrower', 0)).toEqual([{ ok: true, a: 1 }]);
		// n8n-core merges the paired input item into the error item.
		expect(result.json('Thrower', 1)).toEqual([{ fail: true, error: 'Item 1 asked to fail' }]);
	});

	it('a node that throws outright under continueOnFail: n8n-core passes its input on and records the error', async () => {
		const thrower = { name: 'Thrower', type: 'thrower', parameters: { catchErrors: false }, continueOnFail: true };

		// As the last node (always the case in runNode), its error stays the run's error.
		const alone = await engine.runNode(thrower, [{ fail: true }]);
		expect(alone.status).toBe('error');
		expect(alone.error?.message).toBe('Item 0 asked to fail');
		expect(alone.json('Thrower')).toEqual([{ fail: true }]);
		expect(alone.nodeError('Thrower')?.message).toBe('Item 0 asked to fail');

		// With a node after it, the run goes on and succeeds; the error stays on the node.
		const chained = await engine.runWorkflow({
			nodes: [
				{ name: 'Start', type: START_NODE_TYPE, parameters: {} },
				thrower,
				{ name: 'After', type: NOOP_NODE_TYPE, parameters: {} },
			],
			connections: {
				Start: { main: [[{ node: 'Thrower', type: 'main', index: 0 }]] },
				Thrower: { main: [[{ node: 'After', type: 'main', index: 0 }]] },
			},
			startItems: [{ fail: true }],
		});
		expect(chained.status).toBe('success');
		expect(chained.error).toBeUndefined();
		expect(chained.json('After')).toEqual([{ fail: true }]);
		expect(chained.nodeError('Thrower')?.message).toBe('Item 0 asked to fail');
	});

	it('fails clearly when the node needs a credential the test did not provide', async () => {
		const bare = createEngine({ nodeTypes: { echoRequest: new EchoRequest() }, credentialTypes: [new FunctionAuthApi()] });

		const result = await bare.runNode({ type: 'echoRequest', parameters: { authentication: 'function', baseUrl } });

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/does not have any credentials set/);
		expect(seen).toHaveLength(0);
	});

	it('fails clearly when the node references a credential id that does not exist', async () => {
		const result = await engine.runNode({
			type: 'echoRequest',
			parameters: { authentication: 'function', baseUrl },
			credentials: { functionAuthApi: { id: 'missing', name: 'Gone' } },
		});

		expect(result.error?.message).toMatch(/with ID "missing" of type "functionAuthApi" does not exist/);
		expect(seen).toHaveLength(0);
	});

	it('rejects unknown node types with the list of registered ones', async () => {
		await expect(engine.runNode({ type: 'nope', parameters: {} })).rejects.toThrow(/Unknown node type "nope"/);
	});
});

describe('poll()', () => {
	const poller = () => ({ type: 'eventPoller', name: 'Poller', parameters: { baseUrl } });

	beforeEach(() => {
		events.length = 0;
		events.push({ id: 1, name: 'one' }, { id: 2, name: 'two' });
	});

	it('in trigger mode keeps the node state in the workflow static data across polls', async () => {
		const staticData: IDataObject = {};

		const first = await engine.poll(poller(), { staticData });
		expect(first.items?.map((i) => i.json.id)).toEqual([1, 2]);
		expect(first.staticData).toBe(staticData);
		expect(first.staticDataChanged).toBe(true);
		expect(staticData[nodeStaticDataKey('Poller')]).toEqual({ polls: 1, lastId: 2, seen: [1, 2] });
		expect(lastRequest().headers.authorization).toBe('Bearer tok-456');

		const nothingNew = await engine.poll(poller(), { staticData });
		expect(nothingNew.items).toBeNull();
		expect(lastRequest().query.after).toBe('2');

		events.push({ id: 3, name: 'three' });
		// A restart: n8n reloads static data from its database (JSON).
		const restarted = structuredClone(staticData);
		const third = await engine.poll(poller(), { staticData: restarted });
		expect(third.items?.map((i) => i.json)).toEqual([{ id: 3, name: 'three' }]);
		expect(restarted['node:Poller']).toEqual({ polls: 3, lastId: 3, seen: [1, 2, 3] });
		expect(staticData['node:Poller']).toEqual({ polls: 2, lastId: 2, seen: [1, 2] });
	});

	it('in manual mode ("Fetch Test Event") returns a sample and discards static-data changes', async () => {
		const staticData: IDataObject = { 'node:Poller': { lastId: 2 } };

		const result = await engine.poll(poller(), { mode: 'manual', staticData });

		expect(result.items?.map((i) => i.json)).toEqual([{ id: 2, name: 'two' }]);
		expect(lastRequest().query.after).toBe('0');
		expect(result.staticDataChanged).toBe(true);
		expect(result.staticData).toBe(staticData);
		expect(staticData).toEqual({ 'node:Poller': { lastId: 2 } });
	});

	it('rejects with the node error when the poll fails', async () => {
		const bare = createEngine({ nodeTypes: { eventPoller: new EventPoller() }, credentialTypes: [new GenericAuthApi()] });
		await expect(bare.poll(poller())).rejects.toThrow(/does not have any credentials set/);
	});
});

describe('speed', () => {
	it('runs a one-node workflow in milliseconds once warm', async () => {
		await engine.runNode({ type: 'thrower', parameters: {} });
		const started = performance.now();
		for (let i = 0; i < 10; i++) await engine.runNode({ type: 'thrower', parameters: {} });
		const perRun = (performance.now() - started) / 10;
		expect(perRun).toBeLessThan(100);
	});
});
