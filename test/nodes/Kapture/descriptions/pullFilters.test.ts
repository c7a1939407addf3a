import type { INodeProperties } from 'n8n-workflow';

import {
	PULL_FILTER_OPTIONS,
	SEARCH_FILTER_NAMES,
	TRIGGER_FILTER_NAMES,
} from '../../../../nodes/Kapture/descriptions/pullFilters';
import { KaptureOrder } from '../../../../nodes/Kapture/KaptureOrder.node';
import { KaptureOrderTrigger } from '../../../../nodes/Kapture/KaptureOrderTrigger.node';

const ATTRIBUTES = Array.from({ length: 15 }, (_, index) => `Custom Attribute ${index + 1}`);

/** The Filters list as the editor shows it (n8n keeps the order of the options). */
const FILTERS_IN_ORDER = [
	// the ones most searches use
	'Created After',
	'Created Before',
	'Order IDs',
	'Customer IDs',
	'ERP Order ID',
	'Booking Status',
	'Booking Sub-Status',
	'Customer Phone',
	'Customer Email',
	'Customer Name',
	// the others, A to Z
	'Agreement After',
	'Agreement Before',
	'Approval Designation IDs',
	'Assigned To (Employee IDs)',
	'Block ID',
	'Booked After',
	'Booked Before',
	'Client Reference IDs',
	'Created By (Employee IDs)',
	'Enquiry IDs',
	'ERP Invoice ID',
	'Lead IDs',
	'Unit ID',
	'Zone IDs',
	...ATTRIBUTES,
	// not filters: they only shape the answer
	'View ID',
	'Sort By',
];

function filtersOf(properties: INodeProperties[]): string[][] {
	return properties
		.filter((property) => property.name === 'filters')
		.map((filters) => (filters.options as INodeProperties[]).map((option) => option.displayName));
}

describe('the Filters list', () => {
	it('lists the common filters first, then the others A to Z, custom attributes 1 to 15, View ID and Sort By', () => {
		expect(PULL_FILTER_OPTIONS.map((option) => option.displayName)).toEqual(FILTERS_IN_ORDER);
		expect(new Set(PULL_FILTER_OPTIONS.map((option) => option.name)).size).toBe(41);
	});

	it('is what Get Many shows', () => {
		expect(filtersOf(new KaptureOrder().description.properties)).toEqual([FILTERS_IN_ORDER]);
	});

	it("gives the trigger its subset in the same order, custom attributes in numeric order", () => {
		const [trigger] = filtersOf(new KaptureOrderTrigger().description.properties);
		expect(trigger).toEqual(FILTERS_IN_ORDER.filter((label) => trigger.includes(label)));
		expect(trigger).toHaveLength(TRIGGER_FILTER_NAMES.length);
		expect(trigger.slice(0, 2)).toEqual(['Booking Status', 'Booking Sub-Status']);
		expect(trigger.slice(-15)).toEqual(ATTRIBUTES);
	});

	it('counts every option but View ID and Sort By as the filter Kapture needs', () => {
		expect([...SEARCH_FILTER_NAMES]).toHaveLength(39);
		expect(SEARCH_FILTER_NAMES.has('viewId')).toBe(false);
		expect(SEARCH_FILTER_NAMES.has('sortParam')).toBe(false);
		expect(SEARCH_FILTER_NAMES.has('attr10')).toBe(true);
	});
});
