// Cart > Get through n8n-core against the SourceHub sandbox.

import { CUSTOMER, errorMessage, NODE, PRODUCT, setup, type Harness } from '../../setup';

let h: Harness;
beforeAll(async () => {
	h = await setup();
});
afterAll(async () => await h.close());
beforeEach(() => h.sandbox.reset());

describe('Cart > Get', () => {
	it('reads the cart compact, with the customer it belongs to, and changes nothing', async () => {
		const [item] = h.sandbox.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 3 }]);
		const result = await h.run({ resource: 'cart', operation: 'get', customerId: String(CUSTOMER) });
		expect(result.error).toBeUndefined();
		expect(result.json(NODE)).toEqual([
			{
				customerId: '9',
				itemCount: 1,
				totalQuantity: 3,
				cartTotal: 600,
				discount: 0,
				billableAmount: 600,
				items: [{ cartItemId: String(item.id), productId: '4', sku: 'CP 2425 0046', name: '3 Roses Mrp 10 (408pc)', quantity: 3, price: 200, pricePerUnit: 10, gstPercent: 5 }],
			},
		]);
		expect(h.requests()).toEqual([expect.objectContaining({ method: 'GET', path: '/api/cart', query: { customer_id: '9' } })]);
		expect(h.sandbox.cart(CUSTOMER)).toHaveLength(1);
		expect(h.sandbox.counts().orders).toBe(0);
	});

	it("with Simplify off outputs SourceHub's cart as sent; an empty cart is a cart with no items", async () => {
		const result = await h.run({ resource: 'cart', operation: 'get', customerId: String(CUSTOMER), simplify: false });
		expect(result.json(NODE)).toEqual([{ cart_item_count: 0, total_cart_quantity: 0, cart_total: 0, discount: 0, billable_amount: 0, items: [] }]);
	});

	it("an unknown customer: SourceHub's refusal, quoted", async () => {
		const result = await h.run({ resource: 'cart', operation: 'get', customerId: '4242' });
		expect(errorMessage(result)).toBe('SourceHub rejected the request as invalid (400 Bad Request): "The selected customer id is invalid."');
	});
});
