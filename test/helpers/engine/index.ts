/**
 * Test harness that runs this package's nodes through the real n8n engine
 * (n8n-core's WorkflowExecute / PollContext and its HTTP stack) inside jest.
 *
 *   const engine = createEngine({ nodeTypes: { kaptureOrder: new KaptureOrder() },
 *     credentialTypes: [new KaptureApi()], credentials: [{ type: 'kaptureApi', data: {...} }] });
 *   const result = await engine.runNode({ type: 'kaptureOrder', parameters: {...} }, [{ id: 1 }]);
 *   expect(result.error).toBeUndefined();
 *   expect(result.json('Kapture Order')).toEqual([...]);
 *
 * - runNode/runWorkflow: n8n-core's WorkflowExecute, mode 'manual' unless told otherwise.
 * - activate: a poll trigger as n8n activates it: one context and live static data shared by
 *   overlapping polls ('live'), or a copy per poll as n8n's durable scheduler does ('copies').
 * - poll: n8n-core's PollContext; 'trigger' mode mutates the given workflow static data
 *   in place (node state at staticData['node:<node name>']), 'manual' mode discards it.
 * - Credentials: the test's plain data, stored encrypted in n8n-core `Credentials` and
 *   applied by EngineCredentialsHelper (function and generic `authenticate`, preAuthentication).
 * - n8n-core's DI container is set up once per test file (silent logger, no ~/.n8n writes):
 *   see bootstrap.ts. N8N_ENGINE_DEBUG=1 prints n8n-core's logs.
 */
export { createEngine, toExecutionItems, START_NODE_NAME } from './engine';
export type { Engine } from './engine';
export { EngineCredentialsHelper } from './credentials-helper';
export { EngineNodeTypes, EngineStartNode, EngineNoOpNode, START_NODE_TYPE, NOOP_NODE_TYPE } from './node-types';
export { nodeStaticDataKey, plainCopy } from './static-data';
export { initEngineContainer } from './bootstrap';
export type {
	Activation,
	ActivationOptions,
	EngineCredential,
	EngineInput,
	EngineNode,
	EngineOptions,
	EnginePollNode,
	EngineWorkflowNode,
	NodeCredentialRefs,
	PollOptions,
	PollResult,
	RunOptions,
	RunResult,
	RunWorkflowInput,
} from './types';
