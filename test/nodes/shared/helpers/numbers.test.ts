import { boundedNumber } from '../../../../nodes/shared/helpers/numbers';

describe('boundedNumber', () => {
	it.each([
		[undefined, 5],
		['', 5],
		['abc', 5],
		[Number.NaN, 5],
		[0, 1],
		[7, 7],
		['7', 7],
		[99, 10],
	])('%p → %p', (value, expected) => {
		expect(boundedNumber(value, 5, 1, 10)).toBe(expected);
	});
});
