import { fixture } from '../../../sandbox/helpers';
import { simplifyCart, simplifyOrder } from '../../../../nodes/SourceHub/helpers/simplify';

const documented = () => fixture('sourcehub-create.response').data;

describe('simplifyOrder', () => {
	it("turns SourceHub's documented order into the compact shape", () => {
		expect(simplifyOrder(documented())).toEqual({
			id: '41201',
			orderNo: '0041127',
			status: 'Placed',
			date: '2024-11-07',
			customerId: '9',
			customerName: 'Arobit Business Solutions Pvt Ltd',
			companyName: 'Arobit Business Solutions Pvt Ltd',
			contactPerson: 'Amit De',
			phone: '9163367906',
			email: null,
			customerCode: '1639328586',
			gstin: null,
			itemTotal: 600,
			discount: 0,
			returnTotal: 0,
			billableAmount: 600,
			products: [{ productId: '4', sku: 'CP 2425 0046', name: '3 Roses Mrp 10 (408pc)', quantity: 0, price: 0 }],
			salesAgent: null,
			deliveryAgent: null,
			invoices: [],
		});
	});

	it('reads amounts sent as text, with thousands separators, as numbers; unreadable ones as null', () => {
		const order = simplifyOrder({ ...documented(), item_total_amount: '1,200.50', discount_amount: ' 10 ', billable_amount: 'n/a', return_total_amount: null });
		expect(order).toMatchObject({ itemTotal: 1200.5, discount: 10, billableAmount: null, returnTotal: null });
	});

	it('has every key even for an empty record, so later nodes can rely on them', () => {
		const empty = simplifyOrder({});
		expect(Object.keys(empty).sort()).toEqual(Object.keys(simplifyOrder(documented())).sort());
		expect(empty).toMatchObject({ id: null, status: null, products: [], invoices: [], salesAgent: null });
	});

	it('names agents in one field, whichever phone key SourceHub uses; keeps big ids exact', () => {
		const order = simplifyOrder({
			id: '123456789012345678901',
			salesagent: { id: 7, first_name: 'Riya', last_name: 'Sen', mobile_number: '9000000007', email: 'riya@example.com', avatar: null },
			deliveryagent: { id: 8, first_name: 'Arun', last_name: '', phone_number: '9000000008' },
		});
		expect(order.id).toBe('123456789012345678901');
		expect(order.salesAgent).toEqual({ id: '7', name: 'Riya Sen', phone: '9000000007', email: 'riya@example.com' });
		expect(order.deliveryAgent).toEqual({ id: '8', name: 'Arun', phone: '9000000008', email: null });
	});

	it('maps every documented invoice field', () => {
		const invoice = {
			id: 5, invoice_number: 'INV-5', date: '2024-11-08', due_date: '2024-11-22', total_amount: 600, discount_amount: 0,
			returned_amount: 0, invoice_amount: 630, cgst: 15, sgst: 15, igst: 0,
		};
		expect(simplifyOrder({ invoices: [invoice] }).invoices).toEqual([
			{ id: '5', invoiceNumber: 'INV-5', date: '2024-11-08', dueDate: '2024-11-22', totalAmount: 600, discountAmount: 0, returnedAmount: 0, invoiceAmount: 630, cgst: 15, sgst: 15, igst: 0 },
		]);
	});

	it('falls back to the company phone and name when contact fields are empty', () => {
		const order = simplifyOrder({ customer: { display_name: '', company_name: 'Acme', contactperson_number: '', company_phone: '033 1234' } });
		expect(order).toMatchObject({ customerName: 'Acme', phone: '033 1234' });
	});
});

describe('simplifyCart', () => {
	it('gives one line per cart item with the selling price', () => {
		const product = fixture('sourcehub-create.unavailable').data.unavailable_items[0].product;
		const cart = simplifyCart({ cart_item_count: 1, total_cart_quantity: 3, cart_total: 600, discount: 0, billable_amount: 600, items: [{ id: 79532, quantity: 3, product }] });
		expect(cart).toEqual({
			itemCount: 1,
			totalQuantity: 3,
			cartTotal: 600,
			discount: 0,
			billableAmount: 600,
			items: [{ cartItemId: '79532', productId: '4', sku: 'CP 2425 0046', name: '3 Roses Mrp 10 (408pc)', quantity: 3, price: 200, pricePerUnit: 10, gstPercent: 5 }],
		});
	});

	it('an empty or odd cart still has every key', () => {
		expect(simplifyCart({ items: 'none' })).toEqual({ itemCount: null, totalQuantity: null, cartTotal: null, discount: null, billableAmount: null, items: [] });
	});
});
