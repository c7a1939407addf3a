// Reads the built Kapture Order node's description (dist/) to find options
// that other branches add, so a test can use them when they exist and report
// itself skipped when they do not.

import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Create's "If the ERP Order ID Exists" option and its "Skip" value, as
 * {collection, name, value} (collection: the parameter holding it, e.g.
 * 'options', or null when it is a top-level parameter), or null when the
 * built node has no such option.
 */
export function findCreateSkipOption(repoRoot) {
	const require = createRequire(path.join(repoRoot, 'package.json'));
	const { KaptureOrder } = require(path.join(repoRoot, 'dist', 'nodes', 'Kapture', 'KaptureOrder.node.js'));
	const properties = new KaptureOrder().description.properties;
	const showsForCreate = (p) => {
		const ops = p.displayOptions && p.displayOptions.show && p.displayOptions.show.operation;
		return !ops || ops.includes('add');
	};
	const skipOf = (p) => {
		if (!/^if the erp order id exists$/i.test(String(p.displayName || '').trim()) || !Array.isArray(p.options)) return undefined;
		const skip = p.options.find((o) => /^skip$/i.test(String(o.name || '').trim()));
		return skip && skip.value;
	};
	for (const p of properties) {
		if (!showsForCreate(p)) continue;
		const top = skipOf(p);
		if (top !== undefined) return { collection: null, name: p.name, value: top };
		if (p.type === 'collection' && Array.isArray(p.options)) {
			for (const inner of p.options) {
				const value = skipOf(inner);
				if (value !== undefined) return { collection: p.name, name: inner.name, value };
			}
		}
	}
	return null;
}

/** Create parameters with the Skip option set (a copy). */
export function withSkipOption(parameters, option) {
	if (!option.collection) return { ...parameters, [option.name]: option.value };
	return { ...parameters, [option.collection]: { ...(parameters[option.collection] || {}), [option.name]: option.value } };
}
