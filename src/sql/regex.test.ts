import { describe, expect, it } from 'vitest'
import { translateRegex } from './regex.js'

const re2 = (source: string) => translateRegex(source, { flavor: 're2' })
const pg = (source: string) => translateRegex(source, { flavor: 'postgres' })

describe('JavaScript regular expressions for RE2 and PostgreSQL', () => {
  it('keeps what means the same in both', () => {
    expect(re2('^(vp|head)\\d{2,}[a-z]*$')).toEqual({ ok: true, pattern: '^(vp|head)\\d{2,}[a-z]*$' })
    expect(pg('(?:a|b)+?x')).toEqual({ ok: true, pattern: '(?:a|b)+?x' })
  })

  it('writes a word boundary as \\y in PostgreSQL, and \\b inside a class as backspace', () => {
    expect(pg('\\bvp\\B')).toEqual({ ok: true, pattern: '\\yvp\\Y' })
    expect(re2('\\bvp\\b')).toEqual({ ok: true, pattern: '\\bvp\\b' })
    expect(re2('[\\b]')).toEqual({ ok: true, pattern: '[\\x08]' })
  })

  it('spells out `.` and \\s as JavaScript reads them', () => {
    const dot = re2('a.b')
    expect(dot.ok && dot.pattern).toBe('a[^\\n\\r\\x{2028}\\x{2029}]b')
    const space = pg('\\s')
    expect(space.ok && space.pattern).toContain('\\u00a0')
    expect(space.ok && space.pattern.startsWith('[')).toBe(true)
  })

  it('says why RE2 cannot run lookaround and back-references, which PostgreSQL can', () => {
    expect(re2('^(?!assistant)')).toEqual({ ok: false, reason: 'lookahead (?! (RE2 has none)' })
    expect(re2('(?<=@)gmail')).toEqual({ ok: false, reason: 'lookbehind (?<= (RE2 has none)' })
    expect(re2('(a)\\1')).toEqual({ ok: false, reason: 'back-reference \\1 (RE2 has none)' })
    expect(pg('^(?!assistant)').ok).toBe(true)
    expect(pg('(a)\\1')).toEqual({ ok: true, pattern: '(a)\\1' })
  })

  it('renames named groups for RE2 and rejects named back-references everywhere', () => {
    expect(re2('(?<domain>gmail)')).toEqual({ ok: true, pattern: '(?P<domain>gmail)' })
    expect(pg('(?<domain>gmail)')).toEqual({ ok: true, pattern: '(gmail)' })
    expect(pg('(?<d>x)\\k<d>').ok).toBe(false)
  })

  it('lower-cases literals, not escapes, when asked (ClickHouse matches a lower-cased text)', () => {
    const t = translateRegex('VP\\D\\W', { flavor: 're2', lowerLiterals: true })
    expect(t).toEqual({ ok: true, pattern: 'vp\\D\\W' })
  })

  it('rejects an empty class, which JavaScript reads differently', () => {
    expect(re2('[]').ok).toBe(false)
    expect(re2('[^]').ok).toBe(false)
  })
})
