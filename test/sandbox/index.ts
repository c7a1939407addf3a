// Public entry of the Kapture sandbox: start it with startSandbox(options).

export { startSandbox, Sandbox, PATHS, DEFAULTS } from './server';
export { PULL_FILTER_KEYS, PULL_SORTS } from './v1';
export { AFTER_STORING, FAULT_KINDS } from './faults';
export { NO_ORDERS_MESSAGE, ORDER_NOT_FOUND_MESSAGE, PAYMENT_SUCCESS_MESSAGE } from './partner';
export { FIRST_ORDER_ID, FIRST_CUSTOMER_ID, FIRST_ENQUIRY_ID, FIRST_CONTACT_ID, FIRST_PAYMENT_ID } from './store';
export { formatLocal, parseDateSpan } from './dates';
export type {
	ApiName,
	ErpOrderIdSearch,
	FaultKind,
	FaultSpec,
	KaptureSandbox,
	OrderSource,
	PartnerApi,
	PullBehaviour,
	RequestLogEntry,
	SandboxClockControl,
	SandboxContact,
	SandboxCounts,
	SandboxCustomer,
	SandboxEnquiry,
	SandboxOptions,
	SandboxOrder,
	SandboxPayment,
	SandboxProductLine,
} from './types';
