/**
 * One layer of the escapes a server may apply to text it quotes back: JSON
 * and JavaScript string escapes (`\/`, `\u00f6`), percent encoding in either
 * case (UTF-8 or single Latin-1 bytes, `%uXXXX`), form encoding's `+` for a
 * space (only when asked: a `+` is usually just a plus), and HTML character
 * references (numeric in any case and base, and the named ones below).
 * Decoding keeps, for every decoded character, where it came from, so a
 * match in the decoded text can be cut out of the text as it was.
 */

const JSON_SHORT: Record<string, string> = { '/': '/', '"': '"', '\\': '\\', "'": "'", b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

// Named references: every one of HTML 4.01 (what PHP's htmlentities writes, read as HTML5 reads them) and HTML5's names for ASCII punctuation.
const LATIN1_NAMES =
	'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest ' +
	'Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig ' +
	'agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';
const GREEK_NAMES = 'Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho Sigma Tau Upsilon Phi Chi Psi Omega';
const OTHER_NAMES: Record<string, number> = {
	// ASCII, HTML5 names included.
	quot: 0x22, amp: 0x26, apos: 0x27, lt: 0x3c, gt: 0x3e, excl: 0x21, num: 0x23, dollar: 0x24, percnt: 0x25, lpar: 0x28, rpar: 0x29,
	ast: 0x2a, midast: 0x2a, plus: 0x2b, comma: 0x2c, period: 0x2e, sol: 0x2f, colon: 0x3a, semi: 0x3b, equals: 0x3d, quest: 0x3f,
	commat: 0x40, lsqb: 0x5b, lbrack: 0x5b, bsol: 0x5c, rsqb: 0x5d, rbrack: 0x5d, Hat: 0x5e, lowbar: 0x5f, UnderBar: 0x5f, grave: 0x60,
	lcub: 0x7b, lbrace: 0x7b, verbar: 0x7c, vert: 0x7c, VerticalLine: 0x7c, rcub: 0x7d, rbrace: 0x7d, Tab: 0x09, NewLine: 0x0a,
	// HTML 4.01's special and symbol sets.
	OElig: 0x152, oelig: 0x153, Scaron: 0x160, scaron: 0x161, Yuml: 0x178, fnof: 0x192, circ: 0x2c6, tilde: 0x2dc,
	thetasym: 0x3d1, upsih: 0x3d2, piv: 0x3d6, ensp: 0x2002, emsp: 0x2003, thinsp: 0x2009, zwnj: 0x200c, zwj: 0x200d, lrm: 0x200e,
	rlm: 0x200f, ndash: 0x2013, mdash: 0x2014, lsquo: 0x2018, rsquo: 0x2019, sbquo: 0x201a, ldquo: 0x201c, rdquo: 0x201d,
	bdquo: 0x201e, dagger: 0x2020, Dagger: 0x2021, bull: 0x2022, hellip: 0x2026, permil: 0x2030, prime: 0x2032, Prime: 0x2033,
	lsaquo: 0x2039, rsaquo: 0x203a, oline: 0x203e, frasl: 0x2044, euro: 0x20ac, image: 0x2111, weierp: 0x2118, real: 0x211c,
	trade: 0x2122, alefsym: 0x2135, larr: 0x2190, uarr: 0x2191, rarr: 0x2192, darr: 0x2193, harr: 0x2194, crarr: 0x21b5,
	lArr: 0x21d0, uArr: 0x21d1, rArr: 0x21d2, dArr: 0x21d3, hArr: 0x21d4, forall: 0x2200, part: 0x2202, exist: 0x2203,
	empty: 0x2205, nabla: 0x2207, isin: 0x2208, notin: 0x2209, ni: 0x220b, prod: 0x220f, sum: 0x2211, minus: 0x2212,
	lowast: 0x2217, radic: 0x221a, prop: 0x221d, infin: 0x221e, ang: 0x2220, and: 0x2227, or: 0x2228, cap: 0x2229, cup: 0x222a,
	int: 0x222b, there4: 0x2234, sim: 0x223c, cong: 0x2245, asymp: 0x2248, ne: 0x2260, equiv: 0x2261, le: 0x2264, ge: 0x2265,
	sub: 0x2282, sup: 0x2283, nsub: 0x2284, sube: 0x2286, supe: 0x2287, oplus: 0x2295, otimes: 0x2297, perp: 0x22a5,
	sdot: 0x22c5, lceil: 0x2308, rceil: 0x2309, lfloor: 0x230a, rfloor: 0x230b, lang: 0x27e8, rang: 0x27e9, loz: 0x25ca,
	spades: 0x2660, clubs: 0x2663, hearts: 0x2665, diams: 0x2666,
};

/** Name → character of every named reference decoded. */
export const HTML_NAMED_REFERENCES: ReadonlyMap<string, string> = (() => {
	const names = new Map<string, string>();
	LATIN1_NAMES.split(' ').forEach((name, index) => names.set(name, String.fromCharCode(0xa0 + index)));
	GREEK_NAMES.split(' ').forEach((name, index) => {
		// U+03A2 is unassigned (there is no capital final sigma), so capitals from Sigma on sit one further.
		names.set(name, String.fromCharCode(0x391 + index + (index >= 17 ? 1 : 0)));
		names.set(name.toLowerCase(), String.fromCharCode(0x3b1 + index + (index >= 17 ? 1 : 0)));
	});
	names.set('sigmaf', '\u03c2');
	for (const [name, code] of Object.entries(OTHER_NAMES)) names.set(name, String.fromCharCode(code));
	return names;
})();

/**
 * What one layer of decoding undoes. A layer is usually of one kind (a JSON
 * writer's escapes, a URL encoder's), and decoding one kind at a time keeps a
 * secret's own `\\` or `%41` as typed while the kind that encoded it is
 * undone; `all` undoes every kind at once, for text whose layers mix.
 * `form` is percent encoding with `+` for a space.
 */
export type EscapeKind = 'all' | 'json' | 'percent' | 'form' | 'html';

const JSON_ESCAPES = String.raw`\\u[0-9a-fA-F]{4}|\\[/"\\'bfnrt]`;
const PERCENT_ESCAPES = String.raw`%u[0-9a-fA-F]{4}|(?:%[0-9a-fA-F]{2})+`;
const HTML_ESCAPES = String.raw`&#[xX][0-9a-fA-F]{1,6};?|&#[0-9]{1,7};?|&[A-Za-z][A-Za-z0-9]{1,31};`;

// Alternatives are tried in order at each position.
const ESCAPES: Record<EscapeKind, RegExp> = {
	all: new RegExp(`${JSON_ESCAPES}|${PERCENT_ESCAPES}|${HTML_ESCAPES}`, 'g'),
	json: new RegExp(JSON_ESCAPES, 'g'),
	percent: new RegExp(PERCENT_ESCAPES, 'g'),
	form: new RegExp(`${PERCENT_ESCAPES}|\\+`, 'g'),
	html: new RegExp(HTML_ESCAPES, 'g'),
};

// The character every escape of a kind starts with: searching for a character is many times faster than a regular expression.
const STARTS: Record<EscapeKind, string[]> = { all: ['\\', '%', '&'], json: ['\\'], percent: ['%'], form: ['%', '+'], html: ['&'] };

/** Whether the text holds anything one layer of decoding of this kind would change. */
export function hasEscapes(text: string, kind: EscapeKind): boolean {
	if (!STARTS[kind].some((start) => text.indexOf(start) >= 0)) return false;
	const pattern = ESCAPES[kind];
	pattern.lastIndex = 0;
	return pattern.test(text);
}

const hex = (text: string) => parseInt(text, 16);

/** The UTF-8 sequence length a lead byte announces (0: not a lead byte). */
function utf8Length(byte: number): number {
	if (byte >= 0xc2 && byte <= 0xdf) return 2;
	if (byte >= 0xe0 && byte <= 0xef) return 3;
	if (byte >= 0xf0 && byte <= 0xf4) return 4;
	return 0;
}

/**
 * The characters of a run of `%HH` bytes, each with its offsets in the run:
 * UTF-8 where the bytes form it, else each byte as Latin-1 (as old
 * `urlencode` on ISO-8859-1 text writes `ö` as `%F6`).
 */
function percentRun(run: string, emit: (text: string, start: number, end: number) => void): void {
	const bytes: number[] = [];
	for (let i = 0; i < run.length; i += 3) bytes.push(hex(run.slice(i + 1, i + 3)));
	for (let i = 0; i < bytes.length; ) {
		const length = utf8Length(bytes[i]);
		if (length > 0 && i + length <= bytes.length && bytes.slice(i + 1, i + length).every((byte) => byte >= 0x80 && byte <= 0xbf)) {
			const decoded = Buffer.from(bytes.slice(i, i + length)).toString('utf8');
			if (!decoded.includes('\ufffd')) {
				emit(decoded, i * 3, (i + length) * 3);
				i += length;
				continue;
			}
		}
		emit(String.fromCharCode(bytes[i]), i * 3, i * 3 + 3);
		i += 1;
	}
}

/** The text one escape stands for, or undefined when it stands for nothing we know (kept as it is). */
function decodeOne(escape: string): string | undefined {
	switch (escape[0]) {
		case '\\':
			return escape[1] === 'u' ? String.fromCharCode(hex(escape.slice(2))) : JSON_SHORT[escape[1]];
		case '+':
			return ' ';
		case '&': {
			if (escape[1] !== '#') return HTML_NAMED_REFERENCES.get(escape.slice(1, -1));
			const code = escape[2] === 'x' || escape[2] === 'X' ? hex(escape.slice(3).replace(';', '')) : Number(escape.slice(2).replace(';', ''));
			return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
		}
		default:
			// `%uXXXX` here; runs of `%HH` are decoded by percentRun.
			return String.fromCharCode(hex(escape.slice(2)));
	}
}

/** A decoded text and, for each of its UTF-16 units, the offsets [from, to) of what it was decoded from. */
export interface DecodedText {
	text: string;
	from: Int32Array;
	to: Int32Array;
}

/** A text as it is: each unit stands for itself. */
export function undecoded(text: string): DecodedText {
	const from = new Int32Array(text.length);
	const to = new Int32Array(text.length);
	for (let i = 0; i < text.length; i++) {
		from[i] = i;
		to[i] = i + 1;
	}
	return { text, from, to };
}

/** One layer of decoding of `source`, with the offsets carried back to the text `source` came from. */
export function decodeLayer(source: DecodedText, kind: EscapeKind): DecodedText {
	const pattern = ESCAPES[kind];
	const text = source.text;
	const pieces: string[] = [];
	const from: number[] = [];
	const to: number[] = [];
	const emit = (piece: string, start: number, end: number) => {
		pieces.push(piece);
		for (let i = 0; i < piece.length; i++) {
			from.push(source.from[start]);
			to.push(source.to[end - 1]);
		}
	};
	let at = 0;
	pattern.lastIndex = 0;
	for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
		for (let i = at; i < match.index; i++) emit(text[i], i, i + 1);
		const start = match.index;
		if (match[0][0] === '%' && match[0][1] !== 'u') {
			percentRun(match[0], (piece, runStart, runEnd) => emit(piece, start + runStart, start + runEnd));
		} else {
			const decoded = decodeOne(match[0]);
			if (decoded === undefined) for (let i = 0; i < match[0].length; i++) emit(text[start + i], start + i, start + i + 1);
			else emit(decoded, start, start + match[0].length);
		}
		at = start + match[0].length;
	}
	for (let i = at; i < text.length; i++) emit(text[i], i, i + 1);
	return { text: pieces.join(''), from: Int32Array.from(from), to: Int32Array.from(to) };
}

/** One layer of decoding, the text alone (the quick check that needs no offsets). */
export function decodeText(text: string, kind: EscapeKind): string {
	const pattern = ESCAPES[kind];
	return text.replace(pattern, (escape: string) => {
		if (escape[0] === '%' && escape[1] !== 'u') {
			let decoded = '';
			percentRun(escape, (piece) => (decoded += piece));
			return decoded;
		}
		return decodeOne(escape) ?? escape;
	});
}
