import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

import { packageJsonPlugin } from './scripts/lint/package-json.mjs';

// Only the published code (nodes/, credentials/) and package.json are linted
// with n8n's rules: they assume node code, and test code legitimately uses
// timers, process and child processes.
export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', 'examples/**', 'docs/**'] },
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		languageOptions: { parser: tseslint.parser, parserOptions: { sourceType: 'module' } },
		plugins: { '@typescript-eslint': tseslint.plugin },
	},
	{ ...n8nCommunityNodesPlugin.configs.recommended, files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'] },
	{
		files: ['package.json'],
		// As n8n's scanner (@n8n/scan-community-package) lints it: the
		// package.json rules of both plugins listen for the top-level
		// ObjectExpression that @typescript-eslint/parser makes of a JSON file
		// (a JSON parser's node types would silently switch every one of them off).
		languageOptions: { parser: tseslint.parser },
		plugins: { 'n8n-nodes-base': n8nNodesBase, 'kapture-package-json': packageJsonPlugin },
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
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Main-repository conventions (docs slugs on docs.n8n.io); a community
			// credential links to the vendor's own documentation instead.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-documentation-url-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// Same overrides as n8n's community node starter: these rules assume the
			// main repository's file layout and V1-style execute blocks.
			'n8n-nodes-base/node-execute-block-missing-continue-on-fail': 'off',
			'n8n-nodes-base/node-resource-description-filename-against-convention': 'off',
			'n8n-nodes-base/node-param-fixed-collection-type-unsorted-items': 'off',
		},
	},
];
