/**
 * ClickHouse, down to 18.16 (Debian bookworm's): `-If` aggregates instead of `FILTER`, no
 * `WITH` subqueries and one JOIN per SELECT (`ANY LEFT JOIN ... USING`), RE2 through
 * `match`. `match` of 18.16 pre-filters on the literal parts of a pattern case-sensitively,
 * so `(?i)` alone misses `ABC` for `abc`: the text and the pattern's literals are lower-cased
 * first, which matches the same texts.
 * @module
 */
import { EPOCH_PATTERN, ISO_DATE_PATTERN, JS_SPACE, NUMBER_PATTERN, type SqlDialect } from './dialect.js'
import { backquoted, clickhouseString } from './quote.js'
import { translateRegex } from './regex.js'

const spaceClass = `[${[...JS_SPACE].map((c) => `\\\\x{${c.codePointAt(0)!.toString(16)}}`).join('')}]`

export const clickhouse: SqlDialect = {
  name: 'clickhouse',
  ctes: false,
  ident: backquoted,
  str: clickhouseString,
  true: '1',
  false: '0',
  isTrue: (x) => `coalesce(${x}, 0)`,
  trim: (x) => `replaceRegexpAll(${x}, '^${spaceClass}+|${spaceClass}+$', '')`,
  lower: (x) => `lowerUTF8(${x})`,
  parseNumber: (t) => `if(match(${t}, ${clickhouseString(NUMBER_PATTERN)}), toFloat64OrNull(${t}), NULL)`,
  parseIsoDate: (t) => `if(match(${t}, ${clickhouseString(ISO_DATE_PATTERN)}), ${isoMs(t)}, NULL)`,
  parseEventTime: (t) =>
    `if(match(${t}, ${clickhouseString(EPOCH_PATTERN)}), toFloat64OrNull(${t}), ${isoMs(t)})`,
  timestampMs: (x) => `toFloat64(toUnixTimestamp(${x})) * 1000`,
  numberText: (x) => `toString(${x})`,
  regex: (pattern) => {
    const t = translateRegex(pattern, { flavor: 're2', lowerLiterals: true })
    return t.ok ? { ok: true, pattern: `(?i)(?:${t.pattern})` } : t
  },
  matches: (x, pattern) => `match(lowerUTF8(${x}), ${clickhouseString(pattern)})`,
  contains: (x, n) => `(position(${x}, ${clickhouseString(n)}) > 0)`,
  startsWith: (x, n) => `startsWith(${x}, ${clickhouseString(n)})`,
  endsWith: (x, n) => `endsWith(${x}, ${clickhouseString(n)})`,
  aggIf: (fn, expr, cond) =>
    fn === 'count' ? `countIf(${cond})` : `if(countIf(${cond}) > 0, ${fn}If(${expr}, ${cond}), NULL)`,
  anyIf: (cond) => `(countIf(${cond}) > 0)`,
  top3: (expr) => `arraySum(arraySlice(arrayReverseSort(groupArray(toFloat64(${expr}))), 1, 3))`,
  joinIds: (list) =>
    list.length === 0
      ? `''`
      : `arrayStringConcat(arrayFilter(x -> x != '', [${list.map(([c, id]) => `if(${c}, ${clickhouseString(id)}, '')`).join(', ')}]), '|')`,
  leftJoin: (right, key) => `ANY LEFT JOIN ${right} USING ${backquoted(key)}`,
  settings: " SETTINGS join_use_nulls = 1, distributed_product_mode = 'local'",
}

/** Epoch ms of an ISO-8601 text: whole seconds from parseDateTimeBestEffort, then the milliseconds. */
function isoMs(t: string): string {
  const frac = `extract(${t}, '[.]([0-9]{1,3})')`
  return `(toFloat64(toUnixTimestamp(parseDateTimeBestEffortOrNull(${t}))) * 1000 + if(${frac} = '', 0, toFloat64(toUInt32OrZero(${frac})) * pow(10, 3 - length(${frac}))))`
}
