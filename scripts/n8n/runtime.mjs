#!/usr/bin/env node
// Installs a pinned, real n8n (and a Node.js new enough to run it) into a cache
// folder, once, using nothing but the npm registry.
//
//   node scripts/n8n/runtime.mjs install [--version 2.40.7] [--force]
//   node scripts/n8n/runtime.mjs path    [--version 2.40.7]   (prints the JSON of ensureRuntime)
//
// Layout under ${KAPTURE_N8N_CACHE:-$HOME/.cache/n8n-nodes-kapture}:
//   node-<nodeVersion>-<platform>-<arch>/   Node.js from the registry package node-<platform>-<arch>
//   n8n-<version>/                          package.json (with the xlsx override), node_modules/n8n
//   n8n-<version>/.kapture-runtime-ok       marker, written only after a full, checked install
//   install-n8n-<version>.log               everything npm and node-gyp printed, appended to
//                                           by each install attempt, only while it holds the lock
//
// Plain ESM, no dependencies: runs on the machine's Node 20 before anything is built.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_N8N_VERSION = process.env.KAPTURE_N8N_VERSION || '2.40.7';
// Exact Node version taken from the registry's node-<platform>-<arch> package
// (the package the `node` meta package installs). Pinned so CI is repeatable.
export const DEFAULT_NODE_VERSION = process.env.KAPTURE_N8N_NODE_VERSION || '24.9.0';

const MARKER = '.kapture-runtime-ok';
const TAG = '[n8n-runtime]';

// Native modules rebuilt after `npm install --ignore-scripts`. Only the ones
// n8n needs to start and run workflows; the rest (kafka's zlib, cpu-features,
// ...) try to download sources or binaries and are never loaded by our flows.
// `optional` ones are rebuilt when present, and a failure is only reported.
// isolated-vm runs n8n 2.x's default expression engine ("vm"): without it
// `n8n start` and `n8n execute` exit with "Could not initialize the vm
// expression engine".
// `fromSource`: sqlite3's install script would download a binary from GitHub,
// so it is compiled. isolated-vm (6.2 in n8n 1.123, 7.0 in 2.40) ships binaries
// for the common platforms and Node versions in its tarball and node-gyp-build
// picks one, as in a user's `npm install n8n`; it compiles (~5 min on 2 cores)
// only where none fits.
const REBUILDS = [
	{ name: 'sqlite3', optional: false, fromSource: true },
	{ name: 'isolated-vm', optional: false, fromSource: false },
];

export function cacheRoot() {
	return process.env.KAPTURE_N8N_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-kapture');
}

function log(msg) {
	process.stderr.write(`${TAG} ${msg}\n`);
}

function secs(ms) {
	return `${(ms / 1000).toFixed(1)}s`;
}

function nodePackageName() {
	const platform = process.platform === 'win32' ? 'win' : process.platform;
	return `node-${platform}-${process.arch}`;
}

// npm settings passed through from the caller's environment: how to reach the
// registry (a mirror, a proxy, certificates, where the download cache is).
// Everything else npm exports (local_prefix = our repository, ignore_scripts,
// nodedir = the machine's Node) would install into the wrong place or build
// nothing.
const KEPT_NPM_SETTING =
	/^npm_config_(registry|.*:registry|\/\/.*|cache|userconfig|globalconfig|cafile|ca|cert|key|strict_ssl|proxy|https?_proxy|noproxy|local_address|maxsockets|fetch_.*)$/i;

/**
 * This process's environment for an npm that works in another folder. Started
 * from `npm run …`, this process inherits the project's .npmrc as npm_config_*
 * variables (ignore-scripts=true, local_prefix = this repository among them):
 * passed on, they would make npm build nothing, or install into the repository.
 */
export function foreignNpmEnv() {
	return Object.fromEntries(
		Object.entries(process.env).filter(([key]) => !/^npm_(config|lifecycle|package)_/i.test(key) || KEPT_NPM_SETTING.test(key)),
	);
}

