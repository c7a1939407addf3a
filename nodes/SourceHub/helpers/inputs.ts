import type { IDataObject } from 'n8n-workflow';

import type { Validator } from '../../shared/helpers/validation';

/** A 64-bit integer has at most 20 digits: a longer "ID" is a mistake, not a SourceHub record. */
export const MAX_ID_DIGITS = 20;

/** A SourceHub customer or order ID: required, digits only, kept as text (no precision lost). */
export function sourceHubId(v: Validator, value: unknown, label: string): string {
	const id = v.id(value, label, true);
	if (id.length > MAX_ID_DIGITS) {
		throw v.fail(`${label} is ${id.length} digits long; SourceHub IDs have at most ${MAX_ID_DIGITS}`);
	}
	return id;
}

const PHONE = /^\+?[\d\s()-]+$/;

/** The phone SourceHub lists a customer's orders by: required, a phone number, sent as typed. */
export function customerPhone(v: Validator, value: unknown): string {
	const phone = v.required(value, 'Customer Phone');
	if (!PHONE.test(phone) || !/\d/.test(phone)) {
		throw v.fail(`Customer Phone must be a phone number (digits, spaces, +, - and brackets), got "${phone.slice(0, 40)}"`);
	}
	return phone;
}

/** `YYYY-MM-DD` as SourceHub's `dd-mm-yyyy`. */
export function toDayMonthYear(isoDay: string): string {
	const [year, month, day] = isoDay.split('-');
	return `${day}-${month}-${year}`;
}

/**
 * The `from_date` / `to_date` query values of a date range, each optional,
 * both days as picked (no time zone arithmetic). An inverted range is refused.
 */
export function dateRangeQuery(v: Validator, from: unknown, to: unknown): IDataObject {
	const fromDay = v.date(from, 'Filters > From Date', 'day');
	const toDay = v.date(to, 'Filters > To Date', 'day');
	if (fromDay !== '' && toDay !== '' && toDay < fromDay) {
		throw v.fail(`Filters > To Date (${toDay}) is before From Date (${fromDay})`);
	}
	const query: IDataObject = {};
	if (fromDay !== '') query.from_date = toDayMonthYear(fromDay);
	if (toDay !== '') query.to_date = toDayMonthYear(toDay);
	return query;
}
