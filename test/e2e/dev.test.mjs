// `npm run dev` (scripts/dev.mjs) really comes up: run it as a user would,
// on free ports and a throw-away user folder, and check from the outside that
//   - every address it prints is the real one and answers: n8n, the Kapture
//     sandbox, the SourceHub sandbox and the Slack stand-in, also when the
//     default ports (SourceHub 3901, Slack 3902, held here) are taken;
//   - the owner it prints can log in; the "Kapture Sandbox" and "SourceHub
//     Sandbox" credentials and every example are there, pointing at them; the
//     trigger examples are active;
//   - orders added with the printed curl command reach the notify example's
//     webhook stand-in (printed as [slack stand-in]) and each becomes a
//     SourceHub order (or the out-of-stock remark) through the
//     Kapture→SourceHub example, with the remark back in Kapture;
//   - the printed delivery status command, run as printed, gives exactly the
//     printed "[slack stand-in] Order #…: delivery status A → B" line, once,
//     and the remarks Kapture→SourceHub wrote give none;
//   - a port given on the command line that is taken is refused before
//     anything starts;
//   - Ctrl-C (SIGINT) stops n8n, its task runner, the sandboxes and the
//     stand-in, exit code 0;
//   - a second run on the same folder works too (owner, credentials and
//     workflows already there), here with KAPTURE_DEV_EXIT_AFTER_READY=1.
// Needs the runtime installed (npm run test:e2e does) and a build.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ensureRuntime } from '../../scripts/n8n/runtime.mjs';
import { freePort } from '../../scripts/n8n/instance.mjs';
import { DEV_SOURCEHUB, EXAMPLES, expectedSourceHubOutcome, repoRoot } from './lib-dev/examples.mjs';
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

/** n free ports, all different. */
async function freePorts(n) {
	const ports = new Set();
	while (ports.size < n) ports.add(await freePort());
	return [...ports];
}

/** Listens on 127.0.0.1:port if it can; either way the port is taken afterwards. */
async function hold(port) {
	const server = net.createServer();
	const held = await new Promise((resolve) => {
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => resolve(true));
	});
	return { port, close: () => (held ? new Promise((r) => server.close(r)) : Promise.resolve()) };
}

