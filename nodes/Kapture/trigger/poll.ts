import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { PullFilterError, pullFiltersToBody } from '../descriptions/pullFilters';
import { boundedNumber } from '../../shared/helpers/numbers';
import { DEFAULT_TIMEOUT_MS, forgetCredentials, readPages, type FetchPage, type RequestOptions } from '../../shared/transport';
import { accountId } from '../helpers/account';
import { v1PullPage } from '../helpers/orderPages';
import { initialWatch, mergeWatches, readWatch, rememberNew, selectChanges, watchedOrder, watchKeyOf, type WatchState } from './changes';
import { DEFAULT_MAX_ORDERS_PER_POLL, DEFAULT_OVERLAP_MINUTES, DEFAULT_WATCH_DAYS, MAX_WATCH_DAYS, type TriggerEvent } from './description';
import { readWatchWindow, type WatchRead } from './watchWindow';
import { finishedSince, latestRecorded, pollsFinished, recordPoll } from './concurrentPolls';
import {
	filterKeyOf,
	handledTest,
	initialState,
	kaptureNowFromDate,
	kaptureNowFromOrders,
	lookbackToMs,
	mergeStates,
	orderKey,
	probeStartDay,
	queryStartDay,
	readState,
	sameState,
	seenFrom,
	selectNew,
	windowStart,
	type OrderKey,
	type TriggerState,
	type WindowRead,
} from './pollState';
import { NEWEST_FIRST, pagingFailure, PollOutOfTime, readNewest, readWindow } from './readWindow';

/** Orders asked for per request. Kapture may cap pages lower; the pager notices. */
export const PAGE_SIZE = 100;

/** Where the trigger keeps its state in the node's static data: new orders, and changes. */
export const STATE_KEY = 'kaptureOrderTrigger';
export const WATCH_KEY = 'kaptureOrderTriggerChanges';

/** Day a manual fetch falls back to when the recent days are empty: before any Kapture order. */
export const EARLIEST_DAY = '2000-01-01';

/**
 * n8n's default poll budget (n8n-core's PollContext, 2.x). A shorter one means
 * n8n's durable poll scheduler runs the poll, with a copy of the static data
 * of its own (see concurrentPolls.ts); n8n 1.x has no budget at all.
 */
const DEFAULT_N8N_POLL_BUDGET_MS = 5 * 60_000;

interface TriggerSettings {
	event: TriggerEvent;
	filters: IDataObject;
	filterKey: string;
	cap: number;
	overlapMs: number;
	lookbackMs: number;
	watchFields: string[];
	watchDays: number;
}

/**
 * Every node parameter, read before the poll's first `await`: on n8n 2.40.7 a
 * second poll of the workflow that ends meanwhile releases the expression
 * isolate this poll would need for a later read ("No bridge acquired").
 */
function readSettings(context: IPollFunctions): TriggerSettings {
	const node = context.getNode();
	let filters: IDataObject = {};
	try {
		filters = pullFiltersToBody(context.getNodeParameter('filters', {}) as IDataObject);
	} catch (error) {
		throw error instanceof PullFilterError
			? new NodeOperationError(node, error.message)
			: new NodeOperationError(node, error as Error);
	}
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const event = context.getNodeParameter('event', 'newOrder') as TriggerEvent;
	const watching = event !== 'newOrder';
	const watchFields = watching ? ((context.getNodeParameter('watchFields', []) as string[]) ?? []) : [];
	const watchDays = watching ? Math.floor(boundedNumber(context.getNodeParameter('watchDays', DEFAULT_WATCH_DAYS), DEFAULT_WATCH_DAYS, 1, MAX_WATCH_DAYS)) : DEFAULT_WATCH_DAYS;
	return {
		event,
		watchFields: [...watchFields],
		watchDays,
		filters,
		filterKey: filterKeyOf(filters),
		cap: Math.floor(boundedNumber(options.maxOrdersPerPoll, DEFAULT_MAX_ORDERS_PER_POLL, 1, 10_000)),
		overlapMs: boundedNumber(options.overlapMinutes, DEFAULT_OVERLAP_MINUTES, 0, 1440) * 60_000,
		lookbackMs: lookbackToMs(boundedNumber(options.lookback, 0, 0, 100_000), String(options.lookbackUnit ?? 'hours')),
	};
}

