/**
 * Polls that overlap the trigger's FIRST poll: found end to end in n8n 2.40.7
 * under its durable poll scheduler (test/e2e/trigger.test.mjs, check 4), here
 * through n8n's real engine and the sandbox.
 *
 * Under the durable scheduler every poll gets a copy of the stored state taken
 * when it starts. Every poll that starts before the first state is stored
 * therefore finds no state and runs the activation read; the last one to end
 * stores its own first state over what the others stored. An activation read
 * that ends late adopts the orders created meanwhile as "already there", so
 * they never fire (and what polls emitted meanwhile can be forgotten).
 */
import { startSandbox, type KaptureSandbox, type SandboxOrder } from '../../../sandbox';
import { HOUR, MINUTE, TriggerRun, expectExactlyOnce, pullRequests } from './harness';

const KAPTURE_NOW = Math.floor(Date.now() / 60_000) * 60_000 - 5 * HOUR + 7_000;

let sandbox: KaptureSandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ now: KAPTURE_NOW, quiet: true });
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.reset();
	sandbox.clock.set(KAPTURE_NOW);
	sandbox.setLatency(0);
	sandbox.seedOrders(20);
});

const ids = (orders: Array<{ id: number }>) => orders.map((order) => order.id);

/**
 * An activation poll whose read is slow starts; a second activation poll
 * starts and ends quickly, so the trigger has a state (it is active); orders
 * are created; then the slow poll's read is answered and the poll ends.
 */
async function createdWhileAFirstPollIsStillReading(run: TriggerRun): Promise<SandboxOrder[]> {
	sandbox.setLatency(400);
	const before = pullRequests(sandbox).length;
	const late = run.poll();
	while (pullRequests(sandbox).length === before) await new Promise((resolve) => setTimeout(resolve, 5));
	sandbox.setLatency(0); // only the request already waiting stays slow
	expect(await run.poll()).toBeNull();
	expect(run.state()).toBeDefined();
	sandbox.clock.advance(MINUTE);
	const created = sandbox.seedOrders(3, () => ({ createDate: sandbox.clock.now() }));
	expect(await late).toBeNull();
	sandbox.clock.advance(MINUTE);
	return created;
}

describe('a first poll that ends after the trigger already has a state', () => {
	it("live static data (n8n's default scheduler): the orders created after the state was stored fire once", async () => {
		const run = new TriggerRun(sandbox, {}, { scheduler: 'live' });
		const created = await createdWhileAFirstPollIsStillReading(run);
		await run.drain();
		expectExactlyOnce(run.emitted, ids(created));
	});

	// Failed before the first state stored was made to stand: the late activation poll
	// stored its own, which counted the 3 orders as already there.
	it("a copy per poll (n8n's durable scheduler): the orders created after the state was stored fire once", async () => {
		const run = new TriggerRun(sandbox, {}, { scheduler: 'copies', pollBudgetMs: 36_000 });
		const created = await createdWhileAFirstPollIsStillReading(run);
		await run.drain();
		expectExactlyOnce(run.emitted, ids(created));
	});
});
