import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OperationOption } from '../../../shared/helpers/operations';
import { apiParameter, optionsCollection, orderJsonParameters, specifyOrderParameter } from './fields/common';
import { partnerOrderFieldsFor } from './fields/partnerFields';
import { orderFieldsFor } from './fields/v1Fields';
import { writeOrders } from './write';

export const option: OperationOption = {
	name: 'Update',
	value: 'update',
	description: 'Change an existing order',
	action: 'Update an order',
};

const properties: INodeProperties[] = [
	apiParameter(
		'v1',
		'Add-update API with the update flag set on the order',
		'Order update API: a flat order with its Order ID and product lines',
	),
	specifyOrderParameter,
	...orderFieldsFor('update'),
	...partnerOrderFieldsFor('update'),
	...orderJsonParameters('update'),
	optionsCollection(),
];

const displayOptions = { show: { resource: ['order'], operation: ['update'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await writeOrders.call(this, 'update');
}
