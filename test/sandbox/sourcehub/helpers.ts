// Helpers shared by the SourceHub sandbox's own tests.

import type { SourceHubSandbox } from './types';

export interface Answer {
	status: number;
	headers: Headers;
	body: any;
	text: string;
}

/** One API call: `path` below /api, with the sandbox's key unless another `authorization` is given. */
export async function api(
	sb: SourceHubSandbox,
	method: 'GET' | 'POST' | 'PUT' | 'DELETE',
	path: string,
	options: { query?: Record<string, string | number>; authorization?: string | null; body?: unknown } = {},
): Promise<Answer> {
	const url = new URL(sb.baseUrl + path);
	for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, String(value));
	const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
	const authorization = options.authorization === undefined ? `Bearer ${sb.apiKey}` : options.authorization;
	if (authorization !== null) headers.Authorization = authorization;
	const response = await fetch(url, {
		method,
		headers,
		body: options.body === undefined ? undefined : JSON.stringify(options.body),
	});
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// HTML pages stay text.
	}
	return { status: response.status, headers: response.headers, body, text };
}

export const createOrder = (sb: SourceHubSandbox, customerId: number | string, authorization?: string | null) =>
	api(sb, 'POST', '/orders/create', { query: { customer_id: customerId }, authorization });
export const getOrder = (sb: SourceHubSandbox, id: number | string) => api(sb, 'GET', `/orders/${id}`);
export const listOrders = (sb: SourceHubSandbox, query: Record<string, string | number>) => api(sb, 'GET', '/orders', { query });
export const getCart = (sb: SourceHubSandbox, customerId: number | string) => api(sb, 'GET', '/cart', { query: { customer_id: customerId } });

/** Keys of an object and of every object below it, as dotted paths, sorted (lists: their first element). */
export function keyPaths(value: unknown, prefix = ''): string[] {
	if (Array.isArray(value)) return value.length > 0 ? keyPaths(value[0], `${prefix}[]`) : [];
	if (typeof value !== 'object' || value === null) return [];
	return Object.entries(value)
		.flatMap(([key, inner]) => [`${prefix}${key}`, ...keyPaths(inner, `${prefix}${key}.`)])
		.sort();
}

/** 2024-11-07 12:00 IST, the date of SourceHub's documented order. */
export const DOC_DAY = Date.UTC(2024, 10, 7, 6, 30);
