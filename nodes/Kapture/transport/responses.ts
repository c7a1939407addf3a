import type { IDataObject } from 'n8n-workflow';

/**
 * What Kapture answered, reduced to what the rest of the package needs. Kapture
 * signals failure in the body as often as with the HTTP status (a 200 can carry
 * `"status": "failed"`), so both are looked at.
 */
export type KaptureAnswer =
	| { ok: true; data: IDataObject | IDataObject[] }
	| { ok: false; kind: 'refused'; message: string; body: unknown }
	| { ok: false; kind: 'http'; status: number; message?: string; body: unknown }
	| { ok: false; kind: 'notJson'; status: number; excerpt: string }
	| { ok: false; kind: 'empty'; status: number };

const FAILURE_WORDS = new Set(['failed', 'fail', 'failure', 'error', 'false']);
const MESSAGE_KEYS = ['message', 'error', 'errormessage', 'error_message', 'description', 'reason'];

/** Looks a key up whatever its casing (`status`, `Status`, `STATUS`). */
function getCaseInsensitive(object: IDataObject, key: string): unknown {
	for (const [candidate, value] of Object.entries(object)) {
		if (candidate.toLowerCase() === key) return value;
	}
	return undefined;
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Kapture's own words for why something failed, if the body has any. */
export function kaptureMessage(body: unknown): string | undefined {
	if (Array.isArray(body)) {
		for (const element of body) {
			const message = kaptureMessage(element);
			if (message) return message;
		}
		return undefined;
	}
	if (!isObject(body)) return undefined;
	for (const key of MESSAGE_KEYS) {
		const value = getCaseInsensitive(body, key);
		if (typeof value === 'string' && value.trim() !== '') return value.trim();
		// SourceHub-style nesting: {"error": {"description": "..."}}
		if (isObject(value)) {
			const nested = kaptureMessage(value);
			if (nested) return nested;
		}
	}
	return undefined;
}

/** True when a parsed body says the request failed, whatever the HTTP status. */
function bodySaysFailed(body: IDataObject): boolean {
	const status = getCaseInsensitive(body, 'status');
	if (typeof status === 'string' && FAILURE_WORDS.has(status.trim().toLowerCase())) return true;
	const success = getCaseInsensitive(body, 'success');
	if (success === false || (typeof success === 'string' && success.trim().toLowerCase() === 'false')) {
		return true;
	}
	const result = getCaseInsensitive(body, 'result');
	return result === false;
}

/** The failed element of a body: the body itself, or an element of an array body. */
function failedPart(body: unknown): IDataObject | undefined {
	if (Array.isArray(body)) return body.find((element) => isObject(element) && bodySaysFailed(element));
	if (isObject(body) && bodySaysFailed(body)) return body;
	return undefined;
}

function parseBody(raw: unknown): { parsed: unknown; text?: string } {
	if (raw === undefined || raw === null) return { parsed: undefined, text: '' };
	if (Buffer.isBuffer(raw)) raw = raw.toString('utf8');
	if (typeof raw !== 'string') return { parsed: raw };
	const text = raw.trim();
	if (text === '') return { parsed: undefined, text };
	try {
		return { parsed: JSON.parse(text) };
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
export function interpretAnswer(status: number, rawBody: unknown): KaptureAnswer {
	const { parsed, text } = parseBody(rawBody);

	if (status < 200 || status >= 300) {
		if (parsed === undefined && text !== undefined && text !== '') {
			return { ok: false, kind: 'notJson', status, excerpt: excerptOf(text) };
		}
		return { ok: false, kind: 'http', status, message: kaptureMessage(parsed), body: parsed };
	}

	if (parsed === undefined) {
		if (text === undefined || text === '') return { ok: false, kind: 'empty', status };
		return { ok: false, kind: 'notJson', status, excerpt: excerptOf(text) };
	}

	const failed = failedPart(parsed);
	if (failed) {
		return {
			ok: false,
			kind: 'refused',
			message: kaptureMessage(failed) ?? 'Kapture reported a failure without saying why',
			body: parsed,
		};
	}

	if (!isObject(parsed) && !Array.isArray(parsed)) {
		return { ok: false, kind: 'notJson', status, excerpt: excerptOf(String(parsed)) };
	}
	return { ok: true, data: parsed };
}
