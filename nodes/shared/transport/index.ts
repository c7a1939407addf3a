// The only place that speaks HTTP, for every node, the trigger and every vendor.
export type {
	Delivery,
	Endpoint,
	HttpMethod,
	KnownErrors,
	NothingFound,
	RequestInput,
	RequestOptions,
	TransportContext,
	TransportErrorContext,
	Vendor,
} from './types';
export { DEFAULT_TIMEOUT_MS, vendorRequest } from './request';
export { forgetCredentials } from './credentials';
export { MIN_SECRET_LENGTH, REDACTED, Scrubber, scrubberFor, type SecretFields } from './secrets';
export { deliveryOf } from './errors';
export { findMessage, getCaseInsensitive, interpretAnswer, type Answer } from './answers';
export {
	compareInList,
	locateBoundary,
	PagingError,
	readPages,
	readUpward,
	type Boundary,
	type FetchPage,
	type ListOrder,
	type Page,
	type PagingFailure,
	type PagingOptions,
	type SortKey,
	type UpwardPage,
} from './paging';
export { DEFAULT_RETRY, type RetrySettings } from './retry';
export { RequestScheduler } from './scheduler';
export { PACE_MARGIN, PaceController, type PaceSettings, type PaceState } from './pace';
export { KAPTURE, kaptureRequest, type KaptureEndpointName } from './vendors/kapture';
export { SOURCEHUB, sourceHubErrorIn, sourceHubRequest, type SourceHubEndpointName } from './vendors/sourcehub';
