// A discrete-event simulation of executions sending through PaceController to
// a vendor: virtual time, seeded latency jitter, and on the vendor's side the
// sandbox's own account limiter (test/sandbox/accountLimit.ts) or refusals at
// random. Each client follows the scheduler's rules (transport/scheduler.ts):
// requests in flight up to the controller's number, starts spaced by its pace
// without catching up, every request waiting out a pause the vendor asked for,
// a refused request sent again after it, with the transport's own back-off.
// Minutes of traffic run in milliseconds, so many cases can be generated.

import { PaceController, type PaceSettings } from '../../../../../nodes/shared/transport/pace';
import { backoffDelay, DEFAULT_RETRY } from '../../../../../nodes/shared/transport/retry';
import { AccountRateLimiter } from '../../../../sandbox/accountLimit';
import { Prng } from '../../../../sandbox/random';

export interface SimulationCase {
	/** Requests per second the account admits (sliding 1 s window); undefined = no limit. */
	limitPerSecond?: number;
	/** Share of requests refused at random (429, Retry-After: retryAfterSeconds). */
	randomRefusals?: number;
	retryAfterSeconds?: number;
	latencyMs: number;
	/** Executions sharing the account, each with its own controller. */
	clients: number;
	settings: PaceSettings;
	/** Requests each client sends. */
	requests: number;
	/** Clients start this far apart (ms). */
	staggerMs?: number;
	seed: number;
	/** Stop after this much virtual time even if requests are left. */
	maxMs?: number;
	/**
	 * false: the clients ignore the controller's decisions (always the ceiling in
	 * flight, no pace) and only wait out the pauses the vendor asks for: the
	 * reference the controller is compared with.
	 */
	paced?: boolean;
	/**
	 * Each client makes new requests no faster than this per second, as an n8n
	 * execution busy with its own work does (queue mode on 2 cores: about 14 a
	 * second); it works ahead by at most the requests it may have in flight.
	 * Undefined: as fast as the pace lets it.
	 */
	maxNewPerSecond?: number;
	/**
	 * Each client's event loop is blocked this long, from 200 ms after its
	 * start (real n8n in queue mode: 1.4-1.7 s, after the first answers, while
	 * a worker starts two executions at once): answers that come meanwhile are
	 * all handled when it ends, and nothing is sent.
	 */
	startStallMs?: number;
}

export interface SimulationResult {
	/** Per second since the start: admitted and refused requests, over all clients. */
	seconds: Array<{ admitted: number; refused: number }>;
	/** When each client had all its requests admitted (ms), or undefined. */
	finishedAt: Array<number | undefined>;
	admitted: number;
	refused: number;
	/** Highest number of one client's requests in flight at once. */
	peakInFlight: number;
	endMs: number;
}

interface Client {
	pace: PaceController;
	left: number;
	/** Refused requests waiting to be sent again, with their attempt number. */
	retries: number[];
	inFlight: number;
	pausedUntil: number;
	lastStart: number;
	pumpAt: number | undefined;
	startAt: number;
	/** When its next new request is ready (a busy client makes them one by one). */
	nextNewAt: number;
	/** Its event loop is blocked from then until then (startStallMs). */
	blockedFrom: number;
	blockedUntil: number;
	finishedAt?: number;
	admitted: number;
}

// When startStallMs begins, after the client's start (real n8n: once the first answers came).
const STALL_FROM_MS = 200;

type Event = { at: number; seq: number; run: () => void };

/** A binary heap of events by time, then by insertion. */
class Events {
	private readonly heap: Event[] = [];
	private seq = 0;

	push(at: number, run: () => void): void {
		const heap = this.heap;
		heap.push({ at, seq: this.seq++, run });
		for (let i = heap.length - 1; i > 0; ) {
			const parent = (i - 1) >> 1;
			if (!before(heap[i], heap[parent])) break;
			[heap[i], heap[parent]] = [heap[parent], heap[i]];
			i = parent;
		}
	}

