import { STALE_POLL_MS, unlessAlreadyPolling } from '../../../../nodes/Kapture/trigger/pollGuard';

function gate() {
	let open!: () => void;
	const opened = new Promise<void>((resolve) => (open = resolve));
	return { open, opened };
}

describe('unlessAlreadyPolling', () => {
	it('a poll that starts while another of the same trigger runs does nothing', async () => {
		const first = gate();
		let runs = 0;
		const slow = unlessAlreadyPolling('wf-1\u0000Trigger', async () => {
			runs++;
			await first.opened;
			return 'first';
		});
		const overlapping = await unlessAlreadyPolling('wf-1\u0000Trigger', async () => {
			runs++;
			return 'second';
		});
		expect(overlapping).toBeNull();
		first.open();
		expect(await slow).toBe('first');
		expect(runs).toBe(1);
		// Once the first is done, the next poll runs.
		expect(await unlessAlreadyPolling('wf-1\u0000Trigger', async () => 'third')).toBe('third');
	});

	it('other triggers poll meanwhile', async () => {
		const first = gate();
		const slow = unlessAlreadyPolling('wf-1\u0000A', async () => await first.opened);
		expect(await unlessAlreadyPolling('wf-1\u0000B', async () => 'b')).toBe('b');
		expect(await unlessAlreadyPolling('wf-2\u0000A', async () => 'other workflow')).toBe('other workflow');
		first.open();
		await slow;
	});

	it('a failed poll releases the trigger', async () => {
		await expect(
			unlessAlreadyPolling('wf-3\u0000T', async () => {
				throw new Error('Kapture is down');
			}),
		).rejects.toThrow('Kapture is down');
		expect(await unlessAlreadyPolling('wf-3\u0000T', async () => 'next')).toBe('next');
	});

	it('a poll that never settles stops blocking after an hour, and its late end does not release its successor', async () => {
		let clock = 0;
		const now = () => clock;
		const lost = gate();
		const stuck = unlessAlreadyPolling('wf-4\u0000T', async () => await lost.opened, now);
		clock = STALE_POLL_MS - 1;
		expect(await unlessAlreadyPolling('wf-4\u0000T', async () => 'blocked', now)).toBeNull();
		clock = STALE_POLL_MS;
		const successor = gate();
		const replacing = unlessAlreadyPolling('wf-4\u0000T', async () => await successor.opened, now);
		lost.open();
		await stuck;
		expect(await unlessAlreadyPolling('wf-4\u0000T', async () => 'too early', now)).toBeNull();
		successor.open();
		await replacing;
	});
});
