// The SourceHub credential's Test, through n8n-core's own credential-test
// context (its legacy request helper, as n8n's Test button uses it), against
// the SourceHub sandbox, a server that is not SourceHub, and no server.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { CredentialTestContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { judgeProbe, PROBE, sourceHubCredentialTest } from '../../../../../nodes/shared/transport/vendors/sourcehubCredentialTest';
import { initEngineContainer } from '../../../../helpers/engine';
import { fixture } from '../../../../sandbox/helpers';
import { startSourceHubSandbox, type SourceHubSandbox } from '../../../../sandbox/sourcehub';
import { startSandbox as startKaptureSandbox, type KaptureSandbox } from '../../../../sandbox';

let sourceHub: SourceHubSandbox;
let kapture: KaptureSandbox;

beforeAll(async () => {
	initEngineContainer();
	sourceHub = await startSourceHubSandbox({ quiet: true, apiKey: 'sh-good-key-1234' });
	kapture = await startKaptureSandbox({ quiet: true });
});
afterAll(async () => {
	await sourceHub.close();
	await kapture.close();
});
beforeEach(() => sourceHub.reset());

async function test(data: ICredentialDataDecryptedObject) {
	const context = new CredentialTestContext({} as IWorkflowExecuteAdditionalData);
	return await sourceHubCredentialTest.call(context, { id: '1', name: 'SourceHub', type: 'sourceHubApi', data });
}

const custom = (baseUrl: string, apiKey = 'sh-good-key-1234') => ({ environment: 'custom', baseUrl, apiKey });

describe('SourceHub credential Test', () => {
	it('a good key: OK, after one read that finds nothing', async () => {
		expect(await test(custom(sourceHub.baseUrl))).toEqual({ status: 'OK', message: 'SourceHub accepted the API key' });
		expect(sourceHub.requests()).toEqual([
			expect.objectContaining({ method: 'GET', path: '/api/orders', query: PROBE.query, authorized: true, status: 200 }),
		]);
		expect(sourceHub.counts().orders).toBe(0);
	});

	it("a wrong key: SourceHub's own description, its code, and what to check", async () => {
		const result = await test(custom(sourceHub.baseUrl, 'sh-wrong-key-9876'));
		expect(result).toEqual({
			status: 'Error',
			message:
				'SourceHub refused the API key: "Invalid credential or token." (AUTHENTICATION_ERROR). Check the key and that it belongs to the chosen Environment: test and live mode have different keys.',
		});
		expect(JSON.stringify(result)).not.toContain('sh-wrong-key-9876');
	});

	it('the key with spaces around it is sent trimmed, and accepted', async () => {
		expect((await test(custom(sourceHub.baseUrl, '  sh-good-key-1234 '))).status).toBe('OK');
	});

	it('a wrong address that answers (the Kapture sandbox: an HTML 404): not SourceHub, check the address', async () => {
		const result = await test(custom(kapture.baseUrl));
		expect(result.status).toBe('Error');
		expect(result.message).toBe(
			`No SourceHub API at ${kapture.baseUrl}: it answered HTTP 404 with a page that is not JSON ("404 Not Found"). Check Environment, or Base URL Override (it ends in /api).`,
		);
	});

	it('the right host without /api: not SourceHub either', async () => {
		const result = await test(custom(sourceHub.origin));
		expect(result.message).toMatch(/^No SourceHub API at http:\/\/127\.0\.0\.1:\d+: it answered HTTP 404/);
	});

	it('nothing listening: could not reach it', async () => {
		const closed = http.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const { port } = closed.address() as AddressInfo;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const result = await test(custom(`http://127.0.0.1:${port}/api`));
		expect(result).toEqual({
			status: 'Error',
			message: `Could not reach SourceHub at http://127.0.0.1:${port}/api (ECONNREFUSED). Check Environment, or Base URL Override (it ends in /api).`,
		});
	});

	it('an unusable override or an empty key: the credential says so, and nothing is sent', async () => {
		expect(await test(custom(`${sourceHub.baseUrl}#x`))).toEqual({ status: 'Error', message: 'Base URL Override must not contain a fragment (#...)' });
		expect((await test(custom(sourceHub.baseUrl, ''))).message).toMatch(/^API Key is empty/);
		expect(sourceHub.requests()).toEqual([]);
	});

	it('a server that quotes the key back never gets it into the message', async () => {
		const echo = http.createServer((req, res) => {
			res.writeHead(401, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { code: 'AUTHENTICATION_ERROR', description: `Bad token ${req.headers.authorization}`, status_code: 401 } }));
		});
		await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
		try {
			const result = await test(custom(`http://127.0.0.1:${(echo.address() as AddressInfo).port}/api`, 'sh-CANARY-55aa/+'));
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/^SourceHub refused the API key: "Bad token Bearer \[redacted\]"/);
			expect(result.message).not.toMatch(/CANARY/);
		} finally {
			await new Promise<void>((resolve) => echo.close(() => resolve()));
		}
	});
});

describe("n8n's credential-test context", () => {
	// Why the Test sends with the legacy `request` helper, taken by name (see the
	// source): n8n offers nothing else. When this fails, n8n has added a helper:
	// move the Test to httpRequest and drop the workaround.
	it('still offers only the legacy request helper to send with', () => {
		const { helpers } = new CredentialTestContext({} as IWorkflowExecuteAdditionalData);
		expect(typeof helpers.request).toBe('function');
		expect(Object.keys(helpers).filter((name) => /request/i.test(name))).toEqual(['request']);
	});
});

describe('judgeProbe', () => {
	const url = 'https://webservices.sourcehub.in/api';
	it.each([
		['the documented 401', 401, JSON.stringify(fixture('sourcehub-auth-failure.response')), 'Error', /refused the API key: "Invalid credential or token\." \(AUTHENTICATION_ERROR\)/],
		['a 401 without a body', 401, '', 'Error', /^SourceHub refused the API key \(HTTP 401\)\. Check the key/],
		['a 403 in the error shape', 403, JSON.stringify({ error: { code: 'FORBIDDEN', description: 'Key disabled.' } }), 'Error', /refused the API key: "Key disabled\." \(FORBIDDEN\)/],
		['a 400 in the error shape (the probe, not the key)', 400, JSON.stringify({ error: { code: 'BAD_REQUEST_ERROR', description: 'The phone number format is invalid.' } }), 'OK', /accepted the API key \(the probe itself was answered: "The phone number format is invalid\."\)/],
		['a 200 list', 200, JSON.stringify({ data: { orders: [] } }), 'OK', /^SourceHub accepted the API key$/],
		['a 200 that is not SourceHub', 200, JSON.stringify({ status: 'success' }), 'Error', /^No SourceHub API at .*not with SourceHub's "data"/],
		['a 500 from something else', 500, JSON.stringify({ message: 'Server Error' }), 'Error', /^No SourceHub API at .*HTTP 500: "Server Error"/],
	] as const)('%s', (_name, statusCode, body, status, message) => {
		const result = judgeProbe(url, { statusCode, body });
		expect(result.status).toBe(status);
		expect(result.message).toMatch(message);
	});
});
