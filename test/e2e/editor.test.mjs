// Our nodes in the n8n editor, in a real browser: headless Chromium (Debian's
// `chromium`, installed with apt-get when missing) drives a real n8n that has
// the BUILT package installed as a community package. It finds Kapture Order
// in the nodes panel and adds it to a canvas, opens each of its five
// operations, the Kapture API credential dialog and the trigger's panel (New
// Order, and Updated Order with a watched field chosen), and saves a
// screenshot of each. It also checks what a new user relies on before
// the first run: the hints and notices, the required marks, the Filters order,
// and the operation shown under each node on the canvas (its subtitle).
//
//   npm run build && node --test test/e2e/editor.test.mjs
//
// Screenshots go to docs/screenshots/tmp/ (ignored by git); set
// KAPTURE_SCREENSHOTS_DIR=docs/screenshots (or `npm run screenshots`) to
// refresh the README's. KAPTURE_E2E_KEEP=1 keeps n8n's user folder.

import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { ensureChromium, launchChromium } from './lib-editor/browser.mjs';
import {
	ACTIONS,
	CREDENTIAL_NAME,
	Editor,
	OPERATIONS,
	ORDER_TYPE,
	SOURCEHUB_TYPE,
	TRIGGER_TYPE,
	escapeRegExp,
	startEditorN8n,
	waitUntil,
} from './lib-editor/editor.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

// Texts of the built package (dist/, what n8n loads), read once n8n has checked dist/ exists.
let FILTER_LABELS;
let PHONE_OR_EMAIL_HINT;
let PARTNER_KEY_HINT;
let TRIGGER_NOTICE;
let WATCHABLE_LABELS;
function readBuiltTexts() {
	const built = createRequire(import.meta.url);
	const dist = path.join(repoRoot, 'dist', 'nodes', 'Kapture');
	const trigger = built(path.join(dist, 'trigger', 'description.js'));
	TRIGGER_NOTICE = trigger.triggerProperties.find((property) => property.name === 'watchNotice').displayName;
	WATCHABLE_LABELS = trigger.WATCHABLE_FIELDS.map((field) => field.name);
	FILTER_LABELS = built(path.join(dist, 'descriptions', 'pullFilters.js')).PULL_FILTER_OPTIONS.map((option) => option.displayName);
	PHONE_OR_EMAIL_HINT = built(path.join(dist, 'actions', 'order', 'fields', 'common.js')).PHONE_OR_EMAIL_HINT;
	PARTNER_KEY_HINT = built(path.join(dist, 'actions', 'order', 'pay.operation.js')).PARTNER_KEY_HINT;
}
const shotsDir = path.resolve(repoRoot, process.env.KAPTURE_SCREENSHOTS_DIR || path.join('docs', 'screenshots', 'tmp'));

