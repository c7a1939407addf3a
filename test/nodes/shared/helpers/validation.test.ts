import { notADate } from '../../../../nodes/shared/helpers/validation';
import { validatorFor as v } from '../__fixtures__/validator';

/** The message of what `check` throws ('' when it does not throw). */
function messageOf(check: () => unknown): string {
	try {
		check();
		return '';
	} catch (error) {
		return (error as Error).message;
	}
}

describe('Validator', () => {
	it('starts every message with the field, then says what it must be', () => {
		expect(messageOf(() => v().id('12x', 'Order ID'))).toBe('Order ID must contain digits only, got "12x"');
		expect(messageOf(() => v().id('', 'Order ID', true))).toBe('Order ID is required');
		expect(messageOf(() => v().required(' ', 'Customer Name'))).toBe('Customer Name is required');
		expect(messageOf(() => v().positiveAmount(0, 'Amount'))).toBe('Amount must be greater than 0, got 0');
		expect(messageOf(() => v().positiveAmount('', 'Amount'))).toBe('Amount is required');
		expect(messageOf(() => v().number('ten', 'Rate'))).toBe('Rate must be a number, got "ten"');
		expect(messageOf(() => v().email('a@b', 'Email'))).toBe(
			'Email must be an email address such as name@example.com, got "a@b"',
		);
		expect(messageOf(() => v().date('2024-02-30', 'Cheque Date', 'day'))).toBe(
			'Cheque Date must be a real date such as 2024-05-31, got "2024-02-30"',
		);
		expect(messageOf(() => v().date('2024-02-30T10:00', 'Order Date', 'minute'))).toBe(
			'Order Date must be a real date such as 2024-05-31T14:30, got "2024-02-30T10:00"',
		);
		expect(messageOf(() => v().date('', 'Start Date', 'day', true))).toBe('Start Date is required');
		expect(messageOf(() => v().oneOf([['', 'Phone'], ['', 'Email']]))).toBe(
			'Phone or Email is required: fill at least one of them',
		);
		expect(notADate('Filters > Created After', 'soon')).toBe(
			'Filters > Created After must be a real date such as 2024-05-31, got "soon"',
		);
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

	it('leaves the item out of the message: n8n shows the itemIndex the error carries', () => {
		let error: unknown;
		try {
			v(2).required('', 'Customer Name');
		} catch (caught) {
			error = caught;
		}
		expect((error as Error).message).toBe('Customer Name is required');
		expect((error as { context: { itemIndex: number } }).context.itemIndex).toBe(2);
	});

	it('passes good values through', () => {
		expect(v().id(' 42 ', 'Order ID')).toBe('42');
		expect(v().email('a@b.co', 'Email')).toBe('a@b.co');
		expect(v().date('2024-05-31T00:00:00', 'Cheque Date', 'day')).toBe('2024-05-31');
	});
});
