import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { runPerItem } from '../../../shared/helpers/itemRunner';
import type { OperationOption } from '../../../shared/helpers/operations';
import { Validator } from '../../../shared/helpers/validation';
import { sourceHubRequest } from '../../../shared/transport';
import { objectOf } from '../../helpers/records';
import { simplifyOrder } from '../../helpers/simplify';
import { describeUnavailable, unavailableItemsIn } from '../../helpers/unavailable';
import {
	customerIdParameter,
	ON_UNAVAILABLE_ITEMS,
	onUnavailableItemsOption,
	simplifyParameter,
	sourceHubOptions,
} from '../fields';

export const option: OperationOption = {
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
	sourceHubOptions([onUnavailableItemsOption]),
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
		customerId: v.id(context.getNodeParameter('customerId', itemIndex, ''), 'Customer ID', true),
		simplify: context.getNodeParameter('simplify', itemIndex, true) as boolean,
		outputUnavailable: options.onUnavailableItems === ON_UNAVAILABLE_ITEMS.output,
	};
}

/**
 * One order per item, from that customer's cart. The create is a write: the
 * transport retries it only when SourceHub provably did not process it, so
 * a cart is never ordered twice.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	return await runPerItem(this, {
		prepare: (itemIndex) => readParameters(this, itemIndex),
		effect: 'creates',
		send: async ({ customerId, simplify, outputUnavailable }, itemIndex, { scheduler }) => {
			const answer = await sourceHubRequest.call(
				this,
				'createOrder',
				{ query: { customer_id: customerId } },
				{ itemIndex, scheduler },
			);
			const data = objectOf(objectOf(answer).data);
			const unavailable = unavailableItemsIn(data);
			if (unavailable) {
				if (outputUnavailable) {
					return { placed: false, customerId, message: data.message ?? null, unavailable_items: unavailable };
				}
				throw new NodeOperationError(
					node,
					`SourceHub placed no order for customer ${customerId}: ${describeUnavailable(unavailable, data.message)}`,
					{
						itemIndex,
						description:
							'Nothing was ordered and the cart is unchanged. Lower the quantities in the cart or wait for stock; to branch on this instead, set Options > On Unavailable Items to Output Them.',
					},
				);
			}
			if (data.id === undefined && data.order_no === undefined) {
				throw new NodeOperationError(
					node,
					`SourceHub answered the order for customer ${customerId} without an order or unavailable items`,
					{
						itemIndex,
						description:
							'The order may or may not have been placed: check the customer\'s orders in SourceHub (or with Get Many) before running this item again.',
					},
				);
			}
			const order = simplify ? simplifyOrder(data) : data;
			return outputUnavailable ? { placed: true, ...order } : order;
		},
	});
}
