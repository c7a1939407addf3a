import type { INodeProperties } from 'n8n-workflow';

import { AUTOMATIC_START_REQUESTS, DEFAULT_PARALLEL_REQUESTS_CAP, MAX_PARALLEL_REQUESTS, SLOW_DOWN_ADAPT, SLOW_DOWN_WAIT_ONLY } from '../helpers/itemRunner';

/**
 * Parameters every vendor's node shows the same way, written once. `product`
 * is the vendor's name as the texts say it ("Kapture", "SourceHub").
 */

export function parallelRequestsOption(product: string): INodeProperties {
	return {
		displayName: 'Parallel Requests',
		name: 'parallelRequests',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_PARALLEL_REQUESTS },
		default: DEFAULT_PARALLEL_REQUESTS_CAP,
		description: `The most items sent to ${product} at the same time (1 to ${MAX_PARALLEL_REQUESTS}). Leave this option out and the node sets the pace itself: it starts with ${AUTOMATIC_START_REQUESTS}, sends more while ${product} answers quickly, and fewer as soon as ${product} asks to slow down or answers slowly. With it, the node never goes above your number and still slows down when asked. Output order is the same as with 1.`,
	};
}

/**
 * What a 429/503 asking to wait changes. Taking refusals at random (a proxy)
 * for a rate limit can slow a run down many times (docs/pace.md); a user who
 * knows that is the case can say so here.
 */
export function slowDownOption(product: string): INodeProperties {
	return {
		displayName: 'When Asked to Slow Down',
		name: 'slowDown',
		type: 'options',
		options: [
			{
				name: 'Find the Rate Limit and Keep Below It',
				value: SLOW_DOWN_ADAPT,
				description: `Wait as ${product} asks, send fewer requests at once, and when its 429s show a limit per second, keep just below it. Best against a rate limit: few 429s.`,
			},
			{
				name: 'Only Wait as Asked',
				value: SLOW_DOWN_WAIT_ONLY,
				description: `Wait as ${product} asks, then go on as before. For 429s that come at random whatever the pace (a proxy or gateway), where slowing down does not help and can make a run many times slower.`,
			},
		],
		default: SLOW_DOWN_ADAPT,
		// n8n refuses any other value an expression gives, naming the option, before the node runs.
		validateType: 'options',
		description: `What the node does when ${product} answers 429 (too many requests) or 503. Every request always waits out the pause ${product} asks for.`,
	};
}

/** The Options collection of an operation that sends one request per item: Parallel Requests, When Asked to Slow Down, plus `extra`. */
export function optionsCollection(product: string, extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [parallelRequestsOption(product), slowDownOption(product), ...extra].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

export const returnAllParameter: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitParameter: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};

/**
 * A numeric record ID, given "By ID", checked in the editor as it is typed.
 * The same kind of parameter wherever a name appears: n8n keeps a value when
 * the operation changes, so the types must agree.
 */
/** The editor's message for an ID with other characters than digits (the node checks it again). */
export function digitsOnlyMessage(displayName: string): string {
	return `${displayName} must contain digits only`;
}

export function idParameter(spec: {
	displayName: string;
	name: string;
	description: string;
	placeholder: string;
	extra?: Partial<INodeProperties>;
}): INodeProperties {
	return {
		displayName: spec.displayName,
		name: spec.name,
		type: 'resourceLocator',
		required: true,
		default: { mode: 'id', value: '' },
		description: spec.description,
		modes: [
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				placeholder: spec.placeholder,
				validation: [
					{
						type: 'regex',
						// Empty passes: `required` reports an empty ID, and some operations may leave it out.
						properties: { regex: '\\s*(\\d+\\s*)?', errorMessage: digitsOnlyMessage(spec.displayName) },
					},
				],
			},
		],
		...spec.extra,
	};
}
