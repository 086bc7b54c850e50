/**
 * One engagement rule over every contact at once: its decayed points before its own caps
 * (what `evaluateRule` gives as `raw`), as a column. Also the per-contact facts that
 * history tests and inactivity read. Each scans only the events it can match, in row order
 * (contact, then time), so each contact's sum adds the same terms in the same order as the
 * evaluator does.
 * @module
 */
import type { CompiledDecay, CompiledEngagementRule } from '../compile.js'
import { decayFactor } from '../compile.js'
import { eventNames } from '../conditions.js'
import { DAY_MS } from '../input.js'
import type { Condition } from '../model/types.js'
import { isMissing, normalizeText, textOf } from '../values.js'
import { type EventTest, nameIndex } from './event-match.js'
import type { EventColumns } from './events.js'

/**
 * The name codes a condition can select (its top-level `event` key), or `null` when it may
 * select any name. A superset is enough: the predicate still decides every event.
 */
export function candidateNames(events: EventColumns, when: Condition | undefined): Int32Array | null {
  const spec = when?.event
  if (spec === undefined) return null
  const wanted = eventNames(spec)
  if (wanted === null) return null
  const codes: number[] = []
  events.names.forEach((name, code) => {
    // as the compiled condition compares: the event name lower-cased, not trimmed
    if (wanted.has(name.toLowerCase())) codes.push(code)
  })
  return Int32Array.from(codes)
}

/**
 * Calls `visit(i, c)` for every event row `i` (of contact `c`) up to `asOf` whose name is
 * one of `names` (all when null) and that `test` selects, in row order.
 */
export function forEachMatch(
  events: EventColumns,
  names: Int32Array | null,
  test: EventTest,
  asOf: number,
  indexed: boolean,
  visit: (i: number, c: number) => void,
): void {
  const { ts, offsets } = events
  let c = 0
  const scan = (i: number) => {
    if (ts[i]! > asOf || !test.matches(i)) return
    while (offsets[c + 1]! <= i) c++
    visit(i, c)
  }
  const rows = names === null ? null : rowsOf(events, names, indexed)
  if (rows instanceof Int32Array) {
    for (let k = 0; k < rows.length; k++) scan(rows[k]!)
    return
  }
  const name = events.name
  for (let i = 0; i < events.length; i++) if (rows === null || rows[name[i]!] === 1) scan(i)
}

/**
 * The rows of the events with one of `names`, in row order, from the name index; without
 * it (`indexed` false: the index costs 4 bytes an event), a mask of the names to scan all
 * rows with.
 */
function rowsOf(events: EventColumns, names: Int32Array, indexed: boolean): Int32Array | Uint8Array {
  if (!indexed) {
    const mask = new Uint8Array(events.names.length)
    for (const k of names) mask[k] = 1
    return mask
  }
  const { start, positions } = nameIndex(events)
  if (names.length === 1) return positions.subarray(start[names[0]!]!, start[names[0]! + 1]!)
  let total = 0
  for (const k of names) total += start[k + 1]! - start[k]!
  const rows = new Int32Array(total)
  let at = 0
  for (const k of names) {
    rows.set(positions.subarray(start[k]!, start[k + 1]!), at)
    at += start[k + 1]! - start[k]!
  }
  return rows.sort()
}

/**
 * The rule's decayed points per contact before its own caps, as of `asOf`: `n` entries
 * (contacts without events get 0). `test` selects the events the rule counts (its `when`,
 * and no earlier rule of a `first` group). Written into `out` when given (zeroed, `n` long).
 */
