import type { INodeProperties } from 'n8n-workflow';

import { idParameter, optionsCollection as sharedOptionsCollection } from '../../../../shared/descriptions/common';
import { DEFAULT_RECOVERY_WAIT_SECONDS, MAX_RECOVERY_WAIT_SECONDS } from '../../../helpers/orderLookup';

export type KaptureApiChoice = 'v1' | 'partner';
export const DEFAULT_PAGE_SIZE = 500;
export const MAX_PAGE_SIZE = 5000;

/** The one parameter that picks the Kapture endpoint of an operation. */
export function apiParameter(defaultApi: KaptureApiChoice, v1Hint: string, partnerHint: string): INodeProperties {
	return {
		displayName: 'API',
		name: 'api',
		type: 'options',
		noDataExpression: true,
		default: defaultApi,
		description:
			'Which Kapture API to call. Each one needs its own secret in the Kapture credential.',
		options: [
			{ name: 'Kapture V1 (Username and Password)', value: 'v1', description: v1Hint },
			{ name: 'Partner API (Auth Key)', value: 'partner', description: partnerHint },
		],
	};
}

export function optionsCollection(extra: INodeProperties[] = []): INodeProperties {
	return sharedOptionsCollection('Kapture', extra);
}

export const simplifyParameter: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		'Whether to return a compact order with the same field names whichever API is used, instead of the raw Kapture record',
};

export const pageSizeOption: INodeProperties = {
	displayName: 'Page Size',
	name: 'pageSize',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_PAGE_SIZE },
	default: DEFAULT_PAGE_SIZE,
	description:
		'How many orders to ask Kapture for per request. If Kapture sends fewer, the node notices and keeps reading, so no order is missed.',
};

/** Said under Email, right after both fields, so nobody learns it from a failed run. */
export const PHONE_OR_EMAIL_HINT = 'Phone or Email is required: fill at least one of them';

/**
 * Order ID, the same kind of parameter in every operation that has one: n8n
 * keeps a value when the operation changes, so the types must agree.
 */
export function orderIdParameter(
	description: string,
	placeholder: string,
	extra: Partial<INodeProperties> = {},
): INodeProperties {
	return idParameter({ displayName: 'Order ID', name: 'orderId', description, placeholder, extra });
}

/**
 * The fields a user fills first on add and update, whichever API: the order
 * to change (update only), then who the order is for.
 */
export function upFrontFields(
	operation: 'add' | 'update',
	api: KaptureApiChoice,
	texts: {
		orderIdPlaceholder: string;
		customerNameDescription: string;
		customerNameRequired: boolean;
		/** When the name is needed only sometimes (`required` would block every run without it). */
		customerNameHint?: string;
	},
): INodeProperties[] {
	const orderId = orderIdParameter("Kapture's numeric ID of the order to change", texts.orderIdPlaceholder, {
		displayOptions: { show: { api: [api] } },
	});
	const displayOptions = fieldsModeOnly(api);
	return [
		...(operation === 'update' ? [orderId] : []),
		{
			displayName: 'Customer Name',
			name: 'customerName',
			type: 'string',
			required: texts.customerNameRequired,
			default: '',
			description: texts.customerNameDescription,
			...(texts.customerNameHint ? { hint: texts.customerNameHint } : {}),
			displayOptions,
		},
		{
			displayName: 'Phone',
			name: 'phone',
			type: 'string',
			default: '',
			placeholder: '9380491257',
			description: "Customer's phone number. Phone or Email is required.",
			displayOptions,
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			description: "Customer's email address. Phone or Email is required.",
			hint: PHONE_OR_EMAIL_HINT,
			displayOptions,
		},
	];
}

/** Shows a parameter for one API, only while the order is given field by field. */
export function fieldsModeOnly(api: KaptureApiChoice) {
	return { show: { api: [api], specifyOrder: ['fields'] } };
}

const JSON_TEMPLATES: Record<KaptureApiChoice, string> = {
	v1: JSON.stringify(
		{
			customer_info: { customer_name: '', phone: '', email_id: '' },
			order_info: { remarks: '' },
		},
		null,
		2,
	),
	partner: JSON.stringify({ customer_name: '', phone: '', email_id: '', product_details: [] }, null, 2),
};

