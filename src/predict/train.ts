/**
 * Training a predictive model from a lead table: features, cross-validated evaluation of the
 * learners, the choice among them, calibration, warnings, and the final fit on every row.
 * @module
 */
import { crossCalibrate, fitPlatt } from './calibration.js'
import { featureImportance } from './explain.js'
import { type EncodedFeatures, encodeTable, selectRows } from './features/encode.js'
import { type DroppedColumn, fitFeatureSpec } from './features/spec.js'
import { readLabels } from './label.js'
import { explainer, fitLearner, type LearnerParams, predictMargins } from './learners/learner.js'
import { probabilities } from './learners/link.js'
import {
  brierScore,
  type CalibrationBin,
  calibrationTable,
  type LiftBin,
  liftByDecile,
  logLoss,
  rocAuc,
  topDecileLift,
} from './metrics.js'
import {
  type LearnerModel,
  type LearnerName,
  MODEL_FORMAT,
  MODEL_VERSION,
  type PredictiveModel,
} from './model.js'
import { columnIndex, type LeadTable, PredictInputError } from './table.js'
import { foldsOf, type Split, stratifiedFoldOf, timeSplit } from './validation/folds.js'
import { aucWarning, leakWarnings, sizeWarnings, type TrainingWarning, timeShiftWarning } from './warnings.js'

/** Options of {@link trainModel}. */
export interface TrainOptions {
  readonly label: string
  /** The label value that means converted (default: told from the values). */
  readonly positive?: string | undefined
  readonly exclude?: readonly string[]
  readonly idColumn?: string | undefined
  /** A column with each lead's time (ISO-8601 or epoch ms): adds a forward-in-time evaluation. */
  readonly timeColumn?: string | undefined
  /** Cross-validation folds; default 5. */
  readonly folds?: number
  readonly learner?: LearnerName | 'auto'
  readonly seed?: number
  /** Placeholder values read as missing, e.g. `Select`. */
  readonly missingValues?: readonly string[]
  readonly params?: LearnerParams
  /** Told what is being done, for a progress line: in English, and as a {@link TrainingStep} to say it in another language. */
  readonly onProgress?: (message: string, step?: TrainingStep) => void
}

/** A step of the training, by code with its figures (what a progress line says). */
export type TrainingStep =
  | { readonly code: 'fold'; readonly learner: LearnerName; readonly fold: number; readonly folds: number }
  | { readonly code: 'fit'; readonly learner: LearnerName; readonly count: number }
  | { readonly code: 'forward'; readonly count: number }
  | { readonly code: 'explaining' }

/** How one learner did in cross-validation. */
export interface CandidateResult {
  readonly learner: LearnerName
  readonly auc: number
  readonly aucStd: number
  /** AUC of each fold. */
  readonly foldAuc: readonly number[]
  /** Log loss of the learner's own (uncalibrated) out-of-fold probabilities. */
  readonly logLoss: number
}

/** The forward-in-time check. */
export interface TimeSplitResult {
  readonly column: string
  /** Leads from this time on are the test period. */
  readonly cutoff: number
  readonly trainRows: number
  readonly testRows: number
  readonly trainRate: number
  readonly testRate: number
  readonly auc: number
  readonly logLoss: number
}

/** Everything the training measured. */
export interface TrainingReport {
  readonly learner: LearnerName
  readonly rows: number
  readonly positives: number
  readonly positiveRate: number
  /** Rows left out because their label was empty. */
  readonly unlabelled: number
  readonly folds: number
  readonly seed: number
  /**
   * Cross-validated ROC AUC (mean and standard deviation over the folds). With several learners,
   * each fold's AUC is that of the learner the other folds would have chosen (see
   * {@link selectedFoldAuc}): the choice is never made on the fold it is measured on.
   */
  readonly auc: number
  readonly aucStd: number
  /**
   * Log loss and Brier score of the calibrated out-of-fold probabilities, each fold calibrated
   * by the other folds' margins (see {@link crossCalibrate}).
   */
  readonly logLoss: number
  readonly brier: number
  readonly topDecileLift: number
  readonly liftByDecile: readonly LiftBin[]
  readonly calibration: readonly CalibrationBin[]
  readonly candidates: readonly CandidateResult[]
  readonly importance: readonly { feature: string; importance: number }[]
  readonly features: readonly { name: string; kind: 'numeric' | 'categorical'; missingRate: number }[]
  readonly dropped: readonly DroppedColumn[]
  readonly timeSplit: TimeSplitResult | null
  readonly warnings: readonly TrainingWarning[]
}

