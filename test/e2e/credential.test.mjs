// The Kapture credential's Test button, through the REST call the editor
// makes (n8n 2.40.7: POST /rest/credentials/test with
// {credentials: {id, name, type, data}}; the id must be a stored credential
// the user can read, the data sent is what gets tested). The test request
// is our credential's `test` (a v1 pull of order 0) against the sandbox,
// judged by our `rules`.
//
// Run: npm run build && node --test --test-concurrency=1 test/e2e/credential.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { CREDENTIAL_TYPE, credentialData, prepareN8n, startSandbox, stopwatch } from './lib/harness.mjs';

describe('Kapture credential test (REST, as the Test button)', { timeout: 10 * 60_000 }, () => {
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
});
