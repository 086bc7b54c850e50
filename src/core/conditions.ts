/**
 * Compiles model conditions into predicates. One compiler serves every place a condition
 * appears: fit rules (contact and account properties), engagement rules (event name and
 * event properties), classifiers (properties, `score.*` fields, `did` / `didNot`).
 * @module
 */
import type { Condition, HistoryTest, Operators, Scalar } from './model/types.js'
import { compilePattern } from './pattern.js'
import { dateOf, isIsoDate, isMissing, lookup, normalizeText, numberOf, textOf } from './values.js'

/** What a compiled condition reads. */
export interface Scope {
  /** The value of a field (`job_title`, `account.industry`, `score.total`, an event property). */
  get(field: string): unknown
  /** The outcome of history test number `index` (see `CompiledConditions.history`). */
  history(index: number): boolean
  /** The event name, when the scope is an event. */
  readonly eventName?: string | undefined
}

export type Predicate = (scope: Scope) => boolean
export type ValueTest = (value: unknown) => boolean

/** A `did` / `didNot` history test, deduplicated across the model. */
export interface CompiledHistoryTest {
  readonly key: string
  /** Lower-cased event names, or `null` for `any`. */
  readonly events: ReadonlySet<string> | null
  /** Engagement rule ids whose `when` selects the events. */
  readonly rules: readonly string[]
  readonly withinDays: number | undefined
  readonly atLeast: number
}

const COMBINATORS = new Set(['all', 'any', 'not', 'did', 'didNot'])

/** Compiles conditions for one model, collecting the history tests they use. */
export class ConditionCompiler {
  readonly history: CompiledHistoryTest[] = []
  readonly #historyIndex = new Map<string, number>()
  readonly #caseSensitive: boolean

  constructor(options: { caseSensitive?: boolean | undefined } = {}) {
    this.#caseSensitive = options.caseSensitive ?? false
  }

  /** A predicate for `condition`; `undefined` compiles to "always true". */
  compile(condition: Condition | undefined): Predicate {
    if (condition === undefined) return () => true
    const parts: Predicate[] = []
    for (const [key, spec] of Object.entries(condition)) {
      if (spec === undefined) continue
      if (key === 'all') {
        const subs = (spec as readonly Condition[]).map((c) => this.compile(c))
        parts.push((s) => subs.every((p) => p(s)))
      } else if (key === 'any') {
        const subs = (spec as readonly Condition[]).map((c) => this.compile(c))
        parts.push((s) => subs.some((p) => p(s)))
      } else if (key === 'not') {
        const sub = this.compile(spec as Condition)
        parts.push((s) => !sub(s))
      } else if (key === 'did' || key === 'didNot') {
        const index = this.#historyTest(spec as HistoryTest)
        parts.push(key === 'did' ? (s) => s.history(index) : (s) => !s.history(index))
      } else if (key === 'event') {
        const names = eventNames(spec as string | readonly string[])
        if (names !== null)
          parts.push((s) => s.eventName !== undefined && names.has(s.eventName.toLowerCase()))
      } else {
        const test = this.valueTest(spec as Operators | Scalar | readonly Scalar[])
        parts.push((s) => test(s.get(key)))
      }
    }
    if (parts.length === 0) return () => true
    if (parts.length === 1) return parts[0]!
    return (s) => {
      for (const p of parts) if (!p(s)) return false
      return true
    }
  }

  /** A test of one value against an operator object (or the scalar / list shorthand). */
  valueTest(spec: Operators | Scalar | readonly Scalar[]): ValueTest {
    return compileOperators(toOperators(spec), this.#caseSensitive)
  }

  #historyTest(test: HistoryTest): number {
    const events = test.event === undefined ? undefined : eventNames(test.event)
    const rules = test.rule === undefined ? [] : typeof test.rule === 'string' ? [test.rule] : [...test.rule]
    const key = JSON.stringify([
      events === undefined ? [] : events === null ? '*' : [...events].sort(),
      [...rules].sort(),
      test.withinDays ?? null,
      test.atLeast ?? 1,
    ])
    const known = this.#historyIndex.get(key)
    if (known !== undefined) return known
    const index = this.history.length
    this.history.push({
      key,
      events: events === undefined ? new Set() : events,
      rules,
      withinDays: test.withinDays,
      atLeast: test.atLeast ?? 1,
    })
    this.#historyIndex.set(key, index)
    return index
  }
}

/** True when a condition key is a combinator rather than a field. */
export function isCombinator(key: string): boolean {
  return COMBINATORS.has(key)
}

