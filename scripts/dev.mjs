// `npm run dev`: our nodes in a real n8n against a local fake Kapture and a
// local fake SourceHub, with no account anywhere. Builds the package, starts
// the Kapture sandbox with sample orders and the SourceHub sandbox with
// customers whose carts those orders map to (one child process, test/sandbox/cli.ts),
// a stand-in for the examples' Slack webhook, installs the pinned n8n once
// (scripts/n8n/runtime.mjs, ~6 min the first time), installs the built package
// into an n8n user folder under .n8n-dev/, imports a "Kapture Sandbox" and a
// "SourceHub Sandbox" credential and the workflows of examples/, starts n8n,
// creates the owner account, activates the trigger examples and prints every
// address as it really is. Ctrl-C stops n8n, its task runner and the sandboxes.
//
// Ports: n8n 5678, Kapture 3900, SourceHub 3901, Slack stand-in 3902. A taken
// default sandbox port falls back to a free one (printed); a port given on the
// command line is used or refused, never swapped.
//
//   npm run dev -- --help
//
// Plain ESM on the machine's Node (20+), no dependencies beyond the repo's.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureRuntime } from './n8n/runtime.mjs';
import { createInstance, freePort } from './n8n/instance.mjs';
import {
	DEV_ATTR1_CHOICES,
	DEV_SOURCEHUB,
	EXAMPLES,
	EXAMPLE_CREDENTIAL,
	SOURCEHUB_EXAMPLE_CREDENTIAL,
	anotherDeliveryStatus,
	deliveryStatusCurl,
	expectedSourceHubOutcome,
	importWorkflows,
	loadExample,
	pollEverySeconds,
	prepareExample,
	sandboxCredentialData,
	seedSourceHubSandbox,
	sourceHubSandboxCredentialData,
	statusChangedMessage,
} from '../test/e2e/lib-dev/examples.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

/** Default ports; `npm run dev -- --help` and the README say the same. */
const PORTS = Object.freeze({ n8n: 5678, kapture: 3900, sourceHub: 3901, slack: 3902 });

const USAGE = `Usage: npm run dev -- [options]
  --port <n>            n8n's port on localhost (default ${PORTS.n8n}; 0 = any free port)
  --kapture-port <n>    the Kapture sandbox (default ${PORTS.kapture}; also --sandbox-port)
  --sourcehub-port <n>  the SourceHub sandbox (default ${PORTS.sourceHub})
  --slack-port <n>      the stand-in for the examples' Slack webhook (default ${PORTS.slack})
                        A taken default port falls back to a free one, and the
                        printout says which; a port you give is used or refused.
                        0 = any free port.
  --seed <n>            orders the Kapture sandbox starts with (default 50)
  --poll-seconds <n>    how often the activated trigger examples poll (default 10;
                        60 = the examples' own every-minute setting)
  --dir <path>          n8n user folder (default .n8n-dev in the repository)
  --no-build            skip npm run build (use dist/ as it is)
  --no-activate         do not activate the trigger examples
  --verbose             echo n8n's log and every sandbox request
  --exit-after-ready    stop everything and exit 0 once it is all up (CI smoke);
                        same as KAPTURE_DEV_EXIT_AFTER_READY=1
Env: KAPTURE_SANDBOX_USERNAME / _PASSWORD / _AUTH_KEY, SOURCEHUB_SANDBOX_API_KEY
     (sandbox secrets), KAPTURE_N8N_CACHE (where n8n is installed),
     KAPTURE_DEV_DIR (= --dir).`;

const OWNER = Object.freeze({ email: 'dev@kapture.test', password: 'Kapture-dev-1', firstName: 'Kapture', lastName: 'Developer' });
const CREDENTIAL = Object.freeze({ id: 'kaptureSandbox00', name: EXAMPLE_CREDENTIAL.name });
const SOURCEHUB_CREDENTIAL = Object.freeze({ id: 'sourceHubSandbx0', name: SOURCEHUB_EXAMPLE_CREDENTIAL.name });
const TRIGGER_EXAMPLES = EXAMPLES.filter((e) => e.trigger);
const SOURCEHUB_EXAMPLE_ID = EXAMPLES.find((e) => e.file === 'kapture-to-sourcehub.json').id;
const STATUS_EXAMPLE_ID = EXAMPLES.find((e) => e.file === 'order-status-changed-notify.json').id;

