import { formatKaptureDate } from '../../../../nodes/Kapture/helpers/dates';

describe('dates', () => {
	it.each([
		['2024-05-08T10:30:00', 'day', '2024-05-08'],
		['2024-05-08T10:30:00', 'minute', '2024-05-08 10:30'],
		['2024-05-08T10:30:45.000+05:30', 'second', '2024-05-08 10:30:45'],
		['2024-5-8', 'day', '2024-05-08'],
		['2024-02-29', 'day', '2024-02-29'],
	] as const)('%s as %s → %s', (input, format, expected) => {
		expect(formatKaptureDate(input, format)).toBe(expected);
	});

	it.each(['2023-02-29', '2024-13-01', '2024-01-01T25:00', 'tomorrow', ''])('%s is not a date', (input) => {
		expect(formatKaptureDate(input, 'day')).toBeUndefined();
	});
});
