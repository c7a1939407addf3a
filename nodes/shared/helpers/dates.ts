/**
 * Date parameters as vendors want them. n8n's date picker (and most
 * expressions) give an ISO-like text such as `2024-05-08T10:30:00`; Kapture
 * and SourceHub want wall-clock texts in the account's own time zone. The
 * wall-clock part the user wrote is kept as it is: no time zone arithmetic,
 * so what the user picked is what the vendor receives.
 */

import { readWallClock } from './calendar';

export type DateFormat = 'day' | 'minute' | 'second';

/** Turns whatever a date parameter holds (text, Date, Luxon DateTime) into text. */
export function dateText(value: unknown): string {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
	if (typeof value === 'object' && value !== null) {
		const candidate = value as { toISO?: () => string | null };
		if (typeof candidate.toISO === 'function') return candidate.toISO() ?? '';
	}
	return String(value ?? '').trim();
}

/** True when the value is empty (the user left the date out). */
export function isEmptyDate(value: unknown): boolean {
	return value === undefined || value === null || dateText(value) === '';
}

/**
 * What may follow the time: seconds' fraction and a zone, as n8n's date
 * picker, Date and Luxon write them (the wall-clock part is what is sent).
 * Anything else is refused, not cut off: "10:30 PM" is not 10:30, and
 * "2024-05-081" is not the 8th.
 */
const ALLOWED_AFTER_TIME = /^(?:\.\d{1,9})?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Formats a date parameter: `day` → `YYYY-MM-DD`,
 * `minute` → `YYYY-MM-DD HH:mm`, `second` → `YYYY-MM-DD HH:mm:ss`.
 * Returns undefined for text that is not a real calendar date, whole.
 */
export function formatDateParameter(value: unknown, format: DateFormat): string | undefined {
	const text = dateText(value);
	const clock = readWallClock(text);
	// A fraction or zone only after a time: "2024-05-08Z" or "2024-05-08.5" is not a date we know.
	if (!clock || !ALLOWED_AFTER_TIME.test(clock.rest) || (clock.rest !== '' && !/[T ]\d/.test(text))) return undefined;
	const day = `${clock.year}-${clock.month}-${clock.day}`;
	if (format === 'day') return day;
	if (format === 'minute') return `${day} ${clock.hour}:${clock.minute}`;
	return `${day} ${clock.hour}:${clock.minute}:${clock.second}`;
}
