// n8n in queue mode on one machine: a main (`n8n start`: editor, REST API,
// webhooks, triggers) and N `n8n worker`s, each with its own user folder and
// our package installed there as a community package, all sharing one
// Postgres, one Redis and one encryption key.
//
// Why a folder per worker: a worker loads community nodes from its OWN
// <user folder>/.n8n/nodes, not from the database or the main; a worker
// without the package fails every execution that uses our nodes
// ("Unrecognized node type"). Separate folders are what separate machines
// have; the test proves the point with a worker that lacks the package.

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

import { createInstance, queueModeEnvironment } from '../../../scripts/n8n/instance.mjs';

/**
 * @param {object} o
 * @param {object} o.runtime  from ensureRuntime()
 * @param {object} o.postgres  from startPostgres()
 * @param {object} o.redis  from startRedis()
 * @param {string} o.root  a folder for the user folders
 * @param {string} o.packageDir  the built package to install (repo root)
 * @param {number} [o.workers]
 * @param {object} [o.env]  extra environment for every process
 */
export async function prepareCluster({ runtime, postgres, redis, root, packageDir, workers = 2, env = {} }) {
	const shared = { ...queueModeEnvironment(postgres, redis), ...env };
	const main = await createInstance({ runtime, userFolder: path.join(root, 'main'), env: shared });
	const workerFolders = await Promise.all(
		Array.from({ length: workers }, async (_, i) => {
			const name = `worker-${i + 1}`;
			const instance = await createInstance({ runtime, userFolder: path.join(root, name), env: shared });
			return { name, instance, process: null };
		}),
	);
	// npm pack + install once per folder, one at a time (npm's cache is shared).
	const pkg = await main.installPackage(packageDir);
	for (const w of workerFolders) await w.instance.installPackage(packageDir);

	const cluster = {
		main,
		workers: workerFolders,
		pkg,
		shared,

		/** Starts (or restarts) one worker: `n8n worker --concurrency=…`; KAPTURE_WORKER_NAME tells them apart. */
		async startWorker(w, { concurrency, env: workerEnv = {} } = {}) {
			w.process = await w.instance.startWorker({ concurrency, label: w.name, env: { KAPTURE_WORKER_NAME: w.name, ...workerEnv } });
			w.startedAt = Date.now();
			return w.process;
		},

		async startWorkers(options) {
			await Promise.all(workerFolders.map((w) => cluster.startWorker(w, options)));
		},

		/**
		 * Execution ids each worker process started (its log line "Worker started
		 * execution <id>"), per worker name; all runs of a restarted worker count.
		 */
		executionsByWorker() {
			const out = {};
			for (const w of workerFolders) {
				const seen = new Set(w.previousOutput || []);
				for (const m of (w.process ? w.process.output() : '').matchAll(/Worker started execution (\d+)/g)) seen.add(m[1]);
				out[w.name] = [...seen];
			}
			return out;
		},

		/** The worker that started execution `id`, or undefined. */
		workerOf(id) {
			const by = cluster.executionsByWorker();
			return workerFolders.find((w) => by[w.name].includes(String(id)));
		},

		/** Keeps what a worker logged before it is restarted. */
		rememberOutput(w) {
			const ids = [...(w.process ? w.process.output() : '').matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]);
			w.previousOutput = [...(w.previousOutput || []), ...ids];
		},

		async stop() {
			await Promise.all([main.stop(), ...workerFolders.map((w) => (w.process ? w.process.stop() : undefined))]);
		},
	};
	return cluster;
}

/**
 * Execution records straight from Postgres, oldest first:
 * [{id, workflowId, status, mode, startedAt, stoppedAt}]; `where` is SQL over execution_entity.
 */
export async function executionRecords(postgres, where = 'true') {
	const rows = await postgres.query(
		`SELECT id, "workflowId", status, mode, coalesce(to_char("startedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS'), ''), coalesce(to_char("stoppedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS'), '') FROM execution_entity WHERE ${where} ORDER BY id`,
	);
	return rows.map(([id, workflowId, status, mode, startedAt, stoppedAt]) => ({ id, workflowId, status, mode, startedAt, stoppedAt }));
}

/** The run data of one execution from Postgres (execution_data.data is n8n's "flatted" JSON). */
export async function executionRunData(postgres, runtime, id) {
	const rows = await postgres.query(`SELECT data FROM execution_data WHERE "executionId" = ${Number(id)}`);
	if (!rows.length) return undefined;
	const flatted = createRequire(path.join(runtime.dir, 'package.json'))('flatted');
	return flatted.parse(rows[0][0]);
}

/** A fresh folder under .n8n-e2e/ for one run's user folders. */
export function clusterRoot(repoRoot) {
	const parent = path.join(repoRoot, '.n8n-e2e');
	fs.mkdirSync(parent, { recursive: true });
	return fs.mkdtempSync(path.join(parent, 'queue-'));
}
