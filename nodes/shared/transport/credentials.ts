import type { ICredentialsDecrypted } from 'n8n-workflow';

import type { TransportContext } from './types';

// One decryption per execution and credential type, not per request: with
// thousands of items the credential lookup is a noticeable share of n8n's work per item.
const credentialsByContext = new WeakMap<object, Map<string, Promise<ICredentialsDecrypted>>>();

/** The node's credential of this type, decrypted once per execution. */
export async function credentialsOf(context: TransportContext, type: string): Promise<ICredentialsDecrypted> {
	let byType = credentialsByContext.get(context);
	if (!byType) {
		byType = new Map();
		credentialsByContext.set(context, byType);
	}
	let credentials = byType.get(type);
	if (!credentials) {
		const reference = context.getNode().credentials?.[type];
		credentials = context.getCredentials(type).then((data) => ({
			id: reference?.id ?? '',
			name: reference?.name ?? '',
			type,
			data,
		}));
		// A failed lookup is not kept, so the next request asks again.
		credentials.catch(() => byType.delete(type));
		byType.set(type, credentials);
	}
	return await credentials;
}

/**
 * Drops the decrypted credentials kept for a context. A polling trigger's
 * context lives as long as its activation, so each poll starts with this:
 * a credential edited while the workflow is active is used by the next poll.
 */
export function forgetCredentials(context: TransportContext): void {
	credentialsByContext.delete(context);
}

interface Cause {
	name?: string;
	message?: string;
	cause?: unknown;
}

/**
 * The message of the credential's own error (a bad address, a missing
 * secret) if that is what failed; n8n wraps it on the way out, so the chain
 * of causes is searched.
 */
export function credentialProblem(error: unknown, errorName: string | undefined): string | undefined {
	if (!errorName) return undefined;
	for (let current = error as Cause | undefined, depth = 0; current && depth < 5; depth++) {
		if (current.name === errorName && typeof current.message === 'string') return current.message;
		current = current.cause as Cause | undefined;
	}
	return undefined;
}
