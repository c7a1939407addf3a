/**
 * Date conversions for Kapture. n8n's date picker (and most expressions) give
 * an ISO-like text such as `2024-05-08T10:30:00`; Kapture wants wall-clock
 * texts in the account's own time zone. The wall-clock part the user wrote is
 * kept as it is: no time zone arithmetic, so what the user picked is what
 * Kapture receives.
 */

export type KaptureDateFormat = 'day' | 'minute' | 'second';

interface WallClock {
	year: string;
	month: string;
	day: string;
	hour: string;
	minute: string;
	second: string;
}

const WALL_CLOCK = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?/;

const pad = (value: string) => value.padStart(2, '0');

/** Turns whatever a date parameter holds (text, Date, Luxon DateTime) into text. */
function dateText(value: unknown): string {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
	if (typeof value === 'object' && value !== null) {
		const candidate = value as { toISO?: () => string | null };
		if (typeof candidate.toISO === 'function') return candidate.toISO() ?? '';
	}
	return String(value ?? '').trim();
}

function readWallClock(value: unknown): WallClock | undefined {
	const match = WALL_CLOCK.exec(dateText(value));
	if (!match) return undefined;
	const [, year, month, day, hour = '0', minute = '0', second = '0'] = match;
	const asDate = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
	if (
		asDate.getUTCFullYear() !== Number(year) ||
		asDate.getUTCMonth() !== Number(month) - 1 ||
		asDate.getUTCDate() !== Number(day) ||
		Number(hour) > 23 ||
		Number(minute) > 59 ||
		Number(second) > 59
	) {
		return undefined;
	}
	return { year, month: pad(month), day: pad(day), hour: pad(hour), minute, second: pad(second) };
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
	const clock = readWallClock(value);
	if (!clock) return undefined;
	const day = `${clock.year}-${clock.month}-${clock.day}`;
	if (format === 'day') return day;
	if (format === 'minute') return `${day} ${clock.hour}:${clock.minute}`;
	return `${day} ${clock.hour}:${clock.minute}:${clock.second}`;
}

/** Days between two `YYYY-MM-DD` texts (end minus start). */
export function daysBetween(start: string, end: string): number {
	return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000);
}
