import type { IDataObject } from 'n8n-workflow';

import type { Validator } from '../../shared/helpers/validation';

const PHONE = /^\+?[\d\s()-]+$/;

/** The phone SourceHub lists a customer's orders by: required, a phone number, sent as typed. */
export function customerPhone(v: Validator, value: unknown): string {
	const phone = v.required(value, 'Customer Phone', 'phone');
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
