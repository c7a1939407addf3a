import type { IDataObject } from 'n8n-workflow';

import { SOURCEHUB_CREDENTIAL_TYPE, SOURCEHUB_SECRET_FIELDS } from '../../../../credentials/SourceHubApi.credentials';
import { isObject } from '../../helpers/objects';
import { findMessage } from '../answers';
import { vendorRequest } from '../request';
import type { Endpoint, RequestInput, RequestOptions, TransportContext, Vendor } from '../types';

/** SourceHub has one secret, the API key, for every endpoint. */
type SourceHubAuth = 'apiKey';

/**
 * Every SourceHub endpoint the package calls (paths below the credential's
 * `.../api` base URL). What SourceHub documents: the paths, the query
 * parameters, `count` at most 100, and `{"error": {code, description,
 * source, status_code}}` on failures.
 */
const endpoints = {
	createOrder: {
		method: 'POST',
		path: '/orders/create',
		auth: 'apiKey',
		write: true,
		label: 'create sales order',
	},
	getOrder: {
		method: 'GET',
		path: '/orders/{id}',
		auth: 'apiKey',
		write: false,
		label: 'get order',
		// An unknown order ID: Get then says which ID SourceHub has no order for.
		nothingFound: { status: [404] },
	},
	listOrders: {
		method: 'GET',
		path: '/orders',
		auth: 'apiKey',
		write: false,
		label: 'list orders',
		// Undocumented: should SourceHub answer "no orders" with a 404, it is an empty list.
		nothingFound: { status: [404] },
	},
	getCart: {
		method: 'GET',
		path: '/cart',
		auth: 'apiKey',
		write: false,
		label: 'get cart',
	},
} satisfies Record<string, Endpoint<SourceHubAuth>>;

export type SourceHubEndpointName = keyof typeof endpoints;

/** The `error` object of a SourceHub answer, when it has one. */
export function sourceHubErrorIn(body: unknown): IDataObject | undefined {
	return isObject(body) && isObject(body.error) ? body.error : undefined;
}

/** SourceHub's own words: `error.description`, else any message the body carries. */
function messageIn(body: unknown): string | undefined {
	const description = sourceHubErrorIn(body)?.description;
	if (typeof description === 'string' && description.trim() !== '') return description.trim();
	return findMessage(body);
}

export const SOURCEHUB: Vendor<SourceHubEndpointName, SourceHubAuth> = {
	credentialType: SOURCEHUB_CREDENTIAL_TYPE,
	product: 'SourceHub',
	credentialErrorName: 'SourceHubCredentialError',
	// The key goes out as `Bearer <key>`; the scrubber takes out the key in every encoding and any Bearer token.
	secrets: { fields: SOURCEHUB_SECRET_FIELDS },
	addressHint: 'check Environment and Base URL Override (it ends in /api) in the SourceHub credential',
	// SourceHub fails with an HTTP error; a 2xx carrying an error object is a refusal all the same.
	refusalIn: (body) => (sourceHubErrorIn(body) ? body : undefined),
	messageIn,
	knownErrors: [
		[
			/invalid credential|invalid token|api key|unauthori[sz]ed/i,
			'Check API Key and Environment in the SourceHub credential: test and live mode have different keys, and an expired key is refused too.',
		],
		[/too many requests/i, 'SourceHub is limiting the request rate: lower Parallel Requests or run the workflow later.'],
	],
	endpoints,
};

/** One request to a SourceHub endpoint (see vendorRequest): query and path values, no body. */
export async function sourceHubRequest(
	this: TransportContext,
	endpoint: SourceHubEndpointName,
	input: Pick<RequestInput, 'query' | 'path'>,
	options: RequestOptions = {},
): Promise<IDataObject | IDataObject[]> {
	return await vendorRequest.call(this, SOURCEHUB, endpoint, input, options);
}
