// What the SourceHub sandbox does beyond the documented examples: carts and
// stock, statuses, paging, the refusals, auth and the inspection endpoints.

import { api, createOrder, DOC_DAY, getCart, getOrder, listOrders } from './helpers';
import { DOCUMENTED_CUSTOMER_ID as CUSTOMER, DOCUMENTED_PRODUCT_ID as PRODUCT, startSourceHubSandbox, type SourceHubSandbox } from './index';

let sb: SourceHubSandbox;
beforeAll(async () => {
	sb = await startSourceHubSandbox({ now: DOC_DAY, quiet: true });
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.reset();
	sb.configure({ placedStatus: 200, emptyList: 'emptyList', overLimitCount: 'refuse', pageSizeCap: 100, listOrder: 'newestFirst', refillCarts: false });
});

const badRequest = (description: string | RegExp) => ({
	error: { code: 'BAD_REQUEST_ERROR', description: typeof description === 'string' ? description : expect.stringMatching(description), source: expect.any(String), status_code: 400 },
});

describe('placing an order from the cart', () => {
	test('the whole cart becomes one order: stock goes down, the cart is emptied, status Placed, today in IST', async () => {
		const tea = sb.addProduct({ name: 'Tea', productpricing: { price: 50 } as never, stock: 10 });
		sb.fillCart(CUSTOMER, [
			{ productId: PRODUCT, quantity: 2 },
			{ productId: tea.id, quantity: 4 },
		]);
		const res = await createOrder(sb, CUSTOMER);
		expect(res.status).toBe(200);
		expect(res.body.message).toBe('Order succesfully placed');
		expect(res.body.data).toMatchObject({
			item_total_amount: 2 * 200 + 4 * 50,
			billable_amount: 600,
			date: '2024-11-07',
			laststatus: { name: 'Placed' },
			products: [
				{ id: PRODUCT, quantity: 2, price: 200 },
				{ id: tea.id, name: 'Tea', quantity: 4, price: 50 },
			],
		});
		expect(sb.cart(CUSTOMER)).toEqual([]);
		expect(sb.stock(PRODUCT)).toBe(98);
		expect(sb.stock(tea.id)).toBe(6);
		expect(sb.getOrder(res.body.data.id)).toEqual(res.body.data);
	});

	test('refillCarts (demo): each placed order fills the cart again with the same lines, until the stock runs short', async () => {
		// Carts of 1 to 3 lines over products with different stock; every order
		// takes the same quantities, so the k-th order is the last one placed
		// exactly when some product's stock falls below a line's quantity.
		for (let lines = 1; lines <= 3; lines++) {
			sb.reset();
			sb.configure({ refillCarts: true });
			const wanted = Array.from({ length: lines }, (_, i) => {
				const product = sb.addProduct({ name: `P${lines}-${i}`, productpricing: { price: 10 + i } as never, stock: 7 + 5 * i });
				return { productId: product.id, quantity: 2 + i };
			});
			sb.fillCart(CUSTOMER, wanted);
			const placeable = Math.min(...wanted.map((line) => Math.floor(sb.stock(line.productId) / line.quantity)));
			let placed = 0;
			let previousIds = sb.cart(CUSTOMER).map((item) => item.id);
			for (;;) {
				const stockBefore = wanted.map((line) => sb.stock(line.productId));
				const res = await createOrder(sb, CUSTOMER);
				const cart = sb.cart(CUSTOMER);
				expect(cart.map(({ productId, quantity }) => ({ productId, quantity }))).toEqual(wanted);
				if (res.status === 201) {
					// Short: nothing placed, nothing taken, the same cart stays.
					expect(cart.map((item) => item.id)).toEqual(previousIds);
					expect(wanted.map((line) => sb.stock(line.productId))).toEqual(stockBefore);
					break;
				}
				expect(res.status).toBe(200);
				placed++;
				expect(res.body.data.products.map((p: { id: number; quantity: number }) => ({ productId: p.id, quantity: p.quantity }))).toEqual(wanted);
				expect(wanted.map((line) => sb.stock(line.productId))).toEqual(stockBefore.map((stock, i) => stock - wanted[i].quantity));
				const ids = cart.map((item) => item.id);
				expect(ids.some((id) => previousIds.includes(id))).toBe(false);
				previousIds = ids;
				expect(placed).toBeLessThanOrEqual(placeable);
			}
			expect(placed).toBe(placeable);
			expect(sb.counts().orders).toBe(placeable);
		}
	});

	test('without refillCarts (SourceHub) the cart stays empty after an order, so a second one is refused', async () => {
		sb.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 1 }]);
		expect((await createOrder(sb, CUSTOMER)).status).toBe(200);
		expect(sb.cart(CUSTOMER)).toEqual([]);
		expect((await createOrder(sb, CUSTOMER)).body).toEqual(badRequest('Cart is empty.'));
	});

	test('order ids and numbers count up', async () => {
		const numbers: string[] = [];
		for (let i = 0; i < 3; i++) {
			sb.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 1 }]);
			numbers.push((await createOrder(sb, CUSTOMER)).body.data.order_no);
		}
		expect(numbers).toEqual(['0041127', '0041128', '0041129']);
		expect(sb.listOrders().map((o) => o.id)).toEqual([41201, 41202, 41203]);
	});

	test('every short item is named, and nothing changes: no order, same cart, same stock', async () => {
		const coffee = sb.addProduct({ stock: 0 });
		sb.fillCart(CUSTOMER, [
			{ productId: PRODUCT, quantity: 5 },
			{ productId: coffee.id, quantity: 1 },
		]);
		sb.setStock(PRODUCT, 3);
		const res = await createOrder(sb, CUSTOMER);
		expect(res.status).toBe(201);
		expect(res.body.data.unavailable_items_count).toBe(2);
		expect(res.body.data.message).toBe('2 items unavailable');
		expect(res.body.data.unavailable_items.map((i: any) => [i.product.id, i.required_qty, i.available_qty])).toEqual([
			[PRODUCT, 5, 3],
			[coffee.id, 1, 0],
		]);
		expect(sb.counts()).toMatchObject({ orders: 0, cartItems: 2 });
		expect(sb.stock(PRODUCT)).toBe(3);
	});

	test('exactly the stock available is enough', async () => {
		sb.setStock(PRODUCT, 2);
		sb.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 2 }]);
		expect((await createOrder(sb, CUSTOMER)).status).toBe(200);
		expect(sb.stock(PRODUCT)).toBe(0);
	});

	test('placedStatus sets the HTTP status of a placed order', async () => {
		sb.configure({ placedStatus: 201 });
		sb.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 1 }]);
		const res = await createOrder(sb, CUSTOMER);
		expect(res.status).toBe(201);
		expect(res.body.data.order_no).toBeDefined();
	});

	test.each([
		[undefined, 'The customer id field is required.'],
		['', 'The customer id field is required.'],
		['9a', 'The customer id must be an integer.'],
		['-9', 'The customer id must be an integer.'],
		['12345', 'The selected customer id is invalid.'],
	])('customer_id %p is refused with 400: %s', async (customerId, description) => {
		const res = await api(sb, 'POST', '/orders/create', { query: customerId === undefined ? {} : { customer_id: customerId } });
		expect(res.status).toBe(400);
		expect(res.body).toEqual(badRequest(description));
	});

	test('an empty cart is refused with 400 and places nothing', async () => {
		const res = await createOrder(sb, CUSTOMER);
		expect(res.status).toBe(400);
		expect(res.body).toEqual(badRequest('Cart is empty.'));
		expect(sb.counts().orders).toBe(0);
	});
});

