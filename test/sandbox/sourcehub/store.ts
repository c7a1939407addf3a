// SourceHub's data in memory: products with stock, customers with carts, and
// orders. A fresh store holds exactly the customer and product of SourceHub's
// documented examples, and hands out the documented ids first, so the
// documented requests get the documented answers.

import type {
	CartItem,
	SourceHubCounts,
	SourceHubCustomer,
	SourceHubOrder,
	SourceHubProduct,
} from './types';

export const FIRST_ORDER_ID = 41201;
export const FIRST_ORDER_NO = 41127;
export const FIRST_CART_ITEM_ID = 79532;
export const DOCUMENTED_CUSTOMER_ID = 9;
export const DOCUMENTED_PRODUCT_ID = 4;
export const DEFAULT_STOCK = 100;

const DOCUMENTED_PRODUCT: SourceHubProduct = {
	id: DOCUMENTED_PRODUCT_ID,
	name: '3 Roses Mrp 10 (408pc)',
	image: 'https://sourcehub.in/public/images/product/1605342130.jpg',
	sku: 'CP 2425 0046',
	hsn_code: '0902',
	description: '',
	price_per_unit: 10,
	maximum_retail_price: 4080,
	weight: 3000,
	vol: 0,
	gst_percent: 5,
	measurementtype: { id: 5, name: 'bags' },
	productcategory: {
		id: 3,
		name: 'Tea ,Coffee and Beverages',
		image: 'https://sourcehub.in/public/images/productcategory/1617180572.jpg',
	},
	productpricing: { id: 1058, product_id: DOCUMENTED_PRODUCT_ID, buying_qty: 1, price: 200 },
};

const DOCUMENTED_CUSTOMER: SourceHubCustomer = {
	id: DOCUMENTED_CUSTOMER_ID,
	contact_person_name: 'Amit De',
	company_name: 'Arobit Business Solutions Pvt Ltd',
	display_name: 'Arobit Business Solutions Pvt Ltd',
	email: null,
	contactperson_number: '9163367906',
	company_phone: '9163367906',
	gst_treatment: 'Unregistered',
	gstin: null,
	customer_code: '1639328586',
	address: [],
};

export class UnknownRecordError extends Error {}

export const digitsOf = (phone: string): string => phone.replace(/\D+/g, '');

const round2 = (n: number): number => Math.round(n * 100) / 100;

export interface CartSummary {
	cart_item_count: number;
	total_cart_quantity: number;
	cart_total: number;
	discount: number;
	billable_amount: number;
	items: Array<{ id: number; quantity: number; product: SourceHubProduct }>;
}

export interface StoredOrder {
	order: SourceHubOrder;
	customerId: number;
	/** Creation order, for a stable sort within one day. */
	seq: number;
}

export class SourceHubStore {
	readonly products = new Map<number, SourceHubProduct>();
	readonly stockByProduct = new Map<number, number>();
	readonly customers = new Map<number, SourceHubCustomer>();
	readonly carts = new Map<number, CartItem[]>();
	readonly orders = new Map<number, StoredOrder>();
	private nextProductId = DOCUMENTED_PRODUCT_ID;
	private nextCustomerId = DOCUMENTED_CUSTOMER_ID;
	private nextCartItemId = FIRST_CART_ITEM_ID;
	private nextOrderId = FIRST_ORDER_ID;
	private nextOrderNo = FIRST_ORDER_NO;
	private seq = 0;

	constructor() {
		this.reset();
	}

	reset(): void {
		this.products.clear();
		this.stockByProduct.clear();
		this.customers.clear();
		this.carts.clear();
		this.orders.clear();
		this.nextProductId = DOCUMENTED_PRODUCT_ID;
		this.nextCustomerId = DOCUMENTED_CUSTOMER_ID;
		this.nextCartItemId = FIRST_CART_ITEM_ID;
		this.nextOrderId = FIRST_ORDER_ID;
		this.nextOrderNo = FIRST_ORDER_NO;
		this.seq = 0;
		this.addProduct(structuredClone(DOCUMENTED_PRODUCT));
		this.addCustomer(structuredClone(DOCUMENTED_CUSTOMER));
	}

	addProduct(init: Partial<SourceHubProduct> & { stock?: number } = {}): SourceHubProduct {
		const { stock = DEFAULT_STOCK, ...fields } = init;
		const id = fields.id ?? this.nextProductId;
		if (this.products.has(id)) throw new Error(`product ${id} exists`);
		this.nextProductId = Math.max(this.nextProductId, id + 1);
		const price = fields.productpricing?.price ?? 100;
		const product: SourceHubProduct = {
			id,
			name: `Sandbox Product ${id}`,
			image: null,
			sku: `SB ${String(id).padStart(4, '0')}`,
			hsn_code: '0000',
			description: '',
			price_per_unit: price,
			maximum_retail_price: price,
			weight: 0,
			vol: 0,
			gst_percent: 5,
			measurementtype: { id: 1, name: 'pcs' },
			productcategory: { id: 1, name: 'Sandbox', image: null },
			...fields,
			productpricing: { id: 2000 + id, product_id: id, buying_qty: 1, price, ...fields.productpricing },
		};
		this.products.set(id, product);
		this.setStock(id, stock);
		return product;
	}

	setStock(productId: number, stock: number): void {
		if (!this.products.has(productId)) throw new UnknownRecordError(`no product ${productId}`);
		if (!Number.isInteger(stock) || stock < 0) throw new Error(`stock must be a whole number >= 0, got ${stock}`);
		this.stockByProduct.set(productId, stock);
	}

