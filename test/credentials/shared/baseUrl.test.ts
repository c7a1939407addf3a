import { checkedBaseUrlOverride } from '../../../credentials/shared/baseUrl';

class Refused extends Error {}
const check = (url: string) => checkedBaseUrlOverride(url, (message) => new Refused(message));

describe('Base URL Override check (shared by every credential)', () => {
	it('keeps scheme, host, port and path, without trailing slashes', () => {
		expect(check('https://host.example:8443/a/b//')).toBe('https://host.example:8443/a/b');
		expect(check('http://127.0.0.1:3900')).toBe('http://127.0.0.1:3900');
	});

	it('throws the caller’s own error type, so each credential names itself', () => {
		expect(() => check('ftp://host')).toThrow(Refused);
	});

	it.each([
		['ftp://host', /https:\/\/ or http:\/\//],
		['javascript:alert(1)', /https:\/\/ or http:\/\//],
		['https://u@host', /user name or password/],
		['https://u:p@host', /user name or password/],
		['https://host/#x', /fragment/],
		['https://host/?a=1', /query string/],
		['host-without-scheme', /not a valid URL/],
	])('refuses %p', (url, message) => {
		expect(() => check(url)).toThrow(message);
	});
});
