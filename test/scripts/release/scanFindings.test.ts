// What `npm run scan:n8n` (and so CI) lets through: only the findings that say
// a publishing field (author email, homepage) is missing from the package.json
// at the root of what is scanned. Everything else fails the scan, warnings and
// parse errors included. The classification (scripts/release/scan-findings.mjs)
// is plain ESM, so it runs in a child Node; the cases are generated here, and
// real ESLint findings come from linting package.json variants and node files
// with n8n's community rules.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const findingsModule = path.join(repoRoot, 'scripts', 'release', 'scan-findings.mjs');
const ourPackage = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;

interface Finding {
	leg: string;
	file: string;
	line: number;
	column: number;
	severity: 'error' | 'warning';
	ruleId: string | null;
	messageId: string | undefined;
	message: string;
	field?: string;
}

/** Runs `body` (an async function of the module and `input`) in a child Node and returns what it returns. */
function inChild<T>(body: string, input: unknown): T {
	const script = `
		import * as findings from ${JSON.stringify(findingsModule)};
		const input = JSON.parse(await new Promise((resolve) => { let s = ''; process.stdin.on('data', (c) => (s += c)); process.stdin.on('end', () => resolve(s)); }));
		const output = await (${body})(findings, input);
		process.stdout.write(JSON.stringify(output));`;
	// Without jest's NODE_ENV=test, which makes eslint-plugin-n8n-nodes-base
	// look for its own unit tests' AST shape.
	const { NODE_ENV: _jestsNodeEnv, ...env } = process.env;
	const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, env, input: JSON.stringify(input), encoding: 'utf8' });
	if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
	return JSON.parse(run.stdout) as T;
}

// The test's own statement of what may pass, written apart from the module's table.
const ALLOWED: Record<string, string> = {
	'@n8n/community-nodes/valid-author authorEmailMissing': 'author.email',
	'@n8n/community-nodes/require-homepage homepageMissing': 'homepage',
};

describe('classifyFindings, over generated findings', () => {
	const files = ['package.json', 'nodes/package.json', 'credentials/x/package.json', 'dist/package.json', 'package.json.bak', 'nodes/Kapture/KaptureOrder.node.ts', 'dist/nodes/x.js'];
	const rules: Array<[string | null, Array<string | undefined>]> = [
		['@n8n/community-nodes/valid-author', ['authorEmailMissing', 'authorNameMissing', 'authorMissing', undefined]],
		['@n8n/community-nodes/require-homepage', ['homepageMissing', 'homepageInvalid', undefined]],
		['@n8n/community-nodes/no-deprecated-workflow-functions', ['deprecatedRequestFunction', 'authorEmailMissing', 'homepageMissing']],
		['n8n-nodes-base/node-class-description-missing-subtitle', ['addSubtitle']],
		['kapture-package-json/publishing-fields', ['missing']],
		['no-console', [undefined]],
		[null, [undefined]], // a parse error
	];
	const cases: Finding[] = [];
	for (const leg of ['source', 'tarball'])
		for (const file of files)
			for (const [ruleId, messageIds] of rules)
				for (const messageId of messageIds)
					for (const severity of ['error', 'warning'] as const)
						cases.push({ leg, file, line: 1, column: 1, severity, ruleId, messageId, message: `${ruleId} ${messageId}` });

	const { allowed, blocking } = inChild<{ allowed: Finding[]; blocking: Finding[] }>('(m, input) => m.classifyFindings(input)', cases);

	it('lets through exactly the two publishing-field findings, in the root package.json, of either pass and severity', () => {
		const expected = cases.filter((c) => c.file === 'package.json' && `${c.ruleId} ${c.messageId}` in ALLOWED);
		expect(expected).toHaveLength(2 * 2 * 2); // 2 findings x 2 passes x 2 severities
		expect(allowed.map(({ field, ...finding }) => finding)).toEqual(expected);
		for (const finding of allowed) expect(finding.field).toBe(ALLOWED[`${finding.ruleId} ${finding.messageId}`]);
	});

	it('blocks everything else, and loses nothing', () => {
		expect(allowed.length + blocking.length).toBe(cases.length);
		expect(blocking.some((f) => f.file === 'package.json' && f.messageId === 'homepageInvalid')).toBe(true);
		expect(blocking.some((f) => f.file === 'package.json' && f.messageId === 'authorNameMissing')).toBe(true);
		expect(blocking.some((f) => f.file === 'nodes/package.json' && f.messageId === 'authorEmailMissing')).toBe(true);
		expect(blocking.some((f) => f.ruleId === null)).toBe(true);
	});
});

