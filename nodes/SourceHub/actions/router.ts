import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { operationMap, resourceProperties, type OperationMap } from '../../shared/helpers/operations';
import * as cart from './cart/Cart.resource';
import * as order from './order/Order.resource';

/** Every resource: its operations by option value (checked once when the node loads), its default. */
const RESOURCES: Record<string, { operations: OperationMap; defaultOperation: string }> = {
	order: { operations: operationMap({ ...order }), defaultOperation: 'create' },
	cart: { operations: operationMap({ ...cart }), defaultOperation: 'get' },
};

/** The Operation parameter of each resource and every operation's fields. */
export const resourcesProperties: INodeProperties[] = Object.entries(RESOURCES).flatMap(([resource, { operations, defaultOperation }]) =>
	resourceProperties(resource, operations, defaultOperation),
);

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
