// Public entry of the SourceHub sandbox: start it with startSourceHubSandbox(options).

export { startSourceHubSandbox, SourceHubSandboxServer, SOURCEHUB_DEFAULTS, AUTHENTICATION_FAILED, API_PREFIX } from './server';
export { PLACED_MESSAGE, MAX_COUNT, DEFAULT_COUNT, dayMonthYearToIso } from './handlers';
export {
	FIRST_ORDER_ID,
	FIRST_ORDER_NO,
	FIRST_CART_ITEM_ID,
	DOCUMENTED_CUSTOMER_ID,
	DOCUMENTED_PRODUCT_ID,
	DEFAULT_STOCK,
} from './store';
export { ORDER_STATUSES } from './types';
export type {
	CartItem,
	OrderStatus,
	SourceHubApiName,
	SourceHubCounts,
	SourceHubCustomer,
	SourceHubFaultSpec,
	SourceHubInvoice,
	SourceHubOrder,
	SourceHubOrderProduct,
	SourceHubProduct,
	SourceHubRequestLogEntry,
	SourceHubSandbox,
	SourceHubSandboxOptions,
} from './types';
