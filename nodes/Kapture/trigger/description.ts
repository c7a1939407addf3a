import type { INodeProperties } from 'n8n-workflow';

import { filtersCollection, PULL_FILTER_OPTIONS, TRIGGER_FILTER_NAMES } from '../descriptions/pullFilters';

export const DEFAULT_MAX_ORDERS_PER_POLL = 100;
export const DEFAULT_OVERLAP_MINUTES = 10;

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Trigger On',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'New Order',
				value: 'newOrder',
				description: 'Fires once for every order created in Kapture after the workflow is activated',
			},
		],
		default: 'newOrder',
	},
	filtersCollection(
		PULL_FILTER_OPTIONS.filter((option) => TRIGGER_FILTER_NAMES.includes(option.name)),
		'Only new orders that match every filter fire. Kapture applies them when the trigger reads the orders.',
	),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Orders From the Last',
				name: 'lookback',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'On first activation, also fire for orders created this long before the newest order in Kapture. 0 starts with the next new order.',
			},
			{
				displayName: 'Include Orders From the Last (Unit)',
				name: 'lookbackUnit',
				type: 'options',
				options: [
					{ name: 'Hours', value: 'hours' },
					{ name: 'Days', value: 'days' },
				],
				default: 'hours',
				description: 'Unit of "Include Orders From the Last"',
			},
			{
				displayName: 'Max Orders per Poll',
				name: 'maxOrdersPerPoll',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10000 },
				default: DEFAULT_MAX_ORDERS_PER_POLL,
				description:
					'Most orders one poll emits, oldest first. Orders over the limit are not dropped: the next polls emit them.',
			},
			{
				displayName: 'Overlap Window (Minutes)',
				name: 'overlapMinutes',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1440 },
				default: DEFAULT_OVERLAP_MINUTES,
				description:
					'How far back each poll looks again for orders that became visible late or were dated in the past. Orders already emitted are remembered and never fire twice. Larger values cost more requests per poll on busy accounts.',
			},
		],
	},
];
