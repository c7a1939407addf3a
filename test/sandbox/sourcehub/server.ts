// The SourceHub sandbox's HTTP side: routing under /api, Bearer auth, latency,
// faults, the request log, in-flight counting and the /__sandbox/* inspection
// endpoints, around the store and the endpoint handlers.

import type http from 'node:http';

import { SandboxClock } from '../clock';
import { FaultController } from '../faults';
import { readBody, RequestLog, SandboxHttp, sendReply } from '../http';
import { Leak, type LeakOptions } from '../leak';
import { htmlPage, type Reply } from '../reply';
import {
	createOrder,
	getCart,
	getOrder,
	listOrders,
	sourceHubError,
	type ApiRequest,
	type HandlerSettings,
} from './handlers';
import { SourceHubStore, UnknownRecordError } from './store';
import type {
	CartItem,
	SourceHubApiName,
	SourceHubCounts,
	SourceHubCustomer,
	SourceHubFaultSpec,
	SourceHubOrder,
	SourceHubProduct,
	SourceHubRequestLogEntry,
	SourceHubSandbox,
	SourceHubSandboxOptions,
} from './types';

export const SOURCEHUB_DEFAULTS = {
	apiKey: 'sourcehub-sandbox-key',
	timezoneOffsetMinutes: 330,
	placedStatus: 200,
	emptyList: 'emptyList',
	overLimitCount: 'refuse',
	pageSizeCap: 100,
	listOrder: 'newestFirst',
	refillCarts: false,
	maxLogEntries: 200_000,
	slowDelayMs: 1000,
	maxBodyBytes: 1024 * 1024,
	keepAliveTimeoutMs: 30_000,
} as const;

/** SourceHub's answer to a missing or wrong key, word for word from its page. */
export const AUTHENTICATION_FAILED = 'Invalid credential or token.';

export const API_PREFIX = '/api';

type Handler = (store: SourceHubStore, settings: HandlerSettings, request: ApiRequest) => Reply;

interface Route {
	api: SourceHubApiName;
	method: string;
	handle: Handler;
	pathId?: string;
}

/** The route of an API path (below /api), or undefined. */
function routeOf(path: string, method: string): Route | { api: 'unknown'; allowed?: string } {
	const routes: Record<string, { api: SourceHubApiName; method: string; handle: Handler }> = {
		'/orders/create': { api: 'createOrder', method: 'POST', handle: createOrder },
		'/orders': { api: 'listOrders', method: 'GET', handle: listOrders },
		'/cart': { api: 'getCart', method: 'GET', handle: getCart },
	};
	const fixed = routes[path];
	const byId = /^\/orders\/([^/]+)$/.exec(path);
	const route = fixed ?? (byId ? { api: 'getOrder' as const, method: 'GET', handle: getOrder, pathId: decodeURIComponent(byId[1]) } : undefined);
	if (!route) return { api: 'unknown' };
	if (route.method !== method) return { api: 'unknown', allowed: route.method };
	return route;
}

