// Drives one n8n "user folder" with the runtime from runtime.mjs: install a
// community package, import credentials and workflows, execute a workflow from
// the CLI, publish (activate) it, start `n8n start` and talk to its REST API.
//
//   import { ensureRuntime } from './runtime.mjs';
//   import { createInstance } from './instance.mjs';
//   const n8n = await createInstance({ runtime: await ensureRuntime() });
//   await n8n.installPackage(repoRoot);            // after `npm run build`
//   const id = await n8n.importWorkflow(workflowJson);
//   const run = await n8n.execute(id);             // parsed run data
//   const server = await n8n.start();              // waits for /healthz
//   await n8n.ownerSetup(); await n8n.login();
//   await n8n.rest('GET', '/rest/workflows');
//   await server.stop();
//
// Plain ESM, no dependencies (Node 20's fetch).

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const TAG = '[n8n-instance]';

export const DEFAULT_OWNER = Object.freeze({
	email: 'owner@kapture.test',
	password: 'Kapture-e2e-1',
	firstName: 'E2E',
	lastName: 'Owner',
});

// Fixed so credentials imported in one run can be read in the next (tests only).
export const TEST_ENCRYPTION_KEY = 'kapture-e2e-not-a-secret-0123456789';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** A 16-character id like the ones n8n gives workflows and credentials. */
export function newId() {
	const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
	const bytes = crypto.randomBytes(16);
	let id = '';
	for (const b of bytes) id += alphabet[b % alphabet.length];
	return id;
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

function collect(child) {
	return new Promise((resolve, reject) => {
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
	});
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

function npmCli() {
	const cli = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
	return fs.existsSync(cli) ? [process.execPath, cli] : ['npm'];
}

async function runNpm(args, { cwd, env }) {
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

/**
 * @param {object} options
 * @param {{nodeBin: string, n8nBin: string, version: string, env: object}} options.runtime  from ensureRuntime()
 * @param {string} [options.userFolder]  N8N_USER_FOLDER (n8n keeps its data in <userFolder>/.n8n); a new temp folder if omitted
 * @param {number} [options.port]  N8N_PORT; a free port if omitted
 * @param {object} [options.env]  extra environment for every n8n command
 * @param {boolean} [options.verbose]  echo the server's output (also KAPTURE_N8N_VERBOSE=1)
 */
export async function createInstance({ runtime, userFolder, port, env: extraEnv = {}, verbose } = {}) {
	if (!runtime || !runtime.nodeBin || !runtime.n8nBin) throw new Error(`${TAG} createInstance needs { runtime } from ensureRuntime()`);
	const ownFolder = !userFolder;
	userFolder = path.resolve(userFolder || fs.mkdtempSync(path.join(os.tmpdir(), 'kapture-n8n-')));
	fs.mkdirSync(userFolder, { recursive: true });
	port = port || (await freePort());
	const brokerPort = await freePort();
	verbose = verbose ?? process.env.KAPTURE_N8N_VERBOSE === '1';
	const n8nDir = path.join(userFolder, '.n8n');
	const baseUrl = `http://127.0.0.1:${port}`;
	const browserId = `kapture-e2e-${newId()}`;

	const env = {
		...runtime.env,
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: baseUrl,
		WEBHOOK_URL: `${baseUrl}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// Nothing leaves the machine.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		// Task runner for the Code node: internal child process, its own port so
		// several instances can run at once.
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		DB_TYPE: 'sqlite',
		DB_SQLITE_POOL_SIZE: '2',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		N8N_LOG_LEVEL: process.env.KAPTURE_N8N_LOG_LEVEL || 'info',
		N8N_LOG_OUTPUT: 'console',
		NODE_ENV: 'production',
		...extraEnv,
	};
	// 1.x runs Code nodes in-process unless told otherwise (and warns about it).
	if (Number(String(runtime.version).split('.')[0]) < 2) env.N8N_RUNNERS_ENABLED = 'true';
	// Modules that call n8n's servers at start (the MCP server registry on 2.x).
	// Only names this n8n knows: an unknown one makes it refuse to start.
	const offModules = ['mcp-registry'].filter((m) => knownModules(runtime).includes(m));
	if (offModules.length && !('N8N_DISABLED_MODULES' in extraEnv)) env.N8N_DISABLED_MODULES = offModules.join(',');
	// Variables of the outer run that would change n8n's behaviour.
	delete env.NODE_OPTIONS;
	delete env.N8N_CUSTOM_EXTENSIONS;

	let cookie = null;
	let owner = null;
	let server = null;

	/** Runs `n8n <args>` to completion; rejects on a non-zero exit. */
	async function cli(args, { allowFail = false, timeoutMs = 180_000, logLevel } = {}) {
		// Each command gets its own task-broker port, so it can run while the
		// server (or another command) holds the instance's.
		const cmdEnv = { ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
		if (logLevel) cmdEnv.N8N_LOG_LEVEL = logLevel;
		const child = spawn(runtime.nodeBin, [runtime.n8nBin, ...args], {
			cwd: userFolder,
			env: cmdEnv,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		const r = await collect(child);
		clearTimeout(timer);
		if (r.code !== 0 && !allowFail) {
			throw new Error(`${TAG} n8n ${args.join(' ')} failed (exit ${r.code ?? r.signal}):\n${r.stderr}\n${r.stdout}`.slice(0, 8000));
		}
		return r;
	}

	function tmpFile(name, data) {
		const dir = path.join(userFolder, 'e2e-tmp');
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, `${Date.now()}-${newId()}-${name}`);
		fs.writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data, null, 2));
		return file;
	}

	const instance = {
		runtime,
		userFolder,
		n8nDir,
		port,
		baseUrl,
		env,
		cli,

		/**
		 * Packs `packageDir` (npm pack, scripts off: build it first) and installs the
		 * tarball as a community package in <userFolder>/.n8n/nodes, the folder n8n's
		 * Settings > Community nodes installs into. Works offline (no dependencies).
		 * @returns {Promise<{name: string, version: string, dir: string, tarball: string}>}
		 */
		async installPackage(packageDir) {
			packageDir = path.resolve(packageDir);
			const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
			const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kapture-pack-'));
			const out = await runNpm(['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: packageDir });
			const [{ filename }] = parseJsonFromOutput(out);
			const tarball = path.join(packDir, path.basename(filename));
			const nodesDir = path.join(n8nDir, 'nodes');
			fs.mkdirSync(nodesDir, { recursive: true });
			const manifest = path.join(nodesDir, 'package.json');
			if (!fs.existsSync(manifest)) {
				fs.writeFileSync(manifest, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2) + '\n');
			}
			// Keep a copy of the tarball next to the manifest so the entry stays valid.
			const kept = path.join(nodesDir, path.basename(tarball));
			fs.copyFileSync(tarball, kept);
			fs.rmSync(packDir, { recursive: true, force: true });
			// A reinstall of the same version must replace the files.
			fs.rmSync(path.join(nodesDir, 'node_modules', pkg.name), { recursive: true, force: true });
			await runNpm(
				['install', '--ignore-scripts', '--omit=peer', '--omit=dev', '--no-package-lock', '--prefer-offline', '--install-links', kept],
				{ cwd: nodesDir },
			);
			// n8n's own installs record `name: version`; do the same.
			const m = JSON.parse(fs.readFileSync(manifest, 'utf8'));
			m.dependencies = { ...m.dependencies, [pkg.name]: pkg.version };
			fs.writeFileSync(manifest, JSON.stringify(m, null, 2) + '\n');
			const dir = path.join(nodesDir, 'node_modules', pkg.name);
			if (!fs.existsSync(path.join(dir, 'package.json'))) throw new Error(`${TAG} ${dir} missing after install`);
			return { name: pkg.name, version: pkg.version, dir, tarball: kept };
		},

		/**
		 * `n8n import:credentials`. Each entry: {id?, name, type, data: {...plain...}}.
		 * @returns {Promise<string[]>} the ids
		 */
		async importCredentials(credentials) {
			const list = (Array.isArray(credentials) ? credentials : [credentials]).map((c) => ({
				id: c.id || newId(),
				isManaged: false,
				...c,
			}));
			await cli(['import:credentials', `--input=${tmpFile('credentials.json', list)}`]);
			return list.map((c) => c.id);
		},

		/**
		 * `n8n import:workflow` of several workflows at once (one n8n start for
		 * all). Adds what import needs when missing: id, versionId, name,
		 * settings, connections.
		 * @returns {Promise<string[]>} the workflow ids, in the order given
		 */
		async importWorkflows(workflows) {
			const list = workflows.map((workflow) => {
				const wf = { active: false, connections: {}, pinData: {}, ...workflow };
				wf.settings = { executionOrder: 'v1', ...(workflow.settings || {}) };
				wf.id = wf.id || newId();
				wf.versionId = wf.versionId || crypto.randomUUID();
				wf.name = wf.name || `e2e ${wf.id}`;
				return wf;
			});
			await cli(['import:workflow', `--input=${tmpFile('workflows.json', list)}`]);
			return list.map((wf) => wf.id);
		},

		/** `n8n import:workflow` of one workflow. @returns {Promise<string>} its id */
		async importWorkflow(workflow) {
			const [id] = await this.importWorkflows([workflow]);
			return id;
		},

		/**
		 * `n8n execute --id=… --rawOutput`: runs a workflow that starts at a Manual
		 * Trigger in a new n8n process (no server needed; works while one runs).
		 * Returns the parsed run data ({ data: { resultData: { runData } } }).
		 * Throws if the run failed, with n8n's message (`allowError` returns it instead).
		 */
		async execute(workflowId, { allowError = false } = {}) {
			// The run data is printed through n8n's logger at level info.
			const r = await cli(['execute', `--id=${workflowId}`, '--rawOutput'], { allowFail: true, logLevel: 'info' });
			let run = null;
			try {
				run = parseJsonFromOutput(r.stdout + '\n' + r.stderr, (v) => v && v.data && v.data.resultData);
			} catch {
				/* no JSON: the error below says why */
			}
			const error = run && run.data && run.data.resultData && run.data.resultData.error;
			// n8n 1.123 sometimes dies with SIGSEGV while shutting down, after it
			// printed complete run data: that run did finish.
			const crashedAfterFinishing = r.code === null && r.signal && run && !error && run.finished !== false;
			if ((r.code !== 0 || !run || error) && !crashedAfterFinishing && !allowError) {
				const why = error ? `${error.message}${error.description ? ` (${error.description})` : ''}` : `exit ${r.code ?? r.signal}`;
				const e = new Error(`${TAG} execute ${workflowId} failed: ${why}\n${r.stderr}\n${r.stdout}`.slice(0, 8000));
				e.run = run;
				throw e;
			}
			return run;
		},

		/**
		 * Output items of one node from execute()'s result: [{json, …}] of output `index`.
		 */
		outputOf(run, nodeName, { runIndex = 0, output = 0 } = {}) {
			const runs = run && run.data && run.data.resultData && run.data.resultData.runData && run.data.resultData.runData[nodeName];
			if (!runs || !runs[runIndex]) return undefined;
			const main = runs[runIndex].data && runs[runIndex].data.main;
			return main ? main[output] || [] : [];
		},

		/**
		 * Makes an imported workflow active, with n8n stopped: `publish:workflow`
		 * on 2.x, `update:workflow --active=true` on 1.x. A running server does not
		 * notice; use activate() for that.
		 */
		async publish(workflowId) {
			const major = Number(String(runtime.version).split('.')[0]);
			if (major >= 2) await cli(['publish:workflow', `--id=${workflowId}`]);
			else await cli(['update:workflow', `--id=${workflowId}`, '--active=true']);
		},

		/**
		 * Activates a workflow in the running server through the REST API (the
		 * editor's "Publish" button on 2.x, the "Active" toggle on 1.x).
		 *
		 * On 2.x the REST call only queues the publication (an outbox); the triggers
		 * start a moment later, and a trigger that fails then (e.g. a poll interval
		 * under a minute) does NOT fail the REST call. So this waits for
		 * GET /rest/workflows/:id/publication-status to settle and throws unless
		 * it is "published" (the error has the per-trigger messages).
		 */
		async activate(workflowId, { timeoutMs = 60_000 } = {}) {
			const { data: wf } = await instance.rest('GET', `/rest/workflows/${workflowId}`);
			const major = Number(String(runtime.version).split('.')[0]);
			if (major < 2) {
				const result = (await instance.rest('PATCH', `/rest/workflows/${workflowId}`, { ...wf, active: true })).data;
				const error = await instance.activationError(workflowId);
				if (error || !result.active) throw Object.assign(new Error(`${TAG} workflow ${workflowId} did not activate: ${error}`), { activationError: error });
				return result;
			}
			const result = (await instance.rest('POST', `/rest/workflows/${workflowId}/activate`, { versionId: wf.versionId })).data;
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const st = await instance.publicationStatus(workflowId);
				if (!st) return result; // no publication service (N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false): synchronous
				if (st.status === 'published' && st.liveVersionId === wf.versionId) return result;
				if (st.status === 'failed' || st.status === 'partial') {
					const msg = st.triggers.filter((t) => t.status === 'failed').map((t) => `${t.nodeId}: ${t.errorMessage}`).join('; ');
					const e = new Error(`${TAG} workflow ${workflowId} did not activate (${st.status}): ${msg}`);
					e.activationError = msg;
					e.publicationStatus = st;
					throw e;
				}
				if (Date.now() > deadline) throw new Error(`${TAG} workflow ${workflowId} still ${st.status} after ${timeoutMs} ms`);
				await sleep(250);
			}
		},

		/**
		 * 2.x: {status: 'in_progress'|'published'|'partial'|'failed'|'not_published',
		 * liveVersionId, pendingVersionId, triggers: [{nodeId, status, errorMessage}]},
		 * or null where the server has no publication service (1.x).
		 */
		async publicationStatus(workflowId) {
			try {
				const r = await instance.rest('GET', `/rest/workflows/${workflowId}/publication-status`);
				return r.data;
			} catch (e) {
				if (e.status === 404) return null;
				throw e;
			}
		},

		/** Ids of the workflows whose triggers are running in the server. */
		async activeWorkflows() {
			const r = await instance.rest('GET', '/rest/active-workflows');
			return (r && r.data) || [];
		},

		/** The message of the last activation error of a workflow, or null. */
		async activationError(workflowId) {
			const r = await instance.rest('GET', `/rest/active-workflows/error/${workflowId}`);
			const d = r && r.data;
			if (!d) return null;
			return typeof d === 'string' ? d : d.message || JSON.stringify(d);
		},

		/** Deactivates (2.x: unpublishes) a workflow in the running server. */
		async deactivate(workflowId) {
			const major = Number(String(runtime.version).split('.')[0]);
			if (major >= 2) return (await instance.rest('POST', `/rest/workflows/${workflowId}/deactivate`, {})).data;
			const { data: wf } = await instance.rest('GET', `/rest/workflows/${workflowId}`);
			return (await instance.rest('PATCH', `/rest/workflows/${workflowId}`, { ...wf, active: false })).data;
		},

		/**
		 * Starts `n8n start` and waits until /healthz/readiness and /rest/settings answer 200.
		 * @returns {Promise<{pid: number, baseUrl: string, output: () => string, stop: () => Promise<void>}>}
		 */
		async start({ timeoutMs = 180_000 } = {}) {
			if (server) throw new Error(`${TAG} already started`);
			const child = spawn(runtime.nodeBin, [runtime.n8nBin, 'start'], {
				cwd: userFolder,
				env,
				stdio: ['ignore', 'pipe', 'pipe'],
				detached: true, // own process group: stop() ends the task runner too
			});
			let output = '';
			const onData = (d) => {
				output += d;
				if (output.length > 2_000_000) output = output.slice(-1_000_000);
				if (verbose) process.stderr.write(d);
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

			const stop = async () => {
				if (!exited) {
					try {
						process.kill(-child.pid, 'SIGTERM');
					} catch {
						/* gone */
					}
					const t = setTimeout(() => {
						try {
							process.kill(-child.pid, 'SIGKILL');
						} catch {
							/* gone */
						}
					}, 20_000);
					await exitPromise;
					clearTimeout(t);
				}
				// Whatever is left of the group (task runner).
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					/* none */
				}
				server = null;
				cookie = null;
			};
			const onParentExit = () => {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					/* gone */
				}
			};
			process.once('exit', onParentExit);
			liveServers.add(onParentExit);
			exitPromise.then(() => {
				process.removeListener('exit', onParentExit);
				liveServers.delete(onParentExit);
			});
			watchSignals();

			const deadline = Date.now() + timeoutMs;
			for (;;) {
				if (exited) throw new Error(`${TAG} n8n start exited (${exited.code ?? exited.signal}) before it was ready:\n${output.slice(-6000)}`);
				try {
					// /healthz answers as soon as the port is open; on 1.x the REST
					// routes come a few seconds later, so wait for /rest/settings too.
					const res = await fetch(`${baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
					if (res.ok) {
						const settings = await fetch(`${baseUrl}/rest/settings`, { signal: AbortSignal.timeout(5000) });
						if (settings.ok && (settings.headers.get('content-type') || '').includes('json')) break;
					}
				} catch {
					/* not listening yet */
				}
				if (Date.now() > deadline) {
					await stop();
					throw new Error(`${TAG} n8n start not ready after ${timeoutMs} ms:\n${output.slice(-6000)}`);
				}
				await sleep(500);
			}
			server = { pid: child.pid, baseUrl, output: () => output, stop, exited: exitPromise };
			return server;
		},

		/** Stops the server started by start(), if any. */
		async stop() {
			if (server) await server.stop();
		},

		/**
		 * Creates the owner account (first start only). Logs in as it (sets the cookie).
		 */
		async ownerSetup({ email, password, firstName, lastName } = {}) {
			owner = {
				email: email || DEFAULT_OWNER.email,
				password: password || DEFAULT_OWNER.password,
				firstName: firstName || DEFAULT_OWNER.firstName,
				lastName: lastName || DEFAULT_OWNER.lastName,
			};
			const res = await instance.rawRest('POST', '/rest/owner/setup', owner);
			if (!res.ok) {
				const text = await res.text();
				// Already set up (a reused user folder): log in instead.
				if (res.status === 400 && /already/i.test(text)) return instance.login(owner);
				throw new Error(`${TAG} owner setup failed: ${res.status} ${text}`);
			}
			cookie = pickCookie(res) || cookie;
			return (await res.json()).data;
		},

		/** Logs in (default: the owner from ownerSetup); returns the cookie header value. */
		async login({ email, password } = {}) {
			email = email || (owner && owner.email) || DEFAULT_OWNER.email;
			password = password || (owner && owner.password) || DEFAULT_OWNER.password;
			const res = await instance.rawRest('POST', '/rest/login', { emailOrLdapLoginId: email, email, password });
			if (!res.ok) throw new Error(`${TAG} login failed: ${res.status} ${await res.text()}`);
			cookie = pickCookie(res);
			if (!cookie) throw new Error(`${TAG} login answered without a cookie`);
			return cookie;
		},

		/** The cookie from the last login/owner setup (header value), or null. */
		get cookie() {
			return cookie;
		},

		/** fetch() against the server with the session cookie and browser id; no checks. */
		async rawRest(method, urlPath, body, headers = {}) {
			return fetch(`${baseUrl}${urlPath}`, {
				method,
				headers: {
					'content-type': 'application/json',
					'browser-id': browserId,
					...(cookie ? { cookie } : {}),
					...headers,
				},
				body: body === undefined ? undefined : JSON.stringify(body),
				signal: AbortSignal.timeout(60_000),
			});
		},

		/** REST call; logs in first if needed; returns the parsed JSON; throws on non-2xx. */
		async rest(method, urlPath, body) {
			if (!cookie && !urlPath.startsWith('/rest/login') && !urlPath.startsWith('/rest/owner/setup') && owner) {
				await instance.login();
			}
			const res = await instance.rawRest(method, urlPath, body);
			const text = await res.text();
			let json;
			try {
				json = text ? JSON.parse(text) : null;
			} catch {
				json = text;
			}
			if (!res.ok) {
				const e = new Error(`${TAG} ${method} ${urlPath} → ${res.status}: ${typeof json === 'string' ? json : JSON.stringify(json)}`.slice(0, 4000));
				e.status = res.status;
				e.body = json;
				throw e;
			}
			return json;
		},

		/** Executions of a workflow from the REST API, newest first. */
		async executions(workflowId) {
			const filter = encodeURIComponent(JSON.stringify(workflowId ? { workflowId } : {}));
			const r = await instance.rest('GET', `/rest/executions?filter=${filter}&limit=100`);
			const d = r.data;
			return Array.isArray(d) ? d : d.results || [];
		},

		/** Removes the server and, if createInstance made it, the user folder. */
		async dispose() {
			await instance.stop();
			if (ownFolder) fs.rmSync(userFolder, { recursive: true, force: true });
		},
	};
	return instance;
}

// Servers to kill if this process is interrupted (Ctrl-C, CI timeout): the
// 'exit' event alone does not run on a signal.
const liveServers = new Set();
let signalsWatched = false;
function watchSignals() {
	if (signalsWatched) return;
	signalsWatched = true;
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.once(sig, () => {
			for (const kill of liveServers) kill();
			process.kill(process.pid, sig); // the default action, now that our handler is gone
		});
	}
}

// Names of the backend modules this n8n has (N8N_DISABLED_MODULES rejects others).
function knownModules(runtime) {
	const file = path.join(runtime.dir || '', 'node_modules', '@n8n', 'backend-common', 'dist', 'modules', 'modules.config.js');
	try {
		const text = fs.readFileSync(file, 'utf8');
		const m = /MODULE_NAMES\s*=\s*\[([^\]]*)\]/.exec(text);
		return m ? [...m[1].matchAll(/'([a-z0-9-]+)'/g)].map((x) => x[1]) : [];
	} catch {
		return [];
	}
}

function pickCookie(res) {
	const all = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [res.headers.get('set-cookie')].filter(Boolean);
	const parts = all.map((c) => c.split(';')[0]).filter((c) => c.startsWith('n8n-auth='));
	return parts.length ? parts[parts.length - 1] : null;
}
