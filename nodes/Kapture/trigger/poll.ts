import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { PullFilterError, pullFiltersToBody } from '../descriptions/pullFilters';
import { boundedNumber } from '../../shared/helpers/numbers';
import { accountId } from '../helpers/account';
import { pullV1Pages } from '../helpers/orderPages';
import { DEFAULT_MAX_ORDERS_PER_POLL, DEFAULT_OVERLAP_MINUTES } from './description';
import {
	compareKeys,
	filterKeyOf,
	initialState,
	lookbackToMs,
	probeStartDay,
	queryStartDay,
	readState,
	sameState,
	selectNew,
	windowStart,
	type TriggerState,
} from './pollState';
import { pagingFailure, readOrders, type ReadEntry, type ReadResult } from './readOrders';

/** Orders asked for per request. Kapture may cap pages lower; the pager notices. */
export const PAGE_SIZE = 100;

/** Where the trigger keeps its state in the node's static data. */
export const STATE_KEY = 'kaptureOrderTrigger';

interface TriggerSettings {
	filters: IDataObject;
	cap: number;
	overlapMs: number;
	lookbackMs: number;
	cmId: number;
}

async function readSettings(this: IPollFunctions): Promise<TriggerSettings> {
	const node = this.getNode();
	let filters: IDataObject = {};
	try {
		filters = pullFiltersToBody(this.getNodeParameter('filters', {}) as IDataObject);
	} catch (error) {
		throw error instanceof PullFilterError
			? new NodeOperationError(node, error.message)
			: new NodeOperationError(node, error as Error);
	}
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const cmId = await accountId(this);
	return {
		filters,
		cap: Math.floor(boundedNumber(options.maxOrdersPerPoll, DEFAULT_MAX_ORDERS_PER_POLL, 1, 10_000)),
		overlapMs: boundedNumber(options.overlapMinutes, DEFAULT_OVERLAP_MINUTES, 0, 1440) * 60_000,
		lookbackMs: lookbackToMs(
			boundedNumber(options.lookback, 0, 0, 100_000),
			String(options.lookbackUnit ?? 'hours'),
		),
		cmId,
	};
}

async function readFrom(
	this: IPollFunctions,
	settings: TriggerSettings,
	day: string,
	stopBelow: (newestSeen: number) => number | null,
): Promise<ReadResult> {
	const filters: IDataObject = { cmId: settings.cmId, ...settings.filters, createStartDate: day };
	const fail = (message: string, description: string): never => {
		throw new NodeOperationError(this.getNode(), message, { description });
	};
	const pages = pullV1Pages.call(this, filters, { pageSize: PAGE_SIZE, overlap: true, fail: pagingFailure(fail) });
	return await readOrders(pages, { stopBelow, fail });
}

/** Day a probe falls back to when the recent window is empty: before any Kapture order. */
export const EARLIEST_DAY = '2000-01-01';

/**
 * The first read (activation, manual test). It starts a week (plus the
 * look-back) before the n8n host's date, which only bounds the query; if
 * that finds nothing (an idle account, or a host clock far ahead of
 * Kapture's), it asks again without a practical lower bound.
 */
async function probe(
	this: IPollFunctions,
	settings: TriggerSettings,
	stopBelow: (newestSeen: number) => number | null,
): Promise<{ day: string; entries: ReadEntry[] }> {
	const day = probeStartDay(Date.now(), settings.lookbackMs);
	const first = await readFrom.call(this, settings, day, stopBelow);
	if (first.entries.length > 0 || day <= EARLIEST_DAY) return { day, entries: first.entries };
	const again = await readFrom.call(this, settings, EARLIEST_DAY, stopBelow);
	return { day: EARLIEST_DAY, entries: again.entries };
}

function newestOf(entries: ReadEntry[]): ReadEntry | undefined {
	let newest: ReadEntry | undefined;
	for (const entry of entries) if (!newest || compareKeys(entry.key, newest.key) > 0) newest = entry;
	return newest;
}

/**
 * One poll. Manual mode ("Fetch Test Event") returns the newest matching
 * order and leaves the state alone. The first poll of an active workflow only
 * records where Kapture stands. Every later poll reads the window, emits the
 * new orders oldest first (up to the cap), and stores the new state; the state
 * is written only once everything was read, so a failed poll changes nothing.
 */
export async function pollNewOrders(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = await readSettings.call(this);

	if (this.getMode() === 'manual') {
		// Which order is newest is decided by Kapture's createDate, not the host clock.
		const { entries } = await probe.call(this, settings, (newestSeen) => newestSeen);
		const newest = newestOf(entries);
		if (!newest) {
			throw new NodeOperationError(this.getNode(), 'No order in Kapture matches the trigger', {
				description:
					'Kapture returned no order for these filters. Create an order in Kapture (or loosen the filters) and fetch again.',
			});
		}
		return [this.helpers.returnJsonArray([newest.order])];
	}

	const staticData = this.getWorkflowStaticData('node');
	const filterKey = filterKeyOf(settings.filters);
	const state = readState(staticData[STATE_KEY], filterKey);

	if (!state) {
		// First activation (or new filters): start where Kapture stands now.
		const { day, entries } = await probe.call(this, settings, (newestSeen) =>
			settings.lookbackMs > 0 ? newestSeen : newestSeen - settings.overlapMs,
		);
		const initial = initialState({
			filterKey,
			found: entries.map((entry) => entry.key),
			probeDay: day,
			overlapMs: settings.overlapMs,
			lookbackMs: settings.lookbackMs,
		});
		staticData[STATE_KEY] = initial as unknown as IDataObject;
		return null;
	}

	const start = windowStart(state, settings.overlapMs);
	const { entries } = await readFrom.call(this, settings, queryStartDay(state, settings.overlapMs), () => start);
	const selection = selectNew(state, entries, (entry) => entry.key, {
		cap: settings.cap,
		overlapMs: settings.overlapMs,
	});
	if (!sameState(selection.state, state)) {
		staticData[STATE_KEY] = selection.state as unknown as IDataObject;
	}
	if (selection.emit.length === 0) return null;
	return [this.helpers.returnJsonArray(selection.emit.map((entry) => entry.order))];
}

export type { TriggerState };
