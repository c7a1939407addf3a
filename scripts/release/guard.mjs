#!/usr/bin/env node
// The last check before `npm publish` (run by `npm run release:check`, which
// is the package's prepublishOnly): refuses to publish a package that n8n's
// community-package verification would reject, naming every reason.
//
//   node scripts/release/guard.mjs [package folder]   (default: this repository)
//
// - the publishing fields only a person can fill in (author email, homepage,
//   repository; scripts/release/publishing-fields.mjs);
// - no runtime dependencies;
// - every built node and credential under dist/ is registered in package.json's
//   "n8n" section, and every registered file was built;
// - CHANGELOG.md has a section for the version being published.
//
// Plain ESM, no dependencies. Exit 0 = may publish, 1 = refused.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { missingPublishingFields } from './publishing-fields.mjs';

function filesUnder(dir, suffix) {
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
		.map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

function escapeRegExp(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * @param {string} packageDir
 * @returns {{ name: string, version: string, problems: string[] }}
 */
export function releaseProblems(packageDir) {
	const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	const problems = missingPublishingFields(pkg).map(({ field, problem }) => `${field}: ${problem}`);

	if (pkg.dependencies && Object.keys(pkg.dependencies).length > 0) {
		problems.push(`dependencies: community packages may not have runtime dependencies (${Object.keys(pkg.dependencies).join(', ')})`);
	}

	const dist = path.join(packageDir, 'dist');
	if (!fs.existsSync(dist)) {
		problems.push('dist/: not built (npm run build)');
	} else {
		for (const [key, suffix] of [
			['nodes', '.node.js'],
			['credentials', '.credentials.js'],
		]) {
			const registered = new Set((pkg.n8n?.[key] ?? []).map((file) => path.resolve(packageDir, file)));
			// A versioned node registers its entry file; the per-version files sit
			// in folders below it (as n8n's node-registration-complete allows).
			const entryDirs = [...registered].map((file) => path.dirname(file) + path.sep);
			for (const built of filesUnder(dist, suffix)) {
				const perVersion = entryDirs.some((dir) => path.dirname(built).startsWith(dir));
				if (!registered.has(built) && !perVersion) {
					problems.push(`n8n.${key}: ${path.relative(packageDir, built)} is built but not registered, so n8n would never load it`);
				}
			}
			for (const file of registered) {
				if (!fs.existsSync(file)) problems.push(`n8n.${key}: ${path.relative(packageDir, file)} is registered but was not built`);
			}
		}
	}

	const changelogFile = path.join(packageDir, 'CHANGELOG.md');
	const changelog = fs.existsSync(changelogFile) ? fs.readFileSync(changelogFile, 'utf8') : '';
	if (!new RegExp(`^## \\[${escapeRegExp(pkg.version)}\\]`, 'm').test(changelog)) {
		problems.push(`CHANGELOG.md: no "## [${pkg.version}] - <date>" section for the version being published (move the Unreleased lines into one)`);
	}

	return { name: pkg.name, version: pkg.version, problems };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
	const packageDir = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..'));
	const { name, version, problems } = releaseProblems(packageDir);
	if (problems.length > 0) {
		console.error(`Refusing to publish ${name}@${version}: ${problems.length} problem${problems.length === 1 ? '' : 's'}.`);
		for (const problem of problems) console.error(`  - ${problem}`);
		console.error('Fill in real values (never made-up ones) and run `npm run release:check` again.');
		process.exit(1);
	}
	console.log(`${name}@${version} may be published: publishing fields, runtime dependencies, registered nodes and CHANGELOG are in order.`);
}
