import type { IDataObject } from 'n8n-workflow';

import {
	KAPTURE_API_HEADER,
	KAPTURE_CREDENTIAL_TYPE,
	KAPTURE_SECRET_FIELDS,
	secretLabel,
	type KaptureApiName,
} from '../../../../credentials/KaptureApi.credentials';
import { isObject } from '../../helpers/objects';
import { findMessage, getCaseInsensitive } from '../answers';
import { vendorRequest } from '../request';
import type { Endpoint, RequestOptions, TransportContext, Vendor } from '../types';

const FAILURE_WORDS = new Set(['failed', 'fail', 'failure', 'error', 'false']);

/** True when a Kapture body says the request failed, whatever the HTTP status. */
function saysFailed(body: IDataObject): boolean {
	const status = getCaseInsensitive(body, 'status');
	if (typeof status === 'string' && FAILURE_WORDS.has(status.trim().toLowerCase())) return true;
	const success = getCaseInsensitive(body, 'success');
	if (success === false || (typeof success === 'string' && success.trim().toLowerCase() === 'false')) {
		return true;
	}
	return getCaseInsensitive(body, 'result') === false;
}

/** Every Kapture endpoint the package calls. All of them take a JSON POST. */
const endpoints = {
	v1AddUpdate: {
		method: 'POST',
		path: '/ms/customer/order/api/v1/add-update',
		auth: 'v1',
		write: true,
		label: 'add/update order (v1)',
	},
	v1Pull: {
		method: 'POST',
		path: '/ms/customer-search/order-search/api/v1/pull-internal',
		auth: 'v1',
		write: false,
		label: 'pull orders (v1)',
		// Should Kapture answer an empty search with a failure body, it is an empty list: only when
		// that is the whole message, so an error that merely ends in "no data found" stays an error.
		nothingFound: { message: /^\s*no (orders?|records?|data) (were )?found[.!]?\s*$/i },
	},
	partnerPush: {
		method: 'POST',
		path: '/add-update-order-from-other-source.html',
		auth: 'orderPush',
		write: true,
		label: 'order push/update (partner)',
	},
	partnerPayment: {
		method: 'POST',
		// Kapture documents the payment update under the order push address.
		path: '/add-update-order-from-other-source.html',
		auth: 'payment',
		write: true,
		label: 'update payment against order (partner)',
	},
	partnerPullByDates: {
		method: 'POST',
		path: '/select-order-between-start-and-end-dates.html',
		auth: 'pullByDates',
		write: false,
		label: 'pull orders between dates (partner)',
		// Kapture answers a day without orders with {"Message": "No orders between dates", "Status": "failed"}.
		nothingFound: { message: /no orders? (found )?between/i },
	},
	partnerGet: {
		method: 'POST',
		path: '/search-order-by-order-id.html',
		auth: 'getOrder',
		write: false,
		label: 'get order (partner)',
		// Kapture's documented answer for an unknown order ID: Get then says which ID it has no order for.
		nothingFound: { message: /could not find the order/i },
	},
} satisfies Record<string, Endpoint<KaptureApiName>>;

export type KaptureEndpointName = keyof typeof endpoints;

export const KAPTURE: Vendor<KaptureEndpointName, KaptureApiName> = {
	credentialType: KAPTURE_CREDENTIAL_TYPE,
	product: 'Kapture',
	authHeader: KAPTURE_API_HEADER,
	credentialErrorName: 'KaptureCredentialError',
	secrets: { fields: KAPTURE_SECRET_FIELDS, basicPairs: [['username', 'password']] },
	addressHint: 'check Subdomain or Base URL Override in the credential',
	refusalIn(body) {
		if (Array.isArray(body)) return body.find((element) => isObject(element) && saysFailed(element));
		return isObject(body) && saysFailed(body) ? body : undefined;
	},
	messageIn: findMessage,
	knownErrors: [
		// Kapture's v1 API says "Invalid Auth Key" for a wrong user name or password too.
		[/AuthKeyInvalid|Invalid Auth Key/i, (endpoint) => `Check ${secretLabel(endpoint.auth as KaptureApiName)} in the Kapture credential.`],
		[/APIExpired/i, 'The Auth Key has expired: create a new one in Kapture and update the credential.'],
		[/ReqFieldMissing/i, 'A field Kapture requires for this API is empty.'],
		[/ServerFailure/i, 'Kapture had a server error while processing the request; try again later.'],
	],
	endpoints,
};

/** One request to a Kapture endpoint with a JSON body (see vendorRequest). */
export async function kaptureRequest(
	this: TransportContext,
	endpoint: KaptureEndpointName,
	body: IDataObject | IDataObject[],
	options: RequestOptions = {},
): Promise<IDataObject | IDataObject[]> {
	return await vendorRequest.call(this, KAPTURE, endpoint, { body }, options);
}
