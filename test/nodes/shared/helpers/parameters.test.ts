import { holdsExpression } from '../../../../nodes/shared/helpers/parameters';
import { Prng } from '../../../sandbox/random';

describe('holdsExpression', () => {
	/** A random parameter value: nested collections, lists and resource locators of plain values, maybe one expression deep inside. */
	function value(rng: Prng, depth: number, plant: { left: boolean }): unknown {
		const kind = depth > 3 ? rng.int(0, 3) : rng.int(0, 6);
		switch (kind) {
			case 0:
				return rng.pick(['', 'text', ' =not at the start', 'a=b', '{{ not an expression without = }}', '==']);
			case 1:
				return rng.int(-5, 5);
			case 2:
				return rng.pick([true, false, null]);
			case 3:
				if (plant.left) {
					plant.left = false;
					return rng.pick(['={{ $json.x }}', '=plain after an equals sign', '=']);
				}
				return 'x';
			case 4:
				return Array.from({ length: rng.int(0, 3) }, () => value(rng, depth + 1, plant));
			case 5:
				return { __rl: true, mode: 'id', value: value(rng, depth + 1, plant) };
			default:
				return Object.fromEntries(Array.from({ length: rng.int(0, 3) }, (_, i) => [`k${i}`, value(rng, depth + 1, plant)]));
		}
	}

	it.each(Array.from({ length: 300 }, (_, seed) => seed))('generated value %i: true exactly when a string starting with "=" is somewhere in it', (seed) => {
		const rng = new Prng(seed);
		const plant = { left: rng.next() < 0.5 };
		const planted = plant.left;
		const v = value(rng, 0, plant);
		const expected = JSON.stringify(v)?.includes('"=') ?? false;
		expect(holdsExpression(v)).toBe(expected);
		// When planting happened, the expression is in there.
		if (planted && !plant.left) expect(holdsExpression(v)).toBe(true);
	});
});
