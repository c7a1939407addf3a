// Drives the n8n editor (2.40.x) in headless Chromium for editor.test.mjs:
// a real n8n with our BUILT package installed as a community package, a few
// imported workflows, and page helpers built on n8n's own data-test-id hooks.

import fs from 'node:fs';
import path from 'node:path';

import { ensureRuntime } from '../../../scripts/n8n/runtime.mjs';
import { createInstance, DEFAULT_OWNER } from '../../../scripts/n8n/instance.mjs';

export const PKG = 'n8n-nodes-kapture';
export const ORDER_TYPE = `${PKG}.kaptureOrder`;
export const TRIGGER_TYPE = `${PKG}.kaptureOrderTrigger`;
export const CREDENTIAL_TYPE = 'kaptureApi';
export const CREDENTIAL_NAME = 'Kapture demo account';
export const SOURCEHUB_TYPE = `${PKG}.sourceHub`;
export const SOURCEHUB_CREDENTIAL_NAME = 'SourceHub demo account';

/** Operation labels of Kapture Order, with the screenshot each gets. */
export const OPERATIONS = [
	{ label: 'Create', value: 'add', file: 'order-create.png' },
	{ label: 'Update', value: 'update', file: 'order-update.png' },
	{ label: 'Create or Update', value: 'upsert', file: 'order-create-or-update.png' },
	{ label: 'Get Many', value: 'pull', file: 'order-get-many.png' },
	{ label: 'Get', value: 'get', file: 'order-get.png' },
	{ label: 'Add Payment', value: 'pay', file: 'order-add-payment.png' },
];

/** The "action" texts n8n lists for the node in the nodes panel. */
export const ACTIONS = ['Add a payment to an order', 'Create an order', 'Create or update an order', 'Get an order', 'Get many orders', 'Update an order'];

const MANUAL = 'When clicking ‘Execute workflow’';

function log(msg) {
	process.stderr.write(`[editor-e2e] ${msg}\n`);
}

/**
 * A running n8n with our package, a credential and three workflows:
 *   order:   Manual Trigger -> Kapture Order (credential set)
 *   trigger: Kapture Order Trigger (credential set)
 *   blank:   Manual Trigger only (the nodes panel adds Kapture Order to it)
 *   sourceHub: Manual Trigger -> SourceHub, Order > Create (its credential set)
 * @returns {Promise<{n8n: object, baseUrl: string, ids: {order: string, trigger: string, blank: string, sourceHub: string, credential: string}, timings: object, dispose: () => Promise<void>}>}
 */
