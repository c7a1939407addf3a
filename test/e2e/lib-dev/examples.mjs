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

/** The SourceHub credential kapture-to-sourcehub.json refers to; importers replace the id. */
export const SOURCEHUB_EXAMPLE_CREDENTIAL = Object.freeze({ type: 'sourceHubApi', id: 'sourceHubSandbox', name: 'SourceHub Sandbox' });

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
	{ file: 'kapture-to-sourcehub.json', id: 'kaptureExSrcHub0', trigger: 'New Kapture Order' },
	{ file: 'sheet-to-kapture.json', id: 'kaptureExSheet00' },
	{ file: 'nightly-pull-to-file.json', id: 'kaptureExNightly' },
	{ file: 'order-status-changed-notify.json', id: 'kaptureExStatus0', trigger: 'Updated Kapture Order' },
	// More examples go here, and `npm run dev` imports them, points their
	// credentials and Slack webhook at the sandboxes and activates those with a
	// `trigger` (the trigger node's name); their tests belong in examples.test.mjs.
]);

/** The text order-status-changed-notify.json sends when an order's delivery status goes from `from` to `to`. */
export function statusChangedMessage(orderId, from, to) {
	return `Order #${orderId}: delivery status ${from} → ${to}`;
}

/** A delivery status other than `current`, for the demo's "change a status" command. */
export function anotherDeliveryStatus(current) {
	return current === 'DL' ? 'CN' : 'DL';
}

/**
 * The command `npm run dev` prints to change an order's delivery status in the
 * Kapture sandbox: Kapture's own v1 update API (add-update with the update
 * flag), as any other system would call it.
 */
export function deliveryStatusCurl({ baseUrl, username, password }, orderId, status) {
	const body = JSON.stringify({ order_info: { update: true, order_id: String(orderId), delivery_status: status } });
	return `curl -u ${username}:${password} -H 'content-type: application/json' -d '${body}' ${baseUrl}/ms/customer/order/api/v1/add-update`;
}

/**
 * What `npm run dev` puts into the SourceHub sandbox (besides its documented
 * customer 9 and product 4): customers whose carts the Kapture→SourceHub
 * example turns into orders. The Kapture sandbox gives every generated order
 * one of these ids as custom attribute 1 (DEV_ATTR1_CHOICES), the field the
 * example reads the SourceHub customer from, and the SourceHub sandbox refills
 * a cart after each order (refillCarts), so any number of sample orders works.
 * Customer 12 wants a product that is out of stock: the example's "unavailable"
 * branch.
 */
export const DEV_SOURCEHUB = Object.freeze({
	products: [
		{ id: 5, name: 'Assam Tea 250 g', productpricing: { price: 120 }, stock: 100_000 },
		{ id: 6, name: 'Festive Gift Hamper', productpricing: { price: 1500 }, stock: 0 },
	],
	/** Stock of the documented product 4 (SourceHub's example has 100; the demo should last). */
	stock: [{ productId: 4, stock: 100_000 }],
	customers: [
		{ id: 9, documented: true, cart: [{ productId: 4, quantity: 3 }] }, // Amit De, in the sandbox from the start
		{ id: 10, company_name: 'Sharma General Stores', contact_person_name: 'Rohan Sharma', cart: [{ productId: 5, quantity: 10 }] },
		{
			id: 11,
			company_name: 'Iyer Provisions',
			contact_person_name: 'Kavya Iyer',
			cart: [
				{ productId: 4, quantity: 2 },
				{ productId: 5, quantity: 4 },
			],
		},
		{ id: 12, company_name: 'Nair Wholesale', contact_person_name: 'Meera Nair', cart: [{ productId: 6, quantity: 2 }] },
	],
});

/** The SourceHub sandbox's documented product (test/sandbox/sourcehub/store.ts), as the demo uses it. */
const DOCUMENTED_PRODUCT = Object.freeze({ id: 4, name: '3 Roses Mrp 10 (408pc)', productpricing: { price: 200 }, stock: 100 });

