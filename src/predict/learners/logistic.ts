/**
 * L2-regularised logistic regression on standardised numbers (missing values imputed with the
 * median plus a missing indicator) and one-hot levels, fitted by Newton's method (IRLS) on
 * sparse rows: deterministic, converges in a handful of steps.
 * @module
 */
import type { EncodedFeatures } from '../features/encode.js'
import { choleskySolve } from './linear-algebra.js'
import { sigmoid } from './link.js'

/** Settings of {@link fitLogistic}. */
export interface LogisticParams {
  /** Inverse regularisation strength (scikit-learn's `C`): the penalty is ‖w‖² / (2C). Default 1. */
  readonly c?: number
  readonly maxIterations?: number
}

/** How one feature enters the linear model. */
export type LogisticTerm =
  | {
      readonly kind: 'numeric'
      /** Mean and standard deviation of the (median-imputed) training values. */
      readonly mean: number
      readonly std: number
      readonly median: number
      readonly weight: number
      /** Added when the value is missing. */
      readonly missingWeight: number
    }
  | { readonly kind: 'categorical'; readonly weights: readonly number[] }

/** A fitted logistic model: margin = intercept + Σ term(feature). */
export interface LogisticModel {
  readonly kind: 'logistic'
  readonly c: number
  readonly intercept: number
  readonly terms: readonly LogisticTerm[]
  /** Mean of each term over the training rows: the baseline of the contributions. */
  readonly termMeans: readonly number[]
}

interface Layout {
  readonly columns: number
  /** Per feature: first column (numeric: value, then missing indicator; categorical: one per level). */
  readonly offsets: Int32Array
  /** Non-zeros per row. */
  readonly perRow: number
  readonly mean: Float64Array
  readonly std: Float64Array
  readonly median: Float64Array
}

function layout(data: EncodedFeatures): Layout {
  const offsets = new Int32Array(data.features.length)
  const mean = new Float64Array(data.features.length)
  const std = new Float64Array(data.features.length)
  const median = new Float64Array(data.features.length)
  let columns = 0
  let perRow = 0
  data.features.forEach((feature, f) => {
    offsets[f] = columns
    if (feature.kind === 'categorical') {
      columns += feature.levels.length
      perRow += 1
      return
    }
    const values = data.values[f]!
    median[f] = feature.median
    let sum = 0
    let sq = 0
    for (let i = 0; i < data.rowCount; i++) {
      const v = Number.isNaN(values[i]!) ? feature.median : values[i]!
      sum += v
      sq += v * v
    }
    const m = data.rowCount === 0 ? 0 : sum / data.rowCount
    mean[f] = m
    std[f] = Math.sqrt(Math.max(0, sq / Math.max(1, data.rowCount) - m * m)) || 1
    // a missing indicator only for a feature with missing values in training
    const width = feature.missingRate > 0 ? 2 : 1
    columns += width
    perRow += width
  })
  return { columns, offsets, perRow, mean, std, median }
}

/**
 * The rows as compressed sparse rows of their non-zero values (row `i`: `start[i]` to
 * `start[i + 1]`, columns rising). Numbers are scaled but not centred, so the many zeros of
 * behaviour counts stay zeros (the unpenalised intercept absorbs the centring: the optimum's
 * margins are the same), which makes the Hessian's cost per row that of its non-zeros.
 */
function sparseRows(
  data: EncodedFeatures,
  lay: Layout,
): { start: Int32Array; index: Int32Array; value: Float64Array } {
  const n = data.rowCount
  const start = new Int32Array(n + 1)
  const index = new Int32Array(n * lay.perRow)
  const value = new Float64Array(n * lay.perRow)
  let p = 0
  for (let i = 0; i < n; i++) {
    start[i] = p
    data.features.forEach((feature, f) => {
      const x = data.values[f]![i]!
      const o = lay.offsets[f]!
      if (feature.kind === 'categorical') {
        index[p] = o + x
        value[p++] = 1
      } else {
        const missing = Number.isNaN(x)
        const v = (missing ? lay.median[f]! : x) / lay.std[f]!
        if (v !== 0) {
          index[p] = o
          value[p++] = v
        }
        if (missing && feature.missingRate > 0) {
          index[p] = o + 1
          value[p++] = 1
        }
      }
    })
  }
  start[n] = p
  return { start, index, value }
}

