// The release guard (scripts/release/guard.mjs, run by prepublishOnly) refuses
// to publish while anything n8n's verification needs is missing, and names each.
// Each case is a small package folder built from our package.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const guard = path.join(repoRoot, 'scripts', 'release', 'guard.mjs');
const ourPackage = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, any>;

const PUBLISHABLE = {
	author: { name: 'A Maintainer', email: 'maintainer@example.com' },
	homepage: 'https://example.com/n8n-nodes-kapture',
	repository: { type: 'git', url: 'git+https://github.com/example/n8n-nodes-kapture.git' },
};

let dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
	dirs = [];
});

/** A package folder: our package.json with `changes`, the files it registers built, and a CHANGELOG section. */
function packageDir(changes: Record<string, unknown>, { extraBuilt = [] as string[], changelog = true } = {}) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kapture-guard-'));
	dirs.push(dir);
	const pkg = { ...structuredClone(ourPackage), ...changes };
	for (const key of ['author', 'homepage', 'repository']) if (changes[key] === undefined) delete pkg[key];
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
	for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials, ...extraBuilt]) {
		fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		fs.writeFileSync(path.join(dir, file), '// built\n');
	}
	fs.writeFileSync(path.join(dir, 'CHANGELOG.md'), changelog ? `# Changelog\n\n## [Unreleased]\n\n## [${pkg.version}] - 2026-12-01\n` : '# Changelog\n\n## [Unreleased]\n');
	return dir;
}

function runGuard(dir: string) {
	const run = spawnSync(process.execPath, [guard, dir], { encoding: 'utf8' });
	return { exit: run.status, out: run.stdout + run.stderr };
}

describe('release guard', () => {
	it('refuses our package.json as it is, naming author email, homepage and repository', () => {
		const { exit, out } = runGuard(packageDir({ author: ourPackage.author }));
		expect(exit).toBe(1);
		const named = [...out.matchAll(/^ {2}- ([\w.]+):/gm)].map((m) => m[1]);
		expect(named).toEqual(
			[
				!JSON.stringify(ourPackage.author ?? '').includes('@') && 'author.email',
				ourPackage.homepage === undefined && 'homepage',
				ourPackage.repository === undefined && 'repository',
			].filter(Boolean),
		);
		expect(out).toContain(`Refusing to publish n8n-nodes-kapture@${ourPackage.version}`);
	});

	it.each([
		['author.email', { ...PUBLISHABLE, author: { name: 'A Maintainer' } }],
		['author.email', { ...PUBLISHABLE, author: 'A Maintainer (https://example.com)' }],
		['homepage', { ...PUBLISHABLE, homepage: undefined }],
		['homepage', { ...PUBLISHABLE, homepage: 'example.com' }],
		['repository', { ...PUBLISHABLE, repository: undefined }],
		['repository', { ...PUBLISHABLE, repository: { type: 'git' } }],
	])('refuses when %s is missing or invalid, and names only that', (field, changes) => {
		const { exit, out } = runGuard(packageDir(changes));
		expect(exit).toBe(1);
		expect([...out.matchAll(/^ {2}- ([\w.]+):/gm)].map((m) => m[1])).toEqual([field]);
	});

	it('lets a complete package through', () => {
		const { exit, out } = runGuard(packageDir(PUBLISHABLE));
		expect(out).toContain('may be published');
		expect(exit).toBe(0);
	});

	it('accepts the author as "Name <email>"', () => {
		const { exit } = runGuard(packageDir({ ...PUBLISHABLE, author: 'A Maintainer <maintainer@example.com>' }));
		expect(exit).toBe(0);
	});

	it('refuses a built node that n8n.nodes does not register', () => {
		const { exit, out } = runGuard(packageDir(PUBLISHABLE, { extraBuilt: ['dist/nodes/Forgotten/Forgotten.node.js'] }));
		expect(exit).toBe(1);
		expect(out).toContain('n8n.nodes: dist/nodes/Forgotten/Forgotten.node.js is built but not registered');
	});

	it('refuses runtime dependencies and a version without a CHANGELOG section', () => {
		const { exit, out } = runGuard(packageDir({ ...PUBLISHABLE, dependencies: { 'left-pad': '1.3.0' } }, { changelog: false }));
		expect(exit).toBe(1);
		expect(out).toContain('dependencies: community packages may not have runtime dependencies (left-pad)');
		expect(out).toContain(`CHANGELOG.md: no "## [${ourPackage.version}] - <date>" section`);
	});
});
