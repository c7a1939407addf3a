import type { IDataObject } from 'n8n-workflow';

import { isObject } from '../helpers/objects';
import type { Vendor } from './types';

/**
 * What a vendor answered, reduced to what the rest of the package needs.
 * Vendors signal failure in the body as often as with the HTTP status (a
 * Kapture 200 can carry `"status": "failed"`), so both are looked at.
 */
export type Answer =
	| { ok: true; data: IDataObject | IDataObject[] }
	| { ok: false; kind: 'refused'; status: number; message?: string; body: unknown }
	| { ok: false; kind: 'http'; status: number; message?: string; body: unknown }
	| { ok: false; kind: 'notJson'; status: number; excerpt: string }
	| { ok: false; kind: 'empty'; status: number };

export type FailedAnswer = Exclude<Answer, { ok: true }>;

/** The part of a vendor's answers the interpretation needs. */
export type AnswerReader = Pick<Vendor, 'refusalIn' | 'messageIn'>;

/** Looks a key up whatever its casing (`status`, `Status`, `STATUS`). */
export function getCaseInsensitive(object: IDataObject, key: string): unknown {
	for (const [candidate, value] of Object.entries(object)) {
		if (candidate.toLowerCase() === key) return value;
	}
	return undefined;
}

const MESSAGE_KEYS = ['message', 'error', 'errormessage', 'error_message', 'description', 'reason'];

/**
 * The first non-empty message under the usual keys, whatever their casing,
 * in an object, an array of objects, or nested one level as in
 * `{"error": {"description": "..."}}`.
 */
export function findMessage(body: unknown): string | undefined {
	if (Array.isArray(body)) {
		for (const element of body) {
			const message = findMessage(element);
			if (message) return message;
		}
		return undefined;
	}
	if (!isObject(body)) return undefined;
	for (const key of MESSAGE_KEYS) {
		const value = getCaseInsensitive(body, key);
		if (typeof value === 'string' && value.trim() !== '') return value.trim();
		if (isObject(value)) {
			const nested = findMessage(value);
			if (nested) return nested;
		}
	}
	return undefined;
}

// A JSON string, or an integer of 16 or more digits outside any string.
const LONG_INTEGER = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])(-?\d{16,})(?![\d.eE])/g;

/**
 * JSON.parse, except that integers too large for a JavaScript number (ids
 * of 17 to 19 digits, as Java longs allow) are kept as text instead of
 * coming out rounded.
 */
export function parseJson(text: string): unknown {
	if (!/\d{16}/.test(text)) return JSON.parse(text);
	return JSON.parse(
		text.replace(LONG_INTEGER, (match, digits: string | undefined) =>
			digits !== undefined && !Number.isSafeInteger(Number(digits)) ? `"${digits}"` : match,
		),
	);
}

function parseBody(raw: unknown): { parsed: unknown; text?: string } {
	if (raw === undefined || raw === null) return { parsed: undefined, text: '' };
	if (Buffer.isBuffer(raw)) raw = raw.toString('utf8');
	if (typeof raw !== 'string') return { parsed: raw };
	const text = raw.trim();
	if (text === '') return { parsed: undefined, text };
	try {
		return { parsed: parseJson(text) };
	} catch {
		return { parsed: undefined, text };
	}
}

/** A short, single-line, tag-free excerpt of a non-JSON page (its title if it has one). */
function excerptOf(text: string): string {
	const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
	const plain = (title ?? text)
		.replace(/<script[\s\S]*?<\/script>/gi, ' ')
		.replace(/<style[\s\S]*?<\/style>/gi, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return plain.length > 160 ? `${plain.slice(0, 157)}...` : plain;
}

/** Turns an HTTP status and raw body into data or a described failure. */
export function interpretAnswer(vendor: AnswerReader, status: number, rawBody: unknown): Answer {
	const { parsed, text } = parseBody(rawBody);

	if (status < 200 || status >= 300) {
		if (parsed === undefined && text !== undefined && text !== '') {
			return { ok: false, kind: 'notJson', status, excerpt: excerptOf(text) };
		}
		return { ok: false, kind: 'http', status, message: vendor.messageIn(parsed), body: parsed };
	}

	if (parsed === undefined) {
		if (text === undefined || text === '') return { ok: false, kind: 'empty', status };
		return { ok: false, kind: 'notJson', status, excerpt: excerptOf(text) };
	}

	const refusal = vendor.refusalIn(parsed);
	if (refusal !== undefined) {
		return { ok: false, kind: 'refused', status, message: vendor.messageIn(refusal), body: parsed };
	}

	if (!isObject(parsed) && !Array.isArray(parsed)) {
		return { ok: false, kind: 'notJson', status, excerpt: excerptOf(String(parsed)) };
	}
	return { ok: true, data: parsed };
}
