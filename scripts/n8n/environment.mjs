// The environment an n8n process of ours runs with: one user folder, loopback
// only, nothing phoned home, community packages on, its own ports. Also the
// variables that put n8n in queue mode (Postgres + Redis).
//
// Plain ESM, no dependencies.

import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

// Fixed so credentials imported in one run can be read in the next (tests only),
// and so a main and its workers can all decrypt the same credentials.
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

/** The n8n major version of a runtime from ensureRuntime(). */
export function n8nMajor(runtime) {
	return Number(String(runtime.version).split('.')[0]);
}

/**
 * Everything an n8n command needs, for one user folder.
 * @param {object} o
 * @param {{version: string, dir?: string, env: object}} o.runtime  from ensureRuntime()
 * @param {string} o.userFolder  N8N_USER_FOLDER
 * @param {number} o.port  N8N_PORT
 * @param {number} o.brokerPort  N8N_RUNNERS_BROKER_PORT (the Code node's task broker)
 * @param {object} [o.extraEnv]  set last, overrides anything above
 */
export function n8nEnvironment({ runtime, userFolder, port, brokerPort, extraEnv = {} }) {
	const baseUrl = `http://127.0.0.1:${port}`;
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
	if (n8nMajor(runtime) < 2) env.N8N_RUNNERS_ENABLED = 'true';
	// Modules that call n8n's servers at start (the MCP server registry on 2.x).
	// Only names this n8n knows: an unknown one makes it refuse to start.
	const offModules = ['mcp-registry'].filter((m) => knownModules(runtime).includes(m));
	if (offModules.length && !('N8N_DISABLED_MODULES' in extraEnv)) env.N8N_DISABLED_MODULES = offModules.join(',');
	// Variables of the outer run that would change n8n's behaviour (NODE_OPTIONS stays
	// when the caller asks for it, e.g. the bench's --cpu-prof).
	if (!('NODE_OPTIONS' in extraEnv)) delete env.NODE_OPTIONS;
	delete env.N8N_CUSTOM_EXTENSIONS;
	return env;
}

/**
 * The variables that put a main or a worker in queue mode: executions go
 * through Redis (Bull), everything is stored in Postgres. Every process of
 * one installation gets the same values (and the same N8N_ENCRYPTION_KEY).
 * @param {{host: string, port: number, user: string, password?: string, database: string}} postgres
 * @param {{host: string, port: number}} redis
 */
export function queueModeEnvironment(postgres, redis) {
	return {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password || '',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		// Workers answer /healthz (and /healthz/readiness: database and Redis up).
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
	};
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
