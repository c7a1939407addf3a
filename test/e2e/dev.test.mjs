// `npm run dev` (scripts/dev.mjs) really comes up: run it as a user would,
// on free ports and a throw-away user folder, and check from the outside that
//   - n8n answers, the owner it prints can log in, the "Kapture Sandbox"
//     credential and the three examples are there, the trigger example is active;
//   - an order added to the sandbox with the printed curl command reaches the
//     notify example's webhook stand-in (printed as [slack stand-in]);
//   - Ctrl-C (SIGINT) stops n8n, its task runner and the sandbox, exit code 0;
//   - a second run on the same folder works too (owner, credential and
//     workflows already there), here with KAPTURE_DEV_EXIT_AFTER_READY=1.
// Needs the runtime installed (npm run test:e2e does) and a build.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ensureRuntime } from '../../scripts/n8n/runtime.mjs';
import { freePort } from '../../scripts/n8n/instance.mjs';
import { repoRoot } from './lib-dev/examples.mjs';
import { waitFor } from './lib/harness.mjs';

/** Resolves 'timeout' after ms without keeping the test process alive. */
function timeout(ms) {
	return new Promise((r) => setTimeout(r, ms, 'timeout').unref());
}

function listening(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** Pids of processes working in `dir` or told to use it as n8n's user folder (Linux /proc). */
function processesUsing(dir) {
	if (!fs.existsSync('/proc')) return [];
	const found = [];
	for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
		try {
			const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
			const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
			if (cwd === dir || cwd.startsWith(`${dir}/`) || env.includes(`N8N_USER_FOLDER=${dir}\0`)) found.push(Number(pid));
		} catch {
			/* gone, or not ours to read */
		}
	}
	return found;
}

/** Starts scripts/dev.mjs; collects its output. */
function runDev(args, env = {}) {
	const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'dev.mjs'), ...args], {
		cwd: repoRoot,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const dev = { child, output: '', exit: null };
	child.stdout.on('data', (d) => (dev.output += d));
	child.stderr.on('data', (d) => (dev.output += d));
	if (process.env.KAPTURE_N8N_VERBOSE === '1') child.stdout.pipe(process.stderr);
	dev.exited = new Promise((resolve) =>
		child.on('exit', (code, signal) => {
			dev.exit = { code, signal };
			resolve(dev.exit);
		}),
	);
	return dev;
}

async function login(baseUrl, email, password) {
	const res = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: email, email, password }),
	});
	assert.equal(res.status, 200, `login: ${await res.clone().text()}`);
	const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
	assert.ok(cookie, 'login sets the auth cookie');
	return async (urlPath) => {
		const r = await fetch(`${baseUrl}${urlPath}`, { headers: { cookie, 'browser-id': 'dev-e2e' } });
		assert.equal(r.status, 200, `${urlPath}: ${await r.clone().text()}`);
		return (await r.json()).data;
	};
}

