// The HTTP side: routing, auth, latency, faults, the request log and the
// in-flight counter, around the Store and the endpoint handlers.

import type http from 'node:http';

import { AccountRateLimiter, type AccountRateLimit } from './accountLimit';
import { partnerAuthorized, v1Authorized, type AuthConfig } from './auth';
import { SandboxClock } from './clock';
import { AFTER_STORING, FaultController } from './faults';
import { readBody, RequestLog, SandboxHttp, sendReply } from './http';
import { Leak, type LeakOptions } from './leak';
import { classifyPushBody, getOrder, orderPush, payment, pullByDates } from './partner';
import { htmlPage, partnerFailed, v1Failed, type Reply, type Settings, type TieOrder } from './reply';
import { Prng } from './random';
import { copyOrder, Store } from './store';
import type {
	ApiName,
	FaultSpec,
	ErpOrderIdSearch,
	KaptureSandbox,
	PartnerApi,
	PullBehaviour,
	RequestLogEntry,
	SandboxContact,
	SandboxCounts,
	SandboxCustomer,
	SandboxEnquiry,
	SandboxOptions,
	SandboxOrder,
	SandboxPayment,
} from './types';
import { v1AddUpdate, v1Pull } from './v1';
import { isObject, wholeNumber } from './values';

export const PATHS = {
	v1AddUpdate: '/ms/customer/order/api/v1/add-update',
	v1Pull: '/ms/customer-search/order-search/api/v1/pull-internal',
	partnerPush: '/add-update-order-from-other-source.html',
	partnerPullByDates: '/select-order-between-start-and-end-dates.html',
	partnerGetOrder: '/search-order-by-order-id.html',
	inspectState: '/__sandbox/state',
	inspectOrders: '/__sandbox/orders',
} as const;

export const DEFAULTS = {
	username: 'sandbox-user',
	password: 'sandbox-password',
	authKey: 'sandbox-auth-key',
	cmId: 1000298,
	pageSizeCap: 500,
	timezoneOffsetMinutes: 330,
	partnerWindowHours: 24,
	maxLogEntries: 200_000,
	dataSeed: 20240508,
	apiUserId: 209803,
	defaultPullLimit: 50,
	slowDelayMs: 1000,
	keepAliveTimeoutMs: 30_000,
	maxBodyBytes: 64 * 1024 * 1024,
} as const;

type Family = 'v1' | 'partner' | 'inspect';
type Handler = (store: Store, settings: Settings, body: unknown) => Reply;

interface Route {
	family: Family;
	methods: readonly string[];
	api(body: unknown): ApiName;
	handle?: Handler;
}

const ROUTES = new Map<string, Route>(Object.entries({
	[PATHS.v1AddUpdate]: { family: 'v1', methods: ['POST'], api: () => 'v1AddUpdate', handle: v1AddUpdate },
	// The documented curl for pull sends GET with a body, so GET is accepted too.
	[PATHS.v1Pull]: { family: 'v1', methods: ['POST', 'GET'], api: () => 'v1Pull', handle: v1Pull },
	[PATHS.partnerPush]: {
		family: 'partner',
		methods: ['POST'],
		api: classifyPushBody,
		handle: (store, settings, body) =>
			(classifyPushBody(body) === 'payment' ? payment : orderPush)(store, settings, body),
	},
	[PATHS.partnerPullByDates]: { family: 'partner', methods: ['POST'], api: () => 'pullByDates', handle: pullByDates },
	[PATHS.partnerGetOrder]: { family: 'partner', methods: ['POST'], api: () => 'getOrder', handle: getOrder },
	[PATHS.inspectState]: { family: 'inspect', methods: ['GET'], api: () => 'inspect' },
	[PATHS.inspectOrders]: { family: 'inspect', methods: ['GET', 'POST'], api: () => 'inspect' },
} satisfies Record<string, Route>));

const LOGGED_RAW_BODY_CHARS = 4096;

const ERP_ORDER_ID_SEARCHES: readonly ErpOrderIdSearch[] = ['filters', 'ignored', 'matchesNothing'];

export class Sandbox implements KaptureSandbox {
	readonly clock: SandboxClock;
	readonly credentials: { username: string; password: string; authKey: string; cmId: number };
	readonly faults: KaptureSandbox['faults'];

