import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { isObject } from '../helpers/objects';
import { parseJson } from './answers';
import { decodeLayer, decodeText, hasEscapes, undecoded, type DecodedText, type EscapeKind } from './textDecoding';

/** Which credential values are secret, described by each vendor. */
export interface SecretFields {
	/** Credential fields whose values are secret (passwords, keys, tokens). */
	fields: readonly string[];
	/** Pairs of fields sent as `Basic base64(user:password)`, so that encoding is secret too. */
	basicPairs?: ReadonlyArray<readonly [user: string, password: string]>;
}

export const REDACTED = '[redacted]';

/**
 * Shorter values are not looked for. Three characters or fewer occur by
 * chance in almost every answer (in ids, amounts, words), so taking them out
 * would spoil the data while protecting next to nothing: such a value is
 * guessed faster than it is read off a screen. Kapture's and SourceHub's keys
 * are far longer. The same bound applies to each decoded form of a secret.
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * Layers of escaping undone before comparing. Two cover a server's own
 * quoting on top of the answer's (JSON quoted in an HTML page, an
 * HTML-escaped value in JSON that escapes `&` again); a third costs nothing
 * when there is nothing left to decode.
 */
const MAX_LAYERS = 3;

// Any Authorization-style token, secret of this credential or not (a proxy's, say): it has a
// digit or a base64 sign in it, so "Basic information" stays as it is.
const TOKEN = /\b(Basic|Bearer)\s+(?=[A-Za-z0-9._~-]*[0-9+/=])([A-Za-z0-9+/=._~-]{8,})/gi;

// A JSON number in exponent form, which parsing turns into other digits (1.2345e4 is 12345).
const EXPONENT = /[0-9][eE][-+]?[0-9]/;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The whole-text transforms a secret is sent in: Basic auth is base64, some servers echo it unpadded or URL-safe. */
function base64Forms(secret: string): string[] {
	const base64 = Buffer.from(secret).toString('base64');
	return [base64, base64.replace(/=+$/, ''), Buffer.from(secret).toString('base64url')];
}

/** A secret and what it reads as once decoded (a secret may hold `%41` or `&amp;` itself). */
function decodedForms(secret: string): string[] {
	const forms = [secret];
	for (let text = secret, layer = 0; layer < MAX_LAYERS && hasEscapes(text, 'all'); layer++) {
		text = decodeText(text, 'all');
		forms.push(text);
	}
	return forms;
}

/**
 * A value written only in digits is looked for between non-digits: as an
 * order ID, a phone number or an amount, a longer run of digits is other
 * data that happens to contain it, and cutting it would spoil that data.
 */
function literal(form: string): string {
	return /^\d+$/.test(form) ? `(?<![0-9])${form}(?![0-9])` : escapeRegExp(form);
}

/**
 * Removes a credential's secrets from any text or parsed answer: every
 * message, description and output the transport builds passes through here.
 *
 * The comparison is on what a text means, not how it is written: the text
 * is decoded layer by layer (JSON and JavaScript escapes, percent and form
 * encoding in either case, HTML character references; see textDecoding.ts)
 * and every layer is searched for the secrets, raw and base64-encoded. A
 * match is cut out of the text as it was written, whatever mix of escapes
 * spelled it. Parsed answers are compared string by string, keys and
 * numbers included.
 */
export class Scrubber {
	private readonly pattern: RegExp | undefined;
	/** Whether a secret is written in digits only, so it can be echoed as a JSON number. */
	private readonly numeric: boolean;
	/** Whether a secret could be spelled by a number at all (digits, sign, point, exponent). */
	private readonly numberLike: boolean;
	/** The kinds of layer to undo (see EscapeKind): form encoding too when a secret holds a space. */
	private readonly kinds: EscapeKind[];