const started = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (msg) => console.log(`[dev] ${msg}`);

function parseArgs(argv) {
	const o = {
		port: PORTS.n8n,
		kapturePort: PORTS.kapture,
		sourceHubPort: PORTS.sourceHub,
		slackPort: PORTS.slack,
		given: new Set(),
		seed: 50,
		pollSeconds: 10,
		dir: process.env.KAPTURE_DEV_DIR || path.join(repoRoot, '.n8n-dev'),
		build: true,
		activate: true,
		verbose: process.env.KAPTURE_N8N_VERBOSE === '1',
		exitAfterReady: process.env.KAPTURE_DEV_EXIT_AFTER_READY === '1',
	};
	const numbers = {
		'--port': 'port',
		'--kapture-port': 'kapturePort',
		'--sandbox-port': 'kapturePort',
		'--sourcehub-port': 'sourceHubPort',
		'--slack-port': 'slackPort',
		'--seed': 'seed',
		'--poll-seconds': 'pollSeconds',
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		const value = () => (inline !== undefined ? inline : argv[++i]);
		if (flag === '--help' || flag === '-h') {
			console.log(USAGE);
			process.exit(0);
		} else if (flag === '--no-build') o.build = false;
		else if (flag === '--no-activate') o.activate = false;
		else if (flag === '--verbose') o.verbose = true;
		else if (flag === '--exit-after-ready' || flag === '--no-start') o.exitAfterReady = true;
		else if (flag === '--dir') o.dir = value();
		else if (numbers[flag]) {
			const n = Number(value());
			if (!Number.isInteger(n) || n < 0) fail(`${flag} needs a whole number\n${USAGE}`, 2);
			o[numbers[flag]] = n;
			o.given.add(numbers[flag]);
		} else fail(`unknown option ${argv[i]}\n${USAGE}`, 2);
	}
	if (!o.dir) fail('--dir needs a path', 2);
	o.dir = path.resolve(o.dir);
	if (o.pollSeconds < 1 || o.pollSeconds > 60 || 60 % o.pollSeconds !== 0) {
		fail('--poll-seconds must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60)', 2);
	}
	return o;
}

/** 9, 10, 11 and 12 */
function listed(items) {
	return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function fail(message, code = 1) {
	console.error(`[dev] error: ${message}`);
	process.exit(code);
}

/** Whether something already listens on 127.0.0.1:port. */
function portInUse(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', (e) => resolve(e.code === 'EADDRINUSE' || e.code === 'EACCES'));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
	});
}

/** A free port on 127.0.0.1 that is none of `avoid`. */
async function freePortOtherThan(avoid) {
	for (;;) {
		const port = await freePort();
		if (!avoid.has(port)) return port;
	}
}

/**
 * The sandbox ports, decided before anything starts: a port given on the
 * command line is used or refused; a taken default falls back to a free port
 * (logged); two parts never get the same port.
 */
async function chooseSandboxPorts(o, n8nPort) {
	const chosen = new Set([n8nPort]);
	const parts = [
		{ key: 'kapturePort', what: 'the Kapture sandbox', flag: '--kapture-port' },
		{ key: 'sourceHubPort', what: 'the SourceHub sandbox', flag: '--sourcehub-port' },
		{ key: 'slackPort', what: 'the Slack stand-in', flag: '--slack-port' },
	];
	const ports = {};
	for (const { key, what, flag } of parts) {
		let port = o[key];
		if (port === 0) port = await freePortOtherThan(chosen);
		else if (chosen.has(port) || (await portInUse(port))) {
			if (o.given.has(key)) throw new Error(`port ${port} for ${what} is in use: pick another with ${flag} <n> (0 = any free port)`);
			const other = await freePortOtherThan(chosen);
			log(`port ${port} is in use: ${what} gets ${other} instead`);
			port = other;
		}
		chosen.add(port);
		ports[key] = port;
	}
	return ports;
}

