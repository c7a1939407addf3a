import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { dateText, formatDateParameter, isEmptyDate, type DateFormat } from './dates';
import { isObject } from './objects';

/**
 * Input checks, written once for every operation. Each one throws a
 * NodeOperationError before anything is sent to Kapture. The message starts
 * with the field (as the editor shows it) and says what it must be; the item
 * is n8n's itemIndex, which the editor shows itself.
 */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DIGITS = /^\d+$/;

/**
 * Both vendors' IDs are 64-bit integers: Kapture's are Java longs (its APIs
 * are Spring services), SourceHub documents "Integer". At most 19 digits: a
 * longer "ID" cannot exist, so it is refused before sending instead of
 * coming back as "Order not found".
 */
export const MAX_ID_DIGITS = 19;

/**
 * Our limits on free text, in characters: neither vendor documents any. They are
 * far above any real value and stop a wrong mapping (a whole file in
 * Remarks) before it is sent.
 */
export const TEXT_LIMITS = {
	/** Names, codes, statuses, references. */
	short: 255,
	/** Postal addresses. */
	address: 1000,
	/** Remarks, notes, descriptions. */
	long: 5000,
	/** RFC 5321's longest address. */
	email: 254,
	/** E.164 has 15 digits; spaces, dashes and a + fit in the rest. */
	phone: 32,
} as const;

export type TextLimit = keyof typeof TEXT_LIMITS;

function quote(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
	return `"${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`;
}

function isResourceLocator(value: unknown): value is { value: unknown } {
	return isObject(value) && 'value' in value;
}

const DATE_EXAMPLE: Record<DateFormat, string> = {
	day: '2024-05-31',
	minute: '2024-05-31T14:30',
	second: '2024-05-31T14:30:00',
};

/** The message for a date that is not a real calendar date, or has more after it; the pull filters use it too. */
export function notADate(label: string, value: unknown, format: DateFormat = 'day'): string {
	const twelveHour = typeof value === 'string' && /\d\s*[ap]\.?m\.?\s*$/i.test(value) ? ' (with a 24-hour time: 22:30, not 10:30 PM)' : '';
	return `${label} must be a real date such as ${DATE_EXAMPLE[format]}${twelveHour}, got ${quote(value)}`;
}

export class Validator {
	constructor(
		private readonly node: INode,
		readonly itemIndex: number,
	) {}

	/** An error about one field; n8n's itemIndex says which item, so the message stays about the field. */
	fail(message: string, description?: string): NodeOperationError {
		return new NodeOperationError(this.node, message, {
			itemIndex: this.itemIndex,
			description,
		});
	}

	/** Text of a parameter, trimmed; '' when empty. A resource locator gives its value. */
	text(value: unknown): string {
		if (isResourceLocator(value)) value = value.value;
		if (value === undefined || value === null) return '';
		if (typeof value === 'object') return '';
		return String(value).trim();
	}

	/**
	 * Text of a parameter that must be one value: a string, number or
	 * boolean (a date as ISO text). An object or a list, which an expression
	 * can give, is refused: sent as it is it would skip every bound, and left
	 * out it would be lost without a word.
	 */
	scalar(value: unknown, label: string): string {
		if (isResourceLocator(value)) value = value.value;
		if (value instanceof Date || (isObject(value) && typeof (value as { toISO?: unknown }).toISO === 'function')) {
			return dateText(value);
		}
		if (Array.isArray(value)) throw this.fail(`${label} must be one value, not a list, got ${quote(value)}`);
		if (typeof value === 'object' && value !== null) throw this.fail(`${label} must be one value, not an object, got ${quote(value)}`);
		return this.text(value);
	}

	/** Text of a parameter, refused when longer than its limit. */
	limited(value: unknown, label: string, limit: TextLimit = 'short'): string {
		const text = this.scalar(value, label);
		const max = TEXT_LIMITS[limit];
		if (text.length > max) {
			throw this.fail(`${label} must be at most ${max} characters long, got ${text.length}`);
		}
		return text;
	}

	required(value: unknown, label: string, limit: TextLimit = 'short'): string {
		const text = this.limited(value, label, limit);
		if (text === '') throw this.fail(`${label} is required`);
		return text;
	}

	/** An id: digits only, kept as text whatever its size. Empty is allowed unless `required`. */
	id(value: unknown, label: string, required = false): string {
		const text = this.scalar(value, label);
		if (text === '') {
			if (required) throw this.fail(`${label} is required`);
			return '';
		}
		if (!DIGITS.test(text)) throw this.fail(`${label} must contain digits only, got ${quote(text)}`);
		if (text.length > MAX_ID_DIGITS) {
			throw this.fail(`${label} must have at most ${MAX_ID_DIGITS} digits, got ${text.length}`);
		}
		return text;
	}

	email(value: unknown, label: string): string {
		const text = this.limited(value, label, 'email');
		if (text !== '' && !EMAIL.test(text)) {
			throw this.fail(`${label} must be an email address such as name@example.com, got ${quote(value)}`);
		}
		return text;
	}

	/** A date parameter formatted as `format` (see formatDateParameter); '' when left empty. */
	date(value: unknown, label: string, format: DateFormat, required = false): string {
		// An object or list is no date, not even an empty one.
		if (Array.isArray(value) || (isObject(value) && !(value instanceof Date) && typeof (value as { toISO?: unknown }).toISO !== 'function')) {
			throw this.fail(notADate(label, value, format));
		}
		if (isEmptyDate(value)) {
			if (required) throw this.fail(`${label} is required`);
			return '';
		}
		const formatted = formatDateParameter(value, format);
		if (!formatted) throw this.fail(notADate(label, value, format));
		return formatted;
	}

	/**
	 * A value sent as it is (a custom field's value): text, a number, a
	 * boolean, or an object or list sent as JSON. The limit holds for the
	 * text that is sent, whatever the type.
	 */
	sentAsIs(value: unknown, label: string, limit: TextLimit): unknown {
		const sent = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
		const max = TEXT_LIMITS[limit];
		if (sent.length > max) {
			const what = typeof value === 'object' && value !== null ? ' (as JSON)' : '';
			throw this.fail(`${label} must be at most ${max} characters long${what}, got ${sent.length}`);
		}
		return value;
	}

	/** A number parameter (or numeric text); undefined when empty. */
	number(value: unknown, label: string): number | undefined {
		if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
			return undefined;
		}
		if (typeof value === 'object') throw this.fail(`${label} must be a number, got ${quote(value)}`);
		const number = typeof value === 'number' ? value : Number(String(value).trim());
		if (!Number.isFinite(number)) throw this.fail(`${label} must be a number, got ${quote(value)}`);
		return number;
	}

	positiveAmount(value: unknown, label: string): number {
		const number = this.number(value, label);
		if (number === undefined) throw this.fail(`${label} is required`);
		if (number <= 0) throw this.fail(`${label} must be greater than 0, got ${number}`);
		return number;
	}

	/** At least one of several fields must be filled. */
	oneOf(values: Array<[unknown, string]>): void {
		if (values.every(([value]) => this.text(value) === '')) {
			const labels = values.map(([, label]) => label);
			const last = labels.pop();
			throw this.fail(`${labels.join(', ')} or ${last} is required: fill at least one of them`);
		}
	}
}

/** Errors the node throws are always n8n node errors pointing at their item. */
export function asNodeError(node: INode, error: unknown, itemIndex?: number): NodeOperationError | NodeApiError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}
