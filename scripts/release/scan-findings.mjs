// What `npm run scan:n8n` (scripts/release/scan.mjs) makes of the findings of
// n8n's community-package scanner: which ones only wait for the publishing
// fields a person has to fill in (scripts/release/publishing-fields.mjs), and
// which ones block. Pure functions over ESLint's results, no dependencies, so
// the classification is tested on its own (test/scripts/release/scanFindings.test.ts).

/**
 * The scanner's findings that only say a publishing field is missing. Each is
 * matched by rule and message id, in the package.json at the root of what is
 * scanned, and nothing else: a wrong value (an invalid homepage, an author
 * without a name) blocks like any other finding.
 *
 * The third publishing field, `repository`, has no lint rule in the scanner
 * (0.32.0): n8n checks it against the npm provenance, a step that needs a
 * published package and is not run here. Our own lint rule
 * (kapture-package-json/publishing-fields) and the release guard check it.
 */
export const PUBLISHING_FIELD_FINDINGS = [
	{ field: 'author.email', ruleId: '@n8n/community-nodes/valid-author', messageId: 'authorEmailMissing' },
	{ field: 'homepage', ruleId: '@n8n/community-nodes/require-homepage', messageId: 'homepageMissing' },
];

/**
 * @typedef {{ leg: string, file: string, line: number, column: number, severity: 'error' | 'warning',
 *   ruleId: string | null, messageId: string | undefined, message: string }} Finding
 */

/**
 * Every message of ESLint's results as a finding, its file relative to `dir` (with `/`).
 * @param {string} leg  "source" or "tarball"
 * @param {Array<{ filePath: string, messages: Array<Record<string, any>> }>} results  ESLint's LintResult[]
 * @param {string} dir  the folder that was scanned
 * @returns {Finding[]}
 */
export function findingsOf(leg, results, dir) {
	const root = dir.replaceAll('\\', '/').replace(/\/+$/, '') + '/';
	return results.flatMap((result) => {
		const filePath = result.filePath.replaceAll('\\', '/');
		const file = filePath.startsWith(root) ? filePath.slice(root.length) : filePath;
		return result.messages.map((message) => ({
			leg,
			file,
			line: message.line ?? 0,
			column: message.column ?? 0,
			severity: message.severity === 2 || message.fatal ? 'error' : 'warning',
			ruleId: message.ruleId ?? null,
			messageId: message.messageId,
			message: String(message.message ?? ''),
		}));
	});
}

/** The publishing field a finding waits for, or undefined when it is a real problem. */
export function publishingFieldOf(finding) {
	if (finding.file !== 'package.json') return undefined;
	return PUBLISHING_FIELD_FINDINGS.find((known) => known.ruleId === finding.ruleId && known.messageId === finding.messageId)?.field;
}

/**
 * Splits findings into those that only wait for a publishing field and those
 * that block. Warnings block too: the scanner lets them pass, we do not.
 * @param {Finding[]} findings
 * @returns {{ allowed: Array<Finding & { field: string }>, blocking: Finding[] }}
 */
export function classifyFindings(findings) {
	const allowed = [];
	const blocking = [];
	for (const finding of findings) {
		const field = publishingFieldOf(finding);
		if (field) allowed.push({ ...finding, field });
		else blocking.push(finding);
	}
	return { allowed, blocking };
}

/**
 * Why a leg fails even when every finding is allowed: the scanner's own
 * verdict is something the findings do not explain (it crashed, or counted
 * errors this listing does not have), or nothing was scanned at all.
 * @param {{ passed: boolean, message?: string }} verdict  the scanner's analyzePackage() result
 * @param {Finding[]} findings  the leg's findings
 * @param {number} fileCount  how many files the leg linted
 * @returns {string | undefined}
 */
export function verdictProblem(verdict, findings, fileCount) {
	if (fileCount === 0) return 'no files were scanned';
	const errors = findings.filter((finding) => finding.severity === 'error').length;
	if (verdict.passed && errors > 0) return `the scanner passed, but this listing has ${errors} error(s): the two disagree`;
	if (!verdict.passed && errors === 0) return `the scanner failed without an error in this listing: ${verdict.message ?? 'no reason given'}`;
	return undefined;
}

/** One line for a finding: `leg file line:column severity message (rule)`. */
export function formatFinding(finding) {
	return `${finding.leg} ${finding.file} ${finding.line}:${finding.column} ${finding.severity} ${finding.message} (${finding.ruleId ?? 'parse error'})`;
}