export async function startEditorN8n({ repoRoot, keep = !!process.env.KAPTURE_E2E_KEEP } = {}) {
	const timings = {};
	const t = () => {
		const t0 = Date.now();
		return () => ((Date.now() - t0) / 1000).toFixed(1);
	};
	let done = t();
	const runtime = await ensureRuntime();
	timings.runtime = done();

	if (!fs.existsSync(path.join(repoRoot, 'dist', 'nodes', 'Kapture', 'KaptureOrder.node.js'))) {
		throw new Error(`dist/ is missing: run \`npm run build\` before the editor test (npm run test:e2e does)`);
	}
	fs.mkdirSync(path.join(repoRoot, '.n8n-e2e'), { recursive: true });
	const userFolder = fs.mkdtempSync(path.join(repoRoot, '.n8n-e2e', 'editor-'));
	const n8n = await createInstance({ runtime, userFolder });
	const dispose = async () => {
		await n8n.stop();
		if (!keep) fs.rmSync(userFolder, { recursive: true, force: true, maxRetries: 5 });
	};
	try {
		done = t();
		await n8n.installPackage(repoRoot);
		timings.installPackage = done();

		done = t();
		const [credential] = await n8n.importCredentials([
			{
				name: CREDENTIAL_NAME,
				type: CREDENTIAL_TYPE,
				data: { subdomain: 'acme', username: 'n8n', password: 'not-a-secret', cmId: 1000298, authKey: 'not-a-secret' },
			},
		]);
		const creds = { [CREDENTIAL_TYPE]: { id: credential, name: CREDENTIAL_NAME } };
		const order = await n8n.importWorkflow({
			name: 'Kapture Order',
			nodes: [
				{ id: 'manual', name: MANUAL, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-240, 0], parameters: {} },
				{
					id: 'order',
					name: 'Kapture Order',
					type: ORDER_TYPE,
					typeVersion: 1,
					position: [0, 0],
					parameters: { resource: 'order', operation: 'add', customerName: 'Asha Rao', phone: '9380491257', email: 'asha@example.com' },
					credentials: creds,
				},
			],
			connections: { [MANUAL]: { main: [[{ node: 'Kapture Order', type: 'main', index: 0 }]] } },
		});
		const trigger = await n8n.importWorkflow({
			name: 'Kapture Order Trigger',
			nodes: [
				{
					id: 'trigger',
					name: 'Kapture Order Trigger',
					type: TRIGGER_TYPE,
					typeVersion: 1,
					position: [0, 0],
					parameters: { event: 'newOrder' },
					credentials: creds,
				},
			],
		});
		const [sourceHubCredential] = await n8n.importCredentials([
			{ name: SOURCEHUB_CREDENTIAL_NAME, type: 'sourceHubApi', data: { apiKey: 'not-a-secret', environment: 'test' } },
		]);
		const sourceHub = await n8n.importWorkflow({
			name: 'SourceHub',
			nodes: [
				{ id: 'manual', name: MANUAL, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-240, 0], parameters: {} },
				{
					id: 'sourcehub',
					name: 'SourceHub',
					type: SOURCEHUB_TYPE,
					typeVersion: 1,
					position: [0, 0],
					parameters: {
						resource: 'order',
						operation: 'create',
						customerId: { __rl: true, mode: 'id', value: '={{ $json.sourceHubCustomerId }}' },
						options: { onUnavailableItems: 'output', parallelRequests: 5 },
					},
					credentials: { sourceHubApi: { id: sourceHubCredential, name: SOURCEHUB_CREDENTIAL_NAME } },
				},
			],
			connections: { [MANUAL]: { main: [[{ node: 'SourceHub', type: 'main', index: 0 }]] } },
		});
		const blank = await n8n.importWorkflow({
			name: 'Add a Kapture node',
			nodes: [{ id: 'manual', name: MANUAL, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }],
		});
		timings.import = done();

		done = t();
		await n8n.start();
		await n8n.ownerSetup();
		timings.start = done();
		return { n8n, baseUrl: n8n.baseUrl, ids: { order, trigger, blank, sourceHub, credential }, timings, dispose };
	} catch (err) {
		await dispose();
		throw err;
	}
}

/** Page helpers for one signed-in browser context. */
export class Editor {
	constructor({ context, baseUrl, shotsDir }) {
		this.context = context;
		this.baseUrl = baseUrl;
		this.shotsDir = shotsDir;
		this.shots = [];
		fs.mkdirSync(shotsDir, { recursive: true });
	}

	/** A new tab; unsaved-changes prompts are accepted (tabs are closed without them). */
	async newPage() {
		const page = await this.context.newPage();
		page.setDefaultTimeout(30_000);
		page.on('dialog', (d) => d.accept().catch(() => {}));
		return page;
	}

	/** Signs in as the owner through the sign-in form. */
	async signIn(page) {
		await page.goto(`${this.baseUrl}/signin`);
		await page.getByLabel(/email/i).fill(DEFAULT_OWNER.email);
		await page.getByLabel(/password/i).fill(DEFAULT_OWNER.password);
		await page.getByRole('button', { name: /sign in/i }).click();
		await page.waitForURL((u) => !u.pathname.includes('/signin'), { timeout: 60_000 });
	}

	/** Opens a workflow and waits until its nodes are on the canvas. */
	async openWorkflow(page, id) {
		await page.goto(`${this.baseUrl}/workflow/${id}`);
		await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
		await this.settle(page);
	}

	/** Dismisses what n8n may lay over the editor: the edit lock pill, toasts, surveys. */
	async settle(page) {
		await page.waitForTimeout(500);
		// Another tab (a previous test's) held the workflow: take it over.
		const editHere = page.getByRole('button', { name: 'Edit here' });
		if (await editHere.isVisible().catch(() => false)) {
			await editHere.click();
			await page.waitForTimeout(500);
		}
		for (const close of await page.locator('.el-notification .el-notification__closeBtn:visible').all()) {
			await close.click().catch(() => {});
		}
		const nps = page.locator('[data-test-id="nps-survey-modal"]');
		if (await nps.isVisible().catch(() => false)) await page.keyboard.press('Escape');
	}

	canvasNodes(page, type) {
		return page.locator(`[data-test-id="canvas-node"][data-node-type="${type}"]`);
	}

	/**
	 * The line the canvas shows under a node's name: the node's evaluated
	 * `subtitle` ('' when n8n shows none, e.g. when the expression fails). n8n
	 * 2.40 gives it no test id, only a CSS-module class named "subtitle".
	 */
	async canvasSubtitle(page, type) {
		const subtitle = this.canvasNodes(page, type).first().locator('[class*="_subtitle_"]');
		return (await subtitle.count()) ? (await subtitle.first().innerText()).trim() : '';
	}

