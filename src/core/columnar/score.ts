/**
 * The bulk scorer: scores every contact from columns, rule by rule rather than contact by
 * contact. Each engagement rule becomes a column of points per contact (one scan of the
 * events it can match, matched once per distinct name and property values), each fit rule
 * and each classifier condition a mask over contacts (tested once per distinct property
 * value); the sums, caps and classes are then plain loops over typed arrays. Gives the
 * same numbers and classes as `evaluateContact` (a property test holds it to that),
 * without the ledger. With a `ScoreCache`, rescoring after a model edit recomputes only
 * the rules that changed.
 * @module
 */
import { aggregateFields, createAggregate, pointsById } from '../aggregate.js'
import type { CompiledEngagementRule, CompiledModel } from '../compile.js'
import type { Predicate } from '../conditions.js'
import { DAY_MS, type Properties } from '../input.js'
import type { Condition, FitGroup } from '../model/types.js'
import { lookup } from '../values.js'
import {
  conditionFieldNames,
  conditionMask,
  type FieldColumn,
  type MaskContext,
  usesHistory,
} from './contact-conditions.js'
import { EventTest } from './event-match.js'
import type { EventColumns } from './events.js'
import { candidateNames, countMatches, latestMatch, rulePoints } from './rule-points.js'
import { canonicalJson, ScoreCache } from './score-cache.js'

/** The contacts, by index, that go with `EventColumns`. */
export interface ContactColumns {
  readonly length: number
  readonly ids: readonly string[]
  readonly properties: readonly Properties[]
  /** Each contact's account properties, if any. */
  readonly accounts?: readonly (Properties | undefined)[]
  /** Predictive likelihood per contact (NaN when unknown). */
  readonly likelihood?: Float64Array
}

export interface BulkScores {
  readonly length: number
  readonly fit: Float64Array
  readonly engagement: Float64Array
  readonly total: Float64Array
  readonly grade: (string | null)[]
  readonly level: (string | null)[]
  readonly label: (string | null)[]
  readonly band: (string | null)[]
  readonly stage: (string | null)[]
  readonly journey: (string | null)[]
  /** Contacts with the same segments share one (frozen) array. */
  readonly segments: (readonly string[])[]
  /** Per contact: every rule's and group's points by id (only with `details: true`). */
  readonly details?: { rules: Record<string, number>; groups: Record<string, number> }[]
  /**
   * When the model scores accounts: per contact, the committee roles it holds (bit i for role
   * i) and whether it is engaged (`engaged`), for `scoreAccountsFromColumns`.
   */
  readonly committee?: { readonly roles: Uint32Array; readonly engaged: Uint8Array }
}

export interface BulkOptions {
  /** Also return each contact's rule and group points. */
  readonly details?: boolean
  /** Reuse what earlier scorings of the same columns computed (see `ScoreCache`). */
  readonly cache?: ScoreCache
}

/** Scores every contact of `contacts` with its events in `events`, as of `asOf`. */
export function scoreColumns(
  model: CompiledModel,
  contacts: ContactColumns,
  events: EventColumns,
  asOf: number,
  options: BulkOptions = {},
): BulkScores {
  const roles = model.accounts?.roles ?? []
  if (roles.length > 32) throw new RangeError('the bulk scorer supports at most 32 committee roles')
  const cache = options.cache ?? new ScoreCache()
  cache.begin(contacts, events)
  try {
    return new BulkRun(model, contacts, events, asOf, cache).score(options.details === true)
  } finally {
    cache.end()
  }
}

/** A class per contact: a code into `values` (-1: null). */
interface ClassColumn {
  readonly codes: Int32Array
  readonly values: readonly string[]
}

type Slot = readonly ['fitRule' | 'fitGroup' | 'engagementRule' | 'engagementGroup', number]

const SCORE = 'score.'
const ACCOUNT = 'account.'

