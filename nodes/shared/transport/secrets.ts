import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { isObject } from '../helpers/objects';
import { parseJson } from './answers';

/** Which credential values are secret, described by each vendor. */
export interface SecretFields {
	/** Credential fields whose values are secret (passwords, keys, tokens). */
	fields: readonly string[];
	/** Pairs of fields sent as `Basic base64(user:password)`, so that encoding is secret too. */
	basicPairs?: ReadonlyArray<readonly [user: string, password: string]>;
}

export const REDACTED = '[redacted]';

// Shorter values would blank out ordinary words and digits of every answer.
const MIN_SECRET_LENGTH = 4;

// Any Authorization-style token, secret of this credential or not (a proxy's, say): it has a
// digit or a base64 sign in it, so "Basic information" stays as it is.
const TOKEN = /\b(Basic|Bearer)\s+(?=[A-Za-z0-9._~-]*[0-9+/=])[A-Za-z0-9+/=._~-]{8,}/gi;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const htmlEscaped = (text: string) =>
	text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The forms a secret can take in an answer that quotes a request back. */
export function encodingsOf(secret: string): string[] {
	const base64 = Buffer.from(secret).toString('base64');
	return [
		secret,
		base64,
		base64.replace(/=+$/, ''),
		Buffer.from(secret).toString('base64url'),
		encodeURIComponent(secret),
		JSON.stringify(secret).slice(1, -1),
		htmlEscaped(secret),
	];
}

/**
 * Removes a credential's secrets from any text or parsed answer: every
 * message, description and output the transport builds passes through here.
 */
export class Scrubber {
	private readonly pattern: RegExp | undefined;

	constructor(secrets: string[]) {
		const forms = [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH).flatMap(encodingsOf))]
			.filter((form) => form.length >= MIN_SECRET_LENGTH)
			// Longest first, so a secret inside a longer form does not leave the rest of it behind.
			.sort((a, b) => b.length - a.length);
		this.pattern = forms.length > 0 ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : undefined;
	}

	/** Whether the text holds anything to scrub (one pass, for answers that hold none). */
	finds(text: string): boolean {
		TOKEN.lastIndex = 0;
		if (TOKEN.test(text)) return true;
		if (!this.pattern) return false;
		this.pattern.lastIndex = 0;
		return this.pattern.test(text);
	}

	text(text: string): string {
		const scrubbed = this.pattern ? text.replace(this.pattern, REDACTED) : text;
		return scrubbed.replace(TOKEN, `$1 ${REDACTED}`);
	}

	/** Every string (keys too) of a parsed value. */
	value<T>(value: T): T {
		if (typeof value === 'string') return this.text(value) as T;
		if (Array.isArray(value)) return value.map((element: unknown) => this.value(element)) as T;
		if (!isObject(value)) return value;
		const scrubbed: IDataObject = {};
		for (const [key, inner] of Object.entries(value)) scrubbed[this.text(key)] = this.value(inner);
		return scrubbed as T;
	}

	/**
	 * A raw answer body with the secrets taken out. JSON is parsed first and
	 * scrubbed string by string, so a secret that looks like a number never
	 * breaks it; an answer holding no secret is returned as it came.
	 */
	body(raw: unknown): unknown {
		if (Buffer.isBuffer(raw)) raw = raw.toString('utf8');
		if (typeof raw === 'string') {
			if (!this.finds(raw)) return raw;
			try {
				return this.value(parseJson(raw));
			} catch {
				return this.text(raw);
			}
		}
		if (raw === undefined || raw === null || !this.finds(JSON.stringify(raw))) return raw;
		return this.value(raw);
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
