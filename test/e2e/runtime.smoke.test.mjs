// Smoke test of the real-n8n harness (scripts/n8n): a scratch community
// package (test/e2e/fixtures/n8n-nodes-e2e-scratch, plain JS, no build) is
// installed the way n8n installs community packages, then
//   1. `n8n execute` runs Manual Trigger -> E2E Echo and returns its output,
//   2. an imported credential is decrypted and used by a built-in node,
//   3. `n8n start` polls a polling trigger every 5 s, both for a workflow
//      published from the CLI before start and one activated over REST.
// Run: node scripts/n8n/runtime.mjs install && node --test test/e2e/
// Needs no build of this repository and none of its nodes.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { ensureRuntime } from '../../scripts/n8n/runtime.mjs';
import { createInstance } from '../../scripts/n8n/instance.mjs';
import { waitFor } from './lib/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const fixture = path.join(here, 'fixtures', 'n8n-nodes-e2e-scratch');
const PKG = 'n8n-nodes-e2e-scratch';

// Every 5 s, as 12 cron expressions with one fixed second each: n8n refuses a
// single expression whose seconds field is anything but a number.
const EVERY_5_SECONDS = Array.from({ length: 12 }, (_, i) => ({ mode: 'custom', cronExpression: `${i * 5} * * * * *` }));

/** A local HTTP endpoint that records what is sent to it. */
async function recorder() {
	const hits = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (d) => (body += d));
		req.on('end', () => {
			hits.push({ method: req.method, path: req.url, headers: req.headers, body, at: Date.now() });
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ ok: true, path: req.url }));
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	const close = () =>
		new Promise((r) => {
			server.close(r);
			server.closeAllConnections();
		});
	return { url: `http://127.0.0.1:${server.address().port}`, hits, close };
}

function tickerWorkflow(name, url, pollItems) {
	return {
		name,
		nodes: [
			{
				id: 'ticker',
				name: 'Ticker',
				type: `${PKG}.e2ePollTicker`,
				typeVersion: 1,
				position: [0, 0],
				parameters: { url, pollTimes: { item: pollItems } },
			},
		],
		connections: {},
	};
}

describe('real n8n harness (scratch community package)', { timeout: 15 * 60_000 }, () => {
	let n8n;
	let rec;
	let userFolder;

	before(async () => {
		const runtime = await ensureRuntime();
		fs.mkdirSync(path.join(repoRoot, '.n8n-e2e'), { recursive: true });
		userFolder = fs.mkdtempSync(path.join(repoRoot, '.n8n-e2e', 'smoke-'));
		n8n = await createInstance({ runtime, userFolder });
		rec = await recorder();
	});

	after(async () => {
		if (n8n) await n8n.stop();
		if (rec) await rec.close();
		if (userFolder && !process.env.KAPTURE_E2E_KEEP) fs.rmSync(userFolder, { recursive: true, force: true, maxRetries: 5 });
	});

	test('installs the package as a community package', async () => {
		const pkg = await n8n.installPackage(fixture);
		assert.equal(pkg.name, PKG);
		const manifest = JSON.parse(fs.readFileSync(path.join(n8n.n8nDir, 'nodes', 'package.json'), 'utf8'));
		assert.equal(manifest.dependencies[PKG], '0.0.1');
		assert.ok(fs.existsSync(path.join(n8n.n8nDir, 'nodes', 'node_modules', PKG, 'nodes', 'E2eEcho.node.js')));
	});

	test('n8n execute runs Manual Trigger -> community node', async () => {
		const id = await n8n.importWorkflow({
			name: 'smoke echo',
			nodes: [
				{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{ id: 'echo', name: 'Echo', type: `${PKG}.e2eEcho`, typeVersion: 1, position: [220, 0], parameters: { message: '={{ "hello " + (20 + 22) }}' } },
			],
			connections: { Start: { main: [[{ node: 'Echo', type: 'main', index: 0 }]] } },
		});
		const run = await n8n.execute(id);
		const out = n8n.outputOf(run, 'Echo');
		assert.equal(out.length, 1);
		assert.equal(out[0].json.message, 'hello 42');
		assert.equal(out[0].json.mode, 'cli');
		assert.match(out[0].json.node, /^v2[4-9]\./);
	});

	test('imported credentials are decrypted for a node', async () => {
		const [credId] = await n8n.importCredentials([
			{ name: 'smoke basic auth', type: 'httpBasicAuth', data: { user: 'smoke', password: 's3cret' } },
		]);
		const id = await n8n.importWorkflow({
			name: 'smoke credential',
			nodes: [
				{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'http',
					name: 'Call',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					position: [220, 0],
					parameters: { url: `${rec.url}/cred`, authentication: 'genericCredentialType', genericAuthType: 'httpBasicAuth', options: {} },
					credentials: { httpBasicAuth: { id: credId, name: 'smoke basic auth' } },
				},
			],
			connections: { Start: { main: [[{ node: 'Call', type: 'main', index: 0 }]] } },
		});
		const run = await n8n.execute(id);
		assert.deepEqual(n8n.outputOf(run, 'Call')[0].json, { ok: true, path: '/cred' });
		const hit = rec.hits.find((h) => h.path === '/cred');
		assert.equal(hit.headers.authorization, `Basic ${Buffer.from('smoke:s3cret').toString('base64')}`);
	});

	test('n8n start polls a trigger every 5 s (CLI-published and REST-activated)', async () => {
		const published = await n8n.importWorkflow(tickerWorkflow('smoke ticker (cli)', `${rec.url}/cli`, EVERY_5_SECONDS));
		await n8n.publish(published);
		const viaRest = await n8n.importWorkflow(tickerWorkflow('smoke ticker (rest)', `${rec.url}/rest`, EVERY_5_SECONDS));
		const tooFast = await n8n.importWorkflow(
			tickerWorkflow('smoke ticker (refused)', `${rec.url}/refused`, [{ mode: 'custom', cronExpression: '*/5 * * * * *' }]),
		);

		await n8n.start();
		await n8n.ownerSetup();
		assert.ok(n8n.cookie, 'owner setup gives a session cookie');
		await n8n.login();
		assert.ok((await n8n.activeWorkflows()).includes(published), 'the CLI-published workflow is active after start');

		await n8n.activate(viaRest);
		await assert.rejects(n8n.activate(tooFast), /at least a minute/);

		const ticks = (p) => rec.hits.filter((h) => h.path === p);
		// One poll at activation, then every 5 s: 3 polls well within 20 s.
		await waitFor('3 polls of each workflow', () => ticks('/cli').length >= 3 && ticks('/rest').length >= 3, { timeoutMs: 25_000 });
		const gaps = ticks('/rest').slice(1).map((h, i) => h.at - ticks('/rest')[i].at);
		assert.ok(gaps.every((g) => g < 9_000), `polls are ~5 s apart: ${gaps.join(', ')} ms`);
		// 2.x checks the interval before the first poll; 1.x polls once, then refuses.
		assert.ok(ticks('/refused').length <= 1, `refused workflow polled ${ticks('/refused').length} times`);

		const executions = await n8n.executions(viaRest);
		assert.ok(executions.length >= 2, `executions recorded: ${executions.length}`);
		assert.ok(executions.every((e) => e.mode === 'trigger' && e.status === 'success'));

		await n8n.stop();
	});
});
