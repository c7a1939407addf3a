import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { runPerItem } from '../../helpers/itemRunner';
import { simplifyOrder } from '../../helpers/simplify';
import { Validator } from '../../helpers/validation';
import { kaptureRequest } from '../../transport';
import { accountId } from '../../helpers/account';
import { apiParameter, optionsCollection, simplifyParameter, type KaptureApiChoice } from './fields/common';

const properties: INodeProperties[] = [
	apiParameter(
		'partner',
		'Finds the order with the v1 pull API (needs Account ID in the credential)',
		'Get order API: reads one order by its ID',
	),
	{
		displayName: 'Order ID',
		name: 'orderId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'id', value: '' },
		description: "Kapture's numeric ID of the order to read",
		modes: [
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				placeholder: '4075465',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^\\s*\\d+\\s*$', errorMessage: 'An order ID has digits only' },
					},
				],
			},
		],
	},
	simplifyParameter,
	optionsCollection(),
];

const displayOptions = { show: { resource: ['order'], operation: ['get'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value of a resource locator, or the parameter itself when it is plain text. */
export function locatorValue(raw: unknown): unknown {
	return isObject(raw) && '__rl' in raw ? raw.value : isObject(raw) && 'value' in raw ? raw.value : raw;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const api = this.getNodeParameter('api', 0, 'partner') as KaptureApiChoice;
	const cmId = api === 'v1' ? await accountId(this) : 0;
	const timeZone = this.getTimezone();
	const node = this.getNode();

	return await runPerItem(this, {
		prepare: (itemIndex) => {
			const v = new Validator(node, itemIndex);
			const orderId = v.id(locatorValue(this.getNodeParameter('orderId', itemIndex, '')), 'Order ID', true);
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
				const list = (isObject(answer) ? answer.order_details : answer) as IDataObject[] | undefined;
				order = Array.isArray(list) ? list.find((candidate) => String(candidate.id) === orderId) : undefined;
			} else {
				const answer = await kaptureRequest.call(this, 'partnerGet', [{ order_id: orderId }], {
					itemIndex,
					scheduler,
				});
				const record = isObject(answer) ? answer.message : undefined;
				order = isObject(record) ? record : undefined;
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
