import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { runPerItem } from '../../helpers/itemRunner';
import { simplifyOrder } from '../../helpers/simplify';
import { Validator } from '../../helpers/validation';
import { kaptureRequest, ordersIn } from '../../transport';
import { accountId } from '../../helpers/account';
import {
	apiParameter,
	optionsCollection,
	orderIdParameter,
	simplifyParameter,
	type KaptureApiChoice,
} from './fields/common';

const properties: INodeProperties[] = [
	apiParameter(
		'partner',
		'Finds the order with the v1 pull API (needs Account ID in the credential)',
		'Get order API: reads one order by its ID',
	),
	orderIdParameter("Kapture's numeric ID of the order to read", '4075465'),
	simplifyParameter,
	optionsCollection(),
];

const displayOptions = { show: { resource: ['order'], operation: ['get'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const api = this.getNodeParameter('api', 0, 'partner') as KaptureApiChoice;
	const cmId = api === 'v1' ? await accountId(this) : 0;
	const timeZone = this.getTimezone();
	const node = this.getNode();

	return await runPerItem(this, {
		prepare: (itemIndex) => {
			const v = new Validator(node, itemIndex);
			const orderId = v.id(this.getNodeParameter('orderId', itemIndex, ''), 'Order ID', true);
			const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
			return { orderId, simplify };
		},
		send: async ({ orderId, simplify }, itemIndex, scheduler) => {
			let order: IDataObject | undefined;
			if (api === 'v1') {
				const answer = await kaptureRequest.call(
					this,
					'v1Pull',
					{ cmId, orderIds: orderId, limit: '1', offset: '0' },
					{ itemIndex, scheduler },
				);
				order = ordersIn(answer, 'order_details').find((candidate) => String(candidate.id) === orderId);
			} else {
				const answer = await kaptureRequest.call(this, 'partnerGet', [{ order_id: orderId }], {
					itemIndex,
					scheduler,
				});
				// Kapture puts the order under "message" in this answer.
				const record = Array.isArray(answer) ? undefined : answer.message;
				order = typeof record === 'object' && record !== null && !Array.isArray(record) ? (record as IDataObject) : undefined;
			}
			if (!order) {
				throw new NodeOperationError(node, `Kapture has no order with ID ${orderId} [item ${itemIndex}]`, {
					itemIndex,
					description: 'Check the Order ID; with the v1 API also check Account ID (cmId) in the credential.',
				});
			}
			return simplify ? simplifyOrder(order, timeZone) : order;
		},
	});
}
