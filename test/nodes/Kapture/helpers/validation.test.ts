import { validatorFor as v } from '../__fixtures__/validator';

describe('Validator', () => {
	it('names the field and the item', () => {
		expect(() => v(3).id('12x', 'Order ID')).toThrow('Order ID must be a number, got "12x" [item 3]');
		expect(() => v().positiveAmount(0, 'Amount')).toThrow('Amount must be greater than 0, got 0 [item 0]');
		expect(() => v().email('a@b', 'Email')).toThrow('Email is not a valid email address, got "a@b" [item 0]');
		expect(() => v().oneOf([['', 'Phone'], ['', 'Email']])).toThrow('Phone or Email is required');
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
