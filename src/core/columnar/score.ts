/**
 * The bulk scorer: scores every contact from `EventColumns` in one pass, with no per-event
 * allocation. Gives the same numbers and classes as `evaluateContact` (a property test
 * holds it to that), without the ledger. Event matching is computed once per distinct
 * combination of event name and tested property values, not once per event.
 * @module
 */
import {
  aggregate,
  aggregateFields,
  createAggregate,
  fitRuleCount,
  fitRulePoints,
  pointsById,
} from '../aggregate.js'
import { classify, contactScope } from '../classify.js'
import { type CompiledEngagementRule, type CompiledModel, decayFactor } from '../compile.js'
import type { Scope } from '../conditions.js'
import { DAY_MS, type Properties } from '../input.js'
import { type EventMatch, matchEvent } from '../state.js'
import { isMissing, lookup, normalizeText, textOf } from '../values.js'
import type { EventColumns } from './events.js'

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
}

/** Scores every contact of `contacts` with its events in `events`, as of `asOf`. */
export function scoreColumns(
  model: CompiledModel,
  contacts: ContactColumns,
  events: EventColumns,
  asOf: number,
  options: BulkOptions = {},
): BulkScores {
  const n = contacts.length
  const { matchOf, ruleStart, ruleList, historyStart, historyList, activity } = matchEvents(model, events)
  const rules = model.engagement.rules
  const R = rules.length
  const H = model.history.length
  const caseSensitive = model.document.caseSensitive ?? false
  const plans = rules.map((r) => planRule(r, asOf, events, caseSensitive))
  const historyFrom = model.history.map((t) =>
    t.withinDays === undefined ? Number.NEGATIVE_INFINITY : asOf - t.withinDays * DAY_MS,
  )

  const raw = new Float64Array(R)
  const taken = new Uint8Array(R)
  const lastBucket = new Float64Array(R)
  const counted = new Int32Array(R)
  const newest = new Float64Array(R)
  const historyCount = new Int32Array(H)
  const inactivity = model.engagement.inactivity
  const sums = createAggregate(model)
  const fitBuffer = new Float64Array(fitRuleCount(model))
  const fields = aggregateFields(model, sums, null)

  const out: BulkScores = {
    length: n,
    fit: new Float64Array(n),
    engagement: new Float64Array(n),
    total: new Float64Array(n),
    grade: new Array(n),
    level: new Array(n),
    label: new Array(n),
    band: new Array(n),
    stage: new Array(n),
    journey: new Array(n),
    segments: new Array(n),
    ...(options.details ? { details: new Array(n) } : {}),
    ...(model.accounts ? { committee: { roles: new Uint32Array(n), engaged: new Uint8Array(n) } } : {}),
  }
  const roles = model.accounts?.roles ?? []
  if (roles.length > 32) throw new RangeError('the bulk scorer supports at most 32 committee roles')

  const { ts, offsets } = events
  for (let c = 0; c < n; c++) {
    raw.fill(0)
    taken.fill(0)
    lastBucket.fill(Number.NaN)
    counted.fill(0)
    newest.fill(Number.NEGATIVE_INFINITY)
    historyCount.fill(0)
    let lastActivity = Number.NEGATIVE_INFINITY
    const stamp = c + 1
    const from = c < events.contacts ? offsets[c]! : 0
    const to = c < events.contacts ? offsets[c + 1]! : 0
    for (let i = from; i < to; i++) {
      const t = ts[i]!
      if (t > asOf) break
      const m = matchOf[i]!
      for (let k = ruleStart[m]!, end = ruleStart[m + 1]!; k < end; k++) {
        const r = ruleList[k]!
        const p = plans[r]!
        if (p.simple) {
          // the common rule (every event counts, no window, no count): decay inline, as decayFactor does
          const age = (asOf - t) / DAY_MS
          raw[r]! +=
            p.decayKind === HALF_LIFE
              ? p.points * Math.exp(-age * p.decayParam)
              : p.decayKind === LINEAR
                ? p.points * Math.max(0, 1 - age / p.decayParam)
                : p.points * 1
          continue
        }
        if (p.distinct) {
          const code = p.distinct.codes[i]!
          const key = code < 0 ? p.distinct.missingKey : p.distinct.normalized[code]!
          if (p.distinct.seen[key] === stamp) continue
          p.distinct.seen[key] = stamp
        }
        if (p.first) {
          if (taken[r]) continue
          taken[r] = 1
        }
        if (p.bucketMs > 0) {
          const b = Math.floor(t / p.bucketMs)
          if (b === lastBucket[r]) continue
          lastBucket[r] = b
        }
        if (t < p.windowFrom) continue
        if (p.count) {
          if (t >= p.countFrom) {
            counted[r]!++
            newest[r] = t
          }
        } else {
          raw[r]! += p.rule.points * decayFactor(p.rule.decay, (asOf - t) / DAY_MS)
        }
      }
      for (let k = historyStart[m]!, end = historyStart[m + 1]!; k < end; k++) {
        const h = historyList[k]!
        if (t >= historyFrom[h]!) historyCount[h]!++
      }
      if (activity[m] === 1 && t > lastActivity) lastActivity = t
    }
    for (let r = 0; r < R; r++) {
      const p = plans[r]!
      if (p.count) {
        // like the evaluator: a count that holds with no counted event (`lt: 3`, none) gives nothing
        raw[r] =
          counted[r]! > 0 && p.count.test(counted[r]!)
            ? p.rule.points * decayFactor(p.rule.decay, (asOf - newest[r]!) / DAY_MS)
            : 0
      }
    }

    const properties = contacts.properties[c] ?? {}
    const account = contacts.accounts?.[c]
    const history = (h: number) => historyCount[h]! >= model.history[h]!.atLeast
    const propsScope: Scope = {
      get: (field) =>
        field.startsWith('account.') ? lookup(account, field.slice(8)) : lookup(properties, field),
      history,
    }
    const likelihoodValue = contacts.likelihood?.[c]
    const likelihood = likelihoodValue === undefined || Number.isNaN(likelihoodValue) ? null : likelihoodValue
    const inactive = inactivity !== undefined && !(lastActivity >= asOf - inactivity.afterDays * DAY_MS)
    const a = aggregate(
      model,
      fitRulePoints(model, propsScope, fitBuffer),
      raw,
      inactive,
      likelihood,
      undefined,
      sums,
    )
    const contact = { id: contacts.ids[c]!, properties, account }
    fields.likelihood = likelihood
    const scope = contactScope(contact, fields, history)
    const classes = classify(model, scope, null)
    if (out.committee) {
      let bits = 0
      for (let r = 0; r < roles.length; r++) if (roles[r]!.when(scope)) bits |= 1 << r
      out.committee.roles[c] = bits >>> 0
      out.committee.engaged[c] = model.accounts!.engagedWhen(scope) ? 1 : 0
    }
    out.fit[c] = a.fit
    out.engagement[c] = a.engagement
    out.total[c] = a.total
    out.grade[c] = classes.grade
    out.level[c] = classes.level
    out.label[c] = classes.label
    out.band[c] = classes.band
    out.stage[c] = classes.stage
    out.journey[c] = classes.journey
    out.segments[c] = classes.segments
    if (out.details) out.details[c] = pointsById(model, a)
  }
  return out
}

