import type { INodeProperties } from 'n8n-workflow';

import { filtersCollection, PULL_FILTER_OPTIONS, TRIGGER_FILTER_NAMES } from '../descriptions/pullFilters';

export const DEFAULT_MAX_ORDERS_PER_POLL = 100;
export const DEFAULT_OVERLAP_MINUTES = 10;
export const DEFAULT_WATCH_DAYS = 7;
export const MAX_WATCH_DAYS = 30;

export type TriggerEvent = 'newOrder' | 'updatedOrder' | 'newOrUpdatedOrder';

/** Fields of an order a change trigger can watch: what Kapture's v1 pull returns with every order. */
export const WATCHABLE_FIELDS: Array<{ name: string; value: string }> = [
	{ name: 'Assignee', value: 'assignedToId' },
	{ name: 'Block', value: 'blockId' },
	{ name: 'Booking Amount', value: 'bookingAmount' },
	...Array.from({ length: 15 }, (_, i) => ({ name: `Custom Attribute ${i + 1}`, value: `attr${i + 1}` })),
	{ name: 'Delivery Status', value: 'deliveryStatus' },
	{ name: 'Delivery Sub-Status', value: 'deliverySubStatus' },
	{ name: 'Discount', value: 'discount' },
	{ name: 'Invoice Sent', value: 'invoiceSent' },
	{ name: 'Product Quantity', value: 'productQuantity' },
	{ name: 'Product Value', value: 'productValue' },
	{ name: 'Remarks', value: 'remarks' },
	{ name: 'Selling Price', value: 'sellingPrice' },
	{ name: 'Unit', value: 'unitId' },
	{ name: 'Zone', value: 'zoneId' },
].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));

const watchesChanges = { show: { event: ['updatedOrder', 'newOrUpdatedOrder'] } };

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
			{
				name: 'New or Updated Order',
				value: 'newOrUpdatedOrder',
				description: 'Fires for every new order, and once for every change to an order created in the watch window',
			},
			{
				name: 'Updated Order',
				value: 'updatedOrder',
				description: 'Fires once for every change to an order created in the watch window (creating an order is not a change)',
			},
		],
		default: 'newOrder',
	},
	{
		displayName: 'Only When These Fields Change',
		name: 'watchFields',
		type: 'multiOptions',
		options: WATCHABLE_FIELDS,
		default: [],
		displayOptions: watchesChanges,
		description:
			'Fire only when one of these fields changed; the item says which, with the old and new value, under "changes". Empty: any change to the order fires.',
	},
	{
		// Short enough to be shown whole in the editor (its longer label was cut after 35 characters).
		displayName: 'Watch Window (Days)',
		name: 'watchDays',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_WATCH_DAYS },
		default: DEFAULT_WATCH_DAYS,
		displayOptions: watchesChanges,
		description: `Watch orders created in the last this many days: changes are seen on those only. Every poll reads all of them, so on a busy account fewer days cost fewer requests. At most ${MAX_WATCH_DAYS}.`,
	},
	{
		displayName:
			'Kapture reports no changes by itself: every poll reads the orders created in the watch window and compares them with what it saw last time. A change to an older order does not fire.',
		name: 'watchNotice',
		type: 'notice',
		default: '',
		displayOptions: watchesChanges,
	},
	filtersCollection(
		PULL_FILTER_OPTIONS.filter((option) => TRIGGER_FILTER_NAMES.includes(option.name)),
		'Only orders that match every filter fire. Kapture applies them when the trigger reads the orders.',
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