describe('npm run dev', { timeout: 15 * 60_000 }, () => {
	let dir;
	let dev;
	let n8nPort;
	let sandboxPort;

	before(async () => {
		await ensureRuntime();
		fs.mkdirSync(path.join(repoRoot, '.n8n-e2e'), { recursive: true });
		dir = fs.mkdtempSync(path.join(repoRoot, '.n8n-e2e', 'dev-'));
		n8nPort = await freePort();
		sandboxPort = await freePort();
	});

	after(async () => {
		if (dev && !dev.exit) {
			dev.child.kill('SIGINT');
			await Promise.race([dev.exited, timeout(30_000)]);
			if (!dev.exit) dev.child.kill('SIGKILL');
		}
		if (dir && !process.env.KAPTURE_E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
	});

	test('comes up with the sandbox, the credential and the examples; Ctrl-C stops everything', async () => {
		const args = ['--no-build', '--port', String(n8nPort), '--sandbox-port', String(sandboxPort), '--seed', '5', '--poll-seconds', '5', '--dir', dir];
		dev = runDev(args);
		await waitFor('"[dev] ready"', () => dev.output.includes('[dev] ready in') || dev.exit, { timeoutMs: 300_000 });
		assert.equal(dev.exit, null, `dev exited early:\n${dev.output}`);

		// What it prints is what works.
		const baseUrl = `http://localhost:${n8nPort}`;
		const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
		assert.ok(dev.output.includes(`n8n        ${baseUrl}`), dev.output);
		const [, email, password] = /log in as (\S+) \/ (\S+)/.exec(dev.output);
		assert.ok(dev.output.includes(`curl -X POST ${sandboxUrl}/__sandbox/orders -d '{"count":3}'`), dev.output);
		assert.match(dev.output, /slack {6}http:\/\/127\.0\.0\.1:\d+\/notify {2}\(stand-in/);

		const get = await login(`http://127.0.0.1:${n8nPort}`, email, password);
		const workflows = await get('/rest/workflows');
		const names = workflows.map((w) => w.name).sort();
		assert.deepEqual(names, [
			'Kapture: create orders from spreadsheet rows',
			"Kapture: nightly export of yesterday's orders to CSV",
			'Kapture: notify on every new order',
		]);
		assert.ok(workflows.find((w) => w.id === 'kaptureExNotify0').active, 'the trigger example is active');
		const credentials = await get('/rest/credentials');
		assert.deepEqual(credentials.map((c) => [c.name, c.type]), [['Kapture Sandbox', 'kaptureApi']]);
		const full = await get('/rest/workflows/kaptureExSheet00');
		const kapture = full.nodes.find((n) => n.type === 'n8n-nodes-kapture.kaptureOrder');
		assert.equal(kapture.credentials.kaptureApi.id, credentials[0].id, 'examples point at the imported credential');

		// The printed curl command makes the trigger example fire.
		const res = await fetch(`${sandboxUrl}/__sandbox/orders`, { method: 'POST', body: '{"count":1}' });
		const [order] = (await res.json()).orders;
		await waitFor('the [slack stand-in] line', () => dev.output.includes(`[slack stand-in] New order #${order.id} for ${order.customerName}`), { timeoutMs: 60_000 });

		// Ctrl-C.
		dev.child.kill('SIGINT');
		const exit = await Promise.race([dev.exited, timeout(60_000)]);
		assert.deepEqual(exit, { code: 0, signal: null }, dev.output.slice(-3000));
		assert.equal(await listening(n8nPort), false, 'n8n is down');
		assert.equal(await listening(sandboxPort), false, 'the sandbox is down');
		await waitFor('no process left in the user folder', () => processesUsing(dir).length === 0, { timeoutMs: 10_000 });
	});

	test('a taken n8n port is refused before anything starts, with a free port to use instead (not n8n\'s 5679)', async () => {
		const taken = net.createServer();
		await new Promise((r) => taken.listen(0, '127.0.0.1', r));
		const port = taken.address().port;
		try {
			dev = runDev(['--no-build', '--port', String(port), '--sandbox-port', String(sandboxPort), '--dir', dir]);
			const exit = await Promise.race([dev.exited, timeout(60_000)]);
			assert.deepEqual(exit, { code: 1, signal: null }, dev.output);
			assert.match(dev.output, new RegExp(`port ${port} is in use`));
			const [, suggested] = /npm run dev -- --port (\d+) \(--port 0 picks any free port\)/.exec(dev.output) ?? [];
			assert.ok(suggested, dev.output);
			assert.notEqual(suggested, '5679');
			assert.equal(await listening(Number(suggested)), false, `the suggested port ${suggested} is free`);
			assert.doesNotMatch(dev.output, /starting the Kapture sandbox/, 'fails before the sandbox starts');
		} finally {
			await new Promise((r) => taken.close(r));
		}
	});

	test('a second run on the same folder comes up too (KAPTURE_DEV_EXIT_AFTER_READY=1)', async () => {
		const args = ['--port', String(n8nPort), '--sandbox-port', String(sandboxPort), '--seed', '5', '--dir', dir];
		dev = runDev(args, { KAPTURE_DEV_EXIT_AFTER_READY: '1' });
		const exit = await Promise.race([dev.exited, timeout(300_000)]);
		assert.deepEqual(exit, { code: 0, signal: null }, dev.output.slice(-3000));
		assert.match(dev.output, /1\/6 building the package/);
		assert.match(dev.output, /\[dev\] ready in/);
		assert.doesNotMatch(dev.output, /could not/);
		assert.equal(await listening(n8nPort), false);
		assert.equal(await listening(sandboxPort), false);
		await waitFor('no process left in the user folder', () => processesUsing(dir).length === 0, { timeoutMs: 10_000 });
	});
});
