#!/usr/bin/env node
// `npm run scan:n8n`: the lint passes of n8n's own community-package scanner
// (@n8n/scan-community-package, version in scanner.mjs) run on this
// repository, locally. The real scanner downloads the published tarball and
// the GitHub commit its npm provenance points at; here the commit is
// `git archive HEAD` and the tarball is `npm pack` of the current build. Its
// provenance and download steps need a published package and are not run.
//
// Prints every finding of both passes, then what each one means
// (scan-findings.mjs): a finding that only waits for a publishing field a
// person has to fill in (author email, homepage) is allowed; anything else,
// warnings included, fails the scan. `.ci/run` runs this on every submission.
//
// Exit 0 = nothing but the publishing fields, 1 = anything else (listed).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { foreignNpmEnv } from '../n8n/runtime.mjs';
import { classifyFindings, findingsOf, formatFinding, verdictProblem } from './scan-findings.mjs';
import { loadScanner, SCANNER_VERSION } from './scanner.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function sh(cmd, args, options = {}) {
	const run = spawnSync(cmd, args, { encoding: 'utf8', ...options });
	if (run.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${run.status ?? run.signal}):\n${run.stderr || run.stdout}`);
	return run.stdout;
}

const { scanner, ESLint, glob } = await loadScanner();

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

	const findings = [];
	const problems = [];
	for (const [leg, label, dir, patterns] of [
		['source', `HEAD: ${scanner.SOURCE_FILE_PATTERNS.join(', ')}`, source, scanner.SOURCE_FILE_PATTERNS],
		['tarball', `${packed}: **/*.js, package.json`, tarball, ['**/*.js', 'package.json']],
	]) {
		// The verdict is the scanner's own; the listing, linted the same way, adds
		// the warnings it does not print and what each finding is.
		const verdict = await scanner.analyzePackage(dir, patterns);
		const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await scanner.buildScanConfig() });
		const results = await eslint.lintFiles(glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] }));
		const legFindings = findingsOf(leg, results, dir);
		const errors = legFindings.filter((f) => f.severity === 'error').length;
		console.log(
			`\n== ${leg} (${label}): n8n's scanner ${verdict.passed ? 'passed' : 'FAILED'} (${results.length} files, ${errors} errors, ${legFindings.length - errors} warnings)`,
		);
		const listing = await (await eslint.loadFormatter('stylish')).format(results);
		if (listing.trim()) console.log(listing.replaceAll(dir + path.sep, ''));
		const problem = verdictProblem(verdict, legFindings, results.length);
		if (problem) problems.push(`${leg}: ${problem}`);
		findings.push(...legFindings);
	}

	const { allowed, blocking } = classifyFindings(findings);
	console.log(`\n== scanner ${SCANNER_VERSION}, both passes: ${allowed.length} finding(s) waiting for a publishing field, ${blocking.length} other finding(s)`);
	for (const finding of allowed) console.log(`   allowed until it exists: ${finding.field} — ${formatFinding(finding)}`);
	for (const finding of blocking) console.log(`   BLOCKS: ${formatFinding(finding)}`);
	for (const problem of problems) console.log(`   BLOCKS: ${problem}`);
	if (blocking.length || problems.length) {
		console.log('scan:n8n FAILED: n8n would reject the package for more than the publishing fields (above).');
		process.exitCode = 1;
	} else {
		console.log('scan:n8n passed: nothing but the publishing fields, which wait for a real contact address, homepage and public repository.');
	}
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
