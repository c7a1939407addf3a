// n8n's community-package scanner (@n8n/scan-community-package), installed
// once into a scratch folder outside the project, so its own ESLint plugins
// (older than ours) never mix with the project's dependencies. Used by
// `npm run scan:n8n` (scan.mjs) and by the lint parity test
// (test/lint/scannerParity.test.ts). Installing needs the npm registry.
//
//   KAPTURE_SCANNER_DIR=<folder>   where it lives (default: <tmp>/kapture-n8n-scanner-<version>)

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { foreignNpmEnv } from '../n8n/runtime.mjs';

export const SCANNER_VERSION = '0.32.0';
const PACKAGE = '@n8n/scan-community-package';

export function scannerDir() {
	return path.resolve(process.env.KAPTURE_SCANNER_DIR || path.join(os.tmpdir(), `kapture-n8n-scanner-${SCANNER_VERSION}`));
}

function installedVersion(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', ...PACKAGE.split('/'), 'package.json'), 'utf8')).version;
	} catch {
		return undefined;
	}
}

/** Installs the scanner unless it is there, in the right version. Returns its folder. */
export function ensureScanner({ log = (line) => console.log(line) } = {}) {
	const dir = scannerDir();
	const found = installedVersion(dir);
	if (found === SCANNER_VERSION) return dir;
	if (found) throw new Error(`${dir} holds ${PACKAGE} ${found}, not ${SCANNER_VERSION}: remove it, or point KAPTURE_SCANNER_DIR elsewhere.`);

	log(`installing ${PACKAGE}@${SCANNER_VERSION} into ${dir} (outside the project)`);
	// Into a folder of its own first, then renamed: a second process installing
	// at the same time never sees half an install.
	const staging = `${dir}.installing-${process.pid}`;
	fs.rmSync(staging, { recursive: true, force: true });
	fs.mkdirSync(staging, { recursive: true });
	fs.writeFileSync(path.join(staging, 'package.json'), '{ "name": "kapture-n8n-scanner", "private": true }\n');
	const run = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-save', `${PACKAGE}@${SCANNER_VERSION}`], {
		cwd: staging,
		env: foreignNpmEnv(),
		encoding: 'utf8',
	});
	if (run.status !== 0) {
		fs.rmSync(staging, { recursive: true, force: true });
		throw new Error(`npm install ${PACKAGE}@${SCANNER_VERSION} failed (exit ${run.status ?? run.signal}):\n${run.stderr || run.stdout}`);
	}
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	try {
		fs.renameSync(staging, dir);
	} catch (error) {
		fs.rmSync(staging, { recursive: true, force: true });
		if (installedVersion(dir) !== SCANNER_VERSION) throw error;
	}
	return dir;
}

/**
 * The scanner's module (analyzePackage, buildScanConfig, SOURCE_FILE_PATTERNS)
 * and the ESLint and fast-glob it runs with, installing it first if needed.
 */
export async function loadScanner(options) {
	const dir = ensureScanner(options);
	const entry = path.join(dir, 'node_modules', ...PACKAGE.split('/'), 'scanner', 'scanner.mjs');
	const scanner = await import(pathToFileURL(entry).href);
	const requireFromScanner = createRequire(entry);
	return { scanner, ESLint: requireFromScanner('eslint').ESLint, glob: requireFromScanner('fast-glob') };
}
