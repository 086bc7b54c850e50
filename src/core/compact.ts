/**
 * Bounding a contact's state. `compactState(model, state, horizon)` forgets what can no
 * longer change any evaluation as of `horizon` or later, so a long-lived contact's state
 * stays small. Per engagement rule (`occurrences: all` rules; `first`, `distinct` and
 * `perDays` rules already keep one event per key):
 * - with a `window` of n days: events older than n days before the horizon are dropped;
 * - with `linearDays: d` decay and no `count`: events d days old or more are dropped;
 * - with a `count` condition `withinDays: n`: events older than n days are dropped; without
 *   `withinDays`, all but the newest are folded into a residual count;
 * - otherwise (half-life or no decay, no window): all but the newest `keep` events are folded
 *   into a residual weight, from which their decayed points are computed exactly (up to
 *   floating-point rounding, about 1e-12 relative).
 * `did` / `didNot` tests keep the events of their last `withinDays` (or a count), inactivity the
 * newest activity time. Compacted state must be evaluated as of `horizon` or later, and
 * assumes each event id is folded once after compaction (the store deduplicates on ids).
 * @module
 */
import type { CompiledEngagementRule, CompiledModel } from './compile.js'
import { DAY_MS } from './input.js'
import { before, type ContactState, type TrackedEvent } from './state.js'

export interface CompactOptions {
  /** How many of the newest events an unbounded rule keeps individually (for explanations). Default 16. */
  readonly keep?: number
}

/** Compacts `state` in place for evaluations as of `horizon` or later. */
export function compactState(
  model: CompiledModel,
  state: ContactState,
  horizon: number,
  options: CompactOptions = {},
): void {
  const keep = options.keep ?? 16
  for (const rule of model.engagement.rules) {
    if (rule.occurrences.kind !== 'all' || rule.distinct !== undefined) continue
    compactRule(rule, state, horizon, keep)
  }
  model.history.forEach((test, i) => {
    const map = state.history[i]!
    for (const [id, e] of map) {
      if (e.ts > horizon) continue
      if (test.withinDays !== undefined) {
        if (e.ts < horizon - test.withinDays * DAY_MS) map.delete(id)
      } else {
        state.historyResidual[i]! += 1
        map.delete(id)
      }
    }
  })
  for (const [id, e] of state.activity) {
    if (e.ts > horizon) continue
    if (e.ts > state.activityResidual) state.activityResidual = e.ts
    state.activity.delete(id)
  }
  if (horizon > state.horizon) state.horizon = horizon
}

function compactRule(rule: CompiledEngagementRule, state: ContactState, horizon: number, keep: number): void {
  const map = state.rules[rule.index]!
  if (rule.windowDays !== undefined) dropOlder(map, horizon - rule.windowDays * DAY_MS)
  if (rule.count) {
    if (rule.count.withinDays !== undefined) dropOlder(map, horizon - rule.count.withinDays * DAY_MS)
    // a windowed count needs its events' times: they leave the count one by one
    if (rule.count.withinDays !== undefined || rule.windowDays !== undefined) return
    foldOld(rule, state, horizon, 1)
    return
  }
  if (rule.decay.kind === 'linear') {
    // an event d days old or older gives nothing now and forever after
    const limit = horizon - rule.decay.days * DAY_MS
    for (const [key, e] of map) if (e.ts <= limit) map.delete(key)
    return
  }
  if (rule.windowDays !== undefined) return
  foldOld(rule, state, horizon, keep)
}

function dropOlder(map: Map<string, TrackedEvent>, from: number): void {
  for (const [key, e] of map) if (e.ts < from) map.delete(key)
}

/** Folds all but the newest `keep` events at or before `horizon` into the rule's residual. */
function foldOld(rule: CompiledEngagementRule, state: ContactState, horizon: number, keep: number): void {
  const map = state.rules[rule.index]!
  const old = [...map.entries()].filter(([, e]) => e.ts <= horizon)
  if (old.length <= keep) return
  old.sort(([, a], [, b]) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
  const residual = state.residuals[rule.index] ?? {
    count: 0,
    weight: 0,
    ref: horizon,
    newest: Number.NEGATIVE_INFINITY,
  }
  const halfLifeMs = rule.decay.kind === 'halfLife' ? rule.decay.days * DAY_MS : undefined
  if (halfLifeMs !== undefined && residual.ref !== horizon) {
    residual.weight *= 2 ** ((residual.ref - horizon) / halfLifeMs)
    residual.ref = horizon
  }
  for (const [key, e] of old.slice(0, old.length - keep)) {
    residual.count += 1
    residual.weight += halfLifeMs === undefined ? 1 : 2 ** ((e.ts - residual.ref) / halfLifeMs)
    if (e.ts > residual.newest) residual.newest = e.ts
    map.delete(key)
  }
  state.residuals[rule.index] = residual
}