describe('Kapture nodes in the n8n editor (headless Chromium)', { timeout: 20 * 60_000 }, () => {
	let env;
	let browser;
	let editor;

	before(async () => {
		const t0 = Date.now();
		ensureChromium();
		const chromiumSecs = ((Date.now() - t0) / 1000).toFixed(1);
		env = await startEditorN8n({ repoRoot });
		readBuiltTexts();
		browser = await launchChromium();
		editor = new Editor({ context: browser.context, baseUrl: env.baseUrl, shotsDir });
		const page = await editor.newPage();
		await editor.signIn(page);
		await page.close();
		process.stderr.write(
			`[editor-e2e] ready: chromium ${chromiumSecs} s, runtime ${env.timings.runtime} s, package ${env.timings.installPackage} s, ` +
				`imports ${env.timings.import} s, n8n start ${env.timings.start} s; screenshots in ${shotsDir}\n`,
		);
	});

	after(async () => {
		if (browser) await browser.close().catch(() => {});
		if (env) await env.dispose();
	});

	test('the nodes panel finds Kapture Order, lists its actions and trigger, and adds it to the canvas', async (t) => {
		const page = await editor.newPage();
		try {
			await editor.openWorkflow(page, env.ids.blank);
			await page.locator('[data-test-id="node-creator-plus-button"]').click();
			await page.locator('[data-test-id="node-creator-search-bar"]').fill('Kapture');
			const entry = page.locator('[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]', { hasText: /^Kapture Order$/ });
			await entry.first().waitFor();
			await entry.first().click();

			// The node's page in the panel: its actions, then its trigger.
			const names = page.locator('[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]');
			for (const action of ACTIONS) {
				await names.filter({ hasText: new RegExp(`^${escapeRegExp(action)}$`) }).first().waitFor();
			}
			const triggers = page.locator('[data-test-id="node-creator"]').getByText(/^Triggers \(\d+\)/);
			if (await triggers.count()) {
				await triggers.first().click();
				await page.waitForTimeout(500);
			}
			const listed = (await names.allInnerTexts()).map((s) => s.trim());
			t.diagnostic(`nodes panel lists: ${listed.join(' | ')}`);
			await editor.shot(page, 'nodes-panel.png');
			// The trigger's events are listed as its actions: one per Trigger On option.
			for (const event of ['On new order', 'On new or updated order', 'On updated order']) {
				assert.ok(listed.includes(event), `"${event}" is listed under Triggers: ${listed.join(' | ')}`);
			}

			// Add it: "Create an order" puts a Kapture Order node on the canvas and opens it.
			await names.filter({ hasText: /^Create an order$/ }).first().click();
			await page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"]').waitFor();
			assert.equal(await editor.operationShown(page), 'Create');

			// What a new user sees: the Phone or Email rule is said before any run, and
			// Customer Name, left empty, gets n8n's required mark (n8n marks a field once it was visited).
			assert.ok(await editor.shows(page, PHONE_OR_EMAIL_HINT), 'the Phone or Email hint is shown');
			t.diagnostic(`new Create node, untouched: marked ${(await editor.fieldsWithIssues(page)).join(' | ') || 'nothing'}`);
			await editor.parameterInput(page, 'customerName').click();
			await page.evaluate(() => document.activeElement?.blur());
			await waitUntil('Customer Name is marked required', async () => (await editor.fieldsWithIssues(page)).includes('Customer Name'), 5_000);
			t.diagnostic(`after visiting Customer Name: marked ${(await editor.fieldsWithIssues(page)).join(' | ')}`);
			await editor.shot(page, 'order-create-new.png', editor.parametersColumn(page));
			await page.keyboard.press('Escape');
			await waitUntil('a Kapture Order node on the canvas', async () => (await editor.canvasNodes(page, ORDER_TYPE).count()) === 1, 10_000);
		} finally {
			await page.close();
		}
	});

	test('Kapture Order: each operation opens', async (t) => {
		const page = await editor.newPage();
		try {
			await editor.openWorkflow(page, env.ids.order);
			assert.equal(await editor.canvasNodes(page, ORDER_TYPE).count(), 1, 'the imported Kapture Order node is on the canvas');
			assert.equal(await editor.canvasSubtitle(page, ORDER_TYPE), 'Create order', 'the canvas shows the operation under the node');
			await editor.shot(page, 'canvas.png', await editor.nodesClip(page));
			await editor.openNode(page, ORDER_TYPE);
			const column = editor.parametersColumn(page);

			const labels = await editor.openOperationSelect(page);
			t.diagnostic(`Operation options: ${labels.join(', ')}`);
			assert.deepEqual([...labels].sort(), OPERATIONS.map((o) => o.label).sort(), 'the operations');
			await editor.shot(page, 'order-operations.png', column);

			// Order ID is the same resource locator in Update, Get and Add Payment,
			// so the value n8n carries between operations stays readable (see below).
			for (const label of ['Create', 'Update', 'Create or Update', 'Add Payment', 'Get Many', 'Get']) {
				const op = OPERATIONS.find((o) => o.label === label);
				await editor.selectOperation(page, op.label);
				// The node on the canvas behind the panel follows: "Create or Update order"...
				await waitUntil(`the canvas shows "${label} order"`, async () => (await editor.canvasSubtitle(page, ORDER_TYPE)) === `${label} order`, 5_000);
				const marked = await editor.fieldsWithIssues(page);
				t.diagnostic(`${op.label}: ${(await editor.parameterLabels(page)).join(' | ')}; marked: ${marked.join(' | ') || 'nothing'}`);
				if (label === 'Create' || label === 'Update' || label === 'Create or Update') {
					assert.ok(await editor.shows(page, PHONE_OR_EMAIL_HINT), `${label} shows the Phone or Email hint`);
				}
				assert.deepEqual(await editor.cutLabels(page), [], `${label}: no label is cut short`);
				if (label === 'Update') assert.ok(marked.includes('Order ID'), 'the empty Order ID of Update is marked required');
				if (label === 'Add Payment') {
					// A quiet hint under Order ID, no warning-coloured notice.
					assert.ok(await editor.shows(page, PARTNER_KEY_HINT), 'the Partner API hint is shown');
					assert.equal(await column.getByText(/This operation uses the Partner API/).count(), 0, 'the old Partner API notice is gone');
					assert.ok(!marked.includes('Order ID'), 'the optional Order ID of Add Payment is not marked when empty');
				}
				if (label === 'Get Many') {
					await column.getByText(/^Add at least one filter/).first().waitFor();
				}
				await editor.shot(page, op.file, column);

				if (label === 'Get Many') {
					// n8n lists the filters in our order: common ones first, custom attributes 1 to 15 in numeric order.
					const filters = await editor.openCollectionOptions(page, 'Filters');
					t.diagnostic(`Add Filter lists: ${filters.join(', ')}`);
					assert.deepEqual(filters, FILTER_LABELS, 'the Filters list in the order the node gives');
					await editor.shot(page, 'order-get-many-filters.png', await column.boundingBox());
					await page.keyboard.press('Escape');
					await page.waitForTimeout(300);
				}
			}
		} finally {
			await page.close();
		}
	});

	test('the Kapture API credential dialog opens from the node', async () => {
		const page = await editor.newPage();
		try {
			// Tall enough for every field of the credential.
			await page.setViewportSize({ width: 1440, height: 1400 });
			await editor.openWorkflow(page, env.ids.order);
			await editor.openNode(page, ORDER_TYPE);
			const select = page.locator('[data-test-id="node-credentials-select"]');
			assert.match(await select.locator('input').first().inputValue(), new RegExp(escapeRegExp(CREDENTIAL_NAME)));
			await select.click();
			await page.locator('[data-test-id="node-credentials-select-item-new"]').click();
			const dialog = page.locator('[data-test-id="editCredential-modal"]');
			await dialog.waitFor();
			await dialog.getByText('Kapture API', { exact: true }).first().waitFor();
			await dialog.getByText('Subdomain', { exact: true }).first().waitFor();
			// Show every field: let the dialog and its scrolling body grow.
			await dialog.evaluate((root) => {
				root.style.setProperty('height', 'auto', 'important');
				root.style.setProperty('max-height', 'none', 'important');
				for (const el of root.querySelectorAll('*')) {
					if (el.scrollHeight > el.clientHeight + 4 && getComputedStyle(el).overflowY !== 'visible') {
						el.style.setProperty('max-height', 'none', 'important');
						el.style.setProperty('height', 'auto', 'important');
						el.style.setProperty('overflow', 'visible', 'important');
					}
				}
			});
			await page.waitForTimeout(300);
			await editor.shot(page, 'credential.png', dialog);
		} finally {
			await page.close();
		}
	});

	test('Kapture Order Trigger: its panel opens', async (t) => {
		const page = await editor.newPage();
		try {
			await editor.openWorkflow(page, env.ids.trigger);
			assert.equal(await editor.canvasNodes(page, TRIGGER_TYPE).count(), 1, 'the imported trigger is on the canvas');
			await editor.openNode(page, TRIGGER_TYPE);
			const ndv = page.locator('[data-test-id="ndv"]');
			assert.equal((await ndv.locator('[data-test-id="node-title-container"] [data-test-id="inline-edit-preview"]').first().innerText()).trim(), 'Kapture Order Trigger');
			await ndv.getByText('Trigger On', { exact: true }).first().waitFor();
			t.diagnostic(`trigger: ${(await editor.parameterLabels(page)).join(' | ')}`);
			await editor.shot(page, 'trigger.png', ndv);
		} finally {
			await page.close();
		}
	});

	test('Kapture Order Trigger: Updated Order shows its watch settings, takes a watched field, and the canvas says "Updated order"', async (t) => {
		const page = await editor.newPage();
		try {
			await editor.openWorkflow(page, env.ids.trigger);
			assert.equal(await editor.canvasSubtitle(page, TRIGGER_TYPE), 'New order', 'a saved trigger shows its event under the node');
			await editor.openNode(page, TRIGGER_TYPE);
			const before = await editor.parameterLabels(page);
			assert.ok(!before.some((label) => label.startsWith('Only When These Fields Change')), 'New Order has no watched fields');

			const events = await (async () => {
				await page.locator('[data-test-id="ndv"] [data-test-id="parameter-input-event"]').click();
				const labels = await editor.openOptionLabels(page);
				await page.keyboard.press('Escape');
				await page.waitForTimeout(300);
				return labels;
			})();
			t.diagnostic(`Trigger On lists: ${events.join(' | ')}`);
			assert.deepEqual(events, ['New Order', 'New or Updated Order', 'Updated Order']);
			if (!(await page.locator('[data-test-id="ndv"]').isVisible())) await editor.openNode(page, TRIGGER_TYPE);

			await editor.selectOption(page, 'event', 'Updated Order');
			// The canvas behind the panel follows the subtitle expression over `event`.
			await waitUntil('the canvas shows "Updated order"', async () => (await editor.canvasSubtitle(page, TRIGGER_TYPE)) === 'Updated order', 5_000);
			const labels = await editor.parameterLabels(page);
			t.diagnostic(`Updated Order: ${labels.join(' | ')}`);
			for (const label of ['Only When These Fields Change', 'Watch Window (Days)']) {
				assert.ok(labels.some((shown) => shown.startsWith(label)), `${label} is shown`);
			}
			// The panel cut the watch window's earlier label, "Watch Orders Created in the Last (D…".
			assert.deepEqual(await editor.cutLabels(page), [], 'no label is cut short');
			assert.ok(await editor.shows(page, TRIGGER_NOTICE), 'the notice says what is watched and what is not');
			assert.equal(await page.locator('[data-test-id="ndv"] [data-test-id="parameter-input-watchDays"] input').first().inputValue(), '7');

			const fields = await editor.selectMultiOptions(page, 'watchFields', ['Delivery Status']);
			t.diagnostic(`Only When These Fields Change lists: ${fields.join(' | ')}`);
			assert.deepEqual(fields, WATCHABLE_LABELS, 'every watchable field, in the order the node gives');
			assert.deepEqual(await editor.multiOptionsShown(page, 'watchFields'), ['Delivery Status']);
			await editor.shot(page, 'trigger-updated-order.png', page.locator('[data-test-id="ndv"]'));

			// Closed, the node still says which event it fires on.
			await page.locator('[data-test-id="ndv"] [data-test-id="back-to-canvas"]').first().click().catch(async () => page.keyboard.press('Escape'));
			await waitUntil('the panel is closed', async () => !(await page.locator('[data-test-id="ndv"]').isVisible()), 5_000);
			assert.equal(await editor.canvasSubtitle(page, TRIGGER_TYPE), 'Updated order');
		} finally {
			await page.close();
		}
	});

	test('SourceHub: Order > Create, its operations and Get Many open', async (t) => {
		const page = await editor.newPage();
		try {
			await editor.openWorkflow(page, env.ids.sourceHub);
			assert.equal(await editor.canvasSubtitle(page, SOURCEHUB_TYPE), 'Create order', 'the canvas shows the operation under the node');
			await editor.openNode(page, SOURCEHUB_TYPE);
			const column = editor.parametersColumn(page);
			const createLabels = await editor.parameterLabels(page);
			t.diagnostic(`Create: ${createLabels.join(' | ')}`);
			for (const label of ['Customer ID', 'Simplify', 'On Unavailable Items', 'Parallel Requests']) {
				assert.ok(createLabels.some((shown) => shown.startsWith(label)), `${label} is shown`);
			}
			assert.deepEqual(await editor.cutLabels(page), [], 'Create: no label is cut short');
			await editor.shot(page, 'sourcehub-create.png', column);

			const labels = await editor.openOperationSelect(page);
			assert.deepEqual([...labels].sort(), ['Create', 'Get', 'Get Many']);
			await editor.selectOperation(page, 'Get Many');
			await waitUntil('the canvas shows "Get Many order"', async () => (await editor.canvasSubtitle(page, SOURCEHUB_TYPE)) === 'Get Many order', 5_000);
			t.diagnostic(`Get Many: ${(await editor.parameterLabels(page)).join(' | ')}`);
			assert.ok((await editor.parameterLabels(page)).some((label) => /Customer Phone/.test(label)));
			assert.deepEqual(await editor.cutLabels(page), [], 'Get Many: no label is cut short');
			await editor.shot(page, 'sourcehub-get-many.png', column);
		} finally {
			await page.close();
		}
	});

	test(
		'switching Get -> Add Payment leaves Order ID readable',
		async (t) => {
			const page = await editor.newPage();
			try {
				await editor.openWorkflow(page, env.ids.order);
				await editor.openNode(page, ORDER_TYPE);
				await editor.selectOperation(page, 'Get');
				await editor.selectOperation(page, 'Add Payment');
				const values = await editor
					.parametersColumn(page)
					.locator('input, textarea')
					.evaluateAll((fields) => fields.map((field) => field.value));
				t.diagnostic(`Add Payment's fields after Get: ${JSON.stringify(values)}`);
				assert.ok(!values.includes('[object Object]'), 'no field shows [object Object]');
			} finally {
				await page.close();
			}
		},
	);
});
