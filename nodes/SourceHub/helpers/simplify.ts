import type { IDataObject } from 'n8n-workflow';

import { listOf, objectOf } from './records';

/**
 * The compact shapes the SourceHub node outputs with Simplify on. SourceHub
 * documents its amounts as numbers and its ids as integers, but nothing
 * promises either, so every value is read leniently:
 * - ids and codes are strings (lossless whatever their size), null when absent;
 * - amounts and quantities are numbers, null when absent or unreadable;
 * - `laststatus.name` is `status`; agents are one object or null (SourceHub
 *   sends an empty list when none is assigned);
 * - every key is always present, so later nodes can rely on it.
 */
export interface SimpleSourceHubOrder extends IDataObject {
	id: string | null;
	orderNo: string | null;
	status: string | null;
	date: string | null;
	customerId: string | null;
	customerName: string | null;
	companyName: string | null;
	contactPerson: string | null;
	phone: string | null;
	email: string | null;
	customerCode: string | null;
	gstin: string | null;
	itemTotal: number | null;
	discount: number | null;
	returnTotal: number | null;
	billableAmount: number | null;
	products: SimpleOrderLine[];
	salesAgent: SimpleAgent | null;
	deliveryAgent: SimpleAgent | null;
	invoices: SimpleInvoice[];
}

export interface SimpleOrderLine extends IDataObject {
	productId: string | null;
	sku: string | null;
	name: string | null;
	quantity: number | null;
	price: number | null;
}

export interface SimpleAgent extends IDataObject {
	id: string | null;
	name: string | null;
	phone: string | null;
	email: string | null;
}

export interface SimpleInvoice extends IDataObject {
	id: string | null;
	invoiceNumber: string | null;
	date: string | null;
	dueDate: string | null;
	totalAmount: number | null;
	discountAmount: number | null;
	returnedAmount: number | null;
	invoiceAmount: number | null;
	cgst: number | null;
	sgst: number | null;
	igst: number | null;
}

export interface SimpleCart extends IDataObject {
	itemCount: number | null;
	totalQuantity: number | null;
	cartTotal: number | null;
	discount: number | null;
	billableAmount: number | null;
	items: SimpleCartItem[];
}

export interface SimpleCartItem extends IDataObject {
	cartItemId: string | null;
	productId: string | null;
	sku: string | null;
	name: string | null;
	quantity: number | null;
	price: number | null;
	pricePerUnit: number | null;
	gstPercent: number | null;
}

/** The first of `values` that is a non-empty text or a number, as trimmed text. */
function text(...values: unknown[]): string | null {
	for (const value of values) {
		if (typeof value === 'number' && Number.isFinite(value)) return String(value);
		if (typeof value === 'string' && value.trim() !== '') return value.trim();
	}
	return null;
}

function amount(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value !== 'string' || value.trim() === '') return null;
	const number = Number(value.trim().replace(/,/g, ''));
	return Number.isFinite(number) ? number : null;
}

function agent(value: unknown): SimpleAgent | null {
	const record = objectOf(value);
	if (Object.keys(record).length === 0) return null;
	const fullName = [text(record.first_name), text(record.last_name)].filter(Boolean).join(' ');
	return {
		id: text(record.id),
		name: fullName === '' ? text(record.name) : fullName,
		phone: text(record.mobile_number, record.phone_number),
		email: text(record.email),
	};
}

/** One SourceHub order, compact (see SimpleSourceHubOrder). */
export function simplifyOrder(order: IDataObject): SimpleSourceHubOrder {
	const customer = objectOf(order.customer);
	return {
		id: text(order.id),
		orderNo: text(order.order_no),
		status: text(objectOf(order.laststatus).name),
		date: text(order.date),
		customerId: text(customer.id),
		customerName: text(customer.display_name, customer.company_name, customer.contact_person_name),
		companyName: text(customer.company_name),
		contactPerson: text(customer.contact_person_name),
		phone: text(customer.contactperson_number, customer.company_phone),
		email: text(customer.email),
		customerCode: text(customer.customer_code),
		gstin: text(customer.gstin),
		itemTotal: amount(order.item_total_amount),
		discount: amount(order.discount_amount),
		returnTotal: amount(order.return_total_amount),
		billableAmount: amount(order.billable_amount),
		products: listOf(order.products).map((line) => ({
			productId: text(line.id),
			sku: text(line.sku),
			name: text(line.name),
			quantity: amount(line.quantity),
			price: amount(line.price),
		})),
		salesAgent: agent(order.salesagent),
		deliveryAgent: agent(order.deliveryagent),
		invoices: listOf(order.invoices).map((invoice) => ({
			id: text(invoice.id),
			invoiceNumber: text(invoice.invoice_number),
			date: text(invoice.date),
			dueDate: text(invoice.due_date),
			totalAmount: amount(invoice.total_amount),
			discountAmount: amount(invoice.discount_amount),
			returnedAmount: amount(invoice.returned_amount),
			invoiceAmount: amount(invoice.invoice_amount),
			cgst: amount(invoice.cgst),
			sgst: amount(invoice.sgst),
			igst: amount(invoice.igst),
		})),
	};
}

/** A customer's cart, compact: one line per cart item, the product's selling price as `price`. */
export function simplifyCart(cart: IDataObject): SimpleCart {
	return {
		itemCount: amount(cart.cart_item_count),
		totalQuantity: amount(cart.total_cart_quantity),
		cartTotal: amount(cart.cart_total),
		discount: amount(cart.discount),
		billableAmount: amount(cart.billable_amount),
		items: listOf(cart.items).map((item) => {
			const product = objectOf(item.product);
			return {
				cartItemId: text(item.id),
				productId: text(product.id),
				sku: text(product.sku),
				name: text(product.name),
				quantity: amount(item.quantity),
				price: amount(objectOf(product.productpricing).price),
				pricePerUnit: amount(product.price_per_unit),
				gstPercent: amount(product.gst_percent),
			};
		}),
	};
}
