// Shared set-up of the SourceHub node tests: a SourceHub sandbox and the real
// n8n engine running the node against it.

import type { IDataObject } from 'n8n-workflow';

import { SourceHubApi } from '../../../credentials/SourceHubApi.credentials';
import { SourceHub } from '../../../nodes/SourceHub/SourceHub.node';
import { createEngine, type Engine, type EngineNode, type RunResult } from '../../helpers/engine';
import {
	DOCUMENTED_CUSTOMER_ID,
	DOCUMENTED_PRODUCT_ID,
	startSourceHubSandbox,
	type SourceHubSandbox,
	type SourceHubSandboxOptions,
} from '../../sandbox/sourcehub';

export const NODE = 'SourceHub';
export const CUSTOMER = DOCUMENTED_CUSTOMER_ID;
export const PRODUCT = DOCUMENTED_PRODUCT_ID;
export const PHONE = '9163367906';

export interface Harness {
	sandbox: SourceHubSandbox;
	engine: Engine;
	/** Runs the node with these parameters on these input items. */
	run(parameters: IDataObject, input?: IDataObject[], flags?: Pick<EngineNode, 'continueOnFail' | 'onError'>): Promise<RunResult>;
	/** The API requests the sandbox received, oldest first (optionally for one API). */
	requests(api?: string): ReturnType<SourceHubSandbox['requests']>;
	close(): Promise<void>;
}

export async function setup(options: SourceHubSandboxOptions = {}, credential: IDataObject = {}): Promise<Harness> {
	const sandbox = await startSourceHubSandbox({ quiet: true, ...options });
	const engine = createEngine({
		nodeTypes: { sourceHub: new SourceHub() },
		credentialTypes: [new SourceHubApi()],
		credentials: [
			{ type: 'sourceHubApi', data: { environment: 'custom', baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, ...credential } },
		],
	});
	return {
		sandbox,
		engine,
		run: async (parameters, input, flags = {}) =>
			await engine.runNode({ type: 'sourceHub', parameters: { resource: 'order', ...parameters }, ...flags }, input),
		requests: (api) => sandbox.requests().filter((entry) => entry.api !== 'inspect' && (api === undefined || entry.api === api)),
		close: async () => await sandbox.close(),
	};
}

/** A resource locator value "By ID", as the editor stores it. */
export const byId = (value: string | number) => ({ __rl: true, mode: 'id', value: String(value) });

/** The message of the node's error, whether the run failed or the item carries it. */
export function errorMessage(result: RunResult): string {
	return result.error?.message ?? result.nodeError(NODE)?.message ?? '';
}

/** Customers 10, 11, ... each with `quantity` of the documented product in the cart. */
export function customersWithCarts(sandbox: SourceHubSandbox, count: number, quantity = 1): number[] {
	return Array.from({ length: count }, () => {
		const customer = sandbox.addCustomer();
		sandbox.fillCart(customer.id, [{ productId: PRODUCT, quantity }]);
		return customer.id;
	});
}