/** The Kapture sandbox's attr1Choices in `npm run dev`: the SourceHub customers above. */
export const DEV_ATTR1_CHOICES = Object.freeze(DEV_SOURCEHUB.customers.map((customer) => String(customer.id)));

/**
 * What the Kapture→SourceHub example does with a Kapture order for DEV_SOURCEHUB
 * customer `customerId`: the remark it writes back, as a pattern (the order
 * number is SourceHub's), and whether a SourceHub order is placed.
 */
export function expectedSourceHubOutcome(customerId, demo = DEV_SOURCEHUB) {
	const customer = demo.customers.find((c) => String(c.id) === String(customerId));
	if (!customer) throw new Error(`no SourceHub demo customer ${customerId}`);
	const product = (id) => {
		const found = demo.products.find((p) => p.id === id) ?? (id === DOCUMENTED_PRODUCT.id ? DOCUMENTED_PRODUCT : undefined);
		if (!found) throw new Error(`no SourceHub demo product ${id}`);
		const stock = demo.stock.find((s) => s.productId === id)?.stock ?? found.stock;
		return { ...found, stock };
	};
	const short = customer.cart.filter((line) => product(line.productId).stock < line.quantity);
	if (short.length > 0) {
		const text = short.map((line) => `${product(line.productId).name} (${line.quantity} required, ${product(line.productId).stock} available)`).join('; ');
		return { placed: false, remark: new RegExp(`^SourceHub placed no order: ${escapeRegExp(text)}$`) };
	}
	const billable = customer.cart.reduce((sum, line) => sum + line.quantity * product(line.productId).productpricing.price, 0);
	return { placed: true, billable, remark: new RegExp(`^SourceHub order (\\d{7}) placed \\(Placed, billable ${billable}\\)$`) };
}

function escapeRegExp(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Puts DEV_SOURCEHUB into the SourceHub sandbox at `origin` through its
 * /__sandbox endpoints (the sandbox may run in another process).
 */
export async function seedSourceHubSandbox(origin, demo = DEV_SOURCEHUB) {
	const post = async (what, body) => {
		const res = await fetch(`${origin}/__sandbox/${what}`, { method: 'POST', body: JSON.stringify(body) });
		const text = await res.text();
		if (!res.ok) throw new Error(`SourceHub sandbox: POST /__sandbox/${what} ${JSON.stringify(body)} answered ${res.status} ${text}`);
		return JSON.parse(text);
	};
	for (const product of demo.products) await post('products', product);
	for (const stock of demo.stock) await post('stock', stock);
	for (const { cart, documented, ...customer } of demo.customers) {
		if (!documented) await post('customers', customer);
		await post('cart', { customerId: customer.id, items: cart });
	}
}

/** The data of a sourceHubApi credential for a SourceHub sandbox (`baseUrl` ends in /api). */
export function sourceHubSandboxCredentialData({ baseUrl, apiKey }) {
	return { environment: 'custom', baseUrl, apiKey };
}

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
 * @param {{id: string, name: string}} [options.sourceHubCredential]  replaces every sourceHubApi reference
 * @param {string} [options.notifyUrl]  replaces the Slack webhook placeholder
 * @param {string} [options.filesDir]  replaces the /home/node/.n8n-files/ folder
 * @param {object[]} [options.pollTimes]  the trigger's Poll Times items
 * @param {string} [options.name]  workflow name
 */
export function prepareExample(workflow, { id, credential, sourceHubCredential, notifyUrl, filesDir, pollTimes, name } = {}) {
	const wf = structuredClone(workflow);
	if (id) wf.id = id;
	if (name) wf.name = name;
	for (const node of wf.nodes) {
		if (credential && node.credentials && node.credentials[EXAMPLE_CREDENTIAL.type]) {
			node.credentials[EXAMPLE_CREDENTIAL.type] = { id: credential.id, name: credential.name };
		}
		if (sourceHubCredential && node.credentials && node.credentials[SOURCEHUB_EXAMPLE_CREDENTIAL.type]) {
			node.credentials[SOURCEHUB_EXAMPLE_CREDENTIAL.type] = { id: sourceHubCredential.id, name: sourceHubCredential.name };
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
