// HTTP plumbing both sandboxes (Kapture's and SourceHub's) share.

import type http from 'node:http';

import type { Reply } from './reply';

/** Writes a reply as JSON, or as an HTML page when it has one; nothing once the client is gone. */
export function sendReply(res: http.ServerResponse, reply: Reply): void {
	if (res.headersSent || res.destroyed) return;
	const isHtml = reply.html !== undefined;
	const payload = Buffer.from(isHtml ? (reply.html as string) : JSON.stringify(reply.body), 'utf8');
	res.writeHead(reply.status, {
		'Content-Type': isHtml ? 'text/html;charset=utf-8' : 'application/json;charset=UTF-8',
		'Content-Length': payload.length,
		...reply.headers,
	});
	res.end(payload);
}

/** A bounded request log: appends are O(1) on average, the oldest entries go first. */
export class RequestLog<Entry> {
	private entries: Entry[] = [];

	constructor(private readonly maxEntries: number) {}

	record(entry: Entry): void {
		if (this.maxEntries <= 0) return;
		this.entries.push(entry);
		// Trim in batches: one splice per many requests.
		if (this.entries.length > this.maxEntries + Math.max(1000, this.maxEntries >> 2)) {
			this.entries.splice(0, this.entries.length - this.maxEntries);
		}
	}

	/** Oldest first; at most the last `limit` (default: all kept). */
	list(limit = this.maxEntries): Entry[] {
		return this.entries.slice(Math.max(0, this.entries.length - Math.min(limit, this.maxEntries)));
	}

	clear(): void {
		this.entries = [];
	}
}

/** Timers a sandbox can cancel all at once when it closes. */
export class SandboxTimers {
	private readonly timers = new Set<NodeJS.Timeout>();

	sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}

	cancelAll(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}
}