/** The poll's time: it stops reading (keeping what is complete) before n8n's budget runs out. */
function pollClock(context: IPollFunctions) {
	const budget = typeof context.getPollBudgetMs === 'function' ? context.getPollBudgetMs() : DEFAULT_N8N_POLL_BUDGET_MS;
	const usable = Math.max(1000, Math.min(budget, DEFAULT_N8N_POLL_BUDGET_MS) * 0.9);
	const started = Date.now();
	const remaining = () => usable - (Date.now() - started);
	return {
		/** n8n's durable scheduler: each poll has its own copy of the static data. */
		snapshots: budget < DEFAULT_N8N_POLL_BUDGET_MS,
		check(): void {
			if (remaining() < 500) throw new PollOutOfTime('The poll ran out of time');
		},
		requestOptions(onAnswer: RequestOptions['onAnswer']): RequestOptions {
			const left = Math.max(500, remaining());
			const timeoutMs = Math.min(DEFAULT_TIMEOUT_MS, left);
			// Retries (429, 5xx) wait only as long as the poll can afford.
			return { timeoutMs, onAnswer, retry: { maxTotalWaitMs: Math.max(0, left - timeoutMs) } };
		},
	};
}

/**
 * One poll. Manual mode ("Fetch Test Event") returns the newest matching
 * order (for changes: the most recently changed one) and changes nothing.
 * The first poll of an active workflow records what already exists. Every
 * later poll reads Kapture, then decides what to emit against the state as
 * it is when the reads end, with no `await` between that decision and the
 * write, so polls that overlap never emit an order or a change twice; a
 * failed poll changes nothing.
 */
