// Leak mode, shared by both sandboxes: every API answer quotes the request's
// secret back, the way a badly behaved API, proxy or error page does, in one
// encoding per answer taken in turn from ENCODINGS and written as JSON the way
// one of JSON_FLAVOURS writes it (or as plain text, or inside the HTML page
// when the answer is one). Tests use it to prove that no secret reaches an
// output or error in any of them. A new encoding is one row in ENCODERS.

import { HTML_NAMED_REFERENCES } from '../../nodes/shared/transport/textDecoding';
import type { Reply } from './reply';

export type Encoder = (text: string) => string;

interface JsonEscapeOptions {
	/** `/` as `\/` (PHP's json_encode). */
	slash?: boolean;
	/** Every unit above U+007E as `\uXXXX` (PHP, Python's ensure_ascii). */
	nonAscii?: boolean;
	/** These characters as `\uXXXX` too (Gson's HTML-safe `<>&='`). */
	chars?: string;
	/** Every unit as `\uXXXX`. */
	all?: boolean;
	upper?: boolean;
}

/** A text inside a JSON string literal, as one JSON writer or another escapes it. */
export function jsonEscape(text: string, options: JsonEscapeOptions = {}): string {
	const unicode = (unit: number) => {
		const digits = unit.toString(16).padStart(4, '0');
		return `\\u${options.upper ? digits.toUpperCase() : digits}`;
	};
	let out = '';
	for (let i = 0; i < text.length; i++) {
		const unit = text.charCodeAt(i);
		const char = text[i];
		if (options.all || (options.nonAscii && unit > 0x7e) || options.chars?.includes(char)) out += unicode(unit);
		else if (char === '"' || char === '\\') out += `\\${char}`;
		else if (options.slash && char === '/') out += '\\/';
		else if (unit < 0x20) out += unicode(unit);
		else out += char;
	}
	return out;
}

const utf8 = (char: string) => [...Buffer.from(char, 'utf8')];
const percent = (byte: number, upper = true) => `%${byte.toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`;
const ALNUM = /^[A-Za-z0-9]$/;

/** Each character through `encode` unless `keep` says otherwise (characters are code points, so emoji stay whole). */
const perChar = (encode: (char: string) => string, keep: (char: string) => boolean = () => false): Encoder => (text) =>
	[...text].map((char) => (keep(char) ? char : encode(char))).join('');

const htmlNamed = new Map<string, string>([...HTML_NAMED_REFERENCES].filter(([, char]) => char >= '\u00a0' && char <= '\u00ff').map(([name, char]) => [char, name]));
const HTML_SPECIAL: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' };

