import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** What the editor lists for one operation. `value` is what saved workflows store: never change it. */
export interface OperationOption extends INodePropertyOptions {
	name: string;
	value: string;
	action: string;
	description: string;
}

/** Everything one `*.operation.ts` exports: how it is listed, its fields, how it runs. */
export interface Operation {
	option: OperationOption;
	description: INodeProperties[];
	execute(this: IExecuteFunctions): Promise<INodeExecutionData[]>;
}

/** A resource's operations, keyed by their option value. */
export type OperationMap = Record<string, Operation>;

/**
 * Checks that every operation is filed under its own option value, so the
 * router and the editor list can only ever agree (the node subtitles are
 * checked against that list by the nodes' tests). Runs once, when the node
 * module loads.
 */
export function operationMap<T extends OperationMap>(operations: T): T {
	for (const [key, operation] of Object.entries(operations)) {
		if (operation.option.value !== key) {
			throw new Error(`Operation "${key}" declares the value "${operation.option.value}"`);
		}
	}
	return operations;
}

/** The Operation parameter of a resource plus every operation's own fields. */
export function resourceProperties(
	resource: string,
	operations: OperationMap,
	defaultOperation: string,
): INodeProperties[] {
	const list = Object.values(operations);
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource] } },
			// n8n lists operations alphabetically by name.
			options: list.map((operation) => ({ ...operation.option })).sort((a, b) => a.name.localeCompare(b.name)),
			default: defaultOperation,
		},
		...list.flatMap((operation) => operation.description),
	];
}
