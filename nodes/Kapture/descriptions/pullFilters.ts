import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { formatKaptureDate } from '../helpers/dates';
import { TEXT_LIMITS } from '../helpers/validation';

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

const ATTRIBUTE_FILTERS: INodeProperties[] = Array.from({ length: 15 }, (_, index) =>
	text(
		`attr${index + 1}`,
		`Custom Attribute ${index + 1}`,
		`Only orders whose custom attribute ${index + 1} (attr${index + 1}) has this value`,
	),
);

/** Every filter the v1 pull accepts, sorted by label as n8n lists collection options. */
export const PULL_FILTER_OPTIONS: INodeProperties[] = [
	idList('approvalDesignationIds', 'Approval Designation IDs', 'orders awaiting these approval designations'),
	idList('assignIdStr', 'Assigned To (Employee IDs)', 'orders assigned to these employees'),
	text('blockId', 'Block ID', 'Only orders in this block'),
	text('bookingStatus', 'Booking Status', 'Only orders with this status (for example AP). Separate several with commas.', 'AP'),
	text('bookingSubStatus', 'Booking Sub-Status', 'Only orders with this sub-status. Separate several with commas.'),
	date('bookingEndDate', 'Booked Before', 'Only orders booked on or before this day.'),
	date('bookingStartDate', 'Booked After', 'Only orders booked on or after this day.'),
	idList('clientReferenceIds', 'Client Reference IDs', 'orders with these client references'),
	date('createEndDate', 'Created Before', 'Only orders created on or before this day.'),
	date('createStartDate', 'Created After', 'Only orders created on or after this day.'),
	idList('creatorIdStr', 'Created By (Employee IDs)', 'orders created by these employees'),
	...ATTRIBUTE_FILTERS,
	idList('customerIds', 'Customer IDs', 'orders of these customers'),
	text('email', 'Customer Email', "Only orders whose customer's email is this", 'name@email.com'),
	text('name', 'Customer Name', "Only orders whose customer's name is this"),
	text('phone', 'Customer Phone', "Only orders whose customer's phone is this"),
	date('agreementEndDate', 'Agreement Before', 'Only orders with an agreement on or before this day.'),
	date('agreementStartDate', 'Agreement After', 'Only orders with an agreement on or after this day.'),
	idList('enquiryIds', 'Enquiry IDs', 'orders of these enquiries'),
	text('erpInvoiceId', 'ERP Invoice ID', 'Only the order with this ERP invoice ID'),
	text('erpOrderId', 'ERP Order ID', 'Only the order with this ERP order ID'),
	idList('leadIdStr', 'Lead IDs', 'orders of these leads'),
	idList('orderIds', 'Order IDs', 'these orders'),
	text('sortParam', 'Sort By', "Kapture's sort parameter, passed as it is (Kapture does not document its values)"),
	text('unitId', 'Unit ID', 'Only orders in this unit'),
	text('viewId', 'View ID', 'Kapture view to read the orders through'),
	idList('zoneIdStr', 'Zone IDs', 'orders in these zones'),
].sort((a, b) => a.displayName.localeCompare(b.displayName));

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
	PULL_FILTER_OPTIONS.map((option) => option.name).filter((name) => name !== 'viewId' && name !== 'sortParam'),
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
		if (raw === undefined || raw === null || String(raw).trim() === '') continue;
		if (DATE_FILTER_NAMES.has(name)) {
			// n8n's date picker gives `2024-05-08T00:00:00` (or an ISO date); Kapture wants the day.
			const day = formatKaptureDate(raw, 'day');
			if (!day) {
				throw new PullFilterError(name, `Filters > ${labelOf(name)} is not a valid date, got "${String(raw).slice(0, 60)}"`);
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
