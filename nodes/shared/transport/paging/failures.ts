import type { IDataObject } from 'n8n-workflow';

/** Reads `limit` records starting at `offset` (offset/limit, skip/count, startPosition/numberOfRecords...). */
export type FetchPage = (offset: number, limit: number) => Promise<IDataObject[]>;

/** Why a read of a list could not complete. */
export type PagingFailure = 'unstable' | 'tooManyRequests' | 'repeating' | 'tiesTooLarge';

export class PagingError extends Error {
	override name = 'PagingError';

	constructor(
		message: string,
		readonly reason: PagingFailure,
	) {
		super(message);
	}
}

export const failWithPagingError = (reason: PagingFailure, message: string): never => {
	throw new PagingError(message, reason);
};

