// Reads a V8 .cpuprofile (node --cpu-prof) and says where the CPU went inside
// given time windows (one contender's runs): by category of work, and the
// functions with the most self time. Sample times are on the monotonic clock,
// the same one process.hrtime() reads in the bench, so a window measured
// around a webhook call selects exactly the samples of that run.

import { readFileSync } from 'node:fs';

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
}

interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

export interface Window {
	startUs: number;
	endUs: number;
}

export interface CategoryRule {
	/** Shown in the table. */
	name: string;
	/** Whose cost it is: ours (we can cut it), n8n (the platform), node (runtime, GC). */
	owner: 'ours' | 'n8n' | 'node';
	/** Matches one frame of the sample's stack. */
	frame: (frame: CallFrame) => boolean;
}

export interface ProfileSummary {
	/** CPU (not idle) sampled inside the windows, ms. */
	busyMs: number;
	categories: Array<{ name: string; owner: string; ms: number }>;
	/** Functions with the most self time. */
	top: Array<{ function: string; where: string; ms: number; category: string }>;
}

function shortUrl(url: string): string {
	if (url === '') return '(native)';
	const marks = ['node_modules/', 'dist/'];
	for (const mark of marks) {
		const at = url.lastIndexOf(mark);
		if (at >= 0) return url.slice(at + mark.length);
	}
	return url.replace(/^file:\/\//, '');
}

/**
 * The samples inside `windows`, each classified by the first rule (in order)
 * that matches any frame of its stack, walking from the innermost frame out.
 * A sample no rule matches is "other" (owner n8n).
 */
export function summarizeProfile(path: string, windows: Window[], rules: CategoryRule[], topCount = 25): ProfileSummary {
	const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
	const byId = new Map<number, ProfileNode>();
	const parent = new Map<number, number>();
	for (const node of profile.nodes) {
		byId.set(node.id, node);
		for (const child of node.children ?? []) parent.set(child, node.id);
	}
	const stackOf = new Map<number, CallFrame[]>();
	const stack = (id: number): CallFrame[] => {
		let frames = stackOf.get(id);
		if (!frames) {
			frames = [];
			for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) frames.push((byId.get(at) as ProfileNode).callFrame);
			stackOf.set(id, frames);
		}
		return frames;
	};
	const categoryOf = new Map<number, string>();
	const classify = (id: number): string => {
		let name = categoryOf.get(id);
		if (name === undefined) {
			name = 'other (n8n)';
			const frames = stack(id);
			found: for (const frame of frames) {
				for (const rule of rules) {
					if (rule.frame(frame)) {
						name = rule.name;
						break found;
					}
				}
			}
			categoryOf.set(id, name);
		}
		return name;
	};

	const categories = new Map<string, number>();
	const self = new Map<string, { function: string; where: string; ms: number; category: string }>();
	let busyUs = 0;
	let t = profile.startTime;
	const sorted = [...windows].sort((a, b) => a.startUs - b.startUs);
	for (let i = 0; i < profile.samples.length; i++) {
		t += profile.timeDeltas[i];
		// A sample stands for the time until the next one.
		const weight = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
		if (!sorted.some((w) => t >= w.startUs && t <= w.endUs)) continue;
		const id = profile.samples[i];
		const leaf = (byId.get(id) as ProfileNode).callFrame;
		if (leaf.functionName === '(idle)') continue;
		busyUs += weight;
		const category = classify(id);
		categories.set(category, (categories.get(category) ?? 0) + weight);
		const key = `${leaf.functionName}@${leaf.url}:${leaf.lineNumber}`;
		const entry = self.get(key) ?? {
			function: leaf.functionName || '(anonymous)',
			where: `${shortUrl(leaf.url)}${leaf.url ? `:${leaf.lineNumber + 1}` : ''}`,
			ms: 0,
			category,
		};
		entry.ms += weight / 1000;
		self.set(key, entry);
	}
	const owners = new Map(rules.map((rule) => [rule.name, rule.owner]));
	return {
		busyMs: busyUs / 1000,
		categories: [...categories.entries()]
			.map(([name, us]) => ({ name, owner: owners.get(name) ?? 'n8n', ms: us / 1000 }))
			.sort((a, b) => b.ms - a.ms),
		top: [...self.values()].sort((a, b) => b.ms - a.ms).slice(0, topCount),
	};
}

