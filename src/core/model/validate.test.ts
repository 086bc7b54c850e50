import { describe, expect, it } from 'vitest'
import type { Issue } from './issue.js'
import { loadModel } from './load.js'
import type { ModelDocument } from './types.js'
import { validateModel } from './validate.js'

/** The 1-based line and column of the `nth` occurrence of `needle` in `text`. */
function at(text: string, needle: string, nth = 1): { line: number; column: number } {
  let index = -1
  for (let i = 0; i < nth; i++) {
    index = text.indexOf(needle, index + 1)
    if (index < 0) throw new Error(`${needle} not found`)
  }
  const before = text.slice(0, index)
  return { line: before.split('\n').length, column: index - before.lastIndexOf('\n') }
}

const BASE = [
  'format: leadscore/v1',
  'id: test',
  'fit:',
  '  max: 40',
  '  groups:',
  '    - id: who',
  '      rules:',
  '        - id: manager',
  '          when: { job_title: { matches: manager } }',
  '          points: 10',
  'engagement:',
  '  max: 60',
  '  groups:',
  '    - id: web',
  '      rules:',
  '        - id: pricing',
  '          when: { event: page, path: /pricing }',
  '          points: 5',
  '',
].join('\n')

/** The base model with `extra` lines at the end. */
const model = (...extra: string[]) => `${BASE}${extra.join('\n')}\n`
/** The base model with one segment whose `when` is `condition` (flow YAML). */
const segment = (condition: string) => model('segments:', `  - { id: s, when: ${condition} }`)
/** The base model with `replacement` instead of `text`. */
const edit = (text: string, replacement: string) => {
  if (!BASE.includes(text)) throw new Error(`${text} not in the base model`)
  return BASE.replace(text, replacement)
}

function issuesOf(source: string): Issue[] {
  const result = loadModel(source)
  // the English text is what these tests read; the params and hint keys are checked with the catalogs (src/i18n)
  return [...(result.ok ? [] : result.errors), ...result.warnings].map(
    ({ params, hintKey, ...issue }) => issue,
  )
}

function onlyIssue(source: string): Issue {
  const issues = issuesOf(source)
  expect(issues).toHaveLength(1)
  return issues[0]!
}