describe('findingsOf and verdictProblem', () => {
	it('names files relative to the scanned folder and counts a parse error as an error', () => {
		const results = [
			{ filePath: '/tmp/scan/source/package.json', messages: [{ ruleId: 'r', messageId: 'm', severity: 1, message: 'w', line: 2, column: 3 }] },
			{ filePath: '/tmp/scan/source/nodes/A.node.ts', messages: [{ ruleId: null, fatal: true, severity: 2, message: 'Parsing error', line: 5, column: 1 }] },
		];
		const found = inChild<Finding[]>('(m, input) => m.findingsOf("source", input, "/tmp/scan/source/")', results);
		expect(found).toEqual([
			{ leg: 'source', file: 'package.json', line: 2, column: 3, severity: 'warning', ruleId: 'r', messageId: 'm', message: 'w' },
			{ leg: 'source', file: 'nodes/A.node.ts', line: 5, column: 1, severity: 'error', ruleId: null, message: 'Parsing error' },
		]);
	});

	it("fails a pass whose verdict the findings do not explain, or that scanned nothing", () => {
		const error = { severity: 'error' };
		const warning = { severity: 'warning' };
		const verdicts = inChild<Array<string | null>>(
			'(m, cases) => cases.map(([verdict, findings, files]) => m.verdictProblem(verdict, findings, files) ?? null)',
			[
				[{ passed: false, message: 'ESLint violations found' }, [error], 3],
				[{ passed: true }, [warning], 3],
				[{ passed: true }, [], 3],
				[{ passed: false, message: 'Analysis failed: boom' }, [warning], 3],
				[{ passed: true }, [error], 3],
				[{ passed: true, message: 'No files found to analyze' }, [], 0],
			],
		);
		expect(verdicts.map((v) => (v === null ? null : v.split(':')[0]))).toEqual([
			null,
			null,
			null,
			'the scanner failed without an error in this listing',
			'the scanner passed, but this listing has 1 error(s)',
			'no files were scanned',
		]);
		expect(verdicts[3]).toContain('Analysis failed: boom');
	});
});

describe('over real findings of n8n community rules', () => {
	let dir: string;
	beforeAll(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kapture-scan-findings-'));
	});
	afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

	/** Lints `files` (path → text) in a fresh folder the way the scanner does, and classifies the findings. */
	function scan(files: Record<string, string>) {
		const case_ = fs.mkdtempSync(path.join(dir, 'case-'));
		for (const [file, text] of Object.entries(files)) {
			fs.mkdirSync(path.dirname(path.join(case_, file)), { recursive: true });
			fs.writeFileSync(path.join(case_, file), text);
		}
		return inChild<{ allowed: Finding[]; blocking: Finding[] }>(
			`async (m, dir) => {
				const { ESLint } = await import('eslint');
				const { n8nCommunityNodesPlugin } = await import('@n8n/eslint-plugin-community-nodes');
				const tseslint = (await import('typescript-eslint')).default;
				const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: [
					n8nCommunityNodesPlugin.configs.recommended,
					{ files: ['**/*.json', '**/*.ts'], languageOptions: { parser: tseslint.parser } },
				] });
				return m.classifyFindings(m.findingsOf('source', await eslint.lintFiles(['**/*.{ts,json}']), dir));
			}`,
			case_,
		);
	}
	const packageJson = (changes: Record<string, unknown>) => JSON.stringify({ ...ourPackage, ...changes }, null, 2);
	const summary = ({ allowed, blocking }: { allowed: Finding[]; blocking: Finding[] }) => ({
		allowed: allowed.map((f) => f.field).sort(),
		blocking: blocking.map((f) => `${f.file} ${f.ruleId} ${f.messageId}`).sort(),
	});

	// Ours, without the two fields (as it is until they exist).
	const withoutFields = () => packageJson({ author: { name: 'n8n-nodes-kapture developers' }, homepage: undefined });

	it('our package.json without an author email and homepage: those two, both allowed', () => {
		expect(summary(scan({ 'package.json': withoutFields() }))).toEqual({ allowed: ['author.email', 'homepage'], blocking: [] });
	});

	it('once filled in: nothing at all', () => {
		const filled = packageJson({ author: { name: 'A Maintainer', email: 'maintainer@example.com' }, homepage: 'https://example.com/x' });
		expect(summary(scan({ 'package.json': filled }))).toEqual({ allowed: [], blocking: [] });
	});

	it('a wrong value is not a missing field: it blocks', () => {
		expect(summary(scan({ 'package.json': packageJson({ homepage: 'not a url' }) })).blocking).toEqual([
			'package.json @n8n/community-nodes/require-homepage homepageInvalid',
		]);
		expect(summary(scan({ 'package.json': packageJson({ author: { email: 'a@example.com' } }) })).blocking).toEqual([
			'package.json @n8n/community-nodes/valid-author authorNameMissing',
		]);
	});

	it('a node that calls this.helpers.request blocks, even with an eslint-disable comment', () => {
		const node = [
			"import type { IExecuteFunctions } from 'n8n-workflow';",
			'export async function send(this: IExecuteFunctions) {',
			'\t// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions',
			"\treturn await this.helpers.request({ uri: 'https://example.com' });",
			'}',
		].join('\n');
		const result = summary(scan({ 'package.json': withoutFields(), 'nodes/Thing/send.ts': node }));
		expect(result.allowed).toEqual(['author.email', 'homepage']);
		expect(result.blocking).toEqual(['nodes/Thing/send.ts @n8n/community-nodes/no-deprecated-workflow-functions deprecatedRequestFunction']);
	});
});
