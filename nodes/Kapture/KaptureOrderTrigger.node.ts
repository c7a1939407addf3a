import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { triggerProperties } from './trigger/description';
import { pollOrders } from './trigger/poll';

/**
 * Fires once for every new Kapture order. Kapture has no webhooks, so the
 * trigger polls the v1 pull API; how it decides what is new is described in
 * trigger/pollState.ts and docs/trigger.md.
 */
export class KaptureOrderTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kapture Order Trigger',
		name: 'kaptureOrderTrigger',
		icon: { light: 'file:kapture.svg', dark: 'file:kapture.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ({ newOrder: "New order", updatedOrder: "Updated order", newOrUpdatedOrder: "New or updated order" })[$parameter["event"]] }}',
		// n8n's nodes panel shows this text for the Kapture Order + Trigger pair
		// (the merged entry takes the trigger's description), so it covers both,
		// as n8n's own n8n / n8n Trigger pair does.
		description: 'Create, update, read and record payments for orders in Kapture CRM, and start workflows on new or changed orders',
		defaults: {
			name: 'Kapture Order Trigger',
		},
		credentials: [
			{
				name: 'kaptureApi',
				required: true,
			},
		],
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: triggerProperties,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollOrders.call(this);
	}
}
