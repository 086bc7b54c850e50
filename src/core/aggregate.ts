/**
 * The arithmetic from rule values to the total, shared by the per-contact evaluator (which
 * builds a ledger from it) and the columnar scorer (which does not), so both give the very
 * same numbers: rule caps, group sums and caps, part sums and caps, the clamped total.
 * @module
 */
import type { CompiledModel } from './compile.js'
import type { Scope } from './conditions.js'
import { type CapApplied, clamp } from './result.js'

export interface Aggregate {
  /** Per fit rule, in model order: the points it gives (0 when it does not match). */
  readonly fitRules: Float64Array
  readonly fitGroupRaw: Float64Array
  readonly fitGroups: Float64Array
  readonly fitRaw: number
  readonly fit: number
  /** Per engagement rule (by index): after the rule's own caps. */
  readonly engagementRules: Float64Array
  readonly engagementGroupRaw: Float64Array
  readonly engagementGroups: Float64Array
  readonly engagementRaw: number
  readonly engagement: number
  readonly predictive: number
  readonly totalRaw: number
  readonly total: number
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
export function fitRulePoints(model: CompiledModel, scope: Scope): Float64Array {
  const out = new Float64Array(fitRuleCount(model))
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
): Aggregate {
  const fitGroupRaw = new Float64Array(model.fit.groups.length)
  const fitGroups = new Float64Array(model.fit.groups.length)
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

  const engagementRules = new Float64Array(model.engagement.rules.length)
  const engagementGroupRaw = new Float64Array(model.engagement.groups.length)
  const engagementGroups = new Float64Array(model.engagement.groups.length)
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
  return {
    fitRules,
    fitGroupRaw,
    fitGroups,
    fitRaw,
    fit,
    engagementRules,
    engagementGroupRaw,
    engagementGroups,
    engagementRaw: engagementRawSum,
    engagement,
    predictive,
    totalRaw,
    total,
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
