// The credentials' Test button, through the REST call the editor makes
// (n8n 2.40.7: POST /rest/credentials/test with {credentials: {id, name, type,
// data}}; the id must be a stored credential the user can read, the data sent
// is what gets tested). Kapture's test request is our credential's `test` (a
// v1 pull of order 0) against the sandbox, judged by our `rules`. SourceHub's
// is the node's test function (sourcehubCredentialTest.ts), which n8n runs
// with its credential-test context and its legacy request helper.
//
// Run: npm run build && node --test --test-concurrency=1 test/e2e/credential.test.mjs

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import {
	CREDENTIAL_TYPE,
	credentialData,
	prepareN8n,
	SOURCEHUB_CREDENTIAL_TYPE,
	sourceHubCredentialData,
	startSandbox,
	startSourceHubSandbox,
	stopwatch,
} from './lib/harness.mjs';

describe('Kapture and SourceHub credential tests (REST, as the Test button)', { timeout: 10 * 60_000 }, () => {
	const clock = stopwatch('credential');
	let sb;
	let env;
	let n8n;
	let stored;

	before(async () => {
		sb = await startSandbox();
		env = await prepareN8n('credential');
		n8n = env.n8n;
		await n8n.start();
		await n8n.ownerSetup();
		clock.mark('n8n start');
		// Saved once through the editor's REST route; each test sends other data for it.
		const created = await n8n.rest('POST', '/rest/credentials', { name: 'Kapture sandbox', type: CREDENTIAL_TYPE, data: credentialData(sb) });
		stored = created.data;
		assert.ok(stored.id, 'credential saved');
	});

	after(async () => {
		clock.report();
		if (env) await env.cleanup();
		if (sb) await sb.close();
	});

	/** What the Test button shows: {status: 'OK'|'Error', message}. Also the sandbox requests it made. */
	async function testCredential(data) {
		const from = sb.requests().length;
		const r = await n8n.rest('POST', '/rest/credentials/test', {
			credentials: { id: stored.id, name: stored.name, type: CREDENTIAL_TYPE, data },
		});
		return { result: r.data, requests: sb.requests().slice(from) };
	}

	test('good credentials: OK, after one authorised, read-only pull', async () => {
		const { result, requests } = await testCredential(credentialData(sb));
		assert.equal(result.status, 'OK', JSON.stringify(result));
		assert.equal(requests.length, 1);
		const [req] = requests;
		assert.equal(req.api, 'v1Pull');
		assert.equal(req.authorized, true);
		assert.equal(req.status, 200);
		assert.equal(Number(req.body.cmId), sb.credentials.cmId);
		assert.equal(String(req.body.orderIds), '0');
	});

	test('wrong password: our 401 rule\'s message', async () => {
		const { result, requests } = await testCredential(credentialData(sb, { password: 'wrong-password' }));
		assert.equal(result.status, 'Error');
		assert.equal(result.message, 'Kapture answered "Invalid Auth Key": check Username and Password');
		// n8n's test helper sends a request that got a 401 once more (its token
		// refresh path, even for credentials without one): one or two requests.
		assert.ok(requests.length >= 1 && requests.length <= 2, `requests: ${requests.length}`);
		assert.ok(requests.every((r) => r.api === 'v1Pull' && !r.authorized && r.status === 401));
	});

	test('wrong Account ID: our 400 rule\'s message', async () => {
		const { result } = await testCredential(credentialData(sb, { cmId: 42 }));
		assert.equal(result.status, 'Error');
		assert.equal(result.message, 'Kapture answered 400 Bad Request: check Account ID (cmId)');
	});

	test('invalid subdomain: our validation message, and no request leaves n8n', async () => {
		const { result, requests } = await testCredential(credentialData(sb, { baseUrl: '', subdomain: 'acme corp/evil.example' }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /Subdomain "acme corp\/evil\.example" is not valid: use only letters, digits and hyphens/);
		assert.equal(requests.length, 0);
	});

	test('empty subdomain and no override: our validation message', async () => {
		const { result } = await testCredential(credentialData(sb, { baseUrl: '', subdomain: '' }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /Subdomain is empty/);
	});

	test('Base URL Override with a user name in it: refused before sending', async () => {
		const url = new URL(sb.baseUrl);
		url.username = 'someone';
		const { result, requests } = await testCredential(credentialData(sb, { baseUrl: url.href }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /Base URL Override must not contain a user name or password/);
		assert.equal(requests.length, 0);
	});

	describe('SourceHub credential test (the node\'s test function)', () => {
		let sh;
		let storedSourceHub;

		before(async () => {
			sh = await startSourceHubSandbox({ apiKey: 'sh-e2e-good-key-4711' });
			const created = await n8n.rest('POST', '/rest/credentials', { name: 'SourceHub sandbox', type: SOURCEHUB_CREDENTIAL_TYPE, data: sourceHubCredentialData(sh) });
			storedSourceHub = created.data;
			assert.ok(storedSourceHub.id, 'credential saved');
		});
		after(async () => {
			if (sh) await sh.close();
		});

		async function testSourceHub(data) {
			const from = sh.requests().length;
			const r = await n8n.rest('POST', '/rest/credentials/test', {
				credentials: { id: storedSourceHub.id, name: storedSourceHub.name, type: SOURCEHUB_CREDENTIAL_TYPE, data },
			});
			return { result: r.data, requests: sh.requests().slice(from) };
		}

		test('good key: OK, after one authorised read that finds nothing', async () => {
			const { result, requests } = await testSourceHub(sourceHubCredentialData(sh));
			assert.deepEqual(result, { status: 'OK', message: 'SourceHub accepted the API key' });
			assert.equal(requests.length, 1);
			assert.equal(requests[0].method, 'GET');
			assert.equal(requests[0].path, '/api/orders');
			assert.equal(requests[0].authorized, true);
		});

		test("wrong key: SourceHub's own description and code, never the key", async () => {
			const { result } = await testSourceHub(sourceHubCredentialData(sh, { apiKey: 'sh-e2e-wrong-key-0815' }));
			assert.equal(result.status, 'Error');
			assert.match(result.message, /^SourceHub refused the API key: "Invalid credential or token\." \(AUTHENTICATION_ERROR\)\. Check the key/);
			assert.ok(!JSON.stringify(result).includes('wrong-key'), JSON.stringify(result));
		});

		test('a server that quotes the key back: the message has [redacted] in its place', async () => {
			const echo = http.createServer((req, res) => {
				res.writeHead(401, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { code: 'AUTHENTICATION_ERROR', description: `Bad token ${req.headers.authorization}` } }));
			});
			await new Promise((resolve) => echo.listen(0, '127.0.0.1', resolve));
			try {
				const baseUrl = `http://127.0.0.1:${echo.address().port}/api`;
				const { result } = await testSourceHub(sourceHubCredentialData(sh, { baseUrl, apiKey: 'sh-CANARY-e2e-77' }));
				assert.equal(result.status, 'Error');
				assert.match(result.message, /^SourceHub refused the API key: "Bad token Bearer \[redacted\]"/);
				assert.ok(!/CANARY/.test(result.message), result.message);
			} finally {
				await new Promise((resolve) => echo.close(resolve));
			}
		});

		test('nothing listening: could not reach it, with the reason', async () => {
			const closed = http.createServer();
			await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
			const { port } = closed.address();
			await new Promise((resolve) => closed.close(resolve));
			const { result } = await testSourceHub(sourceHubCredentialData(sh, { baseUrl: `http://127.0.0.1:${port}/api` }));
			assert.deepEqual(result, {
				status: 'Error',
				message: `Could not reach SourceHub at http://127.0.0.1:${port}/api (ECONNREFUSED). Check Environment, or Base URL Override (it ends in /api).`,
			});
		});
	});
});
