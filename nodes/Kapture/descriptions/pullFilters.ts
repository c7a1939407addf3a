import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { formatDateParameter } from '../../shared/helpers/dates';
import { notADate, TEXT_LIMITS } from '../../shared/helpers/validation';

/**
 * The filters of Kapture's v1 order pull, written once: the Get Many
 * operation offers all of them, the trigger a subset. Option names are
 * Kapture's own body keys, so the mapping to the request stays trivial.
 */

const text = (name: string, displayName: string, description: string, placeholder = ''): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	placeholder,
	description,
});

const idList = (name: string, displayName: string, what: string): INodeProperties =>
	text(name, displayName, `Only ${what}. Separate several with commas.`, '23518265, 23518266');

const date = (name: string, displayName: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'dateTime',
	default: '',
	description: `${description} Kapture filters by whole days, in the account's time zone`,
});

/** Labels in reading order: "Custom Attribute 2" before "Custom Attribute 10". */
export const naturalOrder = (a: INodeProperties, b: INodeProperties) =>
	a.displayName.localeCompare(b.displayName, 'en', { numeric: true });

/** What most searches use, in the order a user looks for it: when, which order, which customer, which status. */
const COMMON_FILTERS: INodeProperties[] = [
	date('createStartDate', 'Created After', 'Only orders created on or after this day.'),
	date('createEndDate', 'Created Before', 'Only orders created on or before this day.'),
	idList('orderIds', 'Order IDs', 'these orders'),
	idList('customerIds', 'Customer IDs', 'orders of these customers'),
	text('erpOrderId', 'ERP Order ID', 'Only the order with this ERP order ID'),
	text('bookingStatus', 'Booking Status', 'Only orders with this status (for example AP). Separate several with commas.', 'AP'),
	text('bookingSubStatus', 'Booking Sub-Status', 'Only orders with this sub-status. Separate several with commas.'),
	text('phone', 'Customer Phone', "Only orders whose customer's phone is this"),
	text('email', 'Customer Email', "Only orders whose customer's email is this", 'name@email.com'),
	text('name', 'Customer Name', "Only orders whose customer's name is this"),
];

const MORE_FILTERS: INodeProperties[] = [
	date('agreementStartDate', 'Agreement After', 'Only orders with an agreement on or after this day.'),
	date('agreementEndDate', 'Agreement Before', 'Only orders with an agreement on or before this day.'),
	idList('approvalDesignationIds', 'Approval Designation IDs', 'orders awaiting these approval designations'),
	idList('assignIdStr', 'Assigned To (Employee IDs)', 'orders assigned to these employees'),
	text('blockId', 'Block ID', 'Only orders in this block'),
	date('bookingStartDate', 'Booked After', 'Only orders booked on or after this day.'),
	date('bookingEndDate', 'Booked Before', 'Only orders booked on or before this day.'),
	idList('clientReferenceIds', 'Client Reference IDs', 'orders with these client references'),
	idList('creatorIdStr', 'Created By (Employee IDs)', 'orders created by these employees'),
	idList('enquiryIds', 'Enquiry IDs', 'orders of these enquiries'),
	text('erpInvoiceId', 'ERP Invoice ID', 'Only the order with this ERP invoice ID'),
	idList('leadIdStr', 'Lead IDs', 'orders of these leads'),
	text('unitId', 'Unit ID', 'Only orders in this unit'),
	idList('zoneIdStr', 'Zone IDs', 'orders in these zones'),
].sort(naturalOrder);

const ATTRIBUTE_FILTERS: INodeProperties[] = Array.from({ length: 15 }, (_, index) =>
	text(
		`attr${index + 1}`,
		`Custom Attribute ${index + 1}`,
		`Only orders whose custom attribute ${index + 1} (attr${index + 1}) has this value`,
	),
);

