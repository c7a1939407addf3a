import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

import { packageJsonPlugin } from './scripts/lint/package-json.mjs';

// What n8n's scanner (@n8n/scan-community-package, see scripts/release/scan.mjs)
// lints, with at least its rules: the published code (nodes/, credentials/:
// .ts, .js, .json) and package.json. `npm run lint` runs with inline
// configuration off, as the scanner does, so an eslint-disable comment changes
// nothing here either. test/lint/scannerParity.test.ts checks, file by file,
// that every rule the scanner's own config turns on is on here, as strictly.
// Test and tooling code is not linted with n8n's rules: they assume node code,
// and tests legitimately use timers, process and child processes.
const PUBLISHED = ['nodes/**/*.{ts,js,json}', 'credentials/**/*.{ts,js,json}', 'package.json'];

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', 'examples/**', 'docs/**'] },
	{ ...n8nCommunityNodesPlugin.configs.recommended, files: PUBLISHED },
	{
		files: PUBLISHED,
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { 'no-console': 'error' },
	},
	{
		// The rules walk a TSESTree AST, so .ts and .json go through the
		// TypeScript parser, as in the scanner: package.json's rules listen for
		// the top-level ObjectExpression it makes of a JSON file (a JSON parser's
		// node types would silently switch every one of them off).
		files: ['nodes/**/*.{ts,json}', 'credentials/**/*.{ts,json}', 'package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { sourceType: 'module' } },
		plugins: { '@typescript-eslint': tseslint.plugin },
	},
	{
		files: ['package.json'],
		plugins: { 'kapture-package-json': packageJsonPlugin },
		rules: {
			...n8nNodesBase.configs.community.rules,
			// A node file missing from n8n.nodes is a node users never see.
			'@n8n/community-nodes/node-registration-complete': 'error',
			// Same rule, minus "no author email": that one is a warning (below)
			// until the package has a real contact address.
			'@n8n/community-nodes/valid-author': 'off',
			'kapture-package-json/valid-author': 'error',
			'kapture-package-json/publishing-fields': 'warn',
		},
	},
	{
		files: ['**/credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Main-repository convention (docs slugs on docs.n8n.io); the scanner
			// turns it off too: a community credential links to the vendor's docs.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['**/nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// These two want the string 'main'; n8n's community rule
			// node-connection-type-literal wants the NodeConnectionTypes constant,
			// which is what n8n uses now. The scanner turns them off too.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
];
