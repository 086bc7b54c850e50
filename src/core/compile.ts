/**
 * Turns a validated model document into the structure the evaluators run: predicates
 * instead of condition objects, defaults filled in, rules numbered, thresholds ordered.
 * @module
 */
import { type CompiledHistoryTest, ConditionCompiler, type Predicate, type ValueTest } from './conditions.js'
import { conditionFields } from './fields.js'
import { type LocalizedText, labelTexts } from './model/label.js'
import type {
  Classifier,
  CountCondition,
  Decay,
  EngagementRule,
  FitGroup,
  ModelDocument,
  Occurrences,
} from './model/types.js'

export type CompiledDecay =
  | { readonly kind: 'none' }
  | { readonly kind: 'halfLife'; readonly days: number /** ln 2 / days */; readonly rate: number }
  | { readonly kind: 'linear'; readonly days: number }

export type CompiledOccurrences =
  | { readonly kind: 'all' }
  | { readonly kind: 'first' }
  | { readonly kind: 'perDays'; readonly days: number }

export interface CompiledCount {
  readonly test: (n: number) => boolean
  readonly withinDays: number | undefined
  /** The condition as written, for explanations (`>= 5 within 30 days`). */
  readonly text: string
}

export interface CompiledFitRule {
  readonly id: string
  readonly label: string | undefined
  readonly points: number
  readonly when: Predicate
}

export interface CompiledGroup<R> {
  readonly id: string
  readonly label: string | undefined
  readonly mode: 'sum' | 'first'
  readonly min: number | undefined
  readonly max: number | undefined
  readonly rules: readonly R[]
}

export interface CompiledEngagementRule {
  readonly id: string
  readonly label: string | undefined
  /** Position in `engagement.rules` (the flat list). */
  readonly index: number
  readonly groupIndex: number
  readonly points: number
  /** Tests an event (`eventName` and event properties). */
  readonly when: Predicate
  /** The event properties `when` tests. */
  readonly fields: readonly string[]
  readonly decay: CompiledDecay
  readonly windowDays: number | undefined
  readonly occurrences: CompiledOccurrences
  readonly distinct: string | undefined
  readonly count: CompiledCount | undefined
  readonly min: number | undefined
  readonly max: number | undefined
}

export interface CompiledClassifier {
  readonly id: string
  /** The English label (a plain `label:` text, or its `en:`), for explanations. */
  readonly label: string | undefined
  /** The label in each language it is written in; see {@link labelsOf}. */
  readonly labels: LocalizedText
  readonly when: Predicate | undefined
}

export interface CompiledStage extends CompiledClassifier {
  /** Automatic stages have a `when`; manual stages change only through the API. */
  readonly automatic: boolean
  readonly recycle: { readonly to: string; readonly when: Predicate } | undefined
}

export interface CompiledInactivity {
  readonly afterDays: number
  readonly points: number
  /** Lower-cased activity event names, or `null`: events of rules with positive points. */
  readonly activity: ReadonlySet<string> | null
}

export interface CompiledPart<R> {
  readonly min: number
  readonly max: number
  readonly groups: readonly CompiledGroup<R>[]
}

export interface CompiledAccounts {
  readonly key: string
  readonly rollup: 'sum' | 'max' | 'mean' | 'top3'
  readonly perContactMax: number | undefined
  readonly engagementMax: number | undefined
  readonly engagedWhen: Predicate
  readonly roles: readonly { id: string; label: string | undefined; when: Predicate; points: number }[]
  readonly fit: CompiledPart<CompiledFitRule> | undefined
  readonly bands: readonly CompiledClassifier[]
}

/** A model ready to evaluate. Build it with `compileModel`. */
export interface CompiledModel {
  readonly document: ModelDocument
  readonly id: string
  readonly fit: CompiledPart<CompiledFitRule>
  readonly engagement: CompiledPart<CompiledEngagementRule> & {
    /** Every engagement rule in order, across groups. */
    readonly rules: readonly CompiledEngagementRule[]
    readonly inactivity: CompiledInactivity | undefined
  }
  /** Grade letters with their fit thresholds, from A down. */
  readonly grades: readonly (readonly [string, number])[]
  /** Levels with their engagement thresholds, from 1 down; then `fallbackLevel`. */
  readonly levels: readonly (readonly [string, number])[]
  readonly fallbackLevel: string | undefined
  readonly bands: readonly CompiledClassifier[]
  readonly stages: readonly CompiledStage[]
  /** The hand-off (MQL) stage: the one marked `handoff: true`, else the stage `mql`, else null. */
  readonly handoffStage: string | null
  readonly journey: readonly CompiledClassifier[]
  readonly segments: readonly CompiledClassifier[]
  /** The `did` / `didNot` tests used anywhere in the model. */
  readonly history: readonly CompiledHistoryTest[]
  readonly accounts: CompiledAccounts | undefined
  readonly predictiveWeight: number
  /** The clamp of the total: `fit.max + engagement.max`. */
  readonly totalMax: number
  /** Tests a value against an operator object with this model's string rules. */
  readonly valueTest: (spec: Parameters<ConditionCompiler['valueTest']>[0]) => ValueTest
}

