/**
 * Backtests: score every lead as of a date with a model, then look at who converted in the
 * next days. Conversion by band, grade, label and stage; MQL precision and recall; ROC AUC
 * of the total; lift by decile. Two models side by side, with the leads they disagree on.
 * @module
 */
import type { CompiledModel } from '../core/compile.js'
import { type LiftBin, liftByDecile, rocAuc } from '../predict/metrics.js'
import { type Cohort, cohortAt, type LeadData } from './leads.js'
import { type MqlRule, mqlRule } from './mql.js'
import { type Snapshot, scoreRows } from './snapshots.js'
import { type Interval, wilsonInterval } from './wilson.js'

/** Leads of one class (a band, a grade, ...) and how many converted. */
export interface ClassRow {
  readonly value: string
  readonly leads: number
  readonly conversions: number
  readonly rate: number
  readonly interval: Interval
}

export interface MqlResult {
  /** What MQL meant: `stage mql or later`, `total ≥ 60`. */
  readonly definition: string
  readonly leads: number
  readonly conversions: number
  /** Conversions among MQLs / MQLs. */
  readonly precision: number
  readonly precisionInterval: Interval
  /** Conversions among MQLs / all conversions. */
  readonly recall: number
}

export interface BacktestReport {
  readonly model: string
  readonly asOf: number
  readonly horizonDays: number
  /** Leads seen by `asOf` that had not converted yet. */
  readonly leads: number
  /** Of them, converted within the horizon. */
  readonly conversions: number
  readonly baseRate: number
  /** False when some conversions have no time: then they count whenever they happened. */
  readonly outcomeTimesKnown: boolean
  readonly mql: MqlResult
  /** ROC AUC of the total (NaN when every lead has the same outcome). */
  readonly auc: number
  readonly deciles: readonly LiftBin[]
  readonly byBand: readonly ClassRow[]
  readonly byGrade: readonly ClassRow[]
  readonly byLabel: readonly ClassRow[]
  readonly byStage: readonly ClassRow[]
}

export interface BacktestOptions {
  readonly asOf: number
  /** Days after `asOf` in which a conversion counts (default 90). */
  readonly horizonDays?: number | undefined
  /** MQL is a total at or above this; default the model's hand-off stage. */
  readonly threshold?: number | undefined
}

/** A backtest and what it was computed from, to compare models on the same leads. */
export interface ScoredBacktest {
  readonly report: BacktestReport
  /** The scores of the leads in play (the cohort), row by row. */
  readonly snapshot: Snapshot
  readonly cohort: Cohort
  readonly mql: MqlRule
}

/** Backtests `model` on `data` as of `options.asOf`. */
export function backtest(model: CompiledModel, data: LeadData, options: BacktestOptions): BacktestReport {
  return scoredBacktest(model, data, options).report
}

/** {@link backtest}, with the scores and the cohort kept. */
export function scoredBacktest(
  model: CompiledModel,
  data: LeadData,
  options: BacktestOptions,
): ScoredBacktest {
  const horizonDays = options.horizonDays ?? 90
  const mql = mqlRule(model, options.threshold)
  const cohort = cohortAt(data.outcomes, options.asOf, horizonDays)
  const snapshot = scoreRows(model, data, options.asOf)
  return { report: reportOf(model, data, snapshot, cohort, mql, horizonDays), snapshot, cohort, mql }
}

/** The report of a snapshot of the cohort's leads (those in play as of its time). */
export function reportOf(
  model: CompiledModel,
  data: LeadData,
  snapshot: Snapshot,
  cohort: Cohort,
  mql: MqlRule,
  horizonDays: number,
): BacktestReport {
  const { rows, scores } = snapshot
  const totals = new Float64Array(rows.length)
  const labels = new Uint8Array(rows.length)
  let mqls = 0
  let mqlConversions = 0
  let timesKnown = true
  for (let r = 0; r < rows.length; r++) {
    const c = rows[r]!
    const positive = cohort.positive[c]!
    totals[r] = scores.total[r]!
    labels[r] = positive
    if (positive === 1 && Number.isNaN(data.outcomes.at[c]!)) timesKnown = false
    if (mql.isMql(scores, r)) {
      mqls++
      mqlConversions += positive
    }
  }
  const by = (values: readonly (string | null)[], order: readonly string[]) =>
    classRows(values, labels, order)
  return {
    model: model.id,
    asOf: snapshot.asOf,
    horizonDays,
    leads: rows.length,
    conversions: cohort.positives,
    baseRate: rows.length === 0 ? 0 : cohort.positives / rows.length,
    outcomeTimesKnown: timesKnown,
    mql: {
      definition: mql.description,
      leads: mqls,
      conversions: mqlConversions,
      precision: mqls === 0 ? 0 : mqlConversions / mqls,
      precisionInterval: wilsonInterval(mqlConversions, mqls),
      recall: cohort.positives === 0 ? 0 : mqlConversions / cohort.positives,
    },
    auc: rows.length === 0 ? Number.NaN : rocAuc(totals, labels),
    deciles: rows.length === 0 ? [] : liftByDecile(totals, labels, Math.min(10, rows.length)),
    byBand: by(
      scores.band,
      model.bands.map((b) => b.id),
    ),
    byGrade: by(
      scores.grade,
      model.grades.map(([g]) => g),
    ),
    byLabel: by(scores.label, []),
    byStage: by(
      scores.stage,
      model.stages.map((s) => s.id),
    ),
  }
}