// Environment for npm/node-gyp: Node 24 first on PATH, headers from its folder,
// build from source (no prebuilt-binary downloads), never prompt. The installer
// sets every npm setting it relies on itself.
function buildEnv(nodeDir) {
	const env = foreignNpmEnv();
	env.npm_config_ignore_scripts = 'false';
	if (nodeDir) {
		env.PATH = `${path.join(nodeDir, 'bin')}${path.delimiter}${env.PATH || ''}`;
		env.npm_config_nodedir = nodeDir;
	} else {
		// Running under the machine's own Node: its headers.
		env.npm_config_nodedir = path.resolve(path.dirname(process.execPath), '..');
	}
	env.npm_config_build_from_source = 'true';
	// node-gyp: use every core (make -j).
	env.JOBS = env.JOBS || 'max';
	env.npm_config_audit = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_update_notifier = 'false';
	env.npm_config_yes = 'true';
	env.npm_config_engine_strict = 'false';
	env.npm_config_loglevel = env.npm_config_loglevel || 'warn';
	env.CI = env.CI || 'true';
	// Tools that would fetch browsers or binaries at install time.
	env.PUPPETEER_SKIP_DOWNLOAD = 'true';
	env.PUPPETEER_SKIP_CHROMIUM_DOWNLOAD = 'true';
	env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
	return env;
}

function npmCommand() {
	// The npm that came with the Node running this script (Node 20's npm 11 here).
	const npmCli = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
	if (fs.existsSync(npmCli)) return { cmd: process.execPath, pre: [npmCli] };
	return { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', pre: [] };
}

// A failed install, told in plain words: which step, what to do, where the log
// is. The CLI prints only this message (no stack): the details are in the log.
export class RuntimeInstallError extends Error {
	constructor({ version, step, what, hint, logFile, tail }) {
		const lines = [
			`could not install n8n ${version}: ${step}: ${what}.`,
			`  What to do: ${hint}`,
			'  An install that did not finish is started over from the beginning on the next run',
			'  (`npm run n8n:install`, or any of `npm run dev`, `npm run test:e2e`).',
		];
		if (logFile) lines.push(`  Full log: ${logFile}`);
		if (tail) lines.push('  Last lines of this attempt\'s log:', ...tail.split('\n').map((l) => `    | ${l}`));
		super(lines.join('\n'));
		this.name = 'RuntimeInstallError';
		this.step = step;
		this.logFile = logFile;
	}
}

// Log lines that never explain a failure: stack frames, the properties of
// npm's error objects, npm's chatter.
const NOISE = [
	/^\s*(npm error|gyp ERR!)?\s*(stack\s+)?at\s/,
	/^npm error\s{2,}[\w$]+: /,
	/^npm error\s*[{}]?\s*$/,
	/^npm (verbose|timing|http fetch)|^npm warn Unknown env config/,
	/^npm error A complete log of this run/,
];

// The log of one install attempt: appended to the shared file, only by the
// process holding the install lock, so a second start never wipes the log of
// an install that is still running.
function openAttemptLog(logFile, title) {
	const offset = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
	fs.appendFileSync(logFile, `${offset ? '\n' : ''}=== ${title}, started ${new Date().toISOString()} by pid ${process.pid}\n`);
	return {
		file: logFile,
		// The last lines this attempt wrote, without npm's timing noise.
		tail(lines = 12) {
			const fd = fs.openSync(logFile, 'r');
			try {
				const size = fs.fstatSync(fd).size;
				const from = Math.max(offset, size - 64 * 1024);
				const buf = Buffer.alloc(size - from);
				fs.readSync(fd, buf, 0, buf.length, from);
				return buf
					.toString('utf8')
					.split('\n')
					.filter((l) => l.trim() && !NOISE.some((re) => re.test(l)))
					.slice(-lines)
					.join('\n');
			} finally {
				fs.closeSync(fd);
			}
		},
	};
}

// What to do after a failed step, judged from what npm and the compiler said.
function hintFor(kind, logText, root) {
	if (/ENOSPC|no space left on device/i.test(logText)) {
		return `the disk is full. Free about 4 GB for ${root} (or point KAPTURE_N8N_CACHE at a folder on a bigger disk).`;
	}
	if (kind === 'download') {
		if (/E404|404 Not Found|No matching version|ETARGET/i.test(logText)) {
			return 'the npm registry does not have this version. Check the version (KAPTURE_N8N_VERSION, --version).';
		}
		const registry = process.env.npm_config_registry || 'https://registry.npmjs.org/';
		return `npm could not download from the registry (${registry}). Check the network, proxy and registry settings (\`npm ping\` should answer), then run again.`;
	}
	if (kind === 'build') {
		if (/find Python|python.*not found|not found: make|make: not found|g\+\+: not found|c\+\+: not found|No such file or directory.*(g\+\+|cc1plus)/i.test(logText)) {
			return 'the C++ build tools are missing. Install python3, make and a C++ compiler (Debian/Ubuntu: `apt-get install -y python3 make g++`; macOS: `xcode-select --install`), then run again.';
		}
		return 'compiling needs python3, make and a C++ compiler; the compiler\'s own error is in the log below. Fix that, then run again.';
	}
	return 'the last lines of the log below say why. If it looks like a half-finished download, run again.';
}

// Runs a command with stdout/stderr appended to the attempt's log; prints a
// heartbeat so a long step doesn't look hung in CI. Rejects with { exit }.
function run(cmd, args, { cwd, env, attempt, label }) {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(attempt.file, 'a');
		fs.writeSync(out, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out] });
		const started = Date.now();
		const beat = setInterval(() => log(`  ... ${label}: still running (${secs(Date.now() - started)})`), 60_000);
		beat.unref();
		child.on('error', (err) => {
			clearInterval(beat);
			fs.closeSync(out);
			reject(Object.assign(new Error(`${label} could not start: ${err.message}`), { exit: err.code }));
		});
		child.on('close', (code, signal) => {
			clearInterval(beat);
			fs.closeSync(out);
			if (code === 0) return resolve();
			reject(Object.assign(new Error(`${label} failed`), { exit: code ?? signal }));
		});
	});
}

