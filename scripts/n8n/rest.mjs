// A client for the REST API the n8n editor uses (/rest/...), as the owner:
// owner setup, login (session cookie), workflows' activation, executions.
//
// Plain ESM, no dependencies (Node 20's fetch).

import { newId } from './environment.mjs';
import { sleep } from './process.mjs';

const TAG = '[n8n-rest]';

export const DEFAULT_OWNER = Object.freeze({
	email: 'owner@kapture.test',
	password: 'Kapture-e2e-1',
	firstName: 'E2E',
	lastName: 'Owner',
});

/**
 * @param {object} o
 * @param {string} o.baseUrl  e.g. http://127.0.0.1:5678
 * @param {number} o.major  n8n's major version (activation differs between 1.x and 2.x)
 */
export function createRestClient({ baseUrl, major }) {
	const browserId = `kapture-e2e-${newId()}`;
	let cookie = null;
	let owner = null;

	const client = {
		baseUrl,

		/** The cookie from the last login/owner setup (header value), or null. */
		get cookie() {
			return cookie;
		},

		/** Forgets the session (the server was stopped). */
		forgetSession() {
			cookie = null;
		},

		/** Creates the owner account (first start only) and logs in as it. */
		async ownerSetup({ email, password, firstName, lastName } = {}) {
			owner = {
				email: email || DEFAULT_OWNER.email,
				password: password || DEFAULT_OWNER.password,
				firstName: firstName || DEFAULT_OWNER.firstName,
				lastName: lastName || DEFAULT_OWNER.lastName,
			};
			const res = await client.rawRest('POST', '/rest/owner/setup', owner);
			if (!res.ok) {
				const text = await res.text();
				// Already set up (a reused user folder or database): log in instead.
				if (res.status === 400 && /already/i.test(text)) return client.login(owner);
				throw new Error(`${TAG} owner setup failed: ${res.status} ${text}`);
			}
			cookie = pickCookie(res) || cookie;
			return (await res.json()).data;
		},

		/** Logs in (default: the owner from ownerSetup); returns the cookie header value. */
		async login({ email, password } = {}) {
			email = email || (owner && owner.email) || DEFAULT_OWNER.email;
			password = password || (owner && owner.password) || DEFAULT_OWNER.password;
			const res = await client.rawRest('POST', '/rest/login', { emailOrLdapLoginId: email, email, password });
			if (!res.ok) throw new Error(`${TAG} login failed: ${res.status} ${await res.text()}`);
			cookie = pickCookie(res);
			if (!cookie) throw new Error(`${TAG} login answered without a cookie`);
			return cookie;
		},

		/** fetch() against the server with the session cookie and browser id; no checks. */
		async rawRest(method, urlPath, body, headers = {}) {
			return fetch(`${baseUrl}${urlPath}`, {
				method,
				headers: {
					'content-type': 'application/json',
					'browser-id': browserId,
					...(cookie ? { cookie } : {}),
					...headers,
				},
				body: body === undefined ? undefined : JSON.stringify(body),
				signal: AbortSignal.timeout(60_000),
			});
		},

		/** REST call; logs in first if needed; returns the parsed JSON; throws on non-2xx. */
		async rest(method, urlPath, body) {
			if (!cookie && !urlPath.startsWith('/rest/login') && !urlPath.startsWith('/rest/owner/setup') && owner) {
				await client.login();
			}
			const res = await client.rawRest(method, urlPath, body);
			const text = await res.text();
			let json;
			try {
				json = text ? JSON.parse(text) : null;
			} catch {
				json = text;
			}
			if (!res.ok) {
				const e = new Error(`${TAG} ${method} ${urlPath} → ${res.status}: ${typeof json === 'string' ? json : JSON.stringify(json)}`.slice(0, 4000));
				e.status = res.status;
				e.body = json;
				throw e;
			}
			return json;
		},

		/**
		 * Activates a workflow in the running server (the editor's "Publish" button
		 * on 2.x, the "Active" toggle on 1.x).
		 *
		 * On 2.x the REST call only queues the publication (an outbox); the triggers
		 * start a moment later, and a trigger that fails then (e.g. a poll interval
		 * under a minute) does NOT fail the REST call. So this waits for
		 * GET /rest/workflows/:id/publication-status to settle and throws unless
		 * it is "published" (the error has the per-trigger messages).
		 */
		async activate(workflowId, { timeoutMs = 60_000 } = {}) {
			const { data: wf } = await client.rest('GET', `/rest/workflows/${workflowId}`);
			if (major < 2) {
				const result = (await client.rest('PATCH', `/rest/workflows/${workflowId}`, { ...wf, active: true })).data;
				const error = await client.activationError(workflowId);
				if (error || !result.active) throw Object.assign(new Error(`${TAG} workflow ${workflowId} did not activate: ${error}`), { activationError: error });
				return result;
			}
			const result = (await client.rest('POST', `/rest/workflows/${workflowId}/activate`, { versionId: wf.versionId })).data;
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const st = await client.publicationStatus(workflowId);
				if (!st) return result; // no publication service (N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false): synchronous
				if (st.status === 'published' && st.liveVersionId === wf.versionId) return result;
				if (st.status === 'failed' || st.status === 'partial') {
					const msg = st.triggers.filter((t) => t.status === 'failed').map((t) => `${t.nodeId}: ${t.errorMessage}`).join('; ');
					const e = new Error(`${TAG} workflow ${workflowId} did not activate (${st.status}): ${msg}`);
					e.activationError = msg;
					e.publicationStatus = st;
					throw e;
				}
				if (Date.now() > deadline) throw new Error(`${TAG} workflow ${workflowId} still ${st.status} after ${timeoutMs} ms`);
				await sleep(250);
			}
		},

		/**
		 * 2.x: {status: 'in_progress'|'published'|'partial'|'failed'|'not_published',
		 * liveVersionId, pendingVersionId, triggers: [{nodeId, status, errorMessage}]},
		 * or null where the server has no publication service (1.x).
		 */
		async publicationStatus(workflowId) {
			try {
				const r = await client.rest('GET', `/rest/workflows/${workflowId}/publication-status`);
				return r.data;
			} catch (e) {
				if (e.status === 404) return null;
				throw e;
			}
		},

		/** Ids of the workflows whose triggers are running in the server. */
		async activeWorkflows() {
			const r = await client.rest('GET', '/rest/active-workflows');
			return (r && r.data) || [];
		},

		/** The message of the last activation error of a workflow, or null. */
		async activationError(workflowId) {
			const r = await client.rest('GET', `/rest/active-workflows/error/${workflowId}`);
			const d = r && r.data;
			if (!d) return null;
			return typeof d === 'string' ? d : d.message || JSON.stringify(d);
		},

		/** Deactivates (2.x: unpublishes) a workflow in the running server. */
		async deactivate(workflowId) {
			if (major >= 2) return (await client.rest('POST', `/rest/workflows/${workflowId}/deactivate`, {})).data;
			const { data: wf } = await client.rest('GET', `/rest/workflows/${workflowId}`);
			return (await client.rest('PATCH', `/rest/workflows/${workflowId}`, { ...wf, active: false })).data;
		},

		/** Executions of a workflow (all workflows without an id), newest first, at most `limit`. */
		async executions(workflowId, { limit = 100 } = {}) {
			const filter = encodeURIComponent(JSON.stringify(workflowId ? { workflowId } : {}));
			const r = await client.rest('GET', `/rest/executions?filter=${filter}&limit=${limit}`);
			const d = r.data;
			return Array.isArray(d) ? d : d.results || [];
		},
	};
	return client;
}

function pickCookie(res) {
	const all = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [res.headers.get('set-cookie')].filter(Boolean);
	const parts = all.map((c) => c.split(';')[0]).filter((c) => c.startsWith('n8n-auth='));
	return parts.length ? parts[parts.length - 1] : null;
}
