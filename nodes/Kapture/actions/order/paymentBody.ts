import type { IDataObject } from 'n8n-workflow';

import type { Validator } from '../../helpers/validation';

/** What the Add Payment parameters hold, read as they are from the node. */
export interface PaymentParameters {
	orderId?: unknown;
	customerId?: unknown;
	erpOrderId?: unknown;
	paymentId?: unknown;
	amount?: unknown;
	paymentMode?: unknown;
	otherPaymentMode?: unknown;
	chequeNumber?: unknown;
	chequeDate?: unknown;
	bankName?: unknown;
	remarks?: unknown;
}

/** The body of a partner payment update: an array with one payment. */
export function paymentBody(v: Validator, params: PaymentParameters): IDataObject[] {
	const orderId = v.id(params.orderId, 'Order ID');
	const customerId = v.id(params.customerId, 'Customer ID');
	const paymentId = v.limited(params.paymentId, 'Payment ID');
	const amount = v.positiveAmount(params.amount, 'Amount');
	if (paymentId === '' && (orderId === '' || customerId === '')) {
		throw v.fail(
			'Order ID and Customer ID are required (or a Payment ID)',
			'Kapture records a payment against an order only when it gets both the order and the customer IDs, or the ID of an existing payment.',
		);
	}

	const mode = v.limited(params.paymentMode, 'Payment Mode') || 'cash';
	const paymentMode = mode === 'other' ? v.required(params.otherPaymentMode, 'Other Payment Mode') : mode;
	const payment: IDataObject = {
		kapture_order_id: orderId,
		erp_order_id: v.limited(params.erpOrderId, 'ERP Order ID'),
		kapture_customer_id: customerId,
		payment_mode: paymentMode,
		payment_id: paymentId,
		amount_paid: String(amount),
		remarks: v.limited(params.remarks, 'Remarks', 'long'),
	};
	if (mode === 'cheque') {
		payment.cheque_number = v.limited(params.chequeNumber, 'Cheque Number');
		payment.cheque_date = v.date(params.chequeDate, 'Cheque Date', 'day');
		payment.bank_name = v.limited(params.bankName, 'Bank Name');
	}
	for (const key of Object.keys(payment)) if (payment[key] === '') delete payment[key];
	return [payment];
}
