// The n8n runtime installer (scripts/n8n/runtime.mjs) as a user meets it when
// something goes wrong: a failed install must say what failed, what to do and
// where the log is, and a second start must not wipe the log of an install
// that is still running. Neither case downloads anything: the registry is a
// closed local port, and the lock is held by this test process.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const installer = path.join(repoRoot, 'scripts', 'n8n', 'runtime.mjs');
const VERSION = '2.40.7';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

function installerEnv(cache: string, registryPort: number): NodeJS.ProcessEnv {
	return {
		...process.env,
		KAPTURE_N8N_CACHE: cache,
		KAPTURE_N8N_VERSION: VERSION,
		// As `npm run …` exports them: the installer must ignore this one...
		npm_config_ignore_scripts: 'true',
		// ...and keep these (how to reach the registry).
		npm_config_registry: `http://127.0.0.1:${registryPort}/`,
		npm_config_fetch_retries: '0',
		// Step 1 (Node 24 from the registry) runs even on a machine whose Node is 24.
		KAPTURE_N8N_FORCE_NODE_INSTALL: '1',
	};
}

describe('scripts/n8n/runtime.mjs install', () => {
	let cache: string;

	beforeEach(() => {
		cache = fs.mkdtempSync(path.join(os.tmpdir(), 'kapture-runtime-test-'));
	});
	afterEach(() => {
		fs.rmSync(cache, { recursive: true, force: true });
	});

	it('says in plain words what failed, what to do and where the log is, without a stack', async () => {
		const port = await closedPort();
		const run = spawnSync(process.execPath, [installer, 'install'], {
			env: installerEnv(cache, port),
			encoding: 'utf8',
			timeout: 60_000,
		});
		const logFile = path.join(cache, `install-n8n-${VERSION}.log`);

		expect(run.status).toBe(1);
		expect(run.stderr).toContain(`FAILED: could not install n8n ${VERSION}: step 1/4 (Node`);
		expect(run.stderr).toContain(`What to do: npm could not download from the registry (http://127.0.0.1:${port}/)`);
		expect(run.stderr).toContain(`Full log: ${logFile}`);
		expect(run.stderr).toContain('npm run n8n:install');
		expect(run.stderr).toContain('ECONNREFUSED');
		// No stack frames, neither ours nor npm's.
		expect(run.stderr).not.toMatch(/^\s*(\|\s*)?(npm error\s+)?at .*:\d+:\d+\)?$/m);
		expect(fs.readFileSync(logFile, 'utf8')).toMatch(/^=== install of n8n@2\.40\.7 .* by pid \d+$/m);
	});

	it('appends one section per attempt to the log instead of truncating it', async () => {
		const port = await closedPort();
		for (let i = 0; i < 2; i++) {
			spawnSync(process.execPath, [installer, 'install'], { env: installerEnv(cache, port), timeout: 60_000 });
		}
		const log = fs.readFileSync(path.join(cache, `install-n8n-${VERSION}.log`), 'utf8');
		expect(log.match(/^=== install of n8n@/gm)).toHaveLength(2);
	});

	it('leaves the log of a running install alone while it waits for the lock', async () => {
		// An install "in progress": its lock is held by a live process (this one)
		// and its log has content.
		const logFile = path.join(cache, `install-n8n-${VERSION}.log`);
		const running = '=== install of n8n@2.40.7 (the running one)\nnpm output so far\n';
		fs.writeFileSync(logFile, running);
		const lock = path.join(cache, `n8n-${VERSION}.lock`);
		fs.mkdirSync(lock);
		fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));

		const second = spawn(process.execPath, [installer, 'install'], {
			env: installerEnv(cache, await closedPort()),
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		try {
			let stderr = '';
			second.stderr.on('data', (d) => (stderr += d));
			await new Promise<void>((resolve, reject) => {
				const deadline = setTimeout(() => reject(new Error(`no "waiting" line; stderr: ${stderr}`)), 20_000);
				second.stderr.on('data', () => {
					if (!stderr.includes('waiting for another install')) return;
					clearTimeout(deadline);
					resolve();
				});
			});
			expect(stderr).toContain(`waiting for another install (pid ${process.pid})`);
			expect(stderr).toContain(`its log: ${logFile}`);
			expect(fs.readFileSync(logFile, 'utf8')).toBe(running);
		} finally {
			second.kill('SIGKILL');
		}
	});
});
