import type { IDataObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { interpretAnswer, type FailedAnswer } from './answers';
import { credentialsOf, credentialProblem } from './credentials';
import { answerError, credentialError, networkError, type FailureSite, type NetworkFailure } from './errors';
import {
	backoffDelay,
	DEFAULT_RETRY,
	isRetryable,
	NOT_PROCESSED_STATUSES,
	parseRetryAfter,
	type AttemptOutcome,
	type RetrySettings,
} from './retry';
import { RequestScheduler } from './scheduler';
import { scrubberFor } from './secrets';
import type { Endpoint, RequestInput, RequestOptions, TransportContext, Vendor } from './types';

export const DEFAULT_TIMEOUT_MS = 30_000;

type Attempt =
	| { sent: true; status: number; headers: IDataObject; body: unknown }
	| ({ sent: false } & NetworkFailure)
	| { sent: false; credentialProblem: string };

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

/** The endpoint's path with its `{name}` placeholders filled, each value URL-encoded. */
function pathOf(endpoint: Endpoint, values: Record<string, string> = {}): string {
	return endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => {
		if (!(name in values)) throw new Error(`No value for {${name}} in ${endpoint.path}`);
		return encodeURIComponent(values[name]);
	});
}

async function sendOnce(
	context: TransportContext,
	vendor: Vendor,
	endpoint: Endpoint,
	input: RequestInput,
	timeoutMs: number,
): Promise<Attempt> {
	const request: IHttpRequestOptions = {
		method: endpoint.method,
		url: pathOf(endpoint, input.path),
		headers: { Accept: 'application/json', ...(vendor.authHeader ? { [vendor.authHeader]: endpoint.auth } : {}) },
		...(input.body === undefined ? {} : { body: input.body }),
		...(input.query === undefined ? {} : { qs: input.query }),
		json: true,
		// The raw text, so the secrets are looked for once before anything reads it.
		encoding: 'text',
		timeout: timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	const credentialsDecrypted = await credentialsOf(context, vendor.credentialType);
	const scrubber = scrubberFor(vendor.secrets, credentialsDecrypted.data ?? {});
	try {
		const response = (await context.helpers.httpRequestWithAuthentication.call(
			context,
			vendor.credentialType,
			request,
			{ credentialsDecrypted },
		)) as IN8nHttpFullResponse;
		return {
			sent: true,
			status: response.statusCode,
			headers: (response.headers ?? {}) as IDataObject,
			body: scrubber.body(response.body),
		};
	} catch (error) {
		const problem = credentialProblem(error, vendor.credentialErrorName);
		if (problem) return { sent: false, credentialProblem: scrubber.text(problem) };
		const message = error instanceof Error ? error.message : String(error);
		return { sent: false, code: networkCode(error), message: scrubber.text(message) };
	}
}

function meansNothingFound(endpoint: Endpoint, answer: FailedAnswer): boolean {
	const rule = endpoint.nothingFound;
	if (!rule || (answer.kind !== 'refused' && answer.kind !== 'http')) return false;
	// A server error is never an empty result, whatever it says ("ORA-01403: no data found" is a crash).
	if (answer.status >= 500) return false;
	if (rule.status && !rule.status.includes(answer.status)) return false;
	if (rule.message && !rule.message.test(answer.message ?? '')) return false;
	// A plain refusal or HTTP error only counts when the rule names what it looks like.
	return rule.status !== undefined || rule.message !== undefined;
}

/**
 * Sends one request to a vendor endpoint and returns its parsed answer. The
 * vendor's refusals, HTTP errors and unreadable answers become NodeApiErrors
 * that say what happened in plain words, quote the vendor, and carry
 * `context.delivery` (see TransportErrorContext). An answer that means
 * "nothing found" for the endpoint is an empty list. Transient failures are
 * retried with back-off; writes only when the vendor provably did not act.
 */
export async function vendorRequest<Name extends string>(
	this: TransportContext,
	vendor: Vendor<Name>,
	endpointName: Name,
	input: RequestInput,
	options: RequestOptions = {},
): Promise<IDataObject | IDataObject[]> {
	const endpoint: Endpoint = vendor.endpoints[endpointName];
	const settings: RetrySettings = { ...DEFAULT_RETRY, ...options.retry };
	const scheduler = options.scheduler ?? new RequestScheduler(1);
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	let waitedMs = 0;

	for (let attempt = 1; ; attempt++) {
		let roundTripMs = 0;
		const result = await scheduler.run(async () => {
			const sentAt = Date.now();
			try {
				return await sendOnce(this, vendor, endpoint, input, timeoutMs);
			} finally {
				roundTripMs = Date.now() - sentAt;
			}
		});
		const site: FailureSite = { vendor, endpointName, endpoint, itemIndex: options.itemIndex, attempts: attempt };

		let outcome: AttemptOutcome;
		let failure: () => Error;
		if (result.sent) {
			const slowDownAsked = NOT_PROCESSED_STATUSES.has(result.status);
			if (!slowDownAsked) scheduler.answered(roundTripMs);
			options.onAnswer?.({ status: result.status, headers: result.headers });
			const answer = interpretAnswer(vendor, result.status, result.body);
			if (answer.ok) return answer.data;
			if (meansNothingFound(endpoint, answer)) return [];
			failure = () => answerError(this, site, answer);
			// A body that says "failed" is the vendor's considered answer: never retried.
			if (answer.kind === 'refused' || answer.kind === 'empty') throw failure();
			outcome = { kind: 'status', status: result.status, retryAfterMs: parseRetryAfter(result.headers['retry-after']) };
		} else if ('credentialProblem' in result) {
			throw credentialError(this, site, result.credentialProblem);
		} else {
			failure = () => networkError(this, site, result);
			outcome = { kind: 'network', code: result.code };
		}

		if (!isRetryable(outcome, endpoint.write) || attempt >= settings.maxAttempts) throw failure();
		const retryAfterMs = outcome.kind === 'status' ? outcome.retryAfterMs : undefined;
		const delayMs = backoffDelay(attempt, settings, retryAfterMs);
		if (waitedMs + delayMs > settings.maxTotalWaitMs) throw failure();
		waitedMs += delayMs;

		if (outcome.kind === 'status' && NOT_PROCESSED_STATUSES.has(outcome.status)) {
			// Everyone waits, not only this request: the vendor asked the whole client to slow down.
			scheduler.refused(delayMs, retryAfterMs !== undefined, roundTripMs);
		} else {
			await sleep(delayMs);
		}
	}
}
