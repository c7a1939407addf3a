/** Test-only node types for the engine harness's own tests. */
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';

/** GETs `<baseUrl>/echo?id=<item id>` per item with the selected credential; outputs the response. */
export class EchoRequest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Echo Request',
		name: 'echoRequest',
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		description: 'Calls a local echo server with authentication',
		defaults: { name: 'Echo Request' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'functionAuthApi', required: true, displayOptions: { show: { authentication: ['function'] } } },
			{ name: 'genericAuthApi', required: true, displayOptions: { show: { authentication: ['generic'] } } },
			{ name: 'sessionAuthApi', required: true, displayOptions: { show: { authentication: ['session'] } } },
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Function', value: 'function' },
					{ name: 'Generic', value: 'generic' },
					{ name: 'Session', value: 'session' },
				],
				default: 'function',
			},
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Label', name: 'label', type: 'string', default: 'default-label' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const authentication = this.getNodeParameter('authentication', 0) as string;
		const credentialType = `${authentication}AuthApi`;
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const baseUrl = this.getNodeParameter('baseUrl', i) as string;
			const label = this.getNodeParameter('label', i) as string;
			const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
				method: 'GET',
				url: `${baseUrl}/echo`,
				qs: { id: items[i].json.id as string },
				json: true,
			})) as IDataObject;
			out.push({ json: { ...response, label, version: this.getNode().typeVersion }, pairedItem: { item: i } });
		}
		return [out];
	}
}

/** Throws for items with `fail: true`; follows n8n's continueOnFail convention. */
export class Thrower implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Thrower',
		name: 'thrower',
		group: ['transform'],
		version: 1,
		description: 'Fails on demand',
		defaults: { name: 'Thrower' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Handle Errors Itself',
				name: 'catchErrors',
				type: 'boolean',
				default: true,
				description: 'Whether to catch errors and honour continueOnFail (otherwise throw outright)',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const catchErrors = this.getNodeParameter('catchErrors', 0) as boolean;
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				if (items[i].json.fail === true) {
					throw new NodeOperationError(this.getNode(), `Item ${i} asked to fail`, { itemIndex: i });
				}
				out.push({ json: { ok: true, ...items[i].json }, pairedItem: { item: i } });
			} catch (error) {
				if (catchErrors && this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	}
}

/**
 * Polls `<baseUrl>/events?after=<lastId>`; keeps `lastId` in the node's static data.
 * In manual mode it returns the latest event as a sample without moving the cursor.
 */
export class EventPoller implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Event Poller',
		name: 'eventPoller',
		group: ['trigger'],
		version: 1,
		description: 'Emits new events',
		defaults: { name: 'Event Poller' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'genericAuthApi', required: true }],
		properties: [{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' }],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const state = this.getWorkflowStaticData('node');
		const baseUrl = this.getNodeParameter('baseUrl') as string;
		const manual = this.getMode() === 'manual';
		const lastId = (state.lastId as number | undefined) ?? 0;
		const events = (await this.helpers.httpRequestWithAuthentication.call(this, 'genericAuthApi', {
			method: 'GET',
			url: `${baseUrl}/events`,
			qs: { after: manual ? 0 : lastId },
			json: true,
		})) as Array<{ id: number }>;
		if (manual) {
			state.lastFetchTest = 'written in manual mode';
			return events.length ? [this.helpers.returnJsonArray([events[events.length - 1]])] : null;
		}
		state.polls = ((state.polls as number | undefined) ?? 0) + 1;
		if (!events.length) return null;
		state.lastId = events[events.length - 1].id;
		state.seen = [...((state.seen as number[] | undefined) ?? []), ...events.map((e) => e.id)];
		return [this.helpers.returnJsonArray(events)];
	}
}
