import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { KAPTURE_API_HEADER } from '../../../credentials/KaptureApi.credentials';
import { ENDPOINTS, type KaptureEndpoint, type KaptureEndpointName } from './endpoints';
import { interpretAnswer, type KaptureAnswer } from './responses';
import {
	backoffDelay,
	DEFAULT_RETRY,
	isRetryable,
	parseRetryAfter,
	RequestScheduler,
	type AttemptOutcome,
	type RetrySettings,
} from './retry';

export { ENDPOINTS, type KaptureEndpointName } from './endpoints';
export { RequestScheduler, DEFAULT_RETRY, type RetrySettings } from './retry';
export { interpretAnswer, kaptureMessage } from './responses';

export type KaptureContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_TYPE = 'kaptureApi';
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface KaptureRequestOptions {
	/** The input item the request is for, so errors point at it. */
	itemIndex?: number;
	/** Shared by the requests of one execution: one back-off, bounded parallelism. */
	scheduler?: RequestScheduler;
	retry?: Partial<RetrySettings>;
	timeoutMs?: number;
	/** A refusal whose message matches this means "nothing found": an empty list, not an error. */
	emptyWhenRefused?: RegExp;
}

type Attempt =
	| { sent: true; status: number; headers: IDataObject; body: unknown }
	| { sent: false; code: string; message: string };

interface CredentialProblem {
	name?: string;
	message?: string;
	cause?: unknown;
}

// The credential throws these for a bad subdomain or a missing secret; n8n
// wraps them on the way out, so the chain of causes is searched.
function credentialProblem(error: unknown): string | undefined {
	for (let current = error as CredentialProblem | undefined, depth = 0; current && depth < 5; depth++) {
		if (current.name === 'KaptureCredentialError' && typeof current.message === 'string') {
			return current.message;
		}
		current = current.cause as CredentialProblem | undefined;
	}
	return undefined;
}

function networkCode(error: unknown): string {
	for (let current = error as IDataObject | undefined, depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && current.code !== '') return current.code;
		if (typeof current.message === 'string' && /timeout|timed out/i.test(current.message)) {
			return 'ETIMEDOUT';
		}
		current = current.cause as IDataObject | undefined;
	}
	return 'UNKNOWN';
}

/** Never let an Authorization value reach a message, whatever produced it. */
export function redactSecrets(text: string): string {
	return text.replace(/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/gi, '$1 [redacted]');
}

// One decryption per execution, not per request: with thousands of items the
// credential lookup is a noticeable share of n8n's work per item.
const credentialsByContext = new WeakMap<object, Promise<ICredentialsDecrypted>>();

async function credentialsOf(context: KaptureContext): Promise<ICredentialsDecrypted> {
	let credentials = credentialsByContext.get(context);
	if (!credentials) {
		const reference = context.getNode().credentials?.[CREDENTIAL_TYPE];
		credentials = context.getCredentials(CREDENTIAL_TYPE).then((data) => ({
			id: reference?.id ?? '',
			name: reference?.name ?? '',
			type: CREDENTIAL_TYPE,
			data,
		}));
		// A failed lookup is not kept, so the next request asks again.
		credentials.catch(() => credentialsByContext.delete(context));
		credentialsByContext.set(context, credentials);
	}
	return await credentials;
}

async function sendOnce(
	this: KaptureContext,
	endpoint: KaptureEndpoint,
	body: IDataObject | IDataObject[],
	timeoutMs: number,
	itemIndex: number | undefined,
): Promise<Attempt> {
	const request: IHttpRequestOptions = {
		method: 'POST',
		url: endpoint.path,
		headers: { Accept: 'application/json', [KAPTURE_API_HEADER]: endpoint.api },
		body,
		json: true,
		timeout: timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	const credentialsDecrypted = await credentialsOf(this);
	try {
		const response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			request,
			{ credentialsDecrypted },
		)) as IN8nHttpFullResponse;
		return {
			sent: true,
			status: response.statusCode,
			headers: (response.headers ?? {}) as IDataObject,
			body: response.body,
		};
	} catch (error) {
		const problem = credentialProblem(error);
		if (problem) throw new NodeOperationError(this.getNode(), problem, { itemIndex });
		const message = error instanceof Error ? error.message : String(error);
		return { sent: false, code: networkCode(error), message: redactSecrets(message) };
	}
}

const KNOWN_KAPTURE_ERRORS: Array<[RegExp, string]> = [
	[/AuthKeyInvalid|Invalid Auth Key/i, 'Check the Auth Key (or Username and Password) in the Kapture credential.'],
	[/APIExpired/i, 'The Auth Key has expired: create a new one in Kapture and update the credential.'],
	[/ReqFieldMissing/i, 'A field Kapture requires for this API is empty.'],
	[/ServerFailure/i, 'Kapture had a server error while processing the request; try again later.'],
];

function hintFor(message: string | undefined): string | undefined {
	if (!message) return undefined;
	return KNOWN_KAPTURE_ERRORS.find(([pattern]) => pattern.test(message))?.[1];
}