export async function pollOrders(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);
	const manual = this.getMode() === 'manual';
	const clock = pollClock(this);
	const pollKey = `${this.getWorkflow().id ?? ''}\u0000${this.getNode().id ?? this.getNode().name}`;
	const pollsBefore = pollsFinished();
	const wantsNew = settings.event !== 'updatedOrder';
	const wantsChanges = settings.event !== 'newOrder';
	const watchKey = watchKeyOf(settings.filterKey, settings.watchFields);
	const storedAtStart = manual ? {} : this.getWorkflowStaticData('node');
	const startState = wantsNew ? readState(storedAtStart[STATE_KEY], settings.filterKey) : undefined;
	const startWatch = wantsChanges ? readWatch(storedAtStart[WATCH_KEY], watchKey) : undefined;
	forgetCredentials(this);
	const cmId = await accountId(this);

	// Kapture's clock, from the first answer that carries a Date header.
	let dateHeaderNow: number | undefined;
	const onAnswer = ({ headers }: { headers: IDataObject }) => {
		dateHeaderNow ??= kaptureNowFromDate(headers.date);
	};
	const fail = (message: string, description: string): never => {
		throw new NodeOperationError(this.getNode(), message, { description });
	};
	const fetchFrom = (day: string): FetchPage =>
		v1PullPage.call(this, { cmId, ...settings.filters, createStartDate: day }, () => clock.requestOptions(onAnswer));
	const outOfTime = (error: unknown) =>
		error instanceof PollOutOfTime
			? fail(
					'Kapture answered too slowly for the trigger to read within the time n8n gives a poll',
					'Nothing was emitted and nothing is lost; the next poll tries again.',
				)
			: error;

	if (manual) {
		try {
			return await sample.call(this, settings, fetchFrom, () => dateHeaderNow, fail);
		} catch (error) {
			throw outOfTime(error);
		}
	}

	// Reads first (every await is here)...
	let newRead: { initial: TriggerState } | { window: WindowRead<IDataObject> } | undefined;
	if (wantsNew) {
		if (!startState) {
			try {
				newRead = { initial: await activationState.call(this, settings, fetchFrom, () => dateHeaderNow) };
			} catch (error) {
				throw outOfTime(error);
			}
		} else {
			const start = windowStart(startState, settings.overlapMs);
			const read = await readWindow(fetchFrom(queryStartDay(startState, settings.overlapMs)), {
				windowStart: start,
				cap: settings.cap,
				handled: handledTest(startState, settings.overlapMs),
				handledInWindow: seenFrom(startState, start),
				pageSize: PAGE_SIZE,
				hint: startState.hint,
				beforeRequest: () => clock.check(),
				fail,
			});
			read.serverNow = dateHeaderNow ?? kaptureNowFromOrders(read.kept.map(({ order }) => order)) ?? null;
			if (read.serverNow === null) {
				// No Date header and no order to tell Kapture's clock: the host's only caps the horizon.
				read.serverNow = Date.now();
				read.serverNowFromHost = true;
			}
			newRead = { window: read };
		}
	}
	let watchRead: WatchRead | undefined;
	if (wantsChanges) {
		watchRead = await readWatchWindow(fetchFrom, {
			fields: settings.watchFields,
			watchDays: settings.watchDays,
			remembered: startWatch,
			kaptureNow: () => dateHeaderNow,
			fail,
		});
	}

	// ...then the decisions, on the live state, with no await from here to the return.
	const staticData = this.getWorkflowStaticData('node');
	const items: IDataObject[] = [];
	if (newRead && 'initial' in newRead) {
		// Another poll may have started the trigger meanwhile: the first state stored stands. With
		// the durable scheduler this poll's copy cannot show it, so it is taken from what polls here recorded.
		const started =
			readState(staticData[STATE_KEY], settings.filterKey) ??
			(clock.snapshots ? readState(latestRecorded(pollKey), settings.filterKey) : undefined);
		staticData[STATE_KEY] = (started ?? newRead.initial) as unknown as IDataObject;
		if (!started) recordPoll(pollKey, newRead.initial);
	} else if (newRead && startState) {
		const stored = readState(staticData[STATE_KEY], settings.filterKey);
		let live = stored ?? startState;
		if (clock.snapshots) {
			// Each poll has its own copy: join what polls that ended meanwhile decided.
			for (const other of finishedSince<TriggerState>(pollKey, pollsBefore)) live = mergeStates(live, other, settings.overlapMs);
		}
		const selection = selectNew(live, newRead.window, { cap: settings.cap, overlapMs: settings.overlapMs });
		// Written unless the static data already holds it. Compared with what it holds, not with the joined
		// state: a durable poll's copy stored back unchanged would undo what the polls it joined had stored.
		if (!stored || !sameState(selection.state, stored)) {
			staticData[STATE_KEY] = selection.state as unknown as IDataObject;
		}
		recordPoll(pollKey, selection.state);
		for (const order of selection.emit) items.push(wantsChanges ? { ...order, triggeredBy: 'newOrder' } : order);
	}
	if (watchRead) {
		const watchPollKey = `${pollKey}\u0000changes`;
		let live = readWatch(staticData[WATCH_KEY], watchKey) ?? startWatch;
		if (live && clock.snapshots) {
			for (const other of finishedSince<WatchState>(watchPollKey, pollsBefore)) live = mergeWatches(live, other);
		}
		// The first watch state stored stands (see the new-order state above).
		live ??= clock.snapshots ? readWatch(latestRecorded(watchPollKey), watchKey) : undefined;
		if (!live) {
			const initial = initialWatch(watchKey, watchRead.entries.map(({ watched }) => watched));
			staticData[WATCH_KEY] = initial as unknown as IDataObject;
			recordPoll(watchPollKey, initial);
		} else if (!startWatch) {
			staticData[WATCH_KEY] = live as unknown as IDataObject;
		} else {
			const entries = watchRead.entries.map(({ watched, order }) => ({ watched, order }));
			// The orders just emitted as new are remembered as such, at their newest version (New or Updated).
			const emittedNew = items.flatMap((item, index) => {
				const watched = watchedOrder(item, settings.watchFields);
				return watched ? [{ index, watched }] : [];
			});
			const taken = rememberNew(live, emittedNew.map(({ watched }) => watched), entries);
			for (const { index, watched } of emittedNew) {
				const newer = taken.newer.get(watched.id);
				if (newer !== undefined) items[index] = { ...newer, triggeredBy: 'newOrder' };
			}
			const selection = selectChanges(taken.state, entries, {
				fields: settings.watchFields,
				// New orders may have filled the poll: then nothing changed is emitted now (it comes next poll).
				cap: Math.max(0, settings.cap - items.length),
				forgetMissing: watchRead.complete ? new Set(Object.keys(startWatch.orders)) : undefined,
			});
			staticData[WATCH_KEY] = selection.state as unknown as IDataObject;
			recordPoll(watchPollKey, selection.state);
			for (const change of selection.emit) {
				items.push({
					...(change.order as IDataObject),
					triggeredBy: 'orderUpdated',
					previousLastModificationTime: change.previousLastModified,
					changes: change.changes as unknown as IDataObject,
				});
			}
		}
	}
	if (items.length === 0) return null;
	return [this.helpers.returnJsonArray(items)];
}

