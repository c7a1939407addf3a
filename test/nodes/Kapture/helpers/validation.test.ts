import { validatorFor as v } from '../__fixtures__/validator';

describe('Validator', () => {
	it('names the field and the item', () => {
		expect(() => v(3).id('12x', 'Order ID')).toThrow('Order ID must be a number, got "12x"');
		expect(() => v().positiveAmount(0, 'Amount')).toThrow('Amount must be greater than 0, got 0');
		expect(() => v().email('a@b', 'Email')).toThrow('Email is not a valid email address, got "a@b"');
		expect(() => v().oneOf([['', 'Phone'], ['', 'Email']])).toThrow('Phone or Email is required');
	});

	it('keeps IDs as text up to the 19 digits of a Java long, and refuses longer ones', () => {
		expect(v().id(' 9223372036854775807 ', 'Order ID')).toBe('9223372036854775807');
		expect(() => v().id('1'.repeat(20), 'Order ID')).toThrow('Order ID must have at most 19 digits, got 20');
	});

	it('refuses text over its limit, naming the field', () => {
		expect(v().limited('x'.repeat(255), 'Customer Name')).toHaveLength(255);
		expect(() => v().limited('x'.repeat(256), 'Customer Name')).toThrow('Customer Name must be at most 255 characters long, got 256');
		expect(() => v().limited('x'.repeat(5001), 'Remarks', 'long')).toThrow('Remarks must be at most 5000 characters long, got 5001');
		expect(() => v().email(`${'a'.repeat(250)}@b.co`, 'Email')).toThrow('Email must be at most 254 characters long');
	});

	it('carries the item index for n8n', () => {
		try {
			v(2).required('', 'Customer Name');
			throw new Error('no error');
		} catch (error) {
			expect((error as { context: { itemIndex: number } }).context.itemIndex).toBe(2);
		}
	});
});