describe('reading one order and the cart', () => {
	test('an order by id, with the status it has now', async () => {
		const [order] = sb.seedOrders(CUSTOMER, 1);
		sb.setStatus(order.id, 'Shipment Created');
		const res = await getOrder(sb, order.id);
		expect(res.status).toBe(200);
		expect(res.body.data).toEqual({ ...order, laststatus: { name: 'Shipment Created' } });
	});

	test('an unknown order is a 404, a non-numeric id a 400', async () => {
		expect((await getOrder(sb, 99)).body).toEqual({
			error: { code: 'NOT_FOUND_ERROR', description: 'Order not found.', source: `${sb.baseUrl}/orders/99`, status_code: 404 },
		});
		expect((await getOrder(sb, 'abc')).status).toBe(400);
	});

	test('the cart: counts, totals and the items with their products', async () => {
		const res0 = await getCart(sb, CUSTOMER);
		expect(res0.body.data).toEqual({ cart_item_count: 0, total_cart_quantity: 0, cart_total: 0, discount: 0, billable_amount: 0, items: [] });
		const [item] = sb.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 3 }]);
		const res = await getCart(sb, CUSTOMER);
		expect(res.body.data).toMatchObject({ cart_item_count: 1, total_cart_quantity: 3, cart_total: 600, billable_amount: 600 });
		expect(res.body.data.items[0]).toMatchObject({ id: item.id, quantity: 3, product: { id: PRODUCT, sku: 'CP 2425 0046' } });
		expect((await getCart(sb, 4242)).body).toEqual(badRequest('The selected customer id is invalid.'));
	});
});