/** Runs a step with a progress line before and its time after. */
let stepNo = 0;
const STEPS = 6;
async function step(what, fn) {
	stepNo++;
	log(`${stepNo}/${STEPS} ${what}`);
	const t0 = Date.now();
	const result = await fn();
	log(`    done in ${secs(Date.now() - t0)}`);
	return result;
}

function npmCommand() {
	const execPath = process.env.npm_execpath;
	if (execPath && fs.existsSync(execPath) && /\.c?js$/.test(execPath)) return [process.execPath, [execPath]];
	return [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
}

function run(cmd, args, { cwd }) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		child.on('error', reject);
		child.on('close', (code) => (code === 0 ? resolve(out) : reject(Object.assign(new Error(`exit ${code}`), { output: out }))));
	});
}

// ---------------------------------------------------------------- the parts

/**
 * The Kapture sandbox and the SourceHub sandbox, as one child process
 * (test/sandbox/cli.ts through ts-node). Generated Kapture orders name a
 * demo SourceHub customer in attr1, and SourceHub refills carts (demo knobs,
 * see the sandboxes' READMEs).
 */
async function startSandbox({ port, sourceHubPort, seed, verbose }) {
	const args = [
		'-r',
		'ts-node/register/transpile-only',
		path.join('test', 'sandbox', 'cli.ts'),
		'--port',
		String(port),
		'--sourcehub-port',
		String(sourceHubPort),
		'--seed',
		String(seed),
		'--attr1-choices',
		DEV_ATTR1_CHOICES.join(','),
		'--sourcehub-refill-carts',
	];
	if (!verbose) args.push('--quiet');
	const child = spawn(process.execPath, args, {
		cwd: repoRoot,
		env: { ...process.env, TS_NODE_PROJECT: path.join(repoRoot, 'tsconfig.json') },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	let ready = false;
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
	const info = await new Promise((resolve, reject) => {
		const onData = (d) => {
			output += d;
			if (ready) {
				if (verbose) for (const line of String(d).split('\n').filter(Boolean)) console.log(`[sandbox] ${line}`);
				return;
			}
			const m =
				/Kapture sandbox listening on (\S+)[\s\S]*username\s+(\S+)[\s\S]*password\s+(\S+)[\s\S]*auth key\s+(\S+)[\s\S]*cmId\s+(\d+)[\s\S]*orders\s+(\d+)[\s\S]*SourceHub sandbox listening on (\S+)\s+api key\s+(\S+)/.exec(
					output,
				);
			if (m) {
				ready = true;
				const sourceHub = { baseUrl: m[7], apiKey: m[8], origin: new URL(m[7]).origin };
				resolve({ baseUrl: m[1], username: m[2], password: m[3], authKey: m[4], cmId: Number(m[5]), orders: Number(m[6]), sourceHub });
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('error', reject);
		exited.then(({ code, signal }) => {
			if (!ready) reject(new Error(`the sandbox exited (${code ?? signal}) before it was ready:\n${output}`));
		});
	});
	return {
		...info,
		child,
		exited,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGTERM');
			const t = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(t);
		},
	};
}

/** Stands in for the Slack webhook of the notify example: prints each message. */
async function startInbox(preferredPort) {
	const received = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (d) => (body += d));
		req.on('end', () => {
			let text = body;
			try {
				text = JSON.parse(body).text ?? body;
			} catch {
				/* not JSON: print as is */
			}
			received.push(text);
			console.log(`[slack stand-in] ${text}`);
			res.setHeader('content-type', 'application/json');
			res.end('{"ok":true}');
		});
	});
	const listen = (port) =>
		new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => {
				server.removeListener('error', reject);
				resolve();
			});
		});
	try {
		await listen(preferredPort);
	} catch {
		// Taken since chooseSandboxPorts looked: any free port, printed below.
		await listen(0);
	}
	return {
		url: `http://127.0.0.1:${server.address().port}/notify`,
		received,
		close: () =>
			new Promise((r) => {
				server.close(r);
				server.closeAllConnections();
			}),
	};
}

/**
 * The printed example of a delivery status change: the newest sandbox order
 * moved to another status, and the message that follows.
 */
