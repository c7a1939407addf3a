// The scrubber on its own: what it takes out and what it leaves, and the
// generated matrix of secrets × encodings × answer kinds that the mechanism
// (decode, then compare) must clear. The same secrets through n8n, every
// endpoint and answer kind: secrets.matrix.test.ts.

import { MIN_SECRET_LENGTH, REDACTED, Scrubber, scrubberFor } from '../../../../nodes/shared/transport/secrets';
import { decodeLayer, decodeText, undecoded } from '../../../../nodes/shared/transport/textDecoding';
import { drawSecrets, LAYERS, leaksIn, SECRET_CLASSES } from '../../../helpers/secrets';
import { ENCODERS, ENCODINGS, JSON_FLAVOURS, writeJson } from '../../../sandbox/leak';

describe('decoding one layer', () => {
	it.each([
		['JSON and JavaScript escapes', String.raw`a\/b\u003d\u00F6\"\\\n`, 'a/b=ö"\\\n'],
		['percent, either case, UTF-8 or a Latin-1 byte', 'a%2fb%2F%C3%B6%F6%u00F6', 'a/b/ööö'],
		['HTML references: decimal, hex in any case, with or without ;, named', '&#47;&#x2f;&#X2F;&#47x&ouml;&amp;&sol;', '////xö&/'],
		['an emoji, whichever way', '&#128273;%F0%9F%94%91\\ud83d\\udd11', '🔑🔑🔑'],
		['unknown names and lone percent signs stay', '&nosuch; 100% &', '&nosuch; 100% &'],
	])('%s', (_name, text, decoded) => {
		expect(decodeText(text, 'all')).toBe(decoded);
		expect(decodeLayer(undecoded(text), 'all').text).toBe(decoded);
	});

	it('reads + as a space only in form encoding', () => {
		expect(decodeText('my+pw%21', 'percent')).toBe('my+pw!');
		expect(decodeText('my+pw%21', 'form')).toBe('my pw!');
	});

	it('undoes one kind of escape and keeps the others as they are', () => {
		const text = String.raw`a\b&quot;%2F`;
		expect(decodeText(text, 'html')).toBe(String.raw`a\b"%2F`);
		expect(decodeText(text, 'json')).toBe(String.raw`a&quot;%2F`);
		expect(decodeText(text, 'percent')).toBe(String.raw`a\b&quot;/`);
	});

	it('keeps where each decoded character came from', () => {
		const layer = decodeLayer(undecoded('x%C3%B6&amp;y'), 'all');
		expect(layer.text).toBe('xö&y');
		expect([...layer.from]).toEqual([0, 1, 7, 12]);
		expect([...layer.to]).toEqual([1, 7, 12, 13]);
	});
});

describe('Scrubber', () => {
	const scrubber = new Scrubber(['s3cret-pw', 'user:s3cret-pw']);

	it('takes out a secret and any Basic or Bearer token, keeping the words around it', () => {
		expect(scrubber.text('x s3cret-pw y')).toBe(`x ${REDACTED} y`);
		expect(scrubber.text(`Authorization: Basic ${Buffer.from('user:s3cret-pw').toString('base64')}`)).toBe('Authorization: Basic [redacted]');
		expect(scrubber.text('Bearer abc.DEF-123_x')).toBe('Bearer [redacted]');
		expect(scrubber.text('Basic information is missing')).toBe('Basic information is missing');
	});

	it('cuts a match out of the text as it was written, whatever mix of escapes spelled it', () => {
		const pw = new Scrubber(['cnry/Pa55=wörd']);
		expect(pw.text(String.raw`Invalid password cnry\/Pa55\u003dw\u00f6rd for user x`)).toBe('Invalid password [redacted] for user x');
		expect(pw.text('pw=cnry%2fPa55&#61;w%C3%B6rd&next=1')).toBe('pw=[redacted]&next=1');
		expect(pw.text('<p>cnry&amp;#x2F;Pa55=w&ouml;rd</p>')).toBe('<p>[redacted]</p>');
		// A secret with its own `\\` and `"`, HTML-escaped: undoing only HTML's escapes reads it back.
		const typed = String.raw`gr'<>V\"<;d5j\\`;
		expect(new Scrubber([typed]).text(`x ${typed.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)} y`)).toBe(`x ${REDACTED} y`);
	});

	it('reads a parsed answer by what it means: strings, keys and numbers', () => {
		const numeric = new Scrubber(['482913', 's3cret/pw']);
		expect(numeric.body(String.raw`{"a":"s3cret\/pw","s3cret/pw":1,"pin":482913,"n":1482913,"f":4.82913e5,"id":"x482913y"}`)).toEqual({
			a: REDACTED,
			[REDACTED]: 1,
			pin: REDACTED,
			n: 1482913,
			f: REDACTED,
			id: `x${REDACTED}y`,
		});
		const clean = '{"status":"success"}';
		expect(scrubber.body(clean)).toEqual({ status: 'success' });
		expect(scrubber.body('<p>s3cret-pw</p>')).toBe('<p>[redacted]</p>');
	});

	it(`ignores values shorter than ${MIN_SECRET_LENGTH} characters, and decoded forms that short`, () => {
		expect(new Scrubber(['abc']).text('abc abc')).toBe('abc abc');
		// `%41%42` reads as AB: too short to look for; as typed it is long enough.
		expect(new Scrubber(['%41%42']).text('AB and %41%42')).toBe(`AB and ${REDACTED}`);
	});

	it('is built from the fields a vendor names as secret', () => {
		const built = scrubberFor({ fields: ['key', 'pass'], basicPairs: [['user', 'pass']] }, { key: ' k3y-value ', user: 'u', pass: 'p4ssword', other: 'visible' });
		expect(built.text('k3y-value p4ssword visible')).toBe('[redacted] [redacted] visible');
		expect(built.text(Buffer.from('u:p4ssword').toString('base64'))).toBe('[redacted]');
	});
});