/** A trained model and its report. */
export interface TrainResult {
  readonly model: PredictiveModel
  readonly report: TrainingReport
}

function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length)
  return { mean, std }
}

/** Reads a time cell: epoch milliseconds or a date Date.parse reads (ISO-8601); NaN otherwise. */
export function parseTime(text: string): number {
  const t = text.trim()
  if (t === '') return Number.NaN
  const n = Number(t)
  if (Number.isFinite(n)) return n
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) || !t.includes('T') ? t : `${t}Z`)
}

/**
 * One fit of the training: learner `learner` fitted on rows `train` of the encoded table (all
 * of them when null) and, when `test` is given, its margins on those rows. Fits are independent
 * of each other and deterministic, so they may run anywhere in any order (see
 * {@link trainingSteps}): the results are the same.
 */
export interface FitJob {
  readonly learner: LearnerName
  readonly train: Int32Array | null
  readonly test: Int32Array | null
  /** What it is, for a progress line (`cross-validating gbdt: fold 2 of 5`). */
  readonly label: string
  /** The same by code. */
  readonly step: TrainingStep
}

/** What a {@link FitJob} gives back: the model when it was fitted on all rows, the test margins when asked. */
export interface FitOutput {
  readonly model: LearnerModel | null
  readonly margins: Float64Array | null
}

/** What every fit of one training shares: the encoded rows, their labels, the learners' settings. */
export interface FitData {
  readonly data: EncodedFeatures
  readonly labels: Uint8Array
  readonly params: LearnerParams
}

/** Runs one {@link FitJob} (in this thread or a worker's). */
export function runFitJob(shared: FitData, job: FitJob): FitOutput {
  const { data, labels, params } = shared
  const train = job.train === null ? data : selectRows(data, job.train)
  const y = job.train === null ? labels : pick(labels, job.train)
  const model = fitLearner(job.learner, train, y, params)
  const margins = job.test === null ? null : predictMargins(model, selectRows(data, job.test))
  return { model: job.train === null ? model : null, margins }
}

/**
 * The training as steps: it first yields the data every fit shares, then batches of
 * {@link FitJob}s (the cross-validation's folds; then the final fit and the forward-in-time
 * check), each resumed with the batch's outputs in order, and returns the result. A driver
 * runs the jobs: {@link trainModel} in this thread, one after the other; a thread pool in
 * parallel. Either way the model and the report are the same.
 * @throws {PredictInputError} for an unknown column, a label that is not binary or has one class.
 */
