import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';

import { KAPTURE, type RequestScheduler } from '../../shared/transport';
import { pullV1Pages } from './orderPages';

/**
 * Finding orders by ERP Order ID: the one lookup that Create (Skip, Fail and
 * the recovery of lost answers), Update and Create or Update share, and that
 * the trigger can use too (helpers import nothing from actions/). It speaks
 * to Kapture only through the transport's pager, so a lookup is retried,
 * backed off and limited like every other request of the execution.
 *
 * Only the v1 pull can search by ERP Order ID (its `erpOrderId` filter); the
 * partner API cannot, so lookups for partner operations need the v1
 * Username, Password and Account ID in the same credential.
 */

/** A credential's v1 account, when it has what a lookup needs, or what is missing. */
export type LookupAccount = { cmId: number } | { missing: string };

export function lookupAccount(credentials: ICredentialDataDecryptedObject): LookupAccount {
	const missing: string[] = [];
	if (String(credentials.username ?? '') === '') missing.push('Username');
	if (String(credentials.password ?? '') === '') missing.push('Password');
	const cmId = Number(credentials.cmId);
	if (!Number.isInteger(cmId) || cmId <= 0) missing.push('Account ID');
	if (missing.length > 0) return { missing: `${missing.slice(0, -1).join(', ')}${missing.length > 1 ? ' and ' : ''}${missing[missing.length - 1]}` };
	return { cmId };
}

export async function credentialLookupAccount(context: IExecuteFunctions | IPollFunctions): Promise<LookupAccount> {
	return lookupAccount(await context.getCredentials(KAPTURE.credentialType));
}

export interface LookupOptions {
	cmId: number;
	itemIndex?: number;
	scheduler?: RequestScheduler;
}

// A lookup by one ERP Order ID returns one order, a few at most.
const LOOKUP_PAGE_SIZE = 50;
const LOOKUP_MAX_REQUESTS = 20;

/**
 * What Kapture's pull answers for `erpOrderId`, newest (highest ID) first, as
 * it is: whether those orders carry that ERP Order ID is for the caller to
 * check (ErpOrderSearch does, and is what decisions go through).
 */
export async function findOrdersByErpOrderId(
	this: IExecuteFunctions | IPollFunctions,
	erpOrderId: string,
	{ cmId, itemIndex, scheduler }: LookupOptions,
): Promise<IDataObject[]> {
	const found: IDataObject[] = [];
	const pages = pullV1Pages.call(this, { cmId, erpOrderId }, {
		itemIndex,
		scheduler,
		pageSize: LOOKUP_PAGE_SIZE,
		confirmShortFirstPage: false,
		maxRequests: LOOKUP_MAX_REQUESTS,
	});
	for await (const { records } of pages) found.push(...records);
	return found.sort((a, b) => Number(b.id) - Number(a.id));
}

/** Seconds to keep looking for an order whose write may have gone through, by default. */
export const DEFAULT_RECOVERY_WAIT_SECONDS = 5;
export const MAX_RECOVERY_WAIT_SECONDS = 120;

// First pause between lookups; it doubles each time, up to what is left of the wait.
const FIRST_PAUSE_MS = 250;

/**
 * Looks the order up until `pick` accepts one of the orders found, or until
 * `waitMs` have passed since the call: a new order can take a moment to show
 * in Kapture's search. Returns undefined only after a lookup started at or
 * after the end of the wait found nothing: that is what "provably absent"
 * means here, and why the wait must be longer than Kapture's search lag.
 * A lookup that fails (after the transport's own retries) is tried again
 * while the wait lasts; the last one's error is thrown. At most about
 * log2(waitMs / 250) + 2 lookups; `pause` should not hold a Parallel
 * Requests place (ItemTools.pause). An error `isFinal` accepts is thrown at once.
 */
export async function lookUpWithin(
	find: () => Promise<IDataObject[]>,
	pick: (orders: IDataObject[]) => IDataObject | undefined,
	waitMs: number,
	pause: (ms: number) => Promise<void>,
	isFinal: (error: Error) => boolean = () => false,
): Promise<IDataObject | undefined> {
	const deadline = Date.now() + waitMs;
	let pauseMs = FIRST_PAUSE_MS;
	for (;;) {
		const startedAt = Date.now();
		let found: IDataObject[] | undefined;
		let failure: Error | undefined;
		try {
			found = await find();
		} catch (error) {
			failure = error as Error;
		}
		if (failure && (startedAt >= deadline || isFinal(failure))) throw failure;
		const chosen = found && pick(found);
		if (chosen) return chosen;
		if (found && startedAt >= deadline) return undefined;
		await pause(Math.max(0, Math.min(pauseMs, deadline - Date.now())));
		pauseMs *= 2;
	}
}

/**
 * What one execution knows about ERP Order IDs, so items of the same run do
 * not trip over each other: items with the same ERP Order ID take turns,
 * orders this run created are known at once (Kapture's search may not show
 * them yet), and an order found for one item is never claimed for another.
 */
export class ErpOrderRegistry {
	private readonly turns = new Map<string, Promise<void>>();

	private readonly created = new Map<string, IDataObject>();

	private readonly claimed = new Set<string>();

	/** Runs `work` once every earlier item with this ERP Order ID is done. */
	async inTurn<T>(erpOrderId: string, work: () => Promise<T>): Promise<T> {
		const before = this.turns.get(erpOrderId) ?? Promise.resolve();
		let done!: () => void;
		const mine = new Promise<void>((resolve) => (done = resolve));
		const tail = before.then(async () => await mine);
		this.turns.set(erpOrderId, tail);
		await before;
		try {
			return await work();
		} finally {
			done();
			if (this.turns.get(erpOrderId) === tail) this.turns.delete(erpOrderId);
		}
	}

	/** An order this run created for the ERP Order ID (as a v1 record: id, customerId, enquiryId). */
	createdFor(erpOrderId: string): IDataObject | undefined {
		return this.created.get(erpOrderId);
	}

	remember(erpOrderId: string, order: IDataObject): void {
		this.created.set(erpOrderId, order);
		this.claim(order);
	}

	/** The newest order not yet claimed by another item of this run. */
	newestUnclaimed(orders: IDataObject[]): IDataObject | undefined {
		return orders.find((order) => !this.claimed.has(String(order.id)));
	}

	claim(order: IDataObject): void {
		this.claimed.add(String(order.id));
	}
}
