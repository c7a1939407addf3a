import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { operationSubtitle } from '../shared/helpers/operations';
import { orderOperations, orderProperties, router } from './actions/router';

export class KaptureOrder implements INodeType {
	// The rule only sees a literal subtitle; ours is derived (see below).
	// eslint-disable-next-line n8n-nodes-base/node-class-description-missing-subtitle
	description: INodeTypeDescription = {
		displayName: 'Kapture Order',
		name: 'kaptureOrder',
		icon: { light: 'file:kapture.svg', dark: 'file:kapture.dark.svg' },
		group: ['transform'],
		version: 1,
		// Derived from the operation registry, so no operation can be missing from it.
		subtitle: operationSubtitle(orderOperations, 'order'),
		description: 'Create, update, read and record payments for orders in Kapture CRM',
		defaults: { name: 'Kapture Order' },
		usableAsTool: true,
		// The older n8n-nodes-base rules only recognise the 'main' string literal; n8n's
		// community rules require the NodeConnectionTypes constant, which is what n8n uses now.
		// eslint-disable-next-line n8n-nodes-base/node-class-description-inputs-wrong-regular-node
		inputs: [NodeConnectionTypes.Main],
		// eslint-disable-next-line n8n-nodes-base/node-class-description-outputs-wrong
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
