import { paymentBody } from '../../../../../nodes/Kapture/actions/order/paymentBody';
import { validatorFor as v } from '../../__fixtures__/validator';

describe('paymentBody', () => {
	it('payment by payment ID alone is allowed', () => {
		expect(paymentBody(v(), { paymentId: 'p1', amount: 5, paymentMode: 'cash' })).toEqual([
			{ payment_mode: 'cash', payment_id: 'p1', amount_paid: '5' },
		]);
	});

	it('refuses an over-long Remarks before sending', () => {
		expect(() => paymentBody(v(), { paymentId: 'p1', amount: 5, remarks: 'x'.repeat(5001) })).toThrow(
			'Remarks must be at most 5000 characters long, got 5001',
		);
	});
});
