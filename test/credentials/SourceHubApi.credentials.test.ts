import type { IHttpRequestOptions } from 'n8n-workflow';

import {
	SOURCEHUB_ENVIRONMENTS,
	SourceHubApi,
	sourceHubAuthorization,
	sourceHubBaseUrl,
} from '../../credentials/SourceHubApi.credentials';

describe('SourceHub credential', () => {
	describe('address', () => {
		it('uses the live host by default and the test host for Test', () => {
			expect(sourceHubBaseUrl({})).toBe('https://webservices.sourcehub.in/api');
			expect(sourceHubBaseUrl({ environment: 'live', baseUrl: 'http://ignored' })).toBe(SOURCEHUB_ENVIRONMENTS.live);
			expect(sourceHubBaseUrl({ environment: 'test' })).toBe('https://testwebservices.sourcehub.in/api');
		});

		it('uses the override for Custom, path kept, trailing slash dropped', () => {
			expect(sourceHubBaseUrl({ environment: 'custom', baseUrl: ' http://127.0.0.1:3901/api/ ' })).toBe('http://127.0.0.1:3901/api');
		});

		it('asks for an override when Custom has none', () => {
			expect(() => sourceHubBaseUrl({ environment: 'custom', baseUrl: '  ' })).toThrow(/Base URL Override is empty/);
		});

		it('refuses an environment it does not know', () => {
			expect(() => sourceHubBaseUrl({ environment: 'staging' })).toThrow(/Environment "staging" is not known/);
		});

		// The same refusals as the Kapture credential: both go through credentials/shared/baseUrl.ts.
		it.each([
			['ftp://host/api', /must start with https:\/\/ or http:\/\//],
			['https://user:secret@host/api', /must not contain a user name or password/],
			['https://host/api#frag', /must not contain a fragment/],
			['https://host/api#', /must not contain a fragment/],
			['https://host/api?customer_id=9', /must not contain a query string/],
			['not a url', /not a valid URL/],
		])('refuses override %p', (baseUrl, message) => {
			expect(() => sourceHubBaseUrl({ environment: 'custom', baseUrl })).toThrow(message);
		});

		it('throws errors the transport recognises as a credential problem', () => {
			expect(() => sourceHubBaseUrl({ environment: 'custom', baseUrl: 'ftp://x' })).toThrow(
				expect.objectContaining({ name: 'SourceHubCredentialError' }),
			);
		});
	});

	describe('authorization', () => {
		it('sends the key as a Bearer token, without spaces around it', () => {
			expect(sourceHubAuthorization({ apiKey: '  sk_live_123 ' })).toBe('Bearer sk_live_123');
		});

		it('says the key is missing', () => {
			expect(() => sourceHubAuthorization({ apiKey: '' })).toThrow(/API Key is empty/);
			expect(() => sourceHubAuthorization({})).toThrow(/API Key is empty/);
		});
	});

	describe('authenticate', () => {
		const credential = new SourceHubApi();
		const request: IHttpRequestOptions = { url: '/orders/41201', method: 'GET', headers: { Accept: 'application/json' } };

		it('sets the base URL and the Authorization header, keeping the other headers', async () => {
			const result = await credential.authenticate({ apiKey: 'KEY', environment: 'test' }, request);
			expect(result.baseURL).toBe(SOURCEHUB_ENVIRONMENTS.test);
			expect(result.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer KEY' });
			expect(result.url).toBe('/orders/41201');
		});

		it('does not change the options it was given', async () => {
			await credential.authenticate({ apiKey: 'KEY' }, request);
			expect(request.headers).toEqual({ Accept: 'application/json' });
		});
	});

	it('marks the API key as a password field and shows the override only for Custom', () => {
		const properties = new SourceHubApi().properties;
		expect(properties.find((p) => p.name === 'apiKey')?.typeOptions?.password).toBe(true);
		expect(properties.find((p) => p.name === 'baseUrl')?.displayOptions).toEqual({ show: { environment: ['custom'] } });
		expect(properties.filter((p) => p.typeOptions?.password).map((p) => p.name)).toEqual(['apiKey']);
	});
});
