import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { isObject } from '../../../shared/helpers/objects';
import type { OperationOption } from '../../../shared/helpers/operations';
import { kaptureRequest } from '../../../shared/transport';
import { accountId } from '../../helpers/account';
import { runPerItem } from '../../../shared/helpers/itemRunner';
import { pullV1Pages } from '../../helpers/orderPages';
import { simplifyOrder } from '../../helpers/simplify';
import { Validator } from '../../../shared/helpers/validation';
import {
	apiParameter,
	optionsCollection,
	orderIdParameter,
	simplifyParameter,
	type KaptureApiChoice,
} from './fields/common';

export const option: OperationOption = {
	name: 'Get',
	value: 'get',
	description: 'Get an order by its ID',
	action: 'Get an order',
};

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
		effect: 'none',
		prepare: (itemIndex) => {
			const v = new Validator(node, itemIndex);
			const orderId = v.id(this.getNodeParameter('orderId', itemIndex, ''), 'Order ID', true);
			const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
			return { orderId, simplify };
		},
		send: async ({ orderId, simplify }, itemIndex, { scheduler }) => {
			let order: IDataObject | undefined;
			if (api === 'v1') {
				const pages = pullV1Pages.call(this, { cmId, orderIds: orderId }, { pageSize: 1, itemIndex, scheduler });
				// One order at most: the first page says it all.
				for await (const { records } of pages) {
					order = records.find((candidate) => String(candidate.id) === orderId);
					break;
				}
			} else {
				const answer = await kaptureRequest.call(this, 'partnerGet', [{ order_id: orderId }], {
					itemIndex,
					scheduler,
				});
				// Kapture puts the order under "message" in this answer.
				const record = Array.isArray(answer) ? undefined : answer.message;
				order = isObject(record) ? record : undefined;
			}
			if (!order) {
				throw new NodeOperationError(node, `Kapture has no order with ID ${orderId}`, {
					itemIndex,
					description: 'Check the Order ID; with the v1 API also check Account ID (cmId) in the credential.',
				});
			}
			return simplify ? simplifyOrder(order, timeZone) : order;
		},
		identify: (_itemIndex, prepared) => (prepared ? { order_id: prepared.orderId } : {}),
	});
}
