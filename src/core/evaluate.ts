/**
 * The per-contact evaluator: a contact's properties, its account and its folded events,
 * as of a time, become scores, classifications and a ledger. A pure function.
 * @module
 */

import { aggregate, aggregateFields, createCapsCollector, fitRulePoints, pointsById } from './aggregate.js'
import { classify, contactScope, type ScoreFields } from './classify.js'
import { type CompiledEngagementRule, type CompiledModel, decayFactor } from './compile.js'
import type { Scope } from './conditions.js'
import { type ContactEvent, type ContactInput, DAY_MS } from './input.js'
import type {
  CapApplied,
  GroupLedger,
  InactivityLedger,
  LedgerEvent,
  PartLedger,
  RuleLedger,
  ScoreResult,
} from './result.js'
import { before, type ContactState, createState, foldEvent, type TrackedEvent } from './state.js'
import { lookup } from './values.js'

export interface EvaluateOptions {
  /** The predictive likelihood in percent, if known (`score.likelihood`). */
  readonly likelihood?: number | null | undefined
  /** The contact's current lifecycle stage, for stateful stage moves (see `nextStage`). */
  readonly currentStage?: string | null | undefined
}

/**
 * Scores one contact from its events as of `asOf` (epoch ms). Events after `asOf` are
 * ignored; duplicates (same id) count once; the order of `events` does not matter.
 *
 * @example
 * const result = evaluateContact(model, { id: 'c1', properties: { job_title: 'VP Sales' } }, events, Date.parse('2026-11-01'))
 * result.total // 0..100
 */
export function evaluateContact(
  model: CompiledModel,
  contact: ContactInput,
  events: Iterable<ContactEvent>,
  asOf: number,
  options: EvaluateOptions = {},
): ScoreResult {
  const state = createState(model)
  for (const event of events) foldEvent(model, state, event)
  return evaluateState(model, contact, state, asOf, options)
}

/** Scores one contact from its folded state (see `foldEvent`). */
export function evaluateState(
  model: CompiledModel,
  contact: ContactInput,
  state: ContactState,
  asOf: number,
  options: EvaluateOptions = {},
): ScoreResult {
  if (asOf < state.horizon) {
    throw new RangeError(
      `cannot evaluate as of ${new Date(asOf).toISOString()}: the state was compacted up to ${new Date(state.horizon).toISOString()}`,
    )
  }
  const propsScope: Scope = {
    get: (field) =>
      field.startsWith('account.')
        ? lookup(contact.account, field.slice(8))
        : lookup(contact.properties, field),
    history: (i) => historyHolds(model, state, i, asOf),
  }
  const fitRules = fitRulePoints(model, propsScope)
  const ruleLedgers = model.engagement.rules.map((rule) => evaluateRule(rule, state, asOf))
  const engagementRaw = Float64Array.from(ruleLedgers, (r) => r.raw)
  const inactivity = evaluateInactivity(model, state, asOf)
  const likelihood = options.likelihood ?? null
  const caps = createCapsCollector(model)
  const a = aggregate(model, fitRules, engagementRaw, inactivity?.applied ?? false, likelihood, caps)
  const { rules, groups } = pointsById(model, a)

  let k = 0
  const fitGroups: GroupLedger[] = model.fit.groups.map((group, g) => ({
    id: group.id,
    label: group.label,
    mode: group.mode,
    raw: a.fitGroupRaw[g]!,
    points: a.fitGroups[g]!,
    caps: caps.fitGroups[g]!,
    rules: group.rules.map((rule) => {
      const points = a.fitRules[k++]!
      return { id: rule.id, label: rule.label, base: rule.points, raw: points, points, caps: [], events: [] }
    }),
  }))
  const engagementGroups: GroupLedger[] = model.engagement.groups.map((group, g) => ({
    id: group.id,
    label: group.label,
    mode: group.mode,
    raw: a.engagementGroupRaw[g]!,
    points: a.engagementGroups[g]!,
    caps: caps.engagementGroups[g]!,
    rules: group.rules.map((rule) => ({
      ...ruleLedgers[rule.index]!,
      points: a.engagementRules[rule.index]!,
      caps: caps.engagementRules[rule.index]!,
    })),
  }))

  const fields: ScoreFields = aggregateFields(model, a, likelihood)
  const classes = classify(
    model,
    contactScope(contact, fields, propsScope.history),
    options.currentStage ?? null,
  )
  const part = (
    raw: number,
    points: number,
    min: number,
    max: number,
    partCaps: CapApplied[],
    list: GroupLedger[],
  ): PartLedger => ({
    raw,
    points,
    min,
    max,
    caps: partCaps,
    groups: list,
  })
  return {
    contactId: contact.id,
    asOf,
    fit: a.fit,
    engagement: a.engagement,
    total: a.total,
    ...classes,
    likelihood,
    groups,
    rules,
    ledger: {
      fit: part(a.fitRaw, a.fit, model.fit.min, model.fit.max, caps.fit, fitGroups),
      engagement: {
        ...part(
          a.engagementRaw,
          a.engagement,
          model.engagement.min,
          model.engagement.max,
          caps.engagement,
          engagementGroups,
        ),
        inactivity,
      },
      predictive: { weight: model.predictiveWeight, likelihood, points: a.predictive },
      total: { raw: a.totalRaw, points: a.total, caps: caps.total },
    },
  }
}

