import type { INodeProperties } from 'n8n-workflow';

import { idParameter, optionsCollection } from '../../shared/descriptions/common';

/**
 * Fields more than one SourceHub operation shows, written once. n8n keeps a
 * value when the operation changes, so a field with the same name must have
 * the same type everywhere.
 */

export function customerIdParameter(description: string): INodeProperties {
	return idParameter({ displayName: 'Customer ID', name: 'customerId', description, placeholder: '9' });
}

export function orderIdParameter(description: string): INodeProperties {
	return idParameter({ displayName: 'Order ID', name: 'orderId', description, placeholder: '41201' });
}

export function simplifyParameter(what: 'order' | 'orders' | 'cart'): INodeProperties {
	const compact =
		what === 'cart'
			? 'a compact cart (one line per item with product, quantity and price; amounts as numbers)'
			: `${what === 'order' ? 'a compact order' : 'compact orders'} (status, customer and amounts under consistent names, amounts as numbers)`;
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: `Whether to return ${compact} instead of SourceHub's record as sent`,
	};
}

/** Options of an operation that sends one request per item: Parallel Requests, When Asked to Slow Down, plus `extra`. */
export function sourceHubOptions(extra: INodeProperties[] = []): INodeProperties {
	return optionsCollection('SourceHub', extra);
}

export const ON_UNAVAILABLE_ITEMS = { fail: 'fail', output: 'output' } as const;

export const onUnavailableItemsOption: INodeProperties = {
	displayName: 'On Unavailable Items',
	name: 'onUnavailableItems',
	type: 'options',
	default: 'fail',
	description:
		'What to do when SourceHub places no order because some cart items are out of stock. Nothing is ordered either way.',
	options: [
		{
			name: 'Fail the Item',
			value: ON_UNAVAILABLE_ITEMS.fail,
			description: 'The item fails with an error naming each unavailable product, required and available quantity',
		},
		{
			name: 'Output Them',
			value: ON_UNAVAILABLE_ITEMS.output,
			description:
				'Output placed: false with the unavailable items, so the workflow can branch on it; a placed order then carries placed: true',
		},
	],
};
