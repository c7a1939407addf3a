import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { Validator } from '../../../Kapture/helpers/validation';
import { sourceHubId } from '../../helpers/inputs';
import { customerIdParameter, ON_UNAVAILABLE_ITEMS, onUnavailableItemsOption, simplifyParameter } from '../fields';

export const option = {
	name: 'Create',
	value: 'create',
	description: "Place an order from what is in the customer's cart",
	action: 'Create an order',
};

const properties: INodeProperties[] = [
	customerIdParameter(
		"SourceHub's numeric ID of the customer. SourceHub turns everything in this customer's cart into the order.",
	),
	simplifyParameter('order'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [onUnavailableItemsOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['order'], operation: ['create'] } }, properties);

export interface CreateParameters {
	customerId: string;
	simplify: boolean;
	outputUnavailable: boolean;
}

/** One item's parameters, checked; throws a named error before anything is sent. */
export function readParameters(context: IExecuteFunctions, itemIndex: number): CreateParameters {
	const v = new Validator(context.getNode(), itemIndex);
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		customerId: sourceHubId(v, context.getNodeParameter('customerId', itemIndex, ''), 'Customer ID'),
		simplify: context.getNodeParameter('simplify', itemIndex, true) as boolean,
		outputUnavailable: options.onUnavailableItems === ON_UNAVAILABLE_ITEMS.output,
	};
}
