/**
 * n8n starts a poll at every scheduled time without waiting for the one
 * before to finish. Two polls of one trigger running at once read the same
 * cursor and would both emit the same new orders, so a poll that starts while
 * another of the same trigger is still running does nothing: the next poll
 * after it picks up whatever is new. Polls run in one n8n process (the main
 * instance in queue mode), so a per-process registry is enough.
 */
const running = new Map<string, number>();

/** A poll still "running" after this long is taken as lost (its promise never settled). */
export const STALE_POLL_MS = 60 * 60_000;

export async function unlessAlreadyPolling<T>(
	key: string,
	poll: () => Promise<T>,
	now: () => number = Date.now,
): Promise<T | null> {
	const startedAt = running.get(key);
	if (startedAt !== undefined && now() - startedAt < STALE_POLL_MS) return null;
	const mine = now();
	running.set(key, mine);
	try {
		return await poll();
	} finally {
		// A stale poll that finishes late must not release the poll that replaced it.
		if (running.get(key) === mine) running.delete(key);
	}
}