describe('listing orders by phone', () => {
	const day = (d: number) => `2024-11-${String(d).padStart(2, '0')}`;

	test('matches the phone by its digits, newest first, dates dd-mm-yyyy inclusive', async () => {
		const other = sb.addCustomer({ contactperson_number: '9000000001' });
		const mine = sb.seedOrders(CUSTOMER, 5, (i) => ({ date: day(1 + i) }));
		sb.seedOrders(other.id, 2);
		const all = await listOrders(sb, { phone_number: '91633 67906' });
		expect(all.body.data.orders.map((o: any) => o.id)).toEqual(mine.map((o) => o.id).reverse());
		const some = await listOrders(sb, { phone_number: '9163367906', from_date: '02-11-2024', to_date: '04-11-2024' });
		expect(some.body.data.orders.map((o: any) => o.date)).toEqual([day(4), day(3), day(2)]);
	});

	test('count (default 10) and skip page through the list; oldest first on request', async () => {
		const orders = sb.seedOrders(CUSTOMER, 25);
		const ids = (res: any) => res.body.data.orders.map((o: any) => o.id);
		const newest = orders.map((o) => o.id).reverse();
		expect(ids(await listOrders(sb, { phone_number: '9163367906' }))).toEqual(newest.slice(0, 10));
		expect(ids(await listOrders(sb, { phone_number: '9163367906', count: 10, skip: 20 }))).toEqual(newest.slice(20));
		expect(ids(await listOrders(sb, { phone_number: '9163367906', count: 10, skip: 25 }))).toEqual([]);
		sb.configure({ listOrder: 'oldestFirst' });
		expect(ids(await listOrders(sb, { phone_number: '9163367906', count: 3 }))).toEqual(orders.slice(0, 3).map((o) => o.id));
	});

	test('count above 100 is refused, or capped when so configured; pageSizeCap serves fewer than asked', async () => {
		sb.seedOrders(CUSTOMER, 120);
		expect((await listOrders(sb, { phone_number: '9163367906', count: 101 })).body).toEqual(badRequest('The count may not be greater than 100.'));
		sb.configure({ overLimitCount: 'cap' });
		expect((await listOrders(sb, { phone_number: '9163367906', count: 500 })).body.data.orders).toHaveLength(100);
		sb.configure({ pageSizeCap: 7 });
		expect((await listOrders(sb, { phone_number: '9163367906', count: 100 })).body.data.orders).toHaveLength(7);
	});

	test('no match is an empty list, or a 404 when so configured', async () => {
		expect((await listOrders(sb, { phone_number: '9163367906' })).body).toEqual({ data: { orders: [] } });
		sb.configure({ emptyList: 'notFound' });
		const res = await listOrders(sb, { phone_number: '9163367906' });
		expect(res.status).toBe(404);
		expect(res.body.error).toMatchObject({ code: 'NOT_FOUND_ERROR', description: 'No orders found.' });
	});

	test.each([
		[{}, 'The phone number field is required.'],
		[{ phone_number: '  ' }, 'The phone number field is required.'],
		[{ phone_number: 'abc' }, 'The phone number format is invalid.'],
		[{ phone_number: '9163367906', from_date: '2024-11-01' }, 'The from date does not match the format d-m-Y.'],
		[{ phone_number: '9163367906', to_date: '31-02-2024' }, 'The to date does not match the format d-m-Y.'],
		[{ phone_number: '9163367906', from_date: '05-11-2024', to_date: '04-11-2024' }, 'The to date must be a date after or equal to from date.'],
		[{ phone_number: '9163367906', count: 0 }, 'The count must be an integer of at least 1.'],
		[{ phone_number: '9163367906', count: 'ten' }, 'The count must be an integer of at least 1.'],
		[{ phone_number: '9163367906', skip: -1 }, 'The skip must be an integer of at least 0.'],
	])('%p is refused with 400: %s', async (query, description) => {
		const res = await listOrders(sb, query as Record<string, string>);
		expect(res.status).toBe(400);
		expect(res.body).toEqual(badRequest(description));
	});
});

