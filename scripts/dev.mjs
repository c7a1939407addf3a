// `npm run dev`: our nodes in a real n8n against a local fake Kapture, with
// no Kapture account. Builds the package, starts the Kapture sandbox with
// seeded orders, installs the pinned n8n once (scripts/n8n/runtime.mjs, ~6 min
// the first time), installs the built package into an n8n user folder under
// .n8n-dev/, imports a "Kapture Sandbox" credential and the workflows of
// examples/, starts n8n, creates the owner account and prints how to log in.
// Ctrl-C stops n8n, its task runner and the sandbox.
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
	EXAMPLES,
	EXAMPLE_CREDENTIAL,
	importWorkflows,
	loadExample,
	pollEverySeconds,
	prepareExample,
	sandboxCredentialData,
} from '../test/e2e/lib-dev/examples.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

const USAGE = `Usage: npm run dev -- [options]
  --port <n>           n8n's port on localhost (default 5678; 0 = any free port)
  --sandbox-port <n>   the Kapture sandbox's port (default 3900; if that one is
                       taken another free port is used; 0 = any free port)
  --seed <n>           orders the sandbox starts with (default 50)
  --poll-seconds <n>   how often the activated trigger example polls (default 10;
                       60 = the example's own every-minute setting)
  --dir <path>         n8n user folder (default .n8n-dev in the repository)
  --no-build           skip npm run build (use dist/ as it is)
  --no-activate        do not activate the new-order trigger example
  --verbose            echo n8n's log and every sandbox request
  --exit-after-ready   stop everything and exit 0 once it is all up (CI smoke);
                       same as KAPTURE_DEV_EXIT_AFTER_READY=1
Env: KAPTURE_SANDBOX_USERNAME / _PASSWORD / _AUTH_KEY (sandbox secrets),
     KAPTURE_N8N_CACHE (where n8n is installed), KAPTURE_DEV_DIR (= --dir).`;

const OWNER = Object.freeze({ email: 'dev@kapture.test', password: 'Kapture-dev-1', firstName: 'Kapture', lastName: 'Developer' });
const CREDENTIAL = Object.freeze({ id: 'kaptureSandbox00', name: EXAMPLE_CREDENTIAL.name });
const NOTIFY_EXAMPLE = EXAMPLES.find((e) => e.trigger);

const started = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (msg) => console.log(`[dev] ${msg}`);

function parseArgs(argv) {
	const o = {
		port: 5678,
		portGiven: false,
		sandboxPort: 3900,
		sandboxPortGiven: false,
		seed: 50,
		pollSeconds: 10,
		dir: process.env.KAPTURE_DEV_DIR || path.join(repoRoot, '.n8n-dev'),
		build: true,
		activate: true,
		verbose: process.env.KAPTURE_N8N_VERBOSE === '1',
		exitAfterReady: process.env.KAPTURE_DEV_EXIT_AFTER_READY === '1',
	};
	const numbers = { '--port': 'port', '--sandbox-port': 'sandboxPort', '--seed': 'seed', '--poll-seconds': 'pollSeconds' };
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
			if (flag === '--port') o.portGiven = true;
			if (flag === '--sandbox-port') o.sandboxPortGiven = true;
		} else fail(`unknown option ${argv[i]}\n${USAGE}`, 2);
	}
	if (!o.dir) fail('--dir needs a path', 2);
	o.dir = path.resolve(o.dir);
	if (o.pollSeconds < 1 || o.pollSeconds > 60 || 60 % o.pollSeconds !== 0) {
		fail('--poll-seconds must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60)', 2);
	}
	return o;
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

