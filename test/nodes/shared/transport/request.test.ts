import type { IDataObject } from 'n8n-workflow';

import { KaptureApi } from '../../../../credentials/KaptureApi.credentials';
import { createEngine, type RunResult } from '../../../helpers/engine';
import { startSandbox, type FaultSpec, type KaptureSandbox } from '../../../sandbox';
import { TransportProbe } from './__fixtures__/TransportProbe.node';

// Secrets no error, description or output may ever contain.
const CANARY_PASSWORD = 'canary-Pa55-9f3e1c';
const CANARY_KEY = 'canary-KEY-77b2d0';
const CANARY_BASIC = Buffer.from(`transport-user:${CANARY_PASSWORD}`).toString('base64');

const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 4 };
const pullBody = (sandbox: KaptureSandbox): IDataObject => ({ cmId: sandbox.credentials.cmId, orderIds: '1' });

let sandbox: KaptureSandbox;

function engineFor(credentialData: IDataObject = {}) {
	return createEngine({
		nodeTypes: { transportProbe: new TransportProbe() },
		credentialTypes: [new KaptureApi()],
		credentials: [
			{
				type: 'kaptureApi',
				data: {
					baseUrl: sandbox.baseUrl,
					username: 'transport-user',
					password: CANARY_PASSWORD,
					cmId: sandbox.credentials.cmId,
					authKey: CANARY_KEY,
					...credentialData,
				},
			},
		],
	});
}

async function probe(
	parameters: { call?: string; endpoint?: string; body?: unknown; options?: IDataObject },
	credentialData?: IDataObject,
): Promise<RunResult> {
	return await engineFor(credentialData).runNode({
		type: 'transportProbe',
		parameters: {
			call: parameters.call ?? 'request',
			endpoint: parameters.endpoint ?? 'v1Pull',
			body: JSON.stringify(parameters.body ?? pullBody(sandbox)),
			options: JSON.stringify({ retry: FAST_RETRY, ...parameters.options }),
		},
	});
}

function expectNoSecrets(value: unknown) {
	const text = JSON.stringify(value);
	expect(text).not.toContain(CANARY_PASSWORD);
	expect(text).not.toContain(CANARY_KEY);
	expect(text).not.toContain(CANARY_BASIC);
}

const logged = (api: string) => sandbox.requests().filter((entry) => entry.api === api);

beforeAll(async () => {
	sandbox = await startSandbox({ username: 'transport-user', password: CANARY_PASSWORD, authKey: CANARY_KEY });
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	sandbox.reset();
});