/** One scoring: the model, the columns and the as-of time. */
class BulkRun {
  readonly #model: CompiledModel
  readonly #contacts: ContactColumns
  readonly #events: EventColumns
  readonly #asOf: number
  readonly #cache: ScoreCache
  readonly #n: number
  readonly #caseSensitive: boolean
  readonly #history = new Map<number, Uint8Array>()
  /** Score columns that classifier conditions read (`score.*`), set as they are decided. */
  readonly #scores = new Map<string, FieldColumn>()

  constructor(
    model: CompiledModel,
    contacts: ContactColumns,
    events: EventColumns,
    asOf: number,
    cache: ScoreCache,
  ) {
    this.#model = model
    this.#contacts = contacts
    this.#events = events
    this.#asOf = asOf
    this.#cache = cache
    this.#n = contacts.length
    this.#caseSensitive = model.document.caseSensitive ?? false
  }

  score(details: boolean): BulkScores {
    const model = this.#model
    const n = this.#n
    const asOf = this.#asOf
    const engagementRaw = model.engagement.rules.map((rule, r) => this.#rulePoints(rule, r))
    const inactivity = model.engagement.inactivity
    const lastActivity = inactivity ? this.#lastActivity() : undefined
    const inactiveFrom = inactivity ? asOf - inactivity.afterDays * DAY_MS : 0
    const fitMasks = this.#fitMasks()

    // the slots conditions read (score.group.x, score.rule.x), kept as columns
    const wanted = new Map<string, Float64Array>()
    const slotFields = new Map<string, Slot>()
    for (const field of classifierFields(model)) {
      const slot = slotOf(model, field)
      if (slot === undefined) continue
      slotFields.set(field.slice(SCORE.length), slot)
      wanted.set(`${slot[0]}:${slot[1]}`, new Float64Array(n))
    }
    const column = (kind: Slot[0], i: number) => wanted.get(`${kind}:${i}`)
    const fitRuleOut = fitMasks.map((_, k) => column('fitRule', k))
    const fitGroupOut = model.fit.groups.map((_, g) => column('fitGroup', g))
    const ruleOut = model.engagement.rules.map((_, r) => column('engagementRule', r))
    const groupOut = model.engagement.groups.map((_, g) => column('engagementGroup', g))

    const fit = new Float64Array(n)
    const engagement = new Float64Array(n)
    const total = new Float64Array(n)
    const likelihoodNull = new Uint8Array(n)
    const likelihoodOf = new Float64Array(n)
    const detailsOut: NonNullable<BulkScores['details']> | undefined = details ? new Array(n) : undefined
    const fitGroups = model.fit.groups.map((g) => ({
      first: g.mode === 'first',
      min: g.min ?? Number.NEGATIVE_INFINITY,
      max: g.max ?? Number.POSITIVE_INFINITY,
      points: g.rules.map((r) => r.points),
    }))
    const engagementGroups = model.engagement.groups.map((g) => ({
      min: g.min ?? Number.NEGATIVE_INFINITY,
      max: g.max ?? Number.POSITIVE_INFINITY,
      rules: g.rules.map((r) => ({
        index: r.index,
        min: r.min ?? Number.NEGATIVE_INFINITY,
        max: r.max ?? Number.POSITIVE_INFINITY,
      })),
    }))
    const fitMin = model.fit.min
    const fitMax = model.fit.max
    const engagementMin = model.engagement.min
    const engagementMax = model.engagement.max
    const inactivityPoints = inactivity?.points ?? 0
    const weight = model.predictiveWeight
    const totalMax = model.totalMax
    const likelihoods = this.#contacts.likelihood
    // this contact's rule and group points, in an `Aggregate` for `pointsById`
    const current = createAggregate(model)
    const fitRuleValues = current.fitRules
    const fitGroupValues = current.fitGroups
    const ruleValues = current.engagementRules
    const groupValues = current.engagementGroups

    for (let c = 0; c < n; c++) {
      // as `aggregate` does, with the caps as ±Infinity when absent
      let k = 0
      let fitRaw = 0
      for (let g = 0; g < fitGroups.length; g++) {
        const group = fitGroups[g]!
        let raw = 0
        let matched = false
        for (let r = 0; r < group.points.length; r++, k++) {
          let p = 0
          if (!(group.first && matched) && fitMasks[k]![c] === 1) {
            matched = true
            p = group.points[r]!
          }
          fitRuleValues[k] = p
          raw += p
        }
        const points = clamp(raw, group.min, group.max)
        fitGroupValues[g] = points
        fitRaw += points
      }
      const fitPoints = clamp(fitRaw, fitMin, fitMax)

      let engagementSum = 0
      for (let g = 0; g < engagementGroups.length; g++) {
        const group = engagementGroups[g]!
        let raw = 0
        for (const rule of group.rules) {
          const points = clamp(engagementRaw[rule.index]![c]!, rule.min, rule.max)
          ruleValues[rule.index] = points
          raw += points
        }
        const points = clamp(raw, group.min, group.max)
        groupValues[g] = points
        engagementSum += points
      }
      if (lastActivity !== undefined && !(lastActivity[c]! >= inactiveFrom)) engagementSum += inactivityPoints
      const engagementPoints = clamp(engagementSum, engagementMin, engagementMax)

      const l = likelihoods?.[c]
      const hasLikelihood = l !== undefined && !Number.isNaN(l)
      if (!hasLikelihood) likelihoodNull[c] = 1
      else likelihoodOf[c] = l
      const predictive = hasLikelihood ? (weight * l) / 100 : 0
      fit[c] = fitPoints
      engagement[c] = engagementPoints
      total[c] = clamp(fitPoints + engagementPoints + predictive, 0, totalMax)

      for (let i = 0; i < fitRuleOut.length; i++) if (fitRuleOut[i]) fitRuleOut[i]![c] = fitRuleValues[i]!
      for (let i = 0; i < fitGroupOut.length; i++) if (fitGroupOut[i]) fitGroupOut[i]![c] = fitGroupValues[i]!
      for (let i = 0; i < ruleOut.length; i++) if (ruleOut[i]) ruleOut[i]![c] = ruleValues[i]!
      for (let i = 0; i < groupOut.length; i++) if (groupOut[i]) groupOut[i]![c] = groupValues[i]!
      if (detailsOut) detailsOut[c] = pointsById(model, current)
    }

    const scores = this.#scores
    scores.set('fit', { kind: 'number', values: fit })
    scores.set('engagement', { kind: 'number', values: engagement })
    scores.set('total', { kind: 'number', values: total })
    scores.set('likelihood', { kind: 'number', values: likelihoodOf, nulls: likelihoodNull })
    for (const [field, slot] of slotFields)
      scores.set(field, { kind: 'number', values: wanted.get(`${slot[0]}:${slot[1]}`)! })
    const out = this.#classify({ length: n, fit, engagement, total })
    if (detailsOut) return { ...out, details: detailsOut }
    return out
  }

  /** Grades, levels, labels, bands, stages, journey and segments, in the order `classify` decides them. */
  #classify(parts: Pick<BulkScores, 'length' | 'fit' | 'engagement' | 'total'>): BulkScores {
    const model = this.#model
    const n = this.#n
    const scores = this.#scores
    const ctx = this.#context('contact')
    const none = (): FieldColumn => ({ kind: 'constant', value: null })
    for (const name of ['grade', 'level', 'label', 'band', 'stage', 'journey']) scores.set(name, none())
    scores.set('segments', { kind: 'constant', value: '' })

    const grade = thresholdClass(parts.fit, model.grades, model.grades.length > 0 ? 'F' : undefined)
    scores.set('grade', coded(grade))
    const level = thresholdClass(parts.engagement, model.levels, model.fallbackLevel)
    scores.set('level', coded(level))
    const label = labels(grade, level, model.grades.length > 0 && model.levels.length > 0)
    scores.set('label', coded(label))
    const band = this.#firstMatch(
      model.bands.map((b) => b.id),
      (model.document.bands ?? []).map((b) => b.when),
      ctx,
    )
    scores.set('band', coded(band))
    const stage = this.#stages(ctx)
    scores.set('stage', coded(stage))
    const journey = this.#firstMatch(
      model.journey.map((j) => j.id),
      (model.document.journey ?? []).map((j) => j.when),
      ctx,
    )
    scores.set('journey', coded(journey))
    const segments = this.#segments(ctx)
    scores.set('segments', { kind: 'each', get: (c) => segments[c]!.join('|') })

    const out: BulkScores = {
      ...parts,
      grade: strings(grade, n),
      level: strings(level, n),
      label: strings(label, n),
      band: strings(band, n),
      stage: strings(stage, n),
      journey: strings(journey, n),
      segments,
      ...(model.accounts ? { committee: this.#committee(ctx) } : {}),
    }
    return out
  }

  /** The first classifier whose condition holds (none: null). */
  #firstMatch(
    ids: readonly string[],
    conditions: readonly (Condition | undefined)[],
    ctx: MaskContext,
  ): ClassColumn {
    const codes = new Int32Array(this.#n).fill(-1)
    let open = this.#n
    for (let i = 0; i < ids.length && open > 0; i++) {
      const mask = conditionMask(this.#model, conditions[i], ctx)
      for (let c = 0; c < codes.length; c++) {
        if (codes[c] === -1 && mask[c] === 1) {
          codes[c] = i
          open--
        }
      }
    }
    return { codes, values: ids }
  }

  /** Without a current stage (batch): the highest automatic stage that holds, else the first stage. */
  #stages(ctx: MaskContext): ClassColumn {
    const model = this.#model
    const stages = model.stages
    const codes = new Int32Array(this.#n).fill(stages.length === 0 ? -1 : 0)
    const docs = model.document.stages ?? []
    for (let i = 0; i < stages.length; i++) {
      if (!stages[i]!.automatic) continue
      const mask = conditionMask(model, docs[i]!.when, ctx)
      for (let c = 0; c < codes.length; c++) if (mask[c] === 1) codes[c] = i
    }
    return { codes, values: stages.map((s) => s.id) }
  }

  #segments(ctx: MaskContext): (readonly string[])[] {
    const model = this.#model
    const n = this.#n
    const ids = model.segments.map((s) => s.id)
    const docs = model.document.segments ?? []
    const masks: Uint8Array[] = []
    for (let i = 0; i < ids.length; i++) {
      // a segment's condition sees the segments decided before it
      const before = masks.slice()
      this.#scores.set('segments', {
        kind: 'each',
        get: (c) => ids.filter((_, j) => j < before.length && before[j]![c] === 1).join('|'),
      })
      masks.push(conditionMask(model, docs[i]!.when, ctx))
    }
    const out: (readonly string[])[] = new Array(n)
    const shared = new Map<string, readonly string[]>()
    for (let c = 0; c < n; c++) {
      let key = ''
      for (let i = 0; i < masks.length; i++) key += masks[i]![c] === 1 ? '1' : '0'
      let list = shared.get(key)
      if (list === undefined) {
        list = Object.freeze(ids.filter((_, i) => key[i] === '1'))
        shared.set(key, list)
      }
      out[c] = list
    }
    return out
  }

  /** Roles and `engagedWhen` see what `evaluateAccount` shows them: the scores, and no history. */
  #committee(contact: MaskContext): { roles: Uint32Array; engaged: Uint8Array } {
    const never = new Uint8Array(this.#n)
    const classes = new Set([
      'score.grade',
      'score.level',
      'score.label',
      'score.band',
      'score.stage',
      'score.journey',
    ])
    const ctx: MaskContext = {
      n: this.#n,
      // a member's scope has its scores, not its classes (they are null, its segments none)
      field: (name) =>
        classes.has(name)
          ? { kind: 'constant', value: null }
          : name === 'score.segments'
            ? { kind: 'constant', value: '' }
            : contact.field(name),
      history: () => never,
    }
    const accounts = this.#model.accounts!
    const doc = this.#model.document.accounts?.committee
    const roles = new Uint32Array(this.#n)
    accounts.roles.forEach((_, r) => {
      const mask = conditionMask(this.#model, doc!.roles[r]!.when, ctx)
      for (let c = 0; c < roles.length; c++) if (mask[c] === 1) roles[c]! |= 1 << r
    })
    const engaged = conditionMask(this.#model, doc?.engagedWhen ?? { 'score.engagement': { gt: 0 } }, ctx)
    return { roles, engaged }
  }

  /** Engagement rule `r`'s points per contact before its caps. */
  #rulePoints(rule: CompiledEngagementRule, r: number): Float64Array {
    const model = this.#model
    const docs = engagementRuleDocs(model)
    const group = model.engagement.groups[rule.groupIndex]!
    // in a `first` group an event counts for the first rule it matches only
    const earlier = group.mode === 'first' ? group.rules.slice(0, group.rules.indexOf(rule)) : []
    const key = canonicalJson({
      rule: { ...docs[r], id: undefined, label: undefined, max: undefined, min: undefined },
      decay: rule.decay,
      earlier: earlier.map((e) => docs[e.index]!.when),
      caseSensitive: this.#caseSensitive,
      asOf: this.#asOf,
    })
    return this.#cache.get(`rule:${key}`, () => {
      const when: Predicate =
        earlier.length === 0 ? rule.when : (s) => rule.when(s) && !earlier.some((e) => e.when(s))
      const fields = [rule.fields, ...earlier.map((e) => e.fields)].flat()
      return rulePoints(
        rule,
        this.#events,
        candidateNames(this.#events, docs[r]!.when),
        new EventTest(this.#events, when, fields),
        this.#asOf,
        this.#n,
        this.#caseSensitive,
      )
    })
  }

  /** Each contact's latest activity up to the as-of time (for inactivity). */
  #lastActivity(): Float64Array {
    const model = this.#model
    const activity = model.engagement.inactivity!.activity
    const docs = engagementRuleDocs(model)
    const positive = model.engagement.rules.filter((r) => r.points > 0)
    const key = canonicalJson({
      activity: activity === null ? positive.map((r) => docs[r.index]!.when) : [...activity].sort(),
      asOf: this.#asOf,
    })
    return this.#cache.get(`activity:${key}`, () => {
      const test: Predicate =
        activity === null
          ? (s) => positive.some((r) => r.when(s))
          : (s) => activity.has(s.eventName!.trim().toLowerCase())
      const fields = activity === null ? positive.flatMap((r) => r.fields) : []
      return latestMatch(this.#events, new EventTest(this.#events, test, fields), this.#asOf, this.#n)
    })
  }

  /** Whether history test `index` holds, per contact. */
  #historyHolds(index: number): Uint8Array {
    let holds = this.#history.get(index)
    if (holds !== undefined) return holds
    const model = this.#model
    const test = model.history[index]!
    const docs = engagementRuleDocs(model)
    const byId = new Map(model.engagement.rules.map((r) => [r.id, r]))
    const rules = test.rules.map((id) => byId.get(id)).filter((r) => r !== undefined)
    const key = canonicalJson({
      test: test.key,
      rules: rules.map((r) => docs[r.index]!.when),
      asOf: this.#asOf,
    })
    holds = this.#cache.get(`history:${key}`, () => {
      const events = this.#events
      const names = test.events
      const predicate: Predicate = (s) =>
        names === null || names.has(s.eventName!.trim().toLowerCase()) || rules.some((r) => r.when(s))
      let candidates: Int32Array | null = null
      if (names !== null && rules.every((r) => candidateNames(events, docs[r.index]!.when) !== null)) {
        const codes = new Set<number>()
        events.names.forEach((name, code) => {
          if (names.has(name.trim().toLowerCase())) codes.add(code)
        })
        for (const r of rules)
          for (const code of candidateNames(events, docs[r.index]!.when)!) codes.add(code)
        candidates = Int32Array.from([...codes].sort((a, b) => a - b))
      }
      const from =
        test.withinDays === undefined ? Number.NEGATIVE_INFINITY : this.#asOf - test.withinDays * DAY_MS
      const counts = countMatches(
        events,
        candidates,
        new EventTest(
          events,
          predicate,
          rules.flatMap((r) => r.fields),
        ),
        from,
        this.#asOf,
        this.#n,
      )
      const out = new Uint8Array(this.#n)
      for (let c = 0; c < out.length; c++) out[c] = counts[c]! >= test.atLeast ? 1 : 0
      return out
    })
    this.#history.set(index, holds)
    return holds
  }

  /** Each fit rule's matches, flat in model order. */
  #fitMasks(): Uint8Array[] {
    const model = this.#model
    const ctx = this.#context('fit')
    const docs: readonly FitGroup[] = model.document.fit?.groups ?? []
    return docs.flatMap((group) =>
      group.rules.map((rule) =>
        usesHistory(rule.when)
          ? conditionMask(model, rule.when, ctx)
          : this.#cache.get(
              `fit:${canonicalJson({ when: rule.when, caseSensitive: this.#caseSensitive })}`,
              () => conditionMask(model, rule.when, ctx),
            ),
      ),
    )
  }

  /**
   * What conditions read. Fit rules see contact properties and `account.*` (as `evaluateContact`'s
   * property scope); classifiers see `score.*` fields too (as `contactScope`).
   */
  #context(scope: 'fit' | 'contact'): MaskContext {
    return {
      n: this.#n,
      history: (index) => this.#historyHolds(index),
      field: (name) => {
        if (scope === 'contact' && name.startsWith(SCORE))
          return this.#scores.get(name.slice(SCORE.length)) ?? { kind: 'constant', value: undefined }
        if (name.startsWith(ACCOUNT)) return this.#propertyColumn('account', name.slice(ACCOUNT.length))
        return this.#propertyColumn('contact', name)
      },
    }
  }

  /** A contact or account property, dictionary-encoded over the contacts. */
  #propertyColumn(source: 'contact' | 'account', path: string): FieldColumn {
    return this.#cache.get(`${source}:${path}`, () => {
      const bags = source === 'contact' ? this.#contacts.properties : this.#contacts.accounts
      const codes = new Int32Array(this.#n)
      const values: unknown[] = []
      const index = new Map<unknown, number>()
      for (let c = 0; c < codes.length; c++) {
        const v = lookup(bags?.[c], path)
        if (v === undefined) {
          codes[c] = -1
          continue
        }
        let code = index.get(v)
        if (code === undefined) {
          code = values.length
          values.push(v)
          index.set(v, code)
        }
        codes[c] = code
      }
      return { kind: 'coded', codes, values, missing: undefined }
    })
  }
}

