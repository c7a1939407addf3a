import type { IExecuteFunctions } from 'n8n-workflow';

import { operationMap, resourceProperties, type Operation } from '../../../../nodes/shared/helpers/operations';

const operation = (name: string, value: string): Operation => ({
	option: { name, value, action: `${name} a thing`, description: `${name} it` },
	description: [{ displayName: `${name} Field`, name: `${value}Field`, type: 'string', default: '' }],
	execute: async function (this: IExecuteFunctions) {
		return [];
	},
});

describe('operation registry', () => {
	const operations = operationMap({ zap: operation('Zap', 'zap'), add: operation('Add', 'add') });

	it('lists the options sorted by name, then every operation’s fields', () => {
		const [list, ...fields] = resourceProperties('thing', operations, 'add');
		expect(list).toMatchObject({ name: 'operation', default: 'add', displayOptions: { show: { resource: ['thing'] } } });
		expect(list.options?.map((option) => (option as { value: string }).value)).toEqual(['add', 'zap']);
		expect(fields.map((field) => field.name)).toEqual(['zapField', 'addField']);
	});

	it('refuses an operation filed under another value than its own', () => {
		expect(() => operationMap({ add: operation('Add', 'create') })).toThrow('Operation "add" declares the value "create"');
	});
});
