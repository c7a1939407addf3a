import type { IExecuteFunctions, INode, NodeParameterValueType } from 'n8n-workflow';

/** Whether a raw parameter value holds an n8n expression anywhere (a string starting with "="). */
export function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

function rawValue(node: INode, path: string): unknown {
	let value: unknown = node.parameters;
	for (const key of path.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

function deepFreeze<T>(value: T): T {
	if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const inner of Object.values(value)) deepFreeze(inner);
	}
	return value;
}

/**
 * Reads node parameters for many items, asking n8n once per execution for
 * those that hold no expression: they are the same for every item, and each
 * getNodeParameter call costs n8n a walk over the node's description (an empty
 * Contacts collection costs as much as a filled one). Parameters with an
 * expression are read for each item, as always. Values read once are frozen:
 * every item shares them.
 */
export class ParameterReader {
	private readonly node: INode;
	private readonly once = new Map<string, unknown>();

	constructor(private readonly context: IExecuteFunctions) {
		this.node = context.getNode();
	}

	/** The node as n8n gave it at the start of the execution (getNode() copies it on every call). */
	get nodeOnce(): INode {
		return this.node;
	}

	get(name: string, itemIndex: number, fallback: unknown = ''): NodeParameterValueType | object {
		if (this.once.has(name)) return this.once.get(name) as NodeParameterValueType | object;
		const value = this.context.getNodeParameter(name, itemIndex, fallback);
		if (!holdsExpression(rawValue(this.node, name))) this.once.set(name, deepFreeze(value));
		return value;
	}
}
