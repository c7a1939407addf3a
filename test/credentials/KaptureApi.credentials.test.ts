import type { IHttpRequestOptions } from 'n8n-workflow';

import {
	KAPTURE_API_HEADER,
	KaptureApi,
	kaptureAuthorization,
	kaptureBaseUrl,
} from '../../credentials/KaptureApi.credentials';

const basic = (user: string, password: string) =>
	`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const credentials = {
	subdomain: 'acme',
	baseUrl: '',
	username: 'api-user',
	password: 'p@ss:word',
	cmId: 1000298,
	authKey: 'DEFAULTKEY',
	orderPushAuthKey: '',
	pullByDatesAuthKey: 'PULLKEY',
	getOrderAuthKey: '',
	paymentAuthKey: 'PAYKEY',
};

describe('Kapture credential', () => {
	describe('account address', () => {
		it('turns a subdomain into the Kapture host', () => {
			expect(kaptureBaseUrl({ subdomain: 'acme' })).toBe('https://acme.kapturecrm.com');
			expect(kaptureBaseUrl({ subdomain: ' Acme-2 ' })).toBe('https://acme-2.kapturecrm.com');
		});

		it.each([
			['evil.com#'],
			['a/b'],
			['a@b'],
			['has space'],
			['https://acme'],
			['acme.evil.com'],
			['-acme'],
			['acme?x=1'],
			['a\\b'],
		])('refuses subdomain %p, which could move the request to another host', (subdomain) => {
			expect(() => kaptureBaseUrl({ subdomain })).toThrow(/Subdomain .* is not valid: use only letters, digits and hyphens/);
		});

		it('asks for a subdomain when there is neither one nor an override', () => {
			expect(() => kaptureBaseUrl({ subdomain: '' })).toThrow(/Subdomain is empty/);
		});

		it('uses the override, without a trailing slash, in place of the subdomain', () => {
			expect(kaptureBaseUrl({ subdomain: 'acme', baseUrl: 'http://127.0.0.1:3900/' })).toBe('http://127.0.0.1:3900');
			expect(kaptureBaseUrl({ baseUrl: 'https://devapi.kapturecrm.com/base/' })).toBe(
				'https://devapi.kapturecrm.com/base',
			);
		});

		it.each([
			['ftp://host', /must start with https:\/\/ or http:\/\//],
			['https://user:secret@host', /must not contain a user name or password/],
			['https://host/#frag', /must not contain a fragment/],
			['https://host/?a=1', /must not contain a query string/],
			['not a url', /not a valid URL/],
		])('refuses override %p', (baseUrl, message) => {
			expect(() => kaptureBaseUrl({ baseUrl })).toThrow(message);
		});
	});

	describe('authorization', () => {
		it('sends Basic base64(username:password) to the v1 API', () => {
			expect(kaptureAuthorization(credentials, 'v1')).toBe(basic('api-user', 'p@ss:word'));
		});

		it('sends an API-specific Auth Key when there is one, the default key otherwise', () => {
			expect(kaptureAuthorization(credentials, 'pullByDates')).toBe('Basic PULLKEY');
			expect(kaptureAuthorization(credentials, 'payment')).toBe('Basic PAYKEY');
			expect(kaptureAuthorization(credentials, 'orderPush')).toBe('Basic DEFAULTKEY');
			expect(kaptureAuthorization(credentials, 'getOrder')).toBe('Basic DEFAULTKEY');
		});

		it('says which secret is missing', () => {
			expect(() => kaptureAuthorization({ ...credentials, password: '' }, 'v1')).toThrow(
				/Username and Password are needed/,
			);
			expect(() => kaptureAuthorization({ ...credentials, authKey: '' }, 'getOrder')).toThrow(
				/An Auth Key is needed .*fill Auth Key \(or Get Order Auth Key\)/,
			);
		});
	});

	describe('authenticate', () => {
		const credential = new KaptureApi();
		const request = (api?: string): IHttpRequestOptions => ({
			url: '/x',
			method: 'POST',
			headers: api ? { [KAPTURE_API_HEADER]: api, Accept: 'application/json' } : {},
		});

		it('sets base URL and the header for the API the transport names, and removes the marker', async () => {
			const result = await credential.authenticate(credentials, request('payment'));
			expect(result.baseURL).toBe('https://acme.kapturecrm.com');
			expect(result.headers).toEqual({ Accept: 'application/json', Authorization: 'Basic PAYKEY' });
		});

		it('treats an unmarked request as v1', async () => {
			const result = await credential.authenticate(credentials, request());
			expect(result.headers?.Authorization).toBe(basic('api-user', 'p@ss:word'));
		});

		it('does not change the options it was given', async () => {
			const original = request('v1');
			await credential.authenticate(credentials, original);
			expect(original.headers).toEqual({ [KAPTURE_API_HEADER]: 'v1', Accept: 'application/json' });
		});
	});

	it('marks every secret as a password field', () => {
		const secrets = new KaptureApi().properties.filter((property) => /password|key/i.test(property.name));
		expect(secrets.map((property) => property.name).sort()).toEqual(
			['authKey', 'getOrderAuthKey', 'orderPushAuthKey', 'password', 'paymentAuthKey', 'pullByDatesAuthKey'].sort(),
		);
		for (const secret of secrets) expect(secret.typeOptions?.password).toBe(true);
	});
});