describe('validateModel', () => {
  it('finds nothing wrong with the base model', () => {
    expect(issuesOf(BASE)).toEqual([])
  })

  it('works on a document without source positions', () => {
    const doc: ModelDocument = { format: 'leadscore/v1', id: 'x', bands: [{ id: 'all' }] }
    expect(validateModel(doc)).toEqual([
      {
        severity: 'error',
        code: 'no-parts',
        path: '',
        message: 'the model scores nothing: it has neither `fit` nor `engagement`',
        hint: 'add `fit:` (who the contact is) and/or `engagement:` (what the contact does)',
        params: {},
        hintKey: 'hint.no-parts',
      },
    ])
  })

  describe('ids', () => {
    it('duplicate rule ids across fit and engagement name the first one', () => {
      const source = edit('- id: pricing', '- id: manager')
      expect(onlyIssue(source)).toEqual({
        severity: 'error',
        code: 'duplicate-id',
        path: 'engagement.groups[0].rules[0].id',
        ...at(source, 'manager', 3),
        message: 'rule id `manager` is already used on line 8',
        hint: 'rule ids must be unique across the model: rename one of them, e.g. `manager-2`',
      })
    })

    it('duplicate group ids across fit and engagement, and duplicate classifier ids', () => {
      expect(onlyIssue(edit('- id: web', '- id: who'))).toMatchObject({
        code: 'duplicate-id',
        path: 'engagement.groups[0].id',
        message: 'group id `who` is already used on line 6',
      })
      const source = model('bands:', '  - { id: hot, when: { score.total: { gte: 70 } } }', '  - { id: hot }')
      expect(onlyIssue(source)).toMatchObject({
        code: 'duplicate-id',
        path: 'bands[1].id',
        ...at(source, 'hot', 2),
        hint: 'band ids must be unique: rename one of them, e.g. `hot-2`',
      })
    })
  })

  describe('references', () => {
    it('unknown rule in did/didNot, with a suggestion', () => {
      const source = segment('{ did: { rule: [pricing, pricng] } }')
      expect(onlyIssue(source)).toEqual({
        severity: 'error',
        code: 'unknown-rule',
        path: 'segments[0].when.did.rule[1]',
        ...at(source, 'pricng'),
        message: 'no engagement rule has the id `pricng`',
        hint: 'did you mean `pricing`?',
      })
    })

    it('a fit rule is not an event history', () => {
      const source = segment('{ didNot: { rule: manager } }')
      expect(onlyIssue(source)).toMatchObject({
        code: 'unknown-rule',
        path: 'segments[0].when.didNot.rule',
        ...at(source, 'manager', 3),
        message: '`manager` is a fit rule, but `didNot` tests events: it needs an engagement rule id',
      })
    })

    it('unknown rule and group in score fields', () => {
      const source = segment('{ score.rule.pricin: { gt: 0 }, score.group.webb: { gt: 0 } }')
      expect(issuesOf(source)).toEqual([
        expect.objectContaining({
          code: 'unknown-rule',
          path: 'segments[0].when["score.rule.pricin"]',
          ...at(source, 'score.rule.pricin'),
          message: 'no fit or engagement rule has the id `pricin`',
          hint: 'did you mean `score.rule.pricing`?',
        }),
        expect.objectContaining({
          code: 'unknown-group',
          path: 'segments[0].when["score.group.webb"]',
          ...at(source, 'score.group.webb'),
          hint: 'did you mean `score.group.web`?',
        }),
      ])
    })

    it('unknown score field', () => {
      const source = segment('{ score.totl: { gte: 10 } }')
      expect(onlyIssue(source)).toEqual({
        severity: 'error',
        code: 'unknown-score-field',
        path: 'segments[0].when["score.totl"]',
        ...at(source, 'score.totl'),
        message: '`score.totl` is not a score',
        hint: 'did you mean `score.total`?',
      })
      expect(onlyIssue(segment('{ score.group: { gte: 10 } }'))).toMatchObject({
        code: 'unknown-score-field',
        message: '`score.group` needs a group id',
        hint: 'write `score.group.who`',
      })
      expect(onlyIssue(segment('{ score.wibble: 1 }')).hint).toMatch(/^the scores are `score.total`, /)
    })

    it('unknown recycle stage', () => {
      const source = model(
        'stages:',
        '  - { id: lead }',
        '  - { id: mql, when: { score.total: { gte: 60 } }, recycle: { to: leed, when: { score.total: { lt: 30 } } } }',
      )
      expect(onlyIssue(source)).toEqual({
        severity: 'error',
        code: 'unknown-stage',
        path: 'stages[1].recycle.to',
        ...at(source, 'leed'),
        message: 'no stage has the id `leed`',
        hint: 'did you mean `lead`?',
      })
    })

    it('recycle to a later stage', () => {
      const source = model(
        'stages:',
        '  - { id: lead }',
        '  - { id: mql, when: { score.total: { gte: 60 } }, recycle: { to: sql, when: { score.total: { lt: 30 } } } }',
        '  - { id: sql }',
      )
      expect(onlyIssue(source)).toMatchObject({
        severity: 'warning',
        code: 'recycle-forward',
        ...at(source, 'sql'),
        message: '`recycle` moves a contact back, but `sql` is not before `mql`',
        hint: 'name an earlier stage, e.g. `to: lead`',
      })
    })

    it('two hand-off stages', () => {
      const source = model(
        'stages:',
        '  - { id: lead }',
        '  - { id: mql, when: { score.total: { gte: 60 } }, handoff: true }',
        '  - { id: sal, handoff: true }',
      )
      expect(onlyIssue(source)).toMatchObject({
        severity: 'error',
        code: 'duplicate-handoff',
        path: 'stages[2].handoff',
        message: 'only one stage can be the hand-off stage; `mql` already is',
      })
    })

    it('values of named scores that no entry defines (warnings)', () => {
      const source = model(
        'bands:',
        '  - { id: hot, when: { score.total: { gte: 70 } } }',
        '  - { id: cold }',
        'segments:',
        '  - { id: s, when: { score.band: { in: [hot, cld] }, score.grade: A } }',
      )
      expect(issuesOf(source)).toEqual([
        {
          severity: 'warning',
          code: 'unknown-value',
          path: 'segments[0].when["score.band"].in[1]',
          ...at(source, 'cld'),
          message: 'no band is called `cld`, so it never matches',
          hint: 'did you mean `cold`?',
        },
        {
          severity: 'warning',
          code: 'unknown-value',
          path: 'segments[0].when["score.grade"]',
          ...at(source, 'A }'),
          message: 'the model defines no grades (`fit.grades`), so `A` never matches',
          hint: 'define `fit.grades`, or remove this test',
        },
      ])
    })

    it('stage, journey, level and label values too, case-insensitively unless caseSensitive', () => {
      const source = model(
        'stages: [ { id: lead } ]',
        'journey: [ { id: decision } ]',
        'segments:',
        '  - { id: s, when: { score.stage: LEAD, score.journey: { ne: decison }, score.level: 2, score.label: A9 } }',
      ).replace('  max: 60\n', '  max: 60\n  levels: { 1: 30 }\n')
      const found = issuesOf(source.replace('  max: 40\n', '  max: 40\n  grades: { A: 20 }\n'))
      expect(found.map((i) => [i.code, i.path, i.hint])).toEqual([
        ['unknown-value', 'segments[0].when["score.journey"].ne', 'did you mean `decision`?'],
        ['unknown-value', 'segments[0].when["score.label"]', 'the labels are `A1`, `A2`, `F1`, `F2`'],
      ])
      const strict = issuesOf(`caseSensitive: true\n${source}`)
      expect(strict.map((i) => i.path)).toContain('segments[0].when["score.stage"]')
    })
  })

  describe('where conditions may look', () => {
    it('score fields are not allowed in fit or engagement rules', () => {
      const source = edit('{ job_title: { matches: manager } }', '{ score.total: { gte: 10 } }')
      expect(onlyIssue(source)).toEqual({
        severity: 'error',
        code: 'score-in-rule',
        path: 'fit.groups[0].rules[0].when["score.total"]',
        ...at(source, 'score.total'),
        message:
          '`score.total` cannot be used in a fit rule: its condition sees contact and account properties only',
        hint: 'act on scores in `bands`, `stages`, `journey` or `segments`, e.g. a segment with `when: { score.total: { gte: 50 } }`',
      })
      const engagement = edit('{ event: page, path: /pricing }', '{ event: page, score.fit: { gte: 10 } }')
      expect(onlyIssue(engagement)).toMatchObject({
        code: 'score-in-rule',
        message:
          '`score.fit` cannot be used in an engagement rule: its condition sees the event, its properties and the event history only',
      })
    })

    it('event is only for engagement rules', () => {
      const source = segment('{ event: Demo Requested }')
      expect(onlyIssue(source)).toEqual({
        severity: 'error',
        code: 'event-outside-engagement',
        path: 'segments[0].when.event',
        ...at(source, 'event: Demo'),
        message: '`event` selects the events an engagement rule scores; it has no meaning here',
        hint: 'to test the event history, write `did: { event: Demo Requested, withinDays: 30 }`',
      })
    })

    it('a band cannot depend on the band, nor the journey on the journey', () => {
      const source = model('bands:', '  - { id: hot, when: { score.band: hot } }')
      expect(onlyIssue(source)).toMatchObject({
        code: 'self-reference',
        path: 'bands[0].when["score.band"]',
        ...at(source, 'score.band'),
        message: 'a band condition cannot use `score.band`: the band is what this list decides',
      })
      expect(onlyIssue(model('journey:', '  - { id: j, when: { score.journey: j } }'))).toMatchObject({
        code: 'self-reference',
      })
    })

    it('score.likelihood needs a predictive part', () => {
      const source = segment('{ score.likelihood: { gte: 50 } }')
      expect(onlyIssue(source)).toMatchObject({
        severity: 'warning',
        code: 'likelihood-without-predictive',
        ...at(source, 'score.likelihood'),
      })
      expect(
        issuesOf(
          model(
            'predictive: { model: m }',
            'segments:',
            '  - { id: s, when: { score.likelihood: { gte: 50 } } }',
          ),
        ),
      ).toEqual([])
    })

    it('a keyword written with other capitals is a field name', () => {
      const source = edit('{ event: page, path: /pricing }', '{ Event: page }')
      expect(onlyIssue(source)).toEqual({
        severity: 'warning',
        code: 'keyword-case',
        path: 'engagement.groups[0].rules[0].when.Event',
        ...at(source, 'Event'),
        message: '`Event` is read as a field name, not as the keyword `event`',
        hint: 'keywords are case-sensitive: write `event`',
      })
    })
  })

  describe('operators', () => {
    it('invalid regular expressions, with the reason', () => {
      const source = edit('matches: manager', "matches: '(vp|director'")
      expect(onlyIssue(source)).toMatchObject({
        severity: 'error',
        code: 'invalid-regex',
        path: 'fit.groups[0].rules[0].when.job_title.matches',
        ...at(source, "'(vp"),
        message: 'invalid regular expression: Unterminated group',
      })
      // patterns compile without the `u` flag, so needless escapes are fine
      expect(issuesOf(edit('matches: manager', "matches: 'vp\\-sales'"))).toEqual([])
    })

    it('a backspace in a pattern comes from a double-quoted \\b', () => {
      const source = edit('matches: manager', 'matches: "\\bvp\\b"')
      expect(onlyIssue(source)).toMatchObject({
        severity: 'warning',
        code: 'regex-control-character',
        ...at(source, '"\\bvp'),
        message:
          'the pattern contains a backspace character: in a double-quoted YAML string, `\\b` is a backspace, not a word boundary',
        hint: "quote regular expressions with single quotes: `matches: '\\b(vp|director)\\b'`",
      })
    })

    it('order operators need numbers or ISO dates', () => {
      const source = segment('{ signup: { gte: last week } }')
      expect(onlyIssue(source)).toEqual({
        severity: 'error',
        code: 'invalid-order-value',
        path: 'segments[0].when.signup.gte',
        ...at(source, 'last week'),
        message: '`gte: last week` is neither a number nor an ISO date, so it matches nothing',
        hint: 'write a number (`gte: 200`) or an ISO date (`gte: 2024-01-01`); to compare text, use `eq`, `in` or `startsWith`',
      })
      expect(
        issuesOf(
          segment("{ signup: { gte: 2024-01-01, lt: '2024-02-01T00:00:00Z' }, employees: { gt: '50' } }"),
        ),
      ).toEqual([])
    })

    it('an operator map without operators always holds', () => {
      const source = segment('{ job_title: {} }')
      expect(onlyIssue(source)).toMatchObject({
        severity: 'warning',
        code: 'empty-test',
        ...at(source, '{} }'),
        message: '`job_title: {}` has no operator, so it always holds',
      })
    })
  })

  describe('conditions that can never hold', () => {
    it.each([
      [
        '{ employees: { gte: 10, lt: 5 } }',
        '`{ gte: 10, lt: 5 }` leaves no value between its bounds, so this test never holds',
      ],
      [
        '{ employees: { gt: 5, lte: 5 } }',
        '`{ gt: 5, lte: 5 }` leaves no value between its bounds, so this test never holds',
      ],
      [
        '{ employees: { eq: 3, gte: 5 } }',
        'in `{ eq: 3, gte: 5 }`, `eq: 3` is outside the range, so this test never holds',
      ],
      ['{ country: { in: [] } }', '`in: []` matches no value, so this test never holds'],
      ['{ country: [] }', '`country: []` matches no value (an empty list is shorthand for `in: []`)'],
      [
        '{ country: { eq: US, ne: us } }',
        '`{ eq: "US", ne: "us" }` asks for a value equal to and different from `US`, so this test never holds',
      ],
      [
        '{ country: { eq: US, in: [CA, MX] } }',
        'in `{ eq: "US", in: ["CA","MX"] }`, `US` is not in the `in` list, so this test never holds',
      ],
      [
        '{ country: { eq: US, notIn: [US] } }',
        'in `{ eq: "US", notIn: ["US"] }`, `US` is in the `notIn` list, so this test never holds',
      ],
      [
        '{ phone: { eq: 1, exists: false } }',
        '`{ eq: 1, exists: false }` needs `phone` to be missing and present at once (a missing field matches only `exists: false`, `ne` and `notIn`), so this test never holds',
      ],
      ['{ any: [] }', '`any: []` never holds: it needs one of no conditions to hold'],
      [
        '{ score.total: { gte: 120 } }',
        '`score.total` is at most 100 (the total is clamped to [0, 100], fit.max + engagement.max), so this test never holds',
      ],
      [
        '{ score.engagement: { lt: 0 } }',
        '`score.engagement` is at least 0 (the engagement part is clamped to [0, 60]), so this test never holds',
      ],
      ['{ score.likelihood: { gt: 100 } }', null],
    ])('%s', (condition, message) => {
      // contradictory operators on one field are errors (model-format.md: impossible ranges);
      // other conditions that can never hold are warnings
      const found = issuesOf(segment(condition)).filter(
        (i) => i.code === 'impossible-condition' || i.code === 'impossible-range',
      )
      if (message === null) {
        expect(found).toHaveLength(1)
        return
      }
      const severity = ['{ any: [] }', '{ country: [] }'].includes(condition) ? 'warning' : 'error'
      expect(found).toEqual([expect.objectContaining({ severity, message })])
    })

    it('holds its position at the field', () => {
      const source = segment('{ employees: { gte: 10, lt: 5 } }')
      expect(onlyIssue(source)).toMatchObject({
        path: 'segments[0].when.employees',
        ...at(source, '{ gte: 10'),
      })
    })

    it('possible ranges are fine', () => {
      expect(
        issuesOf(
          segment(
            '{ employees: { gte: 5, lte: 5 }, score.total: { gte: 100 }, country: { eq: us, in: [US] } }',
          ),
        ),
      ).toEqual([])
    })

    it('count conditions, event lists and history tests', () => {
      const count = edit('points: 5', 'points: 5\n          count: { gte: 10, lt: 5 }')
      expect(onlyIssue(count)).toMatchObject({
        code: 'impossible-condition',
        path: 'engagement.groups[0].rules[0].count',
        ...at(count, '{ gte: 10'),
        message: 'no number of events satisfies `count: { gte: 10, lt: 5 }`, so the rule never scores',
      })
      expect(onlyIssue(edit('points: 5', 'points: 5\n          count: { lt: 0 }'))).toMatchObject({
        code: 'impossible-condition',
      })
      const events = edit('{ event: page, path: /pricing }', '{ event: [] }')
      expect(onlyIssue(events)).toMatchObject({
        code: 'impossible-condition',
        path: 'engagement.groups[0].rules[0].when.event',
        message: '`event: []` matches no event, so the rule never scores',
      })
      expect(onlyIssue(segment('{ did: { event: [] } }'))).toMatchObject({
        code: 'impossible-condition',
        path: 'segments[0].when.did.event',
      })
      expect(issuesOf(segment('{ didNot: { event: [] } }'))).toEqual([])
    })
  })

  describe('limits and thresholds', () => {
    it('min above max is an error, also against the default min of a part', () => {
      const source = edit('    - id: who\n', '    - id: who\n      min: 10\n      max: 5\n')
      expect(onlyIssue(source)).toEqual({
        severity: 'error',
        code: 'min-above-max',
        path: 'fit.groups[0].min',
        ...at(source, '10', 1),
        message: 'min (10) is above max (5): no value fits',
        hint: 'make min at most max (were they swapped?)',
      })
      const part = edit('  max: 60', '  max: -5')
      expect(issuesOf(part).find((i) => i.severity === 'error')).toMatchObject({
        code: 'min-above-max',
        path: 'engagement.max',
        message: 'max (-5) is below the default min of 0: no value fits',
      })
      expect(onlyIssue(edit('points: 5', 'points: 5\n          max: 1\n          min: 2'))).toMatchObject({
        code: 'min-above-max',
        path: 'engagement.groups[0].rules[0].min',
      })
    })

    it('fit.max above half of the total', () => {
      const source = edit('  max: 40', '  max: 70')
      expect(onlyIssue(source)).toEqual({
        severity: 'warning',
        code: 'fit-outweighs-engagement',
        path: 'fit.max',
        ...at(source, '70'),
        message:
          'fit.max (70) is more than half of the total (130): explicit data should not outweigh behaviour',
        hint: 'lower fit.max or raise engagement.max, so that fit.max is at most engagement.max',
      })
      expect(issuesOf(edit('  max: 40', '  max: 60'))).toEqual([])
    })

    it('grades and levels must descend', () => {
      const source = edit('  max: 40\n', '  max: 40\n  grades: { A: 20, B: 25, C: 5 }\n')
      expect(onlyIssue(source)).toEqual({
        severity: 'warning',
        code: 'thresholds-not-descending',
        path: 'fit.grades.B',
        ...at(source, '25'),
        message:
          'grade B needs 25 fit points, not fewer than grade A (20): every contact that reaches B gets A first, so B is never given',
        hint: 'give each grade a lower threshold than the one before, e.g. `grades: { A: 30, B: 20, C: 10, D: 5 }`',
      })
      const levels = edit('  max: 60\n', '  max: 60\n  levels: { 2: 30, 1: 20 }\n')
      expect(onlyIssue(levels)).toMatchObject({
        code: 'thresholds-not-descending',
        path: 'engagement.levels.2',
      })
    })

    it('a threshold above the cap of its part is never reached', () => {
      const source = edit('  max: 40\n', '  max: 40\n  grades: { A: 50, B: 20 }\n')
      expect(onlyIssue(source)).toEqual({
        severity: 'warning',
        code: 'threshold-unreachable',
        path: 'fit.grades.A',
        ...at(source, '50'),
        message:
          'grade A needs 50 fit points, but the fit part is capped at 40 (fit.max), so it is never given',
        hint: 'lower the threshold to at most 40, or raise fit.max',
      })
    })

    it('a group without rules', () => {
      const source = model(
        'accounts:',
        '  fit:',
        '    groups:',
        '      - id: firmographics',
        '        rules: []',
      )
      expect(onlyIssue(source)).toMatchObject({
        severity: 'warning',
        code: 'empty-group',
        path: 'accounts.fit.groups[0].rules',
        ...at(source, '[]'),
        message: 'group `firmographics` has no rules, so it always scores 0',
      })
    })
  })

  describe('classifier lists', () => {
    it('entries after one without a condition are never chosen', () => {
      const source = model(
        'bands:',
        '  - { id: cold }',
        '  - { id: hot, when: { score.total: { gte: 70 } } }',
      )
      expect(onlyIssue(source)).toEqual({
        severity: 'warning',
        code: 'unreachable-entry',
        path: 'bands[1]',
        ...at(source, '{ id: hot'),
        message:
          'band `hot` is never chosen: `cold` above it has no condition and takes every contact that gets that far',
        hint: 'move `cold` to the end of the list, or give it a `when`',
      })
      expect(onlyIssue(model('journey:', '  - { id: a, when: {} }', '  - { id: b }'))).toMatchObject({
        code: 'unreachable-entry',
        path: 'journey[1]',
      })
    })

    it('segments and stages are not exclusive', () => {
      expect(issuesOf(model('segments: [ { id: all }, { id: some, when: { country: US } } ]'))).toEqual([])
      expect(issuesOf(model('stages: [ { id: lead }, { id: sql } ]'))).toEqual([])
    })
  })
})
