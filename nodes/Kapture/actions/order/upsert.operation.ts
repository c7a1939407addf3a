import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OperationOption } from '../../../shared/helpers/operations';
import { apiParameter, optionsCollection, orderJsonParameters, recoveryWaitOption, specifyOrderParameter } from './fields/common';
import { partnerOrderFieldsFor } from './fields/partnerFields';
import { orderFieldsFor } from './fields/v1Fields';
import { writeOrders } from './write';

export const option: OperationOption = {
	name: 'Create or Update',
	value: 'upsert',
	description: 'Create a new record, or update the current one if it already exists (upsert)',
	action: 'Create or update an order',
};

const properties: INodeProperties[] = [
	apiParameter(
		'v1',
		'Looks the order up with the v1 pull, then adds or updates it with the add-update API',
		'Looks the order up with the v1 pull, then pushes or updates it with the order push API',
	),
	{
		displayName:
			'The Partner API cannot search by ERP Order ID: the node looks orders up with the v1 pull, so the Kapture credential needs Username, Password and Account ID as well as the Auth Key',
		name: 'partnerLookupNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { api: ['partner'] } },
	},
	{
		displayName: 'ERP Order ID',
		name: 'erpOrderId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'SO-10045',
		description:
			"The order's ID in your ERP or shop, the key: the order with this ERP Order ID is updated, or created when there is none. Costs one lookup per item; needs an account whose search finds orders by ERP Order ID (checked once per run). No commas.",
	},
	specifyOrderParameter,
	...orderFieldsFor('upsert'),
	...partnerOrderFieldsFor('upsert'),
	...orderJsonParameters('upsert'),
	optionsCollection([recoveryWaitOption]),
];

const displayOptions = { show: { resource: ['order'], operation: ['upsert'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await writeOrders.call(this, 'upsert');
}