const STATUS_TEXT: Record<number, string> = {
	400: 'rejected the request as invalid (400 Bad Request)',
	401: 'did not accept the credentials (401 Unauthorized)',
	403: 'refused access (403 Forbidden)',
	404: 'does not know this address (404 Not Found): check Subdomain or Base URL Override in the credential',
	429: 'is limiting the request rate (429 Too Many Requests) and kept doing so after every retry',
	500: 'had an internal error (500)',
	502: 'or a proxy in front of it failed (502 Bad Gateway)',
	503: 'is unavailable (503 Service Unavailable)',
	504: 'did not answer in time (504 Gateway Timeout)',
};

function answerError(
	context: KaptureContext,
	endpoint: KaptureEndpoint,
	answer: Exclude<KaptureAnswer, { ok: true }>,
	itemIndex: number | undefined,
	attempts: number,
): NodeApiError {
	const node = context.getNode();
	const retried = attempts > 1 ? ` (after ${attempts} attempts)` : '';
	switch (answer.kind) {
		case 'refused':
			return new NodeApiError(node, { message: answer.message } as JsonObject, {
				message: `Kapture refused the ${endpoint.label} request: "${answer.message}"`,
				description: hintFor(answer.message),
				httpCode: '200',
				itemIndex,
			});
		case 'http': {
			const said = answer.message ? `: "${answer.message}"` : '';
			const text = STATUS_TEXT[answer.status] ?? `answered with HTTP status ${answer.status}`;
			return new NodeApiError(node, { message: answer.message ?? '' } as JsonObject, {
				message: `Kapture ${text}${said}${retried}`,
				description: hintFor(answer.message) ?? `Endpoint: ${endpoint.label}`,
				httpCode: String(answer.status),
				itemIndex,
			});
		}
		case 'notJson':
			return new NodeApiError(node, {} as JsonObject, {
				message: `Kapture answered the ${endpoint.label} request with a page that is not JSON (HTTP ${answer.status})${retried}`,
				description: answer.excerpt
					? `The page said: ${answer.excerpt}`
					: 'Check Subdomain or Base URL Override in the credential.',
				httpCode: String(answer.status),
				itemIndex,
			});
		case 'empty':
			return new NodeApiError(node, {} as JsonObject, {
				message: `Kapture answered the ${endpoint.label} request with an empty body (HTTP ${answer.status})`,
				httpCode: String(answer.status),
				itemIndex,
			});
	}
}

