/**
 * The `INodeTypes` registry the engine resolves node `type` names against, plus the
 * two built-in node types the harness needs itself.
 */
import { NodeHelpers, NodeConnectionTypes, UserError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

type NodeGroupType = INodeTypeDescription['group'][number];

/**
 * Type name of the harness's start node. It stands in for n8n's Manual Trigger, but
 * (like n8n's legacy Start node) it has an `execute` that passes on its input: the
 * harness feeds the start items to it through the execution stack, so nothing waits
 * for a trigger to emit. Each item it outputs is paired with input item i.
 */
export const START_NODE_TYPE = 'n8n-nodes-base.manualTrigger';

/** A pass-through node ("No Operation, do nothing"), handy for multi-node workflows. */
export const NOOP_NODE_TYPE = 'n8n-nodes-base.noOp';

const passThroughDescription = (
	name: string,
	displayName: string,
	group: NodeGroupType[],
): INodeTypeDescription => ({
	displayName,
	name,
	group,
	version: 1,
	description: `${displayName} (engine test harness)`,
	defaults: { name: displayName },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	properties: [],
});

export class EngineStartNode implements INodeType {
	description = passThroughDescription(START_NODE_TYPE, 'Start', ['trigger']);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData().map((item, index) => ({ ...item, pairedItem: { item: index } }))];
	}
}

export class EngineNoOpNode implements INodeType {
	description = passThroughDescription(NOOP_NODE_TYPE, 'No Operation, do nothing', ['organization']);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export class EngineNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	constructor(userTypes: Record<string, INodeType | IVersionedNodeType>) {
		this.types.set(START_NODE_TYPE, new EngineStartNode());
		this.types.set('n8n-nodes-base.start', new EngineStartNode());
		this.types.set(NOOP_NODE_TYPE, new EngineNoOpNode());
		// The test's own types win over the built-ins.
		for (const [name, type] of Object.entries(userTypes)) this.types.set(name, type);
	}

	has(name: string): boolean {
		return this.types.has(name);
	}

	getByName(name: string): INodeType | IVersionedNodeType {
		const type = this.types.get(name);
		if (type === undefined) {
			throw new UserError(
				`Unknown node type "${name}": register it in createEngine({ nodeTypes: { '${name}': … } })` +
					` (registered: ${[...this.types.keys()].join(', ')})`,
			);
		}
		return type;
	}

	getByNameAndVersion(name: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(name), version);
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const [name, type] of this.types) {
			known[name] = { className: type.constructor.name, sourcePath: '' };
		}
		return known;
	}

	/** The version a new node of this type gets in the editor (the default/latest one). */
	defaultVersion(name: string): number {
		const type = this.getByName(name);
		if ('nodeVersions' in type) {
			return type.description.defaultVersion ?? type.currentVersion;
		}
		const { version, defaultVersion } = type.description;
		if (defaultVersion !== undefined) return defaultVersion;
		return Array.isArray(version) ? Math.max(...version) : version;
	}
}
