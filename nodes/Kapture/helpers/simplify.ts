import type { IDataObject } from 'n8n-workflow';

import { readWallClock } from '../../shared/helpers/calendar';

/**
 * One compact order shape for both Kapture APIs. The v1 pull gives numbers
 * and epoch milliseconds; the partner APIs give strings and wall-clock texts
 * in the account's time zone. Simplified:
 * - ids are strings (lossless whatever their size), null when Kapture has none (0 or empty);
 * - amounts and quantities are numbers, null when missing;
 * - dates are ISO 8601 in UTC. Partner wall-clock times are read in the
 *   workflow's time zone (set it to your Kapture account's zone).
 * Every key is always present, so later nodes can rely on it.
 */
export interface SimpleOrder extends IDataObject {
	id: string | null;
	customerId: string | null;
	enquiryId: string | null;
	contactId: string | null;
	status: string | null;
	subStatus: string | null;
	createdAt: string | null;
	updatedAt: string | null;
	customerName: string | null;
	phone: string | null;
	email: string | null;
	companyName: string | null;
	remarks: string | null;
	assignedToId: string | null;
	creatorId: string | null;
	erpOrderId: string | null;
	invoiceNo: string | null;
	paymentMode: string | null;
	productQuantity: number | null;
	productValue: number | null;
	discount: number | null;
	grandTotal: number | null;
	totalPaid: number | null;
}

function first(order: IDataObject, keys: string[]): unknown {
	for (const key of keys) {
		const value = order[key];
		if (value !== undefined && value !== null && value !== '') return value;
	}
	return undefined;
}

function id(order: IDataObject, ...keys: string[]): string | null {
	const value = first(order, keys);
	if (value === undefined || typeof value === 'object') return null;
	const text = String(value).trim();
	return text === '' || text === '0' ? null : text;
}

function text(order: IDataObject, ...keys: string[]): string | null {
	const value = first(order, keys);
	if (value === undefined || typeof value === 'object') return null;
	const result = String(value).trim();
	return result === '' ? null : result;
}

function amount(order: IDataObject, ...keys: string[]): number | null {
	const value = first(order, keys);
	if (value === undefined) return null;
	const number = typeof value === 'number' ? value : Number(String(value).trim());
	return Number.isFinite(number) ? number : null;
}

/** Milliseconds a time zone is ahead of UTC at an instant. */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(epochMs));
	const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** A Kapture date (epoch ms, or wall-clock text in `timeZone`) as ISO 8601 UTC. */
export function kaptureDateToIso(value: unknown, timeZone = 'UTC'): string | null {
	if (value === undefined || value === null || value === '' || value === 0) return null;
	if (typeof value === 'number' || /^\d{10,}$/.test(String(value).trim())) {
		const date = new Date(Number(value));
		return Number.isNaN(date.getTime()) ? null : date.toISOString();
	}
	const textValue = String(value).trim();
	const clock = readWallClock(textValue);
	if (!clock || clock.rest !== '') {
		// Already carries a zone (or is some other format Date understands).
		const parsed = Date.parse(textValue);
		return /[zZ]|[+-]\d{2}:?\d{2}$/.test(textValue) && !Number.isNaN(parsed)
			? new Date(parsed).toISOString()
			: null;
	}
	const { year, month, day, hour, minute, second } = clock;
	const wall = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second);
	let guess: number;
	try {
		guess = wall - zoneOffsetMs(wall, timeZone);
		// A second pass settles instants near a daylight-saving change.
		guess = wall - zoneOffsetMs(guess, timeZone);
	} catch {
		guess = wall;
	}
	return new Date(guess).toISOString();
}

/** The compact shape of a Kapture order, from either API. */
export function simplifyOrder(order: IDataObject, timeZone = 'UTC'): SimpleOrder {
	return {
		id: id(order, 'id', 'order_id', 'orderId'),
		customerId: id(order, 'customerId', 'customer_id', 'kapture_customer_id', 'leadId'),
		enquiryId: id(order, 'enquiryId', 'enquiry_id'),
		contactId: id(order, 'contactId', 'contact_id'),
		status: text(order, 'deliveryStatus', 'orderStatus', 'order_status', 'status'),
		subStatus: text(order, 'deliverySubStatus', 'subStatus'),
		createdAt: kaptureDateToIso(first(order, ['createDate', 'create_date']), timeZone),
		updatedAt: kaptureDateToIso(first(order, ['lastModificationTime', 'lastModifiedDate']), timeZone),
		customerName: text(order, 'customerName', 'name', 'customer_name'),
		phone: text(order, 'phone'),
		email: text(order, 'email', 'email_id'),
		companyName: text(order, 'companyName'),
		remarks: text(order, 'remarks'),
		assignedToId: id(order, 'assignedToId'),
		creatorId: id(order, 'creatorId'),
		erpOrderId: text(order, 'erpOrderId', 'erp_order_id'),
		invoiceNo: text(order, 'invoiceNo', 'invoice_no'),
		paymentMode: text(order, 'paymentMode', 'payment_mode'),
		productQuantity: amount(order, 'productQuantity'),
		productValue: amount(order, 'productValue'),
		discount: amount(order, 'discount'),
		grandTotal: amount(order, 'grandTotal', 'grand_total'),
		totalPaid: amount(order, 'totalPaid', 'total_paid'),
	};
}
