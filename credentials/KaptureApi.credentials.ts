import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Which Kapture API a request is for. Kapture issues a separate Auth Key per
 * partner API, and the v1 endpoints use the user's name and password instead,
 * so the credential must know the API to pick the right secret. The transport
 * says so in this header; it is removed before the request leaves n8n.
 */
export const KAPTURE_API_HEADER = 'x-kapture-api';

/** The n8n credential type name (`KaptureApi.name`), for the transport. */
export const KAPTURE_CREDENTIAL_TYPE = 'kaptureApi';

/**
 * The partner APIs, each with the credential field of its own Auth Key: the
 * list of API names, the credential fields and the key lookup all come from here.
 */
const PARTNER_KEYS = {
	orderPush: { field: 'orderPushAuthKey', displayName: 'Order Push/Update Auth Key', api: 'order push and update' },
	pullByDates: { field: 'pullByDatesAuthKey', displayName: 'Pull Orders by Dates Auth Key', api: 'pull orders between dates' },
	getOrder: { field: 'getOrderAuthKey', displayName: 'Get Order Auth Key', api: 'get order by ID' },
	payment: { field: 'paymentAuthKey', displayName: 'Payment Update Auth Key', api: 'update payment against order' },
} as const;

type PartnerApiName = keyof typeof PARTNER_KEYS;

export type KaptureApiName = 'v1' | PartnerApiName;

/** Every field holding a secret: the transport keeps their values out of every message and output. */
export const KAPTURE_SECRET_FIELDS: readonly string[] = [
	'password',
	'authKey',
	...Object.values(PARTNER_KEYS).map((key) => key.field),
];

// A subdomain is one DNS label: anything else could send the secrets to another host.
const SUBDOMAIN_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

export class KaptureCredentialError extends Error {
	override name = 'KaptureCredentialError';
}

/** The base URL every request goes to, from the subdomain or the override. */
export function kaptureBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const override = String(credentials.baseUrl ?? '').trim();
	if (override !== '') {
		let url: URL;
		try {
			url = new URL(override);
		} catch {
			throw new KaptureCredentialError(
				'Base URL Override is not a valid URL: use the form https://host[:port][/path]',
			);
		}
		if (url.protocol !== 'https:' && url.protocol !== 'http:') {
			throw new KaptureCredentialError('Base URL Override must start with https:// or http://');
		}
		if (url.username !== '' || url.password !== '') {
			throw new KaptureCredentialError(
				'Base URL Override must not contain a user name or password: put them in the credential fields',
			);
		}
		if (url.hash !== '' || override.includes('#')) {
			throw new KaptureCredentialError('Base URL Override must not contain a fragment (#...)');
		}
		if (url.search !== '') {
			throw new KaptureCredentialError('Base URL Override must not contain a query string (?...)');
		}
		return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
	}

	const subdomain = String(credentials.subdomain ?? '').trim();
	if (subdomain === '') {
		throw new KaptureCredentialError(
			'Subdomain is empty: enter the first part of your Kapture address (acme for https://acme.kapturecrm.com)',
		);
	}
	if (!SUBDOMAIN_PATTERN.test(subdomain)) {
		throw new KaptureCredentialError(
			`Subdomain "${subdomain.slice(0, 40)}" is not valid: use only letters, digits and hyphens (acme for https://acme.kapturecrm.com)`,
		);
	}
	return `https://${subdomain.toLowerCase()}.kapturecrm.com`;
}

/** The Authorization header value for one Kapture API. */
export function kaptureAuthorization(
	credentials: ICredentialDataDecryptedObject,
	api: KaptureApiName,
): string {
	if (api === 'v1') {
		const username = String(credentials.username ?? '');
		const password = String(credentials.password ?? '');
		if (username === '' || password === '') {
			throw new KaptureCredentialError(
				'Username and Password are needed for this operation (Kapture v1 API): fill them in the Kapture credential',
			);
		}
		return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
	}
	const specificKey = String(credentials[PARTNER_KEYS[api].field] ?? '').trim();
	const key = specificKey !== '' ? specificKey : String(credentials.authKey ?? '').trim();
	if (key === '') {
		throw new KaptureCredentialError(
			`An Auth Key is needed for this operation: fill Auth Key (or ${PARTNER_KEYS[api].displayName}) in the Kapture credential`,
		);
	}
	// Kapture shows partner keys ready to use, so they are sent as they are.
	return `Basic ${key}`;
}

