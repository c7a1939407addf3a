// What a handler answers, independent of the HTTP plumbing.

import type { PullBehaviour } from './types';

export interface Reply {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
	/** Set for non-JSON answers (the 404/502 HTML pages). */
	html?: string;
	/** The body as written, with its content type, when it is not written by JSON.stringify (leak mode). */
	text?: string;
	contentType?: string;
}

/** Settings the handlers read on every request (some can change while running). */
export interface Settings {
	cmId: number;
	tzMinutes: number;
	pageSizeCap: number;
	partnerWindowHours: number;
	defaultPullLimit: number;
	apiUserId: number;
	/** How pulls order records with equal sort keys: by id, or shuffled anew on every request. */
	tieOrder: TieOrder;
	/** Draws the shuffles of `tieOrder: 'shuffled'`. */
	tieRandom: () => number;
	pull: PullBehaviour;
}

export type TieOrder = 'id' | 'shuffled';

/** v1 failure: lower-case keys. */
export function v1Failed(message: string, status = 200): Reply {
	return { status, body: { status: 'failed', message } };
}

/** Partner failure: capitalised keys, always HTTP 200; push says "failed", update/payment "Fail". */
export function partnerFailed(message: string, word: 'failed' | 'Fail' = 'failed'): Reply {
	return { status: 200, body: { Message: message, Status: word } };
}

export function htmlPage(status: number, title: string, detail: string): Reply {
	const html =
		'<!doctype html>\n<html><head><meta charset="utf-8">' +
		`<title>${status} ${title}</title></head>\n<body>\n<h1>HTTP Status ${status} – ${title}</h1>\n` +
		`<hr><p>${escapeHtml(detail)}</p>\n<hr><address>kapture-sandbox</address>\n</body></html>\n`;
	return { status, body: undefined, html };
}

function escapeHtml(value: string): string {
	return value.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}
