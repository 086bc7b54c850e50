/**
 * Platt scaling: a logistic fit of the labels on the model's margins, so the probability a
 * model gives matches how often such leads convert.
 * @module
 */
import { sigmoid } from './learners/link.js'
import type { Split } from './validation/folds.js'

/** `probability = sigmoid(slope × margin + intercept)`. */
export interface PlattCalibration {
  readonly method: 'platt'
  readonly slope: number
  readonly intercept: number
}

/** The identity calibration (the model's own probability). */
export const IDENTITY_CALIBRATION: PlattCalibration = { method: 'platt', slope: 1, intercept: 0 }

/**
 * Fits slope and intercept by Newton's method on the log loss of (out-of-fold) margins, with a
 * weak prior towards the identity so tiny samples stay sane. Each step is halved until the loss
 * goes down, so a few extreme margins (a fold that nearly separated) cannot make it diverge.
 */
export function fitPlatt(margins: ArrayLike<number>, labels: ArrayLike<number>): PlattCalibration {
  let a = 1
  let b = 0
  const prior = 1e-3
  const loss = (sa: number, sb: number) => {
    let total = 0.5 * prior * ((sa - 1) ** 2 + sb ** 2)
    for (let i = 0; i < margins.length; i++) {
      const z = sa * margins[i]! + sb
      // -log p(y | z), computed without overflow
      total += labels[i]! ? softplus(-z) : softplus(z)
    }
    return total
  }
  let current = loss(a, b)
  for (let iteration = 0; iteration < 50; iteration++) {
    let ga = prior * (a - 1)
    let gb = prior * b
    let haa = prior
    let hab = 0
    let hbb = prior
    for (let i = 0; i < margins.length; i++) {
      const m = margins[i]!
      const p = sigmoid(a * m + b)
      const r = p - labels[i]!
      const s = Math.max(p * (1 - p), 1e-12)
      ga += r * m
      gb += r
      haa += s * m * m
      hab += s * m
      hbb += s
    }
    const det = haa * hbb - hab * hab
    if (!(det > 0)) break
    const da = (hbb * ga - hab * gb) / det
    const db = (haa * gb - hab * ga) / det
    let step = 1
    let next = loss(a - da, b - db)
    while (!(next <= current) && step > 1e-6) {
      step /= 2
      next = loss(a - step * da, b - step * db)
    }
    if (!(next <= current)) break
    a -= step * da
    b -= step * db
    const moved = step * (Math.abs(da) + Math.abs(db))
    current = next
    if (moved < 1e-10) break
  }
  return { method: 'platt', slope: a, intercept: b }
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))
}

/** The calibrated probability of a margin. */
export function calibrate(calibration: PlattCalibration, margin: number): number {
  return sigmoid(calibration.slope * margin + calibration.intercept)
}

/**
 * The out-of-fold margins calibrated as a new lead's would be: each fold's by a Platt fit on the
 * other folds' margins only. A fit on every margin, its own fold's included, would score the
 * labels it was fitted to: on n leads its log loss is lower by about 2/n (its two parameters),
 * which on the benchmark data is as large as the differences between learners.
 */
export function crossCalibrate(
  margins: ArrayLike<number>,
  labels: ArrayLike<number>,
  folds: readonly Split[],
): Float64Array {
  const out = new Float64Array(margins.length)
  for (const { train, test } of folds) {
    const platt = fitPlatt(
      Float64Array.from(train, (r) => margins[r]!),
      Uint8Array.from(train, (r) => labels[r]!),
    )
    for (const r of test) out[r] = calibrate(platt, margins[r]!)
  }
  return out
}
