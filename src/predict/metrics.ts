/**
 * Evaluation metrics for binary predictions: ranking (ROC AUC, lift), probability quality (log
 * loss, Brier score) and calibration. Scores are any `ArrayLike<number>`; labels are 0/1 numbers
 * or booleans, one per score. Every function is pure and allocation-light (typed arrays).
 * @module
 */

/** A 0/1 label: `1`/`true` is the positive class (converted), `0`/`false` the negative one. */
export type BinaryLabel = number | boolean

/** One decile (or other quantile) of leads ordered by score, best first. */
export interface LiftBin {
  /** 1 for the highest-scored bin. */
  readonly bin: number
  readonly count: number
  readonly positives: number
  /** Positives / count in this bin. */
  readonly rate: number
  /** `rate` / the overall positive rate (1 = no better than random). */
  readonly lift: number
  /** Lift of all bins up to and including this one. */
  readonly cumulativeLift: number
  /** Share of all positives found in the bins up to and including this one (0-1). */
  readonly cumulativeCapture: number
  /** Lowest score in the bin. */
  readonly minScore: number
  readonly maxScore: number
}

/** One bin of a calibration table: predicted probability against the observed rate. */
export interface CalibrationBin {
  /** Lower edge (inclusive) of the predicted-probability range. */
  readonly lower: number
  /** Upper edge (exclusive, except 1 for the last bin). */
  readonly upper: number
  readonly count: number
  /** Mean predicted probability in the bin (NaN when empty). */
  readonly meanPredicted: number
  /** Observed positive rate in the bin (NaN when empty). */
  readonly observedRate: number
}

function labelAt(labels: ArrayLike<BinaryLabel>, i: number): 0 | 1 {
  const v = labels[i]
  if (v === true || v === 1) return 1
  if (v === false || v === 0) return 0
  throw new RangeError(`label ${i} is ${String(v)}: labels must be 0/1 or true/false`)
}

function checkLengths(scores: ArrayLike<number>, labels: ArrayLike<BinaryLabel>): number {
  if (scores.length !== labels.length)
    throw new RangeError(`${scores.length} scores but ${labels.length} labels: give one label per score`)
  return scores.length
}

/**
 * Indices 0..n-1 ordered by score, descending; equal scores keep index order (stable).
 * A comparator sort of a million indices takes a second; this sorts the scores natively,
 * ranks each index's score among the distinct values (binary search) and places the indices
 * by rank with a counting sort, which keeps index order within a rank.
 */
function orderByScoreDescending(scores: ArrayLike<number>): Uint32Array {
  const n = scores.length
  const sorted = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const s = scores[i]!
    if (Number.isNaN(s)) throw new RangeError(`score ${i} is NaN: every score must be a number`)
    sorted[i] = s + 0 // -0 and 0 are one score (the comparison treats them as equal)
  }
  sorted.sort()
  // the distinct scores, highest first
  const distinct = new Float64Array(n)
  let m = 0
  for (let i = n - 1; i >= 0; i--) if (m === 0 || sorted[i] !== distinct[m - 1]) distinct[m++] = sorted[i]!
  const rank = new Uint32Array(n)
  const start = new Uint32Array(m + 1)
  for (let i = 0; i < n; i++) {
    const s = scores[i]! + 0
    let lo = 0
    let hi = m - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (distinct[mid]! > s) lo = mid + 1
      else hi = mid
    }
    rank[i] = lo
    start[lo + 1]!++
  }
  for (let r = 0; r < m; r++) start[r + 1]! += start[r]!
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[start[rank[i]!]!++] = i
  return order
}

/**
 * Area under the ROC curve: the probability that a random positive is scored above a random
 * negative, ties counting one half (the Mann-Whitney U statistic / (positives × negatives)).
 * Equal to scikit-learn's `roc_auc_score`. NaN when the labels hold a single class.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<BinaryLabel>): number {
  const n = checkLengths(scores, labels)
  const order = orderByScoreDescending(scores)
  let positives = 0
  for (let i = 0; i < n; i++) positives += labelAt(labels, i)
  const negatives = n - positives
  if (positives === 0 || negatives === 0) return Number.NaN
  // Walk from the highest score down, one group of tied scores at a time: each negative in a
  // group loses to every positive above the group and ties with the positives inside it.
  let wins = 0
  let positivesAbove = 0
  let i = 0
  while (i < n) {
    const s = scores[order[i]!]!
    let groupPositives = 0
    let groupNegatives = 0
    let j = i
    while (j < n && scores[order[j]!] === s) {
      if (labelAt(labels, order[j]!) === 1) groupPositives++
      else groupNegatives++
      j++
    }
    wins += groupNegatives * (positivesAbove + groupPositives * 0.5)
    positivesAbove += groupPositives
    i = j
  }
  return wins / (positives * negatives)
}

/** Smallest distance from 0 and 1 that {@link logLoss} clips probabilities to. */
export const LOG_LOSS_EPSILON = 1e-15

