/**
 * Signals: for every rule of a model, every event name and every value of every property,
 * how many leads have it, how many of them converted (with a 95% Wilson interval), the lift
 * over the base rate and the median time to conversion. The first step of the methodology:
 * give points where leads convert.
 * @module
 */
import type { CompiledModel } from '../core/compile.js'
import { DAY_MS } from '../core/input.js'
import { type Cohort, cohortAt, type LeadData } from './leads.js'
import { propertyColumns } from './property-columns.js'
import { ruleIndicators } from './rule-indicators.js'
import { dataEnd } from './snapshots.js'
import { medianInPlace, rateEvidence } from './tests.js'
import { type Interval, wilsonInterval } from './wilson.js'

export type SignalKind = 'rule' | 'event' | 'property'

/** One signal and the conversion of the leads that have it. */
export interface Signal {
  readonly kind: SignalKind
  /** The rule id, the event name, or the property name. */
  readonly name: string
  /** The property value or bin (`(missing)`, `(other)`, `10 to 20`); null for rules and events. */
  readonly value: string | null
  /** The rule's label, when it has one. */
  readonly label: string | null
  readonly leads: number
  readonly conversions: number
  /** conversions / leads. */
  readonly rate: number
  /** 95% Wilson interval of the rate. */
  readonly interval: Interval
  /** rate / base rate. */
  readonly lift: number
  /** Standard errors between the conversions and what the base rate predicts: the sort key (by size). */
  readonly evidence: number
  /** True when the interval leaves out the base rate. */
  readonly significant: boolean
  /** True when the signal rests on fewer than `minLeads` leads: strong as it may look, do not trust it yet. */
  readonly fewLeads: boolean
  /** Median days from the signal (its first event, or the lead's first appearance) to conversion; null without times. */
  readonly medianDays: number | null
}

export interface SignalReport {
  /** Leads analysed (the cohort). */
  readonly leads: number
  readonly conversions: number
  readonly baseRate: number
  /** The prospective cut-off, when given. */
  readonly asOf: number | null
  readonly horizonDays: number | null
  /** Every signal, most evidence first. */
  readonly signals: readonly Signal[]
}

export interface SignalOptions {
  /** Score rules with this model. */
  readonly model?: CompiledModel | undefined
  /**
   * Prospective: signals as of this time (events up to it), conversions in the next
   * `horizonDays`. Without it, each lead's events before its conversion count.
   */
  readonly asOf?: number | undefined
  /** Days after `asOf` that count as converting (default 90). */
  readonly horizonDays?: number | undefined
  /** Values of a property listed before the rest are pooled (default 12). */
  readonly topValues?: number | undefined
  /** Quantile bins of a numeric property (default 5). */
  readonly bins?: number | undefined
  /** Fewer leads than this mark a signal `fewLeads` (default 30). */
  readonly minLeads?: number | undefined
  /** Properties and event names left out (the outcome itself, identifiers). */
  readonly exclude?: readonly string[] | undefined
}

/** Computes every signal of `data`. */
export function signals(data: LeadData, options: SignalOptions = {}): SignalReport {
  const horizonDays = options.horizonDays ?? 90
  const cohort = cohortAt(data.outcomes, options.asOf, horizonDays)
  const base = cohort.size === 0 ? 0 : cohort.positives / cohort.size
  const minLeads = options.minLeads ?? 30
  const exclude = new Set((options.exclude ?? []).map((x) => x.toLowerCase()))
  const limits = eventLimits(data, options.asOf)
  const make = (
    kind: SignalKind,
    name: string,
    value: string | null,
    label: string | null,
    t: Tally,
    k: number,
  ) => signalOf(kind, name, value, label, t, k, base, minLeads)
  const out: Signal[] = []

  if (options.model) out.push(...ruleSignals(data, cohort, limits, options.model, options.asOf, make))
  out.push(...eventSignals(data, cohort, limits, exclude, make))
  const start = startDays(data)
  for (const column of propertyColumns(data.contacts, cohort.eligible, {
    topValues: options.topValues ?? 12,
    bins: options.bins ?? 5,
    exclude,
  })) {
    const t = new Tally(column.labels.length)
    for (let c = 0; c < data.contacts.length; c++)
      if (cohort.eligible[c] === 1) t.add(column.codes[c]!, cohort.positive[c] === 1, start(c))
    column.labels.forEach((label, k) => {
      if (t.leads[k]! > 0) out.push(make('property', column.name, label, null, t, k))
    })
  }
  out.sort((a, b) => Math.abs(b.evidence) - Math.abs(a.evidence) || a.name.localeCompare(b.name))
  return {
    leads: cohort.size,
    conversions: cohort.positives,
    baseRate: base,
    asOf: options.asOf ?? null,
    horizonDays: options.asOf === undefined ? null : horizonDays,
    signals: out,
  }
}

