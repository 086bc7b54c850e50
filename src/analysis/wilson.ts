/**
 * The Wilson score interval of a proportion: honest for small counts and for rates near 0
 * or 1, where the normal approximation (p ± z·√(p(1-p)/n)) gives intervals outside [0, 1].
 * @module
 */

/** A proportion with its interval. */
export interface Interval {
  readonly low: number
  readonly high: number
}

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054

/**
 * The Wilson interval of `positives` out of `n` (default 95%). With `n = 0` the interval is
 * [0, 1]: nothing is known.
 */
export function wilsonInterval(positives: number, n: number, z = Z95): Interval {
  if (n <= 0) return { low: 0, high: 1 }
  const p = positives / n
  const z2 = z * z
  const denominator = 1 + z2 / n
  const centre = (p + z2 / (2 * n)) / denominator
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) }
}
