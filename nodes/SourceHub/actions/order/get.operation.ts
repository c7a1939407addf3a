import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { Validator } from '../../../Kapture/helpers/validation';
import { sourceHubId } from '../../helpers/inputs';
import { orderIdParameter, simplifyParameter } from '../fields';

export const option = {
	name: 'Get',
	value: 'get',
	description: 'Get an order by its ID, with its current status',
	action: 'Get an order',
};

const properties: INodeProperties[] = [
	orderIdParameter("SourceHub's numeric ID of the order (the id, not the order number)"),
	simplifyParameter('order'),
];

export const description = updateDisplayOptions({ show: { resource: ['order'], operation: ['get'] } }, properties);

export interface GetParameters {
	orderId: string;
	simplify: boolean;
}

export function readParameters(context: IExecuteFunctions, itemIndex: number): GetParameters {
	const v = new Validator(context.getNode(), itemIndex);
	return {
		orderId: sourceHubId(v, context.getNodeParameter('orderId', itemIndex, ''), 'Order ID'),
		simplify: context.getNodeParameter('simplify', itemIndex, true) as boolean,
	};
}
