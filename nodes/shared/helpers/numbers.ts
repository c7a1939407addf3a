/**
 * A number option read leniently: empty or not a number gives `fallback`,
 * anything else is clamped to [min, max].
 */
export function boundedNumber(value: unknown, fallback: number, min: number, max: number): number {
	const number = typeof value === 'number' ? value : Number(value);
	if (value === undefined || value === null || value === '' || !Number.isFinite(number)) return fallback;
	return Math.min(max, Math.max(min, number));
}
