/**
 * Which leads cannot be MQL as of a later time, without scoring them: from the engagement a
 * lead had when last scored, a bound on how much it can have gained since (each new event at
 * most its rules' points; negative points fading at most to nothing), and what the MQL test
 * needs of the total, the engagement and the fit. The rolling backtest scores only the
 * leads this cannot rule out, and gets the same report as scoring every lead every week.
 * @module
 */

import { usesHistory } from '../core/columnar/contact-conditions.js'
import { EventTest, nameIndex } from '../core/columnar/event-match.js'
import { scoreColumns } from '../core/columnar/index.js'
import { candidateNames } from '../core/columnar/rule-points.js'
import type { CompiledEngagementRule, CompiledModel } from '../core/compile.js'
import { DAY_MS } from '../core/input.js'
import type { Condition } from '../core/model/types.js'
import { selectEvents } from './events-before.js'
import type { LeadData } from './leads.js'

/** Lower bounds that a condition needs of the score parts (-Infinity: nothing known). */
export interface Needs {
  readonly total: number
  readonly engagement: number
  readonly fit: number
}

const NOTHING: Needs = {
  total: Number.NEGATIVE_INFINITY,
  engagement: Number.NEGATIVE_INFINITY,
  fit: Number.NEGATIVE_INFINITY,
}

const PARTS = { 'score.total': 'total', 'score.engagement': 'engagement', 'score.fit': 'fit' } as const

/**
 * What `condition` needs of the total, the engagement and the fit to hold: only what follows
 * from `gte`, `gt` and `eq` on those fields, through `all` and `any` (anything else needs
 * nothing). A lead under one of these bounds fails the condition.
 */
export function needsOf(condition: Condition | undefined): Needs {
  if (condition === undefined) return NOTHING
  let needs = NOTHING
  for (const [key, spec] of Object.entries(condition)) {
    if (spec === undefined) continue
    if (key === 'all')
      for (const sub of spec as readonly Condition[]) needs = atLeastBoth(needs, needsOf(sub))
    else if (key === 'any') {
      const alternatives = (spec as readonly Condition[]).map(needsOf)
      if (alternatives.length > 0) needs = atLeastBoth(needs, alternatives.reduce(eitherOf))
    } else if (key in PARTS && typeof spec === 'object' && spec !== null && !Array.isArray(spec)) {
      const ops = spec as Readonly<Record<string, unknown>>
      let bound = Number.NEGATIVE_INFINITY
      for (const op of ['gte', 'gt', 'eq']) {
        const v = ops[op]
        if (typeof v === 'number' && Number.isFinite(v) && v > bound) bound = v
      }
      const part = PARTS[key as keyof typeof PARTS]
      if (bound > needs[part]) needs = { ...needs, [part]: bound }
    }
  }
  return needs
}

function atLeastBoth(a: Needs, b: Needs): Needs {
  return {
    total: Math.max(a.total, b.total),
    engagement: Math.max(a.engagement, b.engagement),
    fit: Math.max(a.fit, b.fit),
  }
}

function eitherOf(a: Needs, b: Needs): Needs {
  return {
    total: Math.min(a.total, b.total),
    engagement: Math.min(a.engagement, b.engagement),
    fit: Math.min(a.fit, b.fit),
  }
}

/**
 * What MQL needs: one entry per way of being MQL (`total ≥ threshold`, or each automatic
 * stage from the hand-off on); null when some way needs nothing (then every lead may be).
 */
export function mqlNeeds(model: CompiledModel, threshold?: number): Needs[] | null {
  if (threshold !== undefined) return [{ ...NOTHING, total: threshold }]
  const from = model.stages.findIndex((s) => s.id === model.handoffStage)
  // without an automatic stage holding, a lead is in the first stage: MQL when it is the hand-off
  if (from <= 0) return null
  const docs = model.document.stages ?? []
  const out: Needs[] = []
  for (let i = from; i < model.stages.length; i++) {
    if (!model.stages[i]!.automatic) continue
    const needs = needsOf(docs[i]?.when)
    if (Object.values(needs).every((x) => x === Number.NEGATIVE_INFINITY)) return null
    out.push(needs)
  }
  return out
}

/** A negative rule whose points fade (decay, window): it gives back at most its points per event seen, at most its floor. */
interface Fading {
  /** 1 for the event rows it selects. */
  readonly marks: Uint8Array
  readonly points: number
  readonly floor: number
  /** Per lead: events of those names seen so far. */
  readonly seen: Int32Array
}

/** Margin for the rounding of sums: a bound closer than this to a need never rules a lead out. */
const EPSILON = 1e-6

/**
 * Tracks, per lead, the engagement and fit of its last exact scoring and how much its
 * engagement may have risen since, as time moves forward (`advance`). Null from
 * {@link mqlBound} when the model's scores cannot be bounded this way.
 */