/**
 * Every class of secret × every encoding (each layer, each pair of layers)
 * × every kind of answer: JSON in each flavour, plain text, an HTML page.
 * The scrubbed answer must show the secret in no form, and still say what
 * it said around it.
 */
describe('the generated matrix: no secret survives in any encoding, in any answer', () => {
	const secrets = SECRET_CLASSES.flatMap((secretClass, index) => drawSecrets(secretClass, 3, 1700 + index).map((secret): [string, string] => [secretClass.name, secret]));
	const flavours = Object.keys(JSON_FLAVOURS);
	const encodings = Object.keys(ENCODINGS);

	/** The answers quoting `quoted`: [kind, raw body]. One flavour per pair of layers, every flavour for a single layer. */
	function answers(quoted: string, encodingIndex: number, single: boolean): Array<[string, string]> {
		const json = (flavour: string): [string, string] => [
			`JSON (${flavour})`,
			writeJson({ status: 'failed', message: `Invalid password ${quoted} for user echo-user`, [quoted]: true, nested: { list: [`sent ${quoted}`] } }, flavour),
		];
		return [
			...(single ? flavours.map(json) : [json(flavours[encodingIndex % flavours.length])]),
			['text', `Invalid password ${quoted} for user echo-user`],
			['HTML', `<html><head><title>Error ${quoted}</title></head><body><p>Invalid password ${quoted} for user echo-user</p></body></html>`],
		];
	}

	it.each(secrets)('%s: %j', (_class, secret) => {
		const scrubber = new Scrubber([secret]);
		const failures: string[] = [];
		encodings.forEach((encoding, index) => {
			const quoted = ENCODINGS[encoding](secret);
			// What may show: the secret, what was written, each layer of it.
			const forms = [...new Set([secret, quoted, ...LAYERS.map((layer) => ENCODERS[layer](secret))])].filter((form) => form.length >= MIN_SECRET_LENGTH);
			for (const [kind, raw] of answers(quoted, index, encoding in ENCODERS)) {
				const scrubbed = scrubber.body(raw);
				const leaks = leaksIn(scrubbed, secret, forms);
				if (leaks.length > 0) failures.push(`${encoding} in ${kind}: ${JSON.stringify(leaks)} in ${JSON.stringify(scrubbed).slice(0, 300)}`);
				// Only the secret goes: the words around it stay.
				else if (!/Invalid password .*for user echo-user/.test(JSON.stringify(scrubbed))) failures.push(`${encoding} in ${kind}: the message lost its words: ${JSON.stringify(scrubbed).slice(0, 300)}`);
			}
		});
		expect(failures).toEqual([]);
	});

	it('covers what the issue names, among the rest', () => {
		for (const name of ['phpJson', 'pythonAscii', 'gsonHtmlSafe', 'form', 'uriLowerHex', 'htmlHex', 'htmlDecimal', 'json+htmlSpecial', 'htmlEntities+gsonHtmlSafe']) {
			expect(encodings).toContain(name);
		}
		expect(flavours).toEqual(expect.arrayContaining(['php', 'python', 'gson', 'exponent']));
		expect(ENCODINGS.form('my secret pw!')).toBe('my+secret+pw%21');
		expect(ENCODINGS.form('~(')).toBe('%7E%28');
		expect(encodings.length).toBeGreaterThan(300);
	});
});