/** Selects, decays and caps one engagement rule's events as of `asOf`. */
export function evaluateRule(rule: CompiledEngagementRule, state: ContactState, asOf: number): RuleLedger {
  let selected = sortedUpTo(state.rules[rule.index]!, asOf)
  if (rule.distinct !== undefined && rule.occurrences.kind === 'perDays') {
    selected = earliestPerBucket(selected, rule.occurrences.days * DAY_MS)
  }
  if (rule.windowDays !== undefined) {
    const from = asOf - rule.windowDays * DAY_MS
    selected = selected.filter((e) => e.ts >= from)
  }
  const residual = state.residuals[rule.index]
  const events: LedgerEvent[] = []
  let raw = 0
  let count: RuleLedger['count']
  let compacted: RuleLedger['compacted']
  if (rule.count) {
    const from =
      rule.count.withinDays === undefined ? Number.NEGATIVE_INFINITY : asOf - rule.count.withinDays * DAY_MS
    const counted = selected.filter((e) => e.ts >= from)
    const n = counted.length + (residual?.count ?? 0)
    const holds = rule.count.test(n)
    const newest = counted.at(-1)?.ts ?? residual?.newest
    for (const e of counted) {
      const isNewest = holds && e === counted.at(-1)
      const decay = isNewest ? decayFactor(rule.decay, (asOf - e.ts) / DAY_MS) : 1
      events.push({ id: e.id, name: e.name, ts: e.ts, points: isNewest ? rule.points * decay : 0, decay })
    }
    if (holds && newest !== undefined) raw = rule.points * decayFactor(rule.decay, (asOf - newest) / DAY_MS)
    if (residual) compacted = { events: residual.count, points: counted.length === 0 ? raw : 0 }
    count = { n, holds, condition: rule.count.text }
  } else {
    for (const e of selected) {
      const decay = decayFactor(rule.decay, (asOf - e.ts) / DAY_MS)
      const points = rule.points * decay
      raw += points
      events.push({ id: e.id, name: e.name, ts: e.ts, points, decay })
    }
    if (residual) {
      const points = residualPoints(rule, residual, asOf)
      raw += points
      compacted = { events: residual.count, points }
    }
  }
  // the rule's own caps are applied in `aggregate`
  return {
    id: rule.id,
    label: rule.label,
    base: rule.points,
    raw,
    points: raw,
    caps: [],
    events,
    compacted,
    count,
  }
}

/** Points of the events folded into a residual, as of `asOf`. */
export function residualPoints(
  rule: CompiledEngagementRule,
  residual: { weight: number; ref: number },
  asOf: number,
): number {
  if (rule.decay.kind === 'halfLife')
    return rule.points * residual.weight * 0.5 ** ((asOf - residual.ref) / DAY_MS / rule.decay.days)
  return rule.points * residual.weight
}

function sortedUpTo(map: Map<string, TrackedEvent>, asOf: number): TrackedEvent[] {
  const list: TrackedEvent[] = []
  for (const e of map.values()) if (e.ts <= asOf) list.push(e)
  return list.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
}

function earliestPerBucket(sorted: TrackedEvent[], bucketMs: number): TrackedEvent[] {
  const seen = new Set<number>()
  return sorted.filter((e) => {
    const bucket = Math.floor(e.ts / bucketMs)
    if (seen.has(bucket)) return false
    seen.add(bucket)
    return true
  })
}

/** Whether history test `index` holds as of `asOf`. */
export function historyHolds(
  model: CompiledModel,
  state: ContactState,
  index: number,
  asOf: number,
): boolean {
  const test = model.history[index]!
  const from = test.withinDays === undefined ? Number.NEGATIVE_INFINITY : asOf - test.withinDays * DAY_MS
  let n = test.withinDays === undefined ? state.historyResidual[index]! : 0
  for (const e of state.history[index]!.values()) {
    if (e.ts <= asOf && e.ts >= from) n++
  }
  return n >= test.atLeast
}

function evaluateInactivity(
  model: CompiledModel,
  state: ContactState,
  asOf: number,
): InactivityLedger | undefined {
  const rule = model.engagement.inactivity
  if (!rule) return undefined
  let last = state.activityResidual
  for (const e of state.activity.values()) if (e.ts <= asOf && e.ts > last) last = e.ts
  const applied = !(last >= asOf - rule.afterDays * DAY_MS)
  return {
    afterDays: rule.afterDays,
    points: rule.points,
    applied,
    lastActivityAt: Number.isFinite(last) ? last : null,
  }
}
