/**
 * What differs between the SQL engines the compiler writes for: quoting, the few functions
 * the model's semantics need, conditional aggregates, and whether a query may name its
 * intermediate results (`WITH`). One implementation per file: duckdb.ts, postgres.ts,
 * clickhouse.ts.
 * @module
 */

/** The SQL engines `compileToSql` writes for. */
export type DialectName = 'duckdb' | 'postgres' | 'clickhouse'

export const DIALECTS: readonly DialectName[] = ['duckdb', 'postgres', 'clickhouse']

/** A regular expression a dialect can run, or why it cannot. */
export type RegexTranslation =
  | { readonly ok: true; readonly pattern: string }
  | { readonly ok: false; readonly reason: string }

export interface SqlDialect {
  readonly name: DialectName
  /** Named subqueries (`WITH x AS (...)`); without them each is written where it is used. */
  readonly ctes: boolean
  /** A quoted identifier. */
  ident(name: string): string
  /** A string literal. */
  str(text: string): string
  readonly true: string
  readonly false: string
  /** Boolean `x`, false when NULL. */
  isTrue(x: string): string
  /** JavaScript's `String.prototype.trim` of a text. */
  trim(x: string): string
  /** JavaScript's `toLowerCase` of a text. */
  lower(x: string): string
  /** JavaScript's `Number(text)` when `text` (trimmed) is a plain decimal number, else NULL. */
  parseNumber(trimmed: string): string
  /** Epoch milliseconds of an ISO-8601 date (trimmed text), else NULL. */
  parseIsoDate(trimmed: string): string
  /** Epoch milliseconds of an event time held as text (ISO-8601 or epoch ms), else NULL. */
  parseEventTime(text: string): string
  /** Epoch milliseconds of a timestamp column. */
  timestampMs(x: string): string
  /** JavaScript's `String(n)` of a number column. */
  numberText(x: string): string
  /** A JavaScript regular expression (flag `i`) as this dialect's, or why it cannot be. */
  regex(pattern: string): RegexTranslation
  /** Boolean: `x` matches `pattern` (a translated pattern), case-insensitive. */
  matches(x: string, pattern: string): string
  contains(x: string, needle: string): string
  startsWith(x: string, needle: string): string
  endsWith(x: string, needle: string): string
  /** `fn(expr)` over the rows where `cond` holds; NULL when there are none (count: 0). */
  aggIf(fn: 'sum' | 'min' | 'max' | 'count', expr: string, cond: string): string
  /** Whether any row has `cond` (an aggregate, never NULL). */
  anyIf(cond: string): string
  /** The sum of the three largest values of `expr` in the group (an aggregate). */
  top3(expr: string): string
  /** The ids whose condition holds, joined with `|` ('' when none). */
  joinIds(list: readonly (readonly [cond: string, id: string])[]): string
  /** LEFT JOIN of `right` (a relation) on the column `key`, present on both sides. */
  leftJoin(right: string, key: string): string
  /** Settings appended to the query, if any. */
  readonly settings: string
}

/** JavaScript's white space, as `String.prototype.trim` removes it. */
export const JS_SPACE =
  ' \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'

/** A plain decimal number, as `numberOf` (src/core/values.ts) accepts it. */
export const NUMBER_PATTERN = '^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$'
/** An ISO-8601 date or date-time, as `isIsoDate` accepts it. */
export const ISO_DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T t][0-9:.]+([Zz]|[-+][0-9]{2}:?[0-9]{2})?)?$'
/** Epoch milliseconds written as digits, as `parseTimestamp` accepts them. */
export const EPOCH_PATTERN = '^-?[0-9]+([.][0-9]+)?$'

/** SQL literal of a finite number. */
export function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`)
  const text = String(n)
  return /[.e]/.test(text) ? text : `${text}.0`
}
