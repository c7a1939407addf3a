/**
 * The minimal `IWorkflowExecuteAdditionalData` n8n-core needs to run nodes: the
 * credentials helper, lifecycle hooks, the instance URLs the contexts read, and stubs
 * for the server-side services a Kapture node never uses (sub-workflows, task
 * runners, AI event logging), which fail loudly if something does call them.
 */
import { ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import { UnexpectedError } from 'n8n-workflow';
import type {
	ICredentialsHelper,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

const BASE_URL = 'http://localhost:5678/';

let executionCounter = 0;

/** A fresh execution id per run, as n8n would assign. */
export function nextExecutionId(): string {
	executionCounter += 1;
	return `engine-${executionCounter}`;
}

const unsupported = (what: string) => async (): Promise<never> => {
	throw new UnexpectedError(`${what} is not supported by the engine test harness`);
};

export function createAdditionalData(params: {
	credentialsHelper: ICredentialsHelper;
	workflowData: IWorkflowBase;
	mode: WorkflowExecuteMode;
	executionId: string;
}): IWorkflowExecuteAdditionalData {
	const { credentialsHelper, workflowData, mode, executionId } = params;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	return {
		credentialsHelper,
		hooks,
		executionId,
		workflowId: workflowData.id,
		userId: 'engine-test-user',
		currentNodeExecutionIndex: 0,
		restApiUrl: `${BASE_URL}rest`,
		instanceBaseUrl: BASE_URL,
		formBaseUrl: `${BASE_URL}form`,
		formWaitingBaseUrl: `${BASE_URL}form-waiting`,
		formTestBaseUrl: `${BASE_URL}form-test`,
		webhookBaseUrl: `${BASE_URL}webhook`,
		webhookWaitingBaseUrl: `${BASE_URL}webhook-waiting`,
		webhookTestBaseUrl: `${BASE_URL}webhook-test`,
		mcpBaseUrl: `${BASE_URL}mcp`,
		mcpTestBaseUrl: `${BASE_URL}mcp-test`,
		variables: {},
		// No secrets provider: `$secrets` lookups find nothing, as on an instance without one.
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: unsupported('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unsupported('Running a task-runner task (Code node)'),
	};
}

export function createWorkflowData(params: {
	id: string;
	name: string;
	nodes: IWorkflowBase['nodes'];
	connections: IWorkflowBase['connections'];
	settings: IWorkflowBase['settings'];
	active: boolean;
}): IWorkflowBase {
	const now = new Date(0);
	return {
		...params,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
	};
}
