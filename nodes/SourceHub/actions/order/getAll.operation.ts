import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { limitParameter, returnAllParameter } from '../../../shared/descriptions/common';
import { runListPerItem } from '../../../shared/helpers/itemRunner';
import type { OperationOption } from '../../../shared/helpers/operations';
import { Validator } from '../../../shared/helpers/validation';
import { customerPhone, dateRangeQuery } from '../../helpers/inputs';
import { listOrderPages, MAX_PAGE_SIZE } from '../../helpers/orderPages';
import { simplifyOrder } from '../../helpers/simplify';
import { simplifyParameter } from '../fields';

export const option: OperationOption = {
	name: 'Get Many',
	value: 'getAll',
	description: "List a customer's orders by phone number, optionally between two days",
	action: 'Get many orders',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Customer Phone',
		name: 'customerPhone',
		type: 'string',
		required: true,
		default: '',
		placeholder: '9163367906',
		description: "The customer's phone number as SourceHub has it; sent as typed",
	},
	returnAllParameter,
	limitParameter,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'From Date',
				name: 'fromDate',
				type: 'dateTime',
				default: '',
				description: 'Only orders of this day or later (the day as picked, sent as dd-mm-yyyy)',
			},
			{
				displayName: 'To Date',
				name: 'toDate',
				type: 'dateTime',
				default: '',
				description: 'Only orders of this day or earlier (included, sent as dd-mm-yyyy)',
			},
		],
	},
	simplifyParameter('orders'),
];

export const description = updateDisplayOptions({ show: { resource: ['order'], operation: ['getAll'] } }, properties);

export interface GetManyParameters {
	/** `phone_number` and the optional dates: the query of every page. */
	query: IDataObject;
	/** Infinity with Return All. */
	limit: number;
	simplify: boolean;
}

export function readParameters(context: IExecuteFunctions, itemIndex: number): GetManyParameters {
	const v = new Validator(context.getNode(), itemIndex);
	const phone = customerPhone(v, context.getNodeParameter('customerPhone', itemIndex, ''));
	const filters = context.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const dates = dateRangeQuery(v, filters.fromDate, filters.toDate);
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	let limit = Infinity;
	if (!returnAll) {
		limit = v.number(context.getNodeParameter('limit', itemIndex, 50), 'Limit') ?? 50;
		if (!Number.isInteger(limit) || limit < 1) throw v.fail(`Limit must be a whole number of at least 1, got ${limit}`);
	}
	return {
		query: { phone_number: phone, ...dates },
		limit,
		simplify: context.getNodeParameter('simplify', itemIndex, true) as boolean,
	};
}

/**
 * One output item per order. Every input item lists its own customer's
 * orders; pages overlap, so an order that stays in the list while others
 * join it is output exactly once (see readPages).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runListPerItem(this, {
		prepare: (itemIndex) => readParameters(this, itemIndex),
		limit: ({ limit }) => limit,
		pages: ({ query, limit }, itemIndex, scheduler) =>
			listOrderPages.call(this, query, { itemIndex, scheduler, pageSize: Math.min(MAX_PAGE_SIZE, limit), overlap: true }),
		output: (order, { simplify }) => (simplify ? simplifyOrder(order) : order),
	});
}
