// Date handling in the account's timezone. Kapture accounts run on a fixed
// offset (IST by default), so a plain minute offset is enough: no DST rules.

const MINUTE = 60_000;
export const DAY_MS = 86_400_000;

/** An inclusive range of epoch ms covered by a date written at some precision. */
export interface DateSpan {
	start: number;
	end: number;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MINUTE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/;
const ISO_SECOND = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
const DMY_DAY = /^(\d{2})-(\d{2})-(\d{4})$/;

/** Epoch ms of a wall-clock time in a zone `tzMinutes` ahead of UTC; undefined if it is not a real date/time. */
export function localToEpoch(
	tzMinutes: number,
	year: number,
	month: number,
	day: number,
	hour = 0,
	minute = 0,
	second = 0,
): number | undefined {
	if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
	const utc = Date.UTC(year, month - 1, day, hour, minute, second);
	// Date.UTC rolls 31 Feb over into March; a real date survives the round trip.
	if (new Date(utc).getUTCDate() !== day) return undefined;
	return utc - tzMinutes * MINUTE;
}

/**
 * Reads `YYYY-MM-DD`, `YYYY-MM-DD HH:mm`, `YYYY-MM-DD HH:mm:ss` or `dd-MM-yyyy`
 * as wall time in the account zone, and returns every ms the text covers
 * (a whole day for day precision, one second for second precision).
 */
export function parseDateSpan(text: string, tzMinutes: number): DateSpan | undefined {
	const value = text.trim();
	let m = ISO_DAY.exec(value);
	if (m) return span(localToEpoch(tzMinutes, +m[1], +m[2], +m[3]), DAY_MS);
	m = DMY_DAY.exec(value);
	if (m) return span(localToEpoch(tzMinutes, +m[3], +m[2], +m[1]), DAY_MS);
	m = ISO_MINUTE.exec(value);
	if (m) return span(localToEpoch(tzMinutes, +m[1], +m[2], +m[3], +m[4], +m[5]), MINUTE);
	m = ISO_SECOND.exec(value);
	if (m) return span(localToEpoch(tzMinutes, +m[1], +m[2], +m[3], +m[4], +m[5], +m[6]), 1000);
	return undefined;
}

/** Only `YYYY-MM-DD` (the partner pull's documented format). */
export function parseIsoDay(text: string, tzMinutes: number): DateSpan | undefined {
	const m = ISO_DAY.exec(text.trim());
	return m ? span(localToEpoch(tzMinutes, +m[1], +m[2], +m[3]), DAY_MS) : undefined;
}

function span(start: number | undefined, length: number): DateSpan | undefined {
	return start === undefined ? undefined : { start, end: start + length - 1 };
}

/** `yyyy-MM-dd HH:mm:ss` in the account zone. */
export function formatLocal(ms: number, tzMinutes: number): string {
	const iso = new Date(ms + tzMinutes * MINUTE).toISOString();
	return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** `yyyy-MM-dd` in the account zone. */
export function formatLocalDay(ms: number, tzMinutes: number): string {
	return new Date(ms + tzMinutes * MINUTE).toISOString().slice(0, 10);
}
