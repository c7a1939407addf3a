// Bounds that bound: every field of both nodes that has a bound (length,
// digits, a date, a number), given every type of value an expression can
// produce, just under, at and over the bound, and dates with junk around
// them, 12-hour times and impossible days. What is over the bound is refused
// before any request reaches the sandbox (its request log stays empty), with
// a message that starts with the field; what is within it is sent.
//
// One matrix: the rows come from the field descriptions themselves (a new
// field in v1Fields.ts, partnerFields.ts or the pull filters joins by being
// described there), plus a row per field read outside them.

import type { IDataObject } from 'n8n-workflow';

import { PULL_FILTER_OPTIONS, pullFiltersToBody, TRIGGER_FILTER_NAMES } from '../../../../nodes/Kapture/descriptions/pullFilters';
import type { FieldSpec } from '../../../../nodes/Kapture/actions/order/fields/fieldSpec';
import { PARTNER_ORDER_FIELDS, PRODUCT_FIELDS } from '../../../../nodes/Kapture/actions/order/fields/partnerFields';
import { CONTACT_FIELDS, CUSTOMER_FIELDS, ENQUIRY_FIELDS, ORDER_FIELDS } from '../../../../nodes/Kapture/actions/order/fields/v1Fields';
import type { DateFormat } from '../../../../nodes/shared/helpers/dates';
import { MAX_ID_DIGITS, TEXT_LIMITS, type TextLimit } from '../../../../nodes/shared/helpers/validation';
import type { RunResult } from '../../../helpers/engine';
import { setup as kaptureSetup, type Harness as KaptureHarness } from '../../Kapture/actions/order/setup';
import { setup as sourceHubSetup, type Harness as SourceHubHarness } from '../../SourceHub/setup';

type Bound = { kind: 'text'; limit: TextLimit } | { kind: 'email' | 'id' | 'number' | 'keyValue' | 'digitsPhone' } | { kind: DateFormat };

interface Row {
	node: 'kapture' | 'sourcehub';
	/** How the error message starts: the field as the editor shows it. */
	label: string;
	bound: Bound;
	/** The node's parameters, with `value` (an expression reading the item) where the field goes. */
	parameters(value: string): IDataObject;
}

const V = '={{ $json.v }}';
const customer = { customerName: 'Echo', phone: '9000000000' };

/** Rows of one block of FieldSpecs: each field with a bound, in the parameters `place` puts it in. */
function specRows(specs: FieldSpec[], group: string, place: (spec: FieldSpec, value: unknown) => IDataObject): Row[] {
	return specs.flatMap((spec): Row[] => {
		if (spec.kind === 'boolean') return [];
		const label = `${group} > ${spec.displayName}`;
		if (spec.kind === 'keyValue') {
			return [
				{ node: 'kapture', label: `${label} > custom_1`, bound: { kind: 'keyValue' }, parameters: (value) => place(spec, { field: [{ name: 'custom_1', value }] }) },
				{ node: 'kapture', label: `${label} > Name`, bound: { kind: 'text', limit: 'short' }, parameters: (value) => place(spec, { field: [{ name: value, value: 'x' }] }) },
			];
		}
		const bound: Bound =
			spec.kind === undefined || spec.kind === 'text' ? { kind: 'text', limit: spec.limit ?? 'short' } : ({ kind: spec.kind } as Bound);
		return [{ node: 'kapture', label, bound, parameters: (value) => place(spec, value) }];
	});
}

const v1Add = (extra: IDataObject): IDataObject => ({ operation: 'add', api: 'v1', ...customer, ...extra });
const partnerAdd = (extra: IDataObject): IDataObject => ({ operation: 'add', api: 'partner', ...customer, ...extra });
const pay = (extra: IDataObject): IDataObject => ({ operation: 'pay', orderId: '1', customerId: '2', amount: 5, paymentMode: 'cash', ...extra });

