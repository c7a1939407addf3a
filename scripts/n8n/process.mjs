// Running processes: an n8n command to completion (`n8n import:workflow`, `npm
// pack`), or a long-running one (`n8n start`, `n8n worker`, a database) in its
// own process group, ready when its health URL answers, stopped with SIGTERM
// (then SIGKILL), and killed if this process is interrupted.
//
// Plain ESM, no dependencies.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const TAG = '[n8n-process]';

export function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/** Resolves with {code, signal, stdout, stderr} when the child has exited. */
export function collect(child) {
	return new Promise((resolve, reject) => {
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
	});
}

/**
 * Pulls the JSON document out of CLI output that may have log lines before
 * (and after) it. Tries every line that starts with `{` or `[`, from the first,
 * and returns the first (longest) block that parses and that `accept` likes.
 */
export function parseJsonFromOutput(text, accept = () => true) {
	const lines = text.split('\n');
	for (let i = 0; i < lines.length; i++) {
		const t = lines[i].trimStart();
		if (!t.startsWith('{') && !t.startsWith('[')) continue;
		// Longest parseable block starting at line i.
		for (let j = lines.length; j > i; j--) {
			const chunk = lines.slice(i, j).join('\n').trim();
			if (!chunk.endsWith('}') && !chunk.endsWith(']')) continue;
			let value;
			try {
				value = JSON.parse(chunk);
			} catch {
				continue; // shorter
			}
			if (accept(value)) return value;
			break;
		}
	}
	throw new Error(`${TAG} no JSON found in output:\n${text.slice(0, 4000)}`);
}

function npmCli() {
	const cli = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
	return fs.existsSync(cli) ? [process.execPath, cli] : ['npm'];
}

/** `npm <args>` with the machine's npm, quiet; rejects on a non-zero exit; returns stdout. */
export async function runNpm(args, { cwd, env }) {
	const [cmd, ...pre] = npmCli();
	const child = spawn(cmd, [...pre, ...args], {
		cwd,
		env: {
			...process.env,
			...env,
			npm_config_audit: 'false',
			npm_config_fund: 'false',
			npm_config_update_notifier: 'false',
			npm_config_loglevel: 'warn',
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const r = await collect(child);
	if (r.code !== 0) throw new Error(`${TAG} npm ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
	return r.stdout;
}

/** Runs `n8n <args>` to completion: {code, signal, stdout, stderr}. Killed after timeoutMs. */
export async function runN8n(runtime, args, { cwd, env, timeoutMs = 180_000 }) {
	const child = spawn(runtime.nodeBin, [runtime.n8nBin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	try {
		return await collect(child);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * Spawns a long-running command in its own process group (so stopping it
 * also ends its children), keeps its output, and kills the group if this
 * process exits or is interrupted.
 * @returns {GroupProcess}
 *
 * @typedef {object} GroupProcess
 * @property {number} pid  also the process group id
 * @property {string} label
 * @property {() => string} output  everything printed so far (the last ~1 MB)
 * @property {Promise<{code: number|null, signal: string|null}>} exited
 * @property {() => boolean} hasExited
 * @property {(signal?: string) => Promise<object>} kill  sends a signal to the group, resolves on exit
 * @property {(signal?: string, graceMs?: number) => Promise<void>} stop  `signal` (SIGTERM) to the group, SIGKILL after graceMs (20 s)
 */
export function spawnInGroup(cmd, args, { cwd, env, label = cmd, verbose = false } = {}) {
	const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	let output = '';
	const onData = (d) => {
		output += d;
		if (output.length > 2_000_000) output = output.slice(-1_000_000);
		if (verbose) process.stderr.write(`[${label}] ${d}`);
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	let exited = null;
	const exitPromise = new Promise((resolve) =>
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			resolve(exited);
		}),
	);
	const signalGroup = (signal) => {
		try {
			process.kill(-child.pid, signal);
		} catch {
			/* gone */
		}
	};
	const killOnParentExit = () => signalGroup('SIGKILL');
	process.once('exit', killOnParentExit);
	liveProcesses.add(killOnParentExit);
	exitPromise.then(() => {
		process.removeListener('exit', killOnParentExit);
		liveProcesses.delete(killOnParentExit);
	});
	watchSignals();
	return {
		pid: child.pid,
		label,
		output: () => output,
		exited: exitPromise,
		hasExited: () => exited !== null,
		async kill(signal = 'SIGKILL') {
			signalGroup(signal);
			return await exitPromise;
		},
		async stop(signal = 'SIGTERM', graceMs = 20_000) {
			if (!exited) {
				signalGroup(signal);
				const t = setTimeout(() => signalGroup('SIGKILL'), graceMs);
				await exitPromise;
				clearTimeout(t);
			}
			// Whatever is left of the group (n8n's task runner, Postgres's backends).
			signalGroup('SIGKILL');
		},
	};
}

/**
 * Starts a long-running `n8n <args>` (start, worker, webhook) with
 * spawnInGroup, and waits until `ready()` resolves truthy.
 * @param {object} o
 * @param {{nodeBin: string, n8nBin: string}} o.runtime
 * @param {string[]} o.args  e.g. ['start'] or ['worker', '--concurrency=2']
 * @param {string} o.cwd
 * @param {object} o.env
 * @param {() => Promise<boolean>} o.ready  polled every 500 ms
 * @param {string} [o.label]  for messages and the echoed output
 * @param {boolean} [o.verbose]  echo the output to stderr
 * @param {number} [o.timeoutMs]
 * @returns {Promise<GroupProcess>}
 */
export async function startN8nProcess({ runtime, args, cwd, env, ready, label = `n8n ${args[0]}`, verbose = false, timeoutMs = 180_000 }) {
	const handle = spawnInGroup(runtime.nodeBin, [runtime.n8nBin, ...args], { cwd, env, label, verbose });
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (handle.hasExited()) {
			const { code, signal } = await handle.exited;
			throw new Error(`${TAG} ${label} exited (${code ?? signal}) before it was ready:\n${handle.output().slice(-6000)}`);
		}
		let ok = false;
		try {
			ok = await ready();
		} catch {
			/* not listening yet */
		}
		if (ok) return handle;
		if (Date.now() > deadline) {
			await handle.stop();
			throw new Error(`${TAG} ${label} not ready after ${timeoutMs} ms:\n${handle.output().slice(-6000)}`);
		}
		await sleep(500);
	}
}

/** A ready() for startN8nProcess: every URL answers 2xx (and JSON where asked). */
export function urlsAnswer(...urls) {
	return async () => {
		for (const u of urls) {
			const { url, json } = typeof u === 'string' ? { url: u, json: false } : u;
			const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
			await res.arrayBuffer();
			if (!res.ok) return false;
			if (json && !(res.headers.get('content-type') || '').includes('json')) return false;
		}
		return true;
	};
}

// Processes to kill if this process is interrupted (Ctrl-C, CI timeout): the
// 'exit' event alone does not run on a signal.
const liveProcesses = new Set();
let signalsWatched = false;
function watchSignals() {
	if (signalsWatched) return;
	signalsWatched = true;
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.once(sig, () => {
			for (const kill of liveProcesses) kill();
			process.kill(process.pid, sig); // the default action, now that our handler is gone
		});
	}
}
