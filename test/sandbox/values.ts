// Lenient readers for request values: Kapture examples send ids, numbers and
// booleans as strings, clients send them as numbers; both must work.

export type JsonObject = Record<string, unknown>;

// Module-level alias: called per stored order, and global lookups are slow under jest.
const { isArray } = Array;

export function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !isArray(value);
}

export function asObject(value: unknown): JsonObject {
	return isObject(value) ? value : {};
}

/** Text of a scalar, trimmed; '' for null/undefined/objects. */
export function text(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return '';
}

export function isBlank(value: unknown): boolean {
	if (Array.isArray(value)) return value.length === 0;
	return text(value) === '';
}

/** true for true, 'true' (any case), 1, '1'. */
export function truthy(value: unknown): boolean {
	if (value === true || value === 1) return true;
	const t = text(value).toLowerCase();
	return t === 'true' || t === '1';
}

/** A whole number from a number or numeric string; undefined when blank; NaN when not a whole number. */
export function wholeNumber(value: unknown): number | undefined {
	if (isBlank(value)) return undefined;
	const n = typeof value === 'number' ? value : Number(text(value));
	return Number.isInteger(n) ? n : NaN;
}

/** A finite number from a number or numeric string; undefined when blank or not numeric. */
export function decimal(value: unknown): number | undefined {
	if (isBlank(value)) return undefined;
	const n = typeof value === 'number' ? value : Number(text(value));
	return Number.isFinite(n) ? n : undefined;
}

/** Items of a comma-separated list (or an array), trimmed, blanks dropped. */
export function list(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map(text) : text(value).split(',');
	return parts.map((p) => p.trim()).filter((p) => p !== '');
}

export function digitsOnly(phone: string): string {
	return phone.replace(/\D+/g, '');
}

/** Shared by every stored record without extra fields; stored records are replaced, never mutated in place. */
export const EMPTY_RECORD: JsonObject = Object.freeze({}) as JsonObject;

/** A deep copy so stored data never aliases request bodies or test objects. */
export function copyRecord(value: unknown): JsonObject {
	if (!isObject(value) || Object.keys(value).length === 0) return EMPTY_RECORD;
	return structuredClone(value) as JsonObject;
}

/** A mutable deep copy for callers outside the store. */
export function exportRecord(value: JsonObject): JsonObject {
	return value === EMPTY_RECORD ? {} : (structuredClone(value) as JsonObject);
}
