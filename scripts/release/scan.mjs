#!/usr/bin/env node
// `npm run scan:n8n`: the lint passes of n8n's own community-package scanner
// (@n8n/scan-community-package, the version below) run on this repository,
// locally. The real scanner downloads the published tarball and the GitHub
// commit its npm provenance points at; here the commit is `git archive HEAD`
// and the tarball is `npm pack` of the current build. Its provenance and
// download steps need a published package and are not run.
//
// The scanner is installed once into a scratch folder outside the project
// (KAPTURE_SCANNER_DIR, default: <tmp>/kapture-n8n-scanner-<version>); that
// needs the npm registry. Exit 0 = both passes clean of errors.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { foreignNpmEnv } from '../n8n/runtime.mjs';

const SCANNER_VERSION = '0.32.0';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const scannerDir = path.resolve(process.env.KAPTURE_SCANNER_DIR || path.join(os.tmpdir(), `kapture-n8n-scanner-${SCANNER_VERSION}`));
const scannerModule = path.join(scannerDir, 'node_modules', '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs');

function sh(cmd, args, options = {}) {
	const run = spawnSync(cmd, args, { encoding: 'utf8', ...options });
	if (run.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${run.status ?? run.signal}):\n${run.stderr || run.stdout}`);
	return run.stdout;
}

if (!fs.existsSync(scannerModule)) {
	console.log(`installing @n8n/scan-community-package@${SCANNER_VERSION} into ${scannerDir} (outside the project)`);
	fs.mkdirSync(scannerDir, { recursive: true });
	fs.writeFileSync(path.join(scannerDir, 'package.json'), '{ "name": "kapture-n8n-scanner", "private": true }\n');
	sh('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-save', `@n8n/scan-community-package@${SCANNER_VERSION}`], {
		cwd: scannerDir,
		env: foreignNpmEnv(),
	});
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kapture-scan-'));
try {
	if (sh('git', ['status', '--porcelain', '--', 'package.json', 'nodes', 'credentials'], { cwd: repoRoot }).trim()) {
		console.log('note: package.json, nodes/ or credentials/ have uncommitted changes; the source pass scans HEAD, as provenance would.');
	}
	const source = path.join(work, 'source');
	fs.mkdirSync(source);
	sh('sh', ['-c', `git archive HEAD | tar -x -C '${source}'`], { cwd: repoRoot });

	const tarball = path.join(work, 'package');
	fs.mkdirSync(tarball);
	const packed = sh('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: repoRoot, env: foreignNpmEnv() }).trim().split('\n').pop();
	sh('tar', ['-xzf', path.join(work, packed), '-C', tarball, '--strip-components=1']);

	const scanner = await import(pathToFileURL(scannerModule).href);
	const { ESLint } = createRequire(scannerModule)('eslint');
	const glob = createRequire(scannerModule)('fast-glob');
	let failed = false;
	for (const [label, dir, patterns] of [
		[`source (HEAD: ${scanner.SOURCE_FILE_PATTERNS.join(', ')})`, source, scanner.SOURCE_FILE_PATTERNS],
		[`tarball (${packed}: **/*.js, package.json)`, tarball, ['**/*.js', 'package.json']],
	]) {
		// The verdict is the scanner's own; the listing adds the warnings it does not print.
		const verdict = await scanner.analyzePackage(dir, patterns);
		const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await scanner.buildScanConfig() });
		const results = await eslint.lintFiles(glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] }));
		const count = (key) => results.reduce((n, r) => n + r[key], 0);
		console.log(`\n== ${label}: ${verdict.passed ? 'passed' : 'FAILED'} (${results.length} files, ${count('errorCount')} errors, ${count('warningCount')} warnings)`);
		const listing = await (await eslint.loadFormatter('stylish')).format(results);
		if (listing.trim()) console.log(listing.replaceAll(dir + path.sep, ''));
		failed ||= !verdict.passed;
	}
	process.exitCode = failed ? 1 : 0;
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
