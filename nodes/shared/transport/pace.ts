/**
 * How fast one execution sends to a vendor: how many requests may be in
 * flight, and, once the vendor has shown a rate limit, how many may start per
 * second. Pure logic: every event carries its time, so it is tested with a
 * made-up clock (the scheduler feeds it the real one).
 *
 * In flight (AIMD): it starts at `initial`. Each answer that comes back
 * quickly lets one more request in (doubling per round trip) until the first
 * sign of congestion; from then on one more per round trip. A 429/503, or
 * answers turning slow, halve it, at most once per calm period (a burst of
 * refusals is one signal, not one per request).
 *
 * Per second: a rate limit ("n requests per second for the account") counts
 * requests over time, which no number in flight matches at every latency, and
 * halving in flight alone ends in a refusal storm every second. So when a
 * refusal shows such a limit (the vendor asks to wait a second or more, or
 * most of the latest answers are refusals) the pace is set just below the
 * rate the vendor admitted in the last second and held there; only then is it
 * probed upwards, and each time a probe meets the same limit again the next
 * hold is twice as long. A refusal that says "retry now" (Retry-After: 0)
 * among good answers is no rate limit: only the number in flight halves.
 * Nor, before any limit showed, is a lone refusal asking to wait that comes
 * less than a second of sending after the start or the last pause: a vendor
 * or proxy refusing a share of requests at random asks that too, and taking
 * each for a limit set the pace from seconds the pauses cut short, lower on
 * every refusal (runs 10-85x slower than only waiting out the pauses). A
 * limit we reach alone refuses in runs (every request beyond it until its
 * window moves on) or after a full second of our requests filled it, so it
 * still shows; the pause the vendor asked for is all such a refusal costs.
 * Once a limit showed, every refusal counts as before: another execution's
 * probe of a shared limit refuses our requests one by one too.
 *
 * Which refusals a limit explains, from the window counts: a sliding-window
 * limit refuses a request because the window was full when it arrived, so
 * for each request we count how many of ours were admitted in the second
 * before it was sent (its "window count"; the caller passes the send time),
 * and compare a refusal's count with the counts of the latest admitted
 * requests. Under refusals at random both come from the same counts; under a
 * limit the refused ones come from the top. So, once enough admitted
 * requests were counted:
 * - a refusal sent when our window was emptier than for most admitted
 *   requests (below their lowest 30 %) shows no limit, in a run or not,
 *   before or after a limit showed: the pause is all it costs;
 * - a limit we reach alone refuses at the same count every time, above every
 *   admitted one (an execution whose CPU lets it send only a little faster
 *   than the limit fills the window within a second of each pause and is
 *   refused there, every second): two lone refusals in a row at the same
 *   count, each above the counts of all the latest admitted requests and of
 *   at least half that many admitted in between, show a limit;
 * - before a limit showed, a lone refusal not among the top 5 % shows none
 *   (the rule of a full second of sending above is kept for the top ones,
 *   which a shared limit often refuses);
 * - before a limit showed, a refusal not among the top 5 % makes a run only
 *   with the answers right before it, all refused (a limit refuses every
 *   request until its window moves on): with one or two in flight a run is
 *   two refusals among the latest eight answers, which refusals at random
 *   make often.
 * The pace is then set from the refused request's own window count, what the
 * vendor had admitted of ours when it refused, not from the second before the
 * answer, which the pause cut short.
 * Within one execution a limit shared with others looks much like refusals
 * at random (our count is only part of the window); the rules above were
 * chosen on simulated cases of 1-4 executions and are no proof.
 * Each execution finds its own share: in queue mode several executions and
 * workers learn theirs from the same refusals (the shares need not be equal,
 * and a share freed by an execution that ends is taken up only by probing).
 */

export interface PaceSettings {
	/** Most requests in flight: the user's Parallel Requests, or the automatic ceiling. */
	ceiling: number;
	/** Requests in flight at the start (at most the ceiling). */
	initial: number;
	/**
	 * false: a refusal only makes every request wait out the pause the vendor
	 * asked for; neither the requests in flight nor a pace per second follow it.
	 * For refusals that come at random whatever the rate (a proxy), which the
	 * controller may take for a rate limit. Default true.
	 */
	adaptToRefusals?: boolean;
}