const ours = (file: RegExp) => (frame: CallFrame) => frame.url.includes('n8n-nodes-kapture/dist/') && file.test(frame.url);
const n8n = (pattern: RegExp) => (frame: CallFrame) => pattern.test(frame.url);
const named = (pattern: RegExp, url?: RegExp) => (frame: CallFrame) => pattern.test(frame.functionName) && (!url || url.test(frame.url));

/**
 * Where a Kapture Order item's time goes, innermost match first: the rules are
 * tried on each frame from the leaf outwards, so "expression evaluation inside
 * our getNodeParameter call" is counted as expression evaluation, and the
 * rest of that getNodeParameter call as n8n's parameter handling.
 */
export const ORDER_NODE_RULES: CategoryRule[] = [
	{ name: 'GC', owner: 'node', frame: (f) => f.functionName === '(garbage collector)' },
	{ name: 'scrubber (ours)', owner: 'ours', frame: ours(/transport\/secrets\.js$/) },
	{ name: 'answer reading (ours)', owner: 'ours', frame: ours(/transport\/(answers|errors)\.js$|vendors\/kapture\.js$/) },
	{ name: 'scheduler (ours)', owner: 'ours', frame: ours(/transport\/(scheduler|pace)\.js$/) },
	{ name: 'validation (ours)', owner: 'ours', frame: ours(/helpers\/(validation|dates|numbers)\.js$/) },
	{ name: 'body building (ours)', owner: 'ours', frame: ours(/orderBody\.js$|fieldSpec\.js$/) },
	{
		name: 'expression evaluation (n8n)',
		owner: 'n8n',
		frame: (f) =>
			/expression-runtime|isolated-vm|tournament|workflow-data-proxy|expression-evaluator|expression-sandboxing/.test(f.url) ||
			/^(resolveSimpleParameterValue|renderExpression|getDataProxy|initializeGlobalContext)$/.test(f.functionName),
	},
	{ name: 'credential: address and Authorization header (ours)', owner: 'ours', frame: (f) => f.url.includes('n8n-nodes-kapture/dist/credentials/') },
	{ name: "n8n's HTTP request helper (axios, a new connection per request)", owner: 'n8n', frame: n8n(/axios|follow-redirects|request-helper-functions|backend-network|form-data|proxy-from-env|agent-base|https?-proxy-agent|credentials-helper|credentials\.js/) },
	{ name: 'getNodeParameter: validation against the description (n8n)', owner: 'n8n', frame: named(/^(validateValueAgainstSchema|displayParameter|displayParameterPath|validateCollection)$/) },
	{ name: 'getNodeParameter: other (n8n)', owner: 'n8n', frame: named(/^(_getNodeParameter|getNodeParameter|getParameterValue|cleanupParameterData|ensureType|extractValue)$/) },
	{ name: 'HTTP, sockets (Node)', owner: 'node', frame: (f) => /^node:(_http|http|net|internal\/(http|stream|streams|net|dns|url))/.test(f.url) },
	{ name: 'item runner, writer (ours)', owner: 'ours', frame: ours(/./) },
	{ name: 'run data, saving the execution (n8n)', owner: 'n8n', frame: n8n(/typeorm|sqlite|flatted|execution-repository|execution-persistence|workflow-execute-additional-data|execution-lifecycle|execution-data/) },
	{ name: 'Edit Fields / HTTP Request node code (n8n)', owner: 'n8n', frame: n8n(/n8n-nodes-base\/dist\/nodes\/(Set|HttpRequest|SplitOut|Transform|NoOp)/) },
	{ name: 'workflow engine (n8n)', owner: 'n8n', frame: n8n(/n8n-core\/dist\/execution-engine|n8n-workflow/) },
	{ name: '(program): V8 and native code', owner: 'node', frame: (f) => f.functionName === '(program)' },
];