function faultReply(fault: SourceHubFaultSpec, source: string): Reply | undefined {
	const retryAfter = fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : undefined;
	switch (fault.kind) {
		case 'rateLimit':
			return { ...sourceHubError(429, 'TOO_MANY_REQUESTS', 'Too many requests, please slow down.', source), headers: retryAfter };
		case 'unavailable':
			return { ...sourceHubError(503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable.', source), headers: retryAfter };
		case 'serverError':
			return sourceHubError(500, 'SERVER_ERROR', 'Something went wrong.', source);
		case 'failureBody':
			// A 200 that carries an error: SourceHub does not document one; a client must not take it for data.
			return { ...sourceHubError(400, 'BAD_REQUEST_ERROR', fault.message ?? 'The request could not be processed.', source), status: 200 };
		case 'html':
			return htmlPage(502, 'Bad Gateway', 'The upstream server returned an invalid response.');
		default:
			return undefined;
	}
}

function todayIn(epochMs: number, offsetMinutes: number): string {
	return new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

export class SourceHubSandboxServer implements SourceHubSandbox {
	readonly clock: SandboxClock;
	readonly apiKey: string;
	readonly faults: SourceHubSandbox['faults'];

	private readonly http: SandboxHttp;
	private readonly store = new SourceHubStore();
	private readonly settings: HandlerSettings;
	private readonly faultController = new FaultController<SourceHubApiName>();
	private readonly log: RequestLog<SourceHubRequestLogEntry>;
	private readonly tzMinutes: number;
	private latencyMs: number;
	private hook: ((entry: SourceHubRequestLogEntry) => void) | undefined;
	private readonly leak = new Leak();
	private seq = 0;

	constructor(private readonly options: SourceHubSandboxOptions = {}) {
		this.clock = new SandboxClock(options.now);
		this.apiKey = options.apiKey ?? SOURCEHUB_DEFAULTS.apiKey;
		this.tzMinutes = options.timezoneOffsetMinutes ?? SOURCEHUB_DEFAULTS.timezoneOffsetMinutes;
		this.latencyMs = checkedMs(options.latencyMs ?? 0);
		this.settings = {
			placedStatus: options.placedStatus ?? SOURCEHUB_DEFAULTS.placedStatus,
			emptyList: options.emptyList ?? SOURCEHUB_DEFAULTS.emptyList,
			overLimitCount: options.overLimitCount ?? SOURCEHUB_DEFAULTS.overLimitCount,
			pageSizeCap: options.pageSizeCap ?? SOURCEHUB_DEFAULTS.pageSizeCap,
			listOrder: options.listOrder ?? SOURCEHUB_DEFAULTS.listOrder,
			refillCarts: options.refillCarts ?? SOURCEHUB_DEFAULTS.refillCarts,
		};
		this.configure({});
		this.log = new RequestLog(options.maxLogEntries ?? SOURCEHUB_DEFAULTS.maxLogEntries);
		const faults = this.faultController;
		this.faults = {
			script: (...specs) => faults.script(...specs),
			rate: (rate, spec, seed) => faults.rate(rate, spec, seed),
			clear: () => faults.clear(),
		};
		this.http = new SandboxHttp((req, res) => this.onRequest(req, res), SOURCEHUB_DEFAULTS.keepAliveTimeoutMs);
	}

	async listen(): Promise<void> {
		await this.http.listen(this.options.port);
	}

	get port(): number {
		return this.http.port;
	}

	get origin(): string {
		return `http://127.0.0.1:${this.http.port}`;
	}

	get baseUrl(): string {
		return `${this.origin}${API_PREFIX}`;
	}

	// ---- knobs and direct access ----------------------------------------------

	setLatency(ms: number): void {
		this.latencyMs = checkedMs(ms);
	}

	configure(settings: Parameters<SourceHubSandbox['configure']>[0]): void {
		const next = { ...this.settings, ...settings };
		if (!Number.isInteger(next.pageSizeCap) || next.pageSizeCap < 1) {
			throw new Error(`pageSizeCap must be a whole number >= 1, got ${next.pageSizeCap}`);
		}
		if (!Number.isInteger(next.placedStatus) || next.placedStatus < 200 || next.placedStatus > 299) {
			throw new Error(`placedStatus must be a 2xx status, got ${next.placedStatus}`);
		}
		Object.assign(this.settings, next);
	}

	addProduct(init?: Partial<SourceHubProduct> & { stock?: number }): SourceHubProduct {
		return structuredClone(this.store.addProduct(init));
	}

	setStock(productId: number, stock: number): void {
		this.store.setStock(productId, stock);
	}

	stock(productId: number): number {
		if (!this.store.products.has(productId)) throw new UnknownRecordError(`no product ${productId}`);
		return this.store.stockByProduct.get(productId) ?? 0;
	}

	addCustomer(init?: Partial<SourceHubCustomer>): SourceHubCustomer {
		return structuredClone(this.store.addCustomer(init));
	}

	fillCart(customerId: number, items: Array<{ productId: number; quantity: number }>): CartItem[] {
		return this.store.fillCart(customerId, items);
	}

	cart(customerId: number): CartItem[] {
		this.store.customer(customerId);
		return (this.store.carts.get(customerId) ?? []).map((item) => ({ ...item }));
	}

	seedOrders(
		customerId: number,
		n: number,
		init?: Partial<SourceHubOrder> | ((i: number) => Partial<SourceHubOrder>),
	): SourceHubOrder[] {
		const today = todayIn(this.clock.now(), this.tzMinutes);
		const product = this.store.products.values().next().value as SourceHubProduct;
		return Array.from({ length: n }, (_, i) => {
			const fields = typeof init === 'function' ? init(i) : init;
			const line = { id: product.id, sku: product.sku, name: product.name, quantity: 1 + (i % 3), price: product.productpricing.price };
			return structuredClone(this.store.addOrder(customerId, { products: [line], date: today, ...fields }));
		});
	}

	setStatus(orderId: number, status: string): void {
		this.store.order(orderId).laststatus = { name: status };
	}

	removeOrder(orderId: number): void {
		this.store.order(orderId);
		this.store.orders.delete(orderId);
	}

	getOrder(id: number): SourceHubOrder | undefined {
		const stored = this.store.orders.get(id);
		return stored && structuredClone(stored.order);
	}

	listOrders(): SourceHubOrder[] {
		return [...this.store.orders.values()].sort((a, b) => a.seq - b.seq).map((stored) => structuredClone(stored.order));
	}

	counts(): SourceHubCounts {
		return this.store.counts();
	}

	requests(): SourceHubRequestLogEntry[] {
		return this.log.list();
	}

	clearRequests(): void {
		this.log.clear();
	}

	inFlight(): { current: number; peak: number } {
		return this.http.inFlight();
	}

	beforeAnswer(hook: ((entry: SourceHubRequestLogEntry) => void) | undefined): void {
		this.hook = hook;
	}

	setLeak(options: LeakOptions | undefined): void {
		this.leak.set(options);
	}

	reset(): void {
		this.store.reset();
		this.log.clear();
		this.seq = 0;
		this.faultController.clear();
		this.hook = undefined;
		this.leak.set(undefined);
	}

	close(): Promise<void> {
		return this.http.close();
	}

	// ---- request pipeline -----------------------------------------------------

	private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
		const url = new URL(req.url ?? '/', this.origin);
		const entry: SourceHubRequestLogEntry = {
			seq: ++this.seq,
			at: this.clock.now(),
			method: req.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			api: 'unknown',
			authorized: false,
			status: 0,
			body: undefined,
			durationMs: 0,
		};
		this.log.record(entry);
		this.http.track(res, (status, durationMs) => {
			entry.durationMs = durationMs;
			entry.status = status;
			if (this.options.logRequests) {
				const fault = entry.fault ? ` [${entry.fault}]` : '';
				process.stdout.write(`[sourcehub] ${entry.method} ${req.url} -> ${entry.status || 'no answer'} ${entry.api}${fault} ${entry.durationMs.toFixed(1)}ms\n`);
			}
		});

		readBody(req, res, SOURCEHUB_DEFAULTS.maxBodyBytes, (raw = '') => {
			// SourceHub's endpoints take no body; one too large is logged as empty.
			if (raw.trim() !== '') {
				try {
					entry.body = JSON.parse(raw);
				} catch {
					entry.body = raw.slice(0, 4096);
				}
			}
			this.handle(req, res, entry, url).catch((error: unknown) => {
				this.warn('request failed', error);
				sendReply(res, sourceHubError(500, 'SERVER_ERROR', 'Something went wrong.', `${this.origin}${url.pathname}`));
			});
		});
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse, entry: SourceHubRequestLogEntry, url: URL): Promise<void> {
		if (url.pathname.startsWith('/__sandbox/')) {
			entry.api = 'inspect';
			entry.authorized = true;
			const fault = this.faultController.take('inspect');
			if (fault) entry.fault = fault.kind;
			sendReply(res, this.inspect(url, entry.method, entry.body));
			return;
		}

		const source = `${this.origin}${url.pathname}`;
		const apiPath = url.pathname.startsWith(`${API_PREFIX}/`) ? url.pathname.slice(API_PREFIX.length) : undefined;
		const route = apiPath === undefined ? { api: 'unknown' as const } : routeOf(apiPath.replace(/\/+$/, ''), entry.method);
		entry.api = route.api;
		entry.authorized = this.authorized(req.headers.authorization);
		this.hook?.(entry);

		const fault = route.api === 'unknown' ? undefined : this.faultController.take(route.api);
		if (fault) entry.fault = fault.kind;
		if (this.latencyMs > 0) await this.http.timers.sleep(this.latencyMs);
		if (fault?.kind === 'reset') {
			req.socket.destroy();
			return;
		}
		const faulted = fault && faultReply(fault, source);
		if (faulted) {
			this.send(res, faulted, req, entry);
			return;
		}

		const reply = this.answer(route, entry.authorized, url, source);
		if (fault?.kind === 'slow') await this.http.timers.sleep(fault.delayMs ?? SOURCEHUB_DEFAULTS.slowDelayMs);
		this.send(res, reply, req, entry);
	}

	/** An API answer, quoting the request's key back in leak mode. */
	private send(res: http.ServerResponse, reply: Reply, req: http.IncomingMessage, entry: SourceHubRequestLogEntry): void {
		const leaked = this.leak.apply(reply, req.headers.authorization);
		if (leaked.record) entry.leaked = leaked.record;
		sendReply(res, leaked.reply);
	}

	/** The answer of a request that is not faulted. Writes happen here, synchronously. */
	private answer(route: ReturnType<typeof routeOf>, authorized: boolean, url: URL, source: string): Reply {
		if (!('handle' in route)) {
			if ('allowed' in route && route.allowed) {
				return { ...sourceHubError(405, 'METHOD_NOT_ALLOWED_ERROR', 'The method is not supported for this route.', source), headers: { Allow: route.allowed } };
			}
			return htmlPage(404, 'Not Found', `The requested resource [${url.pathname}] is not available`);
		}
		if (!authorized) return sourceHubError(401, 'AUTHENTICATION_ERROR', AUTHENTICATION_FAILED, source);
		const request: ApiRequest = {
			query: url.searchParams,
			pathId: route.pathId,
			source,
			today: todayIn(this.clock.now(), this.tzMinutes),
		};
		try {
			return route.handle(this.store, this.settings, request);
		} catch (error) {
			this.warn(`handler for ${url.pathname} crashed`, error);
			return sourceHubError(500, 'SERVER_ERROR', 'Something went wrong.', source);
		}
	}

	private authorized(header: string | undefined): boolean {
		const match = /^Bearer (.+)$/i.exec(header ?? '');
		return match !== null && match[1] === this.apiKey;
	}

	// ---- inspection endpoints (test-only, no auth) ------------------------------

	private inspect(url: URL, method: string, body: unknown): Reply {
		const fail = (message: string, status = 400): Reply => ({ status, body: { error: message } });
		const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
		try {
			switch (`${method} ${url.pathname}`) {
				case 'GET /__sandbox/state': {
					const limit = Number(url.searchParams.get('limit') ?? 100);
					return {
						status: 200,
						body: {
							counts: this.counts(),
							inFlight: this.inFlight(),
							requests: this.log.list(Number.isInteger(limit) && limit >= 0 ? limit : 100),
							clock: { now: this.clock.now(), iso: new Date(this.clock.now()).toISOString(), frozen: this.clock.frozen },
							config: { ...this.settings, latencyMs: this.latencyMs, timezoneOffsetMinutes: this.tzMinutes, pendingScriptedFaults: this.faultController.pending() },
						},
					};
				}
				case 'GET /__sandbox/orders':
					return { status: 200, body: { orders: this.listOrders() } };
				case 'POST /__sandbox/customers':
					return { status: 200, body: { customer: this.addCustomer(input as Partial<SourceHubCustomer>) } };
				case 'POST /__sandbox/products':
					return { status: 200, body: { product: this.addProduct(input as Partial<SourceHubProduct>) } };
				case 'POST /__sandbox/cart': {
					const items = Array.isArray(input.items) ? (input.items as Array<{ productId: number; quantity: number }>) : [];
					return { status: 200, body: { items: this.fillCart(Number(input.customerId), items) } };
				}
				case 'POST /__sandbox/stock':
					this.setStock(Number(input.productId), Number(input.stock));
					return { status: 200, body: { productId: Number(input.productId), stock: this.stock(Number(input.productId)) } };
				case 'POST /__sandbox/status':
					this.setStatus(Number(input.orderId), String(input.status));
					return { status: 200, body: { order: this.getOrder(Number(input.orderId)) } };
				default:
					return fail(`no inspection endpoint ${method} ${url.pathname}`, 404);
			}
		} catch (error) {
			return fail(error instanceof Error ? error.message : String(error), error instanceof UnknownRecordError ? 404 : 400);
		}
	}

	private warn(what: string, error: unknown): void {
		if (this.options.quiet) return;
		process.stderr.write(`[sourcehub-sandbox] ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	}
}

function checkedMs(ms: number): number {
	if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be >= 0 ms, got ${ms}`);
	return ms;
}

export async function startSourceHubSandbox(options: SourceHubSandboxOptions = {}): Promise<SourceHubSandbox> {
	const sandbox = new SourceHubSandboxServer(options);
	await sandbox.listen();
	return sandbox;
}
