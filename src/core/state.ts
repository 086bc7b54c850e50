/**
 * A contact's scoring state: what the model needs of its events, folded one event at a time.
 *
 * Folding is exact and order-independent: the state after folding a set of events is the
 * same whatever their order, and folding an event twice (same id) changes nothing. What the
 * state keeps per engagement rule:
 * - `occurrences: first`: one event (the earliest);
 * - `distinct: prop`: one event per distinct value (the earliest);
 * - `occurrences: { perDays: n }`: one event per n-day bucket (the earliest);
 * - otherwise: every matching event (id, name, time), until `compactState` folds the old
 *   ones into a residual (see there).
 * `did` / `didNot` tests keep the matching events' times, and inactivity the activity times.
 * @module
 */

import type { CompiledEngagementRule, CompiledModel } from './compile.js'
import type { Scope } from './conditions.js'
import { idHash } from './id-hash.js'
import { type ContactEvent, DAY_MS } from './input.js'
import { isMissing, lookup, normalizeText, textOf } from './values.js'

/** What the state keeps of an event. */
export interface TrackedEvent {
  readonly id: string
  readonly name: string
  readonly ts: number
  /** `idHash(id)`: orders events at the same time. */
  readonly h: number
}

/** Points and counts of events folded away by compaction (see `compactState`). */
export interface Residual {
  /** How many events were folded away. */
  count: number
  /** Σ 2^((ts - ref) / halfLife) over the folded events (half-life decay), or their number (no decay). */
  weight: number
  /** Reference time of `weight` (epoch ms). */
  ref: number
  /** Newest time among the folded events. */
  newest: number
}

export interface ContactState {
  /** Per engagement rule (by `rule.index`): kept events by key. */
  readonly rules: Map<string, TrackedEvent>[]
  /** Per engagement rule: events folded away by compaction. */
  readonly residuals: (Residual | undefined)[]
  /** Per history test (by index): matching events by id. */
  readonly history: Map<string, TrackedEvent>[]
  /** Per history test: how many matching events were folded away (all older than the horizon). */
  readonly historyResidual: number[]
  /** Activity events by id (only when the model has inactivity). */
  readonly activity: Map<string, TrackedEvent>
  /** Newest activity time folded away by compaction, or -Infinity. */
  activityResidual: number
  /** Compaction horizon: evaluations must be as of this time or later. */
  horizon: number
}

/** An empty state for `model`. */
export function createState(model: CompiledModel): ContactState {
  return {
    rules: model.engagement.rules.map(() => new Map()),
    residuals: model.engagement.rules.map(() => undefined),
    history: model.history.map(() => new Map()),
    historyResidual: model.history.map(() => 0),
    activity: new Map(),
    activityResidual: Number.NEGATIVE_INFINITY,
    horizon: Number.NEGATIVE_INFINITY,
  }
}

/** Which rules, history tests and activity an event feeds. Computed once per (model, event). */
export interface EventMatch {
  /** Engagement rule indexes that count this event (group `first` mode applied). */
  readonly rules: readonly number[]
  readonly history: readonly number[]
  readonly activity: boolean
}

const ruleIndexCache = new WeakMap<CompiledModel, Map<string, CompiledEngagementRule>>()

function rulesById(model: CompiledModel): Map<string, CompiledEngagementRule> {
  let map = ruleIndexCache.get(model)
  if (!map) {
    map = new Map(model.engagement.rules.map((r) => [r.id, r]))
    ruleIndexCache.set(model, map)
  }
  return map
}

/** A scope over one event: its name and properties. */
export function eventScope(event: ContactEvent): Scope {
  return {
    eventName: event.name,
    get: (field) => lookup(event.properties, field),
    history: () => false,
  }
}

/** Matches an event against every rule, history test and the activity definition of `model`. */
export function matchEvent(model: CompiledModel, event: ContactEvent): EventMatch {
  const scope = eventScope(event)
  const ruleMatches = model.engagement.rules.map((r) => r.when(scope))
  const counted: number[] = []
  for (const group of model.engagement.groups) {
    for (const rule of group.rules) {
      if (!ruleMatches[rule.index]) continue
      counted.push(rule.index)
      if (group.mode === 'first') break
    }
  }
  const byId = rulesById(model)
  const name = event.name.trim().toLowerCase()
  const history: number[] = []
  model.history.forEach((test, i) => {
    const byName = test.events === null || test.events.has(name)
    const byRule = test.rules.some((id) => {
      const rule = byId.get(id)
      return rule !== undefined && ruleMatches[rule.index] === true
    })
    if (byName || byRule) history.push(i)
  })
  const inactivity = model.engagement.inactivity
  const activity =
    inactivity !== undefined &&
    (inactivity.activity === null
      ? model.engagement.rules.some((r) => r.points > 0 && ruleMatches[r.index])
      : inactivity.activity.has(name))
  return { rules: counted, history, activity }
}

/** True when event `a` comes before `b`: by time, then by the hash of the id, then by the id. */
export function before(a: TrackedEvent, b: TrackedEvent): boolean {
  return a.ts < b.ts || (a.ts === b.ts && (a.h < b.h || (a.h === b.h && a.id < b.id)))
}

/** The key under which a rule keeps an event: events with one key compete, the earliest stays. */
export function ruleKey(rule: CompiledEngagementRule, event: ContactEvent, caseSensitive: boolean): string {
  if (rule.occurrences.kind === 'first') return ''
  if (rule.distinct !== undefined) {
    const value = lookup(event.properties, rule.distinct)
    return isMissing(value) ? '\u0000' : `d:${normalizeText(textOf(value), caseSensitive)}`
  }
  if (rule.occurrences.kind === 'perDays')
    return `b:${Math.floor(event.ts / (rule.occurrences.days * DAY_MS))}`
  return `e:${event.id}`
}

function keepEarliest(map: Map<string, TrackedEvent>, key: string, event: TrackedEvent): void {
  const kept = map.get(key)
  if (kept === undefined || before(event, kept)) map.set(key, event)
}

/** Folds one event into the state. Order-independent and idempotent per event id. */
export function foldEvent(
  model: CompiledModel,
  state: ContactState,
  event: ContactEvent,
  match: EventMatch = matchEvent(model, event),
): void {
  const tracked: TrackedEvent = { id: event.id, name: event.name, ts: event.ts, h: idHash(event.id) }
  const caseSensitive = model.document.caseSensitive ?? false
  for (const index of match.rules) {
    const rule = model.engagement.rules[index]!
    keepEarliest(state.rules[index]!, ruleKey(rule, event, caseSensitive), tracked)
  }
  for (const index of match.history) keepEarliest(state.history[index]!, event.id, tracked)
  if (match.activity) keepEarliest(state.activity, event.id, tracked)
}