const ROWS: Row[] = [
	...specRows(CUSTOMER_FIELDS, 'Customer Fields', (spec, value) => v1Add({ customerFields: { [spec.name]: value } })),
	...specRows(CONTACT_FIELDS, 'Contacts > Contact 1', (spec, value) => v1Add({ contacts: { contact: [{ [spec.name]: value }] } })),
	...specRows(ENQUIRY_FIELDS, 'Enquiry Fields', (spec, value) => v1Add({ enquiryFields: { [spec.name]: value } })),
	...specRows(ORDER_FIELDS, 'Order Fields', (spec, value) => v1Add({ orderFields: { [spec.name]: value } })),
	...specRows(PARTNER_ORDER_FIELDS, 'Order Fields', (spec, value) => partnerAdd({ partnerFields: { [spec.name]: value } })),
	...specRows(PRODUCT_FIELDS, 'Products > Product 1', (spec, value) => partnerAdd({ products: { product: [{ [spec.name]: value }] } })),
	// Up-front fields.
	{ node: 'kapture', label: 'Customer Name', bound: { kind: 'text', limit: 'short' }, parameters: (value) => v1Add({ customerName: value }) },
	{ node: 'kapture', label: 'Phone', bound: { kind: 'text', limit: 'phone' }, parameters: (value) => v1Add({ phone: value }) },
	{ node: 'kapture', label: 'Email', bound: { kind: 'email' }, parameters: (value) => v1Add({ email: value }) },
	{ node: 'kapture', label: 'Order ID', bound: { kind: 'id' }, parameters: (value) => ({ operation: 'update', api: 'v1', ...customer, orderId: value }) },
	{ node: 'kapture', label: 'Order ID', bound: { kind: 'id' }, parameters: (value) => ({ operation: 'get', api: 'partner', orderId: value }) },
	// Add Payment.
	{ node: 'kapture', label: 'Order ID', bound: { kind: 'id' }, parameters: (value) => pay({ orderId: value }) },
	{ node: 'kapture', label: 'Customer ID', bound: { kind: 'id' }, parameters: (value) => pay({ customerId: value }) },
	{ node: 'kapture', label: 'Payment ID', bound: { kind: 'text', limit: 'short' }, parameters: (value) => pay({ paymentId: value }) },
	{ node: 'kapture', label: 'Amount', bound: { kind: 'number' }, parameters: (value) => pay({ amount: value }) },
	{ node: 'kapture', label: 'ERP Order ID', bound: { kind: 'text', limit: 'short' }, parameters: (value) => pay({ erpOrderId: value }) },
	{ node: 'kapture', label: 'Remarks', bound: { kind: 'text', limit: 'long' }, parameters: (value) => pay({ remarks: value }) },
	{ node: 'kapture', label: 'Cheque Number', bound: { kind: 'text', limit: 'short' }, parameters: (value) => pay({ paymentMode: 'cheque', chequeNumber: value }) },
	{ node: 'kapture', label: 'Cheque Date', bound: { kind: 'day' }, parameters: (value) => pay({ paymentMode: 'cheque', chequeDate: value }) },
	{ node: 'kapture', label: 'Bank Name', bound: { kind: 'text', limit: 'short' }, parameters: (value) => pay({ paymentMode: 'cheque', bankName: value }) },
	// Get Many: every v1 filter (Order IDs beside it, so there is always a filter that counts), and the partner dates.
	...PULL_FILTER_OPTIONS.map(
		(option): Row => ({
			node: 'kapture',
			label: `Filters > ${option.displayName}`,
			bound: option.type === 'dateTime' ? { kind: 'day' } : { kind: 'text', limit: 'long' },
			parameters: (value) => ({ operation: 'pull', api: 'v1', returnAll: false, limit: 1, filters: { ...(option.name === 'orderIds' ? {} : { orderIds: '1' }), [option.name]: value } }),
		}),
	),
	{ node: 'kapture', label: 'Start Date', bound: { kind: 'day' }, parameters: (value) => ({ operation: 'pull', api: 'partner', startDate: value, endDate: '2024-05-09', returnAll: false, limit: 1 }) },
	{ node: 'kapture', label: 'End Date', bound: { kind: 'day' }, parameters: (value) => ({ operation: 'pull', api: 'partner', startDate: '2024-05-07', endDate: value, returnAll: false, limit: 1 }) },
	// SourceHub.
	{ node: 'sourcehub', label: 'Customer ID', bound: { kind: 'id' }, parameters: (value) => ({ resource: 'order', operation: 'create', customerId: value }) },
	{ node: 'sourcehub', label: 'Order ID', bound: { kind: 'id' }, parameters: (value) => ({ resource: 'order', operation: 'get', orderId: value }) },
	{ node: 'sourcehub', label: 'Customer ID', bound: { kind: 'id' }, parameters: (value) => ({ resource: 'cart', operation: 'get', customerId: value }) },
	{ node: 'sourcehub', label: 'Customer Phone', bound: { kind: 'digitsPhone' }, parameters: (value) => ({ resource: 'order', operation: 'getAll', customerPhone: value, returnAll: false, limit: 1 }) },
	{ node: 'sourcehub', label: 'Filters > From Date', bound: { kind: 'day' }, parameters: (value) => ({ resource: 'order', operation: 'getAll', customerPhone: '9163367906', filters: { fromDate: value } }) },
	{ node: 'sourcehub', label: 'Filters > To Date', bound: { kind: 'day' }, parameters: (value) => ({ resource: 'order', operation: 'getAll', customerPhone: '9163367906', filters: { toDate: value } }) },
];

