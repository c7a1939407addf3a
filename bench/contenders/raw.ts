// The "raw client": Node's global fetch with a bounded pool, no n8n at all.
// It is the floor of what any client can do at a given parallelism.

import { addBody, V1_ADD_PATH, V1_PULL_PATH, type InputOrder } from '../lib/orders';

export interface RawTarget {
	baseUrl: string;
	username: string;
	password: string;
	cmId: number;
}

export interface RawAddResult {
	ok: number;
	failed: number;
	/** Requests this client sent, retries included. */
	sent: number;
}

function authHeader(target: RawTarget): string {
	return `Basic ${Buffer.from(`${target.username}:${target.password}`).toString('base64')}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Adds every order, `parallel` requests at a time. With `retry429`, a 429 is
 * retried by that request alone (Retry-After or 250-500 ms jitter, up to 6
 * attempts): the simplest "lose nothing" client.
 */
export async function rawAdd(
	target: RawTarget,
	orders: InputOrder[],
	parallel: number,
	retry429 = false,
): Promise<RawAddResult> {
	const url = target.baseUrl + V1_ADD_PATH;
	const authorization = authHeader(target);
	const result: RawAddResult = { ok: 0, failed: 0, sent: 0 };
	let next = 0;
	const worker = async () => {
		for (;;) {
			const index = next++;
			if (index >= orders.length) return;
			const body = JSON.stringify(addBody(orders[index]));
			for (let attempt = 1; ; attempt++) {
				result.sent++;
				let status = 0;
				let json: { status?: string } | undefined;
				let retryAfter: string | null = null;
				try {
					const response = await fetch(url, {
						method: 'POST',
						headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: authorization },
						body,
					});
					status = response.status;
					retryAfter = response.headers.get('retry-after');
					json = (await response.json()) as { status?: string };
				} catch {
					status = 0;
				}
				if (status === 200 && json?.status === 'success') {
					result.ok++;
					break;
				}
				if (retry429 && status === 429 && attempt < 6) {
					const floor = retryAfter ? Number(retryAfter) * 1000 : 0;
					await sleep(Math.max(floor, 250 + Math.random() * 250));
					continue;
				}
				result.failed++;
				break;
			}
		}
	};
	await Promise.all(Array.from({ length: parallel }, worker));
	return result;
}

/** Pulls every order with v1 pull, one page after another (limit/offset), like a plain script would. */
export async function rawPullAll(target: RawTarget, pageSize: number): Promise<{ orders: number; requests: number }> {
	const url = target.baseUrl + V1_PULL_PATH;
	const authorization = authHeader(target);
	const all: unknown[] = [];
	let requests = 0;
	for (let offset = 0; ; ) {
		requests++;
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: authorization },
			body: JSON.stringify({
				cmId: target.cmId,
				createStartDate: '2000-01-01',
				limit: String(pageSize),
				offset: String(offset),
			}),
		});
		if (response.status !== 200) throw new Error(`raw pull: HTTP ${response.status}`);
		const page = ((await response.json()) as { order_details?: unknown[] }).order_details ?? [];
		for (const order of page) all.push(order);
		if (page.length < pageSize) break;
		offset += page.length;
	}
	return { orders: all.length, requests };
}
