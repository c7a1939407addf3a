import cases from '../../../fixtures/transport/answers.json';
import { interpretAnswer } from '../../../../nodes/shared/transport/answers';
import { KAPTURE } from '../../../../nodes/shared/transport/vendors/kapture';

describe('interpretAnswer', () => {
	it.each(cases.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
		const answer = interpretAnswer(KAPTURE, entry.status, entry.body);
		expect(answer).toMatchObject(entry.expect);
	});

	it('keeps integers too large for a JavaScript number as text, and everything else as it is', () => {
		const answer = interpretAnswer(KAPTURE, 200, '{"id": 9223372036854775807, "n": -12345678901234567, "safe": 9007199254740991, "f": 0.12345678901234567, "s": "12345678901234567890"}');
		expect(answer).toEqual({
			ok: true,
			data: { id: '9223372036854775807', n: '-12345678901234567', safe: 9007199254740991, f: 0.12345678901234567, s: '12345678901234567890' },
		});
	});

	it('reads a Buffer body like text', () => {
		expect(interpretAnswer(KAPTURE, 200, Buffer.from('{"status":"success"}'))).toEqual({
			ok: true,
			data: { status: 'success' },
		});
	});

	it('keeps a long page excerpt short', () => {
		const answer = interpretAnswer(KAPTURE, 503, `<p>${'x'.repeat(1000)}</p>`);
		expect(answer.ok).toBe(false);
		if (!answer.ok && answer.kind === 'notJson') expect(answer.excerpt.length).toBeLessThanOrEqual(160);
	});
});
