// Auth as Kapture does it: v1 endpoints take Basic username:password, partner
// endpoints take a per-API Auth Key sent as-is (optionally after "Basic ").

import type { PartnerApi } from './types';

export interface AuthConfig {
	username: string;
	password: string;
	authKey: string;
	partnerKeys: Partial<Record<PartnerApi, string>>;
}

/** username/password from `Basic base64(user:pass)`, or undefined when absent or malformed. */
export function readBasic(header: string | undefined): { username: string; password: string } | undefined {
	const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function v1Authorized(header: string | undefined, config: AuthConfig): boolean {
	const given = readBasic(header);
	return given !== undefined && given.username === config.username && given.password === config.password;
}

/** The partner key from `Basic <key>` or a bare `<key>`. */
export function readPartnerKey(header: string | undefined): string {
	const value = (header ?? '').trim();
	const match = /^Basic\s+(.+)$/i.exec(value);
	return (match ? match[1] : value).trim();
}

/** A per-API key, when configured, is the only key that API accepts. */
export function partnerAuthorized(header: string | undefined, api: PartnerApi, config: AuthConfig): boolean {
	const key = readPartnerKey(header);
	const expected = config.partnerKeys[api] ?? config.authKey;
	return key !== '' && key === expected;
}
