/**
 * When can a contact's classes (band, stage, journey, segments, level) change with no new
 * event? The engine stores that time as `next_change_at` and rescores the contact then.
 *
 * Two kinds of change happen with time alone:
 * - **Edges**, exact instants: an event leaves a `window`, a `count.withinDays` or a
 *   `did`/`didNot` `withinDays`; inactivity starts `afterDays` after the last activity; an
 *   event dated in the future starts counting. Each is computed from the folded state.
 * - **Decay**, continuous: half-life and linear decay move the engagement rules' points. The
 *   speed of every score field (total, engagement, a group, a rule) is at most
 *   `R = Σ |raw| · ln 2 / h` (half-life rules) `+ Σ |points| / d` (each event still decaying
 *   linearly), points per day, and `R` only falls until the next edge (clamps and sums do not
 *   speed a value up). A condition threshold `θ` on a field at distance `δ = |value − θ|`
 *   cannot be crossed sooner than `δ / R` days.
 *
 * So `next = min(next edge, now + min(δ / R, 1 / R))`: no class can change before it (the
 * `1 / R` term also rescores a decaying contact whenever its total may have moved by a point,
 * so the ranked queue stays fresh). The step is at least {@link MIN_STEP_MS} (a value
 * approaching a threshold is rescored a few times as it closes in, then crosses within a
 * minute) and at most {@link MAX_STEP_MS}. `null`: nothing changes with time alone.
 * @module
 */
import type { CompiledModel, ContactState, ScoreResult, TrackedEvent } from '../core/index.js'
import { DAY_MS } from '../core/index.js'
import type { Condition, ModelDocument, Operators } from '../core/model/index.js'

/** The smallest rescoring step for decay. */
export const MIN_STEP_MS = 60_000
/** The largest rescoring step for decay. */
export const MAX_STEP_MS = 30 * DAY_MS

/** A numeric threshold of a condition on a time-varying score field. */
export interface Threshold {
  /** `total`, `engagement`, `group.<id>` or `rule.<id>`. */
  readonly field: string
  readonly value: number
}

const cache = new WeakMap<CompiledModel, readonly Threshold[]>()

/** The thresholds of a model's classifiers on score fields that move with time (cached per model). */
export function thresholdsOf(model: CompiledModel): readonly Threshold[] {
  let list = cache.get(model)
  if (list === undefined) {
    list = collectThresholds(model)
    cache.set(model, list)
  }
  return list
}

function collectThresholds(model: CompiledModel): Threshold[] {
  const doc: ModelDocument = model.document
  const engagementGroups = new Set(model.engagement.groups.map((g) => g.id))
  const engagementRules = new Set(model.engagement.rules.map((r) => r.id))
  const moving = (field: string): string | undefined => {
    if (!field.startsWith('score.')) return undefined
    const name = field.slice(6)
    if (name === 'total' || name === 'engagement') return name
    if (name.startsWith('group.') && engagementGroups.has(name.slice(6))) return name
    if (name.startsWith('rule.') && engagementRules.has(name.slice(5))) return name
    return undefined
  }
  const out = new Map<string, Threshold>()
  const add = (field: string, value: unknown): void => {
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
    if (typeof value === 'string' && value.trim() === '') return
    if (Number.isFinite(n)) out.set(`${field}\u0000${n}`, { field, value: n })
  }
  const walk = (condition: Condition | undefined): void => {
    if (condition === undefined) return
    for (const [key, spec] of Object.entries(condition)) {
      if (key === 'all' || key === 'any') for (const c of spec as readonly Condition[]) walk(c)
      else if (key === 'not') walk(spec as Condition)
      else if (key === 'did' || key === 'didNot' || key === 'event') continue
      else {
        const field = moving(key)
        if (field === undefined) continue
        if (Array.isArray(spec)) for (const v of spec) add(field, v)
        else if (spec !== null && typeof spec === 'object') {
          const ops = spec as Operators
          for (const op of ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'] as const) add(field, ops[op])
          for (const v of [...(ops.in ?? []), ...(ops.notIn ?? [])]) add(field, v)
        } else add(field, spec)
      }
    }
  }
  for (const list of [doc.bands, doc.journey, doc.segments]) for (const c of list ?? []) walk(c.when)
  for (const s of doc.stages ?? []) {
    walk(s.when)
    walk(s.recycle?.when)
  }
  for (const [, threshold] of model.levels) add('engagement', threshold)
  return [...out.values()]
}

/**
 * The earliest time (epoch ms, after `now`) at which `result`'s classes could change without
 * a new event, or null when they cannot. `result` is `state` evaluated as of `now`.
 */
export function nextChangeAt(
  model: CompiledModel,
  state: ContactState,
  result: ScoreResult,
  now: number,
): number | null {
  let next = Number.POSITIVE_INFINITY
  const edge = (t: number): void => {
    if (t > now && t < next) next = t
  }
  const leaving = (map: Map<string, TrackedEvent>, days: number): void => {
    const span = days * DAY_MS
    for (const e of map.values()) edge(e.ts > now ? e.ts : e.ts + span + 1)
  }
  for (const rule of model.engagement.rules) {
    const map = state.rules[rule.index]!
    const spans = [rule.windowDays, rule.count?.withinDays].filter((d) => d !== undefined)
    if (spans.length === 0) for (const e of map.values()) if (e.ts > now) edge(e.ts)
    for (const days of spans) leaving(map, days)
  }
  model.history.forEach((test, i) => {
    const map = state.history[i]!
    if (test.withinDays !== undefined) leaving(map, test.withinDays)
    else for (const e of map.values()) if (e.ts > now) edge(e.ts)
  })
  const inactivity = model.engagement.inactivity
  if (inactivity !== undefined) {
    let last = state.activityResidual
    for (const e of state.activity.values()) {
      if (e.ts > now) edge(e.ts)
      else if (e.ts > last) last = e.ts
    }
    if (Number.isFinite(last)) edge(last + inactivity.afterDays * DAY_MS + 1)
  }

  const rate = decayRate(model, result)
  if (rate > 0) {
    let distance = 1
    for (const t of thresholdsOf(model)) {
      const value = fieldValue(result, t.field)
      if (value !== undefined) distance = Math.min(distance, Math.abs(value - t.value))
    }
    const step = Math.min(MAX_STEP_MS, Math.max(MIN_STEP_MS, (distance / rate) * DAY_MS))
    edge(now + step)
  }
  return Number.isFinite(next) ? Math.ceil(next) : null
}

/** The largest speed (points per day) at which any score field can move through decay now. */
export function decayRate(model: CompiledModel, result: ScoreResult): number {
  let rate = 0
  model.engagement.groups.forEach((group, g) => {
    const ledgers = result.ledger.engagement.groups[g]!.rules
    group.rules.forEach((rule, k) => {
      const ledger = ledgers[k]!
      if (rule.decay.kind === 'halfLife') rate += Math.abs(ledger.raw) * rule.decay.rate
      else if (rule.decay.kind === 'linear') {
        for (const e of ledger.events)
          if (e.decay > 0 && e.points !== 0) rate += Math.abs(rule.points) / rule.decay.days
      }
    })
  })
  return rate
}

function fieldValue(result: ScoreResult, field: string): number | undefined {
  if (field === 'total') return result.total
  if (field === 'engagement') return result.engagement
  if (field.startsWith('group.')) return result.groups[field.slice(6)]
  if (field.startsWith('rule.')) return result.rules[field.slice(5)]
  return undefined
}
