/**
 * Warnings that save users from trusting a model the data cannot support.
 * @module
 */
import type { EncodedFeatures } from './features/encode.js'
import { MISSING_BIN } from './features/spec.js'
import { rocAuc } from './metrics.js'
import { stratifiedFoldOf } from './validation/folds.js'

/** What is wrong, why it matters and what to do. */
export interface TrainingWarning {
  readonly code:
    | 'few-conversions'
    | 'few-leads'
    | 'one-class'
    | 'probable-leak'
    | 'auc-too-high'
    | 'time-shift'
    | 'untimed-outcomes'
    | 'behaviour-at-conversion'
  readonly message: string
  readonly action: string
  /** The feature a leak warning is about. */
  readonly feature?: string
  /**
   * The figures the message says, by name, so it can be said again in another language by its
   * `code` (warnings of this module always have them): `one-class` rows, which (`none`/`all`);
   * `few-conversions` count, converted (`yes`/`no`), min; `few-leads` count, min;
   * `probable-leak` feature, auc, filled (a share, or `all`); `auc-too-high` auc;
   * `time-shift` now, before (conversion rates).
   */
  readonly values?: Readonly<Record<string, string | number>>
}

/** Fewer conversions than this make every figure noisy. */
export const MIN_CONVERSIONS = 50
/** Fewer leads than this too. */
export const MIN_LEADS = 500
/** A feature whose own AUC reaches this is named as a probable leak. */
export const LEAK_AUC = 0.85
/** A cross-validated AUC above this is too good to be true for lead scoring. */
export const SUSPICIOUS_AUC = 0.97

/** Warnings about the size and balance of the training data. */
export function sizeWarnings(rows: number, positives: number): TrainingWarning[] {
  const warnings: TrainingWarning[] = []
  if (positives === 0 || positives === rows)
    warnings.push({
      code: 'one-class',
      values: { rows, which: positives === 0 ? 'none' : 'all' },
      message: `every one of the ${rows} leads has the same label (${positives === 0 ? 'none' : 'all'} converted): there is nothing to learn`,
      action: 'check the label column and --positive, or add leads with the other outcome',
    })
  else if (positives < MIN_CONVERSIONS || rows - positives < MIN_CONVERSIONS)
    warnings.push({
      code: 'few-conversions',
      values: {
        count: Math.min(positives, rows - positives),
        converted: positives < rows - positives ? 'yes' : 'no',
        min: MIN_CONVERSIONS,
      },
      message: `only ${Math.min(positives, rows - positives)} leads ${positives < rows - positives ? 'converted' : 'did not convert'} (under ${MIN_CONVERSIONS}): the scores and figures will be noisy`,
      action: 'wait for more outcomes or widen the period of the data; treat the model as a rough guide',
    })
  if (rows < MIN_LEADS)
    warnings.push({
      code: 'few-leads',
      values: { count: rows, min: MIN_LEADS },
      message: `only ${rows} leads with a known outcome (under ${MIN_LEADS})`,
      action: 'add more past leads; until then prefer a hand-written scoring model',
    })
  return warnings
}

/**
 * The AUC of one feature alone, out of fold: in each fold (`foldOf`), each group of rows (a
 * level, or one of 20 quantile groups of a number, missing apart) is scored by the conversion
 * rate of that group in the other folds, never by its own rows; the folds' AUCs are averaged. Scored in-sample, a column with many small
 * levels (a first name, a city) looks predictive by chance alone; out of fold it does not,
 * while a column that really gives the label away keeps its AUC. `known` leaves the missing
 * rows out.
 */
