import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OperationOption } from '../../../shared/helpers/operations';
import { deliveryOf, kaptureRequest } from '../../../shared/transport';
import { runPerItem, withFacts } from '../../../shared/helpers/itemRunner';
import { Validator } from '../../../shared/helpers/validation';
import { optionsCollection, orderIdParameter } from './fields/common';
import { paymentBody, type PaymentParameters } from './paymentBody';

export const option: OperationOption = {
	name: 'Add Payment',
	value: 'pay',
	description: 'Record a payment against an order',
	action: 'Add a payment to an order',
};

const cheque = { show: { paymentMode: ['cheque'] } };

/** Add Payment has no API choice: the only Kapture API for payments is a partner API. */
export const PARTNER_KEY_HINT =
	"Sent to Kapture's Partner API with the credential's Payment Update Auth Key (or its Auth Key)";

const properties: INodeProperties[] = [
	// A hint, not a notice: a notice looks like a warning even when the credential has the key.
	orderIdParameter(
		"Kapture's numeric ID of the paid order. Order ID and Customer ID are required unless Payment ID is given.",
		'4238767',
		{ required: false, hint: PARTNER_KEY_HINT },
	),
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		default: '',
		placeholder: '48658789',
		description: "Kapture's numeric ID of the customer who owns the order",
		hint: 'Order ID and Customer ID are required unless Payment ID is given',
	},
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'number',
		required: true,
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 0,
		description: 'Amount paid; must be greater than 0',
	},
	{
		displayName: 'Payment Mode',
		name: 'paymentMode',
		type: 'options',
		default: 'cash',
		description: 'How the customer paid',
		options: [
			{ name: 'Cash', value: 'cash' },
			{ name: 'Cheque', value: 'cheque' },
			{ name: 'Other', value: 'other', description: 'Type the payment mode yourself' },
		],
	},
	{
		displayName: 'Other Payment Mode',
		name: 'otherPaymentMode',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'upi',
		description: 'Payment mode as your Kapture account names it, for example upi or card',
		displayOptions: { show: { paymentMode: ['other'] } },
	},
	{
		displayName: 'Cheque Number',
		name: 'chequeNumber',
		type: 'string',
		default: '',
		description: 'Number printed on the cheque',
		displayOptions: cheque,
	},
	{
		displayName: 'Cheque Date',
		name: 'chequeDate',
		type: 'dateTime',
		default: '',
		description: 'Date written on the cheque (sent as YYYY-MM-DD)',
		displayOptions: cheque,
	},
	{
		displayName: 'Bank Name',
		name: 'bankName',
		type: 'string',
		default: '',
		description: 'Bank the cheque is drawn on',
		displayOptions: cheque,
	},
	{
		displayName: 'Payment ID',
		name: 'paymentId',
		type: 'string',
		default: '',
		description: 'Reference of the payment, for example from your payment gateway. Enough on its own to identify an earlier payment.',
	},
	{
		displayName: 'ERP Order ID',
		name: 'erpOrderId',
		type: 'string',
		default: '',
		description: "The order's ID in your ERP or shop, stored with the payment",
	},
	{
		displayName: 'Remarks',
		name: 'remarks',
		type: 'string',
		default: '',
		description: 'Notes stored with the payment',
	},
	optionsCollection(),
];

const displayOptions = { show: { resource: ['order'], operation: ['pay'] } };

export const description = updateDisplayOptions(displayOptions, properties);

const PAYMENT_PARAMETERS: Array<keyof PaymentParameters> = [
	'orderId',
	'customerId',
	'erpOrderId',
	'paymentId',
	'amount',
	'paymentMode',
	'otherPaymentMode',
	'chequeNumber',
	'chequeDate',
	'bankName',
	'remarks',
];

const IDENTIFYING_KEYS = ['payment_id', 'kapture_order_id', 'kapture_customer_id', 'erp_order_id', 'amount_paid'];

/** What identifies a payment in its error item. */
function paymentIdentity(payment: IDataObject | undefined): IDataObject {
	const identity: IDataObject = {};
	for (const key of IDENTIFYING_KEYS) if (payment?.[key] !== undefined) identity[key] = payment[key];
	return identity;
}

/**
 * A payment whose answer was lost is never sent again: Kapture's answer to a
 * payment carries no ID, and Kapture has no API to read payments back, so
 * the node cannot tell a recorded payment from a lost one, even with a
 * Payment ID. The error item says so.
 */
function paymentMayBeRecorded(error: Error): Error {
	if (deliveryOf(error) !== 'mayHaveBeenProcessed') return error;
	error.message = `${error.message}: the payment may have been recorded. Kapture has no API to read payments back, so the node cannot check and did not send it again. Check the order's payments in Kapture before running this item again.`;
	return withFacts(error, { retrySafe: false, mayHaveBeenCreated: true });
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	return await runPerItem(this, {
		effect: 'creates',
		prepare: (itemIndex) => {
			const params: PaymentParameters = {};
			for (const name of PAYMENT_PARAMETERS) params[name] = this.getNodeParameter(name, itemIndex, '');
			return paymentBody(new Validator(node, itemIndex), params);
		},
		send: async (body, itemIndex, { scheduler }) => {
			let answer: IDataObject | IDataObject[];
			try {
				answer = await kaptureRequest.call(this, 'partnerPayment', body, { itemIndex, scheduler });
			} catch (error) {
				throw paymentMayBeRecorded(error as Error);
			}
			// Kapture answers only a status and a message: the payment sent is added to say which one.
			return { ...(body[0] as IDataObject), ...(Array.isArray(answer) ? { results: answer } : answer) };
		},
		identify: (_itemIndex, body) => paymentIdentity(body?.[0]),
	});
}
