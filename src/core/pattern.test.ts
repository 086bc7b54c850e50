import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileModel } from './compile.js'
import { evaluateContact } from './evaluate.js'
import { loadModel } from './model/index.js'
import { compilePattern, FAST_PATH_CHARS, mayBacktrack } from './pattern.js'

describe('mayBacktrack', () => {
  it('flags repeated groups that repeat or alternate inside', () => {
    for (const p of [
      '(a+)+$',
      '^(\\w+\\s?)*$',
      '(x+x+)+y',
      '(a|aa)*b',
      '((ab)*c)+',
      '(a|b){1,100}c',
      '(?:\\d+,)*x',
    ])
      expect(mayBacktrack(p), p).toBe(true)
  })
  it('lets the usual title and path patterns through', () => {
    for (const p of [
      '\\b(vp|vice president)\\b',
      '\\bc[a-z]o\\b|\\bchief\\b|\\b(co-?)?founder\\b',
      '^/pricing(/.*)?$',
      '[(+*)]+',
      '(ab){2}',
      '\\(a+\\)+',
      '(a|b)?c',
    ])
      expect(mayBacktrack(p), p).toBe(false)
  })
})

describe('compilePattern', () => {
  it('matches case-insensitively, like the model format says', () => {
    const t = compilePattern('\\bvp\\b')
    expect(t('Senior VP Marketing')).toBe(true)
    expect(t('vpn admin')).toBe(false)
  })

  it('matches a catastrophic pattern against a hostile value in linear time', () => {
    const t = compilePattern('^(a+)+$')
    const started = performance.now()
    expect(t(`${'a'.repeat(50_000)}!`)).toBe(false)
    expect(t('a'.repeat(50_000))).toBe(true)
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('gives the same answers on the fast path and the linear path', () => {
    const patterns = ['\\b(vp|head|chief)\\b', '^/(pricing|plans)(/.*)?$', 'a.c', '[0-9]{3}-[0-9]{2}', 'x|yz']
    fc.assert(
      fc.property(
        fc.constantFrom(...patterns),
        fc.string({ unit: fc.constantFrom(...'aAbcxyzVPHEAD /-0123pricng'.split('')), maxLength: 40 }),
        (p, text) => {
          const padded = `${text}${' '.repeat(FAST_PATH_CHARS + 1)}`
          const t = compilePattern(p)
          // the padded value takes the linear path; spaces do not change these patterns' answers
          expect(t(padded)).toBe(new RegExp(p, 'i').test(padded))
          expect(t(text)).toBe(new RegExp(p, 'i').test(text))
        },
      ),
    )
  })

  it('refuses what RE2 cannot run (lookaround, backreferences)', () => {
    expect(() => compilePattern('foo(?=bar)')).toThrow(SyntaxError)
    expect(() => compilePattern('(a)\\1')).toThrow(SyntaxError)
  })
})

describe('a model with a catastrophic pattern', () => {
  it('validates, and scores a hostile value at once', () => {
    const loaded = loadModel(
      [
        'format: leadscore/v1',
        'id: t',
        'fit:',
        '  max: 10',
        '  groups:',
        '    - id: g',
        '      rules:',
        "        - { id: r, when: { job_title: { matches: '^(\\w+\\s?)*$' } }, points: 10 }",
      ].join('\n'),
    )
    expect(loaded.ok).toBe(true)
    if (!loaded.ok) return
    const model = compileModel(loaded.model)
    const started = performance.now()
    const r = evaluateContact(
      model,
      { id: 'c', properties: { job_title: `${'word '.repeat(2000)}!` } },
      [],
      0,
    )
    expect(r.fit).toBe(0)
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('with a lookahead gets an error saying why and what to write', () => {
    const loaded = loadModel(
      [
        'format: leadscore/v1',
        'id: t',
        'fit:',
        '  max: 10',
        '  groups:',
        '    - id: g',
        '      rules:',
        "        - { id: r, when: { job_title: { matches: 'vp(?! sales)' } }, points: 10 }",
      ].join('\n'),
    )
    expect(loaded.ok).toBe(false)
    if (loaded.ok) return
    expect(loaded.errors[0]).toMatchObject({
      code: 'unsupported-regex',
      path: 'fit.groups[0].rules[0].when.job_title.matches',
      line: 8,
    })
    expect(loaded.errors[0]!.hint).toMatch(/lookarounds/)
  })
})
