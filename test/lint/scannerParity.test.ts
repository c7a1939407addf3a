// `npm run lint` says at a developer's desk what n8n's scanner
// (@n8n/scan-community-package, the version in scripts/release/scanner.mjs)
// will say: for every file the scanner's source pass lints, and for a file of
// each kind that does not exist yet, every rule the scanner's own config
// turns on is on in ours, at least as strictly; and, as in the scanner, an
// eslint-disable comment changes nothing. The scanner is installed outside the
// project on first use (needs the npm registry; CI's scan phase installs it
// before the tests run).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');
const eslintCli = path.join(repoRoot, 'node_modules', 'eslint', 'bin', 'eslint.js');
const scannerModule = path.join(repoRoot, 'scripts', 'release', 'scanner.mjs');

// Kinds of files the scanner would lint that the package does not have (yet).
const NOT_YET = [
	'nodes/Example/Example.node.js',
	'nodes/Example/Example.node.json',
	'nodes/Example/helpers/data.json',
	'nodes/Example/credentials/Nested.credentials.ts',
	'credentials/Example.credentials.js',
	'credentials/Example.credentials.json',
];

/** The one deliberate relaxation: the author-email part of valid-author is a warning until the package has a real address. */
const REPLACED: Record<string, { by: Record<string, number>; why: string }> = {
	'@n8n/community-nodes/valid-author': {
		by: { 'kapture-package-json/valid-author': 2, 'kapture-package-json/publishing-fields': 1 },
		why: 'valid-author minus the missing email (an allowed publishing-field finding in scan:n8n)',
	},
};

type Rules = Record<string, { severity: number; options: unknown[] }>;
interface FileRules {
	file: string;
	scanner: Rules | null;
	ours: Rules | null;
}


describe("npm run lint against n8n's scanner", () => {
	let files: FileRules[];
	let linted: string[];

	beforeAll(() => {
		const script = `
			import { loadScanner } from ${JSON.stringify(scannerModule)};
			const { ESLint: OurESLint } = await import('eslint');
			const { scanner, ESLint, glob } = await loadScanner({ log: (line) => process.stderr.write(line + '\\n') });
			const cwd = ${JSON.stringify(repoRoot)};
			const theirs = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: await scanner.buildScanConfig() });
			const ours = new OurESLint({ cwd });
			const rulesOf = (config) => config && Object.fromEntries(Object.entries(config.rules ?? {}).map(([id, value]) => {
				const [level, ...options] = Array.isArray(value) ? value : [value];
				const severity = { off: 0, warn: 1, error: 2 }[level] ?? Number(level);
				return [id, { severity, options: options.filter((o) => !(o && typeof o === 'object' && Object.keys(o).length === 0)) }];
			}));
			const paths = [...glob.sync(scanner.SOURCE_FILE_PATTERNS, { cwd, ignore: ['node_modules/**', '**/package-lock.json'] }), ...${JSON.stringify(NOT_YET)}];
			const rules = [];
			for (const file of paths) rules.push({ file, scanner: rulesOf(await theirs.calculateConfigForFile(file)), ours: rulesOf(await ours.calculateConfigForFile(file)) });
			// What npm run lint really lints (its targets), as paths like the scanner's.
			const linted = (await ours.lintFiles(['nodes', 'credentials', 'package.json'])).map((r) => r.filePath.slice(cwd.length + 1));
			process.stdout.write(JSON.stringify({ rules, linted }));`;
		const { NODE_ENV: _jestsNodeEnv, ...env } = process.env;
		const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
		if (run.status !== 0) throw new Error(`could not compare with the scanner's config (exit ${run.status ?? run.signal}): ${run.stderr}${run.error ?? ''}`);
		({ rules: files, linted } = JSON.parse(run.stdout) as { rules: FileRules[]; linted: string[] });
	}, 300_000);

	it('lints every file of the package the scanner lints', () => {
		const existing = files.map((f) => f.file).filter((file) => !NOT_YET.includes(file));
		expect(existing.length).toBeGreaterThan(60);
		for (const kind of ['package.json', '.node.ts', '.credentials.ts', '.node.json']) expect(existing.some((file) => file.endsWith(kind))).toBe(true);
		expect(existing.filter((file) => !linted.includes(file))).toEqual([]);
		expect(files.filter((f) => f.scanner === null || f.ours === null).map((f) => f.file)).toEqual([]);
	});

	it('turns on every rule the scanner turns on, at least as strictly and with the same options', () => {
		const weaker: string[] = [];
		for (const { file, scanner, ours } of files) {
			for (const [id, theirs] of Object.entries(scanner ?? {})) {
				if (theirs.severity === 0) continue;
				const mine = ours?.[id];
				if (REPLACED[id] && Object.entries(REPLACED[id].by).every(([by, severity]) => (ours?.[by]?.severity ?? 0) >= severity)) continue;
				if (!mine || mine.severity < theirs.severity) weaker.push(`${file}: ${id} is ${mine?.severity ?? 'absent'} here, ${theirs.severity} in the scanner`);
				else if (JSON.stringify(mine.options) !== JSON.stringify(theirs.options)) weaker.push(`${file}: ${id} has other options here`);
			}
		}
		expect(weaker).toEqual([]);
	});

	it('relaxes valid-author only where the scanner has it, and nothing else', () => {
		const relaxed = new Set(
			files.flatMap(({ scanner, ours }) => Object.keys(scanner ?? {}).filter((id) => (scanner?.[id].severity ?? 0) > (ours?.[id]?.severity ?? 0))),
		);
		expect([...relaxed]).toEqual(Object.keys(REPLACED));
	});
});

describe('npm run lint, with an eslint-disable comment in node code', () => {
	let workDir: string;
	beforeAll(() => {
		workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kapture-lint-inline-'));
		for (const dir of ['nodes', 'credentials']) fs.cpSync(path.join(repoRoot, dir), path.join(workDir, dir), { recursive: true });
		fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(workDir, 'package.json'));
		fs.writeFileSync(path.join(workDir, 'eslint.config.mjs'), `export { default } from ${JSON.stringify(path.join(repoRoot, 'eslint.config.mjs'))};\n`);
	});
	afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

	it('still reports the rule, as the scanner would', () => {
		const file = path.join(workDir, 'nodes', 'shared', 'helpers', 'debug.ts');
		const lines = [
			'export function debug(value: unknown): void {',
			'\t// eslint-disable-next-line no-console',
			'\tconsole.log(value);',
			'}',
			'',
		];
		fs.writeFileSync(file, lines.join('\n'));
		const [command, ...args] = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.lint.split(/\s+/);
		expect(command).toBe('eslint');
		const { NODE_ENV: _jestsNodeEnv, ...env } = process.env;
		const run = spawnSync(process.execPath, [eslintCli, ...args, '--format', 'json'], { cwd: workDir, env, encoding: 'utf8' });
		const results = JSON.parse(run.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; line: number; severity: number }> }>;
		const here = results.find((r) => r.filePath === file)?.messages ?? [];
		expect(here).toEqual([expect.objectContaining({ ruleId: 'no-console', line: 3, severity: 2 })]);
		expect(run.status).toBe(1);
	});
});
