/**
 * L2-regularised logistic regression on binary indicators (did the rule fire? did the lead
 * do X?), fitted by Newton's method. Unlike the predictive learner (`src/predict`), which
 * takes every row, leads with the same indicators are one weighted row here, so a million
 * leads with a few dozen indicators fit in a fraction of a second; the weights are the
 * log-odds of each indicator, which become points.
 * @module
 */
import { choleskySolve } from '../predict/learners/linear-algebra.js'
import { sigmoid } from '../predict/learners/link.js'

export interface IndicatorFit {
  /** The log-odds weight of each indicator. */
  readonly weights: Float64Array
  readonly intercept: number
  readonly iterations: number
  readonly converged: boolean
}

export interface IndicatorFitOptions {
  /** The L2 penalty on the weights (not on the intercept); default 1. */
  readonly l2?: number | undefined
  readonly maxIterations?: number | undefined
}

/**
 * Fits P(y = 1) = σ(b + Σ w_j x_j) to rows of 0/1 indicators (`rows[i]` holds row i's
 * `p` indicators) and labels `y`.
 */
export function fitIndicators(
  rows: readonly Uint8Array[],
  y: ArrayLike<number>,
  p: number,
  options: IndicatorFitOptions = {},
): IndicatorFit {
  const l2 = options.l2 ?? 1
  // identical rows become one row with counts
  const patterns = new Map<string, number>()
  const xs: Uint8Array[] = []
  const totals: number[] = []
  const positives: number[] = []
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    const key = String.fromCharCode(...row)
    let k = patterns.get(key)
    if (k === undefined) {
      k = xs.length
      patterns.set(key, k)
      xs.push(row)
      totals.push(0)
      positives.push(0)
    }
    totals[k]!++
    if (y[i]) positives[k]!++
  }
  const d = p + 1 // the intercept is the last coefficient
  const beta = new Float64Array(d)
  const n = rows.length
  const mean = n === 0 ? 0.5 : positives.reduce((s, x) => s + x, 0) / n
  beta[p] = Math.log(Math.max(mean, 1e-6) / Math.max(1 - mean, 1e-6))
  const grad = new Float64Array(d)
  const hess = new Float64Array(d * d)
  const active: number[] = []
  let iterations = 0
  let converged = false
  while (iterations < (options.maxIterations ?? 50)) {
    iterations++
    grad.fill(0)
    hess.fill(0)
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k]!
      active.length = 0
      let eta = beta[p]!
      for (let j = 0; j < p; j++) {
        if (x[j]) {
          active.push(j)
          eta += beta[j]!
        }
      }
      active.push(p)
      const prob = sigmoid(eta)
      const r = totals[k]! * prob - positives[k]!
      const w = totals[k]! * prob * (1 - prob)
      for (const a of active) {
        grad[a]! += r
        for (const b of active) hess[a * d + b]! += w
      }
    }
    for (let j = 0; j < p; j++) {
      grad[j]! += l2 * beta[j]!
      hess[j * d + j]! += l2
    }
    hess[p * d + p]! += 1e-9
    const step = choleskySolve(hess, grad, d)
    let change = 0
    for (let j = 0; j < d; j++) {
      beta[j]! -= step[j]!
      change = Math.max(change, Math.abs(step[j]!))
    }
    if (change < 1e-8) {
      converged = true
      break
    }
  }
  return { weights: beta.slice(0, p), intercept: beta[p]!, iterations, converged }
}
