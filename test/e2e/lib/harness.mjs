// Shared pieces of the end-to-end tests of our nodes inside a real n8n
// (scripts/n8n): the Kapture sandbox in this process, one prepared n8n user
// folder per test file (our built package installed as a community package,
// a Kapture credential imported), workflow builders, a local HTTP recorder
// and a polling wait.
//
// Every test file runs in its own process (node --test), so "once per file"
// is the unit of sharing. Build first: `npm run build` (installPackage packs
// dist/ as it is).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureRuntime } from '../../../scripts/n8n/runtime.mjs';
import { createInstance, newId } from '../../../scripts/n8n/instance.mjs';
import { chainWorkflow, itemsNode, MANUAL_TRIGGER, splitOutNode, webhookTrigger } from './workflows.mjs';

export { chainWorkflow, itemsNode, MANUAL_TRIGGER, splitOutNode, webhookTrigger } from './workflows.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..', '..');
export const workflowsDir = path.resolve(here, '..', 'workflows');

export const PACKAGE = 'n8n-nodes-kapture';
export const ORDER_NODE = `${PACKAGE}.kaptureOrder`;
export const TRIGGER_NODE = `${PACKAGE}.kaptureOrderTrigger`;
export const CREDENTIAL_TYPE = 'kaptureApi';

/** The sandbox's account time zone (IST); workflows use it so partner dates read right. */
export const ACCOUNT_TIME_ZONE = 'Asia/Kolkata';

// Every 5 s, as 12 cron expressions with one fixed second each: n8n 2.x
// refuses one expression whose seconds field is not a single number.
export const EVERY_5_SECONDS = Array.from({ length: 12 }, (_, i) => ({ mode: 'custom', cronExpression: `${i * 5} * * * * *` }));
export const POLL_MS = 5_000;
// One poll interval plus room for a loaded CI machine (n8n starting an
// execution, the HTTP Request node, the recorder).
export const ONE_POLL_MS = POLL_MS + 10_000;

export function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` every `intervalMs` until it returns something truthy. */
export async function waitFor(what, fn, { timeoutMs = 30_000, intervalMs = 200 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await fn();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(intervalMs);
	}
}

let tsNodeRegistered = false;

/**
 * Starts the Kapture sandbox (test/sandbox, TypeScript) in this process, so
 * tests read its state directly. ts-node only transpiles (no type check).
 * @returns {Promise<import('../../sandbox/types').KaptureSandbox>}
 */
export async function startSandbox(options = {}) {
	return await requireTs('../../sandbox/index.ts').startSandbox({ quiet: true, ...options });
}

/** A TypeScript module of the test tree, loaded through ts-node (transpile only). */
function requireTs(file) {
	const require = createRequire(import.meta.url);
	if (!tsNodeRegistered) {
		require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
		tsNodeRegistered = true;
	}
	return require(file);
}

/** The data of a kaptureApi credential pointing at a sandbox. */
export function credentialData(sb, overrides = {}) {
	const { username, password, authKey, cmId } = sb.credentials;
	return { subdomain: '', baseUrl: sb.baseUrl, username, password, cmId, authKey, ...overrides };
}

function assertBuilt() {
	for (const file of ['dist/nodes/Kapture/KaptureOrder.node.js', 'dist/nodes/Kapture/KaptureOrderTrigger.node.js', 'dist/credentials/KaptureApi.credentials.js']) {
		if (!fs.existsSync(path.join(repoRoot, file))) throw new Error(`${file} is missing: run \`npm run build\` before the e2e tests`);
	}
}

/**
 * A fresh n8n user folder under .n8n-e2e/ with our package installed as a
 * community package. `cleanup()` stops a started server and removes the
 * folder (kept when KAPTURE_E2E_KEEP=1). `env`: extra variables for every
 * n8n command of this folder (e.g. the durable scheduler's flags).
 */
export async function prepareN8n(label, { env } = {}) {
	assertBuilt();
	const runtime = await ensureRuntime();
	const parent = path.join(repoRoot, '.n8n-e2e');
	fs.mkdirSync(parent, { recursive: true });
	const userFolder = fs.mkdtempSync(path.join(parent, `${label}-`));
	const n8n = await createInstance({ runtime, userFolder, env });
	const pkg = await n8n.installPackage(repoRoot);
	assert.equal(pkg.name, PACKAGE);
	const cleanup = async () => {
		await n8n.stop();
		if (!process.env.KAPTURE_E2E_KEEP) fs.rmSync(userFolder, { recursive: true, force: true, maxRetries: 5 });
	};
	return { n8n, runtime, userFolder, cleanup };
}

