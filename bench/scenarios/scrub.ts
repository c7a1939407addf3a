// Scenario 7: what taking the credential's secrets out of every answer costs.
// Real pages from the sandbox (v1 and partner, 500 orders each) are read the
// way the transport reads them, with and without the scrubber, in the same
// process and interleaved, so the difference is the scrubber's own cost.
// CPU time (process.cpuUsage), not wall time: the machine is shared.

import { KAPTURE } from '../../nodes/shared/transport/vendors/kapture';
import { interpretAnswer } from '../../nodes/shared/transport/answers';
import { Scrubber } from '../../nodes/shared/transport/secrets';
import { median, progress, round } from '../lib/measure';
import type { RemoteSandbox } from '../sandbox/remote';

export interface ScrubRow {
	id: string;
	label: string;
	orders: number;
	bytes: number;
	/** CPU ms to read one page without any scrubbing (parse and interpret). */
	readMs: number;
	/** CPU ms to read one page through the scrubber. */
	scrubbedReadMs: number;
	/** The scrubber's own cost per page: the difference of the two. */
	scrubMs: number;
	/** scrubbedReadMs / readMs */
	ratio: number;
	/** Whether the scrubbed page still shows the secret anywhere (must be false). */
	leaked: boolean;
}

const V1_PULL = '/ms/customer-search/order-search/api/v1/pull-internal';
const PARTNER_PULL = '/select-order-between-start-and-end-dates.html';

/** CPU milliseconds `run` takes, per call, over `calls` calls. */
function cpuMsPerCall(run: () => unknown, calls: number): number {
	const start = process.cpuUsage();
	for (let i = 0; i < calls; i++) run();
	const used = process.cpuUsage(start);
	return (used.user + used.system) / 1000 / calls;
}

async function page(sandbox: RemoteSandbox, path: string, authorization: string, body: unknown): Promise<string> {
	const response = await fetch(`${sandbox.baseUrl}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization },
		body: JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok || text.length < 1000) throw new Error(`scrub scenario: ${path} answered ${response.status}: ${text.slice(0, 200)}`);
	return text;
}

export async function runScrubScenario(sandbox: RemoteSandbox, options: { orders: number; rounds: number }): Promise<ScrubRow[]> {
	const { credentials } = sandbox;
	await sandbox.reset();
	await sandbox.setLatency(0);
	// All on one day, so the partner pull (one day at most) gets them on one page too.
	await sandbox.clockSet(Date.UTC(2024, 4, 8, 12));
	await sandbox.seedOrders(options.orders, Date.UTC(2024, 4, 8, 0), 1000);
	const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
	const v1 = await page(sandbox, V1_PULL, basic, { cmId: credentials.cmId, createStartDate: '2000-01-01', limit: String(options.orders), offset: '0' });
	const partner = await page(sandbox, PARTNER_PULL, credentials.authKey, [{ start_date: '2024-05-08', numberOfRecords: String(options.orders) }]);

	const secrets = [credentials.password, credentials.authKey, `${credentials.username}:${credentials.password}`];
	const scrubber = new Scrubber(secrets);
	// The same page with the password quoted once, escaped the way PHP's json_encode writes it.
	const quoted = JSON.stringify(`login ${credentials.password}`).slice(1, -1).replace(/\//g, '\\/');
	const withSecret = v1.replace('"remarks":"', `"remarks":"${quoted} `);
	if (withSecret === v1) throw new Error('scrub scenario: found no remarks to quote the secret in');

	const pages: Array<[string, string, string]> = [
		['v1', `v1 pull page, ${options.orders} orders, no secret in it`, v1],
		['partner', `partner pull page, ${options.orders} orders, no secret in it`, partner],
		['v1-secret', `v1 pull page, ${options.orders} orders, the password quoted once (JSON-escaped)`, withSecret],
	];
	const rows: ScrubRow[] = [];
	for (const [id, label, text] of pages) {
		const read = () => interpretAnswer(KAPTURE, 200, text);
		const scrubbedRead = () => interpretAnswer(KAPTURE, 200, scrubber.body(text));
		const calls = Math.max(5, Math.round(2_000_000 / text.length));
		// Warm-up, then alternate the two so load hits both alike.
		cpuMsPerCall(read, calls);
		cpuMsPerCall(scrubbedRead, calls);
		const plain: number[] = [];
		const scrubbed: number[] = [];
		for (let round = 0; round < options.rounds; round++) {
			plain.push(cpuMsPerCall(read, calls));
			scrubbed.push(cpuMsPerCall(scrubbedRead, calls));
		}
		const readMs = median(plain);
		const scrubbedReadMs = median(scrubbed);
		const shown = JSON.stringify(scrubbedRead());
		const leaked = secrets.some((secret) => shown.includes(secret));
		rows.push({
			id,
			label,
			orders: options.orders,
			bytes: Buffer.byteLength(text),
			readMs: round(readMs, 3),
			scrubbedReadMs: round(scrubbedReadMs, 3),
			scrubMs: round(scrubbedReadMs - readMs, 3),
			ratio: round(scrubbedReadMs / readMs, 2),
			leaked,
		});
		progress(`scrub ${id}: read ${readMs.toFixed(3)} ms, scrubbed read ${scrubbedReadMs.toFixed(3)} ms per page (${(text.length / 1024).toFixed(0)} KiB)${leaked ? ', SECRET LEAKED' : ''}`);
	}
	return rows;
}
