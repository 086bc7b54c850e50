/**
 * The arithmetic from rule values to the total, shared by the per-contact evaluator (which
 * builds a ledger from it) and the columnar scorer (which does not), so both give the very
 * same numbers: rule caps, group sums and caps, part sums and caps, the clamped total.
 * @module
 */

import type { ScoreFields } from './classify.js'
import type { CompiledModel } from './compile.js'
import type { Scope } from './conditions.js'
import { type CapApplied, clamp } from './result.js'

/** The sums of one contact. Buffers are reused from contact to contact by the bulk scorer. */
export interface Aggregate {
  /** Per fit rule, in model order: the points it gives (0 when it does not match). */
  fitRules: Float64Array
  readonly fitGroupRaw: Float64Array
  readonly fitGroups: Float64Array
  fitRaw: number
  fit: number
  /** Per engagement rule (by index): after the rule's own caps. */
  readonly engagementRules: Float64Array
  readonly engagementGroupRaw: Float64Array
  readonly engagementGroups: Float64Array
  engagementRaw: number
  engagement: number
  predictive: number
  totalRaw: number
  total: number
}

/** Empty buffers for `aggregate`. */
export function createAggregate(model: CompiledModel): Aggregate {
  return {
    fitRules: new Float64Array(fitRuleCount(model)),
    fitGroupRaw: new Float64Array(model.fit.groups.length),
    fitGroups: new Float64Array(model.fit.groups.length),
    fitRaw: 0,
    fit: 0,
    engagementRules: new Float64Array(model.engagement.rules.length),
    engagementGroupRaw: new Float64Array(model.engagement.groups.length),
    engagementGroups: new Float64Array(model.engagement.groups.length),
    engagementRaw: 0,
    engagement: 0,
    predictive: 0,
    totalRaw: 0,
    total: 0,
  }
}

/** Where each clamp that changed a sum is recorded, when a ledger is wanted. */
export interface CapsCollector {
  readonly fitGroups: CapApplied[][]
  readonly engagementRules: CapApplied[][]
  readonly engagementGroups: CapApplied[][]
  readonly fit: CapApplied[]
  readonly engagement: CapApplied[]
  readonly total: CapApplied[]
}

export function createCapsCollector(model: CompiledModel): CapsCollector {
  return {
    fitGroups: model.fit.groups.map(() => []),
    engagementRules: model.engagement.rules.map(() => []),
    engagementGroups: model.engagement.groups.map(() => []),
    fit: [],
    engagement: [],
    total: [],
  }
}

/** A sink for clamps nobody asked to see. */
const discard = { push: () => 0 } as unknown as CapApplied[]

/** The fit points of each fit rule for a contact (flat, in model order); `first` groups stop at their first match. */
export function fitRulePoints(
  model: CompiledModel,
  scope: Scope,
  out: Float64Array = new Float64Array(fitRuleCount(model)),
): Float64Array {
  out.fill(0)
  let k = 0
  for (const group of model.fit.groups) {
    let matchedOne = false
    for (const rule of group.rules) {
      if (!(group.mode === 'first' && matchedOne) && rule.when(scope)) {
        matchedOne = true
        out[k] = rule.points
      }
      k++
    }
  }
  return out
}

const fitCounts = new WeakMap<CompiledModel, number>()
export function fitRuleCount(model: CompiledModel): number {
  let n = fitCounts.get(model)
  if (n === undefined) {
    n = 0
    for (const g of model.fit.groups) n += g.rules.length
    fitCounts.set(model, n)
  }
  return n
}

/**
 * Sums and clamps. `engagementRaw[i]` is rule i's decayed total before its own caps;
 * `inactivityApplied` adds the inactivity points to the engagement part.
 */
