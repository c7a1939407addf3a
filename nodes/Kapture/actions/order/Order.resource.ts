import type { INodeProperties } from 'n8n-workflow';

import * as add from './add.operation';
import * as get from './get.operation';
import * as pay from './pay.operation';
import * as pull from './pull.operation';
import * as update from './update.operation';

export { add, get, pay, pull, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['order'] } },
		options: [
			{
				name: 'Add Payment',
				value: 'pay',
				description: 'Record a payment against an order',
				action: 'Add a payment to an order',
			},
			{
				name: 'Create',
				value: 'add',
				description: 'Create an order, with its customer if new',
				action: 'Create an order',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get an order by its ID',
				action: 'Get an order',
			},
			{
				name: 'Get Many',
				value: 'pull',
				description: 'Get orders matching filters or created between two dates',
				action: 'Get many orders',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Change an existing order',
				action: 'Update an order',
			},
		],
		default: 'add',
	},
	...add.description,
	...update.description,
	...pull.description,
	...get.description,
	...pay.description,
];
