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
 * (with the +1 correction). Undefined when the series are shorter than MIN_POINTS_FOR_SIGNIFICANCE.
 */
export const permutationPValue = (
  xs: readonly number[],
  ys: readonly number[],
  rounds = 999,
  seed = 42,
): number | undefined => {
  if (xs.length < MIN_POINTS_FOR_SIGNIFICANCE) return undefined;
  const observed = Math.abs(pearson(xs, ys));
  const random = seededRandom(seed);
  const shuffled = [...ys];
  let extreme = 0;
  for (let round = 0; round < rounds; round += 1) {
    for (let i = shuffled.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      const held = shuffled[i] as number;
      shuffled[i] = shuffled[j] as number;
      shuffled[j] = held;
    }
    if (Math.abs(pearson(xs, shuffled)) >= observed - 1e-12) extreme += 1;
  }
  return (extreme + 1) / (rounds + 1);
};
