import type { INode, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { KaptureOrder } from '../../../nodes/Kapture/KaptureOrder.node';
import { editorSubtitle, listedOperations } from '../../helpers/subtitle';

describe('node description', () => {
	const description = new KaptureOrder().description;

	const operation = description.properties.find((property) => property.name === 'operation');
	const options = (operation?.options ?? []) as Array<{ name: string; value: string; action?: string; description?: string }>;

	it('keeps offering the operations saved workflows use, the n8n way', () => {
		expect(options).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ name: 'Add Payment', value: 'pay', action: 'Add a payment to an order' }),
				expect.objectContaining({ name: 'Create', value: 'add', action: 'Create an order' }),
				expect.objectContaining({ name: 'Get', value: 'get', action: 'Get an order' }),
				expect.objectContaining({ name: 'Get Many', value: 'pull', action: 'Get many orders' }),
				expect.objectContaining({ name: 'Update', value: 'update', action: 'Update an order' }),
			]),
		);
		expect(options.map((option) => option.name)).toEqual(options.map((option) => option.name).sort((a, b) => a.localeCompare(b)));
		for (const option of options) expect(option).toEqual(expect.objectContaining({ action: expect.any(String), description: expect.any(String) }));
		expect(description).toMatchObject({ name: 'kaptureOrder', displayName: 'Kapture Order', usableAsTool: true });
		expect(description.credentials).toEqual([{ name: 'kaptureApi', required: true }]);
	});

	it('shows the picked operation under the node: its listed name and "order", for every listed operation', () => {
		const node = new KaptureOrder();
		const listed = listedOperations(node);
		expect(listed.map(([, value]) => value).sort()).toEqual(options.map((option) => option.value).sort());
		for (const [resource, operation, name] of listed) expect(editorSubtitle(node, { resource, operation })).toBe(`${name} order`);
		// A node fresh from the panel, with only the defaults.
		expect(editorSubtitle(node, {})).toBe('Create order');
	});

	it('the written-out subtitle names no operation the node does not list', () => {
		const names = /^=\{\{ \((\{.*\})\)\[\$parameter\["operation"\]\] \+ " order" \}\}$/.exec(String(description.subtitle))?.[1];
		expect(JSON.parse(names ?? '{}')).toEqual(Object.fromEntries(options.map((option) => [option.value, option.name])));
	});

	it('defaults the API choice per operation as documented', () => {
		const apis = description.properties.filter((property) => property.name === 'api');
		const byOperation = Object.fromEntries(
			apis.map((api) => [(api.displayOptions?.show?.operation as string[])[0], api.default]),
		);
		expect(byOperation).toEqual({ add: 'v1', update: 'v1', upsert: 'v1', pull: 'v1', get: 'partner' });
	});

	it('every property has a description', () => {
		const missing = description.properties.filter(
			(property) => property.type !== 'notice' && !property.description && !['resource', 'operation', 'options'].includes(property.name),
		);
		expect(missing.map((property) => property.name)).toEqual([]);
	});
});

/**
 * What a new user sees before the first run, checked with n8n-workflow's own
 * display and issue logic (the editor uses the same functions): the red
 * "required" mark, hints under fields and notices.
 */