/** Imports kaptureApi credentials (one CLI call). Each: {name, data}. Returns [{id, name}]. */
export async function importKaptureCredentials(n8n, list) {
	const withIds = list.map((c) => ({ id: newId(), type: CREDENTIAL_TYPE, ...c }));
	await n8n.importCredentials(withIds);
	return withIds.map(({ id, name }) => ({ id, name }));
}

/**
 * Imports many workflows with one `n8n import:workflow` (one n8n start instead
 * of one per workflow), in the account's time zone unless a workflow says otherwise.
 * @returns {Promise<string[]>} the ids, in the order given
 */
export async function importWorkflows(n8n, workflows) {
	return await n8n.importWorkflows(
		workflows.map((wf) => ({ ...wf, settings: { timezone: ACCOUNT_TIME_ZONE, ...(wf.settings || {}) } })),
	);
}

/**
 * Manual Trigger → [items node] → Kapture Order named `nodeName`.
 * `items`: optional list of JSON objects the Kapture node gets as input
 * (through Edit Fields + Split Out, nodes that need no task runner).
 * `onError`: n8n's node setting, e.g. 'continueRegularOutput' (Continue On Fail).
 */
export function orderWorkflow(name, parameters, { credential, items, onError, nodeName = 'Kapture' } = {}) {
	assert.ok(credential && credential.id, `orderWorkflow(${name}) needs a credential`);
	const kapture = orderNode(nodeName, parameters, { credential, onError });
	return chainWorkflow(name, items ? [MANUAL_TRIGGER, itemsNode(items), splitOutNode('items'), kapture] : [MANUAL_TRIGGER, kapture]);
}

/** A Kapture Order node (resource order) with our credential. */
export function orderNode(nodeName, parameters, { credential, onError } = {}) {
	return {
		id: 'kapture',
		name: nodeName,
		type: ORDER_NODE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource: 'order', ...parameters },
		credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
		...(onError ? { onError } : {}),
	};
}

/**
 * A workflow from test/e2e/workflows/<file>, with every string value that is
 * exactly `<<key>>` replaced by `values[key]` (any JSON value), and `<<key>>`
 * inside longer strings replaced by its text.
 */
export function workflowFixture(file, values) {
	const raw = JSON.parse(fs.readFileSync(path.join(workflowsDir, file), 'utf8'));
	const fill = (v) => {
		if (typeof v === 'string') {
			const whole = /^<<(\w+)>>$/.exec(v);
			if (whole) {
				assert.ok(whole[1] in values, `${file}: no value for <<${whole[1]}>>`);
				return values[whole[1]];
			}
			return v.replace(/<<(\w+)>>/g, (_, key) => {
				assert.ok(key in values, `${file}: no value for <<${key}>>`);
				return String(values[key]);
			});
		}
		if (Array.isArray(v)) return v.map(fill);
		if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
		return v;
	};
	return fill(raw);
}

/** A resource locator value ("By ID"), as the editor stores it. */
export function byId(value) {
	return { __rl: true, mode: 'id', value: String(value) };
}

/** The error n8n recorded on a node's run (run data), if any. */
export function nodeError(run, nodeName) {
	const runs = run && run.data && run.data.resultData && run.data.resultData.runData && run.data.resultData.runData[nodeName];
	return runs && runs[0] && runs[0].error;
}

/**
 * The executions of a workflow as n8n recorded them, oldest first, read over
 * the REST API: id, mode, status, the run's error message, and what the node
 * `nodeName` (the trigger) output in that execution: the ids of the orders,
 * and the items' JSON.
 * @returns {Promise<Array<{id: string, mode: string, status: string, error?: string, ids: number[], items: object[]}>>}
 */
