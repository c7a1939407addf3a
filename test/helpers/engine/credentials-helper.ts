/**
 * An `ICredentialsHelper` for tests, backed by an in-memory list of credentials
 * instead of n8n's database. It plays the part of the `CredentialsHelper` in n8n's
 * server package (which n8n-core calls for every authenticated request):
 *
 * - credentials are kept ENCRYPTED in n8n-core `Credentials` objects (as the database
 *   would hold them) and decrypted by `getDecrypted`, which then applies the credential
 *   type's property defaults and resolves expressions in the data, like the server does;
 * - `authenticate` applies the credential type's `authenticate`: a function is called,
 *   the generic form has every `={{ … }}` key/value of `properties.headers/qs/body/auth`
 *   resolved with `$credentials` through the workflow's real expression engine and
 *   merged into the request options;
 * - `preAuthentication` follows the server's rules (only for types with an `expirable`
 *   hidden property; refresh when it is empty or the call says it expired; persist the
 *   refreshed value). Difference from n8n: the helper handed to the hook is the node's
 *   own (n8n additionally restricts it to the credential's allowed domains).
 */
import { Credentials, getAdditionalKeys } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	UserError,
	Workflow,
	isExpression,
} from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IDataObject,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	INodeTypes,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import type { EngineCredential } from './types';

interface StoredCredential {
	id: string;
	name: string;
	type: string;
	plain: IDataObject;
	encrypted?: Promise<Credentials>;
}

