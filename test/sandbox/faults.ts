// Fault injection: a script (queue) of faults for the next matching requests,
// plus rate rules that hit matching requests with a seeded probability.

import { Prng } from './random';
import type { ApiName, FaultKind, FaultSpec } from './types';

/** Every fault kind, so tests that go through all of them take a new one without a change. */
export const FAULT_KINDS: readonly FaultKind[] = [
	'rateLimit',
	'serverError',
	'unavailable',
	'reset',
	'slow',
	'failureBody',
	'html',
	'serverErrorAfterStoring',
	'resetAfterStoring',
	'htmlAfterStoring',
	'unavailableAfterStoring',
];

/** Faults that let the request through to the store and spoil only the answer. */
export const AFTER_STORING: ReadonlySet<FaultKind> = new Set([
	'serverErrorAfterStoring',
	'resetAfterStoring',
	'htmlAfterStoring',
	'unavailableAfterStoring',
]);

interface RateRule<Api extends string> {
	rate: number;
	spec: FaultSpec<Api>;
	prng: Prng;
}

export function faultMatches<Api extends string>(spec: FaultSpec<Api>, api: Api, rawBody = ''): boolean {
	if (spec.bodyIncludes !== undefined && !rawBody.includes(spec.bodyIncludes)) return false;
	if (spec.api === undefined) return api !== 'inspect';
	return Array.isArray(spec.api) ? spec.api.includes(api) : spec.api === api;
}

function validate<Api extends string>(spec: FaultSpec<Api>): FaultSpec<Api> {
	if (!FAULT_KINDS.includes(spec.kind)) throw new Error(`unknown fault kind '${String(spec.kind)}'`);
	return { ...spec };
}

/** One per sandbox; `Api` is that sandbox's API names. */
export class FaultController<Api extends string = ApiName> {
	private queue: FaultSpec<Api>[] = [];
	private rules: RateRule<Api>[] = [];

	script(...faults: FaultSpec<Api>[]): void {
		this.queue.push(...faults.map(validate));
	}

	rate(rate: number, spec: FaultSpec<Api>, seed = 1): void {
		if (!(rate >= 0 && rate <= 1)) throw new Error(`fault rate must be within 0..1, got ${rate}`);
		this.rules.push({ rate, spec: validate(spec), prng: new Prng(seed) });
	}

	clear(): void {
		this.queue = [];
		this.rules = [];
	}

	/** The fault for one request, if any: scripted faults first, then rate rules in the order added. */
	take(api: Api, rawBody = ''): FaultSpec<Api> | undefined {
		const at = this.queue.findIndex((spec) => faultMatches(spec, api, rawBody));
		if (at >= 0) return this.queue.splice(at, 1)[0];
		for (const rule of this.rules) {
			// Draw only for matching requests, so the sequence depends on nothing else.
			if (faultMatches(rule.spec, api, rawBody) && rule.prng.next() < rule.rate) return rule.spec;
		}
		return undefined;
	}

	pending(): number {
		return this.queue.length;
	}
}
