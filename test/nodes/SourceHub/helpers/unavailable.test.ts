import { fixture } from '../../../sandbox/helpers';
import { describeUnavailable, unavailableItemsIn } from '../../../../nodes/SourceHub/helpers/unavailable';

describe('unavailable items', () => {
	const documented = () => fixture('sourcehub-create.unavailable').data;

	it("finds the items of SourceHub's documented 201 answer, and none in a placed order", () => {
		expect(unavailableItemsIn(documented())).toHaveLength(1);
		expect(unavailableItemsIn(fixture('sourcehub-create.response').data)).toBeUndefined();
	});

	it('names each product with its SKU, id, required and available quantity', () => {
		expect(describeUnavailable(unavailableItemsIn(documented())!)).toBe(
			'1 item unavailable: "3 Roses Mrp 10 (408pc)" (SKU CP 2425 0046, product 4): 2 required, 1 available',
		);
		const two = [
			{ required_qty: 5, available_qty: 0, product: { id: 7, name: 'Coffee' } },
			{ required_qty: 1, product: {} },
		];
		expect(describeUnavailable(two)).toBe('2 items unavailable: "Coffee" (product 7): 5 required, 0 available; A product: 1 required, ? available');
	});

	it('a count without a list is still "unavailable", described by SourceHub\'s message', () => {
		const items = unavailableItemsIn({ unavailable_items_count: 2, message: '2 items unavailable' });
		expect(items).toEqual([]);
		expect(describeUnavailable(items!, '2 items unavailable')).toBe('2 items unavailable');
		expect(describeUnavailable([])).toMatch(/did not list them/);
	});
});
