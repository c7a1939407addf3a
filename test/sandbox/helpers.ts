// Helpers shared by the sandbox's own tests.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PATHS } from './server';
import type { KaptureSandbox } from './types';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'api-docs');

/** A fresh copy of a documented example, e.g. fixture('v1-add.request'). */
export function fixture<T = any>(name: string): T {
	return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as T;
}

export function basicHeader(username: string, password: string): string {
	return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export interface Answer {
	status: number;
	headers: Headers;
	body: any;
	text: string;
}

export async function call(
	sandbox: KaptureSandbox,
	path: string,
	body: unknown,
	authorization?: string,
	method = 'POST',
): Promise<Answer> {
	const headers: Record<string, string> = { 'Content-Type': 'application/json' };
	if (authorization !== undefined) headers.Authorization = authorization;
	const response = await fetch(sandbox.baseUrl + path, {
		method,
		headers,
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// HTML pages stay text.
	}
	return { status: response.status, headers: response.headers, body: parsed, text };
}

/** v1 calls with the sandbox's own Basic credentials. */
export function v1(sandbox: KaptureSandbox, path: string, body: unknown): Promise<Answer> {
	const { username, password } = sandbox.credentials;
	return call(sandbox, path, body, basicHeader(username, password));
}

/** Partner calls with the default Auth Key (or the key given). */
export function partner(sandbox: KaptureSandbox, path: string, body: unknown, key?: string): Promise<Answer> {
	return call(sandbox, path, body, `Basic ${key ?? sandbox.credentials.authKey}`);
}

export const addOrder = (sb: KaptureSandbox, body: unknown) => v1(sb, PATHS.v1AddUpdate, body);
export const pullV1 = (sb: KaptureSandbox, body: Record<string, unknown>) =>
	v1(sb, PATHS.v1Pull, { cmId: sb.credentials.cmId, ...body });
export const pushPartner = (sb: KaptureSandbox, body: unknown, key?: string) => partner(sb, PATHS.partnerPush, body, key);
export const pullPartner = (sb: KaptureSandbox, el: Record<string, unknown>, key?: string) =>
	partner(sb, PATHS.partnerPullByDates, [el], key);
export const getPartner = (sb: KaptureSandbox, orderId: string | number, key?: string) =>
	partner(sb, PATHS.partnerGetOrder, [{ order_id: String(orderId) }], key);

/** A minimal valid v1 add body. */
export function v1AddBody(overrides: { customer?: object; order?: object } = {}): Record<string, unknown> {
	return {
		customer_info: { customer_name: 'Test Customer', phone: '9000000001', email_id: 'test@example.com', ...overrides.customer },
		contact_info: [],
		enquiry_info: {},
		order_info: { update: false, ...overrides.order },
	};
}

export function sortedKeys(value: object): string[] {
	return Object.keys(value).sort();
}

/** 2024-05-08 00:00 IST as epoch ms (= 2024-05-07T18:30Z). */
export const MAY_8_IST = Date.UTC(2024, 4, 7, 18, 30);

/**
 * One of each write the sandbox serves, as documented: v1 add, v1 update of
 * `orderId` (remarks 'after'), partner push and partner payment (the payment
 * example needs order 4238767 of customer 48658789).
 */
export function documentedWrites(sb: KaptureSandbox, orderId: number): Array<() => Promise<Answer>> {
	return [
		() => addOrder(sb, v1AddBody()),
		() => addOrder(sb, v1AddBody({ order: { update: true, order_id: orderId, remarks: 'after' } })),
		() => pushPartner(sb, fixture('partner-push.request')),
		() => pushPartner(sb, fixture('partner-payment.request')),
	];
}