/**
 * Mean negative log-likelihood (natural log) of the labels under the predicted probabilities,
 * which are clipped to [ε, 1 − ε] so a confident mistake costs a lot but not infinity.
 * Lower is better; always predicting the base rate p scores −(p ln p + (1−p) ln(1−p)).
 */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<BinaryLabel>): number {
  const n = checkLengths(probabilities, labels)
  if (n === 0) return Number.NaN
  let total = 0
  for (let i = 0; i < n; i++) {
    const p = Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, probabilities[i]!))
    total -= labelAt(labels, i) === 1 ? Math.log(p) : Math.log(1 - p)
  }
  return total / n
}

/** Mean squared difference between predicted probability and the 0/1 label. Lower is better. */
export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<BinaryLabel>): number {
  const n = checkLengths(probabilities, labels)
  if (n === 0) return Number.NaN
  let total = 0
  for (let i = 0; i < n; i++) {
    const d = probabilities[i]! - labelAt(labels, i)
    total += d * d
  }
  return total / n
}

/**
 * Leads ordered by score (highest first) and cut into `bins` groups of equal size (the first
 * `n mod bins` groups take one more lead); equal scores keep their input order. For each group:
 * its positive rate and lift over the overall rate, and the cumulative lift and capture.
 * Lift is NaN when there is no positive at all.
 */
export function liftByDecile(
  scores: ArrayLike<number>,
  labels: ArrayLike<BinaryLabel>,
  bins = 10,
): LiftBin[] {
  const n = checkLengths(scores, labels)
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins is ${bins}: give a whole number ≥ 1`)
  const order = orderByScoreDescending(scores)
  let totalPositives = 0
  for (let i = 0; i < n; i++) totalPositives += labelAt(labels, i)
  const baseRate = n === 0 ? Number.NaN : totalPositives / n
  const result: LiftBin[] = []
  const small = Math.floor(n / bins)
  const larger = n % bins
  let start = 0
  let seen = 0
  let seenPositives = 0
  for (let b = 0; b < bins && start < n; b++) {
    const count = small + (b < larger ? 1 : 0)
    let positives = 0
    for (let k = start; k < start + count; k++) positives += labelAt(labels, order[k]!)
    seen += count
    seenPositives += positives
    const rate = positives / count
    result.push({
      bin: b + 1,
      count,
      positives,
      rate,
      lift: totalPositives === 0 ? Number.NaN : rate / baseRate,
      cumulativeLift: totalPositives === 0 ? Number.NaN : seenPositives / seen / baseRate,
      cumulativeCapture: totalPositives === 0 ? Number.NaN : seenPositives / totalPositives,
      minScore: scores[order[start + count - 1]!]!,
      maxScore: scores[order[start]!]!,
    })
    start += count
  }
  return result
}

/**
 * Positive rate among the top-scored tenth of leads divided by the overall rate: how many times
 * more conversions a sales team finds by calling the best 10% first instead of at random.
 * The tenth is `ceil(n / 10)` leads, as in {@link liftByDecile}.
 */
export function topDecileLift(scores: ArrayLike<number>, labels: ArrayLike<BinaryLabel>): number {
  const first = liftByDecile(scores, labels, 10)[0]
  return first === undefined ? Number.NaN : first.lift
}

/**
 * Predicted probabilities against observed outcomes in `bins` equal-width ranges of [0, 1]
 * (a reliability diagram as a table). A calibrated model has `meanPredicted ≈ observedRate`
 * in every populated bin. Probabilities outside [0, 1] are clamped into the end bins.
 */
export function calibrationTable(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<BinaryLabel>,
  bins = 10,
): CalibrationBin[] {
  const n = checkLengths(probabilities, labels)
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins is ${bins}: give a whole number ≥ 1`)
  const counts = new Float64Array(bins)
  const sums = new Float64Array(bins)
  const positives = new Float64Array(bins)
  for (let i = 0; i < n; i++) {
    const p = probabilities[i]!
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))
    counts[b]!++
    sums[b]! += p
    positives[b]! += labelAt(labels, i)
  }
  const table: CalibrationBin[] = []
  for (let b = 0; b < bins; b++) {
    const count = counts[b]!
    table.push({
      lower: b / bins,
      upper: (b + 1) / bins,
      count,
      meanPredicted: count === 0 ? Number.NaN : sums[b]! / count,
      observedRate: count === 0 ? Number.NaN : positives[b]! / count,
    })
  }
  return table
}

/** Share of labels that are positive (NaN for no labels). */
export function positiveRate(labels: ArrayLike<BinaryLabel>): number {
  if (labels.length === 0) return Number.NaN
  let positives = 0
  for (let i = 0; i < labels.length; i++) positives += labelAt(labels, i)
  return positives / labels.length
}
