import type { KaptureApiName } from '../../../credentials/KaptureApi.credentials';

/** Every Kapture endpoint the package calls. All of them take a JSON POST. */
export interface KaptureEndpoint {
	path: string;
	/** Which secret the credential must send. */
	api: KaptureApiName;
	/**
	 * Writes change data in Kapture: they are retried only when Kapture provably
	 * did not process them, so an order or payment is never created twice.
	 */
	write: boolean;
	/** How error messages name the endpoint. */
	label: string;
}

export const ENDPOINTS = {
	v1AddUpdate: {
		path: '/ms/customer/order/api/v1/add-update',
		api: 'v1',
		write: true,
		label: 'add/update order (v1)',
	},
	v1Pull: {
		path: '/ms/customer-search/order-search/api/v1/pull-internal',
		api: 'v1',
		write: false,
		label: 'pull orders (v1)',
	},
	partnerPush: {
		path: '/add-update-order-from-other-source.html',
		api: 'orderPush',
		write: true,
		label: 'order push/update (partner)',
	},
	partnerPayment: {
		// Kapture documents the payment update under the order push address.
		path: '/add-update-order-from-other-source.html',
		api: 'payment',
		write: true,
		label: 'update payment against order (partner)',
	},
	partnerPullByDates: {
		path: '/select-order-between-start-and-end-dates.html',
		api: 'pullByDates',
		write: false,
		label: 'pull orders between dates (partner)',
	},
	partnerGet: {
		path: '/search-order-by-order-id.html',
		api: 'getOrder',
		write: false,
		label: 'get order (partner)',
	},
} satisfies Record<string, KaptureEndpoint>;

export type KaptureEndpointName = keyof typeof ENDPOINTS;
