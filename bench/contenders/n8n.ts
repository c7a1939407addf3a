// Contenders that run inside the real n8n engine (n8n-core's WorkflowExecute,
// through test/helpers/engine): n8n's HTTP Request node and our Kapture nodes.

import type { ICredentialType, IDataObject, INodeExecutionData, INodeType, IVersionedNodeType } from 'n8n-workflow';

import { createEngine, type Engine, type EngineCredential } from '../../test/helpers/engine';
import { loadHttpRequestNode, type HttpRequestNodeKit } from '../lib/n8nBase';
import { httpAddFieldParameters, httpAddParameters, type InputOrder } from '../lib/orders';
import type { SandboxCredentials } from '../sandbox/remote';

export const HTTP_REQUEST_TYPE = 'n8n-nodes-base.httpRequest';
export const KAPTURE_ORDER_TYPE = 'kaptureOrder';
export const KAPTURE_TRIGGER_TYPE = 'kaptureOrderTrigger';

export interface OurNodes {
	order: INodeType | IVersionedNodeType;
	trigger?: INodeType | IVersionedNodeType;
	credential: ICredentialType;
	/** Read from the node's description, not assumed. */
	parallel: { default: number; max: number };
	pageSize: { default: number; max: number };
}

/** Our node classes (they are written in parallel with this benchmark). */
export function loadOurNodes(): OurNodes {
	/* eslint-disable @typescript-eslint/no-require-imports */
	const { KaptureOrder } = require('../../nodes/Kapture/KaptureOrder.node.ts') as {
		KaptureOrder: new () => INodeType | IVersionedNodeType;
	};
	const { KaptureApi } = require('../../credentials/KaptureApi.credentials') as { KaptureApi: new () => ICredentialType };
	let trigger: INodeType | IVersionedNodeType | undefined;
	try {
		const { KaptureOrderTrigger } = require('../../nodes/Kapture/KaptureOrderTrigger.node.ts') as {
			KaptureOrderTrigger: new () => INodeType | IVersionedNodeType;
		};
		trigger = new KaptureOrderTrigger();
	} catch (error) {
		if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
	}
	/* eslint-enable @typescript-eslint/no-require-imports */
	const order = new KaptureOrder();
	return {
		order,
		trigger,
		credential: new KaptureApi(),
		parallel: numberOption(order, 'parallelRequests'),
		pageSize: numberOption(order, 'pageSize'),
	};
}

/** Default and maxValue of a number option anywhere in the node's description (first match). */
function numberOption(type: INodeType | IVersionedNodeType, name: string): { default: number; max: number } {
	const description =
		'nodeVersions' in type ? type.nodeVersions[type.currentVersion].description : type.description;
	const stack: unknown[] = [...description.properties];
	while (stack.length) {
		const property = stack.pop() as IDataObject;
		if (property.name === name && property.type === 'number') {
			const max = (property.typeOptions as IDataObject | undefined)?.maxValue;
			return { default: Number(property.default), max: Number(max ?? property.default) };
		}
		for (const key of ['options', 'values']) {
			if (Array.isArray(property[key])) stack.push(...(property[key] as unknown[]));
		}
	}
	throw new Error(`option ${name} not found in ${description.name}`);
}

export interface N8nContenders {
	engine: Engine;
	http?: HttpRequestNodeKit;
	ours?: OurNodes;
}

export function createContenders(
	baseUrl: string,
	credentials: SandboxCredentials,
	log: (line: string) => void,
	ours?: OurNodes,
	withHttpRequestNode = true,
): N8nContenders {
	const http = withHttpRequestNode ? loadHttpRequestNode(log) : undefined;
	const nodeTypes: Record<string, INodeType | IVersionedNodeType> = {};
	const credentialTypes: ICredentialType[] = [];
	const engineCredentials: EngineCredential[] = [];
	if (http) {
		nodeTypes[HTTP_REQUEST_TYPE] = http.httpRequest;
		credentialTypes.push(http.httpBasicAuth);
		engineCredentials.push({
			id: 'basic-1',
			name: 'Kapture Basic Auth',
			type: 'httpBasicAuth',
			data: { user: credentials.username, password: credentials.password } as IDataObject,
		});
	}
	if (ours) {
		nodeTypes[KAPTURE_ORDER_TYPE] = ours.order;
		if (ours.trigger) nodeTypes[KAPTURE_TRIGGER_TYPE] = ours.trigger;
		credentialTypes.push(ours.credential);
		engineCredentials.push({
			id: 'kapture-1',
			name: 'Kapture sandbox',
			type: 'kaptureApi',
			data: {
				baseUrl,
				username: credentials.username,
				password: credentials.password,
				cmId: credentials.cmId,
				authKey: credentials.authKey,
			} as IDataObject,
		});
	}
	const engine = createEngine({ nodeTypes, credentialTypes, credentials: engineCredentials });
	return { engine, http, ours };
}

