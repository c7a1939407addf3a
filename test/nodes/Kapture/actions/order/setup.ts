// Shared set-up of the Kapture Order operation tests: a sandbox Kapture and
// the real n8n engine running the node against it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { KaptureApi } from '../../../../../credentials/KaptureApi.credentials';
import { KaptureOrder } from '../../../../../nodes/Kapture/KaptureOrder.node';
import { createEngine, type Engine, type EngineNode, type RunResult } from '../../../../helpers/engine';
import { startSandbox, type KaptureSandbox, type SandboxOptions } from '../../../../sandbox';

export const NODE = 'Kapture Order';

export interface Harness {
	sandbox: KaptureSandbox;
	engine: Engine;
	/** Runs the node with these parameters (resource is filled in) on these input items. */
	run(
		parameters: IDataObject,
		input?: IDataObject[],
		flags?: Pick<EngineNode, 'continueOnFail' | 'onError'>,
	): Promise<RunResult>;
	/** Bodies the sandbox received, oldest first (optionally only for one API). */
	bodies(api?: string): unknown[];
	close(): Promise<void>;
}

/** An engine running the Kapture Order node with the sandbox's credential (`overrides` replace fields of it). */
export function orderEngine(sandbox: KaptureSandbox, timezone = 'UTC', overrides: IDataObject = {}): Engine {
	return createEngine({
		nodeTypes: { kaptureOrder: new KaptureOrder() },
		credentialTypes: [new KaptureApi()],
		credentials: [
			{
				type: 'kaptureApi',
				data: {
					subdomain: '',
					baseUrl: sandbox.baseUrl,
					username: sandbox.credentials.username,
					password: sandbox.credentials.password,
					cmId: sandbox.credentials.cmId,
					authKey: sandbox.credentials.authKey,
					...overrides,
				},
			},
		],
		timezone,
	});
}

export async function setup(
	options: SandboxOptions = {},
	timezone = 'UTC',
	/** Changes to the credential's data, e.g. `{ username: '' }` for a partner-only credential. */
	credential: IDataObject = {},
): Promise<Harness> {
	const sandbox = await startSandbox({ quiet: true, ...options });
	const engine = orderEngine(sandbox, timezone, credential);
	return {
		sandbox,
		engine,
		run: async (parameters, input, flags = {}) =>
			await engine.runNode(
				{ type: 'kaptureOrder', parameters: { resource: 'order', ...parameters }, ...flags },
				input,
			),
		bodies: (api) =>
			sandbox
				.requests()
				.filter((entry) => api === undefined || entry.api === api)
				.map((entry) => entry.body),
		close: async () => await sandbox.close(),
	};
}

/**
 * One harness for a test file: started before its tests, closed after them,
 * its sandbox reset (then `reset`) before each test.
 */
export function useHarness(reset: (sandbox: KaptureSandbox) => void = () => undefined, ...args: Parameters<typeof setup>): Harness {
	let current: Harness | undefined;
	beforeAll(async () => {
		current = await setup(...args);
	});
	afterAll(async () => await current?.close());
	beforeEach(() => {
		current?.sandbox.reset();
		if (current) reset(current.sandbox);
	});
	const get = (): Harness => {
		if (!current) throw new Error('The harness is used outside a test');
		return current;
	};
	return {
		get sandbox() {
			return get().sandbox;
		},
		get engine() {
			return get().engine;
		},
		run: async (...runArgs) => await get().run(...runArgs),
		bodies: (...bodyArgs) => get().bodies(...bodyArgs),
		close: async () => await get().close(),
	};
}

/** A documented example body, e.g. fixture('v1-add.request'). */
export function fixture<T = any>(name: string): T {
	const file = join(__dirname, '..', '..', '..', '..', 'fixtures', 'api-docs', `${name}.json`);
	return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/**
 * The node leaves empty optional fields out of the body; the documented
 * examples list them as "" (and empty key/value blocks as {}). This removes
 * those from an example so it can be compared with what the node sent.
 */
export function withoutEmpty<T>(value: T): T {
	if (Array.isArray(value)) return value.map((element) => withoutEmpty(element)) as T;
	if (typeof value !== 'object' || value === null) return value;
	const result: Record<string, unknown> = {};
	for (const [key, inner] of Object.entries(value)) {
		if (inner === '') continue;
		if (typeof inner === 'object' && inner !== null && !Array.isArray(inner) && Object.keys(inner).length === 0) {
			continue;
		}
		result[key] = withoutEmpty(inner);
	}
	return result as T;
}

/** The message of the node's error, whether the run failed or the item carries it. */
export function errorMessage(result: RunResult): string {
	return result.error?.message ?? result.nodeError(NODE)?.message ?? '';
}

/** Parameters of the v1 add example (kapture-v1-add-order.md), filled the way a user would. */
export function v1ExampleParameters(): IDataObject {
	return {
		api: 'v1',
		customerName: 'ABC',
		phone: '9380491257',
		email: 'abc@abc.min',
		customerFields: {
			country: 'India',
			address: 'jalsa',
			individual: false,
			organization: true,
			channelPartner: false,
			remarks: 'testing',
			updateExisting: false,
		},
		contacts: {
			contact: [
				{ title: 'no', phone: '9380491257', gender: 'Male', updateExisting: false, matchEmailPhone: false },
			],
		},
		enquiryFields: { remarks: 'testing', updateExisting: false },
		orderFields: { remarks: 'testing' },
	};
}

/**
 * The requests the sandbox received, named: the search check of a run
 * ('probe': the ERP Order ID no order has; 'sample': recent orders),
 * `lookup:<ERP Order ID>` for a search by ERP Order ID, else the API name.
 */
export function calls(sandbox: KaptureSandbox): string[] {
	return sandbox.requests().map((entry) => {
		const body = (entry.body ?? {}) as IDataObject;
		if (entry.api !== 'v1Pull') return entry.api;
		const erpOrderId = typeof body.erpOrderId === 'string' ? body.erpOrderId : '';
		if (erpOrderId.startsWith('n8n-kapture-probe-')) return 'probe';
		if (erpOrderId !== '') return `lookup:${erpOrderId}`;
		return body.createStartDate !== undefined ? 'sample' : 'v1Pull';
	});
}
