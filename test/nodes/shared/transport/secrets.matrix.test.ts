// No secret in any output, error or run data, through n8n (n8n-core), on
// every endpoint of both Kapture APIs and SourceHub (node and credential
// Test), on the success and every error path, whatever the server quotes
// back: the sandboxes' leak mode answers every request with the secret it
// carried, each answer in another encoding (test/sandbox/leak.ts), secrets
// drawn from awkward alphabets (test/helpers/secrets.ts).
//
// One matrix: a new endpoint is a row of ENDPOINTS, a new kind of answer a
// row of ANSWERS, a new encoding a row of leak.ts's ENCODERS, a new kind of
// secret a row of SECRET_CLASSES.

import { CredentialTestContext } from 'n8n-core';
import type { IDataObject, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { KaptureApi } from '../../../../credentials/KaptureApi.credentials';
import { SourceHubApi } from '../../../../credentials/SourceHubApi.credentials';
import { KaptureOrder } from '../../../../nodes/Kapture/KaptureOrder.node';
import { SourceHub } from '../../../../nodes/SourceHub/SourceHub.node';
import { sourceHubCredentialTest } from '../../../../nodes/shared/transport/vendors/sourcehubCredentialTest';
import { createEngine, initEngineContainer } from '../../../helpers/engine';
import { drawSecrets, formsOf, leaksIn, SECRET_CLASSES } from '../../../helpers/secrets';
import { startSandbox, type KaptureSandbox } from '../../../sandbox';
import { SINGLE_ENCODINGS, type LeakOptions } from '../../../sandbox/leak';
import { DOCUMENTED_CUSTOMER_ID, DOCUMENTED_PRODUCT_ID, startSourceHubSandbox, type SourceHubSandbox } from '../../../sandbox/sourcehub';

const USER = 'echo-user';
// The documented customer's phone in the SourceHub sandbox.
const DOCUMENTED_PHONE = '9163367906';
const NOW = Date.UTC(2024, 4, 8, 6);
// Each layer alone, and the pairs servers really write: JSON in an HTML page, an HTML-escaped value in Gson's JSON, a URL-encoded JSON escape.
const ENCODINGS = [...SINGLE_ENCODINGS, 'json+htmlSpecial', 'htmlEntities+gsonHtmlSafe', 'phpJson+uriComponent', 'htmlHex+form', 'base64+htmlDecimal'];

/** Ids of the records the success path works on. */
interface Records {
	orderId: string;
	customerId: string;
	phone: string;
}

interface Endpoint {
	name: string;
	vendor: 'kapture' | 'sourcehub';
	/** Credential field holding the secret that this endpoint sends. */
	secretField: 'password' | 'authKey' | 'paymentAuthKey' | 'apiKey';
	/** The node's parameters; absent for the credential Test. */
	parameters?: (records: Records) => IDataObject;
}

const customer = { customerName: 'Echo', phone: '9000000000' };
const parallel = { options: { parallelRequests: 10 } };

const ENDPOINTS: Endpoint[] = [
	{ name: 'Kapture Create (v1)', vendor: 'kapture', secretField: 'password', parameters: () => ({ operation: 'add', api: 'v1', ...customer, ...parallel }) },
	{ name: 'Kapture Update (v1)', vendor: 'kapture', secretField: 'password', parameters: (r) => ({ operation: 'update', api: 'v1', orderId: r.orderId, ...customer, ...parallel }) },
	{ name: 'Kapture Get (v1)', vendor: 'kapture', secretField: 'password', parameters: (r) => ({ operation: 'get', api: 'v1', orderId: r.orderId, simplify: false }) },
	{ name: 'Kapture Get Many (v1)', vendor: 'kapture', secretField: 'password', parameters: (r) => ({ operation: 'pull', api: 'v1', returnAll: true, simplify: false, filters: { orderIds: r.orderId } }) },
	{ name: 'Kapture Create or Update (v1)', vendor: 'kapture', secretField: 'password', parameters: () => ({ operation: 'upsert', api: 'v1', erpOrderId: 'ECHO-1', ...customer, ...parallel }) },
	{ name: 'Kapture Create (partner)', vendor: 'kapture', secretField: 'authKey', parameters: () => ({ operation: 'add', api: 'partner', ...customer, ...parallel }) },
	{ name: 'Kapture Update (partner)', vendor: 'kapture', secretField: 'authKey', parameters: (r) => ({ operation: 'update', api: 'partner', orderId: r.orderId, phone: customer.phone, ...parallel }) },
	{ name: 'Kapture Get (partner)', vendor: 'kapture', secretField: 'authKey', parameters: (r) => ({ operation: 'get', api: 'partner', orderId: r.orderId, simplify: false }) },
	{ name: 'Kapture Get Many (partner)', vendor: 'kapture', secretField: 'authKey', parameters: () => ({ operation: 'pull', api: 'partner', startDate: '2024-05-08', endDate: '2024-05-08', returnAll: true, simplify: false }) },
	{ name: 'Kapture Add Payment (partner)', vendor: 'kapture', secretField: 'paymentAuthKey', parameters: (r) => ({ operation: 'pay', orderId: r.orderId, customerId: r.customerId, amount: 5, paymentMode: 'cash', ...parallel }) },
	{ name: 'SourceHub Order Create', vendor: 'sourcehub', secretField: 'apiKey', parameters: (r) => ({ resource: 'order', operation: 'create', customerId: r.customerId, options: { onUnavailableItems: 'output' } }) },
	{ name: 'SourceHub Order Get', vendor: 'sourcehub', secretField: 'apiKey', parameters: (r) => ({ resource: 'order', operation: 'get', orderId: r.orderId, simplify: false }) },
	{ name: 'SourceHub Order Get Many', vendor: 'sourcehub', secretField: 'apiKey', parameters: (r) => ({ resource: 'order', operation: 'getAll', customerPhone: r.phone, returnAll: true, simplify: false }) },
	{ name: 'SourceHub Cart Get', vendor: 'sourcehub', secretField: 'apiKey', parameters: (r) => ({ resource: 'cart', operation: 'get', customerId: r.customerId, simplify: false }) },
	{ name: 'SourceHub credential Test', vendor: 'sourcehub', secretField: 'apiKey' },
];

/** How the server answers: leak mode quotes the secret in all of them. */
interface Answer {
	name: string;
	/** The server expects another secret, so it refuses the one sent (and quotes it). */
	wrongSecret?: boolean;
	fault?: 'failureBody' | 'serverError' | 'html';
	leak?: Partial<LeakOptions>;
}

const ANSWERS: Answer[] = [
	{ name: 'success, JSON in every flavour', leak: { jsonFlavours: ['standard', 'php', 'python', 'gson', 'everyCharUpper', 'exponent'] } },
	{ name: 'refusal in a 200 body', fault: 'failureBody', leak: { jsonFlavours: ['php', 'gson'] } },
	{ name: 'wrong secret (401 or refusal)', wrongSecret: true, leak: { jsonFlavours: ['python', 'standard'] } },
	{ name: 'server error (500 JSON)', fault: 'serverError', leak: { jsonFlavours: ['everyCharUpper', 'php'] } },
	{ name: 'HTML error page (502)', fault: 'html' },
	{ name: 'plain text', leak: { asText: true } },
];

// One secret of every class; header-sent secrets (partner, SourceHub keys) only from classes Node can send in a header.
const SECRETS = SECRET_CLASSES.map((secretClass, index) => ({ secretClass, secret: drawSecrets(secretClass, 1, 3100 + index)[0] }));

/**
 * Which secrets each endpoint × answer runs with: two per cell, taken in turn
 * so that every endpoint meets every class of secret and every answer does too.
 */
function secretsFor(endpointIndex: number, answerIndex: number): typeof SECRETS {
	const at = endpointIndex * ANSWERS.length + answerIndex;
	return [SECRETS[at % SECRETS.length], SECRETS[(at + Math.floor(SECRETS.length / 2)) % SECRETS.length]];
}

const cases = ENDPOINTS.flatMap((endpoint, e) =>
	ANSWERS.flatMap((answer, a) => secretsFor(e, a).map(({ secretClass, secret }): [string, string, string, Endpoint, Answer, string] => [endpoint.name, answer.name, secretClass.name, endpoint, answer, secret])),
);

let kapture: KaptureSandbox | undefined;
let sourceHub: SourceHubSandbox | undefined;

beforeAll(() => initEngineContainer());
afterEach(async () => {
	await kapture?.close();
	await sourceHub?.close();
	kapture = sourceHub = undefined;
});

/** A sandbox for one case: expecting the secret (or another one), with its records, faults and leak mode set. */
async function serverFor(endpoint: Endpoint, answer: Answer, secret: string): Promise<{ baseUrl: string; records: Records; leaks: () => number }> {
	const expected = answer.wrongSecret ? 'the-right-secret-1' : secret;
	const leak: LeakOptions = { encodings: ENCODINGS, ...answer.leak };
	if (endpoint.vendor === 'kapture') {
		const sandbox = (kapture = await startSandbox({ quiet: true, now: NOW, username: USER, password: expected, authKey: expected }));
		const order = sandbox.insertOrder({ erpOrderId: 'ECHO-0' });
		if (answer.fault) sandbox.faults.rate(1, { kind: answer.fault });
		sandbox.setLeak(leak);
		return {
			baseUrl: sandbox.baseUrl,
			records: { orderId: String(order.id), customerId: String(order.customerId), phone: order.phone },
			leaks: () => sandbox.requests().filter((entry) => entry.leaked).length,
		};
	}
	const sandbox = (sourceHub = await startSourceHubSandbox({ quiet: true, now: NOW, apiKey: expected }));
	const [order] = sandbox.seedOrders(DOCUMENTED_CUSTOMER_ID, 1);
	sandbox.fillCart(DOCUMENTED_CUSTOMER_ID, [{ productId: DOCUMENTED_PRODUCT_ID, quantity: 1 }]);
	if (answer.fault) sandbox.faults.rate(1, { kind: answer.fault });
	sandbox.setLeak(leak);
	return {
		baseUrl: sandbox.baseUrl,
		records: { orderId: String(order.id), customerId: String(DOCUMENTED_CUSTOMER_ID), phone: DOCUMENTED_PHONE },
		leaks: () => sandbox.requests().filter((entry) => entry.leaked).length,
	};
}

async function run(endpoint: Endpoint, baseUrl: string, records: Records, secret: string, continueOnFail: boolean): Promise<unknown> {
	if (!endpoint.parameters) {
		const context = new CredentialTestContext({} as IWorkflowExecuteAdditionalData);
		return await sourceHubCredentialTest.call(context, { id: '1', name: 'SourceHub', type: 'sourceHubApi', data: { environment: 'custom', baseUrl, apiKey: secret } });
	}
	const items = ENCODINGS.map((_, index) => ({ index }));
	if (endpoint.vendor === 'kapture') {
		const result = await createEngine({
			nodeTypes: { kaptureOrder: new KaptureOrder() },
			credentialTypes: [new KaptureApi()],
			credentials: [{ type: 'kaptureApi', data: { subdomain: '', baseUrl, username: USER, cmId: 1000298, password: 'unused-password', authKey: 'unused-auth-key', [endpoint.secretField]: secret } }],
		}).runNode({ type: 'kaptureOrder', parameters: { resource: 'order', ...endpoint.parameters(records) }, continueOnFail }, items);
		return { runData: result.runData, error: result.error };
	}
	const result = await createEngine({
		nodeTypes: { sourceHub: new SourceHub() },
		credentialTypes: [new SourceHubApi()],
		credentials: [{ type: 'sourceHubApi', data: { environment: 'custom', baseUrl, apiKey: secret } }],
	}).runNode({ type: 'sourceHub', parameters: endpoint.parameters(records), continueOnFail }, items);
	return { runData: result.runData, error: result.error };
}

describe('no secret in outputs, errors or run data: every endpoint × answer × class of secret, each answer in another encoding', () => {
	it.each(cases)('%s, %s, secret: %s', async (_endpoint, _answer, className, endpoint, answer, secret) => {
		const forms = formsOf(secret);
		const server = await serverFor(endpoint, answer, secret);
		for (const continueOnFail of endpoint.parameters ? [true, false] : [true]) {
			const seen = await run(endpoint, server.baseUrl, server.records, secret, continueOnFail);
			expect(leaksIn(seen, secret, forms)).toEqual([]);
		}
		// The case did test something: the server quoted the secret back (unless Node could not send it in a header).
		const sendable = endpoint.secretField === 'password' || SECRET_CLASSES.find((c) => c.name === className)?.headerSafe;
		if (sendable) expect(server.leaks()).toBeGreaterThan(0);
	});

	it('covers every endpoint, answer and class of secret', () => {
		for (const endpoint of ENDPOINTS) {
			const classes = new Set(cases.filter((c) => c[3] === endpoint).map((c) => c[2]));
			expect([endpoint.name, classes.size]).toEqual([endpoint.name, SECRET_CLASSES.length]);
		}
		for (const answer of ANSWERS) {
			const classes = new Set(cases.filter((c) => c[4] === answer).map((c) => c[2]));
			expect([answer.name, classes.size]).toEqual([answer.name, SECRET_CLASSES.length]);
		}
	});
});
