// ESLint rules for package.json, next to n8n's own (eslint.config.mjs):
//
// - `valid-author`: n8n's `@n8n/community-nodes/valid-author`, except that a
//   missing author email is left to `publishing-fields`. A missing or empty
//   author name is still an error.
// - `publishing-fields`: a warning for each field n8n's verification needs
//   that only a person can fill in truthfully (author email, repository; n8n's
//   `require-homepage` warns about the homepage). They are warnings, not
//   errors, so the package can be developed before they exist; the release
//   guard (scripts/release/guard.mjs) refuses to publish without them.
//
// Both read the package.json the way n8n's rules do: parsed by
// @typescript-eslint/parser, a top-level ObjectExpression.

import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

import { missingPublishingFields } from '../release/publishing-fields.mjs';

/** `rule`, reporting only the problems `keep(messageId)` accepts. */
function filteredRule(rule, keep) {
	return {
		meta: rule.meta,
		create(context) {
			const report = (descriptor) => {
				if (keep(descriptor.messageId)) context.report(descriptor);
			};
			return rule.create(Object.create(context, { report: { value: report } }));
		},
	};
}

const validAuthor = filteredRule(n8nCommunityNodesPlugin.rules['valid-author'], (id) => id !== 'authorEmailMissing');

const publishingFields = {
	meta: {
		type: 'suggestion',
		docs: { description: 'Warn while package.json lacks the author email or repository that publishing needs' },
		messages: {
			missing: '{{ problem }}. Add it once it exists (never a made-up one); `npm publish` refuses until then.',
		},
		schema: [],
	},
	create(context) {
		if (!context.filename.endsWith('package.json')) return {};
		return {
			ObjectExpression(node) {
				if (node.parent?.type !== 'ExpressionStatement') return;
				let pkg;
				try {
					pkg = JSON.parse(context.sourceCode.text);
				} catch {
					return; // not JSON: the parser has already said so
				}
				for (const { field, problem } of missingPublishingFields(pkg)) {
					if (field === 'homepage') continue; // n8n's require-homepage reports it
					const property = node.properties.find((p) => p.key?.value === field.split('.')[0]);
					context.report({ node: property ?? node, messageId: 'missing', data: { problem } });
				}
			},
		};
	},
};

export const packageJsonPlugin = {
	meta: { name: 'kapture-package-json' },
	rules: { 'valid-author': validAuthor, 'publishing-fields': publishingFields },
};
