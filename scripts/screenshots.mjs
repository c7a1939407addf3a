#!/usr/bin/env node
// Refreshes the README's screenshots in docs/screenshots/: builds the package,
// then runs the editor test (test/e2e/editor.test.mjs: a real n8n and headless
// Chromium, installed if missing) with its screenshots going there.
//
//   npm run screenshots              (build + test + screenshots)
//   npm run screenshots -- --no-build
//
// Needs the n8n runtime (node scripts/n8n/runtime.mjs install; ~6 min once).

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--no-build');
if (unknown.length) {
	console.error(`unknown argument(s): ${unknown.join(' ')}\nusage: node scripts/screenshots.mjs [--no-build]`);
	process.exit(2);
}

function run(cmd, cmdArgs, env = {}) {
	const r = spawnSync(cmd, cmdArgs, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } });
	if (r.status !== 0) {
		console.error(`\`${cmd} ${cmdArgs.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
		process.exit(r.status || 1);
	}
}

if (!args.includes('--no-build')) run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build']);
run(process.execPath, ['scripts/n8n/runtime.mjs', 'install']);
run(process.execPath, ['--test', '--test-concurrency=1', 'test/e2e/editor.test.mjs'], {
	KAPTURE_SCREENSHOTS_DIR: path.join('docs', 'screenshots'),
});
console.log(`screenshots written to ${path.join(repoRoot, 'docs', 'screenshots')}`);