export function* trainingSteps(
  table: LeadTable,
  options: TrainOptions,
): Generator<FitData | readonly FitJob[], TrainResult, readonly FitOutput[] | undefined> {
  const progress = options.onProgress ?? (() => {})
  const seed = options.seed ?? 0
  const k = options.folds ?? 5
  const labels = readLabels(table, options.label, options.positive)
  const skip = new Map<string, DroppedColumn['reason']>([[options.label, 'label']])
  if (options.idColumn !== undefined) {
    columnIndex(table, options.idColumn, 'id column')
    skip.set(options.idColumn, 'id')
  }
  if (options.timeColumn !== undefined) {
    columnIndex(table, options.timeColumn, 'time column')
    skip.set(options.timeColumn, 'time')
  }
  for (const column of options.exclude ?? []) {
    columnIndex(table, column, 'excluded column')
    skip.set(column, 'excluded')
  }
  const spec = fitFeatureSpec(table.header, table.columns, labels.rows, {
    skip,
    missingValues: options.missingValues ?? [],
  })
  const y = labels.values
  const n = y.length
  let positives = 0
  for (let i = 0; i < n; i++) positives += y[i]!
  const warnings = sizeWarnings(n, positives)
  const oneClass = warnings.find((w) => w.code === 'one-class')
  if (oneClass)
    throw new PredictInputError(`the label column "${options.label}": ${oneClass.message}`, oneClass.action)
  if (spec.features.length === 0)
    throw new PredictInputError(
      'no column is left to learn from',
      `the columns were all left out: ${spec.dropped.map((d) => `${d.column} (${d.reason})`).join(', ')}`,
    )
  const minority = Math.min(positives, n - positives)
  if (minority < k)
    throw new PredictInputError(
      `only ${minority} leads of one outcome: ${k}-fold cross-validation needs at least ${k}`,
      'add more leads with known outcomes, or pass a smaller --cv',
    )
  const data = encodeTable(spec, table, labels.rows)
  const foldOf = stratifiedFoldOf(y, k, seed)
  warnings.push(...leakWarnings(data, y, foldOf))

  const params: LearnerParams = { seed, ...options.params }
  yield { data, labels: y, params }
  const names: LearnerName[] =
    options.learner === undefined || options.learner === 'auto' ? ['logistic', 'gbdt'] : [options.learner]
  const folds = foldsOf(foldOf, k)
  const cvJobs = names.flatMap((name) =>
    folds.map(
      (split, f): FitJob => ({
        learner: name,
        train: split.train,
        test: split.test,
        label: `cross-validating ${name}: fold ${f + 1} of ${k}`,
        step: { code: 'fold', learner: name, fold: f + 1, folds: k },
      }),
    ),
  )
  const cvOutputs = yield cvJobs
  const oof = new Map<LearnerName, Float64Array>()
  const candidates: CandidateResult[] = names.map((name, c) => {
    const margins = new Float64Array(n)
    const foldAuc = folds.map((split, f) => {
      const m = cvOutputs![c * k + f]!.margins!
      split.test.forEach((row, j) => {
        margins[row] = m[j]!
      })
      return rocAuc(m, pick(y, split.test))
    })
    oof.set(name, margins)
    const { mean, std } = meanStd(foldAuc)
    return { learner: name, auc: mean, aucStd: std, foldAuc, logLoss: logLoss(probabilities(margins), y) }
  })
  const best = candidates.reduce((a, b) => (b.auc > a.auc + 1e-9 ? b : a))
  const selected = selectedFoldAuc(candidates)
  const honest = meanStd(selected)
  const margins = oof.get(best.learner)!
  // The model's calibration learns from every out-of-fold margin; the figures score each fold
  // calibrated by the other folds only, as new leads will be.
  const calibration = fitPlatt(margins, y)
  const calibrated = crossCalibrate(margins, y, folds)
  warnings.push(...aucWarning(honest.mean))

  const finalJobs: FitJob[] = [
    {
      learner: best.learner,
      train: null,
      test: null,
      label: `fitting ${best.learner} on all ${n} leads`,
      step: { code: 'fit', learner: best.learner, count: n },
    },
  ]
  let times: Float64Array | undefined
  let split: (Split & { readonly cutoff: number }) | undefined
  if (options.timeColumn !== undefined) {
    const cells = table.columns[table.header.indexOf(options.timeColumn)]!
    times = Float64Array.from(labels.rows, (r) => parseTime(cells[r]!))
    const known = times.filter((t) => !Number.isNaN(t)).length
    if (known < 0.5 * n)
      throw new PredictInputError(
        `only ${known} of ${n} cells of the time column "${options.timeColumn}" are times`,
        'give ISO-8601 times (2024-03-01 or 2024-03-01T09:30:00Z) or epoch milliseconds',
      )
    split = timeSplit(times, 0.2)
    finalJobs.push({
      learner: best.learner,
      train: split.train,
      test: split.test,
      label: `forward-in-time check on the latest ${split.test.length} leads`,
      step: { code: 'forward', count: split.test.length },
    })
  }
  const finalOutputs = yield finalJobs
  const learner = finalOutputs![0]!.model!

  let timeResult: TimeSplitResult | null = null
  if (split !== undefined && options.timeColumn !== undefined) {
    const m = finalOutputs![1]!.margins!
    const yTrain = pick(y, split.train)
    const yTest = pick(y, split.test)
    const trainRate = mean(yTrain)
    const testRate = mean(yTest)
    timeResult = {
      column: options.timeColumn,
      cutoff: split.cutoff,
      trainRows: split.train.length,
      testRows: split.test.length,
      trainRate,
      testRate,
      auc: rocAuc(m, yTest),
      logLoss: logLoss(probabilities(m), yTest),
    }
    warnings.push(...timeShiftWarning(trainRate, testRate, split.test.length))
  }
  progress('explaining the features', { code: 'explaining' })
  const importance = featureImportance(explainer(learner, data.features.length), data)
  const report: TrainingReport = {
    learner: best.learner,
    rows: n,
    positives,
    positiveRate: positives / n,
    unlabelled: labels.skipped,
    folds: k,
    seed,
    auc: honest.mean,
    aucStd: honest.std,
    logLoss: logLoss(calibrated, y),
    brier: brierScore(calibrated, y),
    topDecileLift: topDecileLift(calibrated, y),
    liftByDecile: liftByDecile(calibrated, y),
    calibration: calibrationTable(calibrated, y),
    candidates,
    importance,
    features: spec.features.map((f) => ({ name: f.name, kind: f.kind, missingRate: f.missingRate })),
    dropped: spec.dropped,
    timeSplit: timeResult,
    warnings,
  }
  const model: PredictiveModel = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    label: { column: labels.column, positive: labels.positive, negative: labels.negative },
    idColumn: options.idColumn ?? null,
    features: spec,
    learner,
    calibration,
    training: {
      rows: n,
      positives,
      folds: k,
      seed,
      auc: report.auc,
      aucStd: report.aucStd,
      logLoss: report.logLoss,
      topDecileLift: report.topDecileLift,
      warnings: warnings.map((w) => w.code),
    },
  }
  return { model, report }
}

