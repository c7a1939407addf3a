/**
 * What the polls of each trigger in this process last decided.
 *
 * n8n does not wait for a slow poll before starting the next one. With its
 * default scheduler every poll of an activation shares one live static-data
 * object, so a poll that decides against that object at its end sees what
 * the others emitted. n8n's durable poll scheduler (opt-in in 2.40, the
 * default from 2.45) instead hands every poll its own copy and stores it with
 * the execution; two polls that overlap would each decide alone and emit the
 * same orders. So each poll records the state it wrote here, and a poll that
 * ends later joins in what polls that ended while it ran decided.
 *
 * Only polls that ended while this one ran are joined: a state recorded
 * earlier is already in what n8n handed this poll, unless n8n dropped that
 * poll's result (the workflow was deactivated), which must not count.
 */

interface Recorded {
	sequence: number;
	state: unknown;
}

const recent = new Map<string, Recorded[]>();
let sequence = 0;

// Bounds: triggers of deleted workflows leave entries behind, and only polls that
// overlap one another are ever joined, so a few per trigger are plenty.
const MAX_TRIGGERS = 1000;
const MAX_PER_TRIGGER = 16;

/** A mark to pass to `finishedSince` later: polls recorded after it ended after it. */
export function pollsFinished(): number {
	return sequence;
}

export function recordPoll<T>(key: string, state: T): void {
	const list = recent.get(key) ?? [];
	recent.delete(key);
	list.push({ sequence: ++sequence, state });
	if (list.length > MAX_PER_TRIGGER) list.shift();
	recent.set(key, list);
	if (recent.size > MAX_TRIGGERS) recent.delete(recent.keys().next().value as string);
}

/** The states polls of this trigger wrote after the mark, oldest first. */
export function finishedSince<T>(key: string, mark: number): T[] {
	return (recent.get(key) ?? []).filter((recorded) => recorded.sequence > mark).map((recorded) => recorded.state as T);
}