/** What the controller decides and knows, for the scheduler and for tests. */
export interface PaceState {
	/** Requests that may be in flight now (whole number, 1 to the ceiling). */
	inFlight: number;
	/** Requests that may start per second; Infinity until a rate limit showed. */
	perSecond: number;
	/** Still doubling: no congestion seen yet. */
	slowStart: boolean;
	/** The rate the vendor admitted when its limit last showed (per second), if it has. */
	knownLimit?: number;
}

/** The share of the admitted rate the pace is set to: just below the limit. */
export const PACE_MARGIN = 0.95;
// Refusals within this period of the last cut are the same signal.
const CALM_MS = 1000;
// The window a rate limit is measured over (the usual "per second").
const RATE_WINDOW_MS = 1000;
// After a rate limit showed, the pace is held this long before it is probed upwards; each time
// a probe finds the same limit again the hold doubles (up to MAX_HOLD_MS): a steady limit is probed rarely.
const HOLD_MS = 10_000;
const MAX_HOLD_MS = 80_000;
// A limit found within this share of the last one is "the same limit".
const SAME_LIMIT = 0.15;
// Then, while requests wait for it, it grows by this share per second until the next refusal.
const PROBE_PER_SECOND = 0.1;
// Of the latest answers, this many refusals show a limit too.
const RECENT_ANSWERS = 8;
const RECENT_REFUSALS_FOR_LIMIT = 6;
// Before a limit showed, a refusal asking to wait counts only in a run: this many of the latest
// answers refused, or this share of the requests in flight when fewer are in flight.
const RUN_OF_REFUSALS = 7;
const RUN_SHARE_OF_IN_FLIGHT = 0.75;
// Window counts: this many of the latest admitted requests' counts are compared with a refusal's, once
// at least WINDOW_MIN_SAMPLES were counted. Below this share of them: no limit. Before a limit showed, a
// lone refusal below this share shows none either (above it the older rules decide).
const WINDOW_SAMPLES = 64;
const WINDOW_MIN_SAMPLES = 16;
const WINDOW_LOW_RANK = 0.3;
const WINDOW_HIGH_RANK = 0.95;
// Two lone refusals at the same count above every admitted one show a limit when no more than this apart,
// with at least this many admitted in between (and at least half the count), all below it.
const SAME_COUNT_WITHIN_MS = 20_000;
const SAME_COUNT_MIN_BETWEEN = 4;
// Send times of admitted requests are kept this long (the window plus the slowest round trips).
const SENDS_KEPT_MS = 5000;
// This long without sending (the event loop blocked, nothing to send) cuts a second of sending short too.
const SEND_GAP_MS = 500;
// Answers faster than 2x the fastest (plus this) are "quick": the vendor keeps up.
const QUICK_SLACK_MS = 50;
// Answers (smoothed) slower than 3x the fastest plus this are a slowdown: fewer in flight.
const SLOW_SLACK_MS = 200;
// Requests in flight kept for a known pace: this many times what it needs at the current round trip.
const IN_FLIGHT_HEADROOM = 1.5;
// How much the fastest answer of late forgets per answer.
const BASELINE_DRIFT = 1 / 256;

