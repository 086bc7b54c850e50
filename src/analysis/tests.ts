/**
 * The statistical tests the reports use: two proportions (has a rate changed?), a rate
 * against a known base rate (how much evidence is there for a signal?), and the population
 * stability index (has a distribution shifted?).
 * @module
 */

/** The standard normal cumulative distribution (Abramowitz and Stegun 7.1.26 on erf; error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
  const erf = 1 - poly * Math.exp(-x * x)
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf)
}

/** A test's statistic and its two-sided p-value. */
export interface TestResult {
  readonly z: number
  readonly p: number
}

/**
 * The two-proportion z-test (pooled): does the rate `a` (aPositives of aN) differ from
 * `b`? z > 0 when a's rate is higher. Undefined (z 0, p 1) when either side is empty or
 * every lead has the same outcome.
 */
export function twoProportionTest(
  aPositives: number,
  aN: number,
  bPositives: number,
  bN: number,
): TestResult {
  if (aN <= 0 || bN <= 0) return { z: 0, p: 1 }
  const pooled = (aPositives + bPositives) / (aN + bN)
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / aN + 1 / bN))
  if (!(se > 0)) return { z: 0, p: 1 }
  const z = (aPositives / aN - bPositives / bN) / se
  return { z, p: 2 * (1 - normalCdf(Math.abs(z))) }
}

/**
 * How far `positives` of `n` is from the base rate, in standard errors of the base rate
 * (the one-sample score test): the evidence that a signal changes conversion at all.
 */
export function rateEvidence(positives: number, n: number, baseRate: number): number {
  if (n <= 0 || !(baseRate > 0 && baseRate < 1)) return 0
  return (positives - n * baseRate) / Math.sqrt(n * baseRate * (1 - baseRate))
}

/**
 * The population stability index of `actual` counts against `expected` counts over the
 * same bins: Σ (a - e) · ln(a / e) over the bins' shares, with empty shares taken as 0.0001.
 * Rules of thumb: below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a large one.
 */
export function populationStability(expected: readonly number[], actual: readonly number[]): number {
  const eTotal = expected.reduce((s, x) => s + x, 0)
  const aTotal = actual.reduce((s, x) => s + x, 0)
  if (eTotal === 0 || aTotal === 0) return 0
  let psi = 0
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max((expected[i] ?? 0) / eTotal, 1e-4)
    const a = Math.max((actual[i] ?? 0) / aTotal, 1e-4)
    psi += (a - e) * Math.log(a / e)
  }
  return psi
}

/** The median of the first `length` values of `values` (sorted in place); NaN when empty. */
export function medianInPlace(values: Float64Array, length = values.length): number {
  if (length === 0) return Number.NaN
  const part = values.subarray(0, length).sort()
  const mid = length >> 1
  return length % 2 === 1 ? part[mid]! : (part[mid - 1]! + part[mid]!) / 2
}
