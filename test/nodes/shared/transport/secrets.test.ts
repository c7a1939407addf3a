import type { IDataObject } from 'n8n-workflow';

import { KaptureApi } from '../../../../credentials/KaptureApi.credentials';
import { KaptureOrder } from '../../../../nodes/Kapture/KaptureOrder.node';
import { encodingsOf, Scrubber, scrubberFor } from '../../../../nodes/shared/transport/secrets';
import { createEngine } from '../../../helpers/engine';
import { ECHO_KINDS, startEchoServer, type EchoKind, type EchoServer } from './__fixtures__/echoServer';

// Canaries with characters that every encoding changes (/ + " &), and a distinctive core each.
const PASSWORD = 'cnry/Pa55x9f3e"+&1c';
const AUTH_KEY = 'CANARY-KEY91bc/+x';
const PAYMENT_KEY = 'CANARY-PAY5e7a+/y';
const USER = 'echo-user';
const CORES = ['Pa55x9f3e', 'KEY91bc', 'PAY5e7a'];

/** Every form of the canaries a leak could take. */
function leaksIn(value: unknown): string[] {
	const text = JSON.stringify(value) ?? '';
	const forms = [
		...CORES,
		...[PASSWORD, AUTH_KEY, PAYMENT_KEY, `${USER}:${PASSWORD}`].flatMap(encodingsOf).filter((form) => form.length >= 8),
	];
	return forms.filter((form) => text.includes(form));
}

describe('Scrubber', () => {
	const scrubber = new Scrubber(['s3cret-pw', 'user:s3cret-pw']);

	it('takes out a secret in every encoding, and any Basic or Bearer token', () => {
		for (const form of encodingsOf('s3cret-pw')) expect(scrubber.text(`x ${form} y`)).toBe('x [redacted] y');
		expect(scrubber.text(`Authorization: Basic ${Buffer.from('user:s3cret-pw').toString('base64')}`)).toBe('Authorization: Basic [redacted]');
		expect(scrubber.text('Bearer abc.DEF-123_x')).toBe('Bearer [redacted]');
		expect(scrubber.text('Basic information is missing')).toBe('Basic information is missing');
	});

	it('scrubs parsed JSON string by string, keys included, and leaves a clean answer untouched', () => {
		expect(scrubber.body('{"a":"s3cret-pw","s3cret-pw":1,"n":12345}')).toEqual({ a: '[redacted]', '[redacted]': 1, n: 12345 });
		const clean = '{"status":"success"}';
		expect(scrubber.body(clean)).toBe(clean);
		expect(scrubber.body('<p>s3cret-pw</p>')).toBe('<p>[redacted]</p>');
	});

	it('ignores values too short to be told apart from ordinary text', () => {
		expect(new Scrubber(['abc']).text('abc abc')).toBe('abc abc');
	});

	it('is built from the fields a vendor names as secret', () => {
		const built = scrubberFor({ fields: ['key', 'pass'], basicPairs: [['user', 'pass']] }, { key: ' k3y-value ', user: 'u', pass: 'p4ssword', other: 'visible' });
		expect(built.text('k3y-value p4ssword visible')).toBe('[redacted] [redacted] visible');
		expect(built.text(Buffer.from('u:p4ssword').toString('base64'))).toBe('[redacted]');
	});
});

describe('no secret in errors, descriptions, outputs or run data, whatever the server quotes back', () => {
	let echo: EchoServer;
	beforeAll(async () => {
		echo = await startEchoServer();
	});
	afterAll(async () => await echo.close());

	const engine = () =>
		createEngine({
			nodeTypes: { kaptureOrder: new KaptureOrder() },
			credentialTypes: [new KaptureApi()],
			credentials: [
				{
					type: 'kaptureApi',
					data: { baseUrl: echo.baseUrl, username: USER, password: PASSWORD, cmId: 7, authKey: AUTH_KEY, paymentAuthKey: PAYMENT_KEY },
				},
			],
		});

	const customer = { customerName: 'Echo', phone: '9000000000' };
	const operations: Array<[string, IDataObject]> = [
		['Create (v1)', { operation: 'add', api: 'v1', ...customer }],
		['Get Many (v1)', { operation: 'pull', api: 'v1', returnAll: true, simplify: false, filters: { orderIds: '1' } }],
		['Get (v1)', { operation: 'get', api: 'v1', orderId: '1', simplify: false }],
		['Create (partner)', { operation: 'add', api: 'partner', ...customer }],
		['Get (partner)', { operation: 'get', api: 'partner', orderId: '1', simplify: false }],
		['Get Many (partner)', { operation: 'pull', api: 'partner', startDate: '2024-05-01', endDate: '2024-05-01', returnAll: true, simplify: false }],
		['Add Payment (partner)', { operation: 'pay', orderId: '1', customerId: '2', amount: 5, paymentMode: 'cash' }],
	];
	const cases = operations.flatMap(([name, parameters]) =>
		ECHO_KINDS.map((kind): [string, EchoKind, IDataObject] => [name, kind, parameters]),
	);

	it.each(cases)('%s, answer %s', async (_name, kind, parameters) => {
		echo.kind = kind;
		for (const continueOnFail of [false, true]) {
			const result = await engine().runNode({ type: 'kaptureOrder', parameters: { resource: 'order', ...parameters }, continueOnFail });
			const error = result.error as (Error & { description?: string }) | undefined;
			const seen = { runData: result.runData, error, message: error?.message, description: error?.description, stack: error?.stack };
			expect(leaksIn(seen)).toEqual([]);
			// The run did hear from the server: an answer or an error came back for the item.
			expect(JSON.stringify(result.runData)).toMatch(kind === 'ok' ? /redacted/ : /Kapture|redacted|error/);
		}
	});
});