/** Lower-cased event names, or `null` when the list includes `any`. */
export function eventNames(spec: string | readonly string[]): ReadonlySet<string> | null {
  const list = typeof spec === 'string' ? [spec] : spec
  const names = new Set(list.map((n) => n.trim().toLowerCase()))
  return names.has('any') ? null : names
}

function toOperators(spec: Operators | Scalar | readonly Scalar[]): Operators {
  if (Array.isArray(spec)) return { in: spec as readonly Scalar[] }
  if (spec === null || typeof spec !== 'object') return { eq: spec as Scalar }
  return spec as Operators
}

/** Compiles an operator object to a value test with the semantics of model-format.md. */
export function compileOperators(ops: Operators, caseSensitive: boolean): ValueTest {
  const tests: ValueTest[] = []
  const eqOf = (target: Scalar) => equalsTest(target, caseSensitive)
  if (ops.eq !== undefined) tests.push(eqOf(ops.eq))
  if (ops.ne !== undefined) {
    const eq = eqOf(ops.ne)
    tests.push(ops.ne === null ? (v) => !isMissing(v) : (v) => isMissing(v) || !eq(v))
  }
  if (ops.in !== undefined) tests.push(memberTest(ops.in, caseSensitive))
  if (ops.notIn !== undefined) {
    const member = memberTest(ops.notIn, caseSensitive)
    const allowsMissing = !ops.notIn.includes(null)
    tests.push((v) => (isMissing(v) ? allowsMissing : !member(v)))
  }
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
    const bound = ops[op]
    if (bound !== undefined) tests.push(requirePresent(orderTest(op, bound)))
  }
  if (ops.matches !== undefined) {
    const test = compilePattern(ops.matches)
    tests.push(requirePresent((v) => test(caseSensitive ? textOf(v) : textOf(v).trim())))
  }
  for (const op of ['contains', 'startsWith', 'endsWith'] as const) {
    const needle = ops[op]
    if (needle === undefined) continue
    const n = normalizeText(needle, caseSensitive)
    const fn =
      op === 'contains'
        ? (t: string) => t.includes(n)
        : op === 'startsWith'
          ? (t: string) => t.startsWith(n)
          : (t: string) => t.endsWith(n)
    tests.push(requirePresent((v) => fn(normalizeText(textOf(v), caseSensitive))))
  }
  if (ops.exists !== undefined) {
    const want = ops.exists
    tests.push((v) => isMissing(v) !== want)
  }
  if (tests.length === 0) return () => true
  if (tests.length === 1) return tests[0]!
  return (v) => {
    for (const t of tests) if (!t(v)) return false
    return true
  }
}

/**
 * `in`: equal to one of `list`. String targets are looked up in a set of normalized texts,
 * so the value is normalized once however long the list; other targets are tested one by one.
 */
function memberTest(list: readonly Scalar[], caseSensitive: boolean): ValueTest {
  const texts = new Set<string>()
  const others: ValueTest[] = []
  for (const target of list) {
    if (typeof target === 'string') texts.add(normalizeText(target, caseSensitive))
    else others.push(equalsTest(target, caseSensitive))
  }
  return (v) => {
    if (
      texts.size > 0 &&
      !isMissing(v) &&
      typeof v !== 'object' &&
      texts.has(normalizeText(textOf(v), caseSensitive))
    ) {
      return true
    }
    for (const eq of others) if (eq(v)) return true
    return false
  }
}

function requirePresent(test: ValueTest): ValueTest {
  return (v) => !isMissing(v) && test(v)
}

/**
 * Equality: numbers numerically, booleans by value (or "true"/"false"), strings normalized.
 * A missing value equals only `null`.
 */
function equalsTest(target: Scalar, caseSensitive: boolean): ValueTest {
  if (target === null) return isMissing
  if (typeof target === 'number') return (v) => numberOf(v) === target
  if (typeof target === 'boolean') {
    const text = String(target)
    return (v) => v === target || (typeof v === 'string' && v.trim().toLowerCase() === text)
  }
  const want = normalizeText(target, caseSensitive)
  return (v) => !isMissing(v) && typeof v !== 'object' && normalizeText(textOf(v), caseSensitive) === want
}

/** Order comparison on numbers, or on ISO dates when the bound is a date string. */
function orderTest(op: 'gt' | 'gte' | 'lt' | 'lte', bound: number | string): ValueTest {
  const useDate = typeof bound === 'string' && isIsoDate(bound)
  const b = useDate ? dateOf(bound) : numberOf(bound)
  const read = useDate ? dateOf : numberOf
  switch (op) {
    case 'gt':
      return (v) => read(v) > b
    case 'gte':
      return (v) => read(v) >= b
    case 'lt':
      return (v) => read(v) < b
    case 'lte':
      return (v) => read(v) <= b
  }
}

export { lookup }