/** Fits the model to `labels` (0/1 per row of `data`). */
export function fitLogistic(
  data: EncodedFeatures,
  labels: ArrayLike<number>,
  params: LogisticParams = {},
): LogisticModel {
  const c = params.c ?? 1
  const maxIterations = params.maxIterations ?? 50
  const lay = layout(data)
  const { start, index, value } = sparseRows(data, lay)
  const n = data.rowCount
  const p = lay.columns + 1 // last: intercept
  const w = new Float64Array(p)
  let positives = 0
  for (let i = 0; i < n; i++) positives += labels[i]!
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, positives / Math.max(1, n)))
  w[p - 1] = Math.log(rate / (1 - rate))
  const margin = new Float64Array(n)
  const computeMargins = (weights: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let m = weights[p - 1]!
      for (let j = start[i]!, end = start[i + 1]!; j < end; j++) m += weights[index[j]!]! * value[j]!
      margin[i] = m
    }
  }
  const objective = (weights: Float64Array) => {
    computeMargins(weights)
    let loss = 0
    for (let i = 0; i < n; i++) {
      const m = margin[i]!
      // log(1 + e^m) − y m, computed stably
      loss += (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m))) - labels[i]! * m
    }
    let penalty = 0
    for (let j = 0; j < p - 1; j++) penalty += weights[j]! ** 2
    return loss + penalty / (2 * c)
  }
  let current = objective(w)
  const gradient = new Float64Array(p)
  const hessian = new Float64Array(p * p)
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    gradient.fill(0)
    hessian.fill(0)
    for (let i = 0; i < n; i++) {
      const prob = sigmoid(margin[i]!)
      const r = prob - labels[i]!
      const s = Math.max(prob * (1 - prob), 1e-12)
      const end = start[i + 1]!
      // upper triangle only (indices rise along a row); mirrored after the pass
      for (let a = start[i]!; a < end; a++) {
        const ia = index[a]!
        const va = value[a]!
        gradient[ia]! += r * va
        const row = ia * p
        const sva = s * va
        for (let b = a; b < end; b++) hessian[row + index[b]!]! += sva * value[b]!
        hessian[row + p - 1]! += sva
      }
      gradient[p - 1]! += r
      hessian[(p - 1) * p + p - 1]! += s
    }
    for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) hessian[j * p + i] = hessian[i * p + j]!
    for (let j = 0; j < p - 1; j++) {
      gradient[j]! += w[j]! / c
      hessian[j * p + j]! += 1 / c
    }
    const step = choleskySolve(hessian, gradient, p)
    let scale = 1
    const next = new Float64Array(p)
    let improved = false
    for (let halving = 0; halving < 30; halving++) {
      for (let j = 0; j < p; j++) next[j] = w[j]! - scale * step[j]!
      const value = objective(next)
      if (value <= current) {
        improved = current - value > 1e-10 * Math.max(1, Math.abs(current))
        current = value
        w.set(next)
        break
      }
      scale /= 2
    }
    computeMargins(w)
    let largest = 0
    for (let j = 0; j < p; j++) largest = Math.max(largest, Math.abs(scale * step[j]!))
    if (!improved || largest < 1e-9) break
  }
  // the fit's numbers were not centred: the model's terms are, so the intercept takes the difference
  let intercept = w[p - 1]!
  data.features.forEach((feature, f) => {
    if (feature.kind === 'numeric') intercept += (w[lay.offsets[f]!]! * lay.mean[f]!) / lay.std[f]!
  })
  const terms = data.features.map((feature, f): LogisticTerm => {
    const o = lay.offsets[f]!
    if (feature.kind === 'categorical')
      return { kind: 'categorical', weights: Array.from(w.subarray(o, o + feature.levels.length)) }
    return {
      kind: 'numeric',
      mean: lay.mean[f]!,
      std: lay.std[f]!,
      median: lay.median[f]!,
      weight: w[o]!,
      missingWeight: feature.missingRate > 0 ? w[o + 1]! : 0,
    }
  })
  const termMeans = terms.map((_, f) => {
    let sum = 0
    for (let i = 0; i < n; i++) sum += logisticTerm(terms[f]!, data.values[f]![i]!)
    return n === 0 ? 0 : sum / n
  })
  return { kind: 'logistic', c, intercept, terms, termMeans }
}

/** The value term `term` adds to the margin for feature value `x` (NaN = missing; a level code for categoricals). */
export function logisticTerm(term: LogisticTerm, x: number): number {
  if (term.kind === 'categorical') return term.weights[x] ?? 0
  if (Number.isNaN(x)) return term.weight * ((term.median - term.mean) / term.std) + term.missingWeight
  return term.weight * ((x - term.mean) / term.std)
}

/** Raw margins (log-odds) of every row. */
export function predictLogistic(model: LogisticModel, data: EncodedFeatures): Float64Array {
  const out = new Float64Array(data.rowCount).fill(model.intercept)
  model.terms.forEach((term, f) => {
    const values = data.values[f]!
    for (let i = 0; i < data.rowCount; i++) out[i]! += logisticTerm(term, values[i]!)
  })
  return out
}

/**
 * Exact contributions of each feature to row `i`'s margin, relative to the training average:
 * `margin = base + Σ contributions`, with `base = intercept + Σ termMeans`.
 */
export function logisticContributions(model: LogisticModel, data: EncodedFeatures, i: number): Float64Array {
  const out = new Float64Array(model.terms.length)
  model.terms.forEach((term, f) => {
    out[f] = logisticTerm(term, data.values[f]![i]!) - model.termMeans[f]!
  })
  return out
}

/** The margin of an average training row: what {@link logisticContributions} are relative to. */
export function logisticBase(model: LogisticModel): number {
  return model.termMeans.reduce((sum, m) => sum + m, model.intercept)
}
