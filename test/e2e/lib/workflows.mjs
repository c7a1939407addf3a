// Building blocks of the workflows the end-to-end tests and the real-n8n bench
// import: a start (Manual Trigger or Webhook), the input items (Edit Fields +
// Split Out, nodes that need no task runner), and a chain that wires nodes one
// after the other. Plain ESM without dependencies, so the bench (TypeScript,
// CommonJS) can import it too.

import crypto from 'node:crypto';

export const MANUAL_TRIGGER = Object.freeze({
	id: 'start',
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
});

/**
 * A Webhook start node named Start, answering POST /webhook/<path>.
 * `responseMode`: 'lastNode' answers when the run ends, 'onReceived' at once.
 * `responseData` (with 'lastNode'): 'noData', or 'firstEntryJson' to answer
 * with the last node's first item.
 */
export function webhookTrigger(path, { responseMode = 'lastNode', responseData = 'noData' } = {}) {
	return {
		id: 'start',
		name: 'Start',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: crypto.randomUUID(),
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode,
			...(responseMode === 'lastNode' ? { responseData } : {}),
			options: {},
		},
	};
}

/** Edit Fields (raw JSON) named Items: one item `{items: [...]}`. */
export function itemsNode(items) {
	return {
		id: 'items',
		name: 'Items',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [0, 0],
		parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items }), options: {} },
	};
}

/** Split Out named Split: one item per element of `field` (a dotted path, e.g. 'body.items'). */
export function splitOutNode(field = 'items') {
	return {
		id: 'split',
		name: 'Split',
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: [0, 0],
		parameters: { fieldToSplitOut: field, options: {} },
	};
}

/**
 * A workflow whose nodes run one after the other (main output 0 → the next
 * node's input), laid out left to right.
 */
export function chainWorkflow(name, nodes) {
	const placed = nodes.map((node, i) => ({ ...node, position: [i * 220, 0] }));
	const connections = {};
	for (let i = 0; i + 1 < placed.length; i++) {
		connections[placed[i].name] = { main: [[{ node: placed[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name, nodes: placed, connections };
}