	private readonly http: SandboxHttp;
	private readonly store: Store;
	private readonly settings: Settings;
	private readonly auth: AuthConfig;
	private readonly faultController = new FaultController();
	private readonly accountLimit: AccountRateLimiter;
	private latencyMs: number;
	private readonly log: RequestLog<RequestLogEntry>;
	private readonly leak = new Leak();
	/** Each API request's Authorization and log entry, for leak mode (see leak.ts). */
	private readonly pending = new WeakMap<http.ServerResponse, { authorization?: string; entry: RequestLogEntry }>();
	private seq = 0;

	constructor(private readonly options: SandboxOptions = {}) {
		this.clock = new SandboxClock(options.now);
		this.auth = {
			username: options.username ?? DEFAULTS.username,
			password: options.password ?? DEFAULTS.password,
			authKey: options.authKey ?? DEFAULTS.authKey,
			partnerKeys: { ...options.partnerKeys },
		};
		this.settings = {
			cmId: options.cmId ?? DEFAULTS.cmId,
			tzMinutes: options.timezoneOffsetMinutes ?? DEFAULTS.timezoneOffsetMinutes,
			pageSizeCap: checkedCap(options.pageSizeCap ?? DEFAULTS.pageSizeCap),
			partnerWindowHours: options.partnerWindowHours ?? DEFAULTS.partnerWindowHours,
			defaultPullLimit: options.defaultPullLimit ?? DEFAULTS.defaultPullLimit,
			apiUserId: options.apiUserId ?? DEFAULTS.apiUserId,
			tieOrder: options.tieOrder ?? 'id',
			tieRandom: ((random) => () => random.next())(new Prng(options.dataSeed ?? DEFAULTS.dataSeed)),
			pull: {
				erpOrderIdSearch: options.erpOrderIdSearch ?? (options.literalDocs ? 'ignored' : 'filters'),
				recordsWithoutErpOrderId: options.recordsWithoutErpOrderId ?? Boolean(options.literalDocs),
			},
		};
		this.credentials = {
			username: this.auth.username,
			password: this.auth.password,
			authKey: this.auth.authKey,
			cmId: this.settings.cmId,
		};
		this.latencyMs = checkedMs(options.latencyMs ?? 0);
		this.accountLimit = new AccountRateLimiter(options.accountRateLimit);
		this.log = new RequestLog(options.maxLogEntries ?? DEFAULTS.maxLogEntries);
		this.store = new Store({
			cmId: this.settings.cmId,
			apiUserId: this.settings.apiUserId,
			dataSeed: options.dataSeed ?? DEFAULTS.dataSeed,
			clock: this.clock,
			attr1Choices: checkedChoices(options.attr1Choices),
		});
		this.store.searchDelayMs = checkedMs(options.searchDelayMs ?? 0);
		const faults = this.faultController;
		this.faults = {
			script: (...specs: FaultSpec[]) => faults.script(...specs),
			rate: (rate: number, spec: FaultSpec, seed?: number) => faults.rate(rate, spec, seed),
			clear: () => faults.clear(),
		};
		this.http = new SandboxHttp((req, res) => this.onRequest(req, res), DEFAULTS.keepAliveTimeoutMs);
	}

	async listen(): Promise<void> {
		await this.http.listen(this.options.port);
		if (this.options.seed) this.store.seedOrders(this.options.seed);
	}