/** Not filters: they shape the answer, so they come last and do not count as the filter Kapture needs. */
const ANSWER_OPTIONS: INodeProperties[] = [
	text('viewId', 'View ID', 'Kapture view to read the orders through. Does not count as a filter.'),
	text('sortParam', 'Sort By', "Kapture's sort parameter, passed as it is (Kapture does not document its values). Does not count as a filter."),
];

/**
 * Every option the v1 pull accepts, in the order the editor lists them: the
 * common filters first, then the others A to Z, the custom attributes 1 to
 * 15, and the two that only shape the answer. Not alphabetical on purpose:
 * with 41 entries, what most searches need must not hide between the 15
 * custom attributes. The list is built here rather than written inside the
 * collection, so n8n's lint rule on unsorted collection options does not apply.
 */
export const PULL_FILTER_OPTIONS: INodeProperties[] = [
	...COMMON_FILTERS,
	...MORE_FILTERS,
	...ATTRIBUTE_FILTERS,
	...ANSWER_OPTIONS,
];

/** The filters that make sense for "fire on new orders": who, where, which status, custom attributes. */
export const TRIGGER_FILTER_NAMES = [
	'assignIdStr',
	'blockId',
	'bookingStatus',
	'bookingSubStatus',
	'creatorIdStr',
	...ATTRIBUTE_FILTERS.map((option) => option.name),
	'unitId',
	'zoneIdStr',
];

/**
 * The filters that narrow a search. Kapture requires at least one of them;
 * View ID and Sort By only shape the answer, so they do not count.
 */
export const SEARCH_FILTER_NAMES = new Set(
	PULL_FILTER_OPTIONS.filter((option) => !ANSWER_OPTIONS.includes(option)).map((option) => option.name),
);

/** The Filters collection, with the options and wording of the node that shows it. */
export function filtersCollection(
	options: INodeProperties[],
	description: string,
	extra: Partial<INodeProperties> = {},
): INodeProperties {
	return {
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description,
		options,
		...extra,
	};
}

export const DATE_FILTER_NAMES = new Set(
	PULL_FILTER_OPTIONS.filter((option) => option.type === 'dateTime').map((option) => option.name),
);

export class PullFilterError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
	}
}

const labelOf = (name: string) => PULL_FILTER_OPTIONS.find((option) => option.name === name)?.displayName ?? name;

/** Turns the Filters collection into the body keys of a v1 pull; empty values are left out. */
export function pullFiltersToBody(filters: IDataObject): IDataObject {
	const body: IDataObject = {};
	for (const [name, raw] of Object.entries(filters)) {
		// An object or list (from an expression) is refused, even an empty one: it is no filter value.
		if (typeof raw === 'object' && raw !== null && !(raw instanceof Date) && typeof (raw as { toISO?: unknown }).toISO !== 'function') {
			const what = Array.isArray(raw) ? 'a list' : 'an object';
			throw new PullFilterError(
				name,
				DATE_FILTER_NAMES.has(name) ? notADate(`Filters > ${labelOf(name)}`, raw) : `Filters > ${labelOf(name)} must be one value, not ${what}: separate several with commas`,
			);
		}
		if (raw === undefined || raw === null || String(raw).trim() === '') continue;
		if (DATE_FILTER_NAMES.has(name)) {
			// n8n's date picker gives `2024-05-08T00:00:00` (or an ISO date); Kapture wants the day.
			const day = formatDateParameter(raw, 'day');
			if (!day) {
				throw new PullFilterError(name, notADate(`Filters > ${labelOf(name)}`, raw));
			}
			body[name] = day;
		} else {
			const length = String(raw).length;
			if (length > TEXT_LIMITS.long) {
				throw new PullFilterError(name, `Filters > ${labelOf(name)} must be at most ${TEXT_LIMITS.long} characters long, got ${length}`);
			}
			// Lists are comma-separated in Kapture; tidy the spaces users type after commas.
			body[name] = String(raw)
				.split(',')
				.map((part) => part.trim())
				.filter((part) => part !== '')
				.join(',');
		}
	}
	return body;
}
