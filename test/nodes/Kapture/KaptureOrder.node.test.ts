import { KaptureOrder } from '../../../nodes/Kapture/KaptureOrder.node';

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

	it('names every listed operation in the subtitle', () => {
		const names = /^=\{\{ \((\{.*\})\)\[\$parameter\["operation"\]\] \+ " order" \}\}$/.exec(String(description.subtitle))?.[1];
		expect(JSON.parse(names ?? '{}')).toEqual(Object.fromEntries(options.map((option) => [option.value, option.name])));
		expect(JSON.parse(names ?? '{}')).toMatchObject({ add: 'Create', pull: 'Get Many' });
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
