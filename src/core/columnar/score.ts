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
import { conditionFields } from '../fields.js'
import { DAY_MS, type Properties } from '../input.js'
import type { Condition, FitGroup } from '../model/types.js'
import { lookup } from '../values.js'
import {
  type ContactInputs,
  changedContacts,
  gather,
  gatherField,
  gatherMask,
  scatter,
} from './changed-contacts.js'
import { conditionMask, type FieldColumn, type MaskContext, usesHistory } from './contact-conditions.js'
import { EventTest } from './event-match.js'
import { type EventColumns, EventColumnsBuilder, type PropertyColumn } from './events.js'
import {
  candidateNames,
  countMatches,
  decayFactors,
  isSimpleRule,
  latestMatch,
  matchPoints,
  rulePoints,
  simpleMatches,
} from './rule-points.js'
import { canonicalJson, ScoreCache } from './score-cache.js'

/** The contacts, by index, that go with `EventColumns`. */
export interface ContactColumns {
  readonly length: number
  readonly ids: readonly string[]
  /** Each contact's properties (may be empty when `columns` holds them). */
  readonly properties: readonly Properties[]
  /** Each contact's account properties, if any. */
  readonly accounts?: readonly (Properties | undefined)[]
  /** Predictive likelihood per contact (NaN when unknown). */
  readonly likelihood?: Float64Array
  /**
   * The properties as columns (a columnar reader's), read instead of `properties` and
   * `accounts`: each a code per contact into its values (-1: absent). `contact` by field,
   * `account` by account field (the value of the contact's account). A field that is not a
   * key reads from `properties` / `accounts`.
   */
  readonly columns?: ContactPropertyColumns
}

/** Contact and account property columns by field; see {@link ContactColumns.columns}. */
export interface ContactPropertyColumns {
  readonly contact: ReadonlyMap<string, PropertyColumn>
  readonly account?: ReadonlyMap<string, PropertyColumn> | undefined
}

/** Contact `c`'s property `key` (its own, not a nested path): from its column when there is one. */
export function contactProperty(contacts: ContactColumns, key: string, c: number): unknown {
  const column = contacts.columns?.contact.get(key)
  if (column === undefined) return contacts.properties[c]?.[key]
  const code = column.codes[c]!
  return code < 0 ? undefined : column.values[code]
}

/**
 * Contact `c`'s contact or account property at `path` as the scorer reads it: from its
 * column when there is one, else looked up in its properties (a dotted path through objects).
 */
export function propertyAt(
  contacts: ContactColumns,
  source: 'contact' | 'account',
  path: string,
  c: number,
): unknown {
  const column = contacts.columns?.[source]?.get(path)
  if (column !== undefined) {
    const code = column.codes[c]!
    return code < 0 ? undefined : column.values[code]
  }
  return lookup(source === 'contact' ? contacts.properties[c] : contacts.accounts?.[c], path)
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
  /**
   * The same classes as codes per contact into their values (negative: null), with no string
   * array built: what a writer of many rows reads.
   */
  readonly classes: Readonly<Record<ClassName, ScoreClassColumn>>
  /** Contacts with the same segments share one (frozen) array. The classes and segments are built when first read. */
  readonly segments: (readonly string[])[]
  /** Per contact: every rule's and group's points by id (only with `details: true`). */
  readonly details?: { rules: Record<string, number>; groups: Record<string, number> }[]
  /**
   * When the model scores accounts: per contact, the committee roles it holds (bit i for role
   * i) and whether it is engaged (`engaged`), for `scoreAccountsFromColumns`.
   */
  readonly committee?: { readonly roles: Uint32Array; readonly engaged: Uint8Array }
}

/** A class of every contact: a code per contact into `values`, negative for null. */
export interface ScoreClassColumn {
  readonly codes: ArrayLike<number>
  readonly values: readonly string[]
}

export interface BulkOptions {
  /** Also return each contact's rule and group points. */
  readonly details?: boolean
  /** Reuse what earlier scorings of the same columns computed (see `ScoreCache`). */
  readonly cache?: ScoreCache
  /**
   * Index the events by name (4 bytes an event) so that each rule reads only the events it
   * can match, instead of scanning the name column once per rule: a fifth less time for a
   * model of a dozen rules. Default: when a cache is given (it keeps the index).
   */
  readonly indexEvents?: boolean
  /**
   * The result of an earlier scoring of the same contacts that the caller no longer reads:
   * its arrays are written over where they fit instead of new ones allocated (an editor
   * previewing edit after edit hands back the last preview's scores). Never reuse a result
   * that is still read, nor the result of a scoring with another `cache`.
   */
  readonly reuse?: BulkScores | undefined
  /**
   * Engagement rules' points computed already: rule `r`'s (`engagementRulePoints` of the same
   * model, columns and time), taken as they are, or undefined to compute them here.
   */
  readonly rulePoints?: ((r: number) => Float64Array | undefined) | undefined
  /** Each contact's latest activity computed already (`latestActivity` of the same model, columns and time). */
  readonly lastActivity?: Float64Array | undefined
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
    const persistent = options.cache !== undefined
    return new BulkRun(model, contacts, events, asOf, cache, persistent, options).score(
      options.details === true,
    )
  } finally {
    cache.end()
  }
}

/** A class per contact: a code into `values` (-1: null). */
interface ClassColumn {
  readonly codes: Int32Array
  readonly values: readonly string[]
}

type Codes = Int8Array | Int16Array | Int32Array

