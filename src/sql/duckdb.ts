/**
 * DuckDB: `FILTER` aggregates, RE2 regular expressions (`regexp_matches`), named subqueries.
 * @module
 */
import { EPOCH_PATTERN, ISO_DATE_PATTERN, JS_SPACE, NUMBER_PATTERN, type SqlDialect } from './dialect.js'
import { doubleQuoted, singleQuoted } from './quote.js'
import { translateRegex } from './regex.js'

const SPACE = `[${[...JS_SPACE].map((c) => `\\x{${c.codePointAt(0)!.toString(16)}}`).join('')}]`

/**
 * RE2 over the JavaScript white space (faster in DuckDB than `trim(x, characters)`). A column
 * is first tested for white space at either end, which is cheaper than rewriting every text
 * (most have none); any other expression is rewritten directly, so it is evaluated once.
 */
function trim(x: string): string {
  const replace = `regexp_replace(${x}, '^${SPACE}+|${SPACE}+$', '', 'g')`
  if (!/^"(?:[^"]|"")*"$/.test(x)) return replace
  return `CASE WHEN regexp_matches(${x}, '^${SPACE}|${SPACE}$') THEN ${replace} ELSE ${x} END`
}

export const duckdb: SqlDialect = {
  name: 'duckdb',
  ctes: true,
  ident: doubleQuoted,
  str: singleQuoted,
  true: 'TRUE',
  false: 'FALSE',
  isTrue: (x) => `coalesce(${x}, FALSE)`,
  trim,
  lower: (x) => `lower(${x})`,
  parseNumber: (t) =>
    `CASE WHEN regexp_full_match(${t}, ${singleQuoted(NUMBER_PATTERN)}) THEN TRY_CAST(${t} AS DOUBLE) END`,
  parseIsoDate: (t) =>
    `CASE WHEN regexp_full_match(${t}, ${singleQuoted(ISO_DATE_PATTERN)}) THEN epoch_ms(TRY_CAST(${t} AS TIMESTAMPTZ))::DOUBLE END`,
  parseEventTime: (t) =>
    `CASE WHEN regexp_full_match(${t}, ${singleQuoted(EPOCH_PATTERN)}) THEN TRY_CAST(${t} AS DOUBLE) ELSE epoch_ms(TRY_CAST(${t} AS TIMESTAMPTZ))::DOUBLE END`,
  timestampMs: (x) => `epoch_ms(${x})::DOUBLE`,
  numberText: (x) =>
    `CASE WHEN ${x} = trunc(${x}) AND abs(${x}) < 1e15 THEN CAST(CAST(${x} AS BIGINT) AS VARCHAR) ELSE CAST(${x} AS VARCHAR) END`,
  regex: (pattern) => translateRegex(pattern, { flavor: 're2' }),
  matches: (x, pattern) => `regexp_matches(${x}, ${singleQuoted(pattern)}, 'i')`,
  contains: (x, n) => `contains(${x}, ${singleQuoted(n)})`,
  startsWith: (x, n) => `starts_with(${x}, ${singleQuoted(n)})`,
  endsWith: (x, n) => `suffix(${x}, ${singleQuoted(n)})`,
  aggIf: (fn, expr, cond) =>
    fn === 'count' ? `count(*) FILTER (WHERE ${cond})` : `${fn}(${expr}) FILTER (WHERE ${cond})`,
  anyIf: (cond) => `coalesce(bool_or(${cond}), FALSE)`,
  top3: (expr) => `coalesce(list_sum(list_slice(list_sort(list(${expr}), 'DESC'), 1, 3)), 0)`,
  joinIds: (list) =>
    list.length === 0
      ? `''`
      : `concat_ws('|', ${list.map(([c, id]) => `CASE WHEN ${c} THEN ${singleQuoted(id)} END`).join(', ')})`,
  leftJoin: (right, key) => `LEFT JOIN ${right} USING (${doubleQuoted(key)})`,
  settings: '',
}