export async function triggerExecutions(n8n, workflowId, nodeName) {
	const flatted = createRequire(path.join(n8n.runtime.dir, 'package.json'))('flatted');
	const list = (await n8n.executions(workflowId, { limit: 250 })).sort((a, b) => Number(a.id) - Number(b.id));
	const out = [];
	for (const execution of list) {
		const { data } = await n8n.rest('GET', `/rest/executions/${execution.id}`);
		const run = typeof data.data === 'string' ? flatted.parse(data.data) : data.data;
		const resultData = (run && run.resultData) || {};
		const runs = (resultData.runData && resultData.runData[nodeName]) || [];
		const items = (runs[0] && runs[0].data && runs[0].data.main && runs[0].data.main[0]) || [];
		out.push({
			id: String(execution.id),
			mode: execution.mode,
			status: execution.status,
			error: resultData.error && resultData.error.message,
			ids: items.map((item) => Number(item.json.id)),
			items: items.map((item) => item.json),
		});
	}
	return out;
}

/**
 * Rows of a query against the SQLite database of an n8n user folder (n8n may
 * be running), with Node 24's built-in `node:sqlite` from the runtime.
 * @returns {Promise<object[]>}
 */
export function sqliteQuery(n8n, sql) {
	const file = path.join(n8n.n8nDir, 'database.sqlite');
	const script = "const { DatabaseSync } = require('node:sqlite'); const db = new DatabaseSync(process.argv[1]); process.stdout.write(JSON.stringify(db.prepare(process.argv[2]).all())); db.close();";
	return new Promise((resolve, reject) => {
		execFile(n8n.runtime.nodeBin, ['--no-warnings', '-e', script, file, sql], { timeout: 30_000 }, (error, stdout, stderr) => {
			if (error) reject(new Error(`sqlite query failed: ${error.message}\n${stderr}`));
			else resolve(JSON.parse(stdout));
		});
	});
}

/** A local HTTP endpoint that records the JSON bodies POSTed to it. */
export async function recorder() {
	const hits = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (d) => (body += d));
		req.on('end', () => {
			let json;
			try {
				json = JSON.parse(body);
			} catch {
				json = undefined;
			}
			hits.push({ method: req.method, path: req.url, body, json, at: Date.now() });
			res.setHeader('content-type', 'application/json');
			res.end('{"ok":true}');
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	const close = () =>
		new Promise((r) => {
			server.close(r);
			server.closeAllConnections();
		});
	return { url: `http://127.0.0.1:${server.address().port}`, hits, close };
}

/** Wall time of a test file, printed at the end so CI logs show where time goes. */
export function stopwatch(label) {
	const started = Date.now();
	const marks = [];
	return {
		mark(what) {
			marks.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)}s`);
		},
		report() {
			process.stderr.write(`[e2e ${label}] ${marks.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
		},
	};
}

// ---- Changing orders, and watching the trigger poll (trigger-updates, trigger-new-or-updated) ----

/** The trigger's watch read (Updated Order, New or Updated Order) asks for 500 orders a request (watchWindow.ts); no other request asks for 500. */
export const WATCH_PAGE = 500;

/** A v1 pull of the trigger's watch read (any page of it). */
export const isWatchPage = (r) => r.api === 'v1Pull' && Number(r.body && r.body.limit) === WATCH_PAGE;

/**
 * The watch reads the sandbox saw, each by its first request (offset 0): one
 * per poll of each change trigger (a read takes more than one request, even
 * on a small account: the pager confirms a short first page).
 */
export function watchReads(sb) {
	return sb.requests().filter((r) => isWatchPage(r) && Number(r.body.offset) === 0);
}

/** Resolves just after the next watch read reached the sandbox (the next poll of a change trigger). */
export async function nextWatchRead(sb, { timeoutMs }) {
	const count = watchReads(sb).length;
	await waitFor('the next poll', () => watchReads(sb).length > count, { timeoutMs, intervalMs: 50 });
	await sleep(300);
}

/**
 * Waits for `polls` more polls of each of the `triggers` change triggers
 * reading `sb` (and at least `polls` poll intervals), then for what they
 * emitted to reach the recorder.
 */
export async function morePolls(sb, { polls = 2, triggers = 1, pollMs, timeoutMs }) {
	const count = watchReads(sb).length;
	const since = Date.now();
	const what = `${polls} more polls of ${triggers === 1 ? 'the trigger' : `${triggers} triggers`}`;
	await waitFor(what, () => Date.now() - since > polls * pollMs && watchReads(sb).length >= count + polls * triggers, { timeoutMs });
	await sleep(1_500);
}

