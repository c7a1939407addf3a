import type { IDataObject } from 'n8n-workflow';

/** A record's identity: its `id` as text, or undefined without one. */
export const defaultId = (record: IDataObject): string | undefined =>
	record.id === undefined || record.id === null || record.id === '' ? undefined : String(record.id);

/**
 * The records not returned before, remembering them in `returned`; records
 * without an identity are always new.
 */
export function notReturnedYet(
	records: IDataObject[],
	returned: Set<string>,
	idOf: (record: IDataObject) => string | undefined = defaultId,
): IDataObject[] {
	return records.filter((record) => {
		const id = idOf(record);
		if (id === undefined) return true;
		if (returned.has(id)) return false;
		returned.add(id);
		return true;
	});
}