/** A class column as kept and handed out: codes as small as they fit. */
interface StoredClass {
  readonly codes: Codes
  readonly values: readonly string[]
}

const CLASS_NAMES = ['grade', 'level', 'label', 'band', 'stage', 'journey'] as const
export type ClassName = (typeof CLASS_NAMES)[number]

/** The classes of one scoring (of every contact or of some), before they become strings. */
interface Classes {
  readonly columns: Record<ClassName, ClassColumn>
  /** Segment membership, bits per 30 segments. */
  readonly segments: Int32Array[]
  readonly committee: { readonly roles: Uint32Array; readonly engaged: Uint8Array } | undefined
}

/**
 * A scoring's per-contact results and what they were computed from, kept in the cache (its
 * own arrays: patched in place by the next scoring, never handed out).
 */
interface Downstream {
  inputs: ContactInputs
  /** The cache entries the classes were decided from. */
  readonly reads: readonly string[]
  readonly engagement: Float64Array
  readonly total: Float64Array
  readonly classes: Record<ClassName, StoredClass>
  readonly segments: Int32Array[]
  readonly committee: { readonly roles: Uint32Array; readonly engaged: Uint8Array } | undefined
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
  /** Whether it keeps what depends on the as-of time for the next scoring (rule and group points, decay factors). */
  readonly #keepTimed: boolean
  /** Whether rules read the events of their names through the name index. */
  readonly #indexed: boolean
  readonly #n: number
  readonly #caseSensitive: boolean
  readonly #history = new Map<number, Uint8Array>()
  /** Score columns that classifier conditions read (`score.*`), set as they are decided. */
  readonly #scores = new Map<string, FieldColumn>()
  /** The contacts classifiers are being decided for (undefined: all). */
  #rows: Int32Array | undefined
  /** The score fields (`rule.x`, `group.x`) conditions read, in the order of `ContactInputs.slots`. */
  #slotFields: readonly string[] = []
  /** What the caller gives: a result to write over, rule points and latest activity computed already. */
  readonly #options: Pick<BulkOptions, 'reuse' | 'rulePoints' | 'lastActivity'>

