import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import type { RequestScheduler } from './scheduler';
import type { RetrySettings } from './retry';
import type { SecretFields } from './secrets';

/** Every n8n context the transport can send from: nodes, the trigger, option loaders. */
export type TransportContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * How an answer that means "nothing found" looks. Such an answer becomes an
 * empty list, not an error, wherever the endpoint is used.
 */
export interface NothingFound {
	/** Matches the vendor's own message (a refusal in a 2xx body, or the body of an HTTP error). */
	message?: RegExp;
	/** HTTP statuses that mean nothing found; with `message`, both must match. */
	status?: number[];
}

/** One endpoint of a vendor, described once. */
export interface Endpoint<Auth extends string = string> {
	method: HttpMethod;
	/** Relative to the credential's base URL; `{name}` is filled from the request's `path` values. */
	path: string;
	/** Which secret the credential sends (told to it through the vendor's `authHeader`). */
	auth: Auth;
	/**
	 * Writes change data at the vendor: they are retried only when the vendor
	 * provably did not process them, so nothing is ever written twice.
	 */
	write: boolean;
	/** How messages name the endpoint: "pull orders (v1)". */
	label: string;
	nothingFound?: NothingFound;
}

/** Hints added to an error whose vendor message matches; a function words it for the endpoint (its secret). */
export type KnownErrors = Array<[RegExp, string | ((endpoint: Endpoint) => string)]>;

/** Everything the transport needs to know about one vendor. One file per vendor under vendors/. */
export interface Vendor<Name extends string = string, Auth extends string = string> {
	/** n8n credential type the requests are authenticated with. */
	credentialType: string;
	/** Name used in messages: "Kapture refused ...". */
	product: string;
	/**
	 * Header telling the credential which secret an endpoint needs; the
	 * credential removes it before the request leaves n8n. None when the
	 * vendor has a single secret.
	 */
	authHeader?: string;
	/** Name of the Error the credential throws for an unusable setting (shown as it is, nothing sent). */
	credentialErrorName?: string;
	/** The credential's secrets: scrubbed, in every encoding, from everything the transport returns or throws. */
	secrets: SecretFields;
	/** Where to look when the address may be wrong, e.g. "check Subdomain or Base URL Override in the credential". */
	addressHint: string;
	/**
	 * The part of a 2xx body that says the request was refused anyway
	 * (Kapture: `"status": "failed"`), or undefined when it was accepted.
	 */
	refusalIn(body: unknown): unknown;
	/** The vendor's own words for why something failed, from any body. */
	messageIn(body: unknown): string | undefined;
	knownErrors: KnownErrors;
	endpoints: Record<Name, Endpoint<Auth>>;
}

export interface RequestInput {
	body?: IDataObject | IDataObject[];
	/** Query string parameters. */
	query?: IDataObject;
	/** Values for the `{name}` placeholders of the endpoint's path. */
	path?: Record<string, string>;
}

export interface RequestOptions {
	/** The input item the request is for, so errors point at it. */
	itemIndex?: number;
	/** Shared by the requests of one execution: one back-off, bounded parallelism. */
	scheduler?: RequestScheduler;
	retry?: Partial<RetrySettings>;
	timeoutMs?: number;
	/** Called with the status and headers of every answer received (the trigger reads the vendor's clock from `date`). */
	onAnswer?: (answer: { status: number; headers: IDataObject }) => void;
}

/**
 * Whether a failed request can have changed anything at the vendor:
 * `notProcessed` when it provably did not (never sent, refused, 4xx, 429/503),
 * `mayHaveBeenProcessed` otherwise (connection lost after sending, 5xx, an
 * unreadable 2xx answer). Callers decide from it whether sending again is safe.
 */
export type Delivery = 'notProcessed' | 'mayHaveBeenProcessed';

/** What every error the transport throws carries in `error.context`, for callers to read. */
export interface TransportErrorContext {
	delivery: Delivery;
	/** The HTTP status of the last answer; absent when no answer came. */
	httpStatus?: number;
	/** Endpoint key in the vendor's table. */
	endpoint: string;
	write: boolean;
	attempts: number;
}
