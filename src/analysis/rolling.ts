/**
 * The rolling backtest: the model run every week over a period as if it had been live.
 * Each week, the leads that became MQL for the first time, and how many of them converted
 * within the horizon: the volume sales would have received, and its quality.
 * @module
 */
import type { CompiledModel } from '../core/compile.js'
import { DAY_MS } from '../core/input.js'
import type { LeadData } from './leads.js'
import { mqlRule } from './mql.js'
import { mqlBound } from './mql-bound.js'
import { inPlayRows, type StepProgress, scoreRows, slimContacts, stepTimes } from './snapshots.js'
import { type Interval, wilsonInterval } from './wilson.js'

export interface WeekRow {
  /** The week: (from, to]; leads are scored as of `to`. */
  readonly from: number
  readonly to: number
  /** Leads MQL as of `to` for the first time in the period. */
  readonly newMql: number
  /** Of them, converted within the horizon after `to`. */
  readonly converted: number
  readonly precision: number
  readonly interval: Interval
  /** Leads that converted during the week, and how many of them had been MQL before. */
  readonly conversions: number
  readonly conversionsFromMql: number
}

export interface RollingReport {
  readonly model: string
  readonly definition: string
  readonly horizonDays: number
  /** MQL at the start of the period (handed over before it: not counted in any week). */
  readonly mqlAtStart: number
  readonly weeks: readonly WeekRow[]
  /** Mean new MQLs per week. */
  readonly meanPerWeek: number
}

export interface RollingOptions {
  readonly from: number
  readonly to: number
  /** Days between snapshots (default 7). */
  readonly stepDays?: number | undefined
  readonly horizonDays?: number | undefined
  readonly threshold?: number | undefined
  readonly progress?: StepProgress | undefined
  /**
   * Score every lead in play every week. By default a lead is scored only when it may have
   * become MQL since it was last scored (see `mqlBound`): the same report, much sooner.
   */
  readonly rescoreEveryLead?: boolean | undefined
}

/** Runs `model` weekly from `from` to `to`. */
export function rollingBacktest(
  model: CompiledModel,
  data: LeadData,
  options: RollingOptions,
): RollingReport {
  const horizonDays = options.horizonDays ?? 90
  const mql = mqlRule(model, options.threshold)
  const times = stepTimes(options.from, options.to, options.stepDays ?? 7)
  const n = data.contacts.length
  const handed = new Uint8Array(n)
  const { converted, at } = data.outcomes
  const weeks: WeekRow[] = []
  let mqlAtStart = 0
  // a lead handed over once is not scored again; one that cannot have become MQL is not either
  // scored again and again: only the properties the model reads
  const slim = { ...data, contacts: slimContacts(model, data.contacts) }
  const bound = options.rescoreEveryLead === true ? null : mqlBound(model, slim, options.threshold)
  times.forEach((t, k) => {
    bound?.advance(t)
    let rows = inPlayRows(data, t, handed)
    if (bound !== null) rows = bound.candidates(rows)
    const { scores } = scoreRows(model, slim, t, { rows })
    let fresh = 0
    let good = 0
    let conversions = 0
    let fromMql = 0
    const prev = k === 0 ? t : times[k - 1]!
    const until = t + horizonDays * DAY_MS
    if (k > 0) {
      for (let c = 0; c < n; c++) {
        if (converted[c] === 1 && at[c]! > prev && at[c]! <= t) {
          conversions++
          fromMql += handed[c]!
        }
      }
    }
    for (let r = 0; r < rows.length; r++) {
      const c = rows[r]!
      bound?.scored(c, scores.engagement[r]!)
      if (!mql.isMql(scores, r)) continue
      handed[c] = 1
      if (k === 0) {
        mqlAtStart++
        continue
      }
      fresh++
      if (converted[c] === 1 && (Number.isNaN(at[c]!) || at[c]! <= until)) good++
    }
    options.progress?.(k + 1, times.length)
    if (k === 0) return
    weeks.push({
      from: prev,
      to: t,
      newMql: fresh,
      converted: good,
      precision: fresh === 0 ? 0 : good / fresh,
      interval: wilsonInterval(good, fresh),
      conversions,
      conversionsFromMql: fromMql,
    })
  })
  return {
    model: model.id,
    definition: mql.description,
    horizonDays,
    mqlAtStart,
    weeks,
    meanPerWeek: weeks.length === 0 ? 0 : weeks.reduce((s, w) => s + w.newMql, 0) / weeks.length,
  }
}