/** "Fetch Test Event": the newest matching order, or for changes the most recently changed one. */
async function sample(
	this: IPollFunctions,
	settings: TriggerSettings,
	fetchFrom: (day: string) => FetchPage,
	kaptureNow: () => number | undefined,
	fail: (message: string, description: string) => never,
): Promise<INodeExecutionData[][]> {
	if (settings.event !== 'newOrder') {
		const read = await readWatchWindow(fetchFrom, {
			fields: settings.watchFields,
			watchDays: settings.watchDays,
			remembered: undefined,
			kaptureNow,
			fail,
			keepAll: true,
		});
		const latest = read.entries.reduce<WatchRead['entries'][number] | undefined>(
			(best, entry) => (!best || entry.watched.lastModified > best.watched.lastModified ? entry : best),
			undefined,
		);
		if (!latest?.order) {
			return fail(
				'No order in the watch window matches the trigger',
				`Kapture returned no order created in the last ${settings.watchDays} days for these filters. Change an order in Kapture (or loosen the filters) and fetch again.`,
			);
		}
		// A sample of what a change looks like: the old values are not known here.
		return [this.helpers.returnJsonArray([{ ...latest.order, triggeredBy: 'orderUpdated', previousLastModificationTime: null, changes: {} }])];
	}
	const recent = probeStartDay(Date.now(), settings.lookbackMs, settings.overlapMs);
	const newest = (await readNewest(fetchFrom(recent), PAGE_SIZE)) ?? (await readNewest(fetchFrom(EARLIEST_DAY), PAGE_SIZE));
	if (!newest) {
		return fail(
			'No order in Kapture matches the trigger',
			'Kapture returned no order for these filters. Create an order in Kapture (or loosen the filters) and fetch again.',
		);
	}
	return [this.helpers.returnJsonArray([newest])];
}

/**
 * The first read of an activation: Kapture's clock, and every order at or
 * above the window start (so none of them fires), read from the newest down.
 */
async function activationState(
	this: IPollFunctions,
	settings: TriggerSettings,
	fetchFrom: (day: string) => FetchPage,
	kaptureNow: () => number | undefined,
): Promise<TriggerState> {
	const hostDay = probeStartDay(Date.now(), settings.lookbackMs, settings.overlapMs);
	const readFrom = async (day: string) => {
		const found: OrderKey[] = [];
		const orders: IDataObject[] = [];
		const fail = (message: string, description: string): never => {
			throw new NodeOperationError(this.getNode(), message, { description });
		};
		const pages = readPages(fetchFrom(day), { pageSize: PAGE_SIZE, order: NEWEST_FIRST, fail: pagingFailure(fail) });
		for await (const page of pages) {
			for (const order of page.records) {
				const key = orderKey(order);
				if (!key) continue;
				found.push(key);
				if (orders.length < PAGE_SIZE) orders.push(order);
			}
			// With a look-back nothing already there needs remembering: Kapture's clock is enough.
			if (settings.lookbackMs > 0) break;
			const now = kaptureNow() ?? kaptureNowFromOrders(orders);
			const last = page.read[page.read.length - 1];
			const lastKey = last === undefined ? undefined : orderKey(last);
			if (page.joinedOn === 'key' && now !== undefined && lastKey && lastKey.createDate < now - settings.overlapMs) break;
		}
		return { found, orders };
	};
	let day = hostDay;
	let { found, orders } = await readFrom(day);
	const now = kaptureNow() ?? kaptureNowFromOrders(orders);
	if (now !== undefined) {
		// The host's clock chose the day; Kapture's may be days behind it.
		const kaptureDay = probeStartDay(now, settings.lookbackMs, settings.overlapMs);
		if (kaptureDay < day) {
			day = kaptureDay;
			({ found, orders } = await readFrom(day));
		}
	}
	return initialState({
		filterKey: settings.filterKey,
		found,
		serverNow: kaptureNow() ?? kaptureNowFromOrders(orders) ?? null,
		probeDay: day,
		overlapMs: settings.overlapMs,
		lookbackMs: settings.lookbackMs,
	});
}

export type { TriggerState };
