import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationMap } from '../../shared/helpers/operations';
import * as cart from './cart/Cart.resource';
import * as order from './order/Order.resource';

/** Every resource of the node with its operations. */
export const RESOURCES: Record<string, { operations: OperationMap }> = { order, cart };

/** Hands the run to the operation picked in the node. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const operations = Object.prototype.hasOwnProperty.call(RESOURCES, resource) ? RESOURCES[resource].operations : {};

	if (!Object.prototype.hasOwnProperty.call(operations, operation)) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	return [await operations[operation].execute.call(this)];
}