/** The Kapture sandbox as a child process (test/sandbox/cli.ts through ts-node). */
async function startSandbox({ port, seed, verbose }) {
	const args = ['-r', 'ts-node/register/transpile-only', path.join('test', 'sandbox', 'cli.ts'), '--port', String(port), '--seed', String(seed)];
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
			const m = /listening on (\S+)[\s\S]*username\s+(\S+)[\s\S]*password\s+(\S+)[\s\S]*auth key\s+(\S+)[\s\S]*cmId\s+(\d+)[\s\S]*orders\s+(\d+)/.exec(output);
			if (m) {
				ready = true;
				resolve({ baseUrl: m[1], username: m[2], password: m[3], authKey: m[4], cmId: Number(m[5]), orders: Number(m[6]) });
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

// ---------------------------------------------------------------- main

const opts = parseArgs(process.argv.slice(2));
let sandbox = null;
let inbox = null;
let n8n = null;
let stopping = null;

/** Stops n8n (SIGTERM to its process group, which holds the task runner), then the sandbox. */
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
	for (const f of ['dist/nodes/Kapture/KaptureOrder.node.js', 'dist/credentials/KaptureApi.credentials.js']) {
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

	sandbox = await step(`starting the Kapture sandbox with ${opts.seed} orders`, async () => {
		let port = opts.sandboxPort;
		if (port && (await portInUse(port))) {
			if (opts.sandboxPortGiven) throw new Error(`sandbox port ${port} is in use: pick another with --sandbox-port <n> (0 = any free port)`);
			const other = await freePort();
			log(`    port ${port} is in use; the sandbox uses ${other} instead`);
			port = other;
		}
		const sb = await startSandbox({ port, seed: opts.seed, verbose: opts.verbose });
		log(`    ${sb.baseUrl} (${sb.orders} orders)`);
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
	// The notify example's Slack webhook goes to a local stand-in: the port after
	// the sandbox's (3901 by default), or any free port if that one is taken.
	inbox = await startInbox(Number(new URL(sandbox.baseUrl).port) + 1);

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

	const imported = await step('importing the "Kapture Sandbox" credential and the examples/ workflows', async () => {
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: EXAMPLE_CREDENTIAL.type, data: sandboxCredentialData(sandbox) },
		]);
		// Examples are refreshed from examples/ on every run: the sandbox starts
		// afresh too, so the trigger's memory of seen orders is reset with it.
		const workflows = EXAMPLES.map((ex) => ({
			...prepareExample(loadExample(ex.file), {
				id: ex.id,
				credential: CREDENTIAL,
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
			if (!active.includes(NOTIFY_EXAMPLE.id)) {
				try {
					await n8n.activate(NOTIFY_EXAMPLE.id);
				} catch (e) {
					log(`    could not activate the trigger example: ${e.message.split('\n')[0]}`);
				}
			}
		}
	});

	const active = opts.activate ? await n8n.activeWorkflows().catch(() => []) : [];
	const base = sandbox.baseUrl;
	const lines = [
		'',
		`n8n-nodes-kapture is running (ready in ${secs(Date.now() - started)}).`,
		'',
		`  n8n        http://localhost:${n8nPort}`,
		`             log in as ${OWNER.email} / ${OWNER.password}`,
		`  sandbox    ${base}  (fake Kapture, ${sandbox.orders} orders; state: ${base}/__sandbox/state)`,
		`  credential "${CREDENTIAL.name}" (Kapture API) -> ${base}`,
		`  slack      ${inbox.url}  (stand-in for the new-order example's Slack webhook; messages print here)`,
		'  workflows',
		...imported.map((wf) => {
			let how = 'open it and click Execute workflow';
			if (wf.id === NOTIFY_EXAMPLE.id) {
				how = active.includes(wf.id)
					? `active, polls every ${opts.pollSeconds < 60 ? `${opts.pollSeconds} s` : 'minute'}; messages print here as [slack stand-in]`
					: 'not active: publish it in the editor to start polling';
			}
			if (wf.id === 'kaptureExNightly') how += `; CSV files go to ${path.relative(process.cwd(), filesDir) || filesDir}`;
			return `    - ${wf.name}\n      http://localhost:${n8nPort}/workflow/${wf.id}  (${how})`;
		}),
		'',
		'  Add orders to the sandbox to see the trigger fire:',
		`    curl -X POST ${base}/__sandbox/orders -d '{"count":3}'`,
		'',
		'  Code changed? Ctrl-C and run `npm run dev` again (it rebuilds and reinstalls).',
		'  The example workflows are reset from examples/ on every run: duplicate one to keep your changes.',
		'  Ctrl-C stops n8n and the sandbox.',
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