describe('auth, addresses and methods', () => {
	test.each([
		['no header', null],
		['a wrong key', 'Bearer wrong'],
		['Basic instead of Bearer', 'Basic sourcehub-sandbox-key'],
		['the key with a space before it', 'Bearer  sourcehub-sandbox-key'],
	])('%s gets the 401 AUTHENTICATION_ERROR, and nothing is placed', async (_, authorization) => {
		sb.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 1 }]);
		const res = await createOrder(sb, CUSTOMER, authorization);
		expect(res.status).toBe(401);
		expect(res.body.error).toMatchObject({ code: 'AUTHENTICATION_ERROR', description: 'Invalid credential or token.', status_code: 401 });
		expect(sb.counts().orders).toBe(0);
		expect(sb.requests().at(-1)).toMatchObject({ api: 'createOrder', authorized: false, status: 401 });
	});

	test('the scheme is case-insensitive', async () => {
		expect((await api(sb, 'GET', '/cart', { query: { customer_id: CUSTOMER }, authorization: `bearer ${sb.apiKey}` })).status).toBe(200);
	});

	test('an unknown address is an HTML 404, a wrong method a 405 in the error shape', async () => {
		const page = await api(sb, 'GET', '/nothing-here');
		expect(page.status).toBe(404);
		expect(page.headers.get('content-type')).toMatch(/text\/html/);
		const outside = await fetch(`${sb.origin}/orders`);
		expect(outside.status).toBe(404);
		expect((await api(sb, 'GET', '/orders/create')).status).toBe(405);
		const post = await api(sb, 'POST', '/orders');
		expect(post.status).toBe(405);
		expect(post.headers.get('allow')).toBe('GET');
		expect(post.body.error.code).toBe('METHOD_NOT_ALLOWED_ERROR');
	});
});

describe('inspection', () => {
	test('the request log holds method, path, query, api, auth and status, never headers', async () => {
		await listOrders(sb, { phone_number: '9163367906', count: 5 });
		expect(sb.requests()).toEqual([
			expect.objectContaining({ seq: 1, method: 'GET', path: '/api/orders', query: { phone_number: '9163367906', count: '5' }, api: 'listOrders', authorized: true, status: 200 }),
		]);
		expect(JSON.stringify(sb.requests())).not.toContain(sb.apiKey);
	});

	test('/__sandbox/* fills carts, sets stock and statuses, and shows the state, without auth and without the key', async () => {
		const post = (path: string, body: unknown) =>
			fetch(`${sb.origin}/__sandbox/${path}`, { method: 'POST', body: JSON.stringify(body) }).then(async (r): Promise<[number, any]> => [r.status, await r.json()]);
		const [, { customer }] = await post('customers', { contactperson_number: '9111111111' });
		expect(customer.id).toBe(10);
		const [, cart] = await post('cart', { customerId: customer.id, items: [{ productId: PRODUCT, quantity: 2 }] });
		expect(cart.items).toHaveLength(1);
		expect(await post('stock', { productId: PRODUCT, stock: 7 })).toEqual([200, { productId: PRODUCT, stock: 7 }]);
		const placed = await createOrder(sb, customer.id);
		const [, status] = await post('status', { orderId: placed.body.data.id, status: 'Delivered' });
		expect(status.order.laststatus).toEqual({ name: 'Delivered' });
		expect((await post('stock', { productId: 999, stock: 1 }))[0]).toBe(404);

		const state: any = await (await fetch(`${sb.origin}/__sandbox/state`)).json();
		expect(state.counts).toEqual({ products: 1, customers: 2, orders: 1, cartItems: 0 });
		expect(state.config).toMatchObject({ placedStatus: 200, emptyList: 'emptyList', pageSizeCap: 100, timezoneOffsetMinutes: 330 });
		expect(JSON.stringify(state)).not.toContain(sb.apiKey);
		const { orders }: any = await (await fetch(`${sb.origin}/__sandbox/orders`)).json();
		expect(orders.map((o: any) => o.laststatus.name)).toEqual(['Delivered']);
	});

	test('beforeAnswer runs before each API answer, so data can change between two requests', async () => {
		sb.seedOrders(CUSTOMER, 3);
		const seen: string[] = [];
		sb.beforeAnswer((entry) => {
			seen.push(entry.api);
			if (entry.query.skip === '2') sb.seedOrders(CUSTOMER, 1);
		});
		expect((await listOrders(sb, { phone_number: '9163367906', count: 2, skip: 0 })).body.data.orders).toHaveLength(2);
		expect((await listOrders(sb, { phone_number: '9163367906', count: 2, skip: 2 })).body.data.orders).toHaveLength(2);
		expect(seen).toEqual(['listOrders', 'listOrders']);
		sb.reset();
		await listOrders(sb, { phone_number: '9163367906' });
		expect(seen).toHaveLength(2);
	});

	test('reset brings back the documented data and ids', async () => {
		sb.addCustomer();
		sb.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 1 }]);
		await createOrder(sb, CUSTOMER);
		sb.reset();
		expect(sb.counts()).toEqual({ products: 1, customers: 1, orders: 0, cartItems: 0 });
		expect(sb.requests()).toEqual([]);
		sb.fillCart(CUSTOMER, [{ productId: PRODUCT, quantity: 1 }]);
		expect((await createOrder(sb, CUSTOMER)).body.data).toMatchObject({ id: 41201, order_no: '0041127' });
	});
});
