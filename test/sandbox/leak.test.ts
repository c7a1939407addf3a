// Leak mode does what the secret tests rely on: every answer quotes the
// request's secret, in the encodings asked for, in turn, and says so in the log.

import { ENCODINGS, secretsOf, writeJson } from './leak';
import { startSandbox, type KaptureSandbox } from './index';
import { startSourceHubSandbox, type SourceHubSandbox } from './sourcehub';

const PULL = '/ms/customer-search/order-search/api/v1/pull-internal';
const GET = '/search-order-by-order-id.html';

let sb: KaptureSandbox;
let sh: SourceHubSandbox;
beforeAll(async () => {
	sb = await startSandbox({ quiet: true, username: 'u', password: 'pw/ö=1' });
	sh = await startSourceHubSandbox({ quiet: true, apiKey: 'key+/1234' });
});
afterAll(async () => {
	await sb.close();
	await sh.close();
});

const basic = `Basic ${Buffer.from('u:pw/ö=1').toString('base64')}`;
const post = async (path: string, authorization: string, body: unknown) =>
	await fetch(`${sb.baseUrl}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });

it('reads the secrets a header carries, most secret first', () => {
	expect(secretsOf(basic)).toEqual(['pw/ö=1', 'u:pw/ö=1', Buffer.from('u:pw/ö=1').toString('base64')]);
	expect(secretsOf('Bearer key+/1234')).toEqual(['key+/1234']);
	expect(secretsOf('plain-key')).toEqual(['plain-key']);
});

it('quotes the secret in each encoding in turn, in the JSON flavour asked for, and logs it', async () => {
	sb.reset();
	sb.setLeak({ encodings: ['phpJson', 'form'], jsonFlavours: ['php'] });
	const first = await (await post(PULL, basic, { cmId: 1000298, orderIds: '1' })).text();
	const second = await (await post(PULL, basic, { cmId: 1000298, orderIds: '1' })).text();
	// PHP escapes the slash and ö of the quote once more when it writes the JSON.
	expect(first).toContain(writeJson(ENCODINGS.phpJson('pw/ö=1'), 'php').slice(1, -1));
	expect(second).toContain('pw%2F%C3%B6%3D1');
	expect(sb.requests().map((entry) => entry.leaked)).toEqual([
		{ encoding: 'phpJson', flavour: 'php', secret: 0 },
		{ encoding: 'form', flavour: 'php', secret: 0 },
	]);
	expect(JSON.parse(first)).toMatchObject({ success: 'true', echo: expect.any(Object) });
});

it('quotes the secret sent with a refused login too, in the HTML page of a fault and as text', async () => {
	sb.reset();
	sb.setLeak({ encodings: ['raw'] });
	expect(await (await post(GET, 'wrong/key', [{ order_id: '1' }])).text()).toContain('AuthKeyInvalid: the Authorization key is missing, wrong, expired or disabled for this API. (sent with wrong/key)');
	sb.faults.script({ kind: 'html' });
	expect(await (await post(PULL, basic, { cmId: 1000298, orderIds: '1' })).text()).toMatch(/<title>Sent by u:pw\/ö=1: /); // the next of the request's secrets: user:password
	sb.setLeak({ encodings: ['raw'], asText: true });
	const text = await post(PULL, basic, { cmId: 1000298, orderIds: '1' });
	expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
	expect(await text.text()).toMatch(/^Request from pw\/ö=1 could not be answered as JSON/);
	sb.reset();
	expect(await (await post(PULL, basic, { cmId: 1000298, orderIds: '1' })).text()).not.toContain('echo');
});

it('works the same in the SourceHub sandbox', async () => {
	sh.reset();
	sh.setLeak({ encodings: ['uriLowerHex'] });
	const answer = await (await fetch(`${sh.baseUrl}/orders?phone_number=1&count=1`, { headers: { authorization: 'Bearer key+/1234' } })).text();
	expect(answer).toContain('key%2b%2f1234');
	expect(sh.requests().at(-1)?.leaked).toEqual({ encoding: 'uriLowerHex', flavour: 'standard', secret: 0 });
});