describe('what the editor marks and says before a run', () => {
	const description = new KaptureOrder().description;
	const { properties } = description;

	/** The node as the editor holds it: our values on top of every default n8n fills in. */
	function nodeWith(values: INodeParameters): INode {
		const parameters = NodeHelpers.getNodeParameters(properties, { resource: 'order', ...values }, true, false, { typeVersion: 1 }, description);
		return { id: 'n', name: 'Kapture Order', type: 'kaptureOrder', typeVersion: 1, position: [0, 0], parameters: parameters ?? {} };
	}

	/** The parameter issues n8n reports (red triangle in the editor; the run is refused while any exists). */
	function issues(values: INodeParameters): Record<string, string[]> {
		return NodeHelpers.getNodeParametersIssues(properties, nodeWith(values), description)?.parameters ?? {};
	}

	/** The properties named `name` the editor shows for these values. */
	function shown(name: string, values: INodeParameters): INodeProperties[] {
		const node = nodeWith(values);
		return properties.filter(
			(property) => property.name === name && NodeHelpers.displayParameter(node.parameters, property, node, description),
		);
	}

	const only = (name: string, values: INodeParameters): INodeProperties => {
		const found = shown(name, values);
		expect(found).toHaveLength(1);
		return found[0];
	};

	it('v1 Create and Update mark an empty Customer Name as required, in fields mode only', () => {
		const filled = { customerName: 'Asha', phone: '9380491257' };
		expect(issues({ operation: 'add', api: 'v1', ...filled })).toEqual({});
		expect(issues({ operation: 'add', api: 'v1', ...filled, customerName: '' })).toEqual({
			customerName: ['Parameter "Customer Name" is required.'],
		});
		expect(issues({ operation: 'update', api: 'v1', ...filled, customerName: '', orderId: { __rl: true, mode: 'id', value: '42' } })).toEqual({
			customerName: ['Parameter "Customer Name" is required.'],
		});
		// An expression is not marked: what it gives is checked by the node, which names the field.
		expect(issues({ operation: 'add', api: 'v1', ...filled, customerName: '={{ $json.name }}' })).toEqual({});
		// Order JSON mode hides the field, so `required` cannot block a JSON run.
		expect(issues({ operation: 'add', api: 'v1', specifyOrder: 'json', customerName: '' })).toEqual({});
	});

	it('partner Create cannot mark Customer Name required (Customer ID may replace it), so a hint says when it is', () => {
		expect(issues({ operation: 'add', api: 'partner', customerName: '', phone: '1' })).toEqual({});
		const name = only('customerName', { operation: 'add', api: 'partner' });
		expect(name.required).toBe(false);
		expect(name.hint).toBe('Required unless Order Fields > Customer ID is given');
		expect(only('customerName', { operation: 'update', api: 'partner' }).hint).toBeUndefined();
	});

	it.each([
		['add', 'v1'],
		['add', 'partner'],
		['update', 'v1'],
		['update', 'partner'],
	])('%s (%s): Phone or Email is said under Email, and Order JSON lists what it needs', (operation, api) => {
		expect(only('email', { operation, api }).hint).toBe('Phone or Email is required: fill at least one of them');
		expect(only('phone', { operation, api }).hint).toBeUndefined();
		expect(only('orderJson', { operation, api, specifyOrder: 'json' }).hint).toMatch(/^Required: .*phone or email_id/);
	});

	it('Order ID: empty is "required" only (no digits complaint), letters get the digits message', () => {
		const orderId = (value: string) => ({ __rl: true, mode: 'id', value });
		const update = { operation: 'update', api: 'v1', customerName: 'Asha', phone: '1' };
		expect(issues({ ...update, orderId: orderId('') })).toEqual({ orderId: ['Parameter "Order ID" is required.'] });
		expect(issues({ ...update, orderId: orderId('12a') })).toEqual({ orderId: ['Order ID must contain digits only'] });
		expect(issues({ ...update, orderId: orderId(' 42 ') })).toEqual({});
		expect(issues({ ...update, orderId: orderId('={{ $json.id }}') })).toEqual({});
		// Add Payment may go by Payment ID alone: its Order ID is optional and not marked when empty.
		expect(issues({ operation: 'pay', orderId: orderId(''), amount: 10 })).toEqual({});
	});

	it('Add Payment: the Partner API note is a hint, not a warning-coloured notice', () => {
		const pay = { operation: 'pay' };
		const notices = properties.filter(
			(property) => property.type === 'notice' && NodeHelpers.displayParameter(nodeWith(pay).parameters, property, nodeWith(pay), description),
		);
		expect(notices).toEqual([]);
		expect(only('orderId', pay).hint).toMatch(/^Sent to Kapture's Partner API with the credential's Payment Update Auth Key/);
		expect(only('customerId', pay).hint).toBe('Order ID and Customer ID are required unless Payment ID is given');
	});

	it('Get Many (v1): a notice right above Filters says one is needed; not for the partner API', () => {
		const v1 = { operation: 'pull', api: 'v1' };
		const node = nodeWith(v1);
		const visible = properties.filter((property) => NodeHelpers.displayParameter(node.parameters, property, node, description));
		const filters = visible.findIndex((property) => property.name === 'filters');
		expect(visible[filters - 1]).toMatchObject({ type: 'notice', name: 'filtersNotice' });
		expect(visible[filters - 1].displayName).toMatch(/^Add at least one filter/);
		expect(shown('filtersNotice', { operation: 'pull', api: 'partner' })).toEqual([]);
		for (const operation of ['add', 'update', 'get', 'pay']) expect(shown('filtersNotice', { operation })).toEqual([]);
	});
});
