import { describe, expect, it } from 'vitest'
import { type Issue, loadModel } from '../core/model/index.js'
import en from './catalogs/en/model.json' with { type: 'json' }
import { issueText, localizeIssue, renderIssue } from './model.js'

const HEAD = 'format: leadscore/v1\nid: corpus\n'
const FIT = `${HEAD}fit:\n  max: 40\n  groups:\n    - id: who\n      rules:\n        - { id: vp, when: { title: vp }, points: 10 }\n`
const ENG = `${HEAD}engagement:\n  max: 60\n  groups:\n    - id: web\n      rules:\n        - { id: demo, when: { event: Demo }, points: 10 }\n`
const BOTH = `${HEAD}fit:\n  max: 20\n  grades: { A: 15, B: 10 }\n  groups:\n    - id: who\n      rules:\n        - { id: vp, when: { title: vp }, points: 10 }\nengagement:\n  max: 60\n  levels: { 1: 30, 2: 10 }\n  groups:\n    - id: web\n      rules:\n        - { id: demo, when: { event: Demo }, points: 10 }\n`
const seg = (when: string) => `${BOTH}segments:\n  - { id: s, when: ${when} }\n`
const rule = (text: string) => FIT.replace('{ id: vp, when: { title: vp }, points: 10 }', text)
const engRule = (text: string) => ENG.replace('{ id: demo, when: { event: Demo }, points: 10 }', text)

