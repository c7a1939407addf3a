import type { IDataObject } from 'n8n-workflow';

import { DAY_MS, utcDay } from '../../shared/helpers/calendar';
import { readPages, type FetchPage } from '../../shared/transport';
import { watchedOrder, type WatchedOrder, type WatchState } from './changes';
import { NEWEST_FIRST, OUT_OF_TIME, pagingFailure, unlessOutOfTime } from './readWindow';

/**
 * The read behind "Updated Order": every order created in the watch window,
 * newest first, to compare with what the trigger remembered. Memory: what is
 * remembered of each order of the window (its id, two dates and the watched
 * fields), plus the whole order only for those that changed.
 */

/** Orders asked for per request: the whole window is read on every poll. */
export const WATCH_PAGE_SIZE = 500;

export interface WatchRead {
	entries: Array<{ watched: WatchedOrder; order?: IDataObject }>;
	/** Whether the whole window was read (false when the poll ran out of time part way). */
	complete: boolean;
	/** The start of the window, by Kapture's clock. */
	from: number;
}

export interface WatchReadOptions {
	fields: string[];
	watchDays: number;
	/** What the trigger remembered when the poll began: orders changed since are kept whole. */
	remembered: WatchState | undefined;
	/** Kapture's clock from the answers so far (undefined before the first). */
	kaptureNow: () => number | undefined;
	fail: (message: string, description: string) => never;
	/** Keep every order whole (to pick a recent change for "Fetch Test Event"). */
	keepAll?: boolean;
}

export async function readWatchWindow(fetchFrom: (day: string) => FetchPage, options: WatchReadOptions): Promise<WatchRead> {
	const { fields, watchDays, remembered, kaptureNow, fail, keepAll = false } = options;
	const span = watchDays * DAY_MS;
	const read = async (day: string, fallbackNow: number): Promise<WatchRead> => {
		const entries: WatchRead['entries'] = [];
		let from = fallbackNow - span;
		const pages = readPages(fetchFrom(day), { pageSize: WATCH_PAGE_SIZE, order: NEWEST_FIRST, fail: pagingFailure(fail) });
		const readAll = async (): Promise<void> => {
			for await (const page of pages) {
				from = (kaptureNow() ?? fallbackNow) - span;
				for (const order of page.records) {
					const watched =
						watchedOrder(order, fields) ??
						fail(
							'Kapture returned an order without a numeric id, createDate or lastModificationTime',
							`Updated Order compares each order's lastModificationTime with the last one seen. The order read was: ${JSON.stringify(order).slice(0, 300)}`,
						);
					if (watched.createDate < from) continue;
					const before = remembered?.orders[String(watched.id)];
					const changed = before !== undefined && watched.lastModified > before[0];
					entries.push(keepAll || changed ? { watched, order } : { watched });
				}
				const last = page.read[page.read.length - 1];
				const lastDate = last === undefined ? undefined : Number(last.createDate);
				if (page.joinedOn === 'key' && lastDate !== undefined && lastDate < from) return;
			}
		};
		// Out of time: what was read still counts, but orders not seen are not forgotten.
		if ((await readAll().catch(unlessOutOfTime)) === OUT_OF_TIME) return { entries, complete: false, from };
		return { entries, complete: true, from };
	};
	const hostNow = Date.now();
	const hostDay = utcDay(hostNow - span - DAY_MS);
	const first = await read(hostDay, hostNow);
	const now = kaptureNow();
	// The host's clock chose the day; when Kapture's is behind it, read again from Kapture's day.
	if (now !== undefined && utcDay(now - span - DAY_MS) < hostDay) return await read(utcDay(now - span - DAY_MS), now);
	return first;
}
