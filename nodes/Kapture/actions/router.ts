import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as order from './order/Order.resource';

type OrderOperation = 'add' | 'update' | 'pull' | 'get' | 'pay';

/** Hands the run to the operation picked in the node. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as OrderOperation;

	if (resource !== 'order' || !(operation in OPERATIONS)) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	return [await OPERATIONS[operation].execute.call(this)];
}

const OPERATIONS: Record<OrderOperation, { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> }> = {
	add: order.add,
	update: order.update,
	pull: order.pull,
	get: order.get,
	pay: order.pay,
};
