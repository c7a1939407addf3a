import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OperationOption } from '../../../shared/helpers/operations';
import {
	apiParameter,
	ifErpOrderIdExistsOption,
	optionsCollection,
	orderJsonParameters,
	recoveryWaitOption,
	specifyOrderParameter,
} from './fields/common';
import { partnerOrderFieldsFor } from './fields/partnerFields';
import { orderFieldsFor } from './fields/v1Fields';
import { writeOrders } from './write';

export const option: OperationOption = {
	name: 'Create',
	value: 'add',
	description: 'Create an order, with its customer if new',
	action: 'Create an order',
};

const properties: INodeProperties[] = [
	apiParameter(
		'v1',
		'Add-update API with customer, contact, enquiry and order blocks',
		'Order push API: a flat order with product lines',
	),
	specifyOrderParameter,
	...orderFieldsFor('add'),
	...partnerOrderFieldsFor('add'),
	...orderJsonParameters('add'),
	optionsCollection([ifErpOrderIdExistsOption, recoveryWaitOption]),
];

const displayOptions = { show: { resource: ['order'], operation: ['add'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await writeOrders.call(this, 'add');
}
