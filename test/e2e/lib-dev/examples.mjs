// The example workflows of examples/ and how they are made ready for one n8n:
// the credential reference pointed at an imported credential, the stand-ins
// for the outside world (Slack webhook, file folder) pointed at local places,
// and optionally a faster poll for the trigger. Used by scripts/dev.mjs and by
// test/e2e/examples.test.mjs, so both import the examples the same way.
//
// Plain ESM, no dependencies.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..', '..');
export const examplesDir = path.join(repoRoot, 'examples');

/** The credential the example files refer to; importers replace the id. */
export const EXAMPLE_CREDENTIAL = Object.freeze({ type: 'kaptureApi', id: 'kaptureSandbox', name: 'Kapture Sandbox' });

/** The Slack webhook placeholder in new-order-notify.json. */
export const NOTIFY_PLACEHOLDER_URL = 'https://hooks.slack.com/services/REPLACE/WITH/YOUR-WEBHOOK';

/** The folder nightly-pull-to-file.json writes into (the Docker image's ~/.n8n-files). */
export const FILES_PLACEHOLDER_DIR = '/home/node/.n8n-files/';

/**
 * Every example with a fixed 16-character workflow id, so importing it again
 * replaces the earlier copy instead of adding another.
 */
export const EXAMPLES = Object.freeze([
	{ file: 'new-order-notify.json', id: 'kaptureExNotify0', trigger: 'New Kapture Order' },
	{ file: 'sheet-to-kapture.json', id: 'kaptureExSheet00' },
	{ file: 'nightly-pull-to-file.json', id: 'kaptureExNightly' },
]);

/** Every 5 s (or `step` s) as n8n 2.x accepts it: one cron entry per second value. */
export function pollEverySeconds(step = 5) {
	const items = [];
	for (let s = 0; s < 60; s += step) items.push({ mode: 'custom', cronExpression: `${s} * * * * *` });
	return items;
}

export function loadExample(file) {
	return JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8'));
}

/**
 * A copy of an example ready to import.
 * @param {object} workflow  parsed example
 * @param {object} options
 * @param {string} [options.id]  workflow id
 * @param {{id: string, name: string}} [options.credential]  replaces every kaptureApi reference
 * @param {string} [options.notifyUrl]  replaces the Slack webhook placeholder
 * @param {string} [options.filesDir]  replaces the /home/node/.n8n-files/ folder
 * @param {object[]} [options.pollTimes]  the trigger's Poll Times items
 * @param {string} [options.name]  workflow name
 */
export function prepareExample(workflow, { id, credential, notifyUrl, filesDir, pollTimes, name } = {}) {
	const wf = structuredClone(workflow);
	if (id) wf.id = id;
	if (name) wf.name = name;
	for (const node of wf.nodes) {
		if (credential && node.credentials && node.credentials[EXAMPLE_CREDENTIAL.type]) {
			node.credentials[EXAMPLE_CREDENTIAL.type] = { id: credential.id, name: credential.name };
		}
		const p = node.parameters || {};
		if (notifyUrl && node.type === 'n8n-nodes-base.httpRequest' && p.url === NOTIFY_PLACEHOLDER_URL) p.url = notifyUrl;
		if (filesDir && node.type === 'n8n-nodes-base.readWriteFile' && typeof p.fileName === 'string') {
			const dir = filesDir.endsWith('/') ? filesDir : `${filesDir}/`;
			p.fileName = p.fileName.replace(FILES_PLACEHOLDER_DIR, dir);
		}
		if (pollTimes && node.type === 'n8n-nodes-kapture.kaptureOrderTrigger') p.pollTimes = { item: pollTimes };
	}
	return wf;
}

/** What import:workflow needs besides the example (see instance.importWorkflow). */
export function withImportFields(wf) {
	return {
		active: false,
		connections: {},
		pinData: {},
		...wf,
		settings: { executionOrder: 'v1', ...(wf.settings || {}) },
		versionId: wf.versionId || crypto.randomUUID(),
	};
}

/** A stable hash of a prepared workflow (without versionId), to see if it changed. */
export function workflowHash(wf) {
	const { versionId, ...rest } = wf;
	return crypto.createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
}

/**
 * Imports many workflows with one `n8n import:workflow` (one n8n start).
 * @returns {Promise<string[]>} their ids
 */
export async function importWorkflows(n8n, workflows) {
	return await n8n.importWorkflows(workflows.map(withImportFields));
}

/** The data of a kaptureApi credential for a sandbox at `baseUrl`. */
export function sandboxCredentialData({ baseUrl, username, password, cmId, authKey }) {
	return { subdomain: '', baseUrl, username, password, cmId: Number(cmId), authKey };
}

/** Parses CSV text as written by n8n's Convert to File (BOM, quotes, commas, CRLF/LF) into objects by header. */
export function parseCsv(text) {
	text = text.replace(/^\uFEFF/, ''); // n8n writes a BOM so Excel reads UTF-8
	const rows = [];
	let row = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"') {
				if (text[i + 1] === '"') {
					field += '"';
					i++;
				} else quoted = false;
			} else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(field);
			field = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else field += c;
	}
	if (field !== '' || row.length) {
		row.push(field);
		rows.push(row);
	}
	const [header = [], ...body] = rows.filter((r) => r.length > 1 || r[0] !== '');
	return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}