export interface NodeRunOutcome {
	/** Output items that carry an error (Continue On Fail) or a Kapture refusal. */
	failed: number;
	succeeded: number;
	/** The run stopped with an error (no Continue On Fail): every item counts as failed. */
	runError?: string;
}

function countOutcome(items: INodeExecutionData[], total: number, runError?: Error): NodeRunOutcome {
	if (runError) return { failed: total, succeeded: 0, runError: runError.message };
	let failed = 0;
	for (const item of items) {
		const json = item.json as IDataObject;
		if (item.error || json.error !== undefined || (json.status !== undefined && json.status !== 'success')) failed++;
	}
	return { failed, succeeded: items.length - failed };
}

export interface HttpNodeVariant {
	/** Node setting "On Error: Continue" (so the run finishes and failed items can be counted). */
	continueOnFail: boolean;
	/** Node setting "Retry On Fail" with n8n's defaults (3 tries, 1000 ms apart). */
	retryOnFail?: boolean;
	/** Body "Using Fields Below", one expression per field, instead of one JSON expression. */
	bodyFromFields?: boolean;
}

/** n8n's HTTP Request node, default options, body from one expression per item (or one per field). */
export async function httpNodeAdd(
	c: N8nContenders,
	baseUrl: string,
	orders: InputOrder[],
	variant: HttpNodeVariant,
): Promise<NodeRunOutcome> {
	if (!c.http) throw new Error('HTTP Request node not loaded');
	const node = {
		type: HTTP_REQUEST_TYPE,
		name: 'HTTP Request',
		typeVersion: c.http.defaultVersion,
		parameters: variant.bodyFromFields ? httpAddFieldParameters(baseUrl) : httpAddParameters(baseUrl),
		credentials: { httpBasicAuth: { id: 'basic-1', name: 'Kapture Basic Auth' } },
		...(variant.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	if (variant.retryOnFail) {
		// INode fields the harness's EngineNode type does not list: use runWorkflow.
		return await runWithRetry(c, { ...node, retryOnFail: true }, orders);
	}
	const result = await c.engine.runNode(node, orders as unknown as IDataObject[]);
	return countOutcome(result.error ? [] : result.output('HTTP Request'), orders.length, result.error);
}

async function runWithRetry(c: N8nContenders, node: IDataObject, orders: InputOrder[]): Promise<NodeRunOutcome> {
	const result = await c.engine.runWorkflow({
		nodes: [
			{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: 'http', position: [200, 0], ...(node as object) } as never,
		],
		connections: { Start: { main: [[{ node: String(node.name), type: 'main', index: 0 }]] } },
		startNodeName: 'Start',
		startItems: orders as unknown as IDataObject[],
	});
	return countOutcome(result.error ? [] : result.output(String(node.name)), orders.length, result.error);
}

/**
 * Our node's add operation, v1 API, fields mapped from the input item with one
 * expression per field (what a user of the node does).
 */
export async function ourNodeAdd(
	c: N8nContenders,
	orders: InputOrder[],
	/** Parallel Requests; undefined leaves the option out (automatic). */
	parallel: number | undefined,
	parameters: IDataObject,
): Promise<NodeRunOutcome> {
	const result = await c.engine.runNode(
		{
			type: KAPTURE_ORDER_TYPE,
			name: 'Kapture Order',
			parameters: {
				...parameters,
				options: { ...(parameters.options as IDataObject), ...(parallel === undefined ? {} : { parallelRequests: parallel }) },
			},
			onError: 'continueRegularOutput',
		},
		orders as unknown as IDataObject[],
	);
	return countOutcome(result.error ? [] : result.output('Kapture Order'), orders.length, result.error);
}
