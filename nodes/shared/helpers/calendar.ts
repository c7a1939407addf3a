/**
 * Calendar arithmetic on `YYYY-MM-DD` days and wall-clock texts, written
 * once. Days are UTC calendar days: no time zone is applied here.
 */

export const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an epoch ms, in UTC. */
export function utcDay(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

/** Days between two `YYYY-MM-DD` texts (end minus start). */
export function daysBetween(start: string, end: string): number {
	return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS);
}

/** Every calendar day from start to end (inclusive), as `YYYY-MM-DD`. */
export function calendarDays(startDate: string, endDate: string): string[] {
	const start = Date.parse(`${startDate}T00:00:00Z`);
	const end = Date.parse(`${endDate}T00:00:00Z`);
	const days: string[] = [];
	for (let day = start; day <= end; day += DAY_MS) days.push(utcDay(day));
	return days;
}

/** The parts of a wall-clock text, zero-padded; `rest` is whatever followed (seconds' fraction, zone). */
export interface WallClock {
	year: string;
	month: string;
	day: string;
	hour: string;
	minute: string;
	second: string;
	rest: string;
}

// One- or two-digit months, days and hours, as people and n8n expressions write them.
const WALL_CLOCK = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?/;

const pad = (value: string) => value.padStart(2, '0');

/** Reads `YYYY-M-D[ H:mm[:ss]]...`; undefined unless it is a real calendar date and time. */
export function readWallClock(text: string): WallClock | undefined {
	const match = WALL_CLOCK.exec(text);
	if (!match) return undefined;
	const [whole, year, month, day, hour = '0', minute = '00', second = '0'] = match;
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
	return {
		year,
		month: pad(month),
		day: pad(day),
		hour: pad(hour),
		minute,
		second: pad(second),
		rest: text.slice(whole.length),
	};
}