/** Bad models: together they make every issue code the core reports (and most hints). */
const CORPUS: readonly string[] = [
  // syntax
  '',
  '{ "format": "leadscore/v1", "id": "x", }',
  `${HEAD}id: again\n`,
  `${HEAD}fit: { max: 40\n`,
  `${HEAD}fit:\n  max: 1\n\tgroups: []\n`,
  `${HEAD}segments:\n  - { id: b, when: *us }\n`,
  `${HEAD}fit: { max: 1, groups: [] }\n---\nid: two\n`,
  `${HEAD}bands:\n  - id: a\n    when: { x: "\\d" }\n`,
  // schema
  `format: leadscore/v2\nid: x\n`,
  'id: x\n',
  rule('{ when: { title: vp }, pionts: 10 }'),
  rule('{ when: { title: vp }, points: ten }'),
  rule('{ when: { title: vp }, points: .nan }'),
  rule('{ when: { title: vp }, points: 1, label: "" }'),
  rule('{ id: "Senior Title", when: { title: vp }, points: 1 }'),
  rule('{ when: { alll: [ { title: vp } ] }, points: 1 }'),
  rule('{ when: { title: vp }, points: 1, grades: { A: 1 } }'),
  `${FIT}  grades: { A: 10, F: 1, Q: 2 }\n`,
  engRule('{ when: { event: Demo }, points: 1, decay: { halfLifeDays: 3, linearDays: 4 } }'),
  engRule('{ when: { event: Demo }, points: 1, decay: sometimes }'),
  engRule('{ when: { event: Demo }, points: 1, decay: { halflife: 3 } }'),
  engRule('{ when: { event: Demo }, points: 1, count: { withinDays: 3 } }'),
  engRule('{ when: { event: Demo }, points: 1, window: { days: 0 } }'),
  engRule('{ when: { event: Demo }, points: 1, occurrences: sometimes }'),
  engRule('{ when: { event: Demo }, points: 1, mode: sum }'),
  `${ENG}  levels: { top: 10 }\n`,
  `${ENG}  groups2: []\n`,
  seg('{ did: { event: Demo, rule: demo } }'),
  seg('{ did: { withinDays: 3, atLeast: 0 } }'),
  seg('{ title: { eq: [a] } }'),
  `${BOTH}bands:\n  - { id: hot, label: { en: Hot, fr: Chaud } }\n  - { id: warm, label: { es: "" } }\n  - { id: cold, label: {} }\n  - { id: x, label: 3 }\n`,
  `${BOTH}stages:\n  - id: a\n    handoff: maybe\n`,
  `${BOTH}recycle: {}\n`,
  `${BOTH}version: [1]\n`,
  seg('{ title: { gte: [1] } }'),
  // semantics
  `${HEAD}bands: [ { id: all } ]\n`,
  `${BOTH}bands: [ { id: a }, { id: b }, { id: a } ]\n`,
  BOTH.replace(
    '        - { id: vp, when: { title: vp }, points: 10 }\n',
    '        - { id: demo, when: { title: vp }, points: 10 }\n',
  ),
  `${BOTH.replace('rules:\n        - { id: demo', 'rules: []\n    - id: web2\n      rules:\n        - { id: demo')}`,
  BOTH.replace('max: 20', 'max: 100'),
  BOTH.replace('max: 20', 'max: 20\n  min: 30'),
  BOTH.replace('max: 20', 'max: -5'),
  BOTH.replace('grades: { A: 15, B: 10 }', 'grades: { A: 10, B: 15 }'),
  BOTH.replace('grades: { A: 15, B: 10 }', 'grades: { A: 25, B: 10 }'),
  BOTH.replace(
    '{ id: demo, when: { event: Demo }, points: 10 }',
    '{ id: demo, when: { event: Demo }, points: 10, count: { lt: 0 } }',
  ),
  BOTH.replace(
    '{ id: demo, when: { event: Demo }, points: 10 }',
    '{ id: demo, when: { event: [] }, points: 10 }',
  ),
  `${BOTH}stages:\n  - { id: a, handoff: true }\n  - { id: b, handoff: true, recycle: { to: c, when: { x: 1 } } }\n  - { id: c, recycle: { to: c, when: { x: 1 } } }\n  - { id: d, recycle: { to: ab, when: { x: 1 } } }\n`,
  `${BOTH}stages:\n  - { id: a, recycle: { to: b, when: { x: 1 } } }\n  - { id: b }\n`,
  `${BOTH}bands:\n  - { id: all }\n  - { id: never, when: { x: 1 } }\n`,
  seg('{ any: [] }'),
  seg('{ event: Demo }'),
  seg('{ did: { rule: vp } }'),
  seg('{ did: { rule: dmeo } }'),
  seg('{ did: { event: [] } }'),
  seg('{ score.rule.nope: { gte: 1 } }'),
  seg('{ score.group.wbe: { gte: 1 } }'),
  seg('{ score.group: 1 }'),
  seg('{ score.totl: 1 }'),
  seg('{ score.nothing: 1 }'),
  seg('{ All: [ { x: 1 } ] }'),
  seg('{ tags: [] }'),
  seg('{ score.likelihood: { gte: 10 } }'),
  seg('{ score.band: hott }'),
  seg('{ score.stage: lead }'),
  seg('{ score.band: zzzz }'),
  `${BOTH}bands:\n${Array.from({ length: 14 }, (_, i) => `  - { id: band${i}, when: { x: ${i} } }`).join('\n')}\nsegments:\n  - { id: s, when: { score.band: qqqq } }\n`,
  seg('{ x: {} }'),
  seg('{ x: { gte: soon } }'),
  seg('{ x: { exists: false, eq: 1 } }'),
  seg('{ x: { in: [] } }'),
  seg('{ x: { eq: 1, ne: 1 } }'),
  seg('{ x: { eq: 1, in: [2] } }'),
  seg('{ x: { eq: 1, notIn: [1] } }'),
  seg('{ x: { gte: 10, lt: 5 } }'),
  seg('{ x: { eq: 20, lt: 5 } }'),
  seg('{ score.total: { gte: 500 } }'),
  seg('{ score.fit: { lt: 0 } }'),
  seg('{ score.engagement: { gt: 60 } }'),
  seg('{ score.likelihood: { gt: 100 } }'),
  `${BOTH}predictive: { model: m, weight: 1 }\nsegments:\n  - { id: s, when: { score.total: { lt: 0 } } }\n`,
  seg("{ x: { matches: '(' } }"),
  seg("{ x: { matches: '(?=a)' } }"),
  seg('{ x: { matches: "\\bvp" } }'),
  `${BOTH}bands:\n  - { id: a, when: { score.band: a } }\n`,
  rule('{ when: { score.total: { gte: 1 } }, points: 1 }'),
  engRule('{ when: { score.total: { gte: 1 } }, points: 1 }'),
  seg('{ Not: 1 }'),
  seg('{ title: [ { a: 1 } ] }'),
  `${BOTH}accounts: { engagement: { rollup: avg } }\n`,
  `${BOTH}accounts: { engagement: { rollup: maxx } }\n`,
  `${BOTH}stages:\n  - { id: a }\n  - { id: b, recycle: { to: "A stage", when: { x: 1 } } }\n`,
  `${HEAD}fit: { max: 10, groups: [] }\nsegments:\n  - { id: s, when: { score.group.x: 1 } }\n  - { id: t, when: { did: { rule: x } } }\n`,
  '- a\n',
  '%FOO bar\n---\nformat: leadscore/v1\nid: x\nfit: { max: 1, groups: [] }\n',
  `${HEAD}a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
]

function issuesOf(source: string): Issue[] {
  const result = loadModel(source)
  return [...(result.ok ? [] : result.errors), ...result.warnings]
}

const json = loadModel('{ "format": "leadscore/v1", "id": "x", }', { format: 'json' })
const issues = [...CORPUS.flatMap(issuesOf), ...(json.ok ? [] : json.errors)]
const MESSAGE_CODES = Object.keys(en).filter(
  (key) => !/^(hint|keyHint|home|value|type|form|list)\./.test(key),
)

describe('model issues in every language', () => {
  it('the corpus makes every issue code of the catalog, with params', () => {
    const codes = new Set(issues.map((issue) => issue.code))
    expect(MESSAGE_CODES.filter((code) => !codes.has(code))).toEqual([])
    expect(issues.filter((issue) => issue.params === undefined)).toEqual([])
  })

  it('the corpus makes most hints of the catalog', () => {
    const hints = new Set(issues.map((issue) => issue.hintKey))
    const missing = Object.keys(en).filter(
      (key) => key.startsWith('hint.') && !key.startsWith('hint.yaml') && !hints.has(key),
    )
    expect(missing).toEqual([])
  })

  it('the English catalog says exactly what the core says', () => {
    const drift = issues.flatMap((issue) => {
      const rendered = renderIssue(issue, 'en')
      const core = { message: issue.message, hint: issue.hint }
      return JSON.stringify(rendered) === JSON.stringify(core) ? [] : [{ code: issue.code, core, rendered }]
    })
    expect(drift).toEqual([])
  })

  it.each(['es', 'nl'] as const)(
    '%s: every issue is said with the same params, none left in English',
    (locale) => {
      for (const issue of issues) {
        const rendered = renderIssue(issue, locale)
        expect(rendered, issue.code).toBeDefined()
        expect(rendered?.hint === undefined, issue.code).toBe(issue.hint === undefined)
        // the values the message is made of appear in the translation too
        for (const name of ['id', 'field', 'stage', 'keyword', 'suggestion', 'catchAll'] as const) {
          const value = issue.params?.[name]
          if (value !== undefined && issue.message.includes(`\`${value}\``))
            expect(rendered?.message, `${issue.code} ${name}`).toContain(value)
        }
      }
      const untranslated = issues.filter(
        (issue) => renderIssue(issue, locale)?.message === issue.message && !/^\{|^`|^"/.test(issue.message),
      )
      expect(untranslated.map((i) => `${i.code}: ${i.message}`)).toEqual([])
    },
  )

  it('says a bad model in Spanish and Dutch, with code, path and line unchanged', () => {
    const [issue] = issuesOf(rule('{ when: { title: vp }, points: ten }'))
    expect(issue).toMatchObject({ code: 'invalid-type', message: 'expected a number, got text "ten"' })
    const es = localizeIssue(issue!, 'es')
    expect(es).toMatchObject({
      code: 'invalid-type',
      path: issue!.path,
      line: issue!.line,
      message: 'se esperaba un número y hay el texto "ten"',
      hint: 'escribe un número de puntos, p. ej. `points: 10` (negativo para restar)',
    })
    expect(issueText(issue!, 'nl')).toEqual({
      message: 'verwacht een getal, maar er staat de tekst "ten"',
      hint: 'schrijf een aantal punten, bv. `points: 10` (negatief om af te trekken)',
    })
    expect(localizeIssue(issue!, 'en')).toBe(issue)
  })

  it('keeps the English text of an issue it cannot say (no params, unknown code)', () => {
    const old: Issue = { severity: 'error', code: 'unknown-key', path: 'x', message: 'unknown key `x`' }
    expect(issueText(old, 'es')).toEqual({ message: 'unknown key `x`', hint: undefined })
    const future: Issue = { ...old, code: 'some-new-code', params: {} }
    expect(issueText(future, 'nl').message).toBe('unknown key `x`')
  })
})