/** Where the secret of one API is filled in, as the credential's fields are labelled. */
export function secretLabel(api: KaptureApiName): string {
	return api === 'v1' ? 'Username and Password' : `${PARTNER_KEYS[api].displayName} (or Auth Key)`;
}

function isKaptureApiName(value: unknown): value is KaptureApiName {
	return value === 'v1' || (typeof value === 'string' && value in PARTNER_KEYS);
}

const partnerKeyFields: INodeProperties[] = Object.values(PARTNER_KEYS).map(({ field, displayName, api }) => ({
	displayName,
	name: field,
	type: 'string',
	typeOptions: { password: true },
	default: '',
	description: `Auth Key Kapture issued for the ${api} API. Leave empty to use the Auth Key above.`,
}));

const TEST_RULES: Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody> = [
	{
		type: 'responseCode',
		properties: {
			value: 400,
			message: 'Kapture answered 400 Bad Request: check Account ID (cmId)',
		},
	},
	{
		type: 'responseCode',
		properties: {
			value: 401,
			message: 'Kapture answered "Invalid Auth Key": check Username and Password',
		},
	},
	{
		type: 'responseCode',
		properties: {
			value: 403,
			message: 'Kapture answered 403 Forbidden: this user may not pull orders',
		},
	},
	{
		type: 'responseCode',
		properties: {
			value: 404,
			message: 'Kapture answered 404 Not Found: check Subdomain or Base URL Override',
		},
	},
	{
		type: 'responseSuccessBody',
		properties: {
			key: 'status',
			value: 'failed',
			message: 'Kapture refused the test request: check Account ID (cmId), Username and Password',
		},
	},
];

export class KaptureApi implements ICredentialType {
	name = 'kaptureApi';

	displayName = 'Kapture API';

	icon = { light: 'file:../nodes/Kapture/kapture.svg', dark: 'file:../nodes/Kapture/kapture.dark.svg' } as const;

	documentationUrl = 'https://developer.kapturecrm.com';

	properties: INodeProperties[] = [
		{
			displayName: 'Subdomain',
			name: 'subdomain',
			type: 'string',
			default: '',
			placeholder: 'acme',
			description:
				'The first part of your Kapture address: acme for https://acme.kapturecrm.com. Letters, digits and hyphens only.',
		},
		{
			displayName: 'Base URL Override',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://devapi.kapturecrm.com',
			description:
				"Optional. Send requests here instead of the subdomain's address: Kapture's dev host, a private deployment or a local sandbox.",
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			description: 'Kapture user for the v1 order APIs (add, update and pull orders)',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Password of that user',
		},
		{
			displayName: 'Account ID (cmId)',
			name: 'cmId',
			type: 'number',
			default: 0,
			description: 'Your Kapture account ID, needed to pull orders with the v1 API',
		},
		{
			displayName: 'Auth Key',
			name: 'authKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Auth Key for the partner APIs, from Configuration > Partner configuration > API configurations in Kapture. Used for every partner API that has no key of its own below.',
		},
		...partnerKeyFields,
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = { ...(requestOptions.headers ?? {}) };
		const requested = headers[KAPTURE_API_HEADER];
		delete headers[KAPTURE_API_HEADER];
		const api: KaptureApiName = isKaptureApiName(requested) ? requested : 'v1';
		headers.Authorization = kaptureAuthorization(credentials, api);
		return { ...requestOptions, baseURL: kaptureBaseUrl(credentials), headers };
	}

	// The v1 pull is read-only and checks both the user and the account ID.
	// An order ID of 0 matches nothing, so the test reads no customer data.
	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			url: '/ms/customer-search/order-search/api/v1/pull-internal',
			headers: { [KAPTURE_API_HEADER]: 'v1' },
			body: {
				cmId: '={{$credentials.cmId}}',
				orderIds: '0',
				limit: '1',
				offset: '0',
			},
		},
		// n8n checks mixed rule kinds in order; its type only allows one kind per list.
		rules: TEST_RULES as ICredentialTestRequest['rules'],
	};
}