/** The index of the first entry of a sorted list that is not below `x`. */
function lowerBound(sorted: number[], x: number): number {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (sorted[mid] < x) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** Where a refusal's window count stands among those of the latest admitted requests. */
interface WindowPosition {
	count: number;
	/** Share of the admitted counts below it (ties count half), 0-1. */
	rank: number;
	/** Above every one of them. */
	top: boolean;
	/** How many admitted counts it was compared with. */
	samples: number;
}

/** The vendor asked to wait a second or more: what a per-second limit asks, and what refusals at random may ask too. */
const asksToWait = (waitMs: number, retryAfterGiven: boolean) => retryAfterGiven && waitMs >= 1000;

export class PaceController {
	readonly ceiling: number;
	private readonly adaptToRefusals: boolean;
	private limit: number;
	private threshold = Infinity;
	private pace = Infinity;
	private knownLimit: number | undefined;
	private calmUntil = -Infinity;
	private paceCalmUntil = -Infinity;
	private holdUntil = -Infinity;
	private holdMs = HOLD_MS;
	private lastProbeAt = -Infinity;
	private fastestRtt = Infinity;
	private smoothedRtt: number | undefined;
	// When admitted requests (answered, not refused) came back, oldest first: the rate the vendor lets through.
	private admitted: number[] = [];
	private recent: boolean[] = [];
	// When this execution began sending, and when the last pause the vendor asked for ends.
	private startedAt = Infinity;
	private pausedUntil = -Infinity;
	// When this execution's admitted requests were sent (sorted, the last few seconds), and the window counts
	// of the latest admitted requests: how many of ours had been admitted in the second before each was sent.
	private admittedSends: number[] = [];
	private admittedCounts: number[] = [];
	// Lone refusals above every admitted count, at the same count, in a row; and the admitted requests
	// since the last lone refusal (how many, their highest count).
	private topRefusals: Array<{ at: number; count: number }> = [];
	private sinceLoneRefusal = { admitted: 0, highest: 0 };

	constructor(settings: PaceSettings) {
		this.ceiling = Math.max(1, Math.floor(settings.ceiling));
		this.adaptToRefusals = settings.adaptToRefusals ?? true;
		this.limit = Math.min(this.ceiling, Math.max(1, Math.floor(settings.initial)));
	}

	state(): PaceState {
		return {
			inFlight: Math.floor(this.limit),
			perSecond: this.pace,
			slowStart: this.threshold === Infinity,
			...(this.knownLimit === undefined ? {} : { knownLimit: this.knownLimit }),
		};
	}

	/** Requests that may be in flight now. */
	get inFlight(): number {
		return Math.floor(this.limit);
	}

	/**
	 * Milliseconds between request starts; 0 while no rate limit showed.
	 * `waiting`: requests are waiting for the pace, so it is what holds them back (and may be probed).
	 */
	spacingMs(now: number, waiting = false): number {
		if (waiting) this.probe(now);
		return Number.isFinite(this.pace) ? 1000 / this.pace : 0;
	}

	/** An answer that is not a slow-down signal came back `rttMs` after its request started. */
	answered(now: number, rttMs: number): void {
		this.remember(false);
		this.countWindow(now, now - rttMs);
		this.startedAt = Math.min(this.startedAt, now - rttMs);
		this.admitted.push(now);
		this.forgetBefore(now);
		// The fastest answer of late: it drifts up slowly, so a vendor that became slower for good
		// sets a new norm instead of halving the requests in flight again and again.
		this.fastestRtt = Math.min(rttMs, this.fastestRtt * (1 + BASELINE_DRIFT));
		this.smoothedRtt = this.smoothedRtt === undefined ? rttMs : this.smoothedRtt + (rttMs - this.smoothedRtt) / 8;
		if (this.smoothedRtt > 3 * this.fastestRtt + SLOW_SLACK_MS) {
			this.halve(now, Math.max(CALM_MS, this.smoothedRtt));
			return;
		}
		if (rttMs > 2 * this.fastestRtt + QUICK_SLACK_MS) return;
		// Below the threshold: one more per answer (doubles per round trip); above it, one more per round trip.
		this.limit = Math.min(this.ceiling, this.limit + (this.limit < this.threshold ? 1 : 1 / this.limit));
	}

	/**
	 * The vendor refused a request and asked to slow down (429/503), to wait
	 * `waitMs` (its Retry-After, or our back-off when it gave none). `sentAt`: when the
	 * refused request was sent (without it only the rules that need no window count apply).
	 */
	refused(now: number, waitMs: number, retryAfterGiven: boolean, sentAt?: number): void {
		this.remember(true);
		const position = sentAt === undefined ? undefined : this.windowPosition(sentAt);
		this.forgetBefore(now);
		this.startedAt = Math.min(this.startedAt, now);
		// Sending since the start, the last pause or the last stretch without sending (a blocked event loop
		// holds answers back, so a refusal handled after it only looks like one after a second of sending).
		const sendingFor = now - Math.max(this.startedAt, this.pausedUntil, this.lastSendGapEnd(now));
		this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
		if (!this.adaptToRefusals) return;
		// The pause itself slows us down: a lone refusal that may be at random changes nothing else.
		if (this.mayBeAtRandom(now, waitMs, retryAfterGiven, sendingFor, position)) return;
		const calm = Math.max(CALM_MS, waitMs);
		this.halve(now, calm);
		this.learnRateLimit(now, waitMs, retryAfterGiven, calm, position);
		// Once a pace keeps to the limit, fewer in flight than it needs would only slow the run further.
		if (Number.isFinite(this.pace)) {
			const needed = Math.ceil((this.pace * (this.smoothedRtt ?? 0) * IN_FLIGHT_HEADROOM) / 1000) + 1;
			this.limit = Math.min(this.ceiling, Math.max(this.limit, needed));
		}
	}

	/**
	 * Before any limit showed, a refusal asking to wait a second or more, neither in a run of
	 * refusals nor after a full second of sending since the start or the last pause: a per-second
	 * limit we reach alone refuses in runs (every request beyond it, until the window moves on) or
	 * once a second of our requests filled it, while refusals at random come any time, one by one.
	 * Taking one as a limit would set the pace from a second the pause cut short.
	 */
	private mayBeAtRandom(now: number, waitMs: number, retryAfterGiven: boolean, sendingFor: number, position: WindowPosition | undefined): boolean {
		if (!asksToWait(waitMs, retryAfterGiven)) return false;
		const counted = position !== undefined && position.samples >= WINDOW_MIN_SAMPLES;
		// Sent when our window was emptier than for most admitted requests: no limit refused it.
		if (counted && position.rank < WINDOW_LOW_RANK) return true;
		// (Or every answer so far, when there are fewer.)
		const run = Math.min(RUN_OF_REFUSALS, Math.max(2, Math.ceil(RUN_SHARE_OF_IN_FLIGHT * this.inFlight)), this.recent.length);
		// Once counted, a refusal not among the top 5 % makes a run only with the answers right before it, all
		// refused: a limit refuses every request until its window moves on, while with few in flight a run is two
		// refusals among the latest eight answers, as eight answers hold at random in one case of five at 10 %
		// refused, one of two at 20 %. (Once a limit showed, such a refusal counts in a run or not.)
		const inRun =
			counted && position.rank < WINDOW_HIGH_RANK ? this.recent.slice(-run).every(Boolean) : this.recent.filter(Boolean).length >= run;
		if (inRun) return false;
		if (counted) {
			if (this.sameCountAgain(now, position)) return false;
			if (!Number.isFinite(this.pace) && position.rank < WINDOW_HIGH_RANK) return true;
		}
		if (Number.isFinite(this.pace)) return false;
		return sendingFor < RATE_WINDOW_MS;
	}

	/**
	 * A lone refusal above every admitted count, at the same count as the lone refusal before it,
	 * with enough admitted in between, all below it: the ceiling of a limit we reach alone.
	 */
	private sameCountAgain(now: number, position: WindowPosition): boolean {
		const between = this.sinceLoneRefusal;
		this.sinceLoneRefusal = { admitted: 0, highest: 0 };
		if (!position.top) {
			this.topRefusals = [];
			return false;
		}
		const first = this.topRefusals[0];
		const last = this.topRefusals[this.topRefusals.length - 1];
		const fits =
			first !== undefined &&
			now - last.at <= SAME_COUNT_WITHIN_MS &&
			position.count === first.count &&
			between.admitted >= Math.max(SAME_COUNT_MIN_BETWEEN, position.count / 2) &&
			between.highest < position.count;
		if (!fits) this.topRefusals = [];
		this.topRefusals.push({ at: now, count: position.count });
		if (this.topRefusals.length < 2) return false;
		this.topRefusals = [];
		return true;
	}

	private learnRateLimit(now: number, waitMs: number, retryAfterGiven: boolean, calm: number, position: WindowPosition | undefined): void {
		const recentRefusals = this.recent.filter(Boolean).length;
		const showsRateLimit = asksToWait(waitMs, retryAfterGiven) || recentRefusals >= RECENT_REFUSALS_FOR_LIMIT;
		if (!showsRateLimit || now < this.paceCalmUntil) return;
		// What the vendor had admitted of ours when it refused is what the limit leaves us (the refused
		// request's window count; without it, what it let through in the second before this answer).
		const admittedPerSecond = position !== undefined && position.count >= 1 ? position.count : this.admitted.length * (1000 / RATE_WINDOW_MS);
		if (admittedPerSecond < 1) {
			// Nothing to measure (long round trips), but the probe met the limit: hold the pace again.
			if (Number.isFinite(this.pace)) {
				this.paceCalmUntil = now + calm;
				this.holdUntil = Math.max(this.holdUntil, now + calm + this.holdMs);
				this.lastProbeAt = this.holdUntil;
			}
			return;
		}
		const sameLimit = this.knownLimit !== undefined && Math.abs(admittedPerSecond / this.knownLimit - 1) <= SAME_LIMIT;
		this.holdMs = sameLimit ? Math.min(MAX_HOLD_MS, this.holdMs * 2) : HOLD_MS;
		this.knownLimit = admittedPerSecond;
		// At most halve at once, so one odd measure cannot stall the run.
		this.pace = Math.max(PACE_MARGIN * admittedPerSecond, Number.isFinite(this.pace) ? this.pace / 2 : 0);
		this.paceCalmUntil = now + calm;
		this.holdUntil = now + calm + this.holdMs;
		this.lastProbeAt = this.holdUntil;
	}

	private halve(now: number, calmMs: number): void {
		if (now < this.calmUntil) return;
		this.limit = Math.max(1, Math.floor(this.limit / 2));
		this.threshold = this.limit;
		this.calmUntil = now + calmMs;
	}

	/** Long after the last rate limit, the pace creeps up again (the limit or our share may have grown). */
	private probe(now: number): void {
		if (!Number.isFinite(this.pace) || now < this.holdUntil) return;
		// Only time spent waiting for the pace counts: a gap without requests proves nothing.
		const seconds = Math.min(1000, now - Math.max(this.lastProbeAt, this.holdUntil)) / 1000;
		this.lastProbeAt = now;
		if (seconds > 0) this.pace *= (1 + PROBE_PER_SECOND) ** seconds;
	}

	/** How many of our admitted requests were sent in the second up to `sentAt` (same instant included: a burst). */
	private windowCount(sentAt: number): number {
		return lowerBound(this.admittedSends, sentAt + 0.5) - lowerBound(this.admittedSends, sentAt - RATE_WINDOW_MS + 0.5);
	}

	/**
	 * When our sending last resumed, up to `at`, after a stretch without an admitted request sent
	 * longer than SEND_GAP_MS and two of the fastest round trips (requests waiting for answers are no gap).
	 */
	private lastSendGapEnd(at: number): number {
		const sends = this.admittedSends;
		const gap = Math.max(SEND_GAP_MS, 2 * (Number.isFinite(this.fastestRtt) ? this.fastestRtt : 0));
		let i = lowerBound(sends, at + 0.5) - 1;
		if (i < 0) return -Infinity;
		if (at - sends[i] >= gap) return at;
		for (; i > 0; i--) if (sends[i] - sends[i - 1] >= gap) return sends[i];
		return -Infinity;
	}

	private windowPosition(sentAt: number): WindowPosition {
		const count = this.windowCount(sentAt);
		let below = 0;
		let equal = 0;
		for (const c of this.admittedCounts) {
			if (c < count) below++;
			else if (c === count) equal++;
		}
		const samples = this.admittedCounts.length;
		return { count, rank: samples === 0 ? 0.5 : (below + equal / 2) / samples, top: below === samples, samples };
	}

	/** An admitted request sent at `sentAt`: its window count, then it joins the window. */
	private countWindow(now: number, sentAt: number): void {
		const count = this.windowCount(sentAt);
		this.admittedCounts.push(count);
		if (this.admittedCounts.length > WINDOW_SAMPLES) this.admittedCounts.shift();
		this.sinceLoneRefusal.admitted++;
		this.sinceLoneRefusal.highest = Math.max(this.sinceLoneRefusal.highest, count);
		const sends = this.admittedSends;
		sends.splice(lowerBound(sends, sentAt), 0, sentAt);
		let drop = 0;
		while (drop < sends.length && sends[drop] < now - SENDS_KEPT_MS) drop++;
		if (drop > 0) sends.splice(0, drop);
	}

	private remember(refused: boolean): void {
		this.recent.push(refused);
		if (this.recent.length > RECENT_ANSWERS) this.recent.shift();
	}

	private forgetBefore(now: number): void {
		let drop = 0;
		while (drop < this.admitted.length && this.admitted[drop] <= now - RATE_WINDOW_MS) drop++;
		if (drop > 0) this.admitted.splice(0, drop);
	}
}
