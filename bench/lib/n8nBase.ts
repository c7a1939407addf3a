// Loads n8n's own HTTP Request node (and its Basic Auth credential type) from a
// real n8n-nodes-base, so the benchmark compares against exactly what users run.
//
// Where n8n-nodes-base comes from, in this order:
//  1. BENCH_N8N_NODES_BASE=/path/to/node_modules (a folder holding n8n-nodes-base);
//  2. the n8n runtime the e2e tests install (scripts/n8n/runtime.mjs) when it is
//     already in the cache: n8n 2.40.7 ships n8n-nodes-base 2.40.2;
//  3. otherwise a slim install of n8n-nodes-base alone into the same cache folder
//     (npm install --ignore-scripts --omit=dev, ~40 s with a warm npm cache).
//     The full runtime takes ~7 min to install (n8n + native builds), too long for
//     a 10-minute benchmark budget, and n8n-nodes-base as a devDependency would add
//     ~900 packages / ~770 MB to every `npm ci` of this project.
//
// n8n-nodes-base requires 'n8n-workflow' (and in places 'n8n-core'). Those
// requests are redirected to this project's own copies (same versions as n8n
// 2.40.7 uses), so the HTTP Request node and the engine share one n8n-workflow:
// its error classes pass n8n-core's instanceof checks, as they do inside n8n.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

import type { ICredentialType, IVersionedNodeType } from 'n8n-workflow';

export const N8N_VERSION = '2.40.7';
export const NODES_BASE_VERSION = '2.40.2';

function cacheRoot(): string {
	return process.env.KAPTURE_N8N_CACHE || join(homedir(), '.cache', 'n8n-nodes-kapture');
}

export interface NodesBaseSource {
	/** The node_modules folder holding n8n-nodes-base. */
	modules: string;
	version: string;
	from: 'env' | 'n8n runtime' | 'slim install';
}

function readVersion(modules: string): string {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return (require(join(modules, 'n8n-nodes-base', 'package.json')) as { version: string }).version;
}

export function locateNodesBase(log: (line: string) => void): NodesBaseSource {
	const fromEnv = process.env.BENCH_N8N_NODES_BASE;
	if (fromEnv) return { modules: fromEnv, version: readVersion(fromEnv), from: 'env' };

	const runtime = join(cacheRoot(), `n8n-${N8N_VERSION}`);
	if (existsSync(join(runtime, '.kapture-runtime-ok')) && existsSync(join(runtime, 'node_modules', 'n8n-nodes-base'))) {
		const modules = join(runtime, 'node_modules');
		return { modules, version: readVersion(modules), from: 'n8n runtime' };
	}

	const slim = join(cacheRoot(), `bench-n8n-nodes-base-${NODES_BASE_VERSION}`);
	const marker = join(slim, '.bench-ok');
	if (!existsSync(marker)) {
		log(`installing n8n-nodes-base@${NODES_BASE_VERSION} into ${slim} (once; about a minute)`);
		mkdirSync(slim, { recursive: true });
		writeFileSync(join(slim, 'package.json'), JSON.stringify({ name: 'kapture-bench-nodes-base', private: true }) + '\n');
		const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
		const result = spawnSync(
			npm,
			['install', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev', '--omit=peer', '--prefer-offline', `n8n-nodes-base@${NODES_BASE_VERSION}`],
			{ cwd: slim, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } },
		);
		if (result.status !== 0) {
			throw new Error(`npm install n8n-nodes-base@${NODES_BASE_VERSION} failed:\n${result.stderr}${result.stdout}`);
		}
		writeFileSync(marker, new Date().toISOString() + '\n');
	}
	const modules = join(slim, 'node_modules');
	return { modules, version: readVersion(modules), from: 'slim install' };
}

let redirected = false;

/** Make n8n-nodes-base use this project's n8n-workflow and n8n-core. */
function redirectSharedModules(modules: string): void {
	if (redirected) return;
	redirected = true;
	const shared: Record<string, string> = {
		'n8n-workflow': require.resolve('n8n-workflow'),
		'n8n-core': require.resolve('n8n-core'),
	};
	type Resolve = (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
	const moduleWithResolve = Module as unknown as { _resolveFilename: Resolve };
	const original = moduleWithResolve._resolveFilename;
	moduleWithResolve._resolveFilename = function (request, parent, ...rest) {
		if (shared[request] && parent?.filename?.startsWith(modules)) return shared[request];
		return original.call(this, request, parent, ...rest);
	};
}

export interface HttpRequestNodeKit {
	source: NodesBaseSource;
	httpRequest: IVersionedNodeType;
	httpBasicAuth: ICredentialType;
	/** The version a new HTTP Request node gets in the editor. */
	defaultVersion: number;
}

export function loadHttpRequestNode(log: (line: string) => void): HttpRequestNodeKit {
	const source = locateNodesBase(log);
	redirectSharedModules(source.modules);
	const base = join(source.modules, 'n8n-nodes-base', 'dist');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { HttpRequest } = require(join(base, 'nodes', 'HttpRequest', 'HttpRequest.node.js')) as {
		HttpRequest: new () => IVersionedNodeType;
	};
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { HttpBasicAuth } = require(join(base, 'credentials', 'HttpBasicAuth.credentials.js')) as {
		HttpBasicAuth: new () => ICredentialType;
	};
	const httpRequest = new HttpRequest();
	return {
		source,
		httpRequest,
		httpBasicAuth: new HttpBasicAuth(),
		defaultVersion: httpRequest.description.defaultVersion ?? httpRequest.currentVersion,
	};
}