/** `clamp` of result.ts without the record of caps (absent bounds as ±Infinity). */
function clamp(value: number, min: number, max: number): number {
  // biome-ignore lint/complexity/useMathMinMax: Math.max turns -0 into 0, where `clamp` keeps -0
  return value > max ? max : value < min ? min : value
}

/** The first threshold each value reaches, else `fallback` (no thresholds: null). */
function thresholdClass(
  values: Float64Array,
  thresholds: readonly (readonly [string, number])[],
  fallback: string | undefined,
): ClassColumn {
  const ids = thresholds.map(([id]) => id)
  const fallbackCode = fallback === undefined ? -1 : ids.length
  if (fallback !== undefined) ids.push(fallback)
  const codes = new Int32Array(values.length).fill(-1)
  if (thresholds.length === 0) return { codes, values: [] }
  for (let c = 0; c < values.length; c++) {
    const v = values[c]!
    let code = fallbackCode
    for (let t = 0; t < thresholds.length; t++) {
      if (v >= thresholds[t]![1]) {
        code = t
        break
      }
    }
    codes[c] = code
  }
  return { codes, values: ids }
}

/** Grade and level together (`A1`), when the model has both. */
function labels(grade: ClassColumn, level: ClassColumn, both: boolean): ClassColumn {
  const codes = new Int32Array(grade.codes.length).fill(-1)
  if (!both) return { codes, values: [] }
  const width = level.values.length
  const values = grade.values.flatMap((g) => level.values.map((l) => `${g}${l}`))
  for (let c = 0; c < codes.length; c++) {
    const g = grade.codes[c]!
    const l = level.codes[c]!
    codes[c] = g < 0 || l < 0 ? -1 : g * width + l
  }
  return { codes, values }
}