const NO_DECAY = 0
const HALF_LIFE = 1
const LINEAR = 2

interface RulePlan {
  readonly rule: CompiledEngagementRule
  /** Every matching event counts, with no window and no count: the fast path. */
  readonly simple: boolean
  readonly points: number
  readonly decayKind: typeof NO_DECAY | typeof HALF_LIFE | typeof LINEAR
  /** The half-life rate (ln 2 / days) or the linear days. */
  readonly decayParam: number
  readonly first: boolean
  readonly bucketMs: number
  readonly windowFrom: number
  readonly count: CompiledEngagementRule['count']
  readonly countFrom: number
  readonly distinct:
    | { codes: Int32Array; normalized: Int32Array; missingKey: number; seen: Int32Array }
    | undefined
}

function planRule(
  rule: CompiledEngagementRule,
  asOf: number,
  events: EventColumns,
  caseSensitive: boolean,
): RulePlan {
  let distinct: RulePlan['distinct']
  if (rule.distinct !== undefined) {
    const column = events.properties.get(rule.distinct)
    const values = column?.values ?? []
    // values that compare equal (trimmed, case-insensitive) share one key
    const keys = new Map<string, number>()
    const normalized = new Int32Array(values.length)
    values.forEach((v, i) => {
      const k = isMissing(v) ? '\u0000' : normalizeText(textOf(v), caseSensitive)
      let key = keys.get(k)
      if (key === undefined) {
        key = keys.size
        keys.set(k, key)
      }
      normalized[i] = key
    })
    distinct = {
      codes: column?.codes ?? new Int32Array(events.length).fill(-1),
      normalized,
      missingKey: keys.size,
      seen: new Int32Array(keys.size + 1),
    }
  }
  const decay = rule.decay
  return {
    rule,
    simple:
      rule.occurrences.kind === 'all' &&
      rule.distinct === undefined &&
      rule.windowDays === undefined &&
      rule.count === undefined,
    points: rule.points,
    decayKind: decay.kind === 'halfLife' ? HALF_LIFE : decay.kind === 'linear' ? LINEAR : NO_DECAY,
    decayParam: decay.kind === 'halfLife' ? decay.rate : decay.kind === 'linear' ? decay.days : 0,
    first: rule.occurrences.kind === 'first',
    bucketMs: rule.occurrences.kind === 'perDays' ? rule.occurrences.days * DAY_MS : 0,
    windowFrom: rule.windowDays === undefined ? Number.NEGATIVE_INFINITY : asOf - rule.windowDays * DAY_MS,
    count: rule.count,
    countFrom:
      rule.count?.withinDays === undefined ? Number.NEGATIVE_INFINITY : asOf - rule.count.withinDays * DAY_MS,
    distinct,
  }
}

