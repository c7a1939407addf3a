// `npm run lint` really applies n8n's package.json rules, the way n8n's
// scanner (@n8n/scan-community-package) does. Each case lints a copy of this
// package (package.json, nodes/, credentials/) with the project's own ESLint
// config and the ESLint CLI `npm run lint` uses, with one thing changed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');
const eslintCli = path.join(repoRoot, 'node_modules', 'eslint', 'bin', 'eslint.js');
const realPackage = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;

interface LintMessage {
	ruleId: string | null;
	severity: 1 | 2;
	message: string;
}

let workDir: string;

beforeAll(() => {
	workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kapture-lint-'));
	for (const dir of ['nodes', 'credentials']) fs.cpSync(path.join(repoRoot, dir), path.join(workDir, dir), { recursive: true });
	// The project's config, loaded from the copy's folder so its file patterns apply there.
	fs.writeFileSync(
		path.join(workDir, 'eslint.config.mjs'),
		`export { default } from ${JSON.stringify(path.join(repoRoot, 'eslint.config.mjs'))};\n`,
	);
});

afterAll(() => {
	fs.rmSync(workDir, { recursive: true, force: true });
});

/** Lints package.json (as `npm run lint` does) after `change` is applied to a copy of ours. */
function lintPackageJson(change: (pkg: Record<string, any>) => void): { exit: number | null; messages: LintMessage[] } {
	const pkg = structuredClone(realPackage);
	change(pkg);
	fs.writeFileSync(path.join(workDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
	// Without jest's NODE_ENV=test, which makes eslint-plugin-n8n-nodes-base
	// look for its own unit tests' AST shape instead of a package.json.
	const { NODE_ENV: _jestsNodeEnv, ...env } = process.env;
	const run = spawnSync(process.execPath, [eslintCli, '--format', 'json', 'package.json'], { cwd: workDir, env, encoding: 'utf8' });
	if (!run.stdout.startsWith('[')) throw new Error(`eslint did not run: ${run.stderr}${run.stdout}`);
	const [result] = JSON.parse(run.stdout) as { messages: LintMessage[] }[];
	return { exit: run.status, messages: result.messages };
}

const errors = (messages: LintMessage[]) => messages.filter((m) => m.severity === 2).map((m) => m.ruleId);
const warnings = (messages: LintMessage[]) => messages.filter((m) => m.severity === 1).map((m) => m.ruleId);

describe('npm run lint on package.json', () => {
	it('passes our package.json, warning about each publishing field that does not exist yet', () => {
		const { exit, messages } = lintPackageJson(() => undefined);
		expect(exit).toBe(0);
		expect(errors(messages)).toEqual([]);
		// Listed as long as they are missing; drop a line when the field is filled in.
		const missing = ['author email', 'homepage', 'repository'].filter((field) => {
			if (field === 'homepage') return realPackage.homepage === undefined;
			if (field === 'repository') return realPackage.repository === undefined;
			return !JSON.stringify(realPackage.author ?? '').includes('@');
		});
		expect(messages.filter((m) => m.severity === 1)).toHaveLength(missing.length);
		for (const field of missing) {
			expect(messages.some((m) => m.severity === 1 && m.message.includes(field === 'author email' ? 'no author email' : `"${field}"`))).toBe(
				true,
			);
		}
	});

	it('fails a runtime dependency', () => {
		const { exit, messages } = lintPackageJson((pkg) => (pkg.dependencies = { 'left-pad': '1.3.0' }));
		expect(exit).toBe(1);
		expect(errors(messages)).toEqual(['@n8n/community-nodes/no-runtime-dependencies']);
	});

	it('fails an n8n.nodes list that misses a node of nodes/', () => {
		const { exit, messages } = lintPackageJson((pkg) => {
			pkg.n8n.nodes = pkg.n8n.nodes.filter((file: string) => !file.endsWith('KaptureOrderTrigger.node.js'));
		});
		expect(exit).toBe(1);
		expect(errors(messages)).toEqual(['@n8n/community-nodes/node-registration-complete']);
		expect(messages.find((m) => m.severity === 2)!.message).toContain('nodes/Kapture/KaptureOrderTrigger.node.ts');
	});

	it.each([
		['an overrides field', (pkg: Record<string, any>) => (pkg.overrides = { xlsx: '0.18.5' }), '@n8n/community-nodes/no-overrides-field'],
		['a pinned n8n-workflow peer', (pkg: Record<string, any>) => (pkg.peerDependencies = { 'n8n-workflow': '2.40.1' }), '@n8n/community-nodes/valid-peer-dependencies'],
		['an author without a name', (pkg: Record<string, any>) => (pkg.author = { email: 'someone@example.com' }), 'kapture-package-json/valid-author'],
		['a name without the n8n-nodes- prefix', (pkg: Record<string, any>) => (pkg.name = 'kapture-nodes'), '@n8n/community-nodes/package-name-convention'],
		['an install script', (pkg: Record<string, any>) => (pkg.scripts.postinstall = 'node x.js'), '@n8n/community-nodes/no-forbidden-lifecycle-scripts'],
		['no community keyword', (pkg: Record<string, any>) => (pkg.keywords = ['kapture']), 'n8n-nodes-base/community-package-json-keywords-without-official-tag'],
	])('fails %s', (_what, change, rule) => {
		const { exit, messages } = lintPackageJson(change);
		expect(exit).toBe(1);
		expect(errors(messages)).toContain(rule);
	});

	it('stops warning about the publishing fields once they are filled in', () => {
		const { exit, messages } = lintPackageJson((pkg) => {
			pkg.author = { name: 'A Maintainer', email: 'maintainer@example.com' };
			pkg.homepage = 'https://example.com/n8n-nodes-kapture';
			pkg.repository = { type: 'git', url: 'git+https://github.com/example/n8n-nodes-kapture.git' };
		});
		expect(exit).toBe(0);
		expect(warnings(messages)).toEqual([]);
	});
});