	constructor(secrets: string[]) {
		const usable = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
		const forms = new Set<string>();
		for (const secret of usable) {
			for (const form of [secret, ...base64Forms(secret)].flatMap(decodedForms)) {
				if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
			}
		}
		// Longest first, so a secret inside a longer form does not leave the rest of it behind.
		const sorted = [...forms].sort((a, b) => b.length - a.length);
		this.pattern = sorted.length > 0 ? new RegExp(sorted.map(literal).join('|'), 'g') : undefined;
		this.kinds = ['all', 'json', 'percent', 'html', ...(usable.some((secret) => secret.includes(' ')) ? ['form' as const] : [])];
		this.numeric = sorted.some((form) => /^\d+$/.test(form));
		this.numberLike = sorted.some((form) => /^[-+0-9.eE]+$/.test(form));
	}

	private matchesIn(text: string): boolean {
		TOKEN.lastIndex = 0;
		if (TOKEN.test(text)) return true;
		if (!this.pattern) return false;
		this.pattern.lastIndex = 0;
		return this.pattern.test(text);
	}

	/** Whether any kind of decoding changes the text: most texts have nothing to decode, found by searching for a few characters. */
	private decodable(text: string): boolean {
		return hasEscapes(text, 'all') || (this.kinds.length > 4 && text.includes('+'));
	}

	/**
	 * Every distinct way the text reads once decoded, up to `depth` layers,
	 * each layer of one kind or of all kinds at once; `visit` returns true to stop.
	 */
	private decodings<T>(start: T, textOf: (value: T) => string, decode: (value: T, kind: EscapeKind) => T, depth: number, visit: (value: T) => boolean): void {
		if (!this.decodable(textOf(start))) return;
		let frontier = [start];
		const seen = new Set([textOf(start)]);
		for (let layer = 0; layer < depth && frontier.length > 0; layer++) {
			const next: T[] = [];
			for (const value of frontier) {
				const text = textOf(value);
				if (!this.decodable(text)) continue;
				for (const kind of this.kinds) {
					if (!hasEscapes(text, kind)) continue;
					const decoded = decode(value, kind);
					if (seen.has(textOf(decoded))) continue;
					seen.add(textOf(decoded));
					if (visit(decoded)) return;
					next.push(decoded);
				}
			}
			frontier = next;
		}
	}

	/** Whether the text, as written or decoded (`depth` layers deep), holds anything to take out. */
	finds(text: string, depth = MAX_LAYERS): boolean {
		if (this.matchesIn(text)) return true;
		let found = false;
		this.decodings(text, (value) => value, decodeText, depth, (decoded) => (found = this.matchesIn(decoded)));
		return found;
	}

	/** Where, in the text as written, a match in this decoded layer came from. */
	private collect(layer: DecodedText, ranges: Array<[number, number]>): void {
		const add = (start: number, end: number) => ranges.push([layer.from[start], layer.to[end - 1]]);
		if (this.pattern) {
			this.pattern.lastIndex = 0;
			for (let match = this.pattern.exec(layer.text); match; match = this.pattern.exec(layer.text)) {
				add(match.index, match.index + match[0].length);
			}
		}
		TOKEN.lastIndex = 0;
		for (let match = TOKEN.exec(layer.text); match; match = TOKEN.exec(layer.text)) {
			const end = match.index + match[0].length;
			// The scheme word stays: "Basic [redacted]" says what was there.
			add(end - match[2].length, end);
		}
	}

	text(text: string): string {
		if (!this.finds(text)) return text;
		const ranges: Array<[number, number]> = [];
		const written = undecoded(text);
		this.collect(written, ranges);
		this.decodings(written, (layer) => layer.text, decodeLayer, MAX_LAYERS, (layer) => {
			this.collect(layer, ranges);
			return false;
		});
		ranges.sort((a, b) => a[0] - b[0]);
		let scrubbed = '';
		let at = 0;
		for (let i = 0; i < ranges.length; ) {
			let [start, end] = ranges[i++];
			while (i < ranges.length && ranges[i][0] <= end) end = Math.max(end, ranges[i++][1]);
			scrubbed += `${text.slice(at, start)}${REDACTED}`;
			at = end;
		}
		return scrubbed + text.slice(at);
	}