/**
 * Every event's match, computed once per distinct signature (event name and the codes of
 * the properties that `when` conditions test) and flattened into typed arrays for the scan.
 */
interface MatchTable {
  /** Per event: its match number. */
  readonly matchOf: Int32Array
  /** Rule indexes of match m: ruleList[ruleStart[m] .. ruleStart[m + 1]). */
  readonly ruleStart: Int32Array
  readonly ruleList: Int32Array
  /** History test indexes of match m, likewise. */
  readonly historyStart: Int32Array
  readonly historyList: Int32Array
  /** Whether match m is activity. */
  readonly activity: Uint8Array
}

function matchEvents(model: CompiledModel, events: EventColumns): MatchTable {
  // only the fields that `when` conditions test decide a match (not `distinct` keys)
  const tested = new Set(model.engagement.rules.flatMap((r) => r.fields))
  const fields = [...tested].filter((f) => events.properties.has(f))
  const columns = fields.map((f) => events.properties.get(f)!)
  const codes = columns.map((c) => c.codes)
  const radix = columns.map((c) => c.values.length + 1)
  let space = events.names.length
  for (const r of radix) space *= r
  const matches: EventMatch[] = []
  const compute = (i: number): number => {
    const properties: Record<string, unknown> = {}
    columns.forEach((col, k) => {
      const code = col.codes[i]!
      if (code >= 0) properties[fields[k]!] = col.values[code]
    })
    matches.push(matchEvent(model, { id: '', name: events.names[events.name[i]!]!, ts: 0, properties }))
    return matches.length - 1
  }
  const matchOf = new Int32Array(events.length)
  const names = events.name
  if (space <= 1 << 24) {
    const table = new Int32Array(space).fill(-1)
    for (let i = 0; i < events.length; i++) {
      let sig = names[i]!
      for (let k = 0; k < codes.length; k++) sig = sig * radix[k]! + codes[k]![i]! + 1
      let m = table[sig]!
      if (m < 0) {
        m = compute(i)
        table[sig] = m
      }
      matchOf[i] = m
    }
  } else {
    const map = new Map<string, number>()
    for (let i = 0; i < events.length; i++) {
      let key = String(names[i])
      for (let k = 0; k < codes.length; k++) key += `,${codes[k]![i]}`
      let m = map.get(key)
      if (m === undefined) {
        m = compute(i)
        map.set(key, m)
      }
      matchOf[i] = m
    }
  }
  const flatten = (lists: readonly (readonly number[])[]) => {
    const start = new Int32Array(lists.length + 1)
    lists.forEach((l, m) => {
      start[m + 1] = start[m]! + l.length
    })
    const list = new Int32Array(start[lists.length]!)
    lists.forEach((l, m) => {
      list.set(l, start[m]!)
    })
    return { start, list }
  }
  const rules = flatten(matches.map((m) => m.rules))
  const history = flatten(matches.map((m) => m.history))
  return {
    matchOf,
    ruleStart: rules.start,
    ruleList: rules.list,
    historyStart: history.start,
    historyList: history.list,
    activity: Uint8Array.from(matches, (m) => (m.activity ? 1 : 0)),
  }
}
