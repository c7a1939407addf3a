/**
 * Date conversions for Kapture. n8n's date picker (and most expressions) give
 * an ISO-like text such as `2024-05-08T10:30:00`; Kapture wants wall-clock
 * texts in the account's own time zone. The wall-clock part the user wrote is
 * kept as it is: no time zone arithmetic, so what the user picked is what
 * Kapture receives.
 */

import { readWallClock } from '../../shared/helpers/calendar';

export type KaptureDateFormat = 'day' | 'minute' | 'second';

/** Turns whatever a date parameter holds (text, Date, Luxon DateTime) into text. */
function dateText(value: unknown): string {
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
 * Formats a date parameter for Kapture: `day` → `YYYY-MM-DD`,
 * `minute` → `YYYY-MM-DD HH:mm`, `second` → `YYYY-MM-DD HH:mm:ss`.
 * Returns undefined for text that is not a real calendar date.
 */
export function formatKaptureDate(value: unknown, format: KaptureDateFormat): string | undefined {
	const clock = readWallClock(dateText(value));
	if (!clock) return undefined;
	const day = `${clock.year}-${clock.month}-${clock.day}`;
	if (format === 'day') return day;
	if (format === 'minute') return `${day} ${clock.hour}:${clock.minute}`;
	return `${day} ${clock.hour}:${clock.minute}:${clock.second}`;
}
