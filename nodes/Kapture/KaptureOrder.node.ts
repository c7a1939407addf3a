import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { orderProperties, router } from './actions/router';

export class KaptureOrder implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kapture Order',
		name: 'kaptureOrder',
		icon: { light: 'file:kapture.svg', dark: 'file:kapture.dark.svg' },
		group: ['transform'],
		version: 1,
		// "Create order", "Get Many order"... Written out, because n8n's scanner
		// reads the source and accepts only a string here; the node's test checks
		// that it names every operation exactly as the Operation list does.
		subtitle:
			'={{ ({ "add": "Create", "get": "Get", "pay": "Add Payment", "pull": "Get Many", "update": "Update", "upsert": "Create or Update" })[$parameter["operation"]] + " order" }}',
		description: 'Create, update, read and record payments for orders in Kapture CRM',
		defaults: { name: 'Kapture Order' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'kaptureApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Order', value: 'order' }],
				default: 'order',
			},
			...orderProperties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
