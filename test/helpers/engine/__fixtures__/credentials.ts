/** Test-only credential types for the engine harness's own tests. */
import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/** `authenticate` is a FUNCTION (called as is by the credentials helper). */
export class FunctionAuthApi implements ICredentialType {
	name = 'functionAuthApi';

	displayName = 'Function Auth API';

	properties: INodeProperties[] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu-default' },
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				'x-api-key': `key:${credentials.apiKey as string}`,
				'x-region': credentials.region as string,
			},
		};
	}
}

/** `authenticate` in the GENERIC form (expressions resolved like n8n's server does). */
export class GenericAuthApi implements ICredentialType {
	name = 'genericAuthApi';

	displayName = 'Generic Auth API';

	properties: INodeProperties[] = [
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Tenant', name: 'tenant', type: 'string', default: 'acme' },
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.token}}' },
			qs: { tenant: '={{$credentials.tenant}}' },
		},
	};
}

/** A token-refreshing credential: `preAuthentication` fills the expirable `sessionToken`. */
export class SessionAuthApi implements ICredentialType {
	name = 'sessionAuthApi';

	displayName = 'Session Auth API';

	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${credentials.baseUrl as string}/login`,
			body: { password: credentials.password },
			json: true,
		})) as { token: string };
		return { sessionToken: response.token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'x-session': '={{$credentials.sessionToken}}' } },
	};
}