/** Values of every type an expression gives, over a length: [within the bound, over it]. A number or boolean is no email or phone. */
function textValues(limit: number, make: (length: number) => string, anyText = true): [unknown[], unknown[]] {
	const scalars = [7, true];
	return [
		[make(limit - 1), make(limit), ...(anyText ? scalars : [])],
		[make(limit + 1), make(limit * 3), { a: 'x' }, ['x'], { nested: { deeper: [make(limit + 1)] } }, [{}], {}, [], ...(anyText ? [] : scalars)],
	];
}

const DATE_BASE = '2024-05-08';
/** Dates that are real, whole, and written as n8n and people write them. */
const GOOD_DATES = [DATE_BASE, `${DATE_BASE}T10:30:00`, `${DATE_BASE}T10:30:00.000+05:30`, `${DATE_BASE} 22:30`, '2024-5-8', `${DATE_BASE}T09:05:07Z`, new Date(Date.UTC(2024, 4, 8, 10, 30)).toISOString()];
/** Junk after, junk before, 12-hour clocks, impossible days and times, other types: generated around one real date. */
const BAD_DATES: unknown[] = [
	...[' 10:30 PM', 'T10:30 pm', ' 10:30 a.m.', '1', ' junk', 'T10:30:00 IST', 'T10:30:00+5', 'T10', 'Z', '.5', '/2024'].map((suffix) => `${DATE_BASE}${suffix}`),
	...['x', 'on ', '08/', '+'].map((prefix) => `${prefix}${DATE_BASE}`),
	'2024-02-30', '2023-02-29', '2024-13-01', '0000-00-00', `${DATE_BASE}T24:00`, `${DATE_BASE}T10:60`, `${DATE_BASE} 25:00:00`, '08-05-2024', '05/08/2024', 'tomorrow',
	{}, [], [DATE_BASE], { date: DATE_BASE }, true, 1715150000000,
];

function valuesFor(bound: Bound): [unknown[], unknown[]] {
	switch (bound.kind) {
		case 'text':
			return textValues(TEXT_LIMITS[bound.limit], (length) => 'x'.repeat(length));
		case 'email':
			return textValues(TEXT_LIMITS.email, (length) => `${'a'.repeat(length - 6)}@b.com`, false);
		case 'digitsPhone': {
			// A phone given as a number is still a phone; a boolean is not.
			const [within, over] = textValues(TEXT_LIMITS.phone, (length) => '9'.repeat(length), false);
			return [[...within, 9163367906], over.filter((value) => value !== 7)];
		}
		case 'id':
			return [
				['9'.repeat(MAX_ID_DIGITS - 1), '9'.repeat(MAX_ID_DIGITS), 42],
				['9'.repeat(MAX_ID_DIGITS + 1), '12a', { id: 1 }, [1], true, { nested: { id: '1' } }],
			];
		case 'number':
			return [[7, '12.5', ' 3 '], ['ten', { n: 1 }, [5], true, '1e400', [[]]]];
		case 'keyValue': {
			const long = TEXT_LIMITS.long;
			// {"a":"…"} is 8 characters around its text.
			return [
				['x'.repeat(long), { a: 'x'.repeat(long - 8) }, [1, 'two'], 7, true],
				['x'.repeat(long + 1), { a: 'x'.repeat(long - 7) }, { deep: { deeper: ['x'.repeat(long)] } }, ['x'.repeat(long)], [{ a: 'x'.repeat(long) }]],
			];
		}
		default:
			return [GOOD_DATES, BAD_DATES];
	}
}