describe('transport against the sandbox, through n8n-core', () => {
	it('sends v1 Basic auth and the partner key, each to its own API', async () => {
		sandbox.seedOrders(1);
		const v1 = await probe({ body: { cmId: sandbox.credentials.cmId, orderIds: String(sandbox.listOrders()[0].id) } });
		expect(v1.error).toBeUndefined();
		expect(v1.json('Transport Probe')[0].order_details).toHaveLength(1);

		const partner = await probe({ endpoint: 'partnerGet', body: [{ order_id: String(sandbox.listOrders()[0].id) }] as never });
		expect(partner.error).toBeUndefined();
		expect(logged('getOrder')[0]).toMatchObject({ authorized: true, status: 200 });
	});

	it('uses a per-API key when the credential has one', async () => {
		const scoped = await startSandbox({ authKey: 'default-key', partnerKeys: { getOrder: 'get-key' } });
		try {
			const run = (data: IDataObject) =>
				createEngine({
					nodeTypes: { transportProbe: new TransportProbe() },
					credentialTypes: [new KaptureApi()],
					credentials: [{ type: 'kaptureApi', data: { baseUrl: scoped.baseUrl, authKey: 'default-key', ...data } }],
				}).runNode({
					type: 'transportProbe',
					parameters: { endpoint: 'partnerGet', body: '[{"order_id":"1"}]', options: '{}' },
				});
			const withDefault = await run({});
			expect(withDefault.error?.message).toMatch(/AuthKeyInvalid/);
			// Accepted: Kapture's "could not find the order" is the endpoint's "nothing found", an empty list.
			const withSpecific = await run({ getOrderAuthKey: 'get-key' });
			expect(withSpecific.error).toBeUndefined();
			expect(withSpecific.json('Transport Probe')[0]).toEqual({ list: [] });
		} finally {
			await scoped.close();
		}
	});

	describe('turns every failure into a readable error without secrets', () => {
		const cases: Array<[string, FaultSpec | 'badAuth', RegExp]> = [
			['a 200 that says failed', { kind: 'failureBody', message: 'Order Creation Failed...' }, /Kapture refused the pull orders \(v1\) request: "Order Creation Failed\.\.\."/],
			['an HTML error page', { kind: 'html' }, /not JSON \(HTTP 502\)/],
			['a server error', { kind: 'serverError' }, /internal error \(500\).*after 4 attempts/],
			['rate limiting that never stops', { kind: 'rateLimit', retryAfterSeconds: 0 }, /limiting the request rate \(429/],
			['a connection reset', { kind: 'reset' }, /closed the connection before answering|could not be reached/],
			['wrong credentials', 'badAuth', /did not accept the credentials \(401 Unauthorized\): "Invalid Auth Key"/],
		];

		it.each(cases)('%s', async (_name, fault, message) => {
			if (fault !== 'badAuth') {
				sandbox.faults.rate(1, { ...fault, api: 'v1Pull' });
			}
			const result = await probe({}, fault === 'badAuth' ? { password: `${CANARY_PASSWORD}-wrong` } : {});
			expect(result.error?.message).toMatch(message);
			expectNoSecrets(result.error);
			expectNoSecrets(result.runData);
		});

		it('a partner refusal keeps Kapture capitalised Message and Status', async () => {
			const result = await probe({ endpoint: 'partnerPayment', body: [{ amount_paid: '5' }] as never });
			expect(result.error?.message).toMatch(/^Kapture refused the update payment against order \(partner\) request: "ReqFieldMissing: /);
			expect((result.error as { description?: string }).description).toBe('A field Kapture requires for this API is empty.');
			expectNoSecrets(result.error);
		});

		it('wording: only Kapture\'s words in quotes, and the hint names the secret of the API used', async () => {
			sandbox.faults.script({ kind: 'failureBody', api: 'v1Pull', message: '' });
			const silent = await probe({});
			expect(silent.error?.message).toBe('Kapture refused the pull orders (v1) request without saying why');

			const v1 = await probe({}, { password: `${CANARY_PASSWORD}-wrong` });
			const v1Hint = (v1.error as { description?: string }).description;
			expect(v1Hint).toBe('Check Username and Password in the Kapture credential.');
			expect(v1Hint).not.toMatch(/Auth Key/);

			const partner = await probe({ endpoint: 'partnerGet', body: [{ order_id: '1' }] as never }, { authKey: 'wrong-key' });
			expect((partner.error as { description?: string }).description).toBe(
				'Check Get Order Auth Key (or Auth Key) in the Kapture credential.',
			);
		});

		it('a missing secret is named before anything is sent', async () => {
			const result = await probe({ endpoint: 'partnerGet', body: [{ order_id: '1' }] as never }, { authKey: '' });
			expect(result.error?.message).toMatch(/An Auth Key is needed .*fill Auth Key/);
			expect(sandbox.requests()).toHaveLength(0);
		});
	});

	describe('says on every error whether the request can have taken effect', () => {
		const addBody = { customer_info: { customer_name: 'Delivery Test', phone: '9000000002' }, order_info: { update: false } };
		const contextOf = (result: RunResult) => (result.error as unknown as { context: IDataObject }).context;
		const cases: Array<[string, FaultSpec['kind'] | 'badAuth' | 'refusedConnection' | 'noPassword', string, number | undefined]> = [
			['a 200 that says failed', 'failureBody', 'notProcessed', 200],
			['wrong credentials (401)', 'badAuth', 'notProcessed', 401],
			['429 after every retry', 'rateLimit', 'notProcessed', 429],
			// A proxy may answer 503 after forwarding the write: not proof that nothing happened.
			['a 503', 'unavailable', 'mayHaveBeenProcessed', 503],
			['a refused connection', 'refusedConnection', 'notProcessed', undefined],
			['a credential that cannot be used', 'noPassword', 'notProcessed', undefined],
			['a 500', 'serverError', 'mayHaveBeenProcessed', 500],
			['an HTML page', 'html', 'mayHaveBeenProcessed', 502],
			['a connection reset after sending', 'reset', 'mayHaveBeenProcessed', undefined],
		];

		it.each(cases)('%s on a write', async (_name, fault, delivery, httpStatus) => {
			const credentials: IDataObject = {};
			if (fault === 'badAuth') credentials.password = 'wrong';
			else if (fault === 'noPassword') credentials.password = '';
			else if (fault === 'refusedConnection') credentials.baseUrl = 'http://127.0.0.1:1';
			else sandbox.faults.rate(1, { kind: fault, api: 'v1AddUpdate', retryAfterSeconds: 0 });
			const result = await probe({ endpoint: 'v1AddUpdate', body: addBody }, credentials);
			expect(contextOf(result)).toMatchObject({ delivery, endpoint: 'v1AddUpdate', write: true });
			expect(contextOf(result).httpStatus).toBe(httpStatus);
			expect(sandbox.counts().orders).toBe(0);
		});

		it('a timeout after sending, on a read', async () => {
			sandbox.faults.script({ kind: 'slow', api: 'v1Pull', delayMs: 1500 });
			const result = await probe({ options: { timeoutMs: 300, retry: { ...FAST_RETRY, maxAttempts: 1 } } });
			expect(contextOf(result)).toMatchObject({ delivery: 'mayHaveBeenProcessed', write: false, attempts: 1 });
		});
	});

	describe('retries', () => {
		it('retries a read until it succeeds', async () => {
			sandbox.faults.script({ kind: 'serverError', api: 'v1Pull' }, { kind: 'reset', api: 'v1Pull' }, { kind: 'html', api: 'v1Pull' });
			const result = await probe({});
			expect(result.error).toBeUndefined();
			expect(logged('v1Pull')).toHaveLength(4);
		});

		it('honours Retry-After before trying again', async () => {
			sandbox.faults.script({ kind: 'rateLimit', api: 'v1Pull', retryAfterSeconds: 1 });
			const started = Date.now();
			const result = await probe({});
			expect(result.error).toBeUndefined();
			expect(Date.now() - started).toBeGreaterThanOrEqual(950);
			expect(logged('v1Pull')).toHaveLength(2);
		});

		const addBody = {
			customer_info: { customer_name: 'Retry Test', phone: '9000000001' },
			order_info: { update: false, remarks: 'retry test' },
		};

		it('never sends a write again after a 500, a reset or an HTML page', async () => {
			for (const kind of ['serverError', 'reset', 'html'] as const) {
				sandbox.reset();
				sandbox.faults.script({ kind, api: 'v1AddUpdate' });
				const result = await probe({ endpoint: 'v1AddUpdate', body: addBody });
				expect(result.error).toBeDefined();
				expect(logged('v1AddUpdate')).toHaveLength(1);
				expect(sandbox.counts().orders).toBe(0);
			}
		});

		it('tells the user a write may have arrived when the connection broke', async () => {
			sandbox.faults.script({ kind: 'reset', api: 'v1AddUpdate' });
			const result = await probe({ endpoint: 'v1AddUpdate', body: addBody });
			expect((result.error as Error & { description?: string })?.description).toMatch(/may have reached Kapture, so it was not sent again/);
		});

		it('tells the user a write may have been carried out after a 500 or an unreadable page', async () => {
			for (const [kind, said] of [['serverError', ''], ['html', 'The page said: 502 Bad Gateway. ']] as const) {
				sandbox.reset();
				sandbox.faults.script({ kind, api: 'v1AddUpdate' });
				const result = await probe({ endpoint: 'v1AddUpdate', body: addBody });
				expect((result.error as Error & { description?: string })?.description).toBe(
					`${said}The add/update order (v1) request may have been carried out by Kapture, so it was not sent again: check in Kapture whether it took effect before running this item again.`,
				);
			}
			// A read's 500 keeps its usual description.
			sandbox.faults.rate(1, { kind: 'serverError', api: 'v1Pull' });
			const read = await probe({});
			expect((read.error as Error & { description?: string })?.description).toBe('Endpoint: pull orders (v1)');
		});

		it('retries a write that Kapture refused with 429, and creates the order once', async () => {
			sandbox.faults.script(
				{ kind: 'rateLimit', api: 'v1AddUpdate', retryAfterSeconds: 0 },
				{ kind: 'rateLimit', api: 'v1AddUpdate' },
			);
			const result = await probe({ endpoint: 'v1AddUpdate', body: addBody });
			expect(result.error).toBeUndefined();
			expect(logged('v1AddUpdate')).toHaveLength(3);
			expect(sandbox.counts().orders).toBe(1);
		});

		it.each([
			['before', 'unavailable', 0],
			['after', 'unavailableAfterStoring', 1],
		] as const)('never sends a write again after a 503 (here answered %s storing): one order at most', async (_when, kind, orders) => {
			sandbox.faults.script({ kind, api: 'v1AddUpdate', retryAfterSeconds: 0 });
			const result = await probe({ endpoint: 'v1AddUpdate', body: addBody });
			expect((result.error as unknown as { context: IDataObject }).context).toMatchObject({ delivery: 'mayHaveBeenProcessed', httpStatus: 503 });
			expect((result.error as { description?: string }).description).toMatch(/may have been carried out by Kapture, so it was not sent again/);
			expect(logged('v1AddUpdate')).toHaveLength(1);
			expect(sandbox.counts().orders).toBe(orders);
		});

		it('a 5xx is never "nothing found", whatever it says: the read is retried, then fails', async () => {
			sandbox.faults.rate(1, { kind: 'serverError', api: 'v1Pull', message: 'No data found' });
			const result = await probe({});
			expect(result.error?.message).toMatch(/internal error \(500\): "No data found"/);
			expect(logged('v1Pull').length).toBeGreaterThan(1);
		});

		it.each([
			['the whole message', 'No data found', true],
			['with a full stop', 'No orders found.', true],
			['inside a database error', 'ORA-01403: no data found', false],
			['inside a longer sentence', 'Lookup failed: no records found in index', false],
		] as const)('a failed 200 is "nothing found" only when that is %s', async (_what, message, empty) => {
			sandbox.faults.script({ kind: 'failureBody', api: 'v1Pull', message });
			const result = await probe({});
			if (empty) {
				expect(result.error).toBeUndefined();
				expect(result.json('Transport Probe')[0]).toEqual({ list: [] });
			} else {
				expect(result.error?.message).toContain(message);
			}
		});

		it('gives up when Retry-After asks for longer than the wait budget', async () => {
			sandbox.faults.script({ kind: 'rateLimit', api: 'v1Pull', retryAfterSeconds: 3600 });
			const started = Date.now();
			const result = await probe({ options: { retry: { ...FAST_RETRY, maxTotalWaitMs: 1000 } } });
			expect(result.error?.message).toMatch(/429/);
			expect(Date.now() - started).toBeLessThan(2000);
		});

		it('gives up on a slow answer after the timeout', async () => {
			sandbox.faults.script({ kind: 'slow', api: 'v1Pull', delayMs: 1500 });
			const result = await probe({ options: { timeoutMs: 300, retry: { ...FAST_RETRY, maxAttempts: 1 } } });
			expect(result.error?.message).toMatch(/did not answer in time|could not be reached/);
		});
	});

	describe('pagination', () => {
		it('walks v1 limit/offset pages to the end, each order once', async () => {
			sandbox.seedOrders(230);
			const result = await probe({
				call: 'pullV1',
				body: { cmId: sandbox.credentials.cmId, createStartDate: '2000-01-01' },
				options: { pageSize: 100 },
			});
			const pages = result.json('Transport Probe');
			expect(pages.map((page) => page.size)).toEqual([100, 100, 30]);
			const ids = pages.flatMap((page) => page.ids as string[]);
			expect(new Set(ids).size).toBe(230);
			expect(logged('v1Pull')).toHaveLength(3);
		});

		it('loses nothing when the server silently serves smaller pages than asked', async () => {
			sandbox.seedOrders(230);
			sandbox.setPageSizeCap(40);
			const result = await probe({
				call: 'pullV1',
				body: { cmId: sandbox.credentials.cmId, createStartDate: '2000-01-01' },
				options: { pageSize: 100 },
			});
			const ids = result.json('Transport Probe').flatMap((page) => page.ids as string[]);
			expect(new Set(ids).size).toBe(230);
			expect(ids).toHaveLength(230);
		});

		it('walks a partner date range one day at a time and treats an empty day as empty', async () => {
			const day = Date.parse('2026-03-10T12:00:00+05:30');
			sandbox.seedOrders(5, (i) => ({ createDate: day + i * 60_000 }));
			sandbox.seedOrders(3, (i) => ({ createDate: day + 2 * 86_400_000 + i * 60_000 }));
			const result = await probe({
				call: 'pullPartner',
				body: { start: '2026-03-09', end: '2026-03-12' },
				options: { pageSize: 2 },
			});
			const ids = result.json('Transport Probe').flatMap((page) => page.ids as string[]);
			expect(new Set(ids).size).toBe(8);
			const windows = logged('pullByDates').map((entry) => (entry.body as IDataObject[])[0].start_date);
			expect(new Set(windows)).toEqual(new Set(['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12']));
		});
	});
});
