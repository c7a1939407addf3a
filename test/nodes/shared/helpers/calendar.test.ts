import { calendarDays, daysBetween, readWallClock, utcDay } from '../../../../nodes/shared/helpers/calendar';

describe('calendar', () => {
	it('counts and lists UTC days', () => {
		expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
		expect(calendarDays('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
		expect(calendarDays('2024-03-02', '2024-03-01')).toEqual([]);
		expect(utcDay(Date.UTC(2024, 4, 8, 23, 59))).toBe('2024-05-08');
	});

	it.each([
		['2024-05-08', { year: '2024', month: '05', day: '08', hour: '00', minute: '00', second: '00', rest: '' }],
		['2024-5-8 9:05', { month: '05', day: '08', hour: '09', minute: '05', second: '00', rest: '' }],
		['2024-05-08T10:30:45.000+05:30', { hour: '10', minute: '30', second: '45', rest: '.000+05:30' }],
	])('reads the wall clock of %s, one-digit parts included', (text, expected) => {
		expect(readWallClock(text)).toMatchObject(expected);
	});

	it.each(['2023-02-29', '2024-13-01', '2024-01-01T25:00', '2024-01-01 10:60', 'tomorrow', ''])('%s is not a wall clock', (text) => {
		expect(readWallClock(text)).toBeUndefined();
	});
});