// The binding Node will load for a native module: node-gyp's output (build/),
// or, for a module that picks a prebuilt binary with node-gyp-build, the one
// it picks, asked of the target Node so that platform, ABI and libc match.
// Undefined if neither exists: npm can report a rebuild as successful having
// run no build script at all.
function nativeBinding(moduleDir, nodeBin, env) {
	const compiled = firstNodeFile(path.join(moduleDir, 'build'));
	if (compiled) return { file: compiled, how: 'compiled' };
	const dir = JSON.stringify(moduleDir);
	const pick = spawnSync(nodeBin, ['-e', `process.stdout.write(require(require.resolve('node-gyp-build', { paths: [${dir}] })).path(${dir}))`], {
		env,
		encoding: 'utf8',
	});
	if (pick.status === 0 && pick.stdout.endsWith('.node')) return { file: pick.stdout, how: 'prebuilt binary' };
	return undefined;
}

// The first addon (*.node) under a folder, not counting dependencies'.
function firstNodeFile(root) {
	const pending = [root];
	while (pending.length > 0) {
		const current = pending.pop();
		let entries = [];
		try {
			entries = fs.readdirSync(current, { withFileTypes: true });
		} catch {
			continue;
		}
		for (const entry of entries) {
			const full = path.join(current, entry.name);
			if (entry.isDirectory() && entry.name !== 'node_modules') pending.push(full);
			else if (entry.isFile() && entry.name.endsWith('.node')) return full;
		}
	}
	return undefined;
}

function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function processAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return err.code === 'EPERM';
	}
}

