/**
 * `createEngine`: runs nodes through n8n-core's real `WorkflowExecute` and polls
 * trigger nodes through its real `PollContext`, with credentials from the test.
 */
import {
	PollContext,
	TriggersAndPollers,
	WorkflowExecute,
	commitStagedCursor,
	runPollInStagingScope,
} from 'n8n-core';
import { UserError, Workflow, createRunExecutionData } from 'n8n-workflow';
import type {
	IConnections,
	IDataObject,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	IRun,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { createAdditionalData, createWorkflowData, nextExecutionId } from './additional-data';
import { Container, initEngineContainer } from './bootstrap';
import { EngineCredentialsHelper } from './credentials-helper';
import { EngineNodeTypes, START_NODE_TYPE } from './node-types';
import { plainCopy, replaceProxiesInPlace, staticDataChanged } from './static-data';
import type {
	Activation,
	ActivationOptions,
	EngineInput,
	EngineNode,
	EngineOptions,
	EnginePollNode,
	NodeCredentialRefs,
	PollOptions,
	PollResult,
	RunOptions,
	RunResult,
	RunWorkflowInput,
} from './types';

/** Name of the start node `runNode` puts in front of the node under test. */
export const START_NODE_NAME = 'Start';

const WORKFLOW_ID = 'engine-test-workflow';
const WORKFLOW_NAME = 'Engine test workflow';

const EXECUTION_ITEM_KEYS = new Set(['json', 'binary', 'pairedItem', 'error', 'metadata', 'index']);

function isExecutionItem(item: IDataObject | INodeExecutionData): item is INodeExecutionData {
	const { json } = item as { json?: unknown };
	return (
		json !== null &&
		typeof json === 'object' &&
		!Array.isArray(json) &&
		Object.keys(item).every((key) => EXECUTION_ITEM_KEYS.has(key))
	);
}

/** Accepts plain json objects or n8n items; defaults to the single empty item a manual trigger emits. */
export function toExecutionItems(input?: EngineInput): INodeExecutionData[] {
	if (input === undefined) return [{ json: {} }];
	return (input as Array<IDataObject | INodeExecutionData>).map((item) =>
		isExecutionItem(item) ? plainCopy(item) : { json: plainCopy(item) },
	);
}

export interface Engine {
	/**
	 * Runs a workflow made of a start node named 'Start' that emits `input` items (default
	 * one empty item), connected to `node`. The node gets the items with real pairedItem
	 * ({ item: i }) through `getInputData()`.
	 */
	runNode(node: EngineNode, input?: EngineInput, options?: RunOptions): Promise<RunResult>;
	/** Runs an arbitrary workflow. Node ids/positions may be left out. */
	runWorkflow(workflow: RunWorkflowInput): Promise<RunResult>;
	/**
	 * Polls a trigger node once through n8n-core's PollContext and returns what `poll()`
	 * returned. A failing poll rejects with the node's error (where n8n would record a
	 * failed trigger execution).
	 */
	poll(node: EnginePollNode, options?: PollOptions): Promise<PollResult>;
	/** Activates a poll trigger the way n8n does (see ActivationOptions) and returns it, to poll. */
	activate(node: EnginePollNode, options?: ActivationOptions): Activation;
	/** The credentials helper (e.g. `storedData(ref, type)` to see a refreshed token). */
	credentialsHelper: EngineCredentialsHelper;
	nodeTypes: EngineNodeTypes;
}

export function createEngine(options: EngineOptions): Engine {
	initEngineContainer();

	const nodeTypes = new EngineNodeTypes(options.nodeTypes);
	const credentialsHelper = new EngineCredentialsHelper(
		options.credentialTypes,
		options.credentials ?? [],
		nodeTypes,
	);
	const settings: IWorkflowSettings = {
		timezone: options.timezone ?? 'UTC',
		executionOrder: 'v1',
	};

	/** The credentials a new node gets: the explicit ones, or one of each type its description lists. */
	function credentialsFor(
		type: string,
		typeVersion: number,
		explicit?: NodeCredentialRefs,
	): INodeCredentials | undefined {
		if (explicit !== undefined) return Object.keys(explicit).length ? plainCopy(explicit) : undefined;
		const described = nodeTypes.getByNameAndVersion(type, typeVersion).description.credentials ?? [];
		const refs: INodeCredentials = {};
		for (const { name } of described) {
			const [first] = credentialsHelper.referencesFor(name);
			if (first) refs[name] = first;
		}
		return Object.keys(refs).length ? refs : undefined;
	}

	function buildNode(spec: EngineNode | EnginePollNode, fallbackName: string): INode {
		const typeVersion = spec.typeVersion ?? nodeTypes.defaultVersion(spec.type);
		const node: INode = {
			id: `${spec.name ?? fallbackName}-id`.replace(/\s+/g, '-'),
			name: spec.name ?? fallbackName,
			type: spec.type,
			typeVersion,
			position: [250, 0],
			parameters: plainCopy(spec.parameters) as INodeParameters,
		};
		const credentials = credentialsFor(spec.type, typeVersion, spec.credentials);
		if (credentials) node.credentials = credentials;
		const flags = spec as EngineNode;
		if (flags.continueOnFail !== undefined) node.continueOnFail = flags.continueOnFail;
		if (flags.onError !== undefined) node.onError = flags.onError;
		if (flags.alwaysOutputData !== undefined) node.alwaysOutputData = flags.alwaysOutputData;
		if (flags.executeOnce !== undefined) node.executeOnce = flags.executeOnce;
		if (flags.disabled !== undefined) node.disabled = flags.disabled;
		return node;
	}

	function displayName(type: string): string {
		const { description } = nodeTypes.getByName(type);
		return (description as { defaults?: { name?: string } }).defaults?.name ?? description.displayName;
	}

	function findStartNodeName(nodes: INode[], connections: IConnections): string {
		const hasParent = new Set<string>();
		for (const outputs of Object.values(connections)) {
			for (const output of outputs.main ?? []) {
				for (const connection of output ?? []) hasParent.add(connection.node);
			}
		}
		const start = nodes.find((node) => !hasParent.has(node.name));
		if (!start) throw new UserError('The workflow has no node without a parent to start from');
		return start.name;
	}

	async function runWorkflow(input: RunWorkflowInput): Promise<RunResult> {
		const mode: WorkflowExecuteMode = input.mode ?? 'manual';
		const nodes: INode[] = input.nodes.map((node, index) => {
			const copy = plainCopy(node);
			return {
				...copy,
				id: copy.id ?? `node-${index + 1}`,
				position: copy.position ?? [index * 200, 0],
				typeVersion: copy.typeVersion ?? nodeTypes.defaultVersion(node.type),
				parameters: copy.parameters ?? {},
			};
		});
		for (const node of nodes) nodeTypes.getByName(node.type); // unknown types fail here, clearly
		const connections = plainCopy(input.connections);
		const startName = input.startNodeName ?? findStartNodeName(nodes, connections);

		// n8n never saves static data of manual executions: work on a copy then.
		const staticData =
			mode === 'manual' ? plainCopy(input.staticData ?? {}) : (input.staticData ?? {});
		const workflow = new Workflow({
			id: WORKFLOW_ID,
			name: WORKFLOW_NAME,
			nodes,
			connections,
			active: mode !== 'manual',
			nodeTypes,
			staticData,
			settings,
		});
		const startNode = workflow.getNode(startName);
		if (!startNode) throw new UserError(`Start node "${startName}" is not in the workflow`);

		const executionId = nextExecutionId();
		const additionalData = createAdditionalData({
			credentialsHelper,
			mode,
			executionId,
			workflowData: createWorkflowData({
				id: WORKFLOW_ID,
				name: WORKFLOW_NAME,
				nodes,
				connections,
				settings,
				active: mode !== 'manual',
			}),
		});
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [
					{ node: startNode, data: { main: [toExecutionItems(input.startItems)] }, source: null },
				],
			},
		});
		const run = await new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(
			workflow,
		);
		replaceProxiesInPlace(staticData);
		return toRunResult(run, staticData);
	}

	async function runNode(node: EngineNode, input?: EngineInput, runOptions: RunOptions = {}) {
		const under = buildNode(node, displayName(node.type));
		if (under.name === START_NODE_NAME) {
			throw new UserError(`"${START_NODE_NAME}" is the harness's start node: give the node another name`);
		}
		const start: INode = {
			id: 'start-id',
			name: START_NODE_NAME,
			type: START_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		return await runWorkflow({
			...runOptions,
			nodes: [start, under],
			connections: {
				[START_NODE_NAME]: { main: [[{ node: under.name, type: 'main', index: 0 }]] },
			},
			startNodeName: START_NODE_NAME,
			startItems: input,
		});
	}

	async function poll(spec: EnginePollNode, pollOptions: PollOptions = {}): Promise<PollResult> {
		const mode = pollOptions.mode ?? 'trigger';
		const activation = pollOptions.activation ?? (mode === 'manual' ? 'manual' : 'activate');
		const node = buildNode(spec, displayName(spec.type));

		const callerStaticData = pollOptions.staticData ?? {};
		// 'trigger': the workflow's static data object itself, mutated in place as n8n does.
		// 'manual' ("Fetch Test Event"): n8n discards static-data changes, so use a copy.
		const staticData = mode === 'manual' ? plainCopy(callerStaticData) : callerStaticData;
		const workflow = new Workflow({
			id: WORKFLOW_ID,
			name: WORKFLOW_NAME,
			nodes: [node],
			connections: {},
			active: mode === 'trigger',
			nodeTypes,
			staticData,
			settings,
		});
		const pollNode = workflow.getNode(node.name) as INode;
		const nodeType = workflow.nodeTypes.getByNameAndVersion(pollNode.type, pollNode.typeVersion);
		if (typeof nodeType.poll !== 'function') {
			throw new UserError(`Node type "${pollNode.type}" has no poll() method`);
		}

		const additionalData = createAdditionalData({
			credentialsHelper,
			mode,
			executionId: nextExecutionId(),
			workflowData: createWorkflowData({
				id: WORKFLOW_ID,
				name: WORKFLOW_NAME,
				nodes: [node],
				connections: {},
				settings,
				active: mode === 'trigger',
			}),
		});
		const context = new PollContext(workflow, pollNode, additionalData, mode, activation);

		let outputs: INodeExecutionData[][] | null;
		if (mode === 'manual') {
			// What WorkflowExecute does for a poll node that starts a manual execution.
			outputs = await nodeType.poll.call(context);
		} else {
			// What n8n-core's PollTriggerExecutor does on each scheduled poll (minus the
			// emit, which would start an execution of the rest of the workflow).
			outputs = await runPollInStagingScope(context, async () => {
				return await workflow.expression.withIsolate(async () => {
					const result = await Container.get(TriggersAndPollers).runPollFunction(
						workflow,
						pollNode,
						context,
					);
					if (result === null) await commitStagedCursor(context);
					return result;
				});
			});
		}

		const changed = staticDataChanged(workflow.staticData);
		replaceProxiesInPlace(staticData);
		return {
			items: outputs === null || outputs === undefined ? null : (outputs[0] ?? []),
			outputs: outputs ?? null,
			staticData: mode === 'manual' ? callerStaticData : staticData,
			staticDataChanged: changed,
		};
	}

	function activate(spec: EnginePollNode, activationOptions: ActivationOptions = {}): Activation {
		const node = buildNode(spec, displayName(spec.type));
		const scheduler = activationOptions.scheduler ?? 'live';
		let stored: IDataObject = activationOptions.staticData ?? {};
		const contextFor = (staticData: IDataObject, nodeStaticData?: () => IDataObject) => {
			const workflow = new Workflow({
				id: WORKFLOW_ID,
				name: WORKFLOW_NAME,
				nodes: [node],
				connections: {},
				active: true,
				nodeTypes,
				staticData,
				settings,
			});
			const pollNode = workflow.getNode(node.name) as INode;
			const additionalData = createAdditionalData({
				credentialsHelper,
				mode: 'trigger',
				executionId: nextExecutionId(),
				workflowData: createWorkflowData({ id: WORKFLOW_ID, name: WORKFLOW_NAME, nodes: [node], connections: {}, settings, active: true }),
			});
			const budget = activationOptions.pollBudgetMs;
			const context = new PollContext(
				workflow,
				pollNode,
				additionalData,
				'trigger',
				'activate',
				undefined,
				undefined,
				undefined,
				undefined,
				nodeStaticData,
				budget === undefined ? undefined : () => budget,
			);
			return { workflow, pollNode, context };
		};
		const run = async (target: ReturnType<typeof contextFor>): Promise<INodeExecutionData[][] | null> =>
			await runPollInStagingScope(target.context, async () => {
				return await target.workflow.expression.withIsolate(async () => {
					const result = await Container.get(TriggersAndPollers).runPollFunction(target.workflow, target.pollNode, target.context);
					if (result === null) await commitStagedCursor(target.context);
					return result;
				});
			});
		const toResult = (outputs: INodeExecutionData[][] | null, staticData: IDataObject): PollResult => ({
			items: outputs === null || outputs === undefined ? null : (outputs[0] ?? []),
			outputs: outputs ?? null,
			staticData,
			staticDataChanged: true,
		});

		if (scheduler === 'live') {
			// n8n builds one Workflow and one poll context at activation; every cron tick reuses them.
			const live = contextFor(stored);
			return {
				async poll() {
					const outputs = await run(live);
					return toResult(outputs, stored);
				},
				staticData: () => {
					replaceProxiesInPlace(stored);
					return stored;
				},
			};
		}
		// The durable scheduler: a context and a copy of the stored node data per poll, stored back at its end.
		const nodeKey = `node:${node.name}`;
		return {
			async poll() {
				const copy = plainCopy((stored[nodeKey] as IDataObject | undefined) ?? {});
				const outputs = await run(contextFor(plainCopy(stored), () => copy));
				stored = { ...stored, [nodeKey]: plainCopy(copy) };
				return toResult(outputs, stored);
			},
			staticData: () => stored,
		};
	}

	return { runNode, runWorkflow, poll, activate, credentialsHelper, nodeTypes };
}

function toRunResult(run: IRun, staticData: IDataObject): RunResult {
	const { resultData } = run.data;
	const { runData } = resultData;

	const tasksOf = (nodeName: string) => {
		const tasks = runData[nodeName];
		if (tasks === undefined) {
			throw new UserError(
				`Node "${nodeName}" did not run (nodes that ran: ${Object.keys(runData).join(', ') || 'none'})`,
			);
		}
		return tasks;
	};

	const output = (nodeName: string, outputIndex = 0, runIndex = 0): INodeExecutionData[] => {
		const task = tasksOf(nodeName)[runIndex];
		if (task === undefined) throw new UserError(`Node "${nodeName}" has no run ${runIndex}`);
		return task.data?.main?.[outputIndex] ?? [];
	};

	return {
		runData,
		error: resultData.error as Error | undefined,
		status: run.status,
		staticData,
		output,
		json: (nodeName, outputIndex = 0, runIndex = 0) =>
			output(nodeName, outputIndex, runIndex).map((item) => item.json),
		nodeError: (nodeName) => {
			const tasks = runData[nodeName];
			return tasks?.[tasks.length - 1]?.error as Error | undefined;
		},
	};
}