function networkError(
	context: KaptureContext,
	endpoint: KaptureEndpoint,
	attempt: Extract<Attempt, { sent: false }>,
	itemIndex: number | undefined,
	attempts: number,
): NodeApiError {
	const what: Record<string, string> = {
		ECONNREFUSED: 'refused the connection',
		ENOTFOUND: 'could not be found (DNS): check Subdomain or Base URL Override',
		EAI_AGAIN: 'could not be found (DNS lookup failed)',
		ECONNRESET: 'closed the connection before answering',
		ETIMEDOUT: 'did not answer in time',
		ECONNABORTED: 'did not answer in time',
	};
	const retried = attempts > 1 ? ` (after ${attempts} attempts)` : '';
	const mayHaveArrived =
		endpoint.write && !['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(attempt.code);
	// The code stays out of the error object: n8n would swap our message for a generic one.
	return new NodeApiError(context.getNode(), { message: attempt.message } as JsonObject, {
		message: `Kapture ${what[attempt.code] ?? `could not be reached (${attempt.code})`}${retried}`,
		description: mayHaveArrived
			? `The ${endpoint.label} request may have reached Kapture, so it was not sent again: check in Kapture whether it took effect before running this item again.`
			: attempt.message,
		itemIndex,
	});
}

/**
 * Sends one request to Kapture and returns its parsed answer. Kapture's
 * refusals, HTTP errors and unreadable answers become NodeApiErrors that say
 * what happened in plain words and quote Kapture. Transient failures are
 * retried with back-off; writes only when Kapture provably did not act.
 */
export async function kaptureRequest(
	this: KaptureContext,
	endpointName: KaptureEndpointName,
	body: IDataObject | IDataObject[],
	options: KaptureRequestOptions = {},
): Promise<IDataObject | IDataObject[]> {
	const endpoint: KaptureEndpoint = ENDPOINTS[endpointName];
	const settings: RetrySettings = { ...DEFAULT_RETRY, ...options.retry };
	const scheduler = options.scheduler ?? new RequestScheduler(1);
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const { itemIndex } = options;
	let waitedMs = 0;

	for (let attempt = 1; ; attempt++) {
		const result = await scheduler.run(async () =>
			await sendOnce.call(this, endpoint, body, timeoutMs, itemIndex),
		);

		let outcome: AttemptOutcome;
		let failure: () => NodeApiError;
		if (result.sent) {
			const answer = interpretAnswer(result.status, result.body);
			if (answer.ok) {
				scheduler.speedUp();
				return answer.data;
			}
			if (answer.kind === 'refused' && options.emptyWhenRefused?.test(answer.message)) return [];
			failure = () => answerError(this, endpoint, answer, itemIndex, attempt);
			// A body that says "failed" is Kapture's considered answer: never retried.
			if (answer.kind === 'refused' || answer.kind === 'empty') throw failure();
			outcome = {
				kind: 'status',
				status: result.status,
				retryAfterMs: parseRetryAfter(result.headers['retry-after']),
			};
		} else {
			failure = () => networkError(this, endpoint, result, itemIndex, attempt);
			outcome = { kind: 'network', code: result.code };
		}

		if (!isRetryable(outcome, endpoint.write) || attempt >= settings.maxAttempts) throw failure();
		const retryAfterMs = outcome.kind === 'status' ? outcome.retryAfterMs : undefined;
		const delayMs = backoffDelay(attempt, settings, retryAfterMs);
		if (waitedMs + delayMs > settings.maxTotalWaitMs) throw failure();
		waitedMs += delayMs;

		const slowDown = outcome.kind === 'status' && (outcome.status === 429 || outcome.status === 503);
		if (slowDown) {
			// Everyone waits, not only this request: Kapture asked the whole client to slow down.
			scheduler.slowDown(delayMs);
		} else {
			await sleep(delayMs);
		}
	}
}

export interface PageOptions extends KaptureRequestOptions {
	pageSize: number;
	/**
	 * Kapture does not document its largest page; a server may answer fewer
	 * orders than asked while more exist. Until a full page proves the size is
	 * honoured, a short first page is confirmed with one more request, so no
	 * order is lost. Callers that know the result is small can skip that.
	 */
	confirmShortFirstPage?: boolean;
}

/**
 * Reads a paged list until its end, whatever page size the server really
 * honours. A page shorter than asked ends the list only once a full page has
 * proven the size is honoured; before that, the end is a page shorter than an
 * earlier one, or an empty page.
 */
async function* walkPages(
	fetchPage: (offset: number, pageSize: number) => Promise<IDataObject[]>,
	{ pageSize, confirmShortFirstPage = true }: PageOptions,
): AsyncGenerator<IDataObject[]> {
	let offset = 0;
	let sizeHonoured = false;
	let largestPage = 0;
	for (;;) {
		const page = await fetchPage(offset, pageSize);
		if (page.length === 0) return;
		yield page;
		if (page.length >= pageSize) sizeHonoured = true;
		const short = page.length < pageSize;
		if (short && (sizeHonoured || !confirmShortFirstPage || page.length < largestPage)) return;
		largestPage = Math.max(largestPage, page.length);
		offset += page.length;
	}
}

/** The orders of a pull answer: the list under `key` (or the answer itself, if it is a list). */
export function ordersIn(data: IDataObject | IDataObject[], key: string): IDataObject[] {
	const list = Array.isArray(data) ? data : data[key];
	return Array.isArray(list) ? (list as IDataObject[]) : [];
}

/**
 * Pages of a v1 pull (`limit`/`offset`). `filters` must already hold `cmId`
 * and at least one filter; `limit` and `offset` are sent as strings, like
 * Kapture's own example.
 */
export function pullV1Pages(
	this: KaptureContext,
	filters: IDataObject,
	options: PageOptions,
): AsyncGenerator<IDataObject[]> {
	return walkPages(async (offset, pageSize) => {
		const body = { ...filters, limit: String(pageSize), offset: String(offset) };
		return ordersIn(await kaptureRequest.call(this, 'v1Pull', body, options), 'order_details');
	}, options);
}

// Kapture answers an empty day with a failure body; for a reader it is an empty page.
const NO_ORDERS = /no orders? (found )?between/i;

/**
 * Pages of one partner pull window (`startPosition`/`numberOfRecords`). Dates
 * are `YYYY-MM-DD` in the account's own calendar.
 */
export function pullPartnerPages(
	this: KaptureContext,
	window: IDataObject,
	options: PageOptions,
): AsyncGenerator<IDataObject[]> {
	return walkPages(async (offset, pageSize) => {
		const body = [
			{ ...window, startPosition: String(offset), numberOfRecords: String(pageSize) },
		];
		const data = await kaptureRequest.call(this, 'partnerPullByDates', body, {
			...options,
			emptyWhenRefused: NO_ORDERS,
		});
		return ordersIn(data, 'orders');
	}, options);
}

/** Every calendar day from start to end (inclusive), as `YYYY-MM-DD`. */
export function calendarDays(startDate: string, endDate: string): string[] {
	const start = Date.parse(`${startDate}T00:00:00Z`);
	const end = Date.parse(`${endDate}T00:00:00Z`);
	const days: string[] = [];
	for (let day = start; day <= end; day += 86_400_000) {
		days.push(new Date(day).toISOString().slice(0, 10));
	}
	return days;
}

/**
 * Pages of a partner pull over any date range. Kapture serves at most one
 * day per call, so the range is walked one day at a time.
 */
export async function* pullPartnerRange(
	this: KaptureContext,
	startDate: string,
	endDate: string,
	extra: IDataObject,
	options: PageOptions,
): AsyncGenerator<IDataObject[]> {
	for (const day of calendarDays(startDate, endDate)) {
		yield* pullPartnerPages.call(this, { ...extra, start_date: day, end_date: day }, options);
	}
}