export class MqlBound {
  readonly #model: CompiledModel
  readonly #data: LeadData
  readonly #needs: readonly Needs[]
  /** Per event row: the points it may add at most (see the constructor). */
  readonly #gain: Float64Array
  /** Added to every bound: count rules (either way at most their points), positive inactivity. */
  readonly #always: number
  /** The engagement of a lead before any event, its groups clamped (negative rules and inactivity left out). */
  readonly #empty: number
  /** Negative inactivity: its points, given back at most once after a new event. */
  readonly #inactivity: number
  readonly #inactivityMs: number
  /** 1 for the event rows that are activity (inactivity does not apply for a while after one). */
  readonly #active: Uint8Array
  /** Negative rules that fade (decay, window): name marks, points, floor; events seen per lead. */
  readonly #fading: readonly Fading[]
  /** The predictive part of each lead's total. */
  readonly #likelihood: Float64Array
  readonly #cursor: Int32Array
  readonly #scored: Uint8Array
  readonly #engagement: Float64Array
  readonly #fit: Float64Array
  readonly #rise: Float64Array
  /** 1 when the lead had events since its last scoring and inactivity may have applied then. */
  readonly #revive: Uint8Array
  /** The time of each lead's latest event of an activity name (-Infinity: none). */
  readonly #lastActive: Float64Array
  #now = Number.NEGATIVE_INFINITY

  constructor(model: CompiledModel, data: LeadData, needs: readonly Needs[]) {
    this.#model = model
    this.#data = data
    this.#needs = needs
    const { events } = data
    const n = data.contacts.length
    const ruleDocs = (model.document.engagement?.groups ?? []).flatMap((g) => [...g.rules])
    // per event: the points it may add at most (in a `sum` group every positive rule that
    // selects it, in a `first` group the largest of them); marks of the negative rules that fade
    const gain = new Float64Array(events.length)
    const inGroup = new Float64Array(events.length)
    let always = 0
    const fading: Fading[] = []
    // activity for inactivity: events of the names it lists, else those a positive rule selects
    const named = activityByName(model, events)
    const active = named ?? new Uint8Array(events.length)
    const byRules = named === undefined && model.engagement.inactivity !== undefined
    for (const group of model.engagement.groups) {
      inGroup.fill(0)
      for (const rule of group.rules) {
        const p = rule.points
        const doc = ruleDocs[rule.index]?.when
        if (rule.count !== undefined) {
          always += Math.abs(p)
          if (byRules && p > 0)
            forEachSelected(events, doc, rule, (i) => {
              active[i] = 1
            })
          continue
        }
        const fades = p < 0 && (rule.decay.kind !== 'none' || rule.windowDays !== undefined)
        if (p <= 0 && !fades) continue
        const marks = fades ? new Uint8Array(events.length) : undefined
        const first = group.mode === 'first'
        forEachSelected(events, doc, rule, (i) => {
          if (marks !== undefined) marks[i] = 1
          else {
            inGroup[i] = first ? Math.max(inGroup[i]!, p) : inGroup[i]! + p
            if (byRules) active[i] = 1
          }
        })
        if (marks !== undefined) {
          const floor = rule.min !== undefined && rule.min <= 0 ? -rule.min : Number.POSITIVE_INFINITY
          fading.push({ marks, points: -p, floor, seen: new Int32Array(n) })
        }
      }
      for (let i = 0; i < gain.length; i++) gain[i]! += inGroup[i]!
    }
    this.#gain = gain
    let empty = 0
    for (const group of model.engagement.groups) empty += clamp(0, group.min, group.max)
    this.#empty = empty
    const inactivity = model.engagement.inactivity
    const inactivityPoints = inactivity?.points ?? 0
    if (inactivityPoints > 0) always += inactivityPoints
    this.#always = always
    this.#inactivity = inactivityPoints < 0 ? -inactivityPoints : 0
    this.#inactivityMs = (inactivity?.afterDays ?? 0) * DAY_MS
    this.#active = active
    this.#fading = fading
    this.#likelihood = new Float64Array(n)
    const likelihood = data.contacts.likelihood
    if (likelihood !== undefined)
      for (let c = 0; c < n; c++) {
        const l = likelihood[c]!
        if (!Number.isNaN(l)) this.#likelihood[c] = (model.predictiveWeight * l) / 100
      }
    this.#cursor = new Int32Array(n)
    for (let c = 0; c < n && c < events.contacts; c++) this.#cursor[c] = events.offsets[c]!
    this.#scored = new Uint8Array(n)
    this.#engagement = new Float64Array(n)
    // the fit reads no event (else there is no bound): scored once for every lead, without events
    const none = selectEvents(
      events,
      Int32Array.from({ length: n }, (_, c) => c),
      () => Number.NEGATIVE_INFINITY,
    )
    this.#fit = scoreColumns(model, data.contacts, none, 0).fit
    this.#rise = new Float64Array(n)
    this.#revive = new Uint8Array(n)
    this.#lastActive = new Float64Array(n).fill(Number.NEGATIVE_INFINITY)
  }