/** POSTs to one of the sandbox's Kapture APIs as another system would; the parsed answer. */
export async function kaptureApi(sb, urlPath, body, authorization) {
	const res = await fetch(`${sb.baseUrl}${urlPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization },
		body: JSON.stringify(body),
	});
	return await res.json();
}

const v1Authorization = (sb) => `Basic ${Buffer.from(`${sb.credentials.username}:${sb.credentials.password}`).toString('base64')}`;

/** A new order through the v1 add-update API, as another system creates it; the stored order. */
export async function addOrderV1(sb, customerInfo, orderInfo = {}) {
	const answer = await kaptureApi(sb, '/ms/customer/order/api/v1/add-update', { customer_info: customerInfo, order_info: orderInfo }, v1Authorization(sb));
	assert.equal(answer.status, 'success', JSON.stringify(answer));
	const order = sb.getOrder(Number(answer.Order && answer.Order.order_id));
	assert.ok(order, `the sandbox stored the order: ${JSON.stringify(answer)}`);
	return order;
}

/** An edit through the v1 add-update API, as another system makes it. */
export async function editOrderV1(sb, order, orderInfo) {
	const answer = await kaptureApi(sb, '/ms/customer/order/api/v1/add-update', { order_info: { update: true, order_id: String(order.id), ...orderInfo } }, v1Authorization(sb));
	assert.equal(answer.status, 'success', JSON.stringify(answer));
}

/** An edit through the partner order update API. */
export async function editOrderPartner(sb, order, fields) {
	const answer = await kaptureApi(sb, '/add-update-order-from-other-source.html', [{ order_id: String(order.id), ...fields }], sb.credentials.authKey);
	assert.equal(answer[0] && answer[0].status, 'success', JSON.stringify(answer));
}

/**
 * Webhook (POST /webhook/<webhookPath>) -> a Kapture Order node named
 * `nodeName`; expressions in `parameters` read the request as `$json.body`.
 * The webhook answers with the node's first item (see callWebhook).
 */
export function orderByWebhook(name, webhookPath, nodeName, parameters, { credential }) {
	const webhook = webhookTrigger(webhookPath, { responseData: 'firstEntryJson' });
	return chainWorkflow(name, [webhook, orderNode(nodeName, parameters, { credential })]);
}

/** POSTs `body` to a webhook of the running n8n and resolves, with its answer parsed, when the workflow is done. */
export async function callWebhook(n8n, webhookPath, body) {
	const res = await fetch(`${n8n.baseUrl}/webhook/${webhookPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	const text = await res.text();
	assert.equal(res.status, 200, `webhook ${webhookPath}: ${text}`);
	return JSON.parse(text);
}

// ---- SourceHub (test/e2e/sourcehub.test.mjs) --------------------------------

export const SOURCEHUB_NODE = `${PACKAGE}.sourceHub`;
export const SOURCEHUB_CREDENTIAL_TYPE = 'sourceHubApi';

/**
 * The SourceHub sandbox (test/sandbox/sourcehub) in this process, and the
 * data of a sourceHubApi credential pointing at it.
 * @returns {Promise<import('../../sandbox/sourcehub/types').SourceHubSandbox>}
 */
export async function startSourceHubSandbox(options = {}) {
	return await requireTs('../../sandbox/sourcehub/index.ts').startSourceHubSandbox({ quiet: true, ...options });
}

export function sourceHubCredentialData(sh, overrides = {}) {
	return { environment: 'custom', baseUrl: sh.baseUrl, apiKey: sh.apiKey, ...overrides };
}

/** orderWorkflow with the SourceHub node (resource 'order' unless `parameters.resource` says otherwise). */
export function sourceHubWorkflow(name, parameters, { credential, nodeName = 'SourceHub', ...rest } = {}) {
	const wf = orderWorkflow(name, {}, { credential, nodeName, ...rest });
	const node = wf.nodes.find((n) => n.name === nodeName);
	Object.assign(node, {
		type: SOURCEHUB_NODE,
		parameters: { resource: 'order', ...parameters },
		credentials: { [SOURCEHUB_CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
	});
	return wf;
}
