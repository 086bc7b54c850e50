/**
 * PostgreSQL: `FILTER` aggregates, ARE regular expressions (`~*`, `\y` for word boundaries),
 * named subqueries.
 * @module
 */
import { EPOCH_PATTERN, ISO_DATE_PATTERN, JS_SPACE, NUMBER_PATTERN, type SqlDialect } from './dialect.js'
import { doubleQuoted, singleQuoted } from './quote.js'
import { translateRegex } from './regex.js'

export const postgres: SqlDialect = {
  name: 'postgres',
  ctes: true,
  ident: doubleQuoted,
  str: singleQuoted,
  true: 'TRUE',
  false: 'FALSE',
  isTrue: (x) => `coalesce(${x}, FALSE)`,
  trim: (x) => `btrim(${x}, ${singleQuoted(JS_SPACE)})`,
  lower: (x) => `lower(${x})`,
  parseNumber: (t) => `CASE WHEN ${t} ~ ${singleQuoted(NUMBER_PATTERN)} THEN (${t})::float8 END`,
  parseIsoDate: (t) =>
    `CASE WHEN ${t} ~ ${singleQuoted(ISO_DATE_PATTERN)} THEN floor(extract(epoch FROM (${t})::timestamptz) * 1000)::float8 END`,
  parseEventTime: (t) =>
    `CASE WHEN ${t} ~ ${singleQuoted(EPOCH_PATTERN)} THEN (${t})::float8 ELSE floor(extract(epoch FROM (${t})::timestamptz) * 1000)::float8 END`,
  timestampMs: (x) => `floor(extract(epoch FROM ${x}) * 1000)::float8`,
  numberText: (x) =>
    `CASE WHEN ${x} = trunc(${x}) AND abs(${x}) < 1e15 THEN ((${x})::bigint)::text ELSE (${x})::float8::text END`,
  regex: (pattern) => translateRegex(pattern, { flavor: 'postgres' }),
  matches: (x, pattern) => `(${x} ~* ${singleQuoted(pattern)})`,
  contains: (x, n) => `(strpos(${x}, ${singleQuoted(n)}) > 0)`,
  startsWith: (x, n) => `starts_with(${x}, ${singleQuoted(n)})`,
  endsWith: (x, n) => `(right(${x}, ${[...n].length}) = ${singleQuoted(n)})`,
  aggIf: (fn, expr, cond) =>
    fn === 'count' ? `count(*) FILTER (WHERE ${cond})` : `${fn}(${expr}) FILTER (WHERE ${cond})`,
  anyIf: (cond) => `coalesce(bool_or(${cond}), FALSE)`,
  top3: (expr) =>
    `coalesce((SELECT sum(v) FROM unnest((array_agg(${expr} ORDER BY ${expr} DESC))[1:3]) AS t(v)), 0)`,
  joinIds: (list) =>
    list.length === 0
      ? `''`
      : `concat_ws('|', ${list.map(([c, id]) => `CASE WHEN ${c} THEN ${singleQuoted(id)} END`).join(', ')})`,
  leftJoin: (right, key) => `LEFT JOIN ${right} USING (${doubleQuoted(key)})`,
  settings: '',
}
