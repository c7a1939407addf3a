import type { IDataObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { kaptureRequest, type RequestScheduler } from '../../shared/transport';
import { ordersIn } from './orderPages';
import { findOrdersByErpOrderId } from './orderLookup';

/**
 * Kapture's v1 pull page lists `erpOrderId` in its request body, but not among
 * the filters it promises, and the record it documents carries no ERP Order
 * ID. So on a given account a search by ERP Order ID may filter nothing, match
 * nothing, or return records that cannot be told apart. Everything that
 * decides by such a search (Skip, Fail, Create or Update, settling a lost
 * answer) goes through ErpOrderSearch, which trusts the search only once this
 * run has evidence that it works, and only the records that carry exactly the
 * ERP Order ID asked for.
 */

/** Why an ERP Order ID cannot be matched exactly by Kapture's search, or undefined when it can. */
export function erpOrderIdProblem(erpOrderId: string): string | undefined {
	if (erpOrderId.includes(',')) {
		return "contains a comma: Kapture's search reads a comma-separated list there, so it would look for each part instead of the whole ID";
	}
	if (/[\u0000-\u001f\u007f]/.test(erpOrderId)) {
		return "contains a line break, tab or other control character, which Kapture's search cannot be relied on to match";
	}
	return undefined;
}

/** The ERP Order ID a pull record carries, as text; undefined when the record has no such field. */
export function erpOrderIdIn(record: IDataObject): string | undefined {
	const value = record.erpOrderId ?? record.erp_order_id;
	if (value === undefined || value === null || typeof value === 'object') return undefined;
	return String(value).trim();
}

/** Thrown by ErpOrderSearch.find when this account's search is not proven to find by ERP Order ID. */
export class UntrustedSearchError extends Error {
	override name = 'UntrustedSearchError';

	constructor(readonly reason: string) {
		super(`Kapture's search does not find orders by ERP Order ID on this account: ${reason}`);
	}
}

type Verdict = { trusted: true } | { trusted: false; reason: string } | { failed: Error };

// The sample of recent orders the positive check picks its ERP Order ID from.
const SAMPLE_DAYS = 30;
const SAMPLE_SIZE = 20;

/** An ERP Order ID no order can have: the negative check. */
function probeErpOrderId(): string {
	const random = () => Math.floor(Math.random() * 36 ** 8).toString(36).padStart(8, '0');
	return `n8n-kapture-probe-${Date.now().toString(36)}-${random()}${random()}`;
}

function isoDay(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

/** A refusal Kapture decided on (a failed body, a 4xx other than 429), as opposed to a 5xx or a lost connection. */
function isRefusal(error: unknown): boolean {
	const code = Number((error as { httpCode?: unknown }).httpCode);
	return Number.isInteger(code) && ((code >= 200 && code < 300) || (code >= 400 && code < 500 && code !== 429));
}

export interface SearchOptions {
	itemIndex?: number;
	scheduler?: RequestScheduler;
}

/**
 * One account's search by ERP Order ID, for one run of the node (never cached
 * longer: a credential can point at another account by the next run).
 *
 * Before its first answer is trusted, the run proves the search, once:
 * 1. a search for an ERP Order ID no order can have must return nothing (a
 *    search that ignores the filter returns the account's orders);
 * 2. when recent orders carry ERP Order IDs, a search for one of them must
 *    return that order (a search that matches nothing, or another field,
 *    fails here); when recent orders come without the field at all, nothing
 *    the search returns could ever be matched, so it is not trusted.
 * After that, every record a search returns must carry an ERP Order ID: a
 * record without one makes the search untrusted for the rest of the run.
 * Records carrying another ERP Order ID are left out (a search that matches
 * loosely is still usable when every record says what it is).
 *
 * A check that fails (a refusal, a 5xx, a lost connection) proves nothing
 * either way and is not remembered: the next item checks again.
 */
export class ErpOrderSearch {
	private proof: Promise<Verdict> | undefined;

	private distrust: string | undefined;

	constructor(
		private readonly context: IExecuteFunctions | IPollFunctions,
		private readonly cmId: number,
	) {}

	/** Every order carrying exactly this ERP Order ID, newest (highest ID) first. */
	async find(erpOrderId: string, options: SearchOptions = {}): Promise<IDataObject[]> {
		await this.proven(options);
		const records = await findOrdersByErpOrderId.call(this.context, erpOrderId, { cmId: this.cmId, ...options });
		return this.exactly(records, erpOrderId);
	}

	/** Resolves once the search is proven for this run; throws UntrustedSearchError, or an error of this item's own. */
	private async proven(options: SearchOptions): Promise<void> {
		if (this.distrust) throw new UntrustedSearchError(this.distrust);
		this.proof ??= this.prove(options);
		const verdict = await this.proof;
		if ('failed' in verdict) {
			// Not remembered: the next item proves again.
			this.proof = undefined;
			const { failed } = verdict;
			throw new NodeOperationError(
				this.context.getNode(),
				`Could not check that Kapture's search finds orders by ERP Order ID: ${failed.message}`,
				{ itemIndex: options.itemIndex, description: (failed as { description?: string }).description ?? undefined },
			);
		}
		if (!verdict.trusted) {
			this.distrust ??= verdict.reason;
			throw new UntrustedSearchError(this.distrust);
		}
		if (this.distrust) throw new UntrustedSearchError(this.distrust);
	}

	private async prove(options: SearchOptions): Promise<Verdict> {
		try {
			const probed = await findOrdersByErpOrderId.call(this.context, probeErpOrderId(), { cmId: this.cmId, ...options });
			if (probed.length > 0) {
				return {
					trusted: false,
					reason: `a search for an ERP Order ID no order has returned ${probed.length === 1 ? 'an order' : `${probed.length} orders`}, so the erpOrderId filter of its pull is ignored`,
				};
			}
		} catch (error) {
			// Even a refusal may pass ("ServerFailure"): the next item checks again.
			return { failed: error as Error };
		}

		let sample: IDataObject[];
		try {
			const body = {
				cmId: this.cmId,
				createStartDate: isoDay(Date.now() - SAMPLE_DAYS * 86_400_000),
				limit: String(SAMPLE_SIZE),
				offset: '0',
			};
			sample = ordersIn(await kaptureRequest.call(this.context, 'v1Pull', body, options), 'order_details');
		} catch (error) {
			// Without recent orders to check against, the first check and the per-record check stand alone.
			if (isRefusal(error)) return { trusted: true };
			return { failed: error as Error };
		}
		if (sample.length > 0 && sample.every((record) => erpOrderIdIn(record) === undefined)) {
			return {
				trusted: false,
				reason: 'its orders come without their ERP Order ID, so no order it returns can be matched to one',
			};
		}
		const known = sample.find((record) => {
			const value = erpOrderIdIn(record);
			return value !== undefined && value !== '' && erpOrderIdProblem(value) === undefined && record.id !== undefined;
		});
		if (!known) return { trusted: true };
		const erpOrderId = erpOrderIdIn(known) as string;
		try {
			const found = await findOrdersByErpOrderId.call(this.context, erpOrderId, { cmId: this.cmId, ...options });
			if (!found.some((record) => String(record.id) === String(known.id) && erpOrderIdIn(record) === erpOrderId)) {
				return {
					trusted: false,
					reason: `a search for the ERP Order ID "${erpOrderId}" did not return order ${String(known.id)}, which carries it`,
				};
			}
		} catch (error) {
			return { failed: error as Error };
		}
		return { trusted: true };
	}

	private exactly(records: IDataObject[], erpOrderId: string): IDataObject[] {
		const matching: IDataObject[] = [];
		for (const record of records) {
			const carried = erpOrderIdIn(record);
			if (carried === undefined) {
				this.distrust ??= 'it returned orders without their ERP Order ID, so none of them can be matched to one';
				throw new UntrustedSearchError(this.distrust);
			}
			if (carried === erpOrderId) matching.push(record);
		}
		return matching;
	}
}
