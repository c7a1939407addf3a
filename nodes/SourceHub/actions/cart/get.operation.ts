import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { Validator } from '../../../Kapture/helpers/validation';
import { sourceHubId } from '../../helpers/inputs';
import { customerIdParameter, simplifyParameter } from '../fields';

export const option = {
	name: 'Get',
	value: 'get',
	description: "Get what is in a customer's cart, before placing an order from it",
	action: 'Get a cart',
};

const properties: INodeProperties[] = [
	customerIdParameter("SourceHub's numeric ID of the customer whose cart to read"),
	simplifyParameter('cart'),
];

export const description = updateDisplayOptions({ show: { resource: ['cart'], operation: ['get'] } }, properties);

export interface CartParameters {
	customerId: string;
	simplify: boolean;
}

export function readParameters(context: IExecuteFunctions, itemIndex: number): CartParameters {
	const v = new Validator(context.getNode(), itemIndex);
	return {
		customerId: sourceHubId(v, context.getNodeParameter('customerId', itemIndex, ''), 'Customer ID'),
		simplify: context.getNodeParameter('simplify', itemIndex, true) as boolean,
	};
}