/** The node used to resolve credential expressions outside of a node execution. */
const CREDENTIAL_RESOLVER_NODE: INode = {
	id: 'engine-credential-resolver',
	name: '',
	type: 'n8n-nodes-base.noOp',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export class EngineCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();

	private readonly stored: StoredCredential[];

	constructor(
		credentialTypes: ICredentialType[],
		credentials: EngineCredential[],
		private readonly nodeTypes: INodeTypes,
	) {
		super();
		for (const type of credentialTypes) this.types.set(type.name, type);
		this.stored = credentials.map((credential, index) => ({
			id: credential.id ?? `${credential.type}-${index + 1}`,
			name: credential.name ?? `${credential.type} account ${index + 1}`,
			type: credential.type,
			plain: { ...credential.data },
		}));
	}

	/** The `{ id, name }` references for every provided credential of `type`. */
	referencesFor(type: string): INodeCredentialsDetails[] {
		return this.stored.filter((c) => c.type === type).map(({ id, name }) => ({ id, name }));
	}

	getCredentialType(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) {
			throw new UserError(
				`Unknown credential type "${name}": pass it to createEngine({ credentialTypes })` +
					` (known: ${[...this.types.keys()].join(', ') || 'none'})`,
			);
		}
		return type;
	}

	getParentTypes(name: string): string[] {
		const parents: string[] = [];
		const visit = (typeName: string) => {
			const type = this.types.get(typeName);
			for (const parent of type?.extends ?? []) {
				if (parents.includes(parent)) continue;
				parents.push(parent);
				visit(parent);
			}
		};
		visit(name);
		return parents;
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = this.types.get(credentialType);
		if (!type?.restrictToSupportedNodes) return true;
		const supported = type.supportedNodes ?? [];
		const shortName = nodeType.slice(nodeType.lastIndexOf('.') + 1);
		return supported.includes(nodeType) || supported.includes(shortName);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.getCredentialType(type);
		if (credentialType.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
				return [
					...credentialType.properties,
					{
						displayName: 'oauthTokenData',
						name: 'oauthTokenData',
						type: 'json',
						required: false,
						default: {},
					},
				];
			}
			return credentialType.properties;
		}
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.getCredentialType(typeName);
		if (!authenticate) return requestOptions;

		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}

		if (!workflow || !node) {
			throw new UserError('Generic credential authentication needs the workflow and the node');
		}
		if (requestOptions.headers === undefined) requestOptions.headers = {};
		if (authenticate.type !== 'generic') return requestOptions;

		const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
		for (const [section, entries] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
				const resolvedKey = this.resolveForAuth(key, credentials, workflow, node);
				const resolvedValue = this.resolveForAuth(value as string, credentials, workflow, node);
				if (!target[section]) target[section] = {};
				target[section][resolvedKey] = resolvedValue;
			}
		}
		return requestOptions;
	}

	/** Same resolution the n8n server applies to generic `authenticate` entries. */
	private resolveForAuth(
		value: string,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		// eslint-disable-next-line @typescript-eslint/no-base-to-string
		return resolved ? resolved.toString() : '';
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getCredentialType(typeName);
		const expirable = credentialType.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable === undefined || typeof credentialType.preAuthentication !== 'function') {
			return undefined;
		}
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;

		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;

		const reference = node.credentials?.[credentialType.name];
		if (reference) {
			const stored = this.find(reference, credentialType.name);
			const persisted: IDataObject = { ...stored.plain };
			for (const [key, value] of Object.entries(output)) {
				if (key === expirable.name || !isExpression(stored.plain[key])) persisted[key] = value;
			}
			await this.updateCredentials(reference, credentialType.name, persisted as ICredentialDataDecryptedObject);
			return Object.assign(credentials, output);
		}
		return undefined;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getCredentialType(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		return (output as ICredentialDataDecryptedObject) ?? undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		return await this.encrypted(this.find(nodeCredentials, type));
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.find(nodeCredentials, type);
		const decrypted = await (await this.encrypted(stored)).getData();
		if (raw === true) return decrypted;

		// Defaults for keys the test left out, exactly as n8n fills them.
		let data = (NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			decrypted as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;
		for (const key of ['oauthTokenData', 'allowedHttpRequestDomains', 'allowedDomains']) {
			if (data[key] === undefined && decrypted[key] !== undefined) data[key] = decrypted[key];
		}

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			try {
				data = expressionResolveValues.workflow.expression.getParameterValue(
					data as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					data,
				) as ICredentialDataDecryptedObject;
			} catch (error) {
				if (error instanceof Error) error.message += ' [Error resolving credentials]';
				throw error;
			}
		} else {
			const workflow = new Workflow({
				nodes: [{ ...CREDENTIAL_RESOLVER_NODE }],
				connections: {},
				active: false,
				nodeTypes: this.nodeTypes,
			});
			data = workflow.expression.getComplexParameterValue(
				CREDENTIAL_RESOLVER_NODE,
				data as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				data,
			) as ICredentialDataDecryptedObject;
		}
		return data;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.find(nodeCredentials, type);
		const credentials = await this.encrypted(stored);
		await credentials.setData(data);
		stored.plain = { ...data };
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.find(nodeCredentials, type);
		const credentials = await this.encrypted(stored);
		await credentials.updateData({ oauthTokenData: data.oauthTokenData });
		stored.plain = { ...stored.plain, oauthTokenData: data.oauthTokenData };
	}

	/** The current (decrypted, as stored) data of a credential, e.g. after a token refresh. */
	storedData(reference: INodeCredentialsDetails, type: string): IDataObject {
		return { ...this.find(reference, type).plain };
	}

	private find(reference: INodeCredentialsDetails | undefined, type: string): StoredCredential {
		const ofType = this.stored.filter((c) => c.type === type);
		const found =
			(reference?.id ? ofType.find((c) => c.id === reference.id) : undefined) ??
			(reference && !reference.id ? ofType.find((c) => c.name === reference.name) : undefined);
		if (found) return found;
		const available = ofType.map((c) => `"${c.id}" (${c.name})`).join(', ');
		throw new UserError(
			`Credential ${reference?.id ? `with ID "${reference.id}"` : `"${reference?.name ?? ''}"`} ` +
				`of type "${type}" does not exist: the test did not provide it` +
				(available ? ` (provided credentials of this type: ${available})` : ''),
		);
	}

	private async encrypted(stored: StoredCredential): Promise<Credentials> {
		stored.encrypted ??= (async () => {
			const credentials = new Credentials({ id: stored.id, name: stored.name }, stored.type);
			await credentials.setData(stored.plain as ICredentialDataDecryptedObject);
			return credentials;
		})();
		return await stored.encrypted;
	}
}
