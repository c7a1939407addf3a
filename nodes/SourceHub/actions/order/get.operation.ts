import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { runPerItem } from '../../../shared/helpers/itemRunner';
import type { OperationOption } from '../../../shared/helpers/operations';
import { Validator } from '../../../shared/helpers/validation';
import { sourceHubRequest } from '../../../shared/transport';
import { objectOf } from '../../helpers/records';
import { simplifyOrder } from '../../helpers/simplify';
import { orderIdParameter, simplifyParameter, sourceHubOptions } from '../fields';

export const option: OperationOption = {
	name: 'Get',
	value: 'get',
	description: 'Get an order by its ID, with its current status',
	action: 'Get an order',
};

const properties: INodeProperties[] = [
	orderIdParameter("SourceHub's numeric ID of the order (its id, not its order number)"),
	simplifyParameter('order'),
	sourceHubOptions(),
];

export const description = updateDisplayOptions({ show: { resource: ['order'], operation: ['get'] } }, properties);

export interface GetParameters {
	orderId: string;
	simplify: boolean;
}

export function readParameters(context: IExecuteFunctions, itemIndex: number): GetParameters {
	const v = new Validator(context.getNode(), itemIndex);
	return {
		orderId: v.id(context.getNodeParameter('orderId', itemIndex, ''), 'Order ID', true),
		simplify: context.getNodeParameter('simplify', itemIndex, true) as boolean,
	};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	return await runPerItem(this, {
		prepare: (itemIndex) => readParameters(this, itemIndex),
		effect: 'none',
		send: async ({ orderId, simplify }, itemIndex, { scheduler }) => {
			const answer = await sourceHubRequest.call(this, 'getOrder', { path: { id: orderId } }, { itemIndex, scheduler });
			const order = objectOf(objectOf(answer).data);
			if (Object.keys(order).length === 0) {
				throw new NodeOperationError(node, `SourceHub has no order with ID ${orderId}`, {
					itemIndex,
					description:
						"Check the Order ID: it is SourceHub's id of the order (41201), not its order number (0041127). Also check Environment in the credential: test and live hold different orders.",
				});
			}
			return simplify ? simplifyOrder(order) : order;
		},
	});
}
