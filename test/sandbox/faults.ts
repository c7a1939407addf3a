// Fault injection: a script (queue) of faults for the next matching requests,
// plus rate rules that hit matching requests with a seeded probability.

import { Prng } from './random';
import type { ApiName, FaultKind, FaultSpec } from './types';

const KINDS: readonly FaultKind[] = [
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
];

/** Faults that let the request through to the store and spoil only the answer. */
export const AFTER_STORING: ReadonlySet<FaultKind> = new Set(['serverErrorAfterStoring', 'resetAfterStoring', 'htmlAfterStoring']);

interface RateRule {
	rate: number;
	spec: FaultSpec;
	prng: Prng;
}

export function faultMatches(spec: FaultSpec, api: ApiName): boolean {
	if (spec.api === undefined) return api !== 'inspect';
	return Array.isArray(spec.api) ? spec.api.includes(api) : spec.api === api;
}

function validate(spec: FaultSpec): FaultSpec {
	if (!KINDS.includes(spec.kind)) throw new Error(`unknown fault kind '${String(spec.kind)}'`);
	return { ...spec };
}

export class FaultController {
	private queue: FaultSpec[] = [];
	private rules: RateRule[] = [];

	script(...faults: FaultSpec[]): void {
		this.queue.push(...faults.map(validate));
	}

	rate(rate: number, spec: FaultSpec, seed = 1): void {
		if (!(rate >= 0 && rate <= 1)) throw new Error(`fault rate must be within 0..1, got ${rate}`);
		this.rules.push({ rate, spec: validate(spec), prng: new Prng(seed) });
	}

	clear(): void {
		this.queue = [];
		this.rules = [];
	}

	/** The fault for one request, if any: scripted faults first, then rate rules in the order added. */
	take(api: ApiName): FaultSpec | undefined {
		const at = this.queue.findIndex((spec) => faultMatches(spec, api));
		if (at >= 0) return this.queue.splice(at, 1)[0];
		for (const rule of this.rules) {
			// Draw only for matching requests, so the sequence depends on nothing else.
			if (faultMatches(rule.spec, api) && rule.prng.next() < rule.rate) return rule.spec;
		}
		return undefined;
	}

	pending(): number {
		return this.queue.length;
	}
}
