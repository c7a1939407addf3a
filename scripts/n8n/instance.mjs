// Drives one n8n "user folder" with the runtime from runtime.mjs: install a
// community package, import credentials and workflows, execute a workflow from
// the CLI, publish (activate) it, start `n8n start` (and `n8n worker`s in queue
// mode) and talk to its REST API.
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
// The pieces: environment.mjs (the variables), process.mjs (running and
// stopping n8n processes), rest.mjs (the REST client). Plain ESM, no
// dependencies (Node 20's fetch).

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort, n8nEnvironment, n8nMajor, newId } from './environment.mjs';
import { parseJsonFromOutput, runN8n, runNpm, startN8nProcess, urlsAnswer } from './process.mjs';
import { createRestClient } from './rest.mjs';

export { freePort, newId, queueModeEnvironment, TEST_ENCRYPTION_KEY } from './environment.mjs';
export { parseJsonFromOutput } from './process.mjs';
export { DEFAULT_OWNER } from './rest.mjs';

const TAG = '[n8n-instance]';

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
	verbose = verbose ?? process.env.KAPTURE_N8N_VERBOSE === '1';
	const major = n8nMajor(runtime);
	const n8nDir = path.join(userFolder, '.n8n');
	const baseUrl = `http://127.0.0.1:${port}`;
	const env = n8nEnvironment({ runtime, userFolder, port, brokerPort: await freePort(), extraEnv });
	const client = createRestClient({ baseUrl, major });

	let server = null;
	const workers = new Set();

	/** Runs `n8n <args>` to completion; rejects on a non-zero exit. */
	async function cli(args, { allowFail = false, timeoutMs = 180_000, logLevel } = {}) {
		// Each command gets its own task-broker port, so it can run while the
		// server (or another command) holds the instance's.
		const cmdEnv = { ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
		if (logLevel) cmdEnv.N8N_LOG_LEVEL = logLevel;
		const r = await runN8n(runtime, args, { cwd: userFolder, env: cmdEnv, timeoutMs });
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
			return await installCommunityPackage(packageDir, n8nDir);
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
			const [id] = await instance.importWorkflows([workflow]);
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
			// n8n sometimes dies with SIGSEGV while shutting down, after it printed
			// complete run data: that run did finish.
			const crashedAfterFinishing = r.code === null && r.signal && run && !error && run.finished !== false;
			if ((r.code !== 0 || !run || error) && !crashedAfterFinishing && !allowError) {
				const why = error ? `${error.message}${error.description ? ` (${error.description})` : ''}` : `exit ${r.code ?? r.signal}`;
				const e = new Error(`${TAG} execute ${workflowId} failed: ${why}\n${r.stderr}\n${r.stdout}`.slice(0, 8000));
				e.run = run;
				throw e;
			}
			return run;
		},

		/** Output items of one node from execute()'s result: [{json, …}] of output `index`. */
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
			if (major >= 2) await cli(['publish:workflow', `--id=${workflowId}`]);
			else await cli(['update:workflow', `--id=${workflowId}`, '--active=true']);
		},

		/**
		 * Starts `n8n start` and waits until /healthz/readiness and /rest/settings answer 200
		 * (on 1.x the REST routes come a few seconds after /healthz).
		 * @returns {Promise<import('./process.mjs').N8nProcess & {baseUrl: string}>}
		 */
		async start({ timeoutMs = 180_000 } = {}) {
			if (server) throw new Error(`${TAG} already started`);
			const child = await startN8nProcess({
				runtime,
				args: ['start'],
				cwd: userFolder,
				env,
				label: 'n8n start',
				verbose,
				timeoutMs,
				ready: urlsAnswer(`${baseUrl}/healthz/readiness`, { url: `${baseUrl}/rest/settings`, json: true }),
			});
			const stop = async () => {
				await child.stop();
				if (server === handle) server = null;
				client.forgetSession();
			};
			const handle = { ...child, baseUrl, stop };
			server = handle;
			child.exited.then(() => {
				if (server === handle) server = null;
			});
			return handle;
		},

		/** Stops the server started by start(), if any. */
		async stop() {
			if (server) await server.stop();
		},

		/**
		 * Starts `n8n worker` (queue mode: the instance's env must have
		 * queueModeEnvironment()) on this user folder, with its own health-check
		 * and task-broker ports, and waits for its /healthz/readiness (database
		 * migrated, Redis connected).
		 * @param {{concurrency?: number, env?: object, label?: string, timeoutMs?: number}} [options]
		 * @returns {Promise<import('./process.mjs').N8nProcess & {healthUrl: string}>}
		 */
		async startWorker({ concurrency = 10, env: workerEnv = {}, label = 'n8n worker', timeoutMs = 180_000 } = {}) {
			const healthPort = await freePort();
			const healthUrl = `http://127.0.0.1:${healthPort}`;
			const child = await startN8nProcess({
				runtime,
				args: ['worker', `--concurrency=${concurrency}`],
				cwd: userFolder,
				env: {
					...env,
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					N8N_RUNNERS_BROKER_PORT: String(await freePort()),
					...workerEnv,
				},
				label,
				verbose,
				timeoutMs,
				ready: urlsAnswer(`${healthUrl}/healthz/readiness`),
			});
			workers.add(child);
			child.exited.then(() => workers.delete(child));
			return { ...child, healthUrl };
		},

		/** Stops every worker started by startWorker(). */
		async stopWorkers() {
			await Promise.all([...workers].map((w) => w.stop()));
		},

		// The REST API of the running server.
		ownerSetup: client.ownerSetup,
		login: client.login,
		rawRest: client.rawRest,
		rest: client.rest,
		activate: client.activate,
		publicationStatus: client.publicationStatus,
		activeWorkflows: client.activeWorkflows,
		activationError: client.activationError,
		deactivate: client.deactivate,
		executions: client.executions,
		/** The cookie from the last login/owner setup (header value), or null. */
		get cookie() {
			return client.cookie;
		},

		/** Stops the server and the workers and, if createInstance made it, removes the user folder. */
		async dispose() {
			await Promise.all([instance.stop(), instance.stopWorkers()]);
			if (ownFolder) fs.rmSync(userFolder, { recursive: true, force: true });
		},
	};
	return instance;
}

/**
 * Packs `packageDir` and installs the tarball into `<n8nDir>/nodes` the way
 * n8n's Settings > Community nodes does (see installPackage above).
 */
async function installCommunityPackage(packageDir, n8nDir) {
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
}