/**
 * Field by field, or the whole Kapture body as JSON. JSON mode costs one n8n
 * expression per item instead of one per mapped field, which matters for
 * thousands of orders.
 */
export const specifyOrderParameter: INodeProperties = {
	displayName: 'Specify Order',
	name: 'specifyOrder',
	type: 'options',
	noDataExpression: true,
	default: 'fields',
	description:
		'How to give the order. With many items, JSON built by one expression is faster: n8n evaluates one expression per item instead of one per mapped field.',
	options: [
		{ name: 'Using Fields Below', value: 'fields', description: 'Fill each field, mapping values from the input' },
		{
			name: 'Using JSON',
			value: 'json',
			description: 'Give the whole order as one JSON object, for example from one expression',
		},
	],
};

const JSON_ADDED = {
	add: '',
	update: 'The Order ID above is added to it. ',
	upsert: 'The ERP Order ID above is added to it (and, when the order exists, its Order ID). ',
} as const;

/** The Order JSON parameter of each API, shown in JSON mode. */
export function orderJsonParameters(operation: 'add' | 'update' | 'upsert'): INodeProperties[] {
	const orderJson = (api: KaptureApiChoice, blocks: string, template: string, hint: string): INodeProperties => ({
		displayName: 'Order JSON',
		name: 'orderJson',
		type: 'json',
		required: true,
		default: template,
		description: `The request body as Kapture documents it: ${blocks}. ${JSON_ADDED[operation]}The node checks the required fields and sets the update flag itself.`,
		hint,
		displayOptions: { show: { api: [api], specifyOrder: ['json'] } },
	});
	return [
		orderJson(
			'v1',
			'customer_info, contact_info, enquiry_info and order_info blocks',
			JSON_TEMPLATES.v1,
			'Required: customer_info.customer_name, and customer_info.phone or email_id (or a contact with one)',
		),
		orderJson(
			'partner',
			'one flat order with product_details lines',
			JSON_TEMPLATES.partner,
			operation === 'add'
				? 'Required: phone or email_id, and customer_name unless customer_id is given'
				: 'Required: phone or email_id',
		),
	];
}

/** Create's choice when an order with the item's ERP Order ID is already in Kapture. */
export type IfErpOrderIdExists = 'createAnother' | 'skip' | 'fail';

export const ifErpOrderIdExistsOption: INodeProperties = {
	displayName: 'If the ERP Order ID Exists',
	name: 'ifErpOrderIdExists',
	type: 'options',
	default: 'createAnother',
	description:
		'What to do when an order with the item\'s ERP Order ID (under Order Fields, or erp_order_id in Order JSON) is already in Kapture. Skip and Fail look it up first: one more request per item, with the v1 API (with the Partner API the credential also needs Username, Password and Account ID), and only where the run proves that Kapture\'s search finds orders by ERP Order ID; otherwise they send nothing and say why. Items without an ERP Order ID are always created.',
	options: [
		{
			name: 'Create Another',
			value: 'createAnother',
			description: 'Create a new order anyway, without looking (the fastest)',
		},
		{
			name: 'Skip',
			value: 'skip',
			description: 'Create nothing and output the existing order, flagged skipped, so running a sheet again creates nothing twice',
		},
		{
			name: 'Fail',
			value: 'fail',
			description: 'Create nothing and report an error naming the existing order',
		},
	],
};

export const recoveryWaitOption: INodeProperties = {
	displayName: 'Recovery Wait (Seconds)',
	name: 'recoveryWaitSeconds',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: MAX_RECOVERY_WAIT_SECONDS, numberPrecision: 1 },
	default: DEFAULT_RECOVERY_WAIT_SECONDS,
	description:
		'When Kapture\'s answer to a create is lost (connection dropped, a 5xx, a page that is not JSON), the node looks the order up by its ERP Order ID instead of reporting a failure. It keeps looking this long, since a new order can take a moment to show in Kapture\'s search; only then does it send the order again. Raise it if your Kapture account\'s search lags longer.',
};