	/** Every string and number of a parsed value, keys included; a value holding no secret comes back as it is. */
	value<T>(value: T): T {
		if (typeof value === 'string') return this.text(value) as T;
		if (typeof value === 'number') return this.number(value) as T;
		if (!Array.isArray(value) && !isObject(value)) return value;
		// One search over all of its texts first: most answers hold no secret at all.
		const texts: string[] = [];
		collectTexts(value, texts);
		return this.finds(texts.join('\u0000')) ? (this.scrubbed(value) as T) : value;
	}

	private number(value: number): number | string {
		return this.numberLike && Number.isFinite(value) && this.finds(String(value)) ? REDACTED : value;
	}

	/** The value with every string and number scrubbed; parts that hold nothing to scrub are kept as they are. */
	private scrubbed(value: unknown): unknown {
		if (typeof value === 'string') return this.text(value);
		if (typeof value === 'number') return this.number(value);
		if (Array.isArray(value)) {
			const elements = value.map((element: unknown) => this.scrubbed(element));
			return elements.some((element, index) => element !== value[index]) ? elements : value;
		}
		if (!isObject(value)) return value;
		let changed = false;
		const entries = Object.entries(value).map(([key, inner]): [string, unknown] => {
			const entry: [string, unknown] = [this.text(key), this.scrubbed(inner)];
			if (entry[0] !== key || entry[1] !== inner) changed = true;
			return entry;
		});
		return changed ? (Object.fromEntries(entries) as IDataObject) : value;
	}

	/**
	 * A raw answer body with the secrets taken out. JSON is compared by what
	 * it means (parsed, so `\/` and `\u003d` are gone) and comes back parsed;
	 * other text is compared decoded and comes back as text.
	 */
	body(raw: unknown): unknown {
		if (Buffer.isBuffer(raw)) raw = raw.toString('utf8');
		if (typeof raw !== 'string') return raw === undefined || raw === null ? raw : this.value(raw);
		let parsed: unknown;
		try {
			parsed = parseJson(raw);
		} catch {
			return this.text(raw);
		}
		// A bare JSON string or number stays text: the decoding reads its escapes.
		if (!Array.isArray(parsed) && !isObject(parsed)) return this.text(raw);
		// The raw text decoded one layer further holds every string of the parsed answer (JSON's own
		// escapes are among those decoded), so a clean raw text is a clean answer, found in one pass.
		// Only a number written in exponent form reads as digits its text does not show.
		const clean = !this.finds(raw, MAX_LAYERS + 1) && !(this.numeric && EXPONENT.test(raw));
		return clean ? parsed : this.scrubbed(parsed);
	}
}

function collectTexts(value: unknown, texts: string[]): void {
	if (typeof value === 'string') texts.push(value);
	else if (typeof value === 'number') texts.push(String(value));
	else if (Array.isArray(value)) for (const element of value) collectTexts(element, texts);
	else if (isObject(value)) {
		for (const key of Object.keys(value)) {
			texts.push(key);
			collectTexts(value[key], texts);
		}
	}
}

const scrubbers = new WeakMap<object, Scrubber>();

/** The scrubber of one credential's decrypted data, built once per execution. */
export function scrubberFor(secretFields: SecretFields, data: ICredentialDataDecryptedObject): Scrubber {
	let scrubber = scrubbers.get(data);
	if (!scrubber) {
		const text = (field: string) => {
			const value = data[field];
			return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
		};
		const secrets = secretFields.fields.map(text);
		for (const [user, password] of secretFields.basicPairs ?? []) {
			if (text(password) !== '') secrets.push(`${text(user)}:${text(password)}`);
		}
		// Values are scrubbed trimmed as well as they were typed: the credential sends them trimmed.
		scrubber = new Scrubber([...secrets, ...secrets.map((secret) => secret.trim())].filter((secret) => secret !== ''));
		scrubbers.set(data, scrubber);
	}
	return scrubber;
}
