/**
 * What the parsers of a model source say went wrong (JSON, regular expressions, RE2), as
 * stable codes: an issue keeps the parser's English words as `detail` and the code beside
 * them, so the message catalog can say the same in another language without those words.
 * @module
 */

/** `(pattern, code)` pairs tried in order on a parser's message; the first match wins. */
type Table = readonly (readonly [RegExp, string])[]

function classify(table: Table, message: string): string {
  for (const [pattern, code] of table) if (pattern.test(message)) return code
  return 'other'
}

const JSON_PROBLEMS: Table = [
  [/end of JSON input/i, 'end'],
  [/':' after property name/i, 'colon'],
  [/property name/i, 'name'],
  [/',' or '[}\]]'/i, 'comma'],
  [/non-whitespace character after JSON/i, 'after'],
  [/unterminated string/i, 'string'],
  [/bad control character/i, 'control'],
  [/bad escaped character/i, 'escape'],
  [/minus sign|exponent part|fractional number/i, 'number'],
  [/unexpected token/i, 'token'],
]

/**
 * What `JSON.parse` found wrong, from its message: `end` (the text stops early), `name` (a
 * name without double quotes, or a trailing comma), `colon`, `comma`, `after` (text after the
 * value), `string`, `control`, `escape`, `number`, `token` (a character that cannot be there), `other`.
 */
export function jsonProblem(message: string): string {
  return classify(JSON_PROBLEMS, message)
}

const REGEX_PROBLEMS: Table = [
  [/unterminated group/i, 'group'],
  [/unmatched '\)'/i, 'unmatched'],
  [/nothing to repeat|lone quantifier/i, 'repeat'],
  [/unterminated character class/i, 'class'],
  [/numbers out of order/i, 'order'],
  [/range out of order/i, 'range'],
  [/\\ at end of pattern/i, 'backslash'],
  [/capture group name/i, 'groupName'],
  [/invalid group/i, 'invalidGroup'],
  [/invalid escape/i, 'escape'],
]

/**
 * What `new RegExp` found wrong, from its message: `group` (a `(` never closed), `unmatched`
 * (a `)` never opened), `repeat`, `class`, `order`, `range`, `backslash`, `groupName`,
 * `invalidGroup`, `escape`, `other`.
 */
export function regexProblem(message: string): string {
  return classify(REGEX_PROBLEMS, message)
}

const RE2_PROBLEMS: Table = [
  [/unsupported perl syntax/i, 'perl'],
  [/invalid named capture/i, 'perl'],
  [/invalid escape/i, 'escape'],
  [/repeat count/i, 'repeatCount'],
  [/nested repetition/i, 'nestedRepeat'],
  [/duplicate capture group name/i, 'groupName'],
  [/character class/i, 'class'],
]

/**
 * What RE2 refuses in a pattern, from its message: `perl` (lookarounds and other Perl
 * syntax), `escape` (such as the backreference `\1`), `repeatCount`, `nestedRepeat`,
 * `groupName`, `class`, `other`; and the part of the pattern it names (`construct`, or '').
 */
export function re2Problem(message: string): { re2Problem: string; construct: string } {
  return { re2Problem: classify(RE2_PROBLEMS, message), construct: /`([^`]*)`/.exec(message)?.[1] ?? '' }
}
