import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { checkedBaseUrlOverride } from './shared/baseUrl';

export const SOURCEHUB_CREDENTIAL_TYPE = 'sourceHubApi';

/** The field holding the secret: the transport keeps its value out of every message and output. */
export const SOURCEHUB_SECRET_FIELDS: readonly string[] = ['apiKey'];

/** SourceHub's two hosts; each has its own API keys. */
export const SOURCEHUB_ENVIRONMENTS = {
	live: 'https://webservices.sourcehub.in/api',
	test: 'https://testwebservices.sourcehub.in/api',
} as const;

export type SourceHubEnvironment = keyof typeof SOURCEHUB_ENVIRONMENTS | 'custom';

export class SourceHubCredentialError extends Error {
	override name = 'SourceHubCredentialError';
}

/** Where every request goes: the environment's host, or the checked override. */
export function sourceHubBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const environment = String(credentials.environment ?? 'live') as SourceHubEnvironment;
	if (environment === 'custom') {
		const override = String(credentials.baseUrl ?? '').trim();
		if (override === '') {
			throw new SourceHubCredentialError(
				'Base URL Override is empty: enter the address of the SourceHub API (ending in /api), or pick the Live or Test environment',
			);
		}
		return checkedBaseUrlOverride(override, (message) => new SourceHubCredentialError(message));
	}
	const url = SOURCEHUB_ENVIRONMENTS[environment as keyof typeof SOURCEHUB_ENVIRONMENTS];
	if (!url) throw new SourceHubCredentialError(`Environment "${environment}" is not known: pick Live, Test or Custom`);
	return url;
}

/** The Authorization header. SourceHub refuses a key with spaces around it, so they are dropped. */
export function sourceHubAuthorization(credentials: ICredentialDataDecryptedObject): string {
	const key = String(credentials.apiKey ?? '').trim();
	if (key === '') {
		throw new SourceHubCredentialError('API Key is empty: paste the key from your SourceHub dashboard into the SourceHub credential');
	}
	return `Bearer ${key}`;
}

export class SourceHubApi implements ICredentialType {
	name = 'sourceHubApi';

	displayName = 'SourceHub API';

	icon = { light: 'file:../nodes/SourceHub/sourcehub.svg', dark: 'file:../nodes/SourceHub/sourcehub.dark.svg' } as const;

	documentationUrl = 'https://sourcehub.in';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The API key from your SourceHub dashboard. Test and live mode have different keys.',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			default: 'live',
			options: [
				{ name: 'Live', value: 'live', description: SOURCEHUB_ENVIRONMENTS.live },
				{ name: 'Test', value: 'test', description: SOURCEHUB_ENVIRONMENTS.test },
				{ name: 'Custom (Base URL Override)', value: 'custom', description: 'A private host or a local sandbox' },
			],
			description: 'Which SourceHub to use. The API Key must belong to the same environment.',
		},
		{
			displayName: 'Base URL Override',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:3901/api',
			description: 'Address of the SourceHub API, ending in /api, used instead of Live or Test',
			displayOptions: { show: { environment: ['custom'] } },
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			baseURL: sourceHubBaseUrl(credentials),
			headers: { ...(requestOptions.headers ?? {}), Authorization: sourceHubAuthorization(credentials) },
		};
	}
}
