// Contenders that run inside a REAL n8n 2.40.7 (scripts/n8n): our Kapture Order
// node, installed as a community package, and n8n's own HTTP Request node,
// each in a workflow  Start (Manual Trigger) → Items (Edit Fields, raw JSON) →
// Split (Split Out) → contender, run with `n8n execute` (a fresh n8n process
// per run: credentials read and decrypted from n8n's database, expressions in
// n8n 2.x's default isolated-vm engine, n8n's own logging and run data).
//
// The figure compared is the contender node's `executionTime` from the run
// data: it leaves out n8n's start-up and the identical input steps. The wall
// time of the whole `n8n execute` is kept alongside.
//
// The package is built into a temporary folder (TypeScript transpiled without
// a type check, the icons and codex files copied, as `npm run build` does), so
// a fresh clone needs no build and the repo's dist/ is left alone.

import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { IDataObject } from 'n8n-workflow';

import { treeCpuMs } from '../lib/cpu';
import { ADD_BODY_EXPRESSION, ADD_BODY_FIELDS, httpAddFieldParameters, httpAddParameters, makeOrders } from '../lib/orders';
import { addParameters } from '../scenarios/params';
import type { RemoteSandbox } from '../sandbox/remote';
import type { NodeRunOutcome } from './n8n';

const REPO = join(__dirname, '..', '..');
const PACKAGE = 'n8n-nodes-kapture';
export const REAL_ORDER_TYPE = `${PACKAGE}.kaptureOrder`;

// The scripts are plain ESM; this project compiles to CommonJS, where a
// literal import() would become require().
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

interface Runtime {
	nodeBin: string;
	n8nBin: string;
	version: string;
	dir: string;
	env: NodeJS.ProcessEnv;
}

interface Instance {
	userFolder: string;
	cli(args: string[], options?: { allowFail?: boolean; timeoutMs?: number; logLevel?: string }): Promise<{ code: number | null; stdout: string; stderr: string }>;
	installPackage(dir: string): Promise<{ name: string; version: string }>;
	importCredentials(list: IDataObject[]): Promise<string[]>;
	execute(id: string, options?: { allowError?: boolean }): Promise<RunData | null>;
	start(): Promise<{ pid: number }>;
	stop(): Promise<void>;
	ownerSetup(): Promise<unknown>;
	activate(id: string): Promise<unknown>;
	rest(method: string, path: string, body?: unknown): Promise<{ data: unknown }>;
	baseUrl: string;
	dispose(): Promise<void>;
}

interface RuntimeModule {
	ensureRuntime(options?: { version?: string }): Promise<Runtime>;
	cacheRoot(): string;
	DEFAULT_N8N_VERSION: string;
}

interface InstanceModule {
	createInstance(options: { runtime: Runtime; userFolder?: string; env?: Record<string, string> }): Promise<Instance>;
	newId(): string;
}

/** test/e2e/lib/workflows.mjs: the e2e suite's workflow builders. */
interface WorkflowsModule {
	MANUAL_TRIGGER: IDataObject;
	webhookTrigger(path: string, options?: { responseMode?: string }): IDataObject;
	itemsNode(items: IDataObject[]): IDataObject;
	splitOutNode(field?: string): IDataObject;
	chainWorkflow(name: string, nodes: IDataObject[]): IDataObject;
}

interface NodeRun {
	startTime: number;
	executionTime: number;
	executionStatus?: string;
	error?: { message?: string };
	data?: { main?: Array<Array<{ json: IDataObject; error?: unknown; pairedItem?: unknown }> | null> };
}

interface RunData {
	data: { resultData: { runData: Record<string, NodeRun[]>; error?: { message?: string } } };
	startedAt?: string;
	stoppedAt?: string;
}

export interface RealN8nRunOutcome extends NodeRunOutcome {
	/** The contender node's executionTime (ms) from n8n's run data. */
	timeMs: number;
	/** The contender's output items (json and pairing), as n8n saved them. */
	items: Array<{ json: IDataObject; pairedItem?: unknown }>;
	/** The whole `n8n execute` process, start-up included (ms). */
	cliWallMs: number;
	/** executionTime of the input steps (Items + Split), the same for every contender. */
	inputStepsMs: number;
	/** CPU time (user + system) of the n8n process tree during the webhook call (server mode). */
	cpuMs?: number;
	/** The processes that tree held (the server, its task runners). */
	cpuProcesses?: string[];
	/** The webhook call's start and end on the monotonic clock (µs), as --cpu-prof stamps its samples. */
	startedUs?: number;
	endedUs?: number;
}

