import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	filtersCollection,
	PULL_FILTER_OPTIONS,
	PullFilterError,
	pullFiltersToBody,
	SEARCH_FILTER_NAMES,
} from '../../descriptions/pullFilters';
import { daysBetween } from '../../../shared/helpers/calendar';
import type { OperationOption } from '../../../shared/helpers/operations';
import { RequestScheduler } from '../../../shared/transport';
import { accountId } from '../../helpers/account';
import { errorItem } from '../../helpers/itemRunner';
import { pullPartnerPages, pullV1Pages } from '../../helpers/orderPages';
import { simplifyOrder } from '../../helpers/simplify';
import { asNodeError, Validator } from '../../helpers/validation';
import {
	apiParameter,
	DEFAULT_PAGE_SIZE,
	limitParameter,
	pageSizeOption,
	returnAllParameter,
	simplifyParameter,
	type KaptureApiChoice,
} from './fields/common';

export const option: OperationOption = {
	name: 'Get Many',
	value: 'pull',
	description: 'Get orders matching filters or created between two dates',
	action: 'Get many orders',
};

/** The longest partner range the node walks in one run (a year of days). */
export const MAX_PARTNER_RANGE_DAYS = 366;

const properties: INodeProperties[] = [
	apiParameter(
		'v1',
		'Search orders with any of the filters below (needs Account ID in the credential)',
		'Orders created (or changed) between two days',
	),
	{
		displayName: 'Start Date',
		name: 'startDate',
		type: 'dateTime',
		required: true,
		default: '',
		description:
			'First day to read orders from (in your Kapture account time zone). Ranges longer than a day are read one day at a time.',
		displayOptions: { show: { api: ['partner'] } },
	},
	{
		displayName: 'End Date',
		name: 'endDate',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'Last day to read orders from, included',
		displayOptions: { show: { api: ['partner'] } },
	},
	returnAllParameter,
	limitParameter,
	filtersCollection(
		PULL_FILTER_OPTIONS,
		'Kapture returns only orders matching all filters given. At least one filter is required (View ID and Sort By do not count).',
		{ displayOptions: { show: { api: ['v1'] } } },
	),
	simplifyParameter,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Enquiry ID',
				name: 'enquiryId',
				type: 'string',
				default: '',
				description: 'Only orders of this enquiry',
				displayOptions: { show: { '/api': ['partner'] } },
			},
			{
				displayName: 'Include History',
				name: 'includeHistory',
				type: 'boolean',
				default: false,
				description: "Whether Kapture should include each order's history",
				displayOptions: { show: { '/api': ['partner'] } },
			},
			pageSizeOption,
			{
				displayName: 'Sort on Modification Date',
				name: 'sortOnModificationDate',
				type: 'boolean',
				default: false,
				description:
					'Whether the dates select orders by when they were last changed instead of when they were created',
				displayOptions: { show: { '/api': ['partner'] } },
			},
		],
	},
];

const displayOptions = { show: { resource: ['order'], operation: ['pull'] } };

export const description = updateDisplayOptions(displayOptions, properties);

interface PullPlan {
	api: KaptureApiChoice;
	returnAll: boolean;
	limit: number;
	simplify: boolean;
	pageSize: number;
	filters?: IDataObject;
	start?: string;
	end?: string;
	extra?: IDataObject;
}

