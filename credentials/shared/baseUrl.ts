/**
 * The check every credential's "Base URL Override" goes through: the secrets
 * are sent wherever it points, so only a plain http(s) address is accepted,
 * without a user name or password (they belong in the credential's secret
 * fields), a query or a fragment (both would change the requests' meaning).
 */
export function checkedBaseUrlOverride(override: string, fail: (message: string) => Error): string {
	let url: URL;
	try {
		url = new URL(override);
	} catch {
		throw fail('Base URL Override is not a valid URL: use the form https://host[:port][/path]');
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw fail('Base URL Override must start with https:// or http://');
	}
	if (url.username !== '' || url.password !== '') {
		throw fail('Base URL Override must not contain a user name or password: put them in the credential fields');
	}
	if (url.hash !== '' || override.includes('#')) {
		throw fail('Base URL Override must not contain a fragment (#...)');
	}
	if (url.search !== '') {
		throw fail('Base URL Override must not contain a query string (?...)');
	}
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
