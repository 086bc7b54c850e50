/**
 * Scoring the same leads as of many times (every week, every month), for rolling backtests,
 * the threshold from capacity and drift.
 * @module
 */
import { type BulkScores, scoreColumns } from '../core/columnar/index.js'
import type { CompiledModel } from '../core/compile.js'
import { DAY_MS } from '../core/input.js'
import type { LeadData } from './leads.js'

/** Called after each snapshot is scored: `done` of `total`. */
export type StepProgress = (done: number, total: number) => void

/** The times `from`, `from + stepDays`, ... up to `to` (inclusive). */
export function stepTimes(from: number, to: number, stepDays: number): number[] {
  if (!(stepDays > 0)) throw new RangeError(`the step is ${stepDays} days: give a number of days above 0`)
  const times: number[] = []
  for (let t = from; t <= to; t += stepDays * DAY_MS) times.push(t)
  return times
}

/** The first instants (UTC) of the months from the one holding `from` up to the one holding `to`. */
export function monthStarts(from: number, to: number): number[] {
  const start = new Date(from)
  let y = start.getUTCFullYear()
  let m = start.getUTCMonth()
  const out: number[] = []
  for (;;) {
    const t = Date.UTC(y, m, 1)
    if (t > to) break
    out.push(t)
    m++
    if (m === 12) {
      m = 0
      y++
    }
  }
  return out
}

/** True when lead c is in play at time t: seen by then (or of unknown start), not converted yet. */
export function inPlay(data: LeadData, c: number, t: number): boolean {
  const { firstSeen, converted, at } = data.outcomes
  if (firstSeen[c]! > t) return false
  return !(converted[c] === 1 && at[c]! <= t)
}

/** Scores the leads as of each time and hands each snapshot to `visit`. */
export function forEachSnapshot(
  model: CompiledModel,
  data: LeadData,
  times: readonly number[],
  visit: (k: number, asOf: number, scores: BulkScores) => void,
  progress?: StepProgress,
): void {
  times.forEach((t, k) => {
    visit(k, t, scoreColumns(model, data.contacts, data.events, t))
    progress?.(k + 1, times.length)
  })
}

/** The time of the latest event (or 0 without events): where the data ends. */
export function dataEnd(data: LeadData): number {
  let end = Number.NEGATIVE_INFINITY
  const ts = data.events.ts
  for (let i = 0; i < ts.length; i++) if (ts[i]! > end) end = ts[i]!
  const at = data.outcomes.at
  for (let c = 0; c < at.length; c++) if (at[c]! > end) end = at[c]!
  return end === Number.NEGATIVE_INFINITY ? 0 : end
}
