// HTTP plumbing both sandboxes (Kapture's and SourceHub's) share.

import http, { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

import type { Reply } from './reply';

/** Writes a reply as JSON, or as an HTML page when it has one; nothing once the client is gone. */
export function sendReply(res: http.ServerResponse, reply: Reply): void {
	if (res.headersSent || res.destroyed) return;
	const isHtml = reply.html !== undefined;
	const payload = Buffer.from(reply.text ?? (isHtml ? (reply.html as string) : JSON.stringify(reply.body)), 'utf8');
	res.writeHead(reply.status, {
		'Content-Type': reply.contentType ?? (isHtml ? 'text/html;charset=utf-8' : 'application/json;charset=UTF-8'),
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

/**
 * One sandbox's HTTP server on 127.0.0.1: listening, the in-flight count
 * (from arrival until the response is closed), its timers, and a close that
 * also drops idle keep-alive sockets.
 */
export class SandboxHttp {
	readonly timers = new SandboxTimers();
	private readonly server: http.Server;
	private current = 0;
	private peak = 0;
	private boundPort = 0;
	private closing: Promise<void> | undefined;

	constructor(onRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void, keepAliveTimeoutMs: number) {
		this.server = createServer({ noDelay: true }, onRequest);
		this.server.keepAliveTimeout = keepAliveTimeoutMs;
	}

	async listen(port = 0): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, '127.0.0.1', () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		this.boundPort = (this.server.address() as AddressInfo).port;
	}

	get port(): number {
		return this.boundPort;
	}

	inFlight(): { current: number; peak: number } {
		return { current: this.current, peak: this.peak };
	}

	resetPeak(): void {
		this.peak = this.current;
	}

	/** Counts a request in flight until its response closes; `done` gets the status sent (0: none) and the time taken. */
	track(res: http.ServerResponse, done: (status: number, durationMs: number) => void): void {
		const startedAt = performance.now();
		this.current++;
		if (this.current > this.peak) this.peak = this.current;
		res.once('close', () => {
			this.current--;
			done(res.writableFinished ? res.statusCode : 0, performance.now() - startedAt);
		});
	}

	close(): Promise<void> {
		this.closing ??= new Promise<void>((resolve) => {
			this.timers.cancelAll();
			if (!this.server.listening) return resolve();
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
		return this.closing;
	}
}

/** Reads a request body; `done` gets its text, or undefined when it is larger than `maxBytes`. */
export function readBody(req: http.IncomingMessage, res: http.ServerResponse, maxBytes: number, done: (raw: string | undefined) => void): void {
	const chunks: Buffer[] = [];
	let size = 0;
	req.on('data', (chunk: Buffer) => {
		size += chunk.length;
		if (size <= maxBytes) chunks.push(chunk);
	});
	req.on('error', () => res.destroy());
	req.on('end', () => {
		if (size > maxBytes) return done(undefined);
		done(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8'));
	});
}
