import { seededRandom } from '../shared/seeded-random';
/** The fewest paired days before a correlation's significance is claimed. */
export const MIN_POINTS_FOR_SIGNIFICANCE = 14;

/** Pearson's correlation coefficient of two equally long series (0 when either is constant). */
export const pearson = (xs: readonly number[], ys: readonly number[]): number => {
  const n = xs.length;
  const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / n;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    const dx = x - mx;
    const dy = (ys[i] ?? my) - my;
    sxy += dx * dy;
    sxx += dx ** 2;
    syy += dy ** 2;
  });
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
};

/**
 * A two-sided permutation test of Pearson's r: the share of shuffles of `ys` whose |r| reaches the observed |r|
 * (with the +1 correction). Undefined when the series are shorter than MIN_POINTS_FOR_SIGNIFICANCE. Shuffling
 * leaves both series' means and spreads unchanged, so each round compares only the sum of products of the centred
 * values (the same p-value as recomputing r, at a fraction of the cost).
 */
export const permutationPValue = (
  xs: readonly number[],
  ys: readonly number[],
  rounds = 999,
  seed = 42,
): number | undefined => {
  const n = xs.length;
  if (n < MIN_POINTS_FOR_SIGNIFICANCE) return undefined;
  const centred = (values: readonly number[]): Float64Array => {
    const mean = values.reduce((a, b) => a + b, 0) / n;
    return Float64Array.from({ length: n }, (_, i) => (values[i] ?? mean) - mean);
  };
  const cx = centred(xs);
  const cy = centred(ys);
  const products = (y: Float64Array): number => {
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += (cx[i] as number) * (y[i] as number);
    return sum;
  };
  const observed = Math.abs(products(cy));
  const tolerance = 1e-12 * Math.max(1, observed);
  const random = seededRandom(seed);
  let extreme = 0;
  for (let round = 0; round < rounds; round += 1) {
    for (let i = n - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      const held = cy[i] as number;
      cy[i] = cy[j] as number;
      cy[j] = held;
    }
    if (Math.abs(products(cy)) >= observed - tolerance) extreme += 1;
  }
  return (extreme + 1) / (rounds + 1);
};
