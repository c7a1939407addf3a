import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Interposed {
	method: string;
	path: string;
	/** The request body, parsed when it is JSON. */
	body: unknown;
	/** Requests seen so far, this one included (from 1). */
	seq: number;
}

export interface Interposer {
	readonly baseUrl: string;
	close(): Promise<void>;
}

export interface InterposeHooks {
	/** Runs before the request is forwarded: may change the world behind it. */
	before?: (request: Interposed) => Promise<void> | void;
	/** Sees each answer (parsed when it is JSON) before it goes back. */
	after?: (request: Interposed, status: number, body: unknown) => void;
}

function parsed(raw: string): unknown {
	if (raw === '') return undefined;
	try {
		return JSON.parse(raw);
	} catch {
		return raw;
	}
}

/**
 * A pass-through HTTP server in front of `target` (the sandbox), so a test
 * can act between two requests of one node run.
 */
export async function interpose(target: string, hooks: InterposeHooks): Promise<Interposer> {
	let seq = 0;
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			void (async () => {
				const raw = Buffer.concat(chunks).toString('utf8');
				const request = { method: req.method ?? 'GET', path: req.url ?? '/', body: parsed(raw), seq: ++seq };
				await hooks.before?.(request);
				const headers = Object.fromEntries(
					Object.entries(req.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name)),
				) as Record<string, string>;
				const answer = await fetch(`${target}${req.url ?? '/'}`, {
					method: req.method,
					headers,
					body: raw === '' ? undefined : raw,
				});
				const text = await answer.text();
				hooks.after?.(request, answer.status, parsed(text));
				res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
				res.end(text);
			})().catch((error: Error) => {
				res.writeHead(599);
				res.end(error.message);
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
