import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { runPerItem } from '../../../shared/helpers/itemRunner';
import type { OperationOption } from '../../../shared/helpers/operations';
import { Validator } from '../../../shared/helpers/validation';
import { sourceHubRequest } from '../../../shared/transport';
import { objectOf } from '../../helpers/records';
import { simplifyCart } from '../../helpers/simplify';
import { customerIdParameter, simplifyParameter, sourceHubOptions } from '../fields';

export const option: OperationOption = {
	name: 'Get',
	value: 'get',
	description: "Get what is in a customer's cart, before placing an order from it",
	action: 'Get a cart',
};

const properties: INodeProperties[] = [
	customerIdParameter("SourceHub's numeric ID of the customer whose cart to read"),
	simplifyParameter('cart'),
	sourceHubOptions(),
];

export const description = updateDisplayOptions({ show: { resource: ['cart'], operation: ['get'] } }, properties);

export interface CartParameters {
	customerId: string;
	simplify: boolean;
}

export function readParameters(context: IExecuteFunctions, itemIndex: number): CartParameters {
	const v = new Validator(context.getNode(), itemIndex);
	return {
		customerId: v.id(context.getNodeParameter('customerId', itemIndex, ''), 'Customer ID', true),
		simplify: context.getNodeParameter('simplify', itemIndex, true) as boolean,
	};
}

/** One item per customer: the cart, with the customer's ID so later nodes know whose it is. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	return await runPerItem(this, {
		prepare: (itemIndex) => readParameters(this, itemIndex),
		effect: 'none',
		send: async ({ customerId, simplify }, itemIndex, { scheduler }) => {
			const answer = await sourceHubRequest.call(this, 'getCart', { query: { customer_id: customerId } }, { itemIndex, scheduler });
			const cart = objectOf(objectOf(answer).data);
			if (Object.keys(cart).length === 0) {
				throw new NodeOperationError(node, `SourceHub answered without a cart for customer ${customerId}`, {
					itemIndex,
				});
			}
			return simplify ? { customerId, ...simplifyCart(cart) } : cart;
		},
	});
}