const NONE = '(none)'

/** Leads and conversions per class value (row by row), in `order` first, then by value. */
export function classRows(
  values: readonly (string | null)[],
  positive: ArrayLike<number>,
  order: readonly string[],
): ClassRow[] {
  const counts = new Map<string, [number, number]>()
  for (let r = 0; r < positive.length; r++) {
    const key = values[r] ?? NONE
    let row = counts.get(key)
    if (!row) {
      row = [0, 0]
      counts.set(key, row)
    }
    row[0]++
    row[1] += positive[r]!
  }
  const rank = (v: string) => {
    const i = order.indexOf(v)
    return i < 0 ? order.length : i
  }
  return [...counts]
    .sort((a, b) => rank(a[0]) - rank(b[0]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([value, [leads, conversions]]) => ({
      value,
      leads,
      conversions,
      rate: leads === 0 ? 0 : conversions / leads,
      interval: wilsonInterval(conversions, leads),
    }))
}

/** A lead that one model qualifies and the other does not. */
export interface Disagreement {
  readonly contactId: string
  /** Which model qualifies it: `a` or `b`. */
  readonly mqlBy: 'a' | 'b'
  readonly totalA: number
  readonly totalB: number
  readonly converted: boolean
}

export interface Comparison {
  readonly a: BacktestReport
  readonly b: BacktestReport
  /** MQL by a only / by b only, and how many of those converted. */
  readonly onlyA: { readonly leads: number; readonly conversions: number }
  readonly onlyB: { readonly leads: number; readonly conversions: number }
  /** Leads the models disagree on: converted first, then by the larger difference in totals (at most `limit`). */
  readonly disagreements: readonly Disagreement[]
  /** The model with the higher AUC, or null when they tie. */
  readonly better: 'a' | 'b' | null
}

/** Two models backtested on the same leads, side by side. */
export function compareBacktests(
  a: CompiledModel,
  b: CompiledModel,
  data: LeadData,
  options: BacktestOptions & { readonly limit?: number | undefined },
): Comparison {
  const ra = scoredBacktest(a, data, options)
  const rb = scoredBacktest(b, data, options)
  const onlyA = { leads: 0, conversions: 0 }
  const onlyB = { leads: 0, conversions: 0 }
  const list: Disagreement[] = []
  const { cohort } = ra
  const rows = ra.snapshot.rows
  const sa = ra.snapshot.scores
  const sb = rb.snapshot.scores
  for (let r = 0; r < rows.length; r++) {
    const c = rows[r]!
    const inA = ra.mql.isMql(sa, r)
    const inB = rb.mql.isMql(sb, r)
    if (inA === inB) continue
    const converted = cohort.positive[c] === 1
    const side = inA ? onlyA : onlyB
    side.leads++
    if (converted) side.conversions++
    list.push({
      contactId: data.contacts.ids[c]!,
      mqlBy: inA ? 'a' : 'b',
      totalA: sa.total[r]!,
      totalB: sb.total[r]!,
      converted,
    })
  }
  list.sort(
    (x, y) =>
      Number(y.converted) - Number(x.converted) ||
      Math.abs(y.totalA - y.totalB) - Math.abs(x.totalA - x.totalB) ||
      (x.contactId < y.contactId ? -1 : 1),
  )
  const aucA = ra.report.auc
  const aucB = rb.report.auc
  return {
    a: ra.report,
    b: rb.report,
    onlyA,
    onlyB,
    disagreements: list.slice(0, options.limit ?? 50),
    better: aucA > aucB ? 'a' : aucB > aucA ? 'b' : null,
  }
}