	pop(): Event | undefined {
		const heap = this.heap;
		const top = heap[0];
		const last = heap.pop();
		if (heap.length > 0 && last) {
			heap[0] = last;
			for (let i = 0; ; ) {
				const l = 2 * i + 1;
				const r = l + 1;
				let m = i;
				if (l < heap.length && before(heap[l], heap[m])) m = l;
				if (r < heap.length && before(heap[r], heap[m])) m = r;
				if (m === i) break;
				[heap[i], heap[m]] = [heap[m], heap[i]];
				i = m;
			}
		}
		return top;
	}
}

const before = (a: Event, b: Event) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export function simulate(c: SimulationCase): SimulationResult {
	const rng = new Prng(c.seed);
	const paced = c.paced ?? true;
	let now = 0;
	const limiter = new AccountRateLimiter(c.limitPerSecond ? { requestsPerSecond: c.limitPerSecond } : undefined, () => now);
	const events = new Events();
	const seconds: SimulationResult['seconds'] = [];
	const count = (kind: 'admitted' | 'refused') => {
		const second = Math.floor(now / 1000);
		while (seconds.length <= second) seconds.push({ admitted: 0, refused: 0 });
		seconds[second][kind]++;
	};
	let peakInFlight = 0;
	const clients: Client[] = Array.from({ length: c.clients }, (_, index) => ({
		pace: new PaceController(c.settings),
		left: c.requests,
		retries: [],
		inFlight: 0,
		pausedUntil: 0,
		lastStart: -Infinity,
		pumpAt: undefined,
		startAt: index * (c.staggerMs ?? 0),
		nextNewAt: index * (c.staggerMs ?? 0),
		blockedFrom: index * (c.staggerMs ?? 0) + STALL_FROM_MS,
		blockedUntil: index * (c.staggerMs ?? 0) + STALL_FROM_MS + (c.startStallMs ?? 0),
		admitted: 0,
	}));

	const latency = () => c.latencyMs * (0.8 + 0.4 * rng.next()) + rng.next() * 2;

	const wake = (client: Client, at: number) => {
		if (client.pumpAt !== undefined && client.pumpAt <= at) return;
		client.pumpAt = at;
		events.push(at, () => {
			if (client.pumpAt !== at) return;
			client.pumpAt = undefined;
			pump(client);
		});
	};

	const pump = (client: Client) => {
		if (now >= client.blockedFrom && now < client.blockedUntil) return wake(client, client.blockedUntil);
		for (;;) {
			if (client.left === 0 && client.retries.length === 0) return;
			if (now < client.pausedUntil) return wake(client, client.pausedUntil);
			if (client.inFlight >= (paced ? client.pace.inFlight : client.pace.ceiling)) return;
			const spacing = paced ? client.pace.spacingMs(now, now < client.lastStart + client.pace.spacingMs(now)) : 0;
			if (now < client.lastStart + spacing) return wake(client, client.lastStart + spacing);
			if (client.retries.length > 0) {
				send(client, client.retries.shift() as number);
				continue;
			}
			if (client.left === 0) return;
			if (c.maxNewPerSecond !== undefined) {
				if (now < client.nextNewAt) return wake(client, client.nextNewAt);
				const makeMs = 1000 / c.maxNewPerSecond;
				const inFlight = paced ? client.pace.inFlight : client.pace.ceiling;
				client.nextNewAt = Math.max(client.nextNewAt, now - (inFlight - 1) * makeMs) + makeMs;
			}
			client.left--;
			send(client, 1);
		}
	};

	const send = (client: Client, attempt: number) => {
		client.lastStart = now;
		client.inFlight++;
		peakInFlight = Math.max(peakInFlight, client.inFlight);
		// The vendor decides on arrival (127.0.0.1: at once); the answer comes after the latency.
		let retryAfterS = limiter.take();
		if (retryAfterS === undefined && c.randomRefusals && rng.next() < c.randomRefusals) retryAfterS = c.retryAfterSeconds ?? 0;
		count(retryAfterS === undefined ? 'admitted' : 'refused');
		const rtt = latency();
		const sentAt = now;
		const answer = () => {
			// A blocked event loop handles the answer when it is free again, in the order they came.
			if (now >= client.blockedFrom && now < client.blockedUntil) return events.push(client.blockedUntil, answer);
			client.inFlight--;
			if (retryAfterS === undefined) {
				client.pace.answered(now, now - sentAt);
				client.admitted++;
				if (client.left === 0 && client.retries.length === 0 && client.inFlight === 0) client.finishedAt = now;
			} else {
				const waitMs = backoffDelay(attempt, DEFAULT_RETRY, retryAfterS * 1000, () => rng.next());
				client.pausedUntil = Math.max(client.pausedUntil, now + waitMs);
				client.pace.refused(now, waitMs, true, sentAt);
				client.retries.push(attempt + 1);
			}
			pump(client);
		};
		events.push(now + rtt, answer);
	};

	for (const client of clients) wake(client, client.startAt);
	const maxMs = c.maxMs ?? 600_000;
	for (let event = events.pop(); event && event.at <= maxMs; event = events.pop()) {
		now = event.at;
		event.run();
	}
	const admitted = seconds.reduce((sum, s) => sum + s.admitted, 0);
	const refused = seconds.reduce((sum, s) => sum + s.refused, 0);
	return { seconds, finishedAt: clients.map((client) => client.finishedAt), admitted, refused, peakInFlight, endMs: now };
}