/** Per contact, the time its events are cut at: the cut-off, or its conversion. */
function eventLimits(data: LeadData, asOf: number | undefined): Float64Array {
  const n = data.contacts.length
  const limits = new Float64Array(n)
  for (let c = 0; c < n; c++) {
    const at = data.outcomes.at[c]!
    // events at the cut-off count (times are whole milliseconds); the converting event does not
    limits[c] =
      asOf !== undefined
        ? asOf + 1
        : data.outcomes.converted[c] === 1 && !Number.isNaN(at)
          ? at
          : Number.POSITIVE_INFINITY
  }
  return limits
}

/** Days from the lead's first appearance to its conversion, for a converted lead with both times. */
function startDays(data: LeadData): (c: number) => number {
  const { at, firstSeen } = data.outcomes
  return (c) => (at[c]! - firstSeen[c]!) / DAY_MS
}

type Make = (
  kind: SignalKind,
  name: string,
  value: string | null,
  label: string | null,
  t: Tally,
  k: number,
) => Signal

function ruleSignals(
  data: LeadData,
  cohort: Cohort,
  limits: Float64Array,
  model: CompiledModel,
  asOf: number | undefined,
  make: Make,
): Signal[] {
  // as of the cut-off, or where the data ends: each lead's events stop at its limit
  const at = asOf ?? dataEnd(data)
  const rows = new Int32Array(cohort.size)
  let k = 0
  for (let c = 0; c < data.contacts.length; c++) if (cohort.eligible[c] === 1) rows[k++] = c
  const { rules, fired } = ruleIndicators(model, data, rows, (c) => limits[c]!, at)
  const R = rules.length
  const t = new Tally(R)
  const start = startDays(data)
  for (let r = 0; r < rows.length; r++) {
    const c = rows[r]!
    for (let j = 0; j < R; j++) if (fired[r * R + j] === 1) t.add(j, cohort.positive[c] === 1, start(c))
  }
  return rules.map((rule, j) => make('rule', rule.id, null, rule.label, t, j))
}

function eventSignals(
  data: LeadData,
  cohort: Cohort,
  limits: Float64Array,
  exclude: Set<string>,
  make: Make,
): Signal[] {
  const { events } = data
  const names = events.names
  const t = new Tally(names.length)
  const seen = new Int32Array(names.length).fill(-1)
  const at = data.outcomes.at
  const limit = Math.min(data.contacts.length, events.contacts)
  for (let c = 0; c < limit; c++) {
    if (cohort.eligible[c] !== 1) continue
    const positive = cohort.positive[c] === 1
    const until = limits[c]!
    for (let i = events.offsets[c]!, end = events.offsets[c + 1]!; i < end; i++) {
      const ts = events.ts[i]!
      if (!(ts < until)) break
      const name = events.name[i]!
      if (seen[name] === c) continue
      seen[name] = c
      // events are in time order: this is the first one of its name
      t.add(name, positive, (at[c]! - ts) / DAY_MS)
    }
  }
  const out: Signal[] = []
  names.forEach((name, k) => {
    if (t.leads[k]! > 0 && !exclude.has(name.toLowerCase())) out.push(make('event', name, null, null, t, k))
  })
  return out
}

/** Counts of leads and conversions per code, with the days to conversion of the converted. */
export class Tally {
  readonly leads: Int32Array
  readonly conversions: Int32Array
  readonly days: number[][]

  constructor(size: number) {
    this.leads = new Int32Array(size)
    this.conversions = new Int32Array(size)
    this.days = Array.from({ length: size }, () => [])
  }

  add(code: number, positive: boolean, days: number): void {
    this.leads[code]!++
    if (!positive) return
    this.conversions[code]!++
    if (days >= 0) this.days[code]!.push(days)
  }
}

function signalOf(
  kind: SignalKind,
  name: string,
  value: string | null,
  label: string | null,
  t: Tally,
  k: number,
  base: number,
  minLeads: number,
): Signal {
  const leads = t.leads[k]!
  const conversions = t.conversions[k]!
  const rate = leads === 0 ? 0 : conversions / leads
  const interval = wilsonInterval(conversions, leads)
  const days = t.days[k]!
  return {
    kind,
    name,
    value,
    label,
    leads,
    conversions,
    rate,
    interval,
    lift: base > 0 ? rate / base : 0,
    evidence: rateEvidence(conversions, leads, base),
    significant: leads > 0 && (interval.low > base || interval.high < base),
    fewLeads: leads < minLeads,
    medianDays: days.length === 0 ? null : medianInPlace(Float64Array.from(days)),
  }
}
