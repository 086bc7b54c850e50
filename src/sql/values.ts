/**
 * Conditions as SQL: the operators of model-format.md over a value that is a column of some
 * type, a computed score, or missing, with the engine's rules (src/core/conditions.ts,
 * values.ts): strings trimmed and lower-cased, numbers parsed from text, ISO dates for order
 * operators with a date bound, a missing value matching only `exists: false`, `ne`, `notIn`.
 * Every test is a boolean that is never NULL.
 * @module
 */
import { eventNames } from '../core/conditions.js'
import type { Condition, HistoryTest, Operators, Scalar } from '../core/model/types.js'
import { dateOf, isIsoDate, normalizeText, numberOf } from '../core/values.js'
import type { SqlDialect } from './dialect.js'
import { numberSql } from './literal.js'

/** The SQL type of a column as the compiler treats it. */
export type SqlColumnType = 'text' | 'number' | 'boolean' | 'timestamp'

/** A value a condition tests: an SQL expression of a kind, or a missing value. */
export type SqlValue =
  | {
      readonly kind: 'text' | 'number' | 'boolean' | 'timestamp'
      readonly sql: string
      /** A text with no white space at its ends (a class the query computed): no trim needed. */
      readonly trimmed?: boolean
      /** The text trimmed, computed once (event properties). */
      readonly trimmedSql?: string
      /** The text trimmed and lower-cased, computed once (event properties). */
      readonly lowerSql?: string
    }
  | { readonly kind: 'missing' }

export const MISSING: SqlValue = { kind: 'missing' }

/** A construct a dialect cannot express, where it is in the model. */
export interface UnsupportedConstruct {
  /** Where: `engagement.groups[0].rules[1].when.job_title.matches`. */
  readonly path: string
  readonly problem: string
}

/** What conditions read in one place of the model. */
export interface ConditionScope {
  /** The value of a field (`job_title`, `account.industry`, `score.total`). */
  field(name: string, path: string): SqlValue
  /** The boolean column of `did` test `test`, or undefined where history cannot be read. */
  history(test: HistoryTest, path: string): string | undefined
  /**
   * In engagement rules: a boolean (never NULL) that holds when the event's name, lower-cased
   * (not trimmed, as the engine matches `event`), is one of `names` (lower-cased, not empty).
   */
  readonly eventIs?: ((names: ReadonlySet<string>) => string) | undefined
}

/** Writes conditions for one dialect, collecting what it cannot express. */
export class ConditionWriter {
  readonly unsupported: UnsupportedConstruct[] = []

  readonly d: SqlDialect
  readonly caseSensitive: boolean

  constructor(d: SqlDialect, caseSensitive: boolean) {
    this.d = d
    this.caseSensitive = caseSensitive
  }