  constructor(
    model: CompiledModel,
    contacts: ContactColumns,
    events: EventColumns,
    asOf: number,
    cache: ScoreCache,
    persistent: boolean,
    options: BulkOptions,
  ) {
    this.#options = options
    this.#keepTimed = persistent && !cache.timeless
    this.#indexed = options.indexEvents ?? persistent
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
    // a rule's points are computed when its group sums them (one group's rules at a time in memory)
    const engagementRaw = (rule: CompiledEngagementRule) => this.#rulePoints(rule, rule.index)

    // the slots conditions read (score.group.x, score.rule.x) are kept as columns; all with details
    const wanted = new Set<string>()
    const slotFields = new Map<string, Slot>()
    for (const field of classifierFields(model)) {
      const slot = slotOf(model, field)
      if (slot === undefined) continue
      slotFields.set(field.slice(SCORE.length), slot)
      wanted.add(`${slot[0]}:${slot[1]}`)
    }
    this.#slotFields = [...slotFields.keys()]
    const keep = (kind: Slot[0], i: number) => details || wanted.has(`${kind}:${i}`)
    const kept = new Map<string, Float64Array>()
    const keepColumn = (kind: Slot[0], i: number, values: Float64Array) => {
      if (keep(kind, i)) kept.set(`${kind}:${i}`, values)
    }

    // As `aggregate` does, contact by contact: the same sums in the same order, a column at a
    // time. Absent caps are ±Infinity. Parts and groups no condition looks into are cached.
    const fitKept = details || [...wanted].some((w) => w.startsWith('fit'))
    // the cached column itself is compared with the last scoring's; the result has a copy
    const fitSource =
      fitKept || this.#fitReadsHistory()
        ? this.#fitPart(keep, keepColumn)
        : this.#cache.get(this.#fitKey(), () => this.#fitPart(keep, keepColumn))
    const fit = copyInto(fitSource, this.#options.reuse?.fit)

    const groups = model.engagement.groups.map((group, g) => {
      const groupKept =
        details || keep('engagementGroup', g) || group.rules.some((r) => keep('engagementRule', r.index))
      const key = canonicalJson({
        rules: group.rules.map((r) => [this.#ruleKey(r), r.min, r.max]),
        min: group.min,
        max: group.max,
      })
      return groupKept
        ? this.#engagementGroup(g, engagementRaw, keep, keepColumn)
        : this.#remember(`group:${key}`, () => this.#engagementGroup(g, engagementRaw, keep, keepColumn))
    })
    const likelihood = this.#contacts.likelihood
    const inputs: ContactInputs = {
      fit: fitSource,
      groups,
      last: model.engagement.inactivity ? this.#lastActivity() : undefined,
      likelihood,
      slots: [...slotFields.values()].map((slot) => kept.get(`${slot[0]}:${slot[1]}`)!),
    }

    // with a cache kept for the same time: redo only the contacts whose inputs changed since the
    // last scoring of a model that differs from this one in its engagement and fit rules only
    const downstream = this.#keepTimed && !details ? this.#downstreamKey() : undefined
    const before = downstream === undefined ? undefined : this.#cache.lastScoring<Downstream>(downstream)
    const rows =
      before === undefined
        ? undefined
        : changedContacts(before.inputs, inputs, n, n >> 2, this.#cache.scratch(Uint8Array, n))
    if (before !== undefined && rows !== undefined) return this.#patch(before, inputs, rows, fit)

    const engagement = new Float64Array(n)
    const total = new Float64Array(n)
    this.#sums(inputs, undefined, engagement, total)
    const [classes, reads] = this.#cache.track(() =>
      this.#classify({ fit, engagement, total }, inputs, undefined),
    )
    if (downstream !== undefined) {
      const kept: Downstream = {
        inputs: { ...inputs, likelihood: likelihood?.slice() },
        reads,
        engagement: engagement.slice(),
        total: total.slice(),
        classes: mapClasses(classes.columns, compactCodes),
        segments: classes.segments.map((bits) => bits.slice()),
        committee: classes.committee && {
          roles: classes.committee.roles.slice(),
          engaged: classes.committee.engaged.slice(),
        },
      }
      this.#cache.keepScoring(downstream, kept, () => inputArrays(kept.inputs))
    }
    const out = this.#result(
      { length: n, fit, engagement, total },
      mapClasses(classes.columns, compactCodes),
      classes.segments,
      classes.committee,
    )
    if (details) Object.defineProperty(out, 'details', { value: this.#details(kept), enumerable: true })
    return out
  }

  /**
   * The last scoring's results with the contacts at `rows` scored again (their inputs
   * changed): the other contacts' results are exact as they were. Updates `before` in place
   * (the cache's own arrays) and returns copies.
   */
  #patch(before: Downstream, inputs: ContactInputs, rows: Int32Array, fit: Float64Array): BulkScores {
    const n = this.#n
    this.#cache.patched(rows.length)
    // what the classes read (property columns, history) stays cached for the next edit
    this.#cache.keep(before.reads)
    if (rows.length > 0) {
      this.#sums(inputs, rows, before.engagement, before.total)
      const classes = this.#classify(
        {
          fit: gather(inputs.fit, rows),
          engagement: gather(before.engagement, rows),
          total: gather(before.total, rows),
        },
        inputs,
        rows,
      )
      for (const name of CLASS_NAMES) scatter(before.classes[name].codes, rows, classes.columns[name].codes)
      before.segments.forEach((bits, w) => {
        scatter(bits, rows, classes.segments[w]!)
      })
      if (before.committee !== undefined && classes.committee !== undefined) {
        scatter(before.committee.roles, rows, classes.committee.roles)
        scatter(before.committee.engaged, rows, classes.committee.engaged)
      }
      if (inputs.likelihood !== undefined)
        scatter(before.inputs.likelihood!, rows, gather(inputs.likelihood, rows))
    }
    before.inputs = { ...inputs, likelihood: before.inputs.likelihood }
    const reuse = this.#options.reuse
    return this.#result(
      {
        length: n,
        fit,
        engagement: copyInto(before.engagement, reuse?.engagement),
        total: copyInto(before.total, reuse?.total),
      },
      mapClasses(before.classes, (column, name) => copyInto(column.codes, reuse?.classes[name].codes)),
      before.segments.map((bits) => bits.slice()),
      before.committee && {
        roles: before.committee.roles.slice(),
        engaged: before.committee.engaged.slice(),
      },
    )
  }

  /**
   * Each contact's engagement and total (of every contact, or of those at `rows`), as
   * `aggregate` adds them: the groups in order, inactivity, the part's caps, then the total.
   */
  #sums(
    inputs: ContactInputs,
    rows: Int32Array | undefined,
    engagement: Float64Array,
    total: Float64Array,
  ): void {
    const model = this.#model
    const { fit, groups, last, likelihood } = inputs
    const inactivity = model.engagement.inactivity
    const from = inactivity === undefined ? 0 : this.#asOf - inactivity.afterDays * DAY_MS
    const idle = inactivity?.points ?? 0
    const lo = model.engagement.min ?? Number.NEGATIVE_INFINITY
    const hi = model.engagement.max ?? Number.POSITIVE_INFINITY
    const weight = model.predictiveWeight
    const totalMax = model.totalMax
    const count = rows === undefined ? this.#n : rows.length
    const m = groups.length
    for (let k = 0; k < count; k++) {
      const c = rows === undefined ? k : rows[k]!
      let sum = 0
      for (let g = 0; g < m; g++) sum += groups[g]![c]!
      if (last !== undefined && !(last[c]! >= from)) sum += idle
      const e = clamp(sum, lo, hi)
      engagement[c] = e
      const l = likelihood?.[c]
      const known = l !== undefined && !Number.isNaN(l)
      total[c] = clamp(fit[c]! + e + (known ? (weight * l) / 100 : 0), 0, totalMax)
    }
  }

  /** What, besides the fit part and the engagement groups' points, the classes depend on. */
  #downstreamKey(): string {
    const model = this.#model
    const doc = model.document
    return canonicalJson({
      ...doc,
      id: undefined,
      version: undefined,
      name: undefined,
      fit: doc.fit && { ...doc.fit, groups: undefined },
      engagement: doc.engagement && { ...doc.engagement, groups: doc.engagement.groups.length },
      history: model.history.map((_, i) => this.#historyKey(i)),
      asOf: this.#asOf,
      caseSensitive: this.#caseSensitive,
    })
  }

