// The input every "add" contender gets: N orders as n8n items, each with a
// unique ERP order id so created orders and duplicates can be counted in the
// sandbox store afterwards.

export interface InputOrder {
	customer: { name: string; phone: string; email: string; city: string };
	order: { erpOrderId: string; invoiceNo: string; remarks: string; deliveryStatus: string };
}

const CITIES = ['Bengaluru', 'Mumbai', 'Delhi', 'Chennai', 'Pune', 'Hyderabad', 'Kolkata'];

export function makeOrders(count: number, prefix: string): InputOrder[] {
	return Array.from({ length: count }, (_, i) => ({
		customer: {
			name: `Bench Customer ${i + 1}`,
			phone: `9${String(100000000 + i).padStart(9, '0')}`,
			email: `bench.customer.${i + 1}@example.com`,
			city: CITIES[i % CITIES.length],
		},
		order: {
			erpOrderId: `${prefix}${i + 1}`,
			invoiceNo: `INV-${prefix}${i + 1}`,
			remarks: `benchmark order ${i + 1}`,
			deliveryStatus: 'AP',
		},
	}));
}

/** The Kapture v1 add body for one input order: what every contender sends. */
export function addBody(item: InputOrder): Record<string, unknown> {
	return {
		customer_info: {
			customer_name: item.customer.name,
			phone: item.customer.phone,
			email_id: item.customer.email,
			city: item.customer.city,
		},
		order_info: {
			erp_order_id: item.order.erpOrderId,
			invoice_no: item.order.invoiceNo,
			remarks: item.order.remarks,
			delivery_status: item.order.deliveryStatus,
		},
	};
}

/**
 * The same body as ONE n8n expression over the input item, as a user of the
 * HTTP Request node writes it in "JSON" body mode.
 */
export const ADD_BODY_EXPRESSION =
	'={{ { customer_info: { customer_name: $json.customer.name, phone: $json.customer.phone, ' +
	'email_id: $json.customer.email, city: $json.customer.city }, ' +
	'order_info: { erp_order_id: $json.order.erpOrderId, invoice_no: $json.order.invoiceNo, ' +
	'remarks: $json.order.remarks, delivery_status: $json.order.deliveryStatus } } }}';

export const V1_ADD_PATH = '/ms/customer/order/api/v1/add-update';

/** The HTTP Request node's parameters for one v1 add per item, as a user sets them up. */
export function httpAddParameters(baseUrl: string) {
	return {
		method: 'POST',
		url: baseUrl + V1_ADD_PATH,
		authentication: 'genericCredentialType',
		genericAuthType: 'httpBasicAuth',
		sendBody: true,
		contentType: 'json',
		specifyBody: 'json',
		jsonBody: ADD_BODY_EXPRESSION,
		options: {},
	};
}
export const V1_PULL_PATH = '/ms/customer-search/order-search/api/v1/pull-internal';

/**
 * The same eight body fields for the HTTP Request node's "Using Fields Below"
 * body: one field (one expression) per value, nested by the dotted names, as
 * a user maps them one by one; like-for-like with our node's mapped fields.
 */
export const ADD_BODY_FIELDS: ReadonlyArray<{ name: string; value: string }> = [
	{ name: 'customer_info.customer_name', value: '={{ $json.customer.name }}' },
	{ name: 'customer_info.phone', value: '={{ $json.customer.phone }}' },
	{ name: 'customer_info.email_id', value: '={{ $json.customer.email }}' },
	{ name: 'customer_info.city', value: '={{ $json.customer.city }}' },
	{ name: 'order_info.erp_order_id', value: '={{ $json.order.erpOrderId }}' },
	{ name: 'order_info.invoice_no', value: '={{ $json.order.invoiceNo }}' },
	{ name: 'order_info.remarks', value: '={{ $json.order.remarks }}' },
	{ name: 'order_info.delivery_status', value: '={{ $json.order.deliveryStatus }}' },
];

/** The HTTP Request node with its body "Using Fields Below", the fields above. */
export function httpAddFieldParameters(baseUrl: string) {
	const { jsonBody: _oneExpression, ...rest } = httpAddParameters(baseUrl);
	return { ...rest, specifyBody: 'keypair', bodyParameters: { parameters: ADD_BODY_FIELDS.map((field) => ({ ...field })) } };
}
