// Parameters of our node for each scenario, as a user would fill them in the editor.

import type { IDataObject } from 'n8n-workflow';

/** Create (add) over the v1 API, every field mapped from the input item with an expression. */
export function addParameters(): IDataObject {
	return {
		resource: 'order',
		operation: 'add',
		api: 'v1',
		customerName: '={{ $json.customer.name }}',
		phone: '={{ $json.customer.phone }}',
		email: '={{ $json.customer.email }}',
		customerFields: { city: '={{ $json.customer.city }}' },
		orderFields: {
			erpOrderId: '={{ $json.order.erpOrderId }}',
			invoiceNo: '={{ $json.order.invoiceNo }}',
			remarks: '={{ $json.order.remarks }}',
			deliveryStatus: '={{ $json.order.deliveryStatus }}',
		},
		options: {},
	};
}

/** Get Many over the v1 API, Return All, raw records, the given page size. */
export function pullParameters(pageSize: number): IDataObject {
	return {
		resource: 'order',
		operation: 'pull',
		api: 'v1',
		returnAll: true,
		filters: { createStartDate: '2000-01-01' },
		simplify: false,
		options: { pageSize },
	};
}