function plan(context: IExecuteFunctions, itemIndex: number, cmId: number | undefined): PullPlan {
	const v = new Validator(context.getNode(), itemIndex);
	const api = context.getNodeParameter('api', itemIndex, 'v1') as KaptureApiChoice;
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (v.number(context.getNodeParameter('limit', itemIndex, 50), 'Limit') ?? 50);
	if (!returnAll && (!Number.isInteger(limit) || limit < 1)) throw v.fail(`Limit must be a whole number of at least 1, got ${limit}`);
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const pageSize = v.number(options.pageSize, 'Page Size') ?? DEFAULT_PAGE_SIZE;
	if (!Number.isInteger(pageSize) || pageSize < 1) throw v.fail(`Page Size must be a whole number of at least 1, got ${pageSize}`);
	const simplify = context.getNodeParameter('simplify', itemIndex, true) as boolean;
	const base = { api, returnAll, limit, simplify, pageSize: Math.min(pageSize, limit) };

	if (api === 'v1') {
		let filters: IDataObject;
		try {
			filters = pullFiltersToBody(context.getNodeParameter('filters', itemIndex, {}) as IDataObject);
		} catch (error) {
			if (error instanceof PullFilterError) throw v.fail(error.message);
			throw asNodeError(context.getNode(), error, itemIndex);
		}
		if (!Object.keys(filters).some((name) => SEARCH_FILTER_NAMES.has(name))) {
			throw v.fail(
				'Filters: add at least one filter',
				'Kapture refuses to list orders without a filter: add for example Created After, Customer IDs or Order IDs (View ID and Sort By do not count).',
			);
		}
		return { ...base, filters: { cmId, ...filters } };
	}

	const start = v.date(context.getNodeParameter('startDate', itemIndex, ''), 'Start Date', 'day', true);
	const end = v.date(context.getNodeParameter('endDate', itemIndex, ''), 'End Date', 'day', true);
	const span = daysBetween(start, end);
	if (span < 0) throw v.fail(`End Date (${end}) is before Start Date (${start})`);
	if (span >= MAX_PARTNER_RANGE_DAYS) {
		throw v.fail(`The date range is ${span + 1} days long; read at most ${MAX_PARTNER_RANGE_DAYS} days per run`);
	}
	const extra: IDataObject = {
		sortOnModificationDate: String(options.sortOnModificationDate === true),
		includeHistory: String(options.includeHistory === true),
	};
	const enquiryId = v.id(options.enquiryId, 'Options > Enquiry ID');
	if (enquiryId) extra.enquiry_id = enquiryId;
	return { ...base, start, end, extra };
}

/**
 * One output item per order, read page by page. Every input item runs its
 * own search; their orders follow each other in input order. Pages overlap,
 * so an order that stays in the list while others join or leave it is
 * output exactly once (see readPages).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const continueOnFail = this.continueOnFail();
	const timeZone = this.getTimezone();
	const usesV1 = this.getNodeParameter('api', 0, 'v1') === 'v1';
	const cmId = usesV1 ? await accountId(this) : undefined;

	// Every item is checked before the first request.
	const plans: Array<PullPlan | Error> = items.map((_, itemIndex) => {
		try {
			return plan(this, itemIndex, cmId);
		} catch (error) {
			if (!continueOnFail) throw asNodeError(this.getNode(), error, itemIndex);
			return error as Error;
		}
	});

	const output: INodeExecutionData[] = [];
	const scheduler = new RequestScheduler(1);
	for (const [itemIndex, itemPlan] of plans.entries()) {
		if (itemPlan instanceof Error) {
			output.push(errorItem(itemPlan, itemIndex));
			continue;
		}
		const pageOptions = { itemIndex, scheduler, pageSize: itemPlan.pageSize, overlap: true };
		const pages =
			itemPlan.api === 'v1'
				? pullV1Pages.call(this, itemPlan.filters as IDataObject, pageOptions)
				: pullPartnerPages.call(
						this,
						itemPlan.start as string,
						itemPlan.end as string,
						itemPlan.extra as IDataObject,
						pageOptions,
					);
		const firstOutput = output.length;
		try {
			read: for await (const { records } of pages) {
				for (const order of records) {
					output.push({
						json: itemPlan.simplify ? simplifyOrder(order, timeZone) : order,
						pairedItem: { item: itemIndex },
					});
					if (output.length - firstOutput >= itemPlan.limit) break read;
				}
			}
		} catch (error) {
			if (!continueOnFail) throw asNodeError(this.getNode(), error, itemIndex);
			// Orders read before the failure are dropped: a partial list would look complete.
			output.length = firstOutput;
			output.push(errorItem(error as Error, itemIndex));
		}
	}
	return output;
}
