import type { JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { FailedAnswer } from './answers';
import { NOT_PROCESSED_STATUSES, NOT_SENT_CODES } from './retry';
import type { Delivery, Endpoint, TransportContext, TransportErrorContext, Vendor } from './types';

/** What went wrong when no answer came. */
export interface NetworkFailure {
	code: string;
	message: string;
}

/** Where the error happened, for messages and for `error.context`. */
export interface FailureSite {
	vendor: Vendor;
	endpointName: string;
	endpoint: Endpoint;
	itemIndex?: number;
	attempts: number;
}

const STATUS_TEXT: Record<number, string> = {
	400: 'rejected the request as invalid (400 Bad Request)',
	401: 'did not accept the credentials (401 Unauthorized)',
	403: 'refused access (403 Forbidden)',
	404: 'does not know this address (404 Not Found)',
	429: 'is limiting the request rate (429 Too Many Requests) and kept doing so after every retry',
	500: 'had an internal error (500)',
	502: 'or a proxy in front of it failed (502 Bad Gateway)',
	503: 'is unavailable (503 Service Unavailable)',
	504: 'did not answer in time (504 Gateway Timeout)',
};

const NETWORK_TEXT: Record<string, string> = {
	ECONNREFUSED: 'refused the connection',
	ENOTFOUND: 'could not be found (DNS)',
	EAI_AGAIN: 'could not be found (DNS lookup failed)',
	ECONNRESET: 'closed the connection before answering',
	ETIMEDOUT: 'did not answer in time',
	ECONNABORTED: 'did not answer in time',
};

/** See Delivery: what a failed answer proves about whether the request took effect. */
export function answerDelivery(answer: FailedAnswer): Delivery {
	if (answer.kind === 'refused') return 'notProcessed';
	const { status } = answer;
	if ((status >= 400 && status < 500) || NOT_PROCESSED_STATUSES.has(status)) return 'notProcessed';
	// A 5xx, or a 2xx (or 3xx) that cannot be read: the request may have been carried out.
	return 'mayHaveBeenProcessed';
}

export function networkDelivery(failure: NetworkFailure): Delivery {
	return NOT_SENT_CODES.has(failure.code) ? 'notProcessed' : 'mayHaveBeenProcessed';
}

function contextOf(site: FailureSite, delivery: Delivery, httpStatus?: number): TransportErrorContext {
	return {
		delivery,
		...(httpStatus === undefined ? {} : { httpStatus }),
		endpoint: site.endpointName,
		write: site.endpoint.write,
		attempts: site.attempts,
	};
}

function hintFor(vendor: Vendor, endpoint: Endpoint, message: string | undefined): string | undefined {
	if (!message) return undefined;
	const hint = vendor.knownErrors.find(([pattern]) => pattern.test(message))?.[1];
	return typeof hint === 'function' ? hint(endpoint) : hint;
}

export function answerError(context: TransportContext, site: FailureSite, answer: FailedAnswer): NodeApiError {
	const { vendor, endpoint, itemIndex } = site;
	const { product } = vendor;
	const retried = site.attempts > 1 ? ` (after ${site.attempts} attempts)` : '';
	let error: NodeApiError;
	switch (answer.kind) {
		case 'refused': {
			// Only the vendor's own words are quoted.
			const said = answer.message ? `: "${answer.message}"` : ' without saying why';
			error = new NodeApiError(context.getNode(), { message: answer.message ?? '' } as JsonObject, {
				message: `${product} refused the ${endpoint.label} request${said}`,
				description: hintFor(vendor, endpoint, answer.message),
				httpCode: String(answer.status),
				itemIndex,
			});
			break;
		}
		case 'http': {
			const said = answer.message ? `: "${answer.message}"` : '';
			const text = STATUS_TEXT[answer.status] ?? `answered with HTTP status ${answer.status}`;
			const address = answer.status === 404 ? `: ${vendor.addressHint}` : '';
			error = new NodeApiError(context.getNode(), { message: answer.message ?? '' } as JsonObject, {
				message: `${product} ${text}${address}${said}${retried}`,
				description: hintFor(vendor, endpoint, answer.message) ?? `Endpoint: ${endpoint.label}`,
				httpCode: String(answer.status),
				itemIndex,
			});
			break;
		}
		case 'notJson':
			error = new NodeApiError(context.getNode(), {} as JsonObject, {
				message: `${product} answered the ${endpoint.label} request with a page that is not JSON (HTTP ${answer.status})${retried}`,
				description: answer.excerpt ? `The page said: ${answer.excerpt}` : `${capitalised(vendor.addressHint)}.`,
				httpCode: String(answer.status),
				itemIndex,
			});
			break;
		case 'empty':
			error = new NodeApiError(context.getNode(), {} as JsonObject, {
				message: `${product} answered the ${endpoint.label} request with an empty body (HTTP ${answer.status})`,
				httpCode: String(answer.status),
				itemIndex,
			});
	}
	Object.assign(error.context, contextOf(site, answerDelivery(answer), answer.status));
	return error;
}

export function networkError(context: TransportContext, site: FailureSite, failure: NetworkFailure): NodeApiError {
	const { vendor, endpoint } = site;
	const retried = site.attempts > 1 ? ` (after ${site.attempts} attempts)` : '';
	const delivery = networkDelivery(failure);
	const what = NETWORK_TEXT[failure.code] ?? `could not be reached (${failure.code})`;
	const address = failure.code === 'ENOTFOUND' ? `: ${vendor.addressHint}` : '';
	// The code stays out of the error object: n8n would swap our message for a generic one.
	const error = new NodeApiError(context.getNode(), { message: failure.message } as JsonObject, {
		message: `${vendor.product} ${what}${address}${retried}`,
		description:
			endpoint.write && delivery === 'mayHaveBeenProcessed'
				? `The ${endpoint.label} request may have reached ${vendor.product}, so it was not sent again: check in ${vendor.product} whether it took effect before running this item again.`
				: failure.message,
		itemIndex: site.itemIndex,
	});
	Object.assign(error.context, contextOf(site, delivery));
	return error;
}

/** The credential cannot be used as it is: nothing was sent. */
export function credentialError(context: TransportContext, site: FailureSite, message: string): NodeOperationError {
	const error = new NodeOperationError(context.getNode(), message, { itemIndex: site.itemIndex });
	Object.assign(error.context, contextOf(site, 'notProcessed'));
	return error;
}

function capitalised(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The delivery status of an error the transport threw, or undefined for any other error. */
export function deliveryOf(error: unknown): Delivery | undefined {
	const delivery = (error as { context?: { delivery?: unknown } } | undefined)?.context?.delivery;
	return delivery === 'notProcessed' || delivery === 'mayHaveBeenProcessed' ? delivery : undefined;
}