export type Availability =
	| { available: true; runtime: Runtime; how: 'cached' | 'installed' }
	| { available: false; reason: string };

/**
 * The real n8n, if it is in the cache (or BENCH_REAL_N8N=install asks to install
 * it, ~6 min cold). BENCH_REAL_N8N=0 turns it off.
 */
export async function locateRuntime(log: (line: string) => void): Promise<Availability> {
	const mode = process.env.BENCH_REAL_N8N ?? 'auto';
	if (mode === '0' || mode === 'off') return { available: false, reason: 'turned off with BENCH_REAL_N8N=0' };
	const runtimeModule = (await importEsm(pathToFileURL(join(REPO, 'scripts', 'n8n', 'runtime.mjs')).href)) as RuntimeModule;
	const version = runtimeModule.DEFAULT_N8N_VERSION;
	const marker = join(runtimeModule.cacheRoot(), `n8n-${version}`, '.kapture-runtime-ok');
	const cached = existsSync(marker);
	if (!cached && mode !== 'install') {
		return {
			available: false,
			reason: `n8n ${version} is not in the cache (${dirname(marker)}); installing it takes ~6 min, more than the bench's budget. Run \`npm run n8n:install\` once (or BENCH_REAL_N8N=install)`,
		};
	}
	if (!cached) log(`installing n8n ${version} (BENCH_REAL_N8N=install; ~6 min)`);
	try {
		const runtime = await runtimeModule.ensureRuntime();
		return { available: true, runtime, how: cached ? 'cached' : 'installed' };
	} catch (error) {
		return { available: false, reason: `n8n ${version} could not be prepared: ${(error as Error).message.slice(0, 300)}` };
	}
}

/** Transpiles nodes/ and credentials/ into <dir>/dist and copies what npm pack needs. */
function buildPackageInto(dir: string): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const ts = require('typescript') as typeof import('typescript');
	const tsconfig = JSON.parse(readFileSync(join(REPO, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
	const { options } = ts.convertCompilerOptionsFromJson(
		{ ...tsconfig.compilerOptions, declaration: false, sourceMap: false },
		REPO,
	);
	const walk = (folder: string): string[] =>
		readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
			const path = join(folder, entry.name);
			return entry.isDirectory() ? walk(path) : [path];
		});
	for (const top of ['nodes', 'credentials']) {
		for (const file of walk(join(REPO, top))) {
			const target = join(dir, 'dist', relative(REPO, file));
			mkdirSync(dirname(target), { recursive: true });
			if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
				const out = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file });
				writeFileSync(target.replace(/\.ts$/, '.js'), out.outputText);
			} else if (/\.(png|svg)$/.test(file) || file.endsWith('.node.json')) {
				copyFileSync(file, target);
			}
		}
	}
	for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
		if (existsSync(join(REPO, file))) copyFileSync(join(REPO, file), join(dir, file));
	}
}

export interface RealN8nBench {
	version: string;
	nodesBaseVersion: string;
	httpVersion: number;
	/** Runs one contender workflow; the sandbox must be prepared by the caller. */
	/** The `n8n start` process (server mode): its process tree's CPU time is what is measured. */
	pid?: number;
	run(id: RealContenderId): Promise<RealN8nRunOutcome>;
	prefix(id: RealContenderId): string;
	/** Stops n8n (its --cpu-prof profile is written on exit) and keeps the user folder. */
	stop(): Promise<void>;
	close(): Promise<void>;
}

/**
 * 'server' (default): one `n8n start`, each workflow started by its webhook
 * (production mode, a warm process, as users run n8n); the run data is read
 * back from n8n's REST API. 'cli': `n8n execute` per run (a cold n8n process
 * each time; ~20 s of start-up per run on a loaded 2-core machine).
 */
export type RealN8nMode = 'server' | 'cli';

export type RealContenderId =
	/** n8n's input steps with a No Operation node as the "contender": subtracted from every CPU figure. */
	| 'noop'
	/** The floor of field mode: Edit Fields (Set) evaluating the same 8 expressions per item. */
	| 'set-fields'
	/** The floor of Order JSON mode: Edit Fields (Set) with one JSON expression per item. */
	| 'set-json'
	/** Our node as dropped into a workflow: no Parallel Requests option (automatic). */
	| 'ours-default'
	| 'ours-default-json'
	/** Our node with Parallel Requests 5 (the old default), a hard cap. */
	| 'ours-cap5'

	| 'http-node'
	| 'http-node-fields'
	| 'http-node-retry';