let kapture: KaptureHarness;
let sourceHub: SourceHubHarness;
beforeAll(async () => {
	kapture = await kaptureSetup({ now: Date.UTC(2024, 4, 8, 12) });
	sourceHub = await sourceHubSetup();
});
afterAll(async () => {
	await kapture.close();
	await sourceHub.close();
});

/** Each item's error message ('' for an item that carries none). */
function itemErrors(result: RunResult, node: string): string[] {
	return result.output(node).map((item) => String((item.json.error as string | undefined) ?? item.error?.message ?? ''));
}

async function runRow(row: Row, values: unknown[]): Promise<{ errors: string[]; requests: number }> {
	const items = values.map((v) => ({ v }) as IDataObject);
	if (row.node === 'kapture') {
		kapture.sandbox.reset();
		const result = await kapture.run(row.parameters(V), items, { continueOnFail: true });
		return { errors: itemErrors(result, 'Kapture Order'), requests: kapture.sandbox.requests().length };
	}
	sourceHub.sandbox.reset();
	const result = await sourceHub.run(row.parameters(V), items, { continueOnFail: true });
	return { errors: itemErrors(result, 'SourceHub'), requests: sourceHub.requests().length };
}

const cases = ROWS.map((row): [string, string, Row] => [row.node === 'kapture' ? `Kapture ${String(row.parameters('').operation)}` : `SourceHub ${String(row.parameters('').operation)}`, row.label, row]);

describe('every bound holds for every type of value, before anything is sent', () => {
	it.each(cases)('%s: %s', async (_operation, label, row) => {
		const [within, over] = valuesFor(row.bound);
		const refused = await runRow(row, over);
		expect(refused.requests).toBe(0);
		const notNamed = refused.errors
			.map((message, index) => [JSON.stringify(over[index])?.slice(0, 60), message])
			.filter(([, message]) => !message.startsWith(`${label} `) && !message.startsWith(`${label}:`));
		expect(notNamed).toEqual([]);

		const sent = await runRow(row, within);
		// Within the bound nothing of ours stops the item: each one reaches the sandbox (which may refuse it for its own reasons).
		const refusedByUs = sent.errors.filter((message) => message.startsWith(`${label} `));
		expect(refusedByUs).toEqual([]);
		expect(sent.requests).toBeGreaterThanOrEqual(within.length);
	});

	it('has a row for every field with a bound', () => {
		const boundSpecs = [CUSTOMER_FIELDS, CONTACT_FIELDS, ENQUIRY_FIELDS, ORDER_FIELDS, PARTNER_ORDER_FIELDS, PRODUCT_FIELDS].flat().filter((spec) => spec.kind !== 'boolean');
		expect(ROWS.length).toBeGreaterThan(boundSpecs.length + PULL_FILTER_OPTIONS.length);
	});
});

describe("the trigger's filters (the same reading as Get Many's)", () => {
	it.each(TRIGGER_FILTER_NAMES)('%s refuses an object, a list and text over 5,000 characters, naming the filter', (name) => {
		const label = `Filters > ${PULL_FILTER_OPTIONS.find((option) => option.name === name)?.displayName}`;
		for (const value of [{ a: 1 }, ['1', '2'], 'x'.repeat(TEXT_LIMITS.long + 1)]) {
			expect(() => pullFiltersToBody({ [name]: value })).toThrow(new RegExp(`^${label.replace(/[()]/g, '\\$&')} must`));
		}
		expect(pullFiltersToBody({ [name]: 'x'.repeat(TEXT_LIMITS.long) })[name]).toHaveLength(TEXT_LIMITS.long);
	});
});
