import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isObject } from '../../shared/helpers/objects';
import { formatKaptureDate, isEmptyDate, type KaptureDateFormat } from './dates';

/**
 * Input checks, written once for every operation. Each one throws a
 * NodeOperationError that names the field (as the editor shows it) and the
 * item, before anything is sent to Kapture.
 */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DIGITS = /^\d+$/;

/**
 * Kapture's IDs are Java longs (its APIs are Spring services): at most 19
 * digits. A longer "ID" cannot exist, so it is refused before sending
 * instead of coming back as "Order not found".
 */
export const MAX_ID_DIGITS = 19;

/**
 * Our limits on free text, in characters: Kapture documents none. They are
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

	/** Text of a parameter, refused when longer than its limit. */
	limited(value: unknown, label: string, limit: TextLimit = 'short'): string {
		const text = this.text(value);
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

	/** A Kapture id: digits only, kept as text whatever its size. Empty is allowed unless `required`. */
	id(value: unknown, label: string, required = false): string {
		const text = this.text(value);
		if (text === '') {
			if (required) throw this.fail(`${label} is required`);
			return '';
		}
		if (!DIGITS.test(text)) throw this.fail(`${label} must be a number, got ${quote(text)}`);
		if (text.length > MAX_ID_DIGITS) {
			throw this.fail(`${label} must have at most ${MAX_ID_DIGITS} digits, got ${text.length}`);
		}
		return text;
	}

	email(value: unknown, label: string): string {
		const text = this.limited(value, label, 'email');
		if (text !== '' && !EMAIL.test(text)) {
			throw this.fail(`${label} is not a valid email address, got ${quote(value)}`);
		}
		return text;
	}

	/** A date parameter formatted for Kapture; '' when left empty. */
	date(value: unknown, label: string, format: KaptureDateFormat, required = false): string {
		if (isEmptyDate(value)) {
			if (required) throw this.fail(`${label} is required`);
			return '';
		}
		const formatted = formatKaptureDate(value, format);
		if (!formatted) throw this.fail(`${label} is not a valid date, got ${quote(value)}`);
		return formatted;
	}

	/** A number parameter (or numeric text); undefined when empty. */
	number(value: unknown, label: string): number | undefined {
		if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
			return undefined;
		}
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