	/** Double-clicks a canvas node and waits for its parameter panel. */
	async openNode(page, type) {
		await this.canvasNodes(page, type).first().dblclick();
		await page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"]').waitFor();
		await page.waitForTimeout(300);
	}

	/** The NDV column with the Parameters/Settings tabs. */
	parametersColumn(page) {
		return page.locator('[data-test-id="ndv"] main > div').filter({ has: page.locator('[data-test-id="tab-params"]') });
	}

	/** A clip rectangle around all canvas nodes (and their labels), with a margin. */
	async nodesClip(page, margin = { x: 140, y: 90 }) {
		const boxes = [];
		for (const node of await page.locator('[data-test-id="canvas-node"]').all()) {
			const b = await node.boundingBox();
			if (b) boxes.push(b);
		}
		if (!boxes.length) throw new Error('no canvas nodes to frame');
		const vp = page.viewportSize();
		const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - margin.x);
		const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - margin.y);
		// Labels and subtitles hang below the node box.
		const right = Math.min(vp.width, Math.max(...boxes.map((b) => b.x + b.width)) + margin.x);
		const bottom = Math.min(vp.height, Math.max(...boxes.map((b) => b.y + b.height)) + margin.y + 40);
		return { x, y, width: right - x, height: bottom - y };
	}

	/** Labels of the options of the open (visible) select dropdown. */
	async openOptionLabels(page) {
		const items = page.locator('[data-test-id="parameter-input-item"]:visible');
		await items.first().waitFor();
		return (await items.locator('.option-headline').allInnerTexts()).map((s) => s.trim());
	}

	/** Opens the Operation select; returns the option labels. */
	async openOperationSelect(page) {
		await page.locator('[data-test-id="parameter-input-operation"]').click();
		return this.openOptionLabels(page);
	}

	/** The label the Operation select shows. */
	async operationShown(page) {
		const input = page.locator('[data-test-id="parameter-input-operation"] input').first();
		const value = (await input.count()) ? await input.inputValue().catch(() => '') : '';
		if (value) return value.trim();
		return (await page.locator('[data-test-id="parameter-input-operation"]').innerText()).trim();
	}

	/** The label an options parameter (a select) shows, by parameter name. */
	async optionShown(page, name) {
		const input = page.locator(`[data-test-id="ndv"] [data-test-id="parameter-input-${name}"] input`).first();
		return ((await input.count()) ? await input.inputValue().catch(() => '') : '').trim();
	}

	/** Picks the option `label` (exact) of an options parameter and waits until the select shows it. */
	async selectOption(page, name, label) {
		await page.locator(`[data-test-id="ndv"] [data-test-id="parameter-input-${name}"]`).click();
		const item = page
			.locator('[data-test-id="parameter-input-item"]:visible')
			.filter({ has: page.locator('.option-headline', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) });
		await item.first().waitFor();
		if ((await item.count()) !== 1) throw new Error(`option "${label}" not found in the ${name} dropdown`);
		await item.click();
		await waitUntil(`${name} shows "${label}"`, async () => (await this.optionShown(page, name)) === label, 10_000);
		await page.waitForTimeout(400); // the fields that depend on it render
	}

	/**
	 * Adds `labels` to a multi-options parameter (by name), then closes its
	 * dropdown by clicking the parameter's own label. Returns every option the
	 * dropdown listed, in its order.
	 */
	async selectMultiOptions(page, name, labels) {
		const field = page.locator(`[data-test-id="ndv"] [data-test-id="parameter-input-${name}"]`);
		await field.click();
		const items = page.locator('.el-select-dropdown:visible .el-select-dropdown__item');
		await items.first().waitFor();
		const listed = (await items.allInnerTexts()).map((s) => s.trim());
		for (const label of labels) {
			const item = items.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) });
			if ((await item.count()) !== 1) throw new Error(`option "${label}" not found in the ${name} dropdown: ${listed.join(' | ')}`);
			await item.click();
		}
		await page
			.locator('[data-test-id="ndv"] [data-test-id="parameter-item"]')
			.filter({ has: page.locator(`[data-test-id="parameter-input-${name}"]`) })
			.locator('[data-test-id="input-label"]')
			.first()
			.click({ position: { x: 5, y: 5 } });
		await page.waitForTimeout(400);
		return listed;
	}

	/** The labels a multi-options parameter shows as chosen (its tags). */
	async multiOptionsShown(page, name) {
		const tags = page.locator(`[data-test-id="ndv"] [data-test-id="parameter-input-${name}"] .el-tag`);
		return (await tags.allInnerTexts()).map((s) => s.trim()).filter(Boolean);
	}

	/** Picks an operation by its label (exact) and waits until the select shows it. */
	async selectOperation(page, label) {
		const open = await page.locator('[data-test-id="parameter-input-item"]:visible').count();
		if (!open) await this.openOperationSelect(page);
		const item = page
			.locator('[data-test-id="parameter-input-item"]:visible')
			.filter({ has: page.locator('.option-headline', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) });
		if ((await item.count()) !== 1) throw new Error(`operation "${label}" not found in the Operation dropdown`);
		await item.click();
		await waitUntil(`Operation shows "${label}"`, async () => (await this.operationShown(page)) === label, 10_000);
		await page.waitForTimeout(400); // the fields of the operation render
	}

	/**
	 * Labels of the shown parameters that the panel cuts short (CSS ellipsis:
	 * the text is all there, but wider than its box), for checking that none is.
	 */
	async cutLabels(page) {
		return page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"] [data-test-id="input-label"]:visible').evaluateAll((labels) =>
			labels
				.filter((label) => [label, ...label.querySelectorAll('*')].some((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible'))
				.map((label) => label.innerText.replace(/\s+/g, ' ').trim()),
		);
	}

	/** Labels of the parameters the panel shows now (for the test's log). */
	async parameterLabels(page) {
		const labels = await page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"] [data-test-id="input-label"]:visible').allInnerTexts();
		return labels.map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean);
	}

	/**
	 * Whether the panel shows this text now. n8n 2.40 renders a parameter's
	 * `hint` as plain HTML under the input (no test id), so hints are found by text.
	 */
	async shows(page, text) {
		return (await this.parametersColumn(page).getByText(text, { exact: true }).locator('visible=true').count()) > 0;
	}

	/** The text box of a shown parameter, by its parameter name. */
	parameterInput(page, name) {
		return page
			.locator(`[data-test-id="ndv"] [data-test-id="parameter-input-${name}"]:visible`)
			.locator('input, textarea, [contenteditable="true"]')
			.first();
	}

	/** Names of the fields whose input shows n8n's issue mark (the red triangle) now. */
	async fieldsWithIssues(page) {
		const items = page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"] [data-test-id="parameter-item"]').filter({
			has: page.locator('[data-test-id="parameter-issues"]:visible'),
		});
		const names = [];
		for (const item of await items.all()) {
			const label = item.locator('[data-test-id="input-label"]').first();
			// The label's first line is the field name (options and hints follow it).
			if (await label.count()) names.push((await label.innerText()).split('\n')[0].trim());
		}
		return names;
	}

	/**
	 * Opens the "Add …" select of a collection (by its label, e.g. "Filters")
	 * and returns the labels it lists, in the order n8n shows them. The list stays open.
	 */
	async openCollectionOptions(page, label) {
		const item = page
			.locator('[data-test-id="ndv"] [data-test-id="node-parameters"] [data-test-id="parameter-item"]')
			.filter({ has: page.locator('[data-test-id="input-label"]', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
			.last();
		const add = item.locator('[data-test-id="collection-parameter-add"]').first();
		try {
			await add.click({ timeout: 10_000 });
		} catch (err) {
			const html = (await item.count()) ? await item.evaluate((el) => el.outerHTML.slice(0, 3000)) : '(no parameter item)';
			throw new Error(`${err.message}\nthe "${label}" parameter item: ${html}`);
		}
		const options = page.locator('[data-test-id="collection-parameter-option"]:visible');
		await options.first().waitFor();
		return (await options.allInnerTexts()).map((s) => s.trim());
	}

	/**
	 * Saves a PNG in shotsDir. target: a locator (its box), a clip rect, or
	 * nothing (the viewport). Moves the mouse away first so no hover shows.
	 */
	async shot(page, file, target) {
		const out = path.join(this.shotsDir, file);
		await page.mouse.move(2, 890);
		await page.waitForTimeout(300);
		const opts = { path: out, animations: 'disabled', caret: 'hide' };
		if (target && typeof target.screenshot === 'function') await target.screenshot(opts);
		else await page.screenshot({ ...opts, ...(target ? { clip: target } : {}) });
		const size = fs.statSync(out).size;
		if (size < 5_000) throw new Error(`${file} is only ${size} bytes: a blank page?`);
		this.shots.push(file);
		log(`saved ${path.relative(process.cwd(), out)} (${Math.round(size / 1024)} KB)`);
		return out;
	}
}

export function escapeRegExp(s) {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function waitUntil(what, fn, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await fn()) return;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}
