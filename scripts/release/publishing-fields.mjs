// The package.json fields n8n's community-package verification needs before a
// package can be listed, and that only a person can fill in truthfully: an
// author email someone reads, the homepage and the public repository the
// package is built from (npm provenance must point at it). Shared by the lint
// rule (a warning while they are missing) and the release guard (refuses to
// publish). Plain ESM, no dependencies.

/** The email of an npm "person": `"Name <email> (url)"` or `{ name, email }`. */
function authorEmail(author) {
	if (typeof author === 'string') return (/<([^>]*)>/.exec(author)?.[1] ?? '').trim();
	if (author && typeof author === 'object' && typeof author.email === 'string') return author.email.trim();
	return '';
}

function isHttpUrl(value) {
	try {
		const url = new URL(value);
		return url.protocol === 'https:' || url.protocol === 'http:';
	} catch {
		return false;
	}
}

/** `"github:owner/repo"`, `"owner/repo"`, a git URL, or `{ type, url }` with one of those. */
function repositoryUrl(repository) {
	const value = typeof repository === 'string' ? repository : repository && typeof repository === 'object' ? repository.url : undefined;
	return typeof value === 'string' ? value.trim() : '';
}

function isRepositoryUrl(value) {
	if (/^(github|gitlab|bitbucket):[\w.-]+\/[\w.-]+$/.test(value) || /^[\w.-]+\/[\w.-]+$/.test(value)) return true;
	try {
		const url = new URL(value.replace(/^git\+/, ''));
		return ['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol) && url.pathname.length > 1;
	} catch {
		return false;
	}
}

/**
 * @param {Record<string, unknown>} pkg  a parsed package.json
 * @returns {{ field: 'author.email' | 'homepage' | 'repository', problem: string }[]}  empty when all are there
 */
export function missingPublishingFields(pkg) {
	const missing = [];
	if (!authorEmail(pkg.author)) {
		missing.push({ field: 'author.email', problem: 'no author email: n8n requires a contact address for a verified community package' });
	}
	if (pkg.homepage === undefined) missing.push({ field: 'homepage', problem: 'no "homepage" field' });
	else if (typeof pkg.homepage !== 'string' || !isHttpUrl(pkg.homepage)) {
		missing.push({ field: 'homepage', problem: `"homepage" is not an http(s) URL: ${JSON.stringify(pkg.homepage)}` });
	}
	const repo = repositoryUrl(pkg.repository);
	if (pkg.repository === undefined) {
		missing.push({
			field: 'repository',
			problem: 'no "repository" field: n8n checks that it matches the public source the npm provenance points at',
		});
	} else if (!isRepositoryUrl(repo)) {
		missing.push({ field: 'repository', problem: `"repository" is not a repository URL: ${JSON.stringify(pkg.repository)}` });
	}
	return missing;
}