	get port(): number {
		return this.http.port;
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.http.port}`;
	}

	// ---- knobs and direct access ----------------------------------------------

	setLatency(ms: number): void {
		this.latencyMs = checkedMs(ms);
	}

	setPageSizeCap(n: number): void {
		this.settings.pageSizeCap = checkedCap(n);
	}

	setAccountRateLimit(limit: AccountRateLimit | undefined): void {
		this.accountLimit.set(limit);
	}

	accountRateLimitStats(): ReturnType<KaptureSandbox['accountRateLimitStats']> {
		return this.accountLimit.stats();
	}

	setCredentials(update: { username?: string; password?: string; authKey?: string }): void {
		for (const key of ['username', 'password', 'authKey'] as const) {
			const value = update[key];
			if (value === undefined) continue;
			this.auth[key] = value;
			this.credentials[key] = value;
		}
	}

	setTieOrder(order: TieOrder): void {
		this.settings.tieOrder = order;
	}

	setSearchDelay(ms: number): void {
		this.store.searchDelayMs = checkedMs(ms);
	}

	setLeak(options: LeakOptions | undefined): void {
		this.leak.set(options);
	}

	setPullBehaviour(behaviour: Partial<PullBehaviour>): void {
		const { erpOrderIdSearch, recordsWithoutErpOrderId } = behaviour;
		if (erpOrderIdSearch !== undefined) {
			if (!ERP_ORDER_ID_SEARCHES.includes(erpOrderIdSearch)) throw new Error(`erpOrderIdSearch must be one of ${ERP_ORDER_ID_SEARCHES.join(', ')}`);
			this.settings.pull.erpOrderIdSearch = erpOrderIdSearch;
		}
		if (recordsWithoutErpOrderId !== undefined) this.settings.pull.recordsWithoutErpOrderId = recordsWithoutErpOrderId;
	}

	pullBehaviour(): PullBehaviour {
		return { ...this.settings.pull };
	}

	seedOrders(
		n: number,
		init?: Partial<SandboxOrder> | ((i: number) => Partial<SandboxOrder>),
	): SandboxOrder[] {
		return this.store.seedOrders(n, init).map(copyOrder);
	}

	insertOrder(init: Partial<SandboxOrder> = {}): SandboxOrder {
		return copyOrder(this.store.addOrder(init, 'seed'));
	}

	getOrder(id: number): SandboxOrder | undefined {
		const order = this.store.orderById.get(id);
		return order && copyOrder(order);
	}

	listOrders(): SandboxOrder[] {
		return this.store.orders.map(copyOrder);
	}

	payments(): SandboxPayment[] {
		return this.store.payments.map((p) => ({ ...p }));
	}

	customers(): SandboxCustomer[] {
		return [...this.store.customers.values()].map((c) => structuredClone(c));
	}

	enquiries(): SandboxEnquiry[] {
		return [...this.store.enquiries.values()].map((e) => structuredClone(e));
	}

	contacts(): SandboxContact[] {
		return [...this.store.contacts.values()].map((c) => ({ ...c }));
	}

	counts(): SandboxCounts {
		return this.store.counts();
	}

	requests(): RequestLogEntry[] {
		return this.log.list();
	}

	clearRequests(): void {
		this.log.clear();
	}

	inFlight(): { current: number; peak: number } {
		return this.http.inFlight();
	}

	resetPeak(): void {
		this.http.resetPeak();
	}

	reset(): void {
		this.store.clear();
		this.log.clear();
		this.seq = 0;
		this.faultController.clear();
		this.leak.set(undefined);
	}

	close(): Promise<void> {
		return this.http.close();
	}

	// ---- request pipeline -----------------------------------------------------

	private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
		const rawUrl = req.url ?? '/';
		const queryAt = rawUrl.indexOf('?');
		const path = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
		const method = req.method ?? 'GET';
		// Kapture's clock, as every HTTP server states it: the sandbox's own (frozen in tests).
		res.setHeader('Date', new Date(this.clock.now()).toUTCString());
		const entry: RequestLogEntry = {
			seq: ++this.seq,
			at: this.clock.now(),
			method,
			path,
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
				process.stdout.write(`${entry.method} ${entry.path} -> ${entry.status || 'no answer'} ${entry.api}${fault} ${entry.durationMs.toFixed(1)}ms\n`);
			}
		});

		readBody(req, res, DEFAULTS.maxBodyBytes, (raw) => {
			if (raw === undefined) {
				this.send(res, v1Failed('Request body too large.', 413));
				return;
			}
			this.handle(req, res, entry, path, raw, queryAt < 0 ? '' : rawUrl.slice(queryAt + 1)).catch((error: unknown) => {
				this.warn('request failed', error);
				this.send(res, v1Failed('Internal server error.', 500));
			});
		});
	}

	private async handle(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		entry: RequestLogEntry,
		path: string,
		raw: string,
		query: string,
	): Promise<void> {
		const route = ROUTES.get(path);

		let body: unknown;
		let malformed = false;
		if (raw.trim() !== '') {
			try {
				body = JSON.parse(raw);
			} catch {
				malformed = true;
				body = raw.length > LOGGED_RAW_BODY_CHARS ? raw.slice(0, LOGGED_RAW_BODY_CHARS) : raw;
			}
		}
		entry.body = body;
		const api: ApiName = route ? route.api(malformed ? undefined : body) : 'unknown';
		entry.api = api;
		entry.authorized = this.authorized(api, req.headers.authorization);
		if (api !== 'inspect') this.pending.set(res, { authorization: req.headers.authorization, entry });

		const fault = this.faultController.take(api, raw);
		if (fault) entry.fault = fault.kind;
		// The account's limit counts every request that reaches Kapture, at arrival.
		const limitedFor = fault || api === 'inspect' || api === 'unknown' ? undefined : this.accountLimit.take();
		if (limitedFor !== undefined) entry.rateLimited = true;
		if (this.latencyMs > 0 && api !== 'inspect') await this.http.timers.sleep(this.latencyMs);

		const processed = !fault || fault.kind === 'slow' || AFTER_STORING.has(fault.kind);
		if (!processed) {
			this.sendFault(req, res, fault);
			return;
		}
		if (limitedFor !== undefined) {
			this.send(res, { ...v1Failed('Too many requests for this account: slow down and retry later.', 429), headers: { 'Retry-After': String(limitedFor) } });
			return;
		}

		const reply = this.answer(route, entry, req.method ?? 'GET', body, malformed, query);
		if (fault?.kind === 'slow') await this.http.timers.sleep(fault.delayMs ?? DEFAULTS.slowDelayMs);
		if (fault && AFTER_STORING.has(fault.kind)) {
			this.sendFault(req, res, fault);
			return;
		}
		this.send(res, reply);
	}

	/** The answer for a request that is not faulted. Writes happen here, synchronously. */
	private answer(
		route: Route | undefined,
		entry: RequestLogEntry,
		method: string,
		body: unknown,
		malformed: boolean,
		query: string,
	): Reply {
		if (!route) return htmlPage(404, 'Not Found', `The requested resource [${entry.path}] is not available`);
		if (!route.methods.includes(method)) {
			const reply = route.family === 'partner' ? partnerFailed(`Method ${method} not allowed`) : v1Failed(`Method ${method} not allowed`, 405);
			return { ...reply, status: 405, headers: { Allow: route.methods.join(', ') } };
		}
		if (route.family === 'inspect') return this.inspect(entry.path, method, body, malformed, query);
		if (!entry.authorized) {
			return route.family === 'v1'
				? v1Failed('Invalid Auth Key', 401)
				: partnerFailed('AuthKeyInvalid: the Authorization key is missing, wrong, expired or disabled for this API.');
		}
		if (malformed) {
			const message = 'Malformed JSON in the request body.';
			return route.family === 'v1' ? v1Failed(message, 400) : { ...partnerFailed(message), status: 400 };
		}
		try {
			const before = this.store.orders.length;
			const reply = route.handle!(this.store, this.settings, body);
			if (this.store.orders.length > before) entry.createdOrderIds = this.store.orders.slice(before).map((order) => order.id);
			return reply;
		} catch (error) {
			this.warn(`handler for ${entry.path} crashed`, error);
			return route.family === 'v1' ? v1Failed('Internal server error.', 500) : { ...partnerFailed('ServerFailure: internal error.'), status: 500 };
		}
	}

	private authorized(api: ApiName, header: string | undefined): boolean {
		switch (api) {
			case 'inspect':
				return true;
			case 'unknown':
				return false;
			case 'v1AddUpdate':
			case 'v1Pull':
				return v1Authorized(header, this.auth);
			default:
				return partnerAuthorized(header, api as PartnerApi, this.auth);
		}
	}

	private sendFault(req: http.IncomingMessage, res: http.ServerResponse, fault: FaultSpec): void {
		const retryAfter: Record<string, string> =
			fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
		switch (fault.kind) {
			case 'reset':
			case 'resetAfterStoring':
				req.socket.destroy();
				return;
			case 'rateLimit':
				return this.send(res, { ...v1Failed('Too many requests: slow down and retry later.', 429), headers: retryAfter });
			case 'unavailable':
			case 'unavailableAfterStoring':
				return this.send(res, { ...v1Failed(fault.message ?? 'Service temporarily unavailable.', 503), headers: retryAfter });
			case 'serverError':
			case 'serverErrorAfterStoring':
				return this.send(res, v1Failed(fault.message ?? 'Internal server error.', 500));
			case 'failureBody':
				return this.send(res, v1Failed(fault.message ?? 'The request could not be processed.', 200));
			case 'html':
				return this.send(res, htmlPage(502, 'Bad Gateway', 'The upstream server returned an invalid response.'));
			case 'htmlAfterStoring':
				// A proxy's "please wait" page with a 200: no JSON, no ids.
				return this.send(res, htmlPage(200, 'Please Wait', 'Your request is being processed.'));
			case 'slow':
				return;
		}
	}

	// ---- inspection endpoints (test-only, no auth) ------------------------------

	private inspect(path: string, method: string, body: unknown, malformed: boolean, query: string): Reply {
		const params = new URLSearchParams(query);
		if (path === PATHS.inspectState) {
			const limit = queryNumber(params, 'limit', 100);
			return {
				status: 200,
				body: {
					counts: this.store.counts(),
					inFlight: this.inFlight(),
					requests: limit > 0 ? this.log.list(limit) : [],
					clock: { now: this.clock.now(), iso: new Date(this.clock.now()).toISOString(), frozen: this.clock.frozen },
					config: {
						cmId: this.settings.cmId,
						pageSizeCap: this.settings.pageSizeCap,
						latencyMs: this.latencyMs,
						timezoneOffsetMinutes: this.settings.tzMinutes,
						partnerWindowHours: this.settings.partnerWindowHours,
						defaultPullLimit: this.settings.defaultPullLimit,
						searchDelayMs: this.store.searchDelayMs,
						pull: { ...this.settings.pull },
						pendingScriptedFaults: this.faultController.pending(),
						accountRateLimit: this.accountLimit.stats(),
					},
				},
			};
		}
		if (method === 'GET') {
			const limit = queryNumber(params, 'limit', 100);
			const offset = queryNumber(params, 'offset', 0);
			const orders = this.store.orders.slice(offset, offset + limit);
			return { status: 200, body: { total: this.store.orders.length, limit, offset, orders } };
		}
		if (malformed || (body !== undefined && !isObject(body))) return v1Failed('Send a JSON object {count?, order?}.', 400);
		const request = isObject(body) ? body : {};
		const count = wholeNumber(request.count) ?? 1;
		if (Number.isNaN(count) || count < 1) return v1Failed('count must be a whole number >= 1.', 400);
		const order = (isObject(request.order) ? request.order : {}) as Partial<SandboxOrder>;
		for (const key of ['id', 'customerId', 'enquiryId', 'contactId', 'createDate', 'lastModificationTime'] as const) {
			if (order[key] !== undefined && !Number.isInteger(order[key])) return v1Failed(`order.${key} must be a whole number.`, 400);
		}
		if (order.id !== undefined && count > 1) return v1Failed('order.id can only be given with count 1.', 400);
		try {
			const inits = Array.from({ length: count }, () => ({ ...this.store.generateOrderData(), ...order }));
			const created = this.store.addOrders(inits, 'seed');
			return {
				status: 200,
				body: {
					status: 'success',
					inserted: created.length,
					ids: created.map((o) => o.id),
					...(created.length <= 1000 ? { orders: created } : {}),
				},
			};
		} catch (error) {
			return v1Failed(error instanceof Error ? error.message : String(error), 400);
		}
	}

	// ---- plumbing -------------------------------------------------------------

	private send(res: http.ServerResponse, reply: Reply): void {
		const request = this.pending.get(res);
		if (!request) return sendReply(res, reply);
		const leaked = this.leak.apply(reply, request.authorization);
		if (leaked.record) request.entry.leaked = leaked.record;
		sendReply(res, leaked.reply);
	}

	private warn(what: string, error: unknown): void {
		if (this.options.quiet) return;
		process.stderr.write(`[kapture-sandbox] ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	}
}

function queryNumber(params: URLSearchParams, key: string, fallback: number): number {
	const n = Number(params.get(key) ?? '');
	return params.has(key) && Number.isInteger(n) && n >= 0 ? n : fallback;
}

function checkedCap(n: number): number {
	if (!Number.isInteger(n) || n < 1) throw new Error(`pageSizeCap must be a whole number >= 1, got ${n}`);
	return n;
}

/** A copy of the attr1 choices; an empty list would leave nothing to pick. */
function checkedChoices(choices: readonly string[] | undefined): readonly string[] | undefined {
	if (choices === undefined) return undefined;
	if (choices.length === 0) throw new Error('attr1Choices needs at least one value');
	return [...choices];
}

function checkedMs(ms: number): number {
	if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be >= 0 ms, got ${ms}`);
	return ms;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<KaptureSandbox> {
	const sandbox = new Sandbox(options);
	await sandbox.listen();
	return sandbox;
}
