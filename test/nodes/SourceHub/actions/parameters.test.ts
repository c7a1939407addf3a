// Each operation reads and checks its parameters before anything is sent:
// bad input is a named error pointing at the field and the item.

import type { IExecuteFunctions, INode } from 'n8n-workflow';

import * as cartGet from '../../../../nodes/SourceHub/actions/cart/get.operation';
import * as create from '../../../../nodes/SourceHub/actions/order/create.operation';
import * as get from '../../../../nodes/SourceHub/actions/order/get.operation';
import * as getAll from '../../../../nodes/SourceHub/actions/order/getAll.operation';

const NODE = { name: 'SourceHub', type: 'sourceHub', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;

/** Just enough of n8n's execute context for reading parameters. */
function contextWith(parameters: Record<string, unknown>): IExecuteFunctions {
	return {
		getNode: () => NODE,
		getNodeParameter: (name: string, _item: number, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
	} as unknown as IExecuteFunctions;
}

describe('Order > Create parameters', () => {
	it('reads the customer, Simplify and the unavailable-items choice', () => {
		expect(create.readParameters(contextWith({ customerId: ' 9 ', simplify: false }), 0)).toEqual({ customerId: '9', simplify: false, outputUnavailable: false });
		expect(create.readParameters(contextWith({ customerId: '9', options: { onUnavailableItems: 'output' } }), 0).outputUnavailable).toBe(true);
	});

	it.each([
		['', /^Customer ID is required$/],
		['abc', /^Customer ID must contain digits only, got "abc"$/],
		['9.5', /Customer ID must contain digits only/],
		['-9', /Customer ID must contain digits only/],
		['1'.repeat(20), /Customer ID must have at most 19 digits, got 20/],
	])('refuses Customer ID %p, on the item it came from', (customerId, message) => {
		expect(() => create.readParameters(contextWith({ customerId }), 3)).toThrow(message);
		// The message names the field; n8n's itemIndex names the item.
		expect(() => create.readParameters(contextWith({ customerId }), 3)).toThrow(expect.objectContaining({ context: expect.objectContaining({ itemIndex: 3 }) }));
	});
});

describe('Order > Get and Cart > Get parameters', () => {
	it('reads the ids as text', () => {
		expect(get.readParameters(contextWith({ orderId: '41201' }), 0)).toEqual({ orderId: '41201', simplify: true });
		expect(cartGet.readParameters(contextWith({ customerId: 9 }), 0)).toEqual({ customerId: '9', simplify: true });
	});

	it('names the field of a bad id', () => {
		expect(() => get.readParameters(contextWith({ orderId: '0041127x' }), 0)).toThrow(/^Order ID must contain digits only, got "0041127x"/);
		expect(() => cartGet.readParameters(contextWith({ customerId: '' }), 1)).toThrow(/^Customer ID is required/);
	});
});

describe('Order > Get Many parameters', () => {
	it('builds the query: the phone as typed and the days as dd-mm-yyyy', () => {
		const parameters = getAll.readParameters(
			contextWith({ customerPhone: ' 91633 67906 ', returnAll: false, limit: 30, filters: { fromDate: '2024-11-01T00:00:00', toDate: '2024-11-07T23:59:00' } }),
			0,
		);
		expect(parameters).toEqual({ query: { phone_number: '91633 67906', from_date: '01-11-2024', to_date: '07-11-2024' }, limit: 30, simplify: true });
	});

	it('Return All has no limit; one date alone is fine', () => {
		const parameters = getAll.readParameters(contextWith({ customerPhone: '9163367906', returnAll: true, filters: { toDate: '2024-11-07' } }), 0);
		expect(parameters.limit).toBe(Infinity);
		expect(parameters.query).toEqual({ phone_number: '9163367906', to_date: '07-11-2024' });
	});

	it.each([
		[{ customerPhone: '' }, /^Customer Phone is required/],
		[{ customerPhone: '   ' }, /^Customer Phone is required/],
		[{ customerPhone: 'call me' }, /^Customer Phone must be a phone number .*got "call me"/],
		[{ customerPhone: '+-()' }, /^Customer Phone must be a phone number/],
		[{ customerPhone: '9163367906', filters: { fromDate: '2024-11-07', toDate: '2024-11-01' } }, /^Filters > To Date \(2024-11-01\) is before From Date \(2024-11-07\)/],
		[{ customerPhone: '9163367906', filters: { fromDate: 'last tuesday' } }, /^Filters > From Date must be a real date such as 2024-05-31, got "last tuesday"/],
		[{ customerPhone: '9163367906', filters: { toDate: '2024-02-30' } }, /^Filters > To Date must be a real date such as 2024-05-31/],
		[{ customerPhone: '9163367906', limit: 0 }, /^Limit must be a whole number of at least 1, got 0/],
		[{ customerPhone: '9163367906', limit: 'ten' }, /^Limit must be a number/],
	])('refuses %p', (parameters, message) => {
		expect(() => getAll.readParameters(contextWith(parameters), 0)).toThrow(message);
	});
});

describe('descriptions', () => {
	it('show each field only for its own resource and operation', () => {
		for (const [operation, resource, values] of [
			[create, 'order', ['create']],
			[get, 'order', ['get']],
			[getAll, 'order', ['getAll']],
			[cartGet, 'cart', ['get']],
		] as const) {
			for (const property of operation.description) {
				expect(property.displayOptions?.show).toMatchObject({ resource: [resource], operation: values });
			}
			expect(operation.option.value).toBe(values[0]);
		}
	});

	it('keep Customer ID the same field wherever it appears', () => {
		const customerId = (list: typeof create.description) => list.find((p) => p.name === 'customerId');
		const { displayOptions: _a, ...onCreate } = customerId(create.description)!;
		const { displayOptions: _b, ...onCart } = customerId(cartGet.description)!;
		expect({ ...onCreate, description: '' }).toEqual({ ...onCart, description: '' });
	});
});
