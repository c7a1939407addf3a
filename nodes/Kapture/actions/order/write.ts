import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { isObject } from '../../../shared/helpers/objects';
import { kaptureRequest } from '../../../shared/transport';
import { runPerItem } from '../../helpers/itemRunner';
import { Validator } from '../../helpers/validation';
import type { KaptureApiChoice } from './fields/common';
import type { WriteOperation } from './fields/v1Fields';
import { partnerBodyFromJson, partnerOrderBody, v1BodyFromJson, v1OrderBody, type OrderParameters } from './orderBody';

/**
 * v1 answers `{status, message, Order: {order_id, customer_id, ...}}`. The
 * output lifts the Order block to the top so its IDs are one click away;
 * every other key is kept. An update's answer has no order_id: the one sent is added.
 */
export function flattenV1Answer(answer: IDataObject | IDataObject[], orderId?: string): IDataObject {
	if (!isObject(answer)) return { result: answer };
	const { Order: order, ...rest } = answer;
	const flat: IDataObject = { ...(isObject(order) ? order : {}), ...rest };
	if (order !== undefined && !isObject(order)) flat.Order = order;
	if (orderId && flat.order_id === undefined) flat.order_id = Number(orderId);
	return flat;
}

function readOrderParameters(
	context: IExecuteFunctions,
	itemIndex: number,
	api: KaptureApiChoice,
	operation: WriteOperation,
): OrderParameters {
	const get = (name: string, fallback: unknown = '') => context.getNodeParameter(name, itemIndex, fallback);
	const params: OrderParameters = {
		customerName: get('customerName'),
		phone: get('phone'),
		email: get('email'),
	};
	if (operation === 'update') params.orderId = get('orderId');
	if (api === 'v1') {
		params.customerFields = get('customerFields', {}) as IDataObject;
		params.contacts = get('contacts', {}) as IDataObject;
		params.enquiryFields = get('enquiryFields', {}) as IDataObject;
		params.orderFields = get('orderFields', {}) as IDataObject;
	} else {
		params.partnerFields = get('partnerFields', {}) as IDataObject;
		params.products = get('products', {}) as IDataObject;
	}
	return params;
}

/** Add and update share everything but the update flag and the Order ID. */
export async function writeOrders(
	this: IExecuteFunctions,
	operation: WriteOperation,
): Promise<INodeExecutionData[]> {
	const api = this.getNodeParameter('api', 0, 'v1') as KaptureApiChoice;
	const asJson = this.getNodeParameter('specifyOrder', 0, 'fields') === 'json';
	const node = this.getNode();
	return await runPerItem(this, {
		prepare: (itemIndex) => {
			const validator = new Validator(node, itemIndex);
			if (asJson) {
				const json = this.getNodeParameter('orderJson', itemIndex);
				const orderId = operation === 'update' ? this.getNodeParameter('orderId', itemIndex, '') : '';
				return api === 'v1'
					? { v1: v1BodyFromJson(validator, json, operation, orderId), orderId: validator.text(orderId) }
					: { partner: partnerBodyFromJson(validator, json, operation, orderId), orderId: '' };
			}
			const params = readOrderParameters(this, itemIndex, api, operation);
			return api === 'v1'
				? { v1: v1OrderBody(validator, params, operation), orderId: validator.text(params.orderId) }
				: { partner: partnerOrderBody(validator, params, operation), orderId: '' };
		},
		send: async (prepared, itemIndex, scheduler) => {
			if (prepared.v1) {
				const answer = await kaptureRequest.call(this, 'v1AddUpdate', prepared.v1, { itemIndex, scheduler });
				return flattenV1Answer(answer, prepared.orderId);
			}
			return await kaptureRequest.call(this, 'partnerPush', prepared.partner as IDataObject[], {
				itemIndex,
				scheduler,
			});
		},
	});
}