  /** A condition as an SQL boolean; `undefined` is always true. */
  condition(condition: Condition | undefined, scope: ConditionScope, path: string): string {
    if (condition === undefined) return this.d.true
    const parts: string[] = []
    for (const [key, spec] of Object.entries(condition)) {
      if (spec === undefined) continue
      const at = `${path}.${key}`
      if (key === 'all' || key === 'any') {
        const subs = (spec as readonly Condition[]).map((c, i) => this.condition(c, scope, `${at}[${i}]`))
        if (subs.length === 0) parts.push(key === 'all' ? this.d.true : this.d.false)
        else parts.push(`(${subs.join(key === 'all' ? ' AND ' : ' OR ')})`)
      } else if (key === 'not') {
        parts.push(`(NOT ${this.condition(spec as Condition, scope, at)})`)
      } else if (key === 'did' || key === 'didNot') {
        const column = scope.history(spec as HistoryTest, at)
        if (column === undefined) parts.push(key === 'did' ? this.d.false : this.d.true)
        else parts.push(key === 'did' ? column : `(NOT ${column})`)
      } else if (key === 'event') {
        const names = eventNames(spec as string | readonly string[])
        if (names === null) continue
        if (scope.eventIs === undefined) {
          parts.push(this.d.false)
          continue
        }
        parts.push(names.size === 0 ? this.d.false : scope.eventIs(names))
      } else {
        parts.push(this.valueTest(spec as Operators | Scalar | readonly Scalar[], scope.field(key, at), at))
      }
    }
    if (parts.length === 0) return this.d.true
    return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`
  }

  /** An operator object (or scalar / list shorthand) on one value. */
  valueTest(spec: Operators | Scalar | readonly Scalar[], value: SqlValue, path: string): string {
    const ops: Operators = Array.isArray(spec)
      ? { in: spec as readonly Scalar[] }
      : spec === null || typeof spec !== 'object'
        ? { eq: spec as Scalar }
        : (spec as Operators)
    const d = this.d
    const tests: string[] = []
    const present = this.present(value)
    if (ops.eq !== undefined) tests.push(this.equals(ops.eq, value, `${path}.eq`))
    if (ops.ne !== undefined) {
      tests.push(
        ops.ne === null ? present : `(NOT ${present} OR NOT ${this.equals(ops.ne, value, `${path}.ne`)})`,
      )
    }
    if (ops.in !== undefined) tests.push(this.member(ops.in, value, `${path}.in`))
    if (ops.notIn !== undefined) {
      const member = this.member(ops.notIn, value, `${path}.notIn`)
      const allowsMissing = !ops.notIn.includes(null)
      tests.push(`(CASE WHEN ${present} THEN NOT ${member} ELSE ${allowsMissing ? d.true : d.false} END)`)
    }
    for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
      const bound = ops[op]
      if (bound === undefined) continue
      const useDate = typeof bound === 'string' && isIsoDate(bound)
      const b = useDate ? dateOf(bound) : numberOf(bound)
      const x = useDate ? this.date(value) : this.number(value)
      const sign = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[op]
      tests.push(Number.isNaN(b) || x === undefined ? d.false : d.isTrue(`${x} ${sign} ${numberSql(d, b)}`))
    }
    if (ops.matches !== undefined) {
      const translated = d.regex(ops.matches)
      const text = this.text(value, `${path}.matches`)
      if (!translated.ok) {
        this.unsupported.push({
          path: `${path}.matches`,
          problem: `${d.name} cannot run this regular expression: ${translated.reason}`,
        })
        tests.push(d.false)
      } else if (text === undefined) tests.push(d.false)
      else
        tests.push(
          d.isTrue(d.matches(this.caseSensitive ? text : this.trimmedText(value, text), translated.pattern)),
        )
    }
    for (const op of ['contains', 'startsWith', 'endsWith'] as const) {
      const needle = ops[op]
      if (needle === undefined) continue
      const n = normalizeText(needle, this.caseSensitive)
      const text = this.normalized(value, `${path}.${op}`)
      if (text === undefined) tests.push(d.false)
      else if (n === '') tests.push(present)
      else tests.push(d.isTrue(d[op](text, n)))
    }
    if (ops.exists !== undefined) tests.push(ops.exists ? present : `(NOT ${present})`)
    if (tests.length === 0) return d.true
    return tests.length === 1 ? tests[0]! : `(${tests.join(' AND ')})`
  }

  /** True when the value is present. */
  present(value: SqlValue): string {
    return value.kind === 'missing' ? this.d.false : `(${value.sql} IS NOT NULL)`
  }

  /** `textOf(value)` (undefined when missing), or undefined with an unsupported entry. */
  text(value: SqlValue, path: string): string | undefined {
    switch (value.kind) {
      case 'missing':
        return undefined
      case 'text':
        return value.sql
      case 'number':
        return this.d.numberText(value.sql)
      case 'boolean':
        return `(CASE WHEN ${value.sql} THEN 'true' WHEN NOT ${value.sql} THEN 'false' END)`
      case 'timestamp':
        this.unsupported.push({
          path,
          problem:
            'a string operator on a timestamp column: its text differs from the source file; store it as text',
        })
        return undefined
    }
  }

  /** `normalizeText(textOf(value))`. */
  normalized(value: SqlValue, path: string): string | undefined {
    const text = this.text(value, path)
    if (text === undefined) return undefined
    if (value.kind === 'text' && value.trimmedSql !== undefined && value.lowerSql !== undefined) {
      return this.caseSensitive ? value.trimmedSql : value.lowerSql
    }
    const trimmed = value.kind !== 'missing' && value.trimmed === true ? text : this.d.trim(text)
    return this.caseSensitive ? trimmed : this.d.lower(trimmed)
  }

  /** The text trimmed. */
  trimmedText(value: SqlValue, text: string): string {
    if (value.kind === 'text' && value.trimmedSql !== undefined) return value.trimmedSql
    return value.kind !== 'missing' && value.trimmed === true ? text : this.d.trim(text)
  }

  /** `numberOf(value)`, NULL when not a number; undefined when it never is. */
  number(value: SqlValue): string | undefined {
    switch (value.kind) {
      case 'text':
        return this.d.parseNumber(this.trimmedText(value, value.sql))
      case 'number':
        return value.sql
      default:
        return undefined
    }
  }

  /** `dateOf(value)`: epoch ms of an ISO text. */
  date(value: SqlValue): string | undefined {
    if (value.kind === 'text') return this.d.parseIsoDate(this.trimmedText(value, value.sql))
    if (value.kind === 'timestamp') return this.d.timestampMs(value.sql)
    return undefined
  }

  equals(target: Scalar, value: SqlValue, path: string): string {
    const d = this.d
    if (target === null) return `(NOT ${this.present(value)})`
    if (typeof target === 'number') {
      const x = this.number(value)
      return x === undefined ? d.false : d.isTrue(`${x} = ${numberSql(d, target)}`)
    }
    if (typeof target === 'boolean') {
      if (value.kind === 'boolean') return d.isTrue(`${value.sql} = ${target ? d.true : d.false}`)
      if (value.kind !== 'text') return d.false
      return d.isTrue(
        `${value.lowerSql ?? d.lower(this.trimmedText(value, value.sql))} = ${d.str(String(target))}`,
      )
    }
    const text = this.normalized(value, path)
    return text === undefined
      ? d.false
      : d.isTrue(`${text} = ${d.str(normalizeText(target, this.caseSensitive))}`)
  }

  member(list: readonly Scalar[], value: SqlValue, path: string): string {
    const texts = [
      ...new Set(list.filter((t) => typeof t === 'string').map((t) => normalizeText(t, this.caseSensitive))),
    ]
    const parts: string[] = []
    if (texts.length > 0) {
      const text = this.normalized(value, path)
      if (text !== undefined)
        parts.push(this.d.isTrue(`${text} IN (${texts.map((t) => this.d.str(t)).join(', ')})`))
    }
    for (const target of list) if (typeof target !== 'string') parts.push(this.equals(target, value, path))
    if (parts.length === 0) return this.d.false
    return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`
  }
}
