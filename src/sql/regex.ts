/**
 * Rewrites a JavaScript regular expression (as the model uses it: flag `i`, no `u`) for
 * RE2 (DuckDB, ClickHouse) or PostgreSQL's ARE, so that it matches the same texts, or says
 * why it cannot: RE2 has no lookaround and no back-references; neither has named
 * back-references. The constructs whose meaning differs are spelled out: `.` (JavaScript
 * excludes every line terminator), `\s` (JavaScript's Unicode white space), `\b` (a word
 * boundary, `\y` in PostgreSQL), `\uHHHH`.
 * @module
 */
import type { RegexTranslation } from './dialect.js'

export type RegexFlavor = 're2' | 'postgres'

export interface RegexOptions {
  readonly flavor: RegexFlavor
  /** Lower-case literal letters (for engines that match a lower-cased text). */
  readonly lowerLiterals?: boolean
}

const SPACE_MEMBERS =
  '\\t\\n\\x0b\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}'
const PG_SPACE_MEMBERS =
  '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff'

/** Translates `source` (JavaScript syntax) for `options.flavor`. */
export function translateRegex(source: string, options: RegexOptions): RegexTranslation {
  const pg = options.flavor === 'postgres'
  const space = pg ? PG_SPACE_MEMBERS : SPACE_MEMBERS
  const unicode = (hex: string) => (pg ? `\\u${hex.padStart(4, '0')}` : `\\x{${hex}}`)
  const lit = (c: string) => (options.lowerLiterals ? c.toLowerCase() : c)
  let out = ''
  let inClass = false
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!
    if (c === '\\') {
      const n = source[i + 1]
      if (n === undefined) return { ok: false, reason: 'the expression ends with a backslash' }
      i++
      if ('dDwW'.includes(n)) out += `\\${n}`
      else if (n === 's') out += inClass ? space : `[${space}]`
      else if (n === 'S') {
        if (inClass) return { ok: false, reason: '\\S inside a character class' }
        out += `[^${space}]`
      } else if (n === 'b') out += inClass ? '\\x08' : pg ? '\\y' : '\\b'
      else if (n === 'B') out += pg ? '\\Y' : '\\B'
      else if ('nrtf'.includes(n)) out += `\\${n}`
      else if (n === 'v') out += pg ? '\\v' : '\\x0b'
      else if (n === '0' && !/[0-9]/.test(source[i + 1] ?? '')) out += pg ? '\\x00' : '\\x00'
      else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(source.slice(i + 1, i + 3))) {
        out += `\\x${source.slice(i + 1, i + 3)}`
        i += 2
      } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 1, i + 5))) {
        out += unicode(source.slice(i + 1, i + 5))
        i += 4
      } else if (n === 'c' && /^[a-zA-Z]$/.test(source[i + 1] ?? '')) {
        out += unicode((source.charCodeAt(i + 1) % 32).toString(16))
        i += 1
      } else if (/[1-9]/.test(n)) {
        if (inClass) out += unicode(Number.parseInt(n, 8).toString(16))
        else if (pg) out += `\\${n}`
        else return { ok: false, reason: `back-reference \\${n} (RE2 has none)` }
      } else if (n === 'k' && source[i + 1] === '<')
        return { ok: false, reason: 'named back-reference \\k<...>' }
      else if (/[a-zA-Z0-9]/.test(n))
        out += lit(n) // an identity escape: the letter itself
      else out += `\\${n}`
      continue
    }
    if (inClass) {
      if (c === ']') inClass = false
      out += c === '[' ? '\\[' : lit(c)
      continue
    }
    if (c === '[') {
      inClass = true
      out += c
      if (source[i + 1] === '^') {
        out += '^'
        i++
      }
      if (source[i + 1] === ']') {
        // JavaScript: `[]` matches nothing, `[^]` anything; the others read `]` as a literal
        return { ok: false, reason: 'an empty character class ([] or [^])' }
      }
      continue
    }
    if (c === '(' && source[i + 1] === '?') {
      const rest = source.slice(i + 2)
      if (rest.startsWith(':')) {
        out += '(?:'
        i += 2
      } else if (rest.startsWith('=') || rest.startsWith('!')) {
        if (!pg) return { ok: false, reason: `lookahead (?${rest[0]} (RE2 has none)` }
        out += `(?${rest[0]}`
        i += 2
      } else if (rest.startsWith('<=') || rest.startsWith('<!')) {
        if (!pg) return { ok: false, reason: `lookbehind (?${rest.slice(0, 2)} (RE2 has none)` }
        out += `(?${rest.slice(0, 2)}`
        i += 3
      } else if (rest.startsWith('<')) {
        const end = rest.indexOf('>')
        if (end < 0) return { ok: false, reason: 'an unterminated group name' }
        out += pg ? '(' : `(?P<${rest.slice(1, end)}>`
        i += 2 + end
      } else return { ok: false, reason: `the group (?${rest[0] ?? ''}` }
      continue
    }
    if (c === '.') {
      out += pg ? '[^\\n\\r\\u2028\\u2029]' : '[^\\n\\r\\x{2028}\\x{2029}]'
      continue
    }
    out += lit(c)
  }
  if (inClass) return { ok: false, reason: 'an unterminated character class' }
  return { ok: true, pattern: out }
}
