import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { operations, type OrderOperation } from './order/Order.resource';

/** Hands the run to the operation picked in the node. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as OrderOperation;

	if (resource !== 'order' || !Object.prototype.hasOwnProperty.call(operations, operation)) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	return [await operations[operation].execute.call(this)];
}
