/**
 * Workflow static data helpers.
 *
 * n8n's `Workflow` wraps the static data object it is given IN PLACE with
 * `ObservableObject` proxies: the top-level object stays the same object (it gains a
 * non-enumerable `__dataChanged` flag), but every nested object in it is replaced by a
 * Proxy, and `getStaticData('node', node)` stores a new Proxy at `node:<name>`.
 * Proxies cannot go through `structuredClone`, so after a run/poll the harness swaps
 * them back for plain deep copies (`replaceProxiesInPlace`).
 */
import type { IDataObject } from 'n8n-workflow';

function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
	if (Array.isArray(value)) return true;
	if (value === null || typeof value !== 'object') return false;
	const proto = Object.getPrototypeOf(value) as unknown;
	return proto === Object.prototype || proto === null;
}

/** Deep copy of plain objects and arrays (Dates are copied, other objects kept as they are). */
export function plainCopy<T>(value: T): T {
	if (value instanceof Date) return new Date(value.getTime()) as T;
	if (Array.isArray(value)) return value.map((entry) => plainCopy(entry) as unknown) as T;
	if (isPlainContainer(value)) {
		const copy: Record<string, unknown> = {};
		for (const key of Object.keys(value)) copy[key] = plainCopy((value as Record<string, unknown>)[key]);
		return copy as T;
	}
	return value;
}

/** Replaces every nested object of `target` by a plain deep copy; `target` itself stays. */
export function replaceProxiesInPlace(target: IDataObject): IDataObject {
	for (const key of Object.keys(target)) {
		const value = target[key];
		if (value !== null && typeof value === 'object') target[key] = plainCopy(value);
	}
	return target;
}

/** n8n's `__dataChanged` flag on (the proxy around) a static data object. */
export function staticDataChanged(staticData: IDataObject): boolean {
	return (staticData as { __dataChanged?: boolean }).__dataChanged === true;
}

/** The key n8n keeps a node's static data under in the workflow's static data. */
export function nodeStaticDataKey(nodeName: string): string {
	return `node:${nodeName}`;
}