async function sampleStatusChange(sb) {
	let newest;
	try {
		const res = await fetch(`${sb.baseUrl}/__sandbox/orders?limit=1&offset=${Math.max(0, sb.orders - 1)}`);
		newest = (await res.json()).orders[0];
	} catch {
		/* the sandbox did not answer: print the general form */
	}
	if (!newest) {
		return {
			command: deliveryStatusCurl(sb, '<order id>', 'DL'),
			then: `with the id of an order created in the last 7 days; [slack stand-in] ${statusChangedMessage('<id>', '…', 'DL')} follows within a poll.`,
		};
	}
	const to = anotherDeliveryStatus(newest.deliveryStatus);
	return {
		command: deliveryStatusCurl(sb, newest.id, to),
		then: `Within a poll: [slack stand-in] ${statusChangedMessage(newest.id, newest.deliveryStatus, to)}`,
	};
}

// ---------------------------------------------------------------- main

const opts = parseArgs(process.argv.slice(2));
let sandbox = null;
let inbox = null;
let n8n = null;
let stopping = null;

/** Stops n8n (SIGTERM to its process group, which holds the task runner), then the sandboxes and the stand-in. */
function shutdown(reason, code = 0) {
	if (stopping) return stopping;
	stopping = (async () => {
		if (reason) log(`${reason}: stopping ...`);
		const t0 = Date.now();
		try {
			if (n8n) await n8n.stop();
		} catch (e) {
			console.error(`[dev] stopping n8n: ${e.message}`);
		}
		if (sandbox) await sandbox.stop();
		if (inbox) await inbox.close();
		if (reason) log(`stopped in ${secs(Date.now() - t0)}`);
		process.exit(code);
	})();
	return stopping;
}

let interrupts = 0;
function onSignal(signal) {
	interrupts++;
	if (interrupts > 1) {
		// A second Ctrl-C: do not wait for a graceful stop.
		log('second interrupt: killing everything');
		try {
			if (n8n && n8n.serverPid) process.kill(-n8n.serverPid, 'SIGKILL');
		} catch {
			/* gone */
		}
		if (sandbox) sandbox.child.kill('SIGKILL');
		process.exit(130);
	}
	shutdown(signal, signal === 'SIGINT' ? 0 : 143);
}
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
for (const sig of signals) process.on(sig, onSignal);

/**
 * instance.mjs installs its own signal handlers when n8n starts; they SIGKILL
 * n8n at once (meant for tests). Ours stop it gracefully, so drop theirs.
 */
function keepOnlyOurSignalHandlers() {
	for (const sig of signals) {
		for (const listener of process.listeners(sig)) if (listener !== onSignal) process.removeListener(sig, listener);
	}
}

