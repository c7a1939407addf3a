import { kaptureDateToIso, simplifyOrder } from '../../../../nodes/Kapture/helpers/simplify';

describe('simplify', () => {
	it('reads epoch ms and wall-clock texts in the given zone', () => {
		expect(kaptureDateToIso(1715149492000)).toBe('2024-05-08T06:24:52.000Z');
		expect(kaptureDateToIso('2024-05-08 11:54:52', 'Asia/Kolkata')).toBe('2024-05-08T06:24:52.000Z');
		expect(kaptureDateToIso('', 'UTC')).toBeNull();
	});

	it('gives both documented records the same keys', () => {
		const v1 = simplifyOrder({ id: 23518265, customerId: 191696570, assignedToId: 209803, createDate: 1715149492000, deliveryStatus: 'AP', productQuantity: 0 });
		const partner = simplifyOrder({ id: '4070336', leadId: '47772861', name: 'Rachel Smith', productQuantity: '1', companyName: 'Tooth worth' });
		expect(Object.keys(v1)).toEqual(Object.keys(partner));
		expect(v1).toMatchObject({ id: '23518265', customerId: '191696570', status: 'AP', createdAt: '2024-05-08T06:24:52.000Z', productQuantity: 0 });
		expect(partner).toMatchObject({ id: '4070336', customerId: '47772861', customerName: 'Rachel Smith', productQuantity: 1, createdAt: null });
	});
});