export function rulePoints(
  rule: CompiledEngagementRule,
  events: EventColumns,
  names: Int32Array | null,
  test: EventTest,
  asOf: number,
  n: number,
  caseSensitive: boolean,
  indexed: boolean,
  factors?: (name: number) => Float64Array,
  out: Float64Array = new Float64Array(n),
): Float64Array {
  const distinct =
    rule.distinct === undefined ? undefined : distinctKeys(events, rule.distinct, caseSensitive)
  const first = rule.occurrences.kind === 'first'
  const bucketMs = rule.occurrences.kind === 'perDays' ? rule.occurrences.days * DAY_MS : 0
  const windowFrom =
    rule.windowDays === undefined ? Number.NEGATIVE_INFINITY : asOf - rule.windowDays * DAY_MS
  const count = rule.count
  const countFrom =
    count?.withinDays === undefined ? Number.NEGATIVE_INFINITY : asOf - count.withinDays * DAY_MS
  const points = rule.points
  const decay = rule.decay
  const kind = decay.kind
  const rate = decay.kind === 'halfLife' ? decay.rate : 0
  const days = decay.kind === 'linear' ? decay.days : 0
  const simple = isSimpleRule(rule)

  if (simple) {
    if (indexed && names !== null && names.length === 1 && factors !== undefined) {
      const answers = test.answersFor(names[0]!)
      if (answers !== undefined) {
        simpleOneName(events, names[0]!, answers, test.codes, factors(names[0]!), points, out)
        return out
      }
    }
    // the common rule: every selected event counts, decayed (as decayFactor does, inline)
    const { ts, offsets } = events
    const selected = names === null ? null : rowsOf(events, names, indexed)
    const rows = selected instanceof Int32Array ? selected : null
    const nameMask = selected instanceof Uint8Array ? selected : null
    const total = rows === null ? events.length : rows.length
    const fast = test.table
    const name = events.name
    let c = 0
    for (let k = 0; k < total; k++) {
      const i = rows === null ? k : rows[k]!
      if (nameMask !== null && nameMask[name[i]!] === 0) continue
      const t = ts[i]!
      if (t > asOf) continue
      if (fast !== undefined) {
        let sig = events.name[i]!
        for (let f = 0; f < fast.codes.length; f++) sig = sig * fast.radix[f]! + fast.codes[f]![i]! + 1
        const m = fast.table[sig]!
        if (m === 0 || (m < 0 && !test.decide(i))) continue
      } else if (!test.matches(i)) continue
      while (offsets[c + 1]! <= i) c++
      const age = (asOf - t) / DAY_MS
      out[c]! +=
        kind === 'halfLife'
          ? points * Math.exp(-age * rate)
          : kind === 'linear'
            ? points * Math.max(0, 1 - age / days)
            : points * 1
    }
    return out
  }

  // per contact: whether the first event was taken, the last bucket, the count and the newest counted event
  let current = -1
  let taken = false
  let lastBucket = Number.NaN
  let counted = 0
  let newest = Number.NEGATIVE_INFINITY
  const settle = () => {
    if (current >= 0 && count) {
      // like the evaluator: a count that holds with no counted event (`lt: 3`, none) gives nothing
      out[current] =
        counted > 0 && count.test(counted) ? points * decayFactor(decay, (asOf - newest) / DAY_MS) : 0
    }
  }
  forEachMatch(events, names, test, asOf, indexed, (i, c) => {
    if (c !== current) {
      settle()
      current = c
      taken = false
      lastBucket = Number.NaN
      counted = 0
      newest = Number.NEGATIVE_INFINITY
    }
    const t = events.ts[i]!
    if (distinct) {
      const code = distinct.codes[i]!
      const key = code < 0 ? distinct.missingKey : distinct.normalized[code]!
      if (distinct.seen[key] === c + 1) return
      distinct.seen[key] = c + 1
    }
    if (first) {
      if (taken) return
      taken = true
    }
    if (bucketMs > 0) {
      const b = Math.floor(t / bucketMs)
      if (b === lastBucket) return
      lastBucket = b
    }
    if (t < windowFrom) return
    if (count) {
      if (t >= countFrom) {
        counted++
        newest = t
      }
    } else {
      out[c]! += points * decayFactor(decay, (asOf - t) / DAY_MS)
    }
  })
  settle()
  return out
}

/** Whether every event the rule selects counts, decayed (no `first`, `perDays`, `distinct`, window or count). */
export function isSimpleRule(rule: CompiledEngagementRule): boolean {
  return (
    rule.occurrences.kind === 'all' &&
    rule.distinct === undefined &&
    rule.windowDays === undefined &&
    !rule.count
  )
}

/** The events a simple rule counts, in row order: each one's contact and decay factor. */
export interface RuleMatches {
  readonly contacts: Int32Array
  readonly factors: Float64Array
}

/**
 * The events a simple rule (`isSimpleRule`) counts up to `asOf`, with their decay factors:
 * its points per contact are then `matchPoints(matches, points)` whatever its points, exactly
 * the sums `rulePoints` makes (the same terms in the same order).
 */
export function simpleMatches(
  rule: CompiledEngagementRule,
  events: EventColumns,
  names: Int32Array | null,
  test: EventTest,
  asOf: number,
  indexed: boolean,
): RuleMatches {
  let contacts = new Int32Array(1024)
  let factors = new Float64Array(1024)
  let size = 0
  forEachMatch(events, names, test, asOf, indexed, (i, c) => {
    if (size === contacts.length) {
      const grown = new Int32Array(size * 2)
      grown.set(contacts)
      contacts = grown
      const more = new Float64Array(size * 2)
      more.set(factors)
      factors = more
    }
    contacts[size] = c
    factors[size++] = decayFactor(rule.decay, (asOf - events.ts[i]!) / DAY_MS)
  })
  return { contacts: contacts.slice(0, size), factors: factors.slice(0, size) }
}