async function main() {
	log(`n8n-nodes-kapture dev: user folder ${path.relative(process.cwd(), opts.dir) || '.'}`);

	if (opts.build) {
		await step('building the package (npm run build)', async () => {
			const [cmd, pre] = npmCommand();
			try {
				await run(cmd, [...pre, 'run', 'build'], { cwd: repoRoot });
			} catch (e) {
				throw new Error(`npm run build failed:\n${e.output || e.message}`);
			}
		});
	} else {
		stepNo++;
		log(`${stepNo}/${STEPS} build skipped (--no-build): using dist/ as it is`);
	}
	for (const f of ['dist/nodes/Kapture/KaptureOrder.node.js', 'dist/credentials/KaptureApi.credentials.js', 'dist/nodes/SourceHub/SourceHub.node.js']) {
		if (!fs.existsSync(path.join(repoRoot, f))) throw new Error(`${f} is missing: run without --no-build`);
	}

	// Ports first, so a clash shows before the long steps.
	let n8nPort = opts.port || (await freePort());
	if (await portInUse(n8nPort)) {
		// Not 5679 or 5681: another n8n's task broker and runner use those.
		let other = 0;
		for (let p = 5700; p < 5720 && !other; p++) if (!(await portInUse(p))) other = p;
		throw new Error(
			`port ${n8nPort} is in use (another n8n or \`npm run dev\`?). Stop it, or pick another port: ` +
				`npm run dev -- --port ${other || '<n>'} (--port 0 picks any free port)`,
		);
	}

	const ports = await chooseSandboxPorts(opts, n8nPort);

	const demoCustomers = DEV_SOURCEHUB.customers.map((c) => c.id);
	sandbox = await step(`starting the Kapture sandbox (${opts.seed} orders) and the SourceHub sandbox (customers ${listed(demoCustomers)} with carts)`, async () => {
		const sb = await startSandbox({ port: ports.kapturePort, sourceHubPort: ports.sourceHubPort, seed: opts.seed, verbose: opts.verbose });
		try {
			await seedSourceHubSandbox(sb.sourceHub.origin);
		} catch (e) {
			await sb.stop();
			throw e;
		}
		log(`    Kapture ${sb.baseUrl} (${sb.orders} orders), SourceHub ${sb.sourceHub.baseUrl}`);
		return sb;
	});
	sandbox.exited.then(({ code, signal }) => {
		// A Ctrl-C in the terminal reaches the sandbox too; give ours a moment to win.
		setTimeout(() => {
			if (stopping) return;
			console.error(`[dev] the sandbox stopped unexpectedly (${code ?? signal})`);
			shutdown('sandbox gone', 1);
		}, 1000);
	});
	// The examples' Slack webhook goes to a local stand-in that prints each message.
	inbox = await startInbox(ports.slackPort);

	const runtime = await step('preparing n8n (installs n8n 2.40.7 + Node 24 the first time, ~6 min; then reused)', () => ensureRuntime());

	const filesDir = path.join(opts.dir, 'files');
	n8n = await step(`installing the built package into ${path.relative(repoRoot, opts.dir) || opts.dir}/.n8n/nodes`, async () => {
		fs.mkdirSync(filesDir, { recursive: true });
		const instance = await createInstance({
			runtime,
			userFolder: opts.dir,
			port: n8nPort,
			verbose: opts.verbose,
			env: {
				N8N_EDITOR_BASE_URL: `http://localhost:${n8nPort}`,
				// The nightly example writes its CSV here (see examples/README.md).
				N8N_RESTRICT_FILE_ACCESS_TO: filesDir,
			},
		});
		const pkg = await instance.installPackage(repoRoot);
		log(`    ${pkg.name}@${pkg.version}`);
		return instance;
	});

	const imported = await step('importing the "Kapture Sandbox" and "SourceHub Sandbox" credentials and the examples/ workflows', async () => {
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: EXAMPLE_CREDENTIAL.type, data: sandboxCredentialData(sandbox) },
			{ ...SOURCEHUB_CREDENTIAL, type: SOURCEHUB_EXAMPLE_CREDENTIAL.type, data: sourceHubSandboxCredentialData(sandbox.sourceHub) },
		]);
		// Examples are refreshed from examples/ on every run: the sandbox starts
		// afresh too, so the trigger's memory of seen orders is reset with it.
		const workflows = EXAMPLES.map((ex) => ({
			...prepareExample(loadExample(ex.file), {
				id: ex.id,
				credential: CREDENTIAL,
				sourceHubCredential: SOURCEHUB_CREDENTIAL,
				notifyUrl: inbox.url,
				filesDir,
				pollTimes: ex.trigger && opts.pollSeconds < 60 ? pollEverySeconds(opts.pollSeconds) : undefined,
			}),
			staticData: null,
		}));
		await importWorkflows(n8n, workflows);
		return workflows.map((wf) => ({ id: wf.id, name: wf.name }));
	});

	await step(`starting n8n on http://localhost:${n8nPort}`, async () => {
		const server = await n8n.start();
		n8n.serverPid = server.pid;
		keepOnlyOurSignalHandlers();
		server.exited.then(({ code, signal }) => {
			if (!stopping) {
				console.error(`[dev] n8n stopped unexpectedly (${code ?? signal}). Its last output:\n${server.output().slice(-4000)}`);
				n8n = null;
				shutdown('n8n gone', 1);
			}
		});
		let loggedIn = true;
		try {
			await n8n.ownerSetup(OWNER);
		} catch (e) {
			loggedIn = false;
			log(`    could not log in as ${OWNER.email} (password changed?): ${e.message.split('\n')[0]}`);
		}
		if (opts.activate && loggedIn) {
			const active = await n8n.activeWorkflows();
			for (const example of TRIGGER_EXAMPLES) {
				if (active.includes(example.id)) continue;
				try {
					await n8n.activate(example.id);
				} catch (e) {
					log(`    could not activate the trigger example ${example.file}: ${e.message.split('\n')[0]}`);
				}
			}
		}
	});

	const active = opts.activate ? await n8n.activeWorkflows().catch(() => []) : [];
	const statusChange = await sampleStatusChange(sandbox);
	const base = sandbox.baseUrl;
	const sh = sandbox.sourceHub;
	const every = opts.pollSeconds < 60 ? `${opts.pollSeconds} s` : 'minute';
	const short = DEV_SOURCEHUB.customers.filter((c) => !expectedSourceHubOutcome(c.id).placed);
	const lines = [
		'',
		`n8n-nodes-kapture is running (ready in ${secs(Date.now() - started)}).`,
		'',
		`  n8n          http://localhost:${n8nPort}`,
		`               log in as ${OWNER.email} / ${OWNER.password}`,
		`  Kapture      ${base}  (fake Kapture CRM, ${sandbox.orders} orders; state: ${base}/__sandbox/state)`,
		`  SourceHub    ${sh.baseUrl}  (fake SourceHub, customers ${listed(demoCustomers)} with carts; state: ${sh.origin}/__sandbox/state)`,
		`  Slack        ${inbox.url}  (stand-in for the examples' Slack webhook; messages print here as [slack stand-in])`,
		`  credentials  "${CREDENTIAL.name}" (Kapture API) -> ${base}`,
		`               "${SOURCEHUB_CREDENTIAL.name}" (SourceHub API) -> ${sh.baseUrl}`,
		'  workflows',
		...imported.map((wf) => {
			const example = EXAMPLES.find((e) => e.id === wf.id);
			let how = 'open it and click Execute workflow';
			if (example.trigger) {
				how = active.includes(wf.id) ? `active, polls every ${every}` : 'not active: publish it in the editor to start polling';
			}
			if (wf.id === 'kaptureExNotify0' || wf.id === STATUS_EXAMPLE_ID) how += '; messages print here as [slack stand-in]';
			if (wf.id === SOURCEHUB_EXAMPLE_ID) how += '; or open it and click Execute workflow: it takes the newest Kapture order';
			if (wf.id === 'kaptureExNightly') how += `; CSV files go to ${path.relative(process.cwd(), filesDir) || filesDir}`;
			return `    - ${wf.name}\n      http://localhost:${n8nPort}/workflow/${wf.id}  (${how})`;
		}),
		'',
		'  Add orders to the Kapture sandbox to see the triggers fire:',
		`    curl -X POST ${base}/__sandbox/orders -d '{"count":3}'`,
		`  Each sample order names a SourceHub customer (${listed(demoCustomers)}) in its custom attribute 1, so the`,
		'  Kapture → SourceHub workflow places a SourceHub order from that customer\'s cart and writes the',
		`  order number into the Kapture order's remarks${short.length ? ` (customer ${listed(short.map((c) => c.id))} wants an out-of-stock product: its remark says so instead)` : ''}.`,
		`  See the workflow's Executions in n8n, or the SourceHub orders: curl ${sh.origin}/__sandbox/orders`,
		'',
		"  Change an order's delivery status (Kapture's v1 update API) to see the status example fire:",
		`    ${statusChange.command}`,
		`  ${statusChange.then}`,
		'  It watches Delivery Status only: other edits, such as the remarks Kapture → SourceHub writes, do not fire it.',
		'',
		'  Code changed? Ctrl-C and run `npm run dev` again (it rebuilds and reinstalls).',
		'  The example workflows are reset from examples/ on every run: duplicate one to keep your changes.',
		'  Ctrl-C stops n8n and the sandboxes.',
		'',
	];
	console.log(lines.join('\n'));
	log(`ready in ${secs(Date.now() - started)}`);

	if (opts.exitAfterReady) await shutdown('--exit-after-ready', 0);
}

main().catch(async (e) => {
	console.error(`[dev] error: ${e && e.message ? e.message : e}`);
	await shutdown(null, 1);
});