export const REAL_CONTENDER_IDS: readonly RealContenderId[] = [
	'noop',
	'set-fields',
	'set-json',
	'ours-default',
	'ours-default-json',
	'ours-cap5',
	'http-node',
	'http-node-fields',
	'http-node-retry',
];

export const CONTENDER_NODE = 'Contender';

export async function startRealN8n(
	runtime: Runtime,
	sandbox: RemoteSandbox,
	settings: {
		items: number;
		httpVersion: number;
		mode: RealN8nMode;
		/** Only these workflows (default: all). */
		contenders?: readonly RealContenderId[];
		/** Start `n8n start` under --cpu-prof, profiles written here (server mode only). */
		profileDir?: string;
	},
	log: (line: string) => void,
): Promise<RealN8nBench> {
	const server = settings.mode === 'server';
	const profile: Record<string, string> = server && settings.profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${settings.profileDir} --cpu-prof-interval=500` } : {};
	const instanceModule = (await importEsm(pathToFileURL(join(REPO, 'scripts', 'n8n', 'instance.mjs')).href)) as InstanceModule;
	const workflowsModule = (await importEsm(pathToFileURL(join(REPO, 'test', 'e2e', 'lib', 'workflows.mjs')).href)) as WorkflowsModule;
	const userFolder = mkdtempSync(join(tmpdir(), 'kapture-bench-n8n-'));
	const pkgDir = mkdtempSync(join(tmpdir(), 'kapture-bench-pkg-'));
	const instance = await instanceModule.createInstance({
		runtime,
		userFolder,
		// The run data is printed through the logger at level info (execute() sets it).
		env: server
			? { N8N_LOG_LEVEL: 'warn', EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all', EXECUTIONS_DATA_SAVE_ON_ERROR: 'all', ...profile }
			: { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none', EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'false' },
	});
	const close = async () => {
		await instance.dispose().catch(() => undefined);
		rmSync(userFolder, { recursive: true, force: true });
		rmSync(pkgDir, { recursive: true, force: true });
	};
	try {
		buildPackageInto(pkgDir);
		const pkg = await instance.installPackage(pkgDir);
		log(`real n8n ${runtime.version}: installed ${pkg.name}@${pkg.version} (transpiled from the working tree) in ${userFolder}`);

		const kaptureCredential = { id: instanceModule.newId(), name: 'Kapture sandbox', type: 'kaptureApi' };
		const basicCredential = { id: instanceModule.newId(), name: 'Kapture Basic Auth', type: 'httpBasicAuth' };
		const c = sandbox.credentials;
		await instance.importCredentials([
			{ ...kaptureCredential, data: { subdomain: '', baseUrl: sandbox.baseUrl, username: c.username, password: c.password, cmId: c.cmId, authKey: c.authKey } },
			{ ...basicCredential, data: { user: c.username, password: c.password } },
		]);

		const allNodes: Record<RealContenderId, IDataObject> = {
			noop: { type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
			'set-fields': setNode(ADD_BODY_FIELDS.map((field) => ({ name: field.name, value: field.value, type: 'string' }))),
			'set-json': setNode([{ name: 'body', value: ADD_BODY_EXPRESSION, type: 'object' }]),
			'ours-default': ourNode(undefined, kaptureCredential),
			'ours-default-json': ourJsonNode(undefined, kaptureCredential),
			'ours-cap5': ourNode(5, kaptureCredential),
			'http-node': httpNode(sandbox.baseUrl, settings.httpVersion, basicCredential, { onError: 'continueRegularOutput' }),
			'http-node-fields': httpNode(sandbox.baseUrl, settings.httpVersion, basicCredential, { onError: 'continueRegularOutput' }, true),
			'http-node-retry': httpNode(sandbox.baseUrl, settings.httpVersion, basicCredential, { retryOnFail: true }),
		};
		const wanted = settings.contenders ?? REAL_CONTENDER_IDS;
		const contenderNodes = Object.fromEntries(wanted.map((id) => [id, allNodes[id]])) as Partial<Record<RealContenderId, IDataObject>>;
		const ids = {} as Record<RealContenderId, string>;
		const prefixes = {} as Record<RealContenderId, string>;
		const workflows = (Object.keys(contenderNodes) as RealContenderId[]).map((key) => {
			ids[key] = instanceModule.newId();
			// Ends in '/': no prefix is the start of another ('ours-default-' would be of 'ours-default-json-').
			prefixes[key] = `real-${key}/`;
			return workflow(workflowsModule, ids[key], `bench ${key}`, makeOrders(settings.items, prefixes[key]) as unknown as IDataObject[], contenderNodes[key] as IDataObject, server ? `bench-${key}` : undefined);
		});
		const file = join(userFolder, 'bench-workflows.json');
		writeFileSync(file, JSON.stringify(workflows));
		await instance.cli(['import:workflow', `--input=${file}`]);
		log(`real n8n: imported ${workflows.length} workflows and 2 credentials`);
		let pid: number | undefined;
		if (server) {
			const started = await instance.start();
			pid = started.pid;
			await instance.ownerSetup();
			for (const key of Object.keys(ids) as RealContenderId[]) await instance.activate(ids[key]);
			log(`real n8n: n8n start (pid ${started.pid}) at ${instance.baseUrl}, ${workflows.length} webhook workflows active`);
		}

		const nodesBase = JSON.parse(readFileSync(join(runtime.dir, 'node_modules', 'n8n-nodes-base', 'package.json'), 'utf8')) as { version: string };
		return {
			version: runtime.version,
			nodesBaseVersion: nodesBase.version,
			httpVersion: settings.httpVersion,
			pid,
			prefix: (id) => prefixes[id],
			close,
			stop: async () => await instance.stop(),
			async run(id) {
				if (!ids[id]) throw new Error(`real n8n: no workflow for ${id} in this instance`);
				if (server) return await runByWebhook(instance, ids[id], `bench-${id}`, settings.items, pid);
				const started = process.hrtime.bigint();
				let run: RunData | null = null;
				let cliError: string | undefined;
				try {
					run = await instance.execute(ids[id], { allowError: true });
				} catch (error) {
					cliError = (error as Error).message;
				}
				const cliWallMs = Number(process.hrtime.bigint() - started) / 1e6;
				return outcomeOf(run, settings.items, cliWallMs, cliError);
			},
		};
	} catch (error) {
		await close();
		throw error;
	}
}

/**
 * A POST on a connection of its own (no keep-alive pool): a pooled socket that
 * n8n closed meanwhile failed two webhook calls made at once ("fetch failed"),
 * and whether n8n had received such a call cannot be known.
 */
function postOnFreshConnection(url: string, timeoutMs: number): Promise<string> {
	return new Promise((resolve, reject) => {
		const request = httpRequest(url, { method: 'POST', agent: false, timeout: timeoutMs, headers: { 'content-length': '0' } }, (response) => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => (body += chunk));
			response.on('end', () => resolve(body));
			response.on('error', reject);
		});
		request.on('timeout', () => request.destroy(new Error(`no answer in ${timeoutMs} ms`)));
		request.on('error', reject);
		request.end();
	});
}

/** POSTs to the workflow's webhook (answered when the run ends), then reads the run data over REST. */
async function runByWebhook(instance: Instance, workflowId: string, path: string, total: number, pid?: number): Promise<RealN8nRunOutcome> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const newestExecution = async () => {
		const list = (await instance.rest('GET', `/rest/executions?filter=${filter}&limit=1`)).data as
			| { results?: Array<{ id: string; status: string }> }
			| Array<{ id: string; status: string }>;
		return (Array.isArray(list) ? list : (list.results ?? []))[0];
	};
	const before = (await newestExecution())?.id;
	const cpuBefore = pid ? treeCpuMs(pid) : undefined;
	const started = process.hrtime.bigint();
	let cliError: string | undefined;
	try {
		await postOnFreshConnection(`${instance.baseUrl}/webhook/${path}`, 600_000);
	} catch (error) {
		const cause = (error as { cause?: { message?: string } }).cause?.message;
		cliError = `webhook call failed: ${(error as Error).message}${cause ? ` (${cause})` : ''}`;
	}
	const ended = process.hrtime.bigint();
	// Read before the REST calls below, which n8n serves on the same process.
	const cpuAfter = pid ? treeCpuMs(pid) : undefined;
	const wallMs = Number(ended - started) / 1e6;
	const measures: Partial<RealN8nRunOutcome> = {
		startedUs: Number(started / 1000n),
		endedUs: Number(ended / 1000n),
		...(cpuBefore && cpuAfter ? { cpuMs: cpuAfter.ms - cpuBefore.ms, cpuProcesses: cpuAfter.processes.map((p) => p.name) } : {}),
	};
	let run: RunData | null = null;
	// The execution is saved right after the run; wait for it to be finished.
	for (let attempt = 0; attempt < 100 && !run; attempt++) {
		const newest = await newestExecution();
		if (newest && newest.id !== before && !['running', 'new', 'waiting'].includes(newest.status)) {
			const execution = (await instance.rest('GET', `/rest/executions/${newest.id}`)).data as { data: string; startedAt?: string; stoppedAt?: string };
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const flatted = require('flatted') as { parse(text: string): unknown };
			run = { data: flatted.parse(execution.data) as RunData['data'], startedAt: execution.startedAt, stoppedAt: execution.stoppedAt };
		} else {
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}
	return { ...outcomeOf(run, total, wallMs, cliError ?? (run ? undefined : 'execution not found')), ...measures };
}

function outcomeOf(run: RunData | null, total: number, cliWallMs: number, cliError?: string): RealN8nRunOutcome {
	const runData = run?.data?.resultData?.runData ?? {};
	const contender = runData[CONTENDER_NODE]?.[0];
	const inputStepsMs = (runData.Items?.[0]?.executionTime ?? 0) + (runData.Split?.[0]?.executionTime ?? 0);
	const runError = cliError ?? contender?.error?.message ?? run?.data?.resultData?.error?.message ?? (contender ? undefined : 'no run data for the contender node');
	const items = contender?.data?.main?.[0] ?? [];
	const saved = items.map((item) => ({ json: item.json ?? {}, pairedItem: item.pairedItem }));
	let failed = 0;
	for (const item of items) {
		const json = item.json ?? {};
		if (item.error || json.error !== undefined || (json.status !== undefined && json.status !== 'success')) failed++;
	}
	if (runError) {
		return { failed: total, succeeded: 0, runError: runError.slice(0, 300), timeMs: contender?.executionTime ?? NaN, cliWallMs, inputStepsMs, items: saved };
	}
	return { failed, succeeded: items.length - failed, timeMs: contender?.executionTime ?? NaN, cliWallMs, inputStepsMs, items: saved };
}

/** Parallel Requests `parallel`, or left out (undefined): what a user who changes nothing runs. */
function parallelOption(parallel: number | undefined): IDataObject {
	return parallel === undefined ? {} : { parallelRequests: parallel };
}

function ourNode(parallel: number | undefined, credential: { id: string; name: string }): IDataObject {
	const parameters = addParameters();
	return {
		type: REAL_ORDER_TYPE,
		typeVersion: 1,
		parameters: { ...parameters, options: { ...(parameters.options as IDataObject), ...parallelOption(parallel) } },
		credentials: { kaptureApi: { id: credential.id, name: credential.name } },
		onError: 'continueRegularOutput',
	};
}

/** Our node given the whole body by the same single expression the HTTP Request node uses. */
function ourJsonNode(parallel: number | undefined, credential: { id: string; name: string }): IDataObject {
	return {
		type: REAL_ORDER_TYPE,
		typeVersion: 1,
		parameters: {
			resource: 'order',
			operation: 'add',
			api: 'v1',
			specifyOrder: 'json',
			orderJson: ADD_BODY_EXPRESSION,
			options: parallelOption(parallel),
		},
		credentials: { kaptureApi: { id: credential.id, name: credential.name } },
		onError: 'continueRegularOutput',
	};
}

/** Edit Fields (Set) 3.4, manual mapping: one assignment per entry, each an expression over the input item. */
function setNode(assignments: Array<{ name: string; value: string; type: string }>): IDataObject {
	return {
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: {
			mode: 'manual',
			assignments: { assignments: assignments.map((assignment, index) => ({ id: `a${index}`, ...assignment })) },
			options: {},
		},
	};
}

function httpNode(
	baseUrl: string,
	typeVersion: number,
	credential: { id: string; name: string },
	settings: IDataObject,
	bodyFromFields = false,
): IDataObject {
	return {
		type: 'n8n-nodes-base.httpRequest',
		typeVersion,
		parameters: bodyFromFields ? httpAddFieldParameters(baseUrl) : httpAddParameters(baseUrl),
		credentials: { httpBasicAuth: { id: credential.id, name: credential.name } },
		...settings,
	};
}

/** Start → Items (Edit Fields, raw JSON) → Split (Split Out) → Contender: the same input steps for everyone. */
function workflow(builders: WorkflowsModule, id: string, name: string, items: IDataObject[], contender: IDataObject, webhookPath?: string): IDataObject {
	const start = webhookPath ? builders.webhookTrigger(webhookPath) : builders.MANUAL_TRIGGER;
	const chain = builders.chainWorkflow(name, [start, builders.itemsNode(items), builders.splitOutNode('items'), { id: 'contender', name: CONTENDER_NODE, ...contender }]);
	return { ...chain, id, versionId: randomUUID(), active: false, pinData: {}, settings: { executionOrder: 'v1' } };
}

/** One workflow for startRealN8nWorkflows: our Kapture Order node (its parameters) on these items. */
export interface RealWorkflowSpec {
	id: string;
	parameters: IDataObject;
	items: IDataObject[];
}

export interface RealN8nWorkflows {
	version: string;
	run(id: string): Promise<RealN8nRunOutcome>;
	close(): Promise<void>;
}

/**
 * A real n8n (`n8n start`) with our package and the sandbox's credential, and
 * one webhook workflow per spec: Webhook → Items → Split → our node (On Error:
 * Continue). Used by the exactly-once scenario, which needs each item's output.
 */
export async function startRealN8nWorkflows(
	runtime: Runtime,
	sandbox: RemoteSandbox,
	specs: RealWorkflowSpec[],
	log: (line: string) => void,
): Promise<RealN8nWorkflows> {
	const instanceModule = (await importEsm(pathToFileURL(join(REPO, 'scripts', 'n8n', 'instance.mjs')).href)) as InstanceModule;
	const workflowsModule = (await importEsm(pathToFileURL(join(REPO, 'test', 'e2e', 'lib', 'workflows.mjs')).href)) as WorkflowsModule;
	const userFolder = mkdtempSync(join(tmpdir(), 'kapture-bench-n8n-'));
	const pkgDir = mkdtempSync(join(tmpdir(), 'kapture-bench-pkg-'));
	const instance = await instanceModule.createInstance({
		runtime,
		userFolder,
		env: { N8N_LOG_LEVEL: 'warn', EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all', EXECUTIONS_DATA_SAVE_ON_ERROR: 'all' },
	});
	const close = async () => {
		await instance.dispose().catch(() => undefined);
		rmSync(userFolder, { recursive: true, force: true });
		rmSync(pkgDir, { recursive: true, force: true });
	};
	try {
		buildPackageInto(pkgDir);
		const pkg = await instance.installPackage(pkgDir);
		log(`real n8n ${runtime.version}: installed ${pkg.name}@${pkg.version} (transpiled from the working tree)`);
		const credential = { id: instanceModule.newId(), name: 'Kapture sandbox', type: 'kaptureApi' };
		const c = sandbox.credentials;
		await instance.importCredentials([
			{ ...credential, data: { subdomain: '', baseUrl: sandbox.baseUrl, username: c.username, password: c.password, cmId: c.cmId, authKey: c.authKey } },
		]);
		const ids: Record<string, string> = {};
		const totals: Record<string, number> = {};
		const workflows = specs.map((spec) => {
			ids[spec.id] = instanceModule.newId();
			totals[spec.id] = spec.items.length;
			const node = {
				type: REAL_ORDER_TYPE,
				typeVersion: 1,
				parameters: spec.parameters,
				credentials: { kaptureApi: { id: credential.id, name: credential.name } },
				onError: 'continueRegularOutput',
			};
			return workflow(workflowsModule, ids[spec.id], `bench ${spec.id}`, spec.items, node, `bench-${spec.id}`);
		});
		const file = join(userFolder, 'bench-workflows.json');
		writeFileSync(file, JSON.stringify(workflows));
		await instance.cli(['import:workflow', `--input=${file}`]);
		const started = await instance.start();
		await instance.ownerSetup();
		for (const spec of specs) await instance.activate(ids[spec.id]);
		log(`real n8n: n8n start (pid ${started.pid}), ${specs.length} webhook workflows active`);
		return {
			version: runtime.version,
			close,
			run: async (id) => await runByWebhook(instance, ids[id], `bench-${id}`, totals[id]),
		};
	} catch (error) {
		await close();
		throw error;
	}
}
