import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { sourceHubCredentialTest } from '../shared/transport/vendors/sourcehubCredentialTest';
import { resourcesProperties, router, subtitle } from './actions/router';

export class SourceHub implements INodeType {
	// The rule only sees a literal subtitle; ours is derived (see below).
	// eslint-disable-next-line n8n-nodes-base/node-class-description-missing-subtitle
	description: INodeTypeDescription = {
		displayName: 'SourceHub',
		name: 'sourceHub',
		icon: { light: 'file:sourcehub.svg', dark: 'file:sourcehub.dark.svg' },
		group: ['transform'],
		version: 1,
		// Derived from the operation registries, so no operation can be missing from it.
		subtitle,
		description: "Place sales orders from a customer's cart in SourceHub, read them and their status",
		defaults: { name: 'SourceHub' },
		usableAsTool: true,
		// See KaptureOrder.node.ts: n8n's community rules require the NodeConnectionTypes constant.
		// eslint-disable-next-line n8n-nodes-base/node-class-description-inputs-wrong-regular-node
		inputs: [NodeConnectionTypes.Main],
		// eslint-disable-next-line n8n-nodes-base/node-class-description-outputs-wrong
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
