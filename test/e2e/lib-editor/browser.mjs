// Headless Chromium for the editor test and the README screenshots: Debian's
// `chromium` package (installed here if missing, with apt-get), driven by
// playwright-core. Playwright's own browser download is never used.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TAG = '[editor-browser]';

export const CHROMIUM = process.env.KAPTURE_CHROMIUM || '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps calling Google's
// services, and this machine's closed network refuses (and logs) every call.
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
	'--hide-scrollbars',
	'--mute-audio',
];

function log(msg) {
	process.stderr.write(`${TAG} ${msg}\n`);
}

/**
 * Makes sure a Chromium binary exists; installs Debian's `chromium` with apt-get
 * when it doesn't (CI runs as root on Debian). Returns the path.
 */
export function ensureChromium() {
	if (fs.existsSync(CHROMIUM)) return CHROMIUM;
	if (process.env.KAPTURE_CHROMIUM) throw new Error(`${TAG} KAPTURE_CHROMIUM=${CHROMIUM} does not exist`);
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const sudo = isRoot ? [] : ['sudo', '-n'];
	const t0 = Date.now();
	log(`${CHROMIUM} missing: apt-get update && apt-get install -y chromium (24 s here with a fast mirror)`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	for (const cmd of [
		[...sudo, 'apt-get', 'update', '-qq'],
		[...sudo, 'apt-get', 'install', '-y', '-qq', 'chromium'],
	]) {
		const r = spawnSync(cmd[0], cmd.slice(1), { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000 });
		if (r.status !== 0) {
			throw new Error(`${TAG} \`${cmd.join(' ')}\` failed (exit ${r.status ?? r.signal}):\n${(r.stderr || '') + (r.stdout || '')}`.slice(0, 6000));
		}
	}
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${TAG} apt-get installed chromium but ${CHROMIUM} is missing`);
	log(`chromium installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	return CHROMIUM;
}

/**
 * Launches headless Chromium with a fresh profile. Returns { browser, close }.
 * close() also removes the profile folder.
 */
export async function launchChromium() {
	const executablePath = ensureChromium();
	const { chromium } = await import('playwright-core');
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kapture-chromium-'));
	// launchPersistentContext is the only way to give Chromium a user data dir
	// through playwright; it returns the (single) context.
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width: 1440, height: 900 },
		deviceScaleFactor: 1,
		locale: 'en-US',
		timezoneId: 'UTC',
		colorScheme: 'light',
		reducedMotion: 'reduce',
		timeout: 120_000,
	});
	const close = async () => {
		try {
			await context.close();
		} finally {
			fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5 });
		}
	};
	return { context, close, userDataDir };
}