/**
 * Compiles a validated model document. Validate first (`loadModel`): this function assumes
 * the document is well formed.
 *
 * @example
 * const loaded = loadModel(yamlText)
 * if (loaded.ok) { const model = compileModel(loaded.model) }
 */
export function compileModel(document: ModelDocument): CompiledModel {
  const conditions = new ConditionCompiler({ caseSensitive: document.caseSensitive })
  const compileFitGroups = (groups: readonly FitGroup[], prefix: string) =>
    groups.map((g) => ({
      id: g.id,
      label: g.label,
      mode: g.mode ?? 'sum',
      min: g.min,
      max: g.max,
      rules: g.rules.map((r, i) => ({
        id: r.id ?? `${prefix}${g.id}-${i + 1}`,
        label: r.label,
        points: r.points,
        when: conditions.compile(r.when),
      })),
    }))

  const fitDoc = document.fit
  const fit: CompiledPart<CompiledFitRule> = {
    min: fitDoc?.min ?? 0,
    max: fitDoc?.max ?? 0,
    groups: compileFitGroups(fitDoc?.groups ?? [], ''),
  }

  const engDoc = document.engagement
  const defaultDecay = compileDecay(engDoc?.decay)
  const flat: CompiledEngagementRule[] = []
  const engagementGroups = (engDoc?.groups ?? []).map((g, groupIndex) => ({
    id: g.id,
    label: g.label,
    mode: g.mode ?? 'sum',
    min: g.min,
    max: g.max,
    rules: g.rules.map((r, i) => {
      const rule = compileEngagementRule(
        r,
        `${g.id}-${i + 1}`,
        flat.length,
        groupIndex,
        defaultDecay,
        conditions,
      )
      flat.push(rule)
      return rule
    }),
  }))
  const inactivityDoc = engDoc?.inactivity
  const inactivity: CompiledInactivity | undefined = inactivityDoc && {
    afterDays: inactivityDoc.afterDays,
    points: inactivityDoc.points,
    activity: inactivityDoc.activity
      ? new Set(inactivityDoc.activity.map((n) => n.trim().toLowerCase()))
      : null,
  }

  const classifiers = (list: readonly Classifier[] | undefined): CompiledClassifier[] =>
    (list ?? []).map((c) => ({
      id: c.id,
      label: labelTexts(c.label).en,
      labels: labelTexts(c.label),
      when: c.when ? conditions.compile(c.when) : undefined,
    }))

  const stages: CompiledStage[] = (document.stages ?? []).map((s) => ({
    id: s.id,
    label: labelTexts(s.label).en,
    labels: labelTexts(s.label),
    when: s.when ? conditions.compile(s.when) : undefined,
    automatic: s.when !== undefined,
    recycle: s.recycle ? { to: s.recycle.to, when: conditions.compile(s.recycle.when) } : undefined,
  }))

  const grades = (['A', 'B', 'C', 'D', 'E'] as const)
    .filter((g) => fitDoc?.grades?.[g] !== undefined)
    .map((g) => [g, fitDoc!.grades![g]!] as const)
  const levelEntries = Object.entries(engDoc?.levels ?? {})
    .map(([k, v]) => [k, v] as const)
    .sort((a, b) => Number(a[0]) - Number(b[0]) || a[0].localeCompare(b[0]))
  const lastLevel = levelEntries.at(-1)?.[0]
  const fallbackLevel =
    lastLevel === undefined
      ? undefined
      : Number.isFinite(Number(lastLevel))
        ? String(Number(lastLevel) + 1)
        : undefined

  const accDoc = document.accounts
  if ((accDoc?.committee?.roles.length ?? 0) > 32) {
    throw new RangeError('a buying committee has at most 32 roles')
  }
  const accounts: CompiledAccounts | undefined = accDoc && {
    key: accDoc.key ?? 'account_id',
    rollup: accDoc.engagement?.rollup ?? 'sum',
    perContactMax: accDoc.engagement?.perContactMax,
    engagementMax: accDoc.engagement?.max,
    engagedWhen: conditions.compile(accDoc.committee?.engagedWhen ?? { 'score.engagement': { gt: 0 } }),
    roles: (accDoc.committee?.roles ?? []).map((r) => ({
      id: r.id,
      label: r.label,
      when: conditions.compile(r.when),
      points: r.points,
    })),
    fit: accDoc.fit && {
      min: accDoc.fit.min ?? 0,
      max: accDoc.fit.max ?? Number.POSITIVE_INFINITY,
      groups: compileFitGroups(accDoc.fit.groups, 'account-'),
    },
    bands: classifiers(accDoc.bands),
  }

  const model: CompiledModel = {
    document,
    id: document.id,
    fit,
    engagement: {
      min: engDoc?.min ?? 0,
      max: engDoc?.max ?? 0,
      groups: engagementGroups,
      rules: flat,
      inactivity,
    },
    grades,
    levels: levelEntries,
    fallbackLevel,
    bands: classifiers(document.bands),
    stages,
    handoffStage:
      stages.find((_, i) => document.stages?.[i]?.handoff === true)?.id ??
      stages.find((s) => s.id === 'mql')?.id ??
      null,
    journey: classifiers(document.journey),
    segments: classifiers(document.segments),
    history: conditions.history,
    accounts,
    predictiveWeight: document.predictive?.weight ?? 0,
    totalMax: fit.max + (engDoc?.max ?? 0),
    valueTest: (spec) => conditions.valueTest(spec),
  }
  return Object.freeze(model)
}