/** The account-limit claim, shared by pace.test.ts and `npm run bench:pace`: judged from this second on, to this one. */
export const SETTLED_FROM_SECOND = 15;
export const ACCOUNT_CASE_SECONDS = 60;

/**
 * Whether a simulated minute against an account limit kept the claim: once
 * found, the limit is kept to just below it with few refusals, instead of
 * refusal storms every second. Undefined when it did, else what broke it.
 */
export function accountLimitVerdict(c: SimulationCase, r: SimulationResult): string | undefined {
	const limit = c.limitPerSecond as number;
	// What the ceilings (and a busy client) allow at this latency, limit or not.
	const reachable = Math.min(limit, (c.clients * c.settings.ceiling * 1000) / c.latencyMs, c.clients * (c.maxNewPerSecond ?? Infinity));
	const settled = r.seconds.slice(SETTLED_FROM_SECOND, ACCOUNT_CASE_SECONDS);
	const mean = settled.reduce((sum, s) => sum + s.admitted, 0) / settled.length;
	const refusedLater = r.seconds.slice(SETTLED_FROM_SECOND).reduce((sum, s) => sum + s.refused, 0);
	const secondsWithRefusals = settled.filter((s) => s.refused > 0).length;
	if (reachable < limit * 0.9) {
		// The limit is out of reach: nothing refused, everything the ceilings allow.
		if (r.refused !== 0) return `${r.refused} refused though the limit is out of reach`;
		if (mean < 0.9 * reachable) return `${mean.toFixed(1)}/s admitted, below 90 % of the ${reachable.toFixed(1)}/s within reach`;
		return undefined;
	}
	// Just below the limit: at least 80 % of it (a whole request of a tiny limit is a lot).
	if (mean < Math.min(0.8 * limit, limit - 1.2)) return `${mean.toFixed(1)}/s admitted, too far below the limit`;
	if (mean > limit) return `${mean.toFixed(1)}/s admitted, above the limit`;
	// Few refusals once found: a probe now and then per execution, not a storm every second.
	// (A limit of a few requests a second shared by executions is probed in whole requests: up to a quarter of the seconds.)
	const mostSeconds = limit >= 10 ? 5 * c.clients : settled.length / 4;
	if (secondsWithRefusals > mostSeconds) return `refusals in ${secondsWithRefusals} of ${settled.length} seconds (at most ${mostSeconds})`;
	const mostRefused = c.clients * (4 + Math.ceil((limit * c.latencyMs) / 1000)) * 3;
	if (refusedLater > mostRefused) return `${refusedLater} refused after second ${SETTLED_FROM_SECOND} (at most ${mostRefused})`;
	return undefined;
}