/** A simple rule's points per contact (`n` entries) from its matches, into `out` when given (zeroed). */
export function matchPoints(
  matches: RuleMatches,
  points: number,
  n: number,
  out: Float64Array = new Float64Array(n),
): Float64Array {
  const { contacts, factors } = matches
  for (let k = 0; k < contacts.length; k++) out[contacts[k]!]! += points * factors[k]!
  return out
}

/**
 * A simple rule over the events of one name: `answers` by the code of the one property it
 * tests (or one answer), `factors` the decay factor of each of the name's events (NaN after
 * the as-of time).
 */
function simpleOneName(
  events: EventColumns,
  name: number,
  answers: Uint8Array,
  codes: Int32Array | undefined,
  factors: Float64Array,
  points: number,
  out: Float64Array,
): void {
  if (codes === undefined && answers[0] === 0) return
  const { start, positions } = nameIndex(events)
  const from = start[name]!
  const count = start[name + 1]! - from
  const offsets = events.offsets
  let c = 0
  for (let k = 0; k < count; k++) {
    const f = factors[k]!
    if (Number.isNaN(f)) continue // after the as-of time
    const i = positions[from + k]!
    if (codes !== undefined && answers[codes[i]! + 1] === 0) continue
    while (offsets[c + 1]! <= i) c++
    out[c]! += points * f
  }
}

/**
 * The decay factor of every event of one name as of `asOf`, in the order of the name's rows
 * (`nameIndex`), as `decayFactor` computes it; NaN for events after `asOf`.
 */
export function decayFactors(
  events: EventColumns,
  name: number,
  decay: CompiledDecay,
  asOf: number,
): Float64Array {
  const { start, positions } = nameIndex(events)
  const from = start[name]!
  const out = new Float64Array(start[name + 1]! - from)
  const ts = events.ts
  const rate = decay.kind === 'halfLife' ? decay.rate : 0
  const days = decay.kind === 'linear' ? decay.days : 0
  for (let k = 0; k < out.length; k++) {
    const t = ts[positions[from + k]!]!
    if (t > asOf) {
      out[k] = Number.NaN
      continue
    }
    const age = (asOf - t) / DAY_MS
    out[k] =
      decay.kind === 'halfLife'
        ? Math.exp(-age * rate)
        : decay.kind === 'linear'
          ? Math.max(0, 1 - age / days)
          : 1
  }
  return out
}

/** Keys of a `distinct` property: values that compare equal (trimmed, case-insensitive) share one. */
function distinctKeys(events: EventColumns, property: string, caseSensitive: boolean) {
  const column = events.properties.get(property)
  const values = column?.values ?? []
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
  return {
    codes: column?.codes ?? new Int32Array(events.length).fill(-1),
    normalized,
    missingKey: keys.size,
    seen: new Int32Array(keys.size + 1),
  }
}

/**
 * Per contact, how many events `test` selects between `from` and `asOf` (a `did` test
 * counts them against its `atLeast`).
 */
export function countMatches(
  events: EventColumns,
  names: Int32Array | null,
  test: EventTest,
  from: number,
  asOf: number,
  n: number,
  indexed: boolean,
): Int32Array {
  const out = new Int32Array(n)
  const ts = events.ts
  forEachMatch(events, names, test, asOf, indexed, (i, c) => {
    if (ts[i]! >= from) out[c]!++
  })
  return out
}

/**
 * Per contact, the time of its latest event up to `asOf` that `test` selects (-Infinity when
 * none); in `into` when given (`n` long).
 */
export function latestMatch(
  events: EventColumns,
  test: EventTest,
  asOf: number,
  n: number,
  into: Float64Array = new Float64Array(n),
): Float64Array {
  const out = into.fill(Number.NEGATIVE_INFINITY)
  const { ts, offsets } = events
  const m = Math.min(n, events.contacts)
  for (let c = 0; c < m; c++) {
    // rows are in time order: the latest match is the first one met going back
    for (let i = offsets[c + 1]! - 1; i >= offsets[c]!; i--) {
      if (ts[i]! <= asOf && test.matches(i)) {
        out[c] = ts[i]!
        break
      }
    }
  }
  return out
}