export function aggregate(
  model: CompiledModel,
  fitRules: Float64Array,
  engagementRaw: Float64Array,
  inactivityApplied: boolean,
  likelihood: number | null,
  caps?: CapsCollector,
  out: Aggregate = createAggregate(model),
): Aggregate {
  const { fitGroupRaw, fitGroups, engagementRules, engagementGroupRaw, engagementGroups } = out
  let k = 0
  let fitRaw = 0
  model.fit.groups.forEach((group, g) => {
    let raw = 0
    for (let r = 0; r < group.rules.length; r++) raw += fitRules[k++]!
    fitGroupRaw[g] = raw
    const points = clamp(raw, group.min, group.max, caps?.fitGroups[g] ?? discard)
    fitGroups[g] = points
    fitRaw += points
  })
  const fit = clamp(fitRaw, model.fit.min, model.fit.max, caps?.fit ?? discard)

  let engagementRawSum = 0
  model.engagement.groups.forEach((group, g) => {
    let raw = 0
    for (const rule of group.rules) {
      const points = clamp(
        engagementRaw[rule.index]!,
        rule.min,
        rule.max,
        caps?.engagementRules[rule.index] ?? discard,
      )
      engagementRules[rule.index] = points
      raw += points
    }
    engagementGroupRaw[g] = raw
    const points = clamp(raw, group.min, group.max, caps?.engagementGroups[g] ?? discard)
    engagementGroups[g] = points
    engagementRawSum += points
  })
  const inactivity = model.engagement.inactivity
  if (inactivityApplied && inactivity) engagementRawSum += inactivity.points
  const engagement = clamp(
    engagementRawSum,
    model.engagement.min,
    model.engagement.max,
    caps?.engagement ?? discard,
  )

  const predictive = likelihood === null ? 0 : (model.predictiveWeight * likelihood) / 100
  const totalRaw = fit + engagement + predictive
  const total = clamp(totalRaw, 0, model.totalMax, caps?.total ?? discard)
  out.fitRules = fitRules
  out.fitRaw = fitRaw
  out.fit = fit
  out.engagementRaw = engagementRawSum
  out.engagement = engagement
  out.predictive = predictive
  out.totalRaw = totalRaw
  out.total = total
  return out
}

type Slot = readonly ['fitRules' | 'fitGroups' | 'engagementRules' | 'engagementGroups', number]
const slotCache = new WeakMap<CompiledModel, { groups: Map<string, Slot>; rules: Map<string, Slot> }>()

function slotsOf(model: CompiledModel): { groups: Map<string, Slot>; rules: Map<string, Slot> } {
  let slots = slotCache.get(model)
  if (!slots) {
    const groups = new Map<string, Slot>()
    const rules = new Map<string, Slot>()
    let k = 0
    model.fit.groups.forEach((group, g) => {
      for (const rule of group.rules) rules.set(rule.id, ['fitRules', k++])
      groups.set(group.id, ['fitGroups', g])
    })
    model.engagement.groups.forEach((group, g) => {
      for (const rule of group.rules) rules.set(rule.id, ['engagementRules', rule.index])
      groups.set(group.id, ['engagementGroups', g])
    })
    slots = { groups, rules }
    slotCache.set(model, slots)
  }
  return slots
}

/** Score fields that read an aggregate's current values (the bulk scorer reuses one per run). */
export interface LiveFields extends ScoreFields {
  likelihood: number | null
}

/** Reads `score.*` fields, `score.group.<id>` and `score.rule.<id>` from an aggregate without copying. */
export function aggregateFields(model: CompiledModel, a: Aggregate, likelihood: number | null): LiveFields {
  const { groups, rules } = slotsOf(model)
  return {
    get fit() {
      return a.fit
    },
    get engagement() {
      return a.engagement
    },
    get total() {
      return a.total
    },
    likelihood,
    group: (id) => {
      const slot = groups.get(id)
      return slot === undefined ? undefined : a[slot[0]][slot[1]]
    },
    rule: (id) => {
      const slot = rules.get(id)
      return slot === undefined ? undefined : a[slot[0]][slot[1]]
    },
  }
}

/** Rule and group points by id, as `ScoreResult.rules` and `.groups` report them. */
export function pointsById(
  model: CompiledModel,
  a: Aggregate,
): { rules: Record<string, number>; groups: Record<string, number> } {
  const rules: Record<string, number> = {}
  const groups: Record<string, number> = {}
  let k = 0
  model.fit.groups.forEach((group, g) => {
    for (const rule of group.rules) rules[rule.id] = a.fitRules[k++]!
    groups[group.id] = a.fitGroups[g]!
  })
  model.engagement.groups.forEach((group, g) => {
    for (const rule of group.rules) rules[rule.id] = a.engagementRules[rule.index]!
    groups[group.id] = a.engagementGroups[g]!
  })
  return { rules, groups }
}
