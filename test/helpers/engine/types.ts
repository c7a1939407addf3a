import type {
	ExecutionStatus,
	ICredentialType,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IRunExecutionData,
	IVersionedNodeType,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';

/** A credential the engine can hand out; `data` is the plain (decrypted) data. */
export interface EngineCredential {
	id?: string;
	name?: string;
	type: string;
	data: IDataObject;
}

export interface EngineOptions {
	/** key = the node type name used in workflows, e.g. 'kaptureOrder'. */
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes: ICredentialType[];
	/** Matched by type, and by id (or name) when a node references one. */
	credentials?: EngineCredential[];
	/** Workflow timezone; default 'UTC'. */
	timezone?: string;
}

export type NodeCredentialRefs = Record<string, { id: string; name: string }>;

/** The node under test in `runNode`. */
export interface EngineNode {
	type: string;
	parameters: IDataObject;
	name?: string;
	typeVersion?: number;
	continueOnFail?: boolean;
	onError?: 'continueRegularOutput' | 'continueErrorOutput' | 'stopWorkflow';
	/**
	 * Credentials the node references. When left out, the node gets a reference to the
	 * first provided credential of every type its description lists (pass `{}` for none).
	 */
	credentials?: NodeCredentialRefs;
	alwaysOutputData?: boolean;
	executeOnce?: boolean;
	disabled?: boolean;
}

export interface EnginePollNode {
	type: string;
	parameters: IDataObject;
	name?: string;
	typeVersion?: number;
	/** Same defaulting as `EngineNode.credentials`. */
	credentials?: NodeCredentialRefs;
}

export type EngineInput = IDataObject[] | INodeExecutionData[];

export interface RunOptions {
	/** WorkflowExecuteMode of the run; default 'manual' (like "Execute workflow" in the editor). */
	mode?: WorkflowExecuteMode;
	/**
	 * The workflow's static data. In 'manual' mode n8n never saves static data, so the
	 * run works on a copy and this object is left untouched; in any other mode it is
	 * mutated in place. The final static data is in `RunResult.staticData` either way.
	 */
	staticData?: IDataObject;
}

/** An INode whose id, position and typeVersion may be left out (filled in by the harness). */
export type EngineWorkflowNode = Omit<INode, 'id' | 'position' | 'typeVersion'> &
	Partial<Pick<INode, 'id' | 'position' | 'typeVersion'>>;

export interface RunWorkflowInput extends RunOptions {
	nodes: EngineWorkflowNode[];
	connections: IConnections;
	/** Default: the first node (in `nodes` order) without a parent on its main input. */
	startNodeName?: string;
	/** Items the start node receives as input; default one empty item. */
	startItems?: EngineInput;
}

export interface RunResult {
	runData: IRunExecutionData['resultData']['runData'];
	/**
	 * The run's error (resultData.error), if it failed. NB: n8n-core stores the node's
	 * error spread into a plain object ({ name, message, description, node, httpCode, … }),
	 * so this is Error-shaped but not `instanceof Error`.
	 */
	error?: Error;
	/** Items a node produced on a main output (default output 0, run 0); [] if it produced none. */
	output(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** `output(...).map(i => i.json)`. */
	json(nodeName: string, outputIndex?: number, runIndex?: number): IDataObject[];
	/** The error recorded on a node's last run (also set when the node continued on fail). */
	nodeError(nodeName: string): Error | undefined;
	/** The run's status as n8n-core reports it ('success', 'error', …). */
	status: ExecutionStatus;
	/** The workflow static data at the end of the run (plain objects). */
	staticData: IDataObject;
}

export interface PollOptions {
	/** 'trigger' = an active workflow's scheduled poll (state persists); 'manual' = "Fetch Test Event". Default 'trigger'. */
	mode?: 'trigger' | 'manual';
	/**
	 * The WORKFLOW's static data. n8n keeps a node's data at `staticData['node:<node name>']`.
	 * In 'trigger' mode this object is mutated in place (nested objects are left as plain
	 * copies after the poll, so JSON/structuredClone work on it). In 'manual' mode n8n
	 * discards static-data changes, so the poll works on a copy and this object is untouched.
	 */
	staticData?: IDataObject;
	/** Default 'activate' in trigger mode, 'manual' in manual mode. */
	activation?: WorkflowActivateMode;
}

export interface ActivationOptions {
	/** The WORKFLOW's static data, as loaded when the workflow was activated. */
	staticData?: IDataObject;
	/**
	 * 'live' (n8n's default scheduler, 1.x and 2.x): one poll context for the
	 * activation, and every poll, overlapping ones too, works on the same live
	 * static data. 'copies' (n8n 2.x's durable poll scheduler): every poll gets
	 * its own poll context and a copy of the stored static data, stored back
	 * when the poll ends (with its execution, or alone when it emitted nothing).
	 */
	scheduler?: 'live' | 'copies';
	/** What `getPollBudgetMs()` answers; n8n's own default when left out. */
	pollBudgetMs?: number;
}

/** An active workflow's poll trigger, polled as n8n's scheduler polls it. */
export interface Activation {
	/** One scheduled poll; call it again before the first one ends to make polls overlap. */
	poll(): Promise<PollResult>;
	/** The stored static data (the live object with 'live'; the last copy stored back with 'copies'). */
	staticData(): IDataObject;
}

export interface PollResult {
	items: INodeExecutionData[] | null;
	/** In 'trigger' mode the same object that was passed in (or a new one); in 'manual' mode the untouched input. */
	staticData: IDataObject;
	/** Whether the poll wrote to static data (n8n's `__dataChanged`), even if it was discarded. */
	staticDataChanged: boolean;
	/** All outputs the poll returned (poll nodes normally have one). */
	outputs: INodeExecutionData[][] | null;
}
