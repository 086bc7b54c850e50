/**
 * The MQL threshold from sales capacity: "we can work 150 leads a week". The model is run
 * weekly over the last weeks; a lead is handed over the first week its total reaches the
 * threshold. Going down from the highest total, the threshold chosen is the last before the
 * weekly volume would exceed the capacity, with the precision it would have had and the
 * conversions it would have missed.
 * @module
 */
import type { CompiledModel } from '../core/compile.js'
import { DAY_MS } from '../core/input.js'
import type { LeadData } from './leads.js'
import { forEachSnapshot, type StepProgress, stepTimes } from './snapshots.js'
import { type Interval, wilsonInterval } from './wilson.js'

export interface ThresholdOptions {
  /** Leads sales can work per week. */
  readonly capacityPerWeek: number
  /** The last snapshot (the end of the last week). */
  readonly to: number
  /** Weeks looked back (default 12). */
  readonly weeks?: number | undefined
  readonly horizonDays?: number | undefined
  /** Thresholds tried: every `step` points from 0 to the model's maximum (default 0.5). */
  readonly step?: number | undefined
  readonly progress?: StepProgress | undefined
}

/** A threshold and the weekly volume it gives. */
export interface CurvePoint {
  readonly threshold: number
  readonly perWeek: number
}

export interface ThresholdReport {
  readonly model: string
  readonly capacityPerWeek: number
  readonly weeks: number
  readonly horizonDays: number
  /** Going down from the top: the last threshold before the volume would exceed the capacity. */
  readonly threshold: number
  /** True when even the lowest threshold gives fewer leads than sales can work. */
  readonly belowCapacity: boolean
  /** Mean handed-over leads per week at the threshold, and each week's. */
  readonly perWeek: number
  readonly weekly: readonly number[]
  /** Of the handed-over leads, converted within the horizon after their week. */
  readonly handed: number
  readonly converted: number
  readonly precision: number
  readonly precisionInterval: Interval
  /** Leads that converted during the weeks without having reached the threshold first. */
  readonly missed: number
  /** Every conversion during the weeks (of leads not already over the threshold at the start). */
  readonly conversions: number
  /** Volume by threshold, every 5 points. */
  readonly curve: readonly CurvePoint[]
}

/** Finds the threshold for `capacityPerWeek`. */
export function thresholdForCapacity(
  model: CompiledModel,
  data: LeadData,
  options: ThresholdOptions,
): ThresholdReport {
  if (!(options.capacityPerWeek > 0)) throw new RangeError('the capacity must be a number of leads above 0')
  const weeks = Math.max(1, Math.floor(options.weeks ?? 12))
  const horizonDays = options.horizonDays ?? 90
  const times = stepTimes(options.to - weeks * 7 * DAY_MS, options.to, 7)
  const n = data.contacts.length
  // totals as of each week (NaN when the lead is not in play): the first one is the start
  const totals = times.map(() => new Float32Array(n).fill(Number.NaN))
  forEachSnapshot(
    model,
    data,
    times,
    (k, { rows, scores }) => {
      const out = totals[k]!
      for (let r = 0; r < rows.length; r++) out[rows[r]!] = scores.total[r]!
    },
    options.progress,
  )
  // a lead is handed over at T in the period when its start total is below T and a later one reaches it
  const start = new Float64Array(n)
  const best = new Float64Array(n)
  for (let c = 0; c < n; c++) {
    const s = totals[0]![c]!
    start[c] = Number.isNaN(s) ? Number.NEGATIVE_INFINITY : s
    let m = start[c]!
    for (let k = 1; k < times.length; k++) {
      const v = totals[k]![c]!
      if (v > m) m = v
    }
    best[c] = m
  }
  start.sort()
  best.sort()
  const atLeast = (sorted: Float64Array, x: number) => sorted.length - lowerBound(sorted, x)
  const perWeek = (x: number) => (atLeast(best, x) - atLeast(start, x)) / weeks
  const step = options.step ?? 0.5
  const max = model.totalMax
  let threshold = max
  let belowCapacity = true
  for (let x = max; x >= 0; x -= step) {
    if (perWeek(x) > options.capacityPerWeek) {
      belowCapacity = false
      break
    }
    threshold = x
  }
  const curve: CurvePoint[] = []
  for (let x = 0; x <= max; x += 5) curve.push({ threshold: x, perWeek: perWeek(x) })
  return {
    ...handedAt(data, totals, times, threshold, horizonDays),
    model: model.id,
    capacityPerWeek: options.capacityPerWeek,
    weeks,
    horizonDays,
    threshold,
    belowCapacity,
    curve,
  }
}

/** The leads handed over at `threshold` week by week, their precision and the conversions missed. */
function handedAt(
  data: LeadData,
  totals: readonly Float32Array[],
  times: readonly number[],
  threshold: number,
  horizonDays: number,
) {
  const n = data.contacts.length
  const { converted, at } = data.outcomes
  const weekly = new Array<number>(times.length - 1).fill(0)
  let handed = 0
  let good = 0
  let missed = 0
  let conversions = 0
  const from = times[0]!
  const to = times.at(-1)!
  for (let c = 0; c < n; c++) {
    if (totals[0]![c]! >= threshold) continue // over it before the period: handed over already
    let week = -1
    for (let k = 1; k < times.length; k++) {
      if (totals[k]![c]! >= threshold) {
        week = k
        break
      }
    }
    const conv = converted[c] === 1
    const t = at[c]!
    if (conv && t > from && t <= to) {
      conversions++
      if (week < 0 || times[week]! >= t) missed++
    }
    if (week < 0) continue
    weekly[week - 1]!++
    handed++
    if (conv && (Number.isNaN(t) || (t > times[week]! && t <= times[week]! + horizonDays * DAY_MS))) good++
  }
  return {
    perWeek: weekly.length === 0 ? 0 : handed / weekly.length,
    weekly,
    handed,
    converted: good,
    precision: handed === 0 ? 0 : good / handed,
    precisionInterval: wilsonInterval(good, handed),
    missed,
    conversions,
  }
}

/** The first index whose value is at least `x` in ascending `sorted`. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
}
