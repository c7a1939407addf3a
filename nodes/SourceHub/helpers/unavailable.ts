import type { IDataObject } from 'n8n-workflow';

import { listOf, objectOf } from './records';

/**
 * SourceHub answers a create whose cart it cannot fill with HTTP 201 and
 * `data.unavailable_items` instead of an order: nothing was placed. These
 * read that answer.
 */

/** The unavailable items of a create answer's `data`, or undefined when it is not that answer. */
export function unavailableItemsIn(data: IDataObject): IDataObject[] | undefined {
	const items = data.unavailable_items;
	if (Array.isArray(items)) return listOf(items);
	const count = Number(data.unavailable_items_count);
	return Number.isFinite(count) && count > 0 ? [] : undefined;
}

const quantity = (value: unknown) => (value === undefined || value === null || value === '' ? '?' : String(value));

/** `"3 Roses Mrp 10 (408pc)" (SKU CP 2425 0046, product 4): 2 required, 1 available`. */
export function describeUnavailableItem(item: IDataObject): string {
	const product = objectOf(item.product);
	const name = typeof product.name === 'string' && product.name.trim() !== '' ? `"${product.name.trim()}"` : 'A product';
	const ids = [
		typeof product.sku === 'string' && product.sku.trim() !== '' ? `SKU ${product.sku.trim()}` : undefined,
		product.id !== undefined && product.id !== null ? `product ${String(product.id)}` : undefined,
	].filter(Boolean);
	const which = ids.length > 0 ? `${name} (${ids.join(', ')})` : name;
	return `${which}: ${quantity(item.required_qty)} required, ${quantity(item.available_qty)} available`;
}

/** One sentence naming every unavailable item, for an error message. */
export function describeUnavailable(items: IDataObject[], message?: unknown): string {
	if (items.length === 0) {
		return typeof message === 'string' && message.trim() !== '' ? message.trim() : 'items unavailable (SourceHub did not list them)';
	}
	const count = `${items.length} item${items.length === 1 ? '' : 's'} unavailable`;
	return `${count}: ${items.map(describeUnavailableItem).join('; ')}`;
}
