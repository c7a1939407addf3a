import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { sourceHubCredentialTest } from '../shared/transport/vendors/sourcehubCredentialTest';
import { resourcesProperties, router } from './actions/router';

export class SourceHub implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SourceHub',
		name: 'sourceHub',
		icon: { light: 'file:sourcehub.svg', dark: 'file:sourcehub.dark.svg' },
		group: ['transform'],
		version: 1,
		// "Create order", "Get cart"... Written out, because n8n's scanner reads the
		// source and accepts only a string here; the node's test checks that it names
		// every operation of every resource exactly as the Operation lists do. Mind
		// the spaces: two closing braces in a row would end the {{ }} expression.
		subtitle:
			'={{ ({ "order": { "create": "Create order", "get": "Get order", "getAll": "Get Many order" }, "cart": { "get": "Get cart" } })[$parameter["resource"]][$parameter["operation"]] }}',
		description: "Place sales orders from a customer's cart in SourceHub, read them and their status",
		defaults: { name: 'SourceHub' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'sourceHubApi', required: true, testedBy: 'sourceHubApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Cart', value: 'cart' },
					{ name: 'Order', value: 'order' },
				],
				default: 'order',
			},
			...resourcesProperties,
		],
	};

	methods = {
		credentialTest: { sourceHubApiTest: sourceHubCredentialTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