export function featureAuc(
  data: EncodedFeatures,
  f: number,
  labels: Uint8Array,
  known: boolean,
  foldOf: Int32Array,
): number {
  const feature = data.features[f]!
  const bins = data.bins[f]!
  const groups = feature.kind === 'categorical' ? feature.levels.length : 21
  const groupOf = (b: number) => {
    if (feature.kind === 'categorical') return b
    if (b === MISSING_BIN) return 20
    return Math.floor((b * 20) / (feature.thresholds.length + 1))
  }
  const isMissing = (g: number) => (feature.kind === 'categorical' ? g === 0 : g === 20)
  let k = 0
  for (let i = 0; i < foldOf.length; i++) k = Math.max(k, foldOf[i]! + 1)
  // counts per group and fold, and per fold
  const count = new Float64Array(groups * k)
  const positives = new Float64Array(groups * k)
  const foldCount = new Float64Array(k)
  const foldPositives = new Float64Array(k)
  const rows: number[] = []
  for (let i = 0; i < data.rowCount; i++) {
    const g = groupOf(bins[i]!)
    if (known && isMissing(g)) continue
    rows.push(i)
    const fold = foldOf[i]!
    count[g * k + fold]!++
    positives[g * k + fold]! += labels[i]!
    foldCount[fold]!++
    foldPositives[fold]! += labels[i]!
  }
  if (rows.length === 0) return Number.NaN
  const groupCount = new Float64Array(groups)
  const groupPositives = new Float64Array(groups)
  for (let g = 0; g < groups; g++)
    for (let fold = 0; fold < k; fold++) {
      groupCount[g]! += count[g * k + fold]!
      groupPositives[g]! += positives[g * k + fold]!
    }
  let total = 0
  let totalPositives = 0
  for (let fold = 0; fold < k; fold++) {
    total += foldCount[fold]!
    totalPositives += foldPositives[fold]!
  }
  // the mean of the folds' AUCs: within a fold every row of a group has the same score
  let sum = 0
  let measured = 0
  for (let fold = 0; fold < k; fold++) {
    const n0 = total - foldCount[fold]!
    const prior = n0 === 0 ? 0 : (totalPositives - foldPositives[fold]!) / n0
    const members = rows.filter((i) => foldOf[i] === fold)
    const scores = Float64Array.from(members, (i) => {
      const g = groupOf(bins[i]!)
      const n = groupCount[g]! - count[g * k + fold]!
      // a group the other folds never saw gets their overall rate
      return n === 0 ? prior : (groupPositives[g]! - positives[g * k + fold]!) / n
    })
    const auc = rocAuc(
      scores,
      Uint8Array.from(members, (i) => labels[i]!),
    )
    if (Number.isNaN(auc)) continue
    sum += auc
    measured++
  }
  return measured === 0 ? Number.NaN : sum / measured
}

/**
 * Features that alone predict the label almost perfectly (out-of-fold AUC ≥ {@link LEAK_AUC} on
 * all rows, or on the rows where the feature is known when that is at least a fifth of them):
 * usually a value written after the outcome was known. `foldOf` gives each row's fold (the
 * cross-validation's; default: 5 stratified folds, seed 0).
 */
export function leakWarnings(
  data: EncodedFeatures,
  labels: Uint8Array,
  foldOf: Int32Array = stratifiedFoldOf(labels, 5, 0),
): TrainingWarning[] {
  const warnings: TrainingWarning[] = []
  data.features.forEach((feature, f) => {
    const all = featureAuc(data, f, labels, false, foldOf)
    const knownShare = 1 - feature.missingRate
    const known = knownShare >= 0.2 ? featureAuc(data, f, labels, true, foldOf) : Number.NaN
    const auc = Math.max(all, Number.isNaN(known) ? 0 : known)
    if (!(auc >= LEAK_AUC)) return
    const where = auc === all ? '' : ` on the ${Math.round(knownShare * 100)}% of leads where it is filled in`
    warnings.push({
      code: 'probable-leak',
      feature: feature.name,
      values: {
        feature: feature.name,
        auc: Number(auc.toFixed(3)),
        filled: auc === all ? 'all' : Math.round(knownShare * 100) / 100,
      },
      message: `"${feature.name}" alone predicts the label almost perfectly (AUC ${auc.toFixed(3)}${where}): probably written after the outcome was known`,
      action: `check when "${feature.name}" is filled in; if it is set by sales after a lead is worked, leave it out with --exclude "${feature.name}"`,
    })
  })
  return warnings
}

/** A warning when the cross-validated AUC is too good to be true. */
export function aucWarning(auc: number): TrainingWarning[] {
  if (!(auc > SUSPICIOUS_AUC)) return []
  return [
    {
      code: 'auc-too-high',
      values: { auc: Number(auc.toFixed(3)) },
      message: `the cross-validated AUC is ${auc.toFixed(3)}: lead scores this good almost always mean a column gives the outcome away`,
      action:
        'look at the most important features and leave out (--exclude) any that is filled in after the outcome',
    },
  ]
}

/** A warning when the later period converts very differently from the earlier one. */
export function timeShiftWarning(trainRate: number, testRate: number, testRows: number): TrainingWarning[] {
  const ratio = testRate / trainRate
  const se = Math.sqrt((trainRate * (1 - trainRate)) / Math.max(1, testRows))
  if (!(Math.abs(testRate - trainRate) > 3 * se && (ratio > 1.5 || ratio < 1 / 1.5))) return []
  return [
    {
      code: 'time-shift',
      values: { now: Number(testRate.toFixed(3)), before: Number(trainRate.toFixed(3)) },
      message: `the latest leads convert at ${(testRate * 100).toFixed(1)}% against ${(trainRate * 100).toFixed(1)}% before: the past is a poor guide to now`,
      action:
        'check for a change in how leads are labelled or sourced; train on recent leads only, and recalibrate often',
    },
  ]
}