/** The address printed after `label` (`  SourceHub    http://…  (…)`). */
function printed(output, label) {
	const m = new RegExp(`^  ${label} +(http://\\S+)`, 'm').exec(output);
	assert.ok(m, `no "${label}" address in:\n${output}`);
	return m[1];
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
/** Every `npm run dev` started here, so a failed test cannot leave one (and its n8n) running. */
const started = [];

function runDev(args, env = {}) {
	const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'dev.mjs'), ...args], {
		cwd: repoRoot,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const dev = { child, output: '', exit: null };
	started.push(dev);
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
	let kapturePort;
	let sourceHubPort;
	let slackPort;

	before(async () => {
		await ensureRuntime();
		fs.mkdirSync(path.join(repoRoot, '.n8n-e2e'), { recursive: true });
		dir = fs.mkdtempSync(path.join(repoRoot, '.n8n-e2e', 'dev-'));
		[n8nPort, kapturePort, sourceHubPort, slackPort] = await freePorts(4);
	});

	after(async () => {
		for (const running of started.filter((d) => !d.exit)) {
			running.child.kill('SIGINT');
			await Promise.race([running.exited, timeout(30_000)]);
			if (!running.exit) running.child.kill('SIGKILL');
		}
		if (dir && !process.env.KAPTURE_E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
	});

	test('prints every address truthfully (taken defaults fall back), imports both credentials and the examples, SourceHub works; Ctrl-C stops everything', async () => {
		// SourceHub's and the stand-in's default ports are taken: they must fall back and say so.
		const held = [await hold(3901), await hold(3902)];
		try {
			const args = ['--no-build', '--port', String(n8nPort), '--kapture-port', String(kapturePort), '--seed', '5', '--poll-seconds', '5', '--dir', dir];
			dev = runDev(args);
			await waitFor('"[dev] ready"', () => dev.output.includes('[dev] ready in') || dev.exit, { timeoutMs: 300_000 });
		} finally {
			for (const h of held) await h.close();
		}
		assert.equal(dev.exit, null, `dev exited early:\n${dev.output}`);

		// What it prints is where things are.
		const baseUrl = `http://localhost:${n8nPort}`;
		const sandboxUrl = `http://127.0.0.1:${kapturePort}`;
		assert.equal(printed(dev.output, 'n8n'), baseUrl);
		assert.equal(printed(dev.output, 'Kapture'), sandboxUrl);
		const sourceHubUrl = printed(dev.output, 'SourceHub');
		const slackUrl = printed(dev.output, 'Slack');
		const sourceHubPort = Number(new URL(sourceHubUrl).port);
		const slackPort = Number(new URL(slackUrl).port);
		assert.match(sourceHubUrl, /^http:\/\/127\.0\.0\.1:\d+\/api$/);
		assert.match(slackUrl, /^http:\/\/127\.0\.0\.1:\d+\/notify$/);
		assert.notEqual(sourceHubPort, 3901);
		assert.notEqual(slackPort, 3902);
		assert.ok(dev.output.includes(`port 3901 is in use: the SourceHub sandbox gets ${sourceHubPort} instead`), dev.output);
		assert.ok(dev.output.includes(`port 3902 is in use: the Slack stand-in gets ${slackPort} instead`), dev.output);
		assert.ok(dev.output.includes(`"Kapture Sandbox" (Kapture API) -> ${sandboxUrl}\n`), dev.output);
		assert.ok(dev.output.includes(`"SourceHub Sandbox" (SourceHub API) -> ${sourceHubUrl}\n`), dev.output);
		const [, email, password] = /log in as (\S+) \/ (\S+)/.exec(dev.output);
		const curl = `curl -X POST ${sandboxUrl}/__sandbox/orders -d '{"count":3}'`;
		assert.ok(dev.output.includes(curl), dev.output);

		// And every address answers.
		const kaptureState = await (await fetch(`${sandboxUrl}/__sandbox/state`)).json();
		assert.equal(kaptureState.counts.orders, 5);
		const sourceHubOrigin = new URL(sourceHubUrl).origin;
		const sourceHubState = await (await fetch(`${sourceHubOrigin}/__sandbox/state`)).json();
		assert.equal(sourceHubState.counts.customers, DEV_SOURCEHUB.customers.length);
		assert.equal(sourceHubState.counts.orders, 0);
		const unauthorized = await fetch(`${sourceHubUrl}/cart?customer_id=9`);
		assert.equal(unauthorized.status, 401, 'SourceHub API (with auth) under the printed base URL');
		const probe = await fetch(slackUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"probe from the test"}' });
		assert.deepEqual(await probe.json(), { ok: true });
		await waitFor('the probe printed', () => dev.output.includes('[slack stand-in] probe from the test'), { timeoutMs: 5000 });

		const get = await login(`http://127.0.0.1:${n8nPort}`, email, password);
		const workflows = await get('/rest/workflows');
		const names = workflows.map((w) => w.name).sort();
		assert.deepEqual(names, [
			'Kapture → SourceHub: place a sales order for every new Kapture order',
			'Kapture: create orders from spreadsheet rows',
			"Kapture: nightly export of yesterday's orders to CSV",
			'Kapture: notify on every new order',
			"Kapture: notify when an order's delivery status changes",
		]);
		for (const example of EXAMPLES.filter((e) => e.trigger)) {
			assert.ok(workflows.find((w) => w.id === example.id).active, `${example.file} is active`);
		}
		const credentials = await get('/rest/credentials');
		assert.deepEqual(credentials.map((c) => [c.name, c.type]).sort(), [
			['Kapture Sandbox', 'kaptureApi'],
			['SourceHub Sandbox', 'sourceHubApi'],
		]);
		const idOf = (type) => credentials.find((c) => c.type === type).id;
		const sheet = await get('/rest/workflows/kaptureExSheet00');
		assert.equal(sheet.nodes.find((n) => n.type === 'n8n-nodes-kapture.kaptureOrder').credentials.kaptureApi.id, idOf('kaptureApi'));
		const toSourceHub = await get('/rest/workflows/kaptureExSrcHub0');
		for (const node of toSourceHub.nodes.filter((n) => n.credentials)) {
			const [type] = Object.keys(node.credentials);
			assert.equal(node.credentials[type].id, idOf(type), `${node.name} points at the imported ${type} credential`);
		}

		// The printed curl command: both trigger examples fire, once per order.
		const res = await fetch(`${sandboxUrl}/__sandbox/orders`, { method: 'POST', body: '{"count":3}' });
		const { orders } = await res.json();
		assert.equal(orders.length, 3);
		for (const order of orders) {
			await waitFor(`the [slack stand-in] line for ${order.id}`, () => dev.output.includes(`[slack stand-in] New order #${order.id} for ${order.customerName}`), { timeoutMs: 60_000 });
		}
		const all = async () => (await (await fetch(`${sandboxUrl}/__sandbox/orders?limit=1000`)).json()).orders;
		const remarked = await waitFor(
			'a SourceHub remark on each new order',
			async () => {
				const now = (await all()).filter((o) => orders.some((n) => n.id === o.id));
				return now.every((o) => /^SourceHub /.test(o.remarks)) && now;
			},
			{ timeoutMs: 90_000 },
		);
		const sourceHubOrders = (await (await fetch(`${sourceHubOrigin}/__sandbox/orders`)).json()).orders;
		let placed = 0;
		for (const order of remarked) {
			const expected = expectedSourceHubOutcome(order.attr1);
			const match = expected.remark.exec(order.remarks);
			assert.ok(match, `order ${order.id} for SourceHub customer ${order.attr1}: ${order.remarks}`);
			if (expected.placed) {
				placed++;
				const inSourceHub = sourceHubOrders.find((o) => o.order_no === match[1]);
				assert.ok(inSourceHub, `SourceHub order ${match[1]}`);
				assert.equal(inSourceHub.customer.id, Number(order.attr1));
			}
		}
		assert.equal(sourceHubOrders.length, placed, 'one SourceHub order per placeable Kapture order');
		for (const order of orders) {
			assert.equal(dev.output.split(`[slack stand-in] New order #${order.id} `).length - 1, 1, `one message for ${order.id}`);
		}

		// The printed delivery status change, run as printed (a shell command), gives the printed message once.
		const statusLines = () => dev.output.split('\n').filter((line) => /^\[slack stand-in\] Order #\d+: delivery status /.test(line));
		assert.deepEqual(statusLines(), [], 'the remarks Kapture → SourceHub wrote send no status message');
		const [, command] = /Change an order's delivery status.*\n {4}(curl .*)\n/.exec(dev.output) ?? [];
		assert.ok(command, `the status command is printed:\n${dev.output}`);
		const [, message] = /Within a poll: (\[slack stand-in\] Order #\d+: delivery status \S+ → \S+)\n/.exec(dev.output) ?? [];
		assert.ok(message, `the message it gives is printed:\n${dev.output}`);
		const answer = await new Promise((resolve, reject) =>
			execFile('sh', ['-c', command], { timeout: 30_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${command}: ${error.message} ${stderr}`)) : resolve(stdout))),
		);
		assert.equal(JSON.parse(answer).status, 'success', answer);
		await waitFor(`"${message}"`, () => statusLines().includes(message), { timeoutMs: 60_000 });
		await new Promise((r) => setTimeout(r, 11_000)); // two more polls (every 5 s)
		assert.deepEqual(statusLines(), [message], 'exactly one status message');

		// Ctrl-C.
		dev.child.kill('SIGINT');
		const exit = await Promise.race([dev.exited, timeout(60_000)]);
		assert.deepEqual(exit, { code: 0, signal: null }, dev.output.slice(-3000));
		assert.equal(await listening(n8nPort), false, 'n8n is down');
		assert.equal(await listening(kapturePort), false, 'the Kapture sandbox is down');
		assert.equal(await listening(sourceHubPort), false, 'the SourceHub sandbox is down');
		assert.equal(await listening(slackPort), false, 'the Slack stand-in is down');
		await waitFor('no process left in the user folder', () => processesUsing(dir).length === 0, { timeoutMs: 10_000 });
	});

	test('a taken n8n port is refused before anything starts, with a free port to use instead (not n8n\'s 5679)', async () => {
		const taken = net.createServer();
		await new Promise((r) => taken.listen(0, '127.0.0.1', r));
		const port = taken.address().port;
		try {
			dev = runDev(['--no-build', '--port', String(port), '--kapture-port', String(kapturePort), '--dir', dir]);
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

	test('a taken sandbox or stand-in port given on the command line is refused before anything starts', async () => {
		const taken = net.createServer();
		await new Promise((r) => taken.listen(0, '127.0.0.1', r));
		const port = taken.address().port;
		const cases = [
			['--kapture-port', 'the Kapture sandbox'],
			['--sandbox-port', 'the Kapture sandbox', '--kapture-port'],
			['--sourcehub-port', 'the SourceHub sandbox'],
			['--slack-port', 'the Slack stand-in'],
		];
		try {
			for (const [flag, what, suggested = flag] of cases) {
				dev = runDev(['--no-build', '--port', String(n8nPort), flag, String(port), '--dir', dir]);
				const exit = await Promise.race([dev.exited, timeout(60_000)]);
				assert.deepEqual(exit, { code: 1, signal: null }, `${flag}: ${dev.output}`);
				assert.ok(dev.output.includes(`port ${port} for ${what} is in use: pick another with ${suggested} <n> (0 = any free port)`), `${flag}: ${dev.output}`);
				assert.doesNotMatch(dev.output, /starting the Kapture sandbox/, `${flag}: fails before the sandboxes start`);
			}
		} finally {
			await new Promise((r) => taken.close(r));
		}
	});

	test('a second run on the same folder comes up too (KAPTURE_DEV_EXIT_AFTER_READY=1)', async () => {
		const args = [
			'--port',
			String(n8nPort),
			'--kapture-port',
			String(kapturePort),
			'--sourcehub-port',
			String(sourceHubPort),
			'--slack-port',
			String(slackPort),
			'--seed',
			'5',
			'--dir',
			dir,
		];
		dev = runDev(args, { KAPTURE_DEV_EXIT_AFTER_READY: '1' });
		const exit = await Promise.race([dev.exited, timeout(300_000)]);
		assert.deepEqual(exit, { code: 0, signal: null }, dev.output.slice(-3000));
		assert.match(dev.output, /1\/6 building the package/);
		assert.match(dev.output, /\[dev\] ready in/);
		assert.doesNotMatch(dev.output, /could not|is in use/);
		// Ports given are ports used, and printed as such.
		assert.equal(printed(dev.output, 'Kapture'), `http://127.0.0.1:${kapturePort}`);
		assert.equal(printed(dev.output, 'SourceHub'), `http://127.0.0.1:${sourceHubPort}/api`);
		assert.equal(printed(dev.output, 'Slack'), `http://127.0.0.1:${slackPort}/notify`);
		for (const port of [n8nPort, kapturePort, sourceHubPort, slackPort]) assert.equal(await listening(port), false, `${port} is free again`);
		await waitFor('no process left in the user folder', () => processesUsing(dir).length === 0, { timeoutMs: 10_000 });
	});
});
