import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the echo server answers: each kind quotes the request's headers, secrets and body back. */
export type EchoKind = 'ok' | 'failed' | 'unauthorized' | 'badRequestText' | 'serverError' | 'htmlError' | 'htmlOk';

export const ECHO_KINDS: EchoKind[] = ['ok', 'failed', 'unauthorized', 'badRequestText', 'serverError', 'htmlError', 'htmlOk'];

export interface EchoServer {
	readonly baseUrl: string;
	kind: EchoKind;
	close(): Promise<void>;
}

/**
 * A server that answers every request by quoting it back, the way a badly
 * behaved API or proxy does: the Authorization header, what it decodes to
 * (user:password or the key), the other headers and the body, in JSON,
 * plain text and HTML answers.
 */
export async function startEchoServer(): Promise<EchoServer> {
	const state = { kind: 'ok' as EchoKind };
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const authorization = String(req.headers.authorization ?? '');
			const token = authorization.replace(/^\w+\s+/, '');
			const decoded = Buffer.from(token, 'base64').toString('utf8');
			const echo = {
				authorization,
				decoded,
				key: token,
				encoded: encodeURIComponent(`${token} ${decoded}`),
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			};
			let asked: { offset?: string; startPosition?: string } = {};
			try {
				const parsed = JSON.parse(echo.body) as typeof asked | Array<typeof asked>;
				asked = Array.isArray(parsed) ? (parsed[0] ?? {}) : parsed;
			} catch {
				// not JSON
			}
			// Lists end after the first page, as a real API's would.
			const laterPage = Number(asked.offset ?? asked.startPosition ?? 0) > 0;
			const quote = `Unexpected header Authorization: ${authorization} (${decoded}); key ${token}`;
			const json = (status: number, body: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '0' });
				res.end(JSON.stringify(body));
			};
			const html = (status: number) => {
				res.writeHead(status, { 'content-type': 'text/html', 'retry-after': '0' });
				res.end(`<html><head><title>${quote}</title></head><body><pre>${JSON.stringify(echo)}</pre></body></html>`);
			};
			switch (state.kind) {
				case 'ok':
					return json(200, {
						status: 'success',
						message: { id: '1', remarks: quote, echo },
						order_details: laterPage ? [] : [{ id: 1, remarks: quote, echo }],
						orders: laterPage ? [] : [{ id: '1', remarks: quote }],
						Order: { order_id: 1, remarks: quote },
						echo,
					});
				case 'failed':
					return json(200, { status: 'failed', message: quote, echo });
				case 'unauthorized':
					return json(401, { status: 'failed', message: `Invalid Auth Key ${token}`, echo });
				case 'badRequestText':
					res.writeHead(400, { 'content-type': 'text/plain' });
					return res.end(`${quote}\n${JSON.stringify(echo)}`);
				case 'serverError':
					return json(500, { error: { description: quote, echo } });
				case 'htmlError':
					return html(502);
				case 'htmlOk':
					return html(200);
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		get kind() {
			return state.kind;
		},
		set kind(kind: EchoKind) {
			state.kind = kind;
		},
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