/** One layer of escaping as a server, language or library writes it. */
export const ENCODERS: Record<string, Encoder> = {
	raw: (text) => text,
	// JSON string escapes, as different writers choose them.
	json: (text) => jsonEscape(text),
	phpJson: (text) => jsonEscape(text, { slash: true, nonAscii: true }),
	pythonAscii: (text) => jsonEscape(text, { nonAscii: true }),
	gsonHtmlSafe: (text) => jsonEscape(text, { chars: `<>&='` }),
	jsonAllUpper: (text) => jsonEscape(text, { all: true, upper: true }),
	// URL encodings.
	uriComponent: encodeURIComponent,
	uriLowerHex: (text) => encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
	// application/x-www-form-urlencoded, as Java's URLEncoder writes it too: `+` for a space, `!~'()` encoded.
	form: (text) => new URLSearchParams({ v: text }).toString().slice(2),
	percentEveryByte: perChar((char) => utf8(char).map((byte) => percent(byte, false)).join('')),
	// PHP's urlencode on ISO-8859-1 text: one byte for ö.
	latin1Percent: perChar(
		(char) => (char === ' ' ? '+' : char.codePointAt(0)! <= 0xff ? percent(char.codePointAt(0)!) : utf8(char).map((byte) => percent(byte)).join('')),
		(char) => ALNUM.test(char),
	),
	// JavaScript's escape(): %XX for Latin-1, %uXXXX for the rest.
	jsEscape: perChar(
		(char) =>
			char.split('').map((unit) => (unit.charCodeAt(0) <= 0xff ? percent(unit.charCodeAt(0)) : `%u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)).join(''),
		(char) => /^[A-Za-z0-9@*_+\-./]$/.test(char),
	),
	// HTML.
	htmlSpecial: perChar((char) => HTML_SPECIAL[char] ?? char),
	htmlEntities: perChar((char) => HTML_SPECIAL[char] ?? (htmlNamed.has(char) ? `&${htmlNamed.get(char)};` : char)),
	htmlDecimal: perChar((char) => `&#${char.codePointAt(0)};`, (char) => ALNUM.test(char)),
	htmlHex: perChar((char) => `&#x${char.codePointAt(0)!.toString(16)};`, (char) => ALNUM.test(char)),
	htmlHexEveryChar: perChar((char) => `&#X${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')};`),
	// Without the `;` where the next character cannot be read as part of the number.
	htmlNoSemicolon: (text) => {
		const chars = [...text];
		return chars.map((char, i) => (ALNUM.test(char) ? char : `&#${char.codePointAt(0)}${/^[0-9A-Za-z;]$/.test(chars[i + 1] ?? '') ? ';' : ''}`)).join('');
	},
	// Whole-text transforms: the Basic header's own, and what some servers echo of it.
	base64: (text) => Buffer.from(text).toString('base64'),
	base64NoPad: (text) => Buffer.from(text).toString('base64').replace(/=+$/, ''),
	base64url: (text) => Buffer.from(text).toString('base64url'),
};

const WHOLE_TEXT = new Set(['base64', 'base64NoPad', 'base64url']);

/**
 * Every encoding the tests use: each layer alone, and each layer inside
 * another (`inner+outer`: a JSON-escaped value in an HTML page, an
 * HTML-escaped one in JSON that escapes `&` again, a URL-encoded backslash).
 * Base64 is only ever the inner layer: no server base64-encodes an escape.
 */
export const ENCODINGS: Record<string, Encoder> = (() => {
	const encodings: Record<string, Encoder> = { ...ENCODERS };
	for (const [inner, first] of Object.entries(ENCODERS)) {
		if (inner === 'raw') continue;
		for (const [outer, second] of Object.entries(ENCODERS)) {
			if (outer === 'raw' || WHOLE_TEXT.has(outer)) continue;
			encodings[`${inner}+${outer}`] = (text) => second(first(text));
		}
	}
	return encodings;
})();

/** The encodings of each layer alone: what a server does in one step. */
export const SINGLE_ENCODINGS = Object.keys(ENCODERS);

/** How a whole JSON answer is written: which characters of its strings are escaped, how its numbers look. */
export const JSON_FLAVOURS: Record<string, { escape: JsonEscapeOptions; exponent?: boolean }> = {
	standard: { escape: {} },
	php: { escape: { slash: true, nonAscii: true } },
	python: { escape: { nonAscii: true } },
	gson: { escape: { chars: `<>&='` } },
	everyCharUpper: { escape: { all: true, upper: true } },
	// Whole numbers of 4 digits or more written with an exponent (1.2345e4), as some float writers do.
	exponent: { escape: {}, exponent: true },
};

/** A value written as JSON in one flavour. */
export function writeJson(value: unknown, flavour: string): string {
	const { escape, exponent } = JSON_FLAVOURS[flavour];
	const write = (inner: unknown): string => {
		if (typeof inner === 'string') return `"${jsonEscape(inner, escape)}"`;
		if (typeof inner === 'number' && exponent && Number.isInteger(inner) && Math.abs(inner) >= 1000) {
			const digits = String(Math.abs(inner));
			return `${inner < 0 ? '-' : ''}${digits[0]}.${digits.slice(1)}e${digits.length - 1}`;
		}
		if (Array.isArray(inner)) return `[${inner.map(write).join(',')}]`;
		if (inner !== null && typeof inner === 'object') {
			return `{${Object.entries(inner)
				.filter(([, member]) => member !== undefined)
				.map(([key, member]) => `${write(key)}:${write(member)}`)
				.join(',')}}`;
		}
		return JSON.stringify(inner) ?? 'null';
	};
	return write(value);
}

/**
 * The secrets a request carried in its Authorization header, most secret first:
 * for `Basic base64(user:password)` the password, `user:password` and the
 * token; for a key sent as it is (partner, Bearer), the key.
 */
export function secretsOf(authorization: string | undefined): string[] {
	const value = (authorization ?? '').trim();
	if (value === '') return [];
	const token = (/^(?:Basic|Bearer)\s+(.+)$/i.exec(value)?.[1] ?? value).trim();
	if (/^[A-Za-z0-9+/]+=*$/.test(token) && token.length % 4 === 0) {
		const decoded = Buffer.from(token, 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon > 0 && Buffer.from(decoded).toString('base64') === token && !/[\u0000-\u001f\ufffd]/.test(decoded)) {
			return [decoded.slice(colon + 1), decoded, token];
		}
	}
	return [token];
}

export interface LeakOptions {
	/** Names from ENCODINGS, one per answer in turn; default every single layer (SINGLE_ENCODINGS). */
	encodings?: string[];
	/** Names from JSON_FLAVOURS, one per JSON answer in turn; default standard. */
	jsonFlavours?: string[];
	/** Write JSON answers as plain text instead (a server whose pages are text). */
	asText?: boolean;
}

/** What one leaking answer quoted, for the request log. */
export interface LeakRecord {
	encoding: string;
	flavour?: string;
	/** Which of the request's secrets (see secretsOf): 0 the most secret. */
	secret: number;
}

const MESSAGE_KEY = /^(message|description|error|reason)$/i;

/** The leak mode of one sandbox: off until set. */
export class Leak {
	private options: Required<LeakOptions> | undefined;
	private count = 0;

	set(options: LeakOptions | undefined): void {
		if (options) {
			const encodings = options.encodings ?? SINGLE_ENCODINGS;
			const unknown = [...encodings.filter((name) => !ENCODINGS[name]), ...(options.jsonFlavours ?? []).filter((name) => !JSON_FLAVOURS[name])];
			if (unknown.length > 0) throw new Error(`unknown leak encodings or JSON flavours: ${unknown.join(', ')}`);
			this.options = { encodings, jsonFlavours: options.jsonFlavours ?? ['standard'], asText: options.asText ?? false };
		} else {
			this.options = undefined;
		}
		this.count = 0;
	}

	/** The reply quoting the request's secret, and what it quoted; the reply as it was when the mode is off. */
	apply(reply: Reply, authorization: string | undefined): { reply: Reply; record?: LeakRecord } {
		const secrets = secretsOf(authorization);
		if (!this.options || secrets.length === 0) return { reply };
		const { encodings, jsonFlavours, asText } = this.options;
		const n = this.count++;
		const encoding = encodings[n % encodings.length];
		const secret = Math.floor(n / encodings.length) % secrets.length;
		const quoted = ENCODINGS[encoding](secrets[secret]);
		// Retried reads do not wait: the leak is about what comes back, not when.
		const headers = { ...reply.headers, 'Retry-After': '0' };
		const record: LeakRecord = { encoding, secret };

		if (reply.html !== undefined) {
			const html = reply.html
				.replace('<title>', `<title>Sent by ${quoted}: `)
				.replace('</body>', `<p>Your request was sent with ${quoted}</p></body>`);
			return { reply: { ...reply, html, headers }, record };
		}
		const body = quoting(reply.body, quoted, /^\d+$/.test(secrets[secret] ?? '') ? Number(secrets[secret]) : undefined);
		if (asText) {
			const text = `Request from ${quoted} could not be answered as JSON.\n${JSON.stringify(body)}`;
			return { reply: { ...reply, headers, text, contentType: 'text/plain;charset=utf-8' }, record };
		}
		const flavour = jsonFlavours[n % jsonFlavours.length];
		return { reply: { ...reply, headers, text: writeJson(body, flavour), contentType: 'application/json;charset=UTF-8' }, record: { ...record, flavour } };
	}
}

/** Every object of a body with an `echo` member quoting the secret (as a key too), and its messages ending in the quote. */
function quoting(value: unknown, quoted: string, asNumber: number | undefined): unknown {
	if (Array.isArray(value)) return value.map((element) => quoting(element, quoted, asNumber));
	if (value === null || typeof value !== 'object') return value;
	const copy: Record<string, unknown> = {};
	for (const [key, member] of Object.entries(value)) {
		copy[key] = typeof member === 'string' && MESSAGE_KEY.test(key) ? `${member} (sent with ${quoted})` : quoting(member, quoted, asNumber);
	}
	copy.echo = {
		quote: `Authorization was ${quoted}`,
		[quoted]: 'the key above is what you sent',
		...(asNumber !== undefined && Number.isSafeInteger(asNumber) ? { pin: asNumber } : {}),
	};
	return copy;
}
