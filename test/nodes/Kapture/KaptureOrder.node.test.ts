import { KaptureOrder } from '../../../nodes/Kapture/KaptureOrder.node';

describe('node description', () => {
	const description = new KaptureOrder().description;

	it('offers the six operations the n8n way', () => {
		const operation = description.properties.find((property) => property.name === 'operation');
		expect(operation?.options).toEqual([
			expect.objectContaining({ name: 'Add Payment', value: 'pay', action: 'Add a payment to an order' }),
			expect.objectContaining({ name: 'Create', value: 'add', action: 'Create an order' }),
			expect.objectContaining({ name: 'Create or Update', value: 'upsert', action: 'Create or update an order' }),
			expect.objectContaining({ name: 'Get', value: 'get', action: 'Get an order' }),
			expect.objectContaining({ name: 'Get Many', value: 'pull', action: 'Get many orders' }),
			expect.objectContaining({ name: 'Update', value: 'update', action: 'Update an order' }),
		]);
		expect(description).toMatchObject({ name: 'kaptureOrder', displayName: 'Kapture Order', usableAsTool: true });
		expect(description.credentials).toEqual([{ name: 'kaptureApi', required: true }]);
	});

	it('names every operation in the subtitle', () => {
		expect(description.subtitle).toBe(
			'={{ ({"add":"Create","get":"Get","pay":"Add Payment","pull":"Get Many","update":"Update","upsert":"Create or Update"})[$parameter["operation"]] + " order" }}',
		);
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
