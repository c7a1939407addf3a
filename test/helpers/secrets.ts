// Secrets drawn from awkward alphabets with a seeded generator, and the check
// that none of them appears anywhere in a value (an output, an error, run
// data), as written or in any encoding of test/sandbox/leak.ts. A new kind of
// secret is one row in SECRET_CLASSES.

import { ENCODERS, ENCODINGS } from '../sandbox/leak';
import { Prng } from '../sandbox/random';

export interface SecretClass {
	name: string;
	/** Characters the secret is drawn from, beside letters and digits (unless `only`). */
	alphabet: string[];
	/** Draw from `alphabet` alone. */
	only?: boolean;
	length: [min: number, max: number];
	/**
	 * Whether the secret can go in an HTTP header as it is (a partner or SourceHub
	 * key): Node sends only Latin-1 there. A v1 password goes base64-encoded, so any.
	 */
	headerSafe: boolean;
}

const LETTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];

export const SECRET_CLASSES: SecretClass[] = [
	{ name: 'URL and base64 signs', alphabet: [...'/=+%&?#'], length: [10, 20], headerSafe: true },
	{ name: 'quotes and markup', alphabet: [...`"'<>&;\\`], length: [10, 20], headerSafe: true },
	// Pieces that look like escapes themselves, so the secret holds `%2F`, `&amp;` or `\u0041` as typed.
	{ name: 'escape-looking pieces', alphabet: ['%2F', '&amp;', '\\u0041', '&#47;', '+', '\\n'], length: [6, 10], headerSafe: true },
	{ name: 'Latin-1 letters', alphabet: [...'öäüßéñÅ¿'], length: [8, 16], headerSafe: true },
	{ name: 'other scripts', alphabet: [...'ж中文€ΩЯ'], length: [8, 16], headerSafe: false },
	{ name: 'emoji', alphabet: ['😀', '🔑', '🦄', '✓'], length: [8, 16], headerSafe: false },
	{ name: 'digits only', alphabet: [...'0123456789'], only: true, length: [4, 12], headerSafe: true },
	{ name: 'exactly 4 characters', alphabet: [...'/=+%&"<ö'], length: [4, 4], headerSafe: true },
	{ name: 'long', alphabet: [...'/=+%&"<>ö-_.~'], length: [200, 240], headerSafe: true },
	{ name: 'spaces', alphabet: [' ', ' ', '!', '+'], length: [10, 16], headerSafe: true },
];

/**
 * `count` secrets of a class, the same for a seed on every machine. A secret
 * has at least one character of its alphabet, and no space at either end
 * (credentials send keys trimmed).
 */
export function drawSecrets(secretClass: SecretClass, count: number, seed: number): string[] {
	const prng = new Prng(seed);
	const secrets: string[] = [];
	while (secrets.length < count) {
		const length = prng.int(secretClass.length[0], secretClass.length[1]);
		const pieces: string[] = [prng.pick(secretClass.alphabet)];
		while ([...pieces.join('')].length < length) {
			pieces.push(secretClass.only || prng.next() < 0.5 ? prng.pick(secretClass.alphabet) : prng.pick(LETTERS));
		}
		// Shuffle, so the class's character is not always first; cut to length by characters (emoji stay whole).
		for (let i = pieces.length - 1; i > 0; i--) {
			const j = prng.int(0, i);
			[pieces[i], pieces[j]] = [pieces[j], pieces[i]];
		}
		const secret = [...pieces.join('')].slice(0, length).join('').trim();
		if (secret.length >= 4 && !secrets.includes(secret)) secrets.push(secret);
	}
	return secrets;
}

/** Every string in a value, keys and numbers included, and every property of errors (message, stack, description, context, cause). */
export function textsIn(value: unknown): string[] {
	const texts: string[] = [];
	const seen = new Set<object>();
	const walk = (inner: unknown): void => {
		if (typeof inner === 'string') texts.push(inner);
		else if (typeof inner === 'number' || typeof inner === 'bigint') texts.push(String(inner));
		else if (inner !== null && typeof inner === 'object' && !seen.has(inner)) {
			seen.add(inner);
			// Own property names, so an Error's message and stack are read as well.
			for (const key of Object.getOwnPropertyNames(inner)) {
				texts.push(key);
				walk((inner as Record<string, unknown>)[key]);
			}
		}
	};
	walk(value);
	return texts;
}

/**
 * The forms of a secret a leak can take: as it is, and in every encoding
 * (each layer and each pair of layers), as a number when it is digits. Forms
 * shorter than 4 characters are left out, as the scrubber leaves them.
 */
export function formsOf(secret: string, encodings: string[] = Object.keys(ENCODINGS)): string[] {
	return [...new Set([secret, ...encodings.map((name) => ENCODINGS[name](secret))])].filter((form) => form.length >= 4);
}

/** The forms of `secret` found in `value`; digits-only forms only between non-digits (an order ID that happens to contain them is not the secret). */
export function leaksIn(value: unknown, secret: string, forms: string[] = formsOf(secret)): string[] {
	const texts = textsIn(value);
	return forms.filter((form) => {
		const pattern = /^\d+$/.test(form) ? new RegExp(`(?<!\\d)${form}(?!\\d)`) : undefined;
		return texts.some((text) => (pattern ? pattern.test(text) : text.includes(form)));
	});
}

/** The single-layer encodings: the cheap check set for one answer (see leaksIn). */
export const LAYERS = Object.keys(ENCODERS);