  /** The cache key of the fit part. */
  #fitKey(): string {
    return `fitPart:${canonicalJson({ fit: this.#model.document.fit, caseSensitive: this.#caseSensitive })}`
  }

  /** Whether a fit rule tests history (`did`/`didNot`): its part is not cached. */
  #fitReadsHistory(): boolean {
    return (this.#model.document.fit?.groups ?? []).some((g) => g.rules.some((r) => usesHistory(r.when)))
  }

  /** Computes the fit part into the cache, where `score` finds it unless it keeps fit columns. */
  prepareFit(): void {
    if (!this.#fitReadsHistory()) this.#cache.get(this.#fitKey(), () => this.#fitPart(NO_KEEP, () => {}))
  }

  /** The fit part per contact (clamped), keeping the rule and group columns asked for. */
  #fitPart(
    keep: (kind: Slot[0], i: number) => boolean,
    keepColumn: (kind: Slot[0], i: number, v: Float64Array) => void,
  ): Float64Array {
    const model = this.#model
    const n = this.#n
    const fitMasks = this.#fitMasks()
    const fitSum = new Float64Array(n)
    let k = 0
    model.fit.groups.forEach((group, g) => {
      const raw = new Float64Array(n)
      const matched = group.mode === 'first' ? this.#cache.scratch(Uint8Array, n) : undefined
      for (const rule of group.rules) {
        const mask = fitMasks[k]!
        const values = keep('fitRule', k) ? new Float64Array(n) : undefined
        if (matched !== undefined) firstMatchPoints(raw, mask, matched, rule.points, values)
        else sumPoints(raw, mask, rule.points, values)
        if (values !== undefined) keepColumn('fitRule', k, values)
        k++
      }
      clampColumn(raw, group.min, group.max)
      addColumn(fitSum, raw)
      keepColumn('fitGroup', g, raw)
    })
    return clampColumn(fitSum, model.fit.min, model.fit.max)
  }

  /** Engagement group `g`'s points per contact (clamped), keeping the rule and group columns asked for. */
  #engagementGroup(
    g: number,
    engagementRaw: (rule: CompiledEngagementRule) => Float64Array,
    keep: (kind: Slot[0], i: number) => boolean,
    keepColumn: (kind: Slot[0], i: number, v: Float64Array) => void,
  ): Float64Array {
    const group = this.#model.engagement.groups[g]!
    const raw = this.#column()
    for (const rule of group.rules) {
      const values = engagementRaw(rule)
      if (keep('engagementRule', rule.index)) {
        const points = clampColumn(values.slice(), rule.min, rule.max)
        addColumn(raw, points)
        keepColumn('engagementRule', rule.index, points)
      } else addClamped(raw, values, rule.min, rule.max)
    }
    clampColumn(raw, group.min, group.max)
    keepColumn('engagementGroup', g, raw)
    return raw
  }

  /** Every contact's rule and group points by id, from the kept columns. */
  #details(kept: Map<string, Float64Array>): NonNullable<BulkScores['details']> {
    const model = this.#model
    const current = createAggregate(model)
    const parts = [
      ['fitRule', current.fitRules],
      ['fitGroup', current.fitGroups],
      ['engagementRule', current.engagementRules],
      ['engagementGroup', current.engagementGroups],
    ] as const
    const columns = parts.map(([kind, values]) => Array.from(values, (_, i) => kept.get(`${kind}:${i}`)!))
    const out: NonNullable<BulkScores['details']> = []
    for (let c = 0; c < this.#n; c++) {
      parts.forEach(([, values], p) => {
        for (let i = 0; i < values.length; i++) values[i] = columns[p]![i]![c]!
      })
      out.push(pointsById(model, current))
    }
    return out
  }

  /**
   * Grades, levels, labels, bands, stages, journey, segments and committee roles, in the order
   * `classify` decides them: of every contact, or (`rows`) of those contacts only, `parts`
   * then holding their scores, row k for contact `rows[k]`.
   */
  #classify(
    parts: Pick<BulkScores, 'fit' | 'engagement' | 'total'>,
    inputs: ContactInputs,
    rows: Int32Array | undefined,
  ): Classes {
    const model = this.#model
    const n = parts.total.length
    this.#rows = rows
    const scores = this.#scores
    // the rule and group points conditions read (`score.rule.x`), in the order of `#slotFields`
    this.#slotFields.forEach((field, s) => {
      const values = inputs.slots[s]!
      scores.set(field, { kind: 'number', values: rows === undefined ? values : gather(values, rows) })
    })
    const likelihoodNull = this.#scratch(Uint8Array, n)
    const likelihoodOf = this.#scratch(Float64Array, n)
    const likelihoods = this.#contacts.likelihood
    for (let k = 0; k < n; k++) {
      const l = likelihoods?.[rows === undefined ? k : rows[k]!]
      if (l !== undefined && !Number.isNaN(l)) likelihoodOf[k] = l
      else likelihoodNull[k] = 1
    }
    scores.set('fit', { kind: 'number', values: parts.fit })
    scores.set('engagement', { kind: 'number', values: parts.engagement })
    scores.set('total', { kind: 'number', values: parts.total })
    scores.set('likelihood', { kind: 'number', values: likelihoodOf, nulls: likelihoodNull })
    const ctx = this.#context('contact')
    const none = (): FieldColumn => ({ kind: 'constant', value: null })
    for (const name of ['grade', 'level', 'label', 'band', 'stage', 'journey']) scores.set(name, none())
    scores.set('segments', { kind: 'constant', value: '' })

    const grade = thresholdClass(
      parts.fit,
      model.grades,
      model.grades.length > 0 ? 'F' : undefined,
      this.#scratch(Int32Array, n),
    )
    scores.set('grade', coded(grade))
    const level = thresholdClass(
      parts.engagement,
      model.levels,
      model.fallbackLevel,
      this.#scratch(Int32Array, n),
    )
    scores.set('level', coded(level))
    const label = labels(
      grade,
      level,
      model.grades.length > 0 && model.levels.length > 0,
      this.#scratch(Int32Array, n),
    )
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
    const committee = model.accounts ? this.#committee(ctx) : undefined
    return { columns: { grade, level, label, band, stage, journey }, segments, committee }
  }

  /** The scores with the classes and segments as strings, built when first read (a preview reads two of them). */
  #result(
    parts: Pick<BulkScores, 'length' | 'fit' | 'engagement' | 'total'>,
    classes: Record<ClassName, StoredClass>,
    segments: readonly Int32Array[],
    committee: BulkScores['committee'],
  ): BulkScores {
    const n = this.#n
    const coded: Readonly<Record<ClassName, ScoreClassColumn>> = classes
    const out = { ...parts, classes: coded, ...(committee ? { committee } : {}) }
    for (const name of CLASS_NAMES) {
      const column = classes[name]
      lazy(out, name, () => strings(column, n))
    }
    const ids = this.#model.segments.map((s) => s.id)
    lazy(out, 'segments', () => segmentLists(ids, segments, n))
    return out as BulkScores
  }

  /** The first classifier whose condition holds (none: null). */
  #firstMatch(
    ids: readonly string[],
    conditions: readonly (Condition | undefined)[],
    ctx: MaskContext,
  ): ClassColumn {
    const codes = this.#scratch(Int32Array, ctx.n).fill(-1)
    let open = ctx.n
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
    const codes = this.#scratch(Int32Array, ctx.n).fill(stages.length === 0 ? -1 : 0)
    const docs = model.document.stages ?? []
    for (let i = 0; i < stages.length; i++) {
      if (!stages[i]!.automatic) continue
      const mask = conditionMask(model, docs[i]!.when, ctx)
      for (let c = 0; c < codes.length; c++) if (mask[c] === 1) codes[c] = i
    }
    return { codes, values: stages.map((s) => s.id) }
  }

  /** Each contact's segments, as bits per 30 segments (bit i of word w: segment 30w + i). */
  #segments(ctx: MaskContext): Int32Array[] {
    const model = this.#model
    const n = ctx.n
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
    // the masks are scratch: they do not outlive the scoring
    return Array.from({ length: Math.ceil(ids.length / 30) }, (_, w) => {
      const bits = new Int32Array(n)
      for (let i = w * 30; i < Math.min(ids.length, w * 30 + 30); i++) {
        const mask = masks[i]!
        const bit = 1 << (i - w * 30)
        for (let c = 0; c < n; c++) if (mask[c] === 1) bits[c]! |= bit
      }
      return bits
    })
  }

  /** Roles and `engagedWhen` see what `evaluateAccount` shows them: the scores, and no history. */
  #committee(contact: MaskContext): { roles: Uint32Array; engaged: Uint8Array } {
    const never = contact.alloc(0)
    const classes = new Set([
      'score.grade',
      'score.level',
      'score.label',
      'score.band',
      'score.stage',
      'score.journey',
    ])
    const ctx: MaskContext = {
      n: contact.n,
      alloc: contact.alloc,
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
    const roles = new Uint32Array(contact.n)
    accounts.roles.forEach((_, r) => {
      const mask = conditionMask(this.#model, doc!.roles[r]!.when, ctx)
      for (let c = 0; c < roles.length; c++) if (mask[c] === 1) roles[c]! |= 1 << r
    })
    // a copy: the mask is scratch, the result outlives the scoring
    const engaged = conditionMask(
      this.#model,
      doc?.engagedWhen ?? { 'score.engagement': { gt: 0 } },
      ctx,
    ).slice()
    return { roles, engaged }
  }

  /**
   * A value that depends on the as-of time: kept in the cache when the caller keeps one for
   * scorings at the same time (an editor's), else just made (and freed once used).
   */
  #remember<T>(key: string, make: () => T): T {
    return this.#keepTimed ? this.#cache.get(key, make) : make()
  }

  /** A zeroed column of every contact for a value `#remember` keeps: given again once dropped. */
  #column(): Float64Array {
    return this.#keepTimed ? this.#cache.array(Float64Array, this.#n) : new Float64Array(this.#n)
  }

  /**
   * A zeroed array for the classes being decided: the cache's scratch when they are of every
   * contact, else a fresh one (a few contacts' arrays, of a length that differs each time).
   */
  #scratch<T extends Uint8Array | Int32Array | Float64Array>(
    type: new (length: number) => T,
    length: number,
  ): T {
    return this.#rows === undefined ? this.#cache.scratch(type, length) : new type(length)
  }

  /**
   * What engagement rule points depend on: the rule as written (not its caps), earlier rules
   * of a `first` group, the time; with `without` 'points', all that but its points.
   */
  #ruleKey(rule: CompiledEngagementRule, without?: 'points'): string {
    let keys = ruleKeys.get(this.#model)
    if (keys === undefined) {
      const model = this.#model
      const docs = engagementRuleDocs(model)
      const key = (r: CompiledEngagementRule, points: boolean) => {
        const group = model.engagement.groups[r.groupIndex]!
        const earlier = group.mode === 'first' ? group.rules.slice(0, group.rules.indexOf(r)) : []
        const doc = { ...docs[r.index], id: undefined, label: undefined, max: undefined, min: undefined }
        return canonicalJson({
          rule: points ? doc : { ...doc, points: undefined },
          decay: r.decay,
          earlier: earlier.map((e) => docs[e.index]!.when),
          caseSensitive: this.#caseSensitive,
        })
      }
      keys = {
        all: model.engagement.rules.map((r) => key(r, true)),
        pointless: model.engagement.rules.map((r) => key(r, false)),
      }
      ruleKeys.set(model, keys)
    }
    return `${this.#asOf}:${(without === 'points' ? keys.pointless : keys.all)[rule.index]}`
  }

  #rulePoints(rule: CompiledEngagementRule, r: number): Float64Array {
    const given = this.#options.rulePoints?.(r)
    if (given !== undefined) return given
    return this.#remember(`rule:${this.#ruleKey(rule)}`, () => {
      const { names, test } = ruleSelection(this.#model, this.#events, rule)
      if (this.#keepTimed && isSimpleRule(rule)) {
        // computed again with other points (an editor's edit after edit): the rule's matches are
        // kept, and its points follow from them without reading the events again
        const key = this.#ruleKey(rule, 'points')
        const seen = this.#cache.get(`computed:${key}`, () => ({ times: 0 }))
        if (++seen.times > 1) {
          const matches = this.#cache.get(`matches:${key}`, () =>
            simpleMatches(rule, this.#events, names, test, this.#asOf, this.#indexed),
          )
          return matchPoints(matches, rule.points, this.#n, this.#column())
        }
      }
      return rulePoints(
        rule,
        this.#events,
        names,
        test,
        this.#asOf,
        this.#n,
        this.#caseSensitive,
        this.#indexed,
        // decay factors per event are worth their memory (8 bytes an event) only when kept for the next scoring
        this.#keepTimed
          ? (name) =>
              this.#cache.get(`decay:${name}:${canonicalJson(rule.decay)}:${this.#asOf}`, () =>
                decayFactors(this.#events, name, rule.decay, this.#asOf),
              )
          : undefined,
        this.#column(),
      )
    })
  }

  /** Each contact's latest activity up to the as-of time (for inactivity). */
  #lastActivity(): Float64Array {
    const given = this.#options.lastActivity
    if (given !== undefined) return given
    const model = this.#model
    const activity = model.engagement.inactivity!.activity
    const docs = engagementRuleDocs(model)
    const positive = model.engagement.rules.filter((r) => r.points > 0)
    const key = canonicalJson({
      activity: activity === null ? positive.map((r) => docs[r.index]!.when) : [...activity].sort(),
      asOf: this.#asOf,
    })
    return this.#cache.get(`activity:${key}`, () =>
      latestActivity(model, this.#n, this.#events, this.#asOf, this.#column()),
    )
  }

  /** What history test `index` depends on: the test, the rules it names as written, the time. */
  #historyKey(index: number): string {
    const model = this.#model
    const test = model.history[index]!
    const docs = engagementRuleDocs(model)
    const byId = new Map(model.engagement.rules.map((r) => [r.id, r]))
    const rules = test.rules.map((id) => byId.get(id)).filter((r) => r !== undefined)
    return canonicalJson({ test: test.key, rules: rules.map((r) => docs[r.index]!.when), asOf: this.#asOf })
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
    holds = this.#cache.get(`history:${this.#historyKey(index)}`, () => {
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
        this.#indexed,
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
    // classifiers may be decided for some contacts only (`#rows`): their properties are read at those rows
    const rows = scope === 'contact' ? this.#rows : undefined
    const n = rows === undefined ? this.#n : rows.length
    const at =
      rows === undefined
        ? (column: FieldColumn) => column
        : (column: FieldColumn) => gatherField(column, rows)
    return {
      n,
      // fit masks are cached; classifier masks live as long as the scoring
      alloc:
        scope === 'fit'
          ? (fill) => new Uint8Array(n).fill(fill)
          : (fill) => {
              const mask = this.#scratch(Uint8Array, n)
              return fill === 0 ? mask : mask.fill(fill)
            },
      history: (index) =>
        rows === undefined ? this.#historyHolds(index) : gatherMask(this.#historyHolds(index), rows),
      // a classifier's test of a property is kept (over every contact) for the next scoring
      ...(scope === 'contact' && {
        kept: (name: string, spec: unknown) => {
          if (name.startsWith(SCORE)) return undefined
          const condition = { [name]: spec } as Condition
          const key = canonicalJson({ condition, caseSensitive: this.#caseSensitive })
          const mask = this.#cache.get(`mask:${key}`, () =>
            conditionMask(this.#model, condition, this.#context('fit')),
          )
          return rows === undefined ? mask : gatherMask(mask, rows)
        },
      }),
      field: (name) => {
        if (scope === 'contact' && name.startsWith(SCORE))
          return this.#scores.get(name.slice(SCORE.length)) ?? { kind: 'constant', value: undefined }
        if (name.startsWith(ACCOUNT)) return at(this.#propertyColumn('account', name.slice(ACCOUNT.length)))
        return at(this.#propertyColumn('contact', name))
      },
    }
  }

  /**
   * A contact or account property over the contacts: dictionary-encoded (tests run once per
   * distinct value) unless nearly every contact has its own value (an email), then as is.
   */
  #propertyColumn(source: 'contact' | 'account', path: string): FieldColumn {
    return this.#cache.get(`${source}:${path}`, () => {
      const given = this.#contacts.columns?.[source]?.get(path)
      if (given !== undefined)
        return { kind: 'coded', codes: given.codes, values: given.values, missing: undefined }
      const bags = source === 'contact' ? this.#contacts.properties : this.#contacts.accounts
      const n = this.#n
      const codes = new Int32Array(n)
      const values: unknown[] = []
      const index = new Map<unknown, number>()
      for (let c = 0; c < n; c++) {
        const v = lookup(bags?.[c], path)
        if (v === undefined) {
          codes[c] = -1
          continue
        }
        let code = index.get(v)
        if (code === undefined) {
          if (values.length >= 1024 && values.length * 2 > c) {
            const all: unknown[] = []
            for (let d = 0; d < n; d++) all.push(lookup(bags?.[d], path))
            return { kind: 'each', get: (d: number) => all[d] }
          }
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

/** Clamps every entry in place (as `clamp` of result.ts, absent bounds never clamp); returns the column. */
function clampColumn(values: Float64Array, min: number | undefined, max: number | undefined): Float64Array {
  const lo = min ?? Number.NEGATIVE_INFINITY
  const hi = max ?? Number.POSITIVE_INFINITY
  for (let c = 0; c < values.length; c++) values[c] = clamp(values[c]!, lo, hi)
  return values
}

/** A fit rule of a `sum` group: its points where it matches. */
function sumPoints(
  raw: Float64Array,
  mask: Uint8Array,
  points: number,
  values: Float64Array | undefined,
): void {
  for (let c = 0; c < raw.length; c++) {
    const p = mask[c] === 1 ? points : 0
    raw[c]! += p
    if (values !== undefined) values[c] = p
  }
}

/** A fit rule of a `first` group: its points where it matches and no earlier rule did. */
function firstMatchPoints(
  raw: Float64Array,
  mask: Uint8Array,
  matched: Uint8Array,
  points: number,
  values: Float64Array | undefined,
): void {
  for (let c = 0; c < raw.length; c++) {
    let p = 0
    if (mask[c] === 1 && matched[c] === 0) {
      p = points
      matched[c] = 1
    }
    raw[c]! += p
    if (values !== undefined) values[c] = p
  }
}

/** Adds `values`, each clamped, to `sum`. */
function addClamped(
  sum: Float64Array,
  values: Float64Array,
  min: number | undefined,
  max: number | undefined,
): void {
  const lo = min ?? Number.NEGATIVE_INFINITY
  const hi = max ?? Number.POSITIVE_INFINITY
  for (let c = 0; c < sum.length; c++) sum[c]! += clamp(values[c]!, lo, hi)
}

/** Adds `values` to `sum`, entry by entry. */
function addColumn(sum: Float64Array, values: Float64Array): void {
  for (let c = 0; c < sum.length; c++) sum[c]! += values[c]!
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
  codes: Int32Array,
): ClassColumn {
  const ids = thresholds.map(([id]) => id)
  if (thresholds.length === 0) return { codes: codes.fill(-1), values: [] }
  const fallbackCode = fallback === undefined ? -1 : ids.length
  if (fallback !== undefined) ids.push(fallback)
  const bounds = Float64Array.from(thresholds, ([, t]) => t)
  const m = bounds.length
  for (let c = 0; c < values.length; c++) {
    const v = values[c]!
    let t = 0
    while (t < m && !(v >= bounds[t]!)) t++
    codes[c] = t < m ? t : fallbackCode
  }
  return { codes, values: ids }
}

/** Grade and level together (`A1`), when the model has both. */
function labels(grade: ClassColumn, level: ClassColumn, both: boolean, codes: Int32Array): ClassColumn {
  if (!both) return { codes: codes.fill(-1), values: [] }
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

/** A class column's codes in a fresh array (the scoring's are scratch), as small as they fit. */
function compactCodes(column: ClassColumn): Codes {
  const size = column.values.length
  return size < 128
    ? Int8Array.from(column.codes)
    : size < 32768
      ? Int16Array.from(column.codes)
      : column.codes.slice()
}

/** Each class with its codes made by `codes`. */
function mapClasses<T extends { readonly codes: Codes; readonly values: readonly string[] }>(
  classes: Record<ClassName, T>,
  codes: (column: T, name: ClassName) => Codes,
): Record<ClassName, StoredClass> {
  const out = {} as Record<ClassName, StoredClass>
  for (const name of CLASS_NAMES)
    out[name] = { codes: codes(classes[name], name), values: classes[name].values }
  return out
}

/** A copy of `source`: into `target` when it is an array of the same type and length, else a new one. */
function copyInto<T extends Codes | Float64Array>(source: T, target: ArrayLike<number> | undefined): T {
  if (target === undefined || target.constructor !== source.constructor || target.length !== source.length)
    return source.slice() as T
  ;(target as T).set(source)
  return target as T
}

/** Each contact's segments from their bits (contacts in the same segments share one frozen array). */
function segmentLists(
  ids: readonly string[],
  words: readonly Int32Array[],
  n: number,
): (readonly string[])[] {
  const out: (readonly string[])[] = new Array(n)
  const shared = new Map<string, readonly string[]>()
  const first = words[0]
  for (let c = 0; c < n; c++) {
    const key = words.length <= 1 ? String(first?.[c] ?? 0) : words.map((bits) => bits[c]).join(',')
    let list = shared.get(key)
    if (list === undefined) {
      list = Object.freeze(ids.filter((_, i) => (words[Math.floor(i / 30)]![c]! & (1 << (i % 30))) !== 0))
      shared.set(key, list)
    }
    out[c] = list
  }
  return out
}

/**
 * The events rule `rule` can count: the names it can select and its test (in a `first`
 * group, an event counts for the first rule it matches only).
 */
function ruleSelection(
  model: CompiledModel,
  events: EventColumns,
  rule: CompiledEngagementRule,
): { names: Int32Array | null; test: EventTest } {
  const group = model.engagement.groups[rule.groupIndex]!
  const earlier = group.mode === 'first' ? group.rules.slice(0, group.rules.indexOf(rule)) : []
  const when: Predicate =
    earlier.length === 0 ? rule.when : (s) => rule.when(s) && !earlier.some((e) => e.when(s))
  const fields = [rule.fields, ...earlier.map((e) => e.fields)].flat()
  return {
    names: candidateNames(events, engagementRuleDocs(model)[rule.index]!.when),
    test: new EventTest(events, when, fields),
  }
}

const NO_KEEP = () => false

/**
 * Computes the fit part of a scoring of `model` over these columns (with the property columns
 * it reads) into `cache`, where the scoring given the same cache finds it: what a thread
 * waiting for another's work does meanwhile (`scoreColumnsInThreads`). A `timeless` cache
 * keeps it without keeping anything that depends on the time. `events` undefined: before the
 * events are ready (the fit part reads none unless a fit rule tests history, and then it is
 * not prepared); the first scoring with events finds it.
 */
export function prepareFit(
  model: CompiledModel,
  contacts: ContactColumns,
  events: EventColumns | undefined,
  asOf: number,
  cache: ScoreCache,
): void {
  cache.begin(contacts, events)
  try {
    const columns = events ?? new EventColumnsBuilder({ contacts: contacts.length }).finish()
    new BulkRun(model, contacts, columns, asOf, cache, true, { indexEvents: true }).prepareFit()
  } finally {
    cache.end()
  }
}

/**
 * Each contact's latest activity up to `asOf` (the time of its newest event that counts as
 * activity for inactivity; -Infinity without one), for a model with inactivity: what
 * `scoreColumns` computes, and takes from `BulkOptions.lastActivity` instead.
 */
export function latestActivity(
  model: CompiledModel,
  contacts: number,
  events: EventColumns,
  asOf: number,
  out?: Float64Array,
): Float64Array {
  const activity = model.engagement.inactivity?.activity ?? null
  const positive = model.engagement.rules.filter((r) => r.points > 0)
  const test: Predicate =
    activity === null
      ? (s) => positive.some((r) => r.when(s))
      : (s) => activity.has(s.eventName!.trim().toLowerCase())
  const fields = activity === null ? positive.flatMap((r) => r.fields) : []
  return latestMatch(events, new EventTest(events, test, fields), asOf, contacts, out)
}

/**
 * Engagement rule `r`'s decayed points per contact before its own caps, from the events as
 * of `asOf`: what `scoreColumns` computes for it, and takes from `BulkOptions.rulePoints`
 * instead (rules computed elsewhere, such as on another thread). `indexed`: read the events
 * through the name index (as `BulkOptions.indexEvents`).
 */
export function engagementRulePoints(
  model: CompiledModel,
  contacts: number,
  events: EventColumns,
  asOf: number,
  r: number,
  indexed: boolean,
): Float64Array {
  const rule = model.engagement.rules[r]!
  const { names, test } = ruleSelection(model, events, rule)
  return rulePoints(rule, events, names, test, asOf, contacts, model.document.caseSensitive ?? false, indexed)
}

/** The arrays the inputs of a kept scoring read (some of them cache entries). */
function inputArrays(inputs: ContactInputs): unknown[] {
  return [inputs.fit, ...inputs.groups, inputs.last, ...inputs.slots]
}

/** Defines `name` on `target` as the value `make` gives when first read. */
function lazy(target: object, name: string, make: () => unknown): void {
  Object.defineProperty(target, name, {
    enumerable: true,
    configurable: true,
    get() {
      const value = make()
      Object.defineProperty(target, name, { value, enumerable: true })
      return value
    },
  })
}

function strings(
  column: { codes: ArrayLike<number>; values: readonly string[] },
  n: number,
): (string | null)[] {
  const out: (string | null)[] = new Array(n).fill(null)
  const { codes, values } = column
  for (let c = 0; c < n; c++) if (codes[c]! >= 0) out[c] = values[codes[c]!]!
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

/** The conditions of the classifiers: bands, stages, journey, segments, committee roles and engagement. */
export function classifierConditions(model: CompiledModel): (Condition | undefined)[] {
  const doc = model.document
  return [
    ...(doc.bands ?? []).map((b) => b.when),
    ...(doc.stages ?? []).map((s) => s.when),
    ...(doc.journey ?? []).map((j) => j.when),
    ...(doc.segments ?? []).map((s) => s.when),
    ...(doc.accounts?.committee?.roles ?? []).map((r) => r.when),
    doc.accounts?.committee?.engagedWhen,
  ]
}

/** Every field the classifier conditions test. */
function classifierFields(model: CompiledModel): Set<string> {
  const fields = new Set<string>()
  for (const condition of classifierConditions(model)) conditionFields(condition, fields)
  return fields
}

const ruleKeys = new WeakMap<CompiledModel, { all: string[]; pointless: string[] }>()

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