// A lock folder so two processes (two test files, dev + e2e) don't install into
// the same place at once. A lock left by a dead process is taken over.
async function withLock(lockDir, fn, { logFile } = {}) {
	const deadline = Date.now() + 60 * 60_000;
	let told = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (err) {
			if (err.code !== 'EEXIST') throw err;
			let pid = 0;
			try {
				pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
			} catch {
				/* being written */
			}
			if (pid && !processAlive(pid)) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) {
				throw Object.assign(
					new Error(`waited an hour for the install of pid ${pid || '?'} (lock ${lockDir}): stop that process, or delete the lock folder if no install is running`),
					{ plain: true },
				);
			}
			if (!told) {
				log(`waiting for another install (pid ${pid || '?'}) holding ${lockDir}${logFile ? `; its log: ${logFile}` : ''}`);
				told = true;
			}
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

function semverMajor(v) {
	return Number(String(v).replace(/^v/, '').split('.')[0]);
}

// Smallest Node major that n8n's "engines" allows, from a range like ">=24.0.0"
// or ">=20.19 <= 24.x". Used only to decide whether the machine's Node will do.
function minNodeMajor(range) {
	const m = /(\d+)/.exec(range || '');
	return m ? Number(m[1]) : 0;
}

// n8n needs Node >= 24 from 2.41 on (2.10-2.30: >= 22). We always use Node 24,
// unless the machine's own Node is already >= 24.
const WANT_NODE_MAJOR = 24;

async function ensureNode({ root, nodeVersion, attempt, step, steps, force, fail }) {
	if (semverMajor(process.version) >= WANT_NODE_MAJOR && !process.env.KAPTURE_N8N_FORCE_NODE_INSTALL) {
		log(`step ${step}/${steps}: using this machine's Node ${process.version}`);
		return { nodeDir: null, nodeBin: process.execPath, nodeVersion: process.version.slice(1) };
	}
	const pkg = nodePackageName();
	const dir = path.join(root, `node-${nodeVersion}-${process.platform}-${process.arch}`);
	const nodeDir = path.join(dir, 'node_modules', pkg);
	const nodeBin = path.join(nodeDir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
	const marker = path.join(dir, MARKER);
	if (!force && fs.existsSync(marker) && fs.existsSync(nodeBin)) {
		log(`step ${step}/${steps}: reusing Node ${nodeVersion} in ${dir}`);
		return { nodeDir, nodeBin, nodeVersion };
	}
	const t0 = Date.now();
	const stepName = `step ${step}/${steps} (Node ${nodeVersion})`;
	log(`step ${step}/${steps}: installing Node ${nodeVersion} from the npm registry (${pkg}@${nodeVersion}, ~30 s)`);
	await withLock(`${dir}.lock`, async () => {
		if (!force && fs.existsSync(marker) && fs.existsSync(nodeBin)) return;
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify({ name: 'kapture-n8n-node-runtime', private: true, description: 'Node.js for the n8n that n8n-nodes-kapture tests run on (not a project package)' }, null, 2) + '\n',
		);
		const npm = npmCommand();
		try {
			await run(npm.cmd, [...npm.pre, 'install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', `${pkg}@${nodeVersion}`], {
				cwd: dir,
				env: buildEnv(null),
				attempt,
				label: `npm install ${pkg}@${nodeVersion}`,
			});
		} catch (err) {
			fail(stepName, `npm could not install ${pkg}@${nodeVersion} (exit ${err.exit})`, 'download');
		}
		if (!fs.existsSync(nodeBin)) fail(stepName, `${nodeBin} is missing after npm installed ${pkg}@${nodeVersion}`, 'download');
		fs.chmodSync(nodeBin, 0o755);
		const v = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' });
		if (v.status !== 0) {
			fs.appendFileSync(attempt.file, `\n${nodeBin} --version:\n${v.stderr}${v.error || ''}\n`);
			fail(stepName, `the downloaded Node does not run on this machine (${nodeBin} --version exited ${v.status ?? v.error?.code})`, 'check');
		}
		fs.writeFileSync(marker, JSON.stringify({ nodeVersion: v.stdout.trim(), installedAt: new Date().toISOString() }) + '\n');
	});
	log(`  done in ${secs(Date.now() - t0)}`);
	return { nodeDir, nodeBin, nodeVersion };
}

function runtimeResult({ dir, version, nodeBin, nodeDir }) {
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const env = { ...process.env };
	if (nodeDir) env.PATH = `${path.join(nodeDir, 'bin')}${path.delimiter}${env.PATH || ''}`;
	return { nodeBin, n8nBin, version, dir, env };
}

// Bytes free for the cache folder, or undefined where statfs is unavailable.
function freeBytes(dir) {
	try {
		const st = fs.statfsSync(dir);
		return st.bavail * st.bsize;
	} catch {
		return undefined;
	}
}

// The first line that explains a failed `node -e require(...)` (the bindings
// module lists every path it tried: those go to the log, not the console).
function firstErrorLine(text) {
	const lines = String(text || '').split('\n').map((l) => l.trim()).filter(Boolean);
	return lines.find((l) => /^(Error|TypeError|RangeError|SyntaxError)\b|Error:/.test(l)) || lines[0] || 'no output';
}

/**
 * Installs (once) and returns a runnable n8n.
 * @param {{version?: string, nodeVersion?: string, force?: boolean, quiet?: boolean}} [options]
 * @returns {Promise<{nodeBin: string, n8nBin: string, version: string, dir: string, env: NodeJS.ProcessEnv}>}
 *   Run n8n as `spawn(nodeBin, [n8nBin, ...args], { env })`.
 * @throws {RuntimeInstallError} naming the failed step, what to do and the log file.
 */
export async function ensureRuntime({ version = DEFAULT_N8N_VERSION, nodeVersion = DEFAULT_NODE_VERSION, force = false } = {}) {
	const root = cacheRoot();
	const dir = path.join(root, `n8n-${version}`);
	const marker = path.join(dir, MARKER);
	const steps = 4;
	const installed = () => {
		if (!fs.existsSync(marker)) return null;
		const info = readJson(marker);
		const nodeBin = info.nodeBin && fs.existsSync(info.nodeBin) ? info.nodeBin : null;
		return nodeBin && fs.existsSync(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n')) ? info : null;
	};

	if (!force) {
		const info = installed();
		if (info) {
			log(`reusing n8n@${version} (Node ${info.nodeVersion}) in ${dir}`);
			return runtimeResult({ dir, version, nodeBin: info.nodeBin, nodeDir: info.nodeDir });
		}
	}

	const tAll = Date.now();
	fs.mkdirSync(root, { recursive: true });
	const logFile = path.join(root, `install-n8n-${version}.log`);

	await withLock(
		`${dir}.lock`,
		async () => {
			if (!force && installed()) {
				log(`n8n@${version} was installed meanwhile by another process; reusing it`);
				return;
			}
			const attempt = openAttemptLog(logFile, `install of n8n@${version} with Node ${nodeVersion} into ${dir}`);
			const fail = (step, what, kind) => {
				const tail = attempt.tail();
				throw new RuntimeInstallError({ version, step, what, hint: hintFor(kind, tail, root), logFile, tail });
			};
			log(`installing n8n@${version} into ${dir} (npm output: ${logFile})`);
			const free = freeBytes(root);
			if (free !== undefined && free < 5e9) {
				log(`  warning: only ${(free / 1e9).toFixed(1)} GB free for ${root}; the install needs about 4 GB`);
			}

			const { nodeDir, nodeBin, nodeVersion: usedNode } = await ensureNode({ root, nodeVersion, attempt, step: 1, steps, force, fail });
			const env = buildEnv(nodeDir);
			const npm = npmCommand();

			// Step 2: npm install. A folder without the marker is a broken or
			// interrupted install: start it over from nothing.
			let t0 = Date.now();
			log(`step 2/${steps}: installing n8n@${version} (takes ~5 min the first time)`);
			fs.rmSync(dir, { recursive: true, force: true });
			fs.mkdirSync(dir, { recursive: true });
			fs.writeFileSync(
				path.join(dir, 'package.json'),
				JSON.stringify(
					{
						name: 'kapture-n8n-runtime',
						private: true,
						description: 'A real n8n for the end-to-end tests of n8n-nodes-kapture (a cache folder, not a project package)',
						dependencies: { n8n: version },
						// n8n depends on xlsx from a CDN tarball this machine cannot reach.
						overrides: { xlsx: '0.18.5' },
					},
					null,
					2,
				) + '\n',
			);
			try {
				await run(npm.cmd, [...npm.pre, 'install', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev', '--prefer-offline'], {
					cwd: dir,
					env,
					attempt,
					label: `npm install n8n@${version}`,
				});
			} catch (err) {
				fail(`step 2/${steps} (npm install)`, `npm could not install n8n@${version} (exit ${err.exit})`, 'download');
			}
			log(`  done in ${secs(Date.now() - t0)}`);

			// Step 3: native modules that n8n loads at start, built against Node 24's headers.
			t0 = Date.now();
			const present = REBUILDS.filter((r) => fs.existsSync(path.join(dir, 'node_modules', r.name, 'package.json')));
			log(`step 3/${steps}: building native modules (${present.map((r) => r.name).join(', ') || 'none'}, ~2 min)`);
			for (const r of present) {
				let exit = 0;
				const moduleEnv = { ...env };
				if (!r.fromSource) delete moduleEnv.npm_config_build_from_source;
				try {
					await run(npm.cmd, [...npm.pre, 'rebuild', '--foreground-scripts', r.name], {
						cwd: dir,
						env: moduleEnv,
						attempt,
						label: `npm rebuild ${r.name}`,
					});
				} catch (err) {
					exit = err.exit;
				}
				const moduleDir = path.join(dir, 'node_modules', r.name);
				const binding = nativeBinding(moduleDir, nodeBin, env);
				if (binding) {
					const line = `${r.name}: ${binding.how} ${path.relative(moduleDir, binding.file)}`;
					fs.appendFileSync(attempt.file, `${line}\n`);
					log(`  ${line}`);
					continue;
				}
				const what = exit
					? `the native module ${r.name} did not compile (npm rebuild exited ${exit})`
					: `the native module ${r.name} was not built: npm rebuild ran no build script, and node_modules/${r.name} has no compiled .node file${r.fromSource ? '' : ' nor a prebuilt one for this platform'}`;
				if (r.optional) log(`  warning: ${what}; continuing (optional)`);
				else fail(`step 3/${steps} (native modules)`, what, 'build');
			}
			log(`  done in ${secs(Date.now() - t0)}`);

			// Step 4: check that this n8n starts under this Node and can open sqlite.
			t0 = Date.now();
			const checkStep = `step 4/${steps} (check)`;
			log(`step 4/${steps}: checking the installed n8n`);
			const n8nPkg = readJson(path.join(dir, 'node_modules', 'n8n', 'package.json'));
			const need = minNodeMajor(n8nPkg.engines && n8nPkg.engines.node);
			if (need && semverMajor(usedNode) < need) {
				fail(checkStep, `n8n@${version} needs Node ${n8nPkg.engines.node}, and the installer used Node ${usedNode}`, 'check');
			}
			const check = spawnSync(
				nodeBin,
				['-e', `${present.map((r) => `require(${JSON.stringify(r.name)});`).join(' ')} console.log(require('n8n/package.json').version)`],
				{ cwd: dir, env, encoding: 'utf8' },
			);
			if (check.status !== 0 || check.stdout.trim() !== version) {
				fs.appendFileSync(attempt.file, `\nloading ${present.map((r) => r.name).join(', ')} under Node ${usedNode}:\n${check.stderr}${check.stdout}\n`);
				fail(checkStep, `Node ${usedNode} cannot load the installed modules: ${firstErrorLine(check.stderr || check.stdout)}`, 'check');
			}
			const result = runtimeResult({ dir, version, nodeBin, nodeDir });
			const ver = spawnSync(nodeBin, [result.n8nBin, '--version'], {
				cwd: dir,
				env: { ...result.env, N8N_USER_FOLDER: path.join(dir, '.check'), N8N_DIAGNOSTICS_ENABLED: 'false', N8N_LOG_LEVEL: 'error' },
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'pipe'],
				timeout: 120_000,
			});
			fs.rmSync(path.join(dir, '.check'), { recursive: true, force: true });
			if (ver.status !== 0 || !ver.stdout.includes(version)) {
				fs.appendFileSync(attempt.file, `\nn8n --version:\n${ver.stderr}${ver.stdout}\n`);
				fail(checkStep, `\`n8n --version\` failed (exit ${ver.status ?? ver.signal}): ${firstErrorLine(ver.stderr || ver.stdout)}`, 'check');
			}
			fs.writeFileSync(
				marker,
				JSON.stringify({ version, nodeVersion: usedNode, nodeBin, nodeDir, installedAt: new Date().toISOString() }, null, 2) + '\n',
			);
			fs.appendFileSync(attempt.file, `=== n8n@${version} ready in ${secs(Date.now() - tAll)}\n`);
			log(`  done in ${secs(Date.now() - t0)}`);
			log(`n8n@${version} ready in ${secs(Date.now() - tAll)}`);
		},
		{ logFile },
	);

	const info = readJson(marker);
	return runtimeResult({ dir, version, nodeBin: info.nodeBin, nodeDir: info.nodeDir });
}

function parseArgs(argv) {
	const opts = { cmd: argv[0] || 'install' };
	for (let i = 1; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--version') opts.version = argv[++i];
		else if (a.startsWith('--version=')) opts.version = a.slice(10);
		else if (a === '--node') opts.nodeVersion = argv[++i];
		else if (a === '--force') opts.force = true;
		else throw Object.assign(new Error(`unknown argument ${a}`), { usage: true });
	}
	return opts;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
	const usage = 'usage: node scripts/n8n/runtime.mjs install|path [--version X.Y.Z] [--node 24.x.y] [--force]';
	try {
		const { cmd, ...opts } = parseArgs(process.argv.slice(2));
		if (cmd !== 'install' && cmd !== 'path') {
			console.error(usage);
			process.exit(2);
		}
		const rt = await ensureRuntime(opts);
		if (cmd === 'path') {
			const { env, ...rest } = rt;
			console.log(JSON.stringify(rest, null, 2));
		}
	} catch (err) {
		// A RuntimeInstallError already says what failed, what to do and where the
		// log is; a stack would only bury that. Anything else is a bug here.
		if (err && err.usage) {
			console.error(`${TAG} ${err.message}\n${usage}`);
			process.exit(2);
		}
		const plain = (err instanceof RuntimeInstallError || err?.plain) && !process.env.KAPTURE_N8N_DEBUG;
		console.error(`${TAG} FAILED: ${plain ? err.message : err && err.stack ? err.stack : err}`);
		process.exit(1);
	}
}