function coded(column: ClassColumn): FieldColumn {
  return { kind: 'coded', codes: column.codes, values: column.values, missing: null }
}

function strings(column: ClassColumn, n: number): (string | null)[] {
  const out: (string | null)[] = new Array(n)
  const { codes, values } = column
  for (let c = 0; c < n; c++) out[c] = codes[c]! < 0 ? null : values[codes[c]!]!
  return out
}

const SLOT_KINDS = ['fitRule', 'fitGroup', 'engagementRule', 'engagementGroup'] as const

/**
 * Where a `score.group.<id>` or `score.rule.<id>` field reads: asked of `aggregateFields`
 * (the evaluator's reader) over an aggregate whose entries are their own slot numbers.
 */
function slotOf(model: CompiledModel, field: string): Slot | undefined {
  const a = createAggregate(model)
  const mark = (values: Float64Array, kind: number) => {
    for (let i = 0; i < values.length; i++) values[i] = i * 4 + kind
  }
  mark(a.fitRules, 0)
  mark(a.fitGroups, 1)
  mark(a.engagementRules, 2)
  mark(a.engagementGroups, 3)
  const fields = aggregateFields(model, a, null)
  const code = field.startsWith('score.group.')
    ? fields.group(field.slice(12))
    : field.startsWith('score.rule.')
      ? fields.rule(field.slice(11))
      : undefined
  return code === undefined ? undefined : [SLOT_KINDS[code % 4]!, Math.floor(code / 4)]
}

/** Every field the classifier conditions (bands, stages, journey, segments, committee) test. */
function classifierFields(model: CompiledModel): Set<string> {
  const doc = model.document
  const fields = new Set<string>()
  const conditions: (Condition | undefined)[] = [
    ...(doc.bands ?? []).map((b) => b.when),
    ...(doc.stages ?? []).map((s) => s.when),
    ...(doc.journey ?? []).map((j) => j.when),
    ...(doc.segments ?? []).map((s) => s.when),
    ...(doc.accounts?.committee?.roles ?? []).map((r) => r.when),
    doc.accounts?.committee?.engagedWhen,
  ]
  for (const condition of conditions) conditionFieldNames(condition, fields)
  return fields
}

const ruleDocs = new WeakMap<
  CompiledModel,
  NonNullable<ModelDocEngagement>['groups'][number]['rules'][number][]
>()
type ModelDocEngagement = CompiledModel['document']['engagement']

/** The engagement rules as written, flat (by `rule.index`). */
function engagementRuleDocs(model: CompiledModel) {
  let docs = ruleDocs.get(model)
  if (docs === undefined) {
    docs = (model.document.engagement?.groups ?? []).flatMap((g) => [...g.rules])
    ruleDocs.set(model, docs)
  }
  return docs
}