	addCustomer(init: Partial<SourceHubCustomer> = {}): SourceHubCustomer {
		const id = init.id ?? this.nextCustomerId;
		if (this.customers.has(id)) throw new Error(`customer ${id} exists`);
		this.nextCustomerId = Math.max(this.nextCustomerId, id + 1);
		const phone = init.contactperson_number ?? `90000${String(id).padStart(5, '0')}`;
		const company = init.company_name ?? `Sandbox Traders ${id}`;
		const customer: SourceHubCustomer = {
			id,
			contact_person_name: `Contact ${id}`,
			company_name: company,
			display_name: company,
			email: null,
			contactperson_number: phone,
			company_phone: phone,
			gst_treatment: 'Unregistered',
			gstin: null,
			customer_code: String(1_600_000_000 + id),
			address: [],
			...init,
		};
		this.customers.set(id, customer);
		this.carts.set(id, []);
		return customer;
	}

	customer(id: number): SourceHubCustomer {
		const customer = this.customers.get(id);
		if (!customer) throw new UnknownRecordError(`no customer ${id}`);
		return customer;
	}

	fillCart(customerId: number, items: Array<{ productId: number; quantity: number }>): CartItem[] {
		this.customer(customerId);
		const cart = items.map(({ productId, quantity }) => {
			if (!this.products.has(productId)) throw new UnknownRecordError(`no product ${productId}`);
			if (!Number.isInteger(quantity) || quantity < 1) throw new Error(`quantity must be a whole number >= 1, got ${quantity}`);
			return { id: this.nextCartItemId++, productId, quantity };
		});
		this.carts.set(customerId, cart);
		return cart.map((item) => ({ ...item }));
	}

	cartSummary(customerId: number): CartSummary {
		this.customer(customerId);
		const items = (this.carts.get(customerId) ?? []).map((item) => ({
			id: item.id,
			quantity: item.quantity,
			product: structuredClone(this.products.get(item.productId) as SourceHubProduct),
		}));
		const total = round2(items.reduce((sum, item) => sum + item.quantity * item.product.productpricing.price, 0));
		return {
			cart_item_count: items.length,
			total_cart_quantity: items.reduce((sum, item) => sum + item.quantity, 0),
			cart_total: total,
			discount: 0,
			billable_amount: total,
			items,
		};
	}

	/** Cart items there is not enough stock for, in SourceHub's `unavailable_items` shape. */
	unavailableItems(customerId: number): Array<Record<string, unknown>> {
		const short: Array<Record<string, unknown>> = [];
		for (const item of this.carts.get(customerId) ?? []) {
			const available = this.stockByProduct.get(item.productId) ?? 0;
			if (item.quantity > available) {
				short.push({
					id: item.id,
					required_qty: item.quantity,
					available_qty: available,
					product: structuredClone(this.products.get(item.productId)),
				});
			}
		}
		return short;
	}

	/** Turns the customer's whole cart into an order: stock goes down, the cart is emptied. */
	placeOrder(customerId: number, date: string): SourceHubOrder {
		const cart = this.carts.get(customerId) ?? [];
		const products = cart.map((item) => {
			const product = this.products.get(item.productId) as SourceHubProduct;
			this.stockByProduct.set(item.productId, (this.stockByProduct.get(item.productId) ?? 0) - item.quantity);
			return { id: product.id, sku: product.sku, name: product.name, quantity: item.quantity, price: product.productpricing.price };
		});
		this.carts.set(customerId, []);
		return this.addOrder(customerId, { products, date });
	}

	addOrder(customerId: number, init: Partial<SourceHubOrder> & { date: string }): SourceHubOrder {
		const customer = this.customer(customerId);
		const products = init.products ?? [];
		const total = round2(products.reduce((sum, line) => sum + line.quantity * line.price, 0));
		const discount = init.discount_amount ?? 0;
		const returned = init.return_total_amount ?? 0;
		const id = init.id ?? this.nextOrderId;
		if (this.orders.has(id)) throw new Error(`order ${id} exists`);
		this.nextOrderId = Math.max(this.nextOrderId, id + 1);
		const order: SourceHubOrder = {
			id,
			order_no: String(this.nextOrderNo++).padStart(7, '0'),
			item_total_amount: total,
			discount_amount: discount,
			return_total_amount: returned,
			billable_amount: round2(total - discount - returned),
			products,
			customer: structuredClone(customer),
			salesagent: [],
			deliveryagent: [],
			laststatus: { name: 'Placed' },
			invoices: [],
			...init,
		};
		this.orders.set(id, { order, customerId, seq: ++this.seq });
		return order;
	}

	order(id: number): SourceHubOrder {
		const stored = this.orders.get(id);
		if (!stored) throw new UnknownRecordError(`no order ${id}`);
		return stored.order;
	}

	/** The orders of every customer with this phone (digits compared), dates `YYYY-MM-DD` inclusive. */
	ordersByPhone(phone: string, from: string | undefined, to: string | undefined): StoredOrder[] {
		const digits = digitsOf(phone);
		const matches: StoredOrder[] = [];
		for (const stored of this.orders.values()) {
			const customer = this.customers.get(stored.customerId);
			if (!customer) continue;
			const phones = [customer.contactperson_number, customer.company_phone].map(digitsOf);
			if (digits === '' || !phones.includes(digits)) continue;
			if (from !== undefined && stored.order.date < from) continue;
			if (to !== undefined && stored.order.date > to) continue;
			matches.push(stored);
		}
		return matches;
	}

	counts(): SourceHubCounts {
		let cartItems = 0;
		for (const cart of this.carts.values()) cartItems += cart.length;
		return { products: this.products.size, customers: this.customers.size, orders: this.orders.size, cartItems };
	}
}
