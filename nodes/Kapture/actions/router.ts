import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { operationMap, resourceProperties } from '../../shared/helpers/operations';
import * as order from './order/Order.resource';

/** The Order operations by option value, checked once when the node loads. */
export const orderOperations = operationMap({ ...order });

export type OrderOperation = keyof typeof orderOperations;

/** The Operation parameter and every operation's fields. */
export const orderProperties = resourceProperties('order', orderOperations, 'add');

/** Hands the run to the operation picked in the node. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as OrderOperation;

	if (resource !== 'order' || !Object.prototype.hasOwnProperty.call(orderOperations, operation)) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	return [await orderOperations[operation].execute.call(this)];
}