function compileEngagementRule(
  rule: EngagementRule,
  fallbackId: string,
  index: number,
  groupIndex: number,
  defaultDecay: CompiledDecay,
  conditions: ConditionCompiler,
): CompiledEngagementRule {
  return {
    id: rule.id ?? fallbackId,
    label: rule.label,
    index,
    groupIndex,
    points: rule.points,
    when: conditions.compile(rule.when),
    fields: [...conditionFields(rule.when)],
    decay: rule.decay === undefined ? defaultDecay : compileDecay(rule.decay),
    windowDays: rule.window?.days,
    occurrences: compileOccurrences(rule.occurrences),
    distinct: rule.distinct,
    count: rule.count && compileCount(rule.count),
    min: rule.min,
    max: rule.max,
  }
}

export function compileDecay(decay: Decay | undefined): CompiledDecay {
  if (decay === undefined || decay === 'none' || 'none' in decay) return { kind: 'none' }
  if ('halfLifeDays' in decay)
    return { kind: 'halfLife', days: decay.halfLifeDays, rate: Math.LN2 / decay.halfLifeDays }
  return { kind: 'linear', days: decay.linearDays }
}

function compileOccurrences(occurrences: Occurrences | undefined): CompiledOccurrences {
  if (occurrences === undefined || occurrences === 'all') return { kind: 'all' }
  if (occurrences === 'first') return { kind: 'first' }
  return { kind: 'perDays', days: occurrences.perDays }
}

function compileCount(count: CountCondition): CompiledCount {
  const parts: ((n: number) => boolean)[] = []
  const text: string[] = []
  if (count.gte !== undefined) {
    const b = count.gte
    parts.push((n) => n >= b)
    text.push(`>= ${b}`)
  }
  if (count.gt !== undefined) {
    const b = count.gt
    parts.push((n) => n > b)
    text.push(`> ${b}`)
  }
  if (count.lte !== undefined) {
    const b = count.lte
    parts.push((n) => n <= b)
    text.push(`<= ${b}`)
  }
  if (count.lt !== undefined) {
    const b = count.lt
    parts.push((n) => n < b)
    text.push(`< ${b}`)
  }
  if (count.eq !== undefined) {
    const b = count.eq
    parts.push((n) => n === b)
    text.push(`= ${b}`)
  }
  if (count.withinDays !== undefined) text.push(`within ${count.withinDays} days`)
  return { test: (n) => parts.every((p) => p(n)), withinDays: count.withinDays, text: text.join(' ') }
}

/** The decay factor of an event `ageDays` old. */
export function decayFactor(decay: CompiledDecay, ageDays: number): number {
  switch (decay.kind) {
    case 'none':
      return 1
    case 'halfLife':
      // exp is several times faster than 0.5 ** x and equal to it within 1 ulp
      return Math.exp(-ageDays * decay.rate)
    case 'linear':
      return Math.max(0, 1 - ageDays / decay.days)
  }
}