/**
 * Trains and evaluates a model on `table`, every fit in this thread (a thread pool that runs
 * the same {@link trainingSteps} in parallel gives the same result).
 * @throws {PredictInputError} for an unknown column, a label that is not binary or has one class.
 */
export function trainModel(table: LeadTable, options: TrainOptions): TrainResult {
  const progress = options.onProgress ?? (() => {})
  const steps = trainingSteps(table, options)
  const first = steps.next(undefined)
  if (first.done === true) return first.value
  const shared = first.value as FitData
  let step = steps.next(undefined)
  while (step.done !== true) {
    const jobs = step.value as readonly FitJob[]
    step = steps.next(
      jobs.map((job) => {
        progress(job.label, job.step)
        return runFitJob(shared, job)
      }),
    )
  }
  return step.value
}

/**
 * The AUC of each fold for the learner a choice would have made without that fold: for fold k,
 * the learner with the best mean AUC over the other folds. So the figure of `auto` does not
 * flatter the winner by choosing it on the folds it is measured on (with one learner: its own).
 */
export function selectedFoldAuc(candidates: readonly CandidateResult[]): number[] {
  const folds = candidates[0]!.foldAuc.length
  return Array.from({ length: folds }, (_, k) => {
    const without = (c: CandidateResult) => c.foldAuc.reduce((sum, auc, j) => (j === k ? sum : sum + auc), 0)
    const chosen = candidates.reduce((a, b) => (without(b) > without(a) + 1e-12 ? b : a))
    return chosen.foldAuc[k]!
  })
}

function pick(y: Uint8Array, rows: Int32Array): Uint8Array {
  return Uint8Array.from(rows, (r) => y[r]!)
}

function mean(values: Uint8Array): number {
  let sum = 0
  for (const v of values) sum += v
  return values.length === 0 ? Number.NaN : sum / values.length
}