  /** Takes in every event up to `t` (inclusive), in time order per lead. */
  advance(t: number): void {
    this.#now = t
    const { events } = this.#data
    const { ts, offsets } = events
    const gain = this.#gain
    const fading = this.#fading
    const active = this.#active
    const m = Math.min(this.#cursor.length, events.contacts)
    for (let c = 0; c < m; c++) {
      let i = this.#cursor[c]!
      const end = offsets[c + 1]!
      if (i === end || ts[i]! > t) continue
      let rise = 0
      for (; i < end && ts[i]! <= t; i++) {
        rise += gain[i]!
        if (active[i] === 1) this.#lastActive[c] = ts[i]!
        for (let f = 0; f < fading.length; f++) if (fading[f]!.marks[i] === 1) fading[f]!.seen[c]!++
      }
      this.#cursor[c] = i
      this.#rise[c]! += rise
      if (this.#revive[c] === 2) this.#revive[c] = 1
    }
  }

  /** Records lead `c`'s exact scores as of the last `advance`. */
  scored(c: number, engagement: number): void {
    this.#scored[c] = 1
    this.#engagement[c] = engagement
    this.#rise[c] = 0
    // inactivity did not apply when an activity event is recent enough (else new events may lift it)
    this.#revive[c] = this.#lastActive[c]! >= this.#now - this.#inactivityMs ? 0 : 2
  }

  /** The leads of `rows` that may be MQL as of the last `advance` (or were never scored). */
  candidates(rows: Int32Array): Int32Array {
    const out = new Int32Array(rows.length)
    let k = 0
    for (let r = 0; r < rows.length; r++) if (this.#mayBeMql(rows[r]!)) out[k++] = rows[r]!
    return out.slice(0, k)
  }

  #mayBeMql(c: number): boolean {
    const model = this.#model
    let engagement: number
    const fit = this.#fit[c]!
    if (this.#scored[c] === 0) {
      // never scored: every event so far at its most, negative points at none
      engagement = clamp(
        this.#empty + this.#always + this.#rise[c]!,
        model.engagement.min,
        model.engagement.max,
      )
    } else {
      let rise = this.#always + this.#rise[c]! + (this.#revive[c] === 1 ? this.#inactivity : 0)
      for (const f of this.#fading) rise += Math.min(f.floor, f.points * f.seen[c]!)
      engagement = Math.min(this.#engagement[c]! + rise, model.engagement.max)
    }
    const total = Math.min(fit + engagement + this.#likelihood[c]!, model.totalMax)
    for (const needs of this.#needs) {
      if (fit + EPSILON < needs.fit || engagement + EPSILON < needs.engagement) continue
      if (needs.total > 0 && total + EPSILON < needs.total) continue
      return true
    }
    return false
  }
}

/** Calls `visit(i)` for every event row that engagement `rule` (its `when` as written: `doc`) selects. */
function forEachSelected(
  events: LeadData['events'],
  doc: Condition | undefined,
  rule: CompiledEngagementRule,
  visit: (i: number) => void,
): void {
  const test = new EventTest(events, rule.when, rule.fields)
  const names = candidateNames(events, doc)
  if (names === null) {
    for (let i = 0; i < events.length; i++) if (test.matches(i)) visit(i)
    return
  }
  const { start, positions } = nameIndex(events)
  for (const code of names)
    for (let k = start[code]!; k < start[code + 1]!; k++)
      if (test.matches(positions[k]!)) visit(positions[k]!)
}

/** `value` within `[min, max]` (absent bounds do not clamp). */
function clamp(value: number, min: number | undefined, max: number | undefined): number {
  return Math.min(Math.max(value, min ?? Number.NEGATIVE_INFINITY), max ?? Number.POSITIVE_INFINITY)
}

/** The event rows of the names inactivity lists as activity (undefined when it lists none). */
function activityByName(model: CompiledModel, events: LeadData['events']): Uint8Array | undefined {
  const activity = model.engagement.inactivity?.activity
  if (activity === undefined || activity === null) return undefined
  const marks = new Uint8Array(events.length)
  const named = events.names.map((name) => activity.has(name.trim().toLowerCase()))
  for (let i = 0; i < events.length; i++) if (named[events.name[i]!]) marks[i] = 1
  return marks
}

/**
 * A bound for the MQL test of `model` (with `threshold`, as {@link mqlRule}), or null when
 * the model's scores cannot be bounded from the last scoring: when its fit or engagement
 * rules read the event history, or when MQL needs nothing of the scores.
 */
export function mqlBound(model: CompiledModel, data: LeadData, threshold?: number): MqlBound | null {
  const history =
    (model.document.fit?.groups ?? []).some((g) => g.rules.some((r) => usesHistory(r.when))) ||
    (model.document.engagement?.groups ?? []).some((g) => g.rules.some((r) => usesHistory(r.when)))
  if (history) return null
  const needs = mqlNeeds(model, threshold)
  return needs === null ? null : new MqlBound(model, data, needs)
}
