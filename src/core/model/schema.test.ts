import { describe, expect, it } from 'vitest'
import type { Issue } from './issue.js'
import { loadModel } from './load.js'
import { modelSchema, schemaIssues } from './schema.js'

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

/** A valid model whose only fit rule is `rule` (lines of the rule map, indented for the list). */
function withRule(...rule: string[]): string {
  return [
    'format: leadscore/v1',
    'id: test',
    'fit:',
    '  max: 40',
    '  groups:',
    '    - id: who',
    '      rules:',
    `        - ${rule.join('\n          ')}`,
    '',
  ].join('\n')
}

/** A valid model with one engagement rule (lines of the rule map). */
function withEngagementRule(...rule: string[]): string {
  return [
    'format: leadscore/v1',
    'id: test',
    'engagement:',
    '  max: 60',
    '  groups:',
    '    - id: web',
    '      rules:',
    `        - ${rule.join('\n          ')}`,
    '',
  ].join('\n')
}

describe('the schema', () => {
  it('accepts the smallest useful model', () => {
    const result = loadModel(withRule('when: { job_title: manager }', 'points: 10'))
    expect(result).toMatchObject({ ok: true, warnings: [] })
  })

  it('unknown key: suggests the closest key, and does not also report the key it replaces as missing', () => {
    const source = withRule('when: { job_title: manager }', 'pionts: 10')
    expect(onlyIssue(source)).toEqual({
      severity: 'error',
      code: 'unknown-key',
      path: 'fit.groups[0].rules[0].pionts',
      ...at(source, 'pionts'),
      message: 'unknown key `pionts`',
      hint: 'did you mean `points`?',
    })
  })

  it('unknown key: knows the words people write instead of an operator', () => {
    const source = withRule('when: { job_title: { regex: manager } }', 'points: 10')
    expect(onlyIssue(source)).toMatchObject({
      code: 'unknown-key',
      path: 'fit.groups[0].rules[0].when.job_title.regex',
      ...at(source, 'regex'),
      hint: 'did you mean `matches`?',
    })
  })

  it('unknown key: lists the allowed keys when none is close', () => {
    const source = withRule('when: { job_title: manager }', 'points: 10', 'colour: red')
    expect(onlyIssue(source)).toMatchObject({
      code: 'unknown-key',
      ...at(source, 'colour'),
      hint: 'the keys allowed here are `id`, `label`, `when`, `points`',
    })
  })

  it('unknown key: says where a misplaced key belongs', () => {
    const source = withEngagementRule('when: { event: page }', 'points: 1').replace(
      '  max: 60\n',
      '  max: 60\n  grades: { A: 30 }\n',
    )
    expect(onlyIssue(source)).toMatchObject({
      code: 'unknown-key',
      path: 'engagement.grades',
      ...at(source, 'grades'),
      hint: '`grades` belongs in `fit` (letter grades come from fit points)',
    })
  })

  it('unknown key: F is not a grade threshold', () => {
    const source = withRule('when: { job_title: manager }', 'points: 10').replace(
      '  max: 40\n',
      '  max: 40\n  grades: { A: 30, F: 0 }\n',
    )
    expect(onlyIssue(source)).toMatchObject({
      code: 'unknown-key',
      path: 'fit.grades.F',
      ...at(source, 'F:'),
      hint: 'F needs no threshold: it is the grade of every contact below the last one',
    })
  })

  it('misspelled keyword: a field named like a keyword whose value is not a field test', () => {
    const source = withRule('when: { didnot: { event: Unsubscribed } }', 'points: 10')
    expect(onlyIssue(source)).toEqual({
      severity: 'error',
      code: 'misspelled-keyword',
      path: 'fit.groups[0].rules[0].when.didnot',
      ...at(source, 'didnot'),
      message: '`didnot` is read as a field name, and its value is not a field test',
      hint: 'did you mean the keyword `didNot`?',
    })
    const list = withRule('when: { alll: [ { country: US }, { employees: { gte: 50 } } ] }', 'points: 10')
    expect(onlyIssue(list)).toMatchObject({
      code: 'misspelled-keyword',
      hint: 'did you mean the keyword `all`?',
    })
  })

  it('missing key: points at the map that lacks it', () => {
    const source = withRule('when: { job_title: manager }')
    expect(onlyIssue(source)).toEqual({
      severity: 'error',
      code: 'missing-key',
      path: 'fit.groups[0].rules[0].points',
      ...at(source, 'when'),
      message: 'missing required key `points`',
      hint: 'add a number of points, e.g. `points: 10` (negative to subtract)',
    })
    expect(onlyIssue('id: x\nfit: { max: 1, groups: [] }\n')).toMatchObject({
      code: 'missing-key',
      path: 'format',
      line: 1,
      column: 1,
      hint: 'add `format: leadscore/v1` as the first key of the model',
    })
  })

  it('invalid type: says what was expected and what was found', () => {
    const source = withRule('when: { job_title: manager }', 'points: ten')
    expect(onlyIssue(source)).toEqual({
      severity: 'error',
      code: 'invalid-type',
      path: 'fit.groups[0].rules[0].points',
      ...at(source, 'ten'),
      message: 'expected a number, got text "ten"',
      hint: 'write a number of points, e.g. `points: 10` (negative to subtract)',
    })
  })

  it('invalid type: an empty value is shown at its key', () => {
    const source = withRule('when:', 'points: 10')
    expect(onlyIssue(source)).toMatchObject({
      code: 'invalid-type',
      path: 'fit.groups[0].rules[0].when',
      ...at(source, 'when'),
      message: 'expected a map (`key: value` pairs), got an empty value',
    })
  })

  it('invalid type: a field test explains its three forms', () => {
    const source = withRule('when: { country: [ { name: US } ] }', 'points: 10')
    expect(onlyIssue(source)).toMatchObject({
      code: 'invalid-type',
      path: 'fit.groups[0].rules[0].when.country[0]',
      ...at(source, '{ name'),
      message: 'expected a single value: text, a number, true, false or null, got a map',
      hint: expect.stringContaining('a field test is a value (`manager`), a list of values (`[US, CA]`)'),
    })
  })

  it('invalid type: of a union, reports the alternative the user evidently meant', () => {
    const source = withEngagementRule('when: { event: page }', 'points: 1', 'occurrences: often')
    expect(onlyIssue(source)).toMatchObject({
      code: 'invalid-type',
      path: 'engagement.groups[0].rules[0].occurrences',
      ...at(source, 'often'),
      message: 'expected `all`, `first` or `{ perDays: n }`, got text "often"',
    })
    const typo = withEngagementRule('when: { event: page }', 'points: 1', 'occurrences: { perDay: 7 }')
    expect(onlyIssue(typo)).toMatchObject({ code: 'unknown-key', hint: 'did you mean `perDays`?' })
  })

  it('invalid type: the whole document must be a map', () => {
    expect(onlyIssue('- a\n- b\n')).toMatchObject({
      code: 'invalid-type',
      path: '',
      line: 1,
      column: 1,
      message: 'expected a map (`key: value` pairs), got a list',
      hint: 'a model is a map of keys that starts with `format: leadscore/v1`',
    })
  })

  it('invalid number: infinity and whole numbers', () => {
    const source = withRule('when: { job_title: manager }', 'points: .inf')
    expect(onlyIssue(source)).toMatchObject({
      code: 'invalid-number',
      ...at(source, '.inf'),
      message: 'expected a finite number, got .inf (infinity)',
    })
    const history = withRule('when: { did: { event: page, atLeast: 1.5 } }', 'points: 1')
    expect(onlyIssue(history)).toMatchObject({
      code: 'invalid-type',
      path: 'fit.groups[0].rules[0].when.did.atLeast',
      ...at(history, '1.5'),
      message: 'expected a whole number, got the number 1.5',
    })
  })

  it('invalid value: suggests the closest allowed value', () => {
    const source = withRule('when: { job_title: manager }', 'points: 10').replace(
      '    - id: who\n',
      '    - id: who\n      mode: firts\n',
    )
    expect(onlyIssue(source)).toEqual({
      severity: 'error',
      code: 'invalid-value',
      path: 'fit.groups[0].mode',
      ...at(source, 'firts'),
      message: 'expected `sum` or `first`, got text "firts"',
      hint: 'did you mean `first`?',
    })
  })

  it('unsupported format', () => {
    const source = withRule('when: { job_title: manager }', 'points: 10').replace(
      'leadscore/v1',
      'leadscore/v2',
    )
    expect(onlyIssue(source)).toEqual({
      severity: 'error',
      code: 'unsupported-format',
      path: 'format',
      line: 1,
      column: 9,
      message: 'expected `leadscore/v1`, got text "leadscore/v2"',
      hint: 'this version of leadscore reads models that start with `format: leadscore/v1`',
    })
  })

  it('invalid level: levels are numbered', () => {
    const source = withEngagementRule('when: { event: page }', 'points: 1').replace(
      '  max: 60\n',
      '  max: 60\n  levels: { high: 30, 2: 10 }\n',
    )
    expect(onlyIssue(source)).toMatchObject({
      code: 'invalid-level',
      path: 'engagement.levels.high',
      ...at(source, 'high'),
      hint: 'write `levels: { 1: 35, 2: 20, 3: 10 }`: level 1 is the most engaged',
    })
  })

  it('out of range: days are above 0, counts of events at least 1', () => {
    const source = withEngagementRule('when: { event: page }', 'points: 1', 'window: { days: 0 }')
    expect(onlyIssue(source)).toEqual({
      severity: 'error',
      code: 'out-of-range',
      path: 'engagement.groups[0].rules[0].window.days',
      ...at(source, '0 }'),
      message: 'expected a number above 0, got the number 0',
      hint: 'write a number of days above 0, e.g. `days: 90`',
    })
    const history = withRule('when: { did: { event: page, atLeast: 0 } }', 'points: 1')
    expect(onlyIssue(history)).toMatchObject({
      code: 'out-of-range',
      message: 'expected a number at least 1, got the number 0',
    })
  })

  it('empty value: names and labels are not empty', () => {
    const source = withRule('when: { job_title: manager }', 'points: 10', "label: ''")
    expect(onlyIssue(source)).toMatchObject({
      code: 'empty-value',
      path: 'fit.groups[0].rules[0].label',
      ...at(source, "''"),
      message: 'must not be empty',
    })
  })

  it('invalid id: suggests a slug and a label', () => {
    const source = withRule('id: Senior Title', 'when: { job_title: manager }', 'points: 10')
    expect(onlyIssue(source)).toEqual({
      severity: 'error',
      code: 'invalid-id',
      path: 'fit.groups[0].rules[0].id',
      ...at(source, 'Senior Title'),
      message: '"Senior Title" is not a valid id: ids use letters, digits, `-` and `_`',
      hint: 'write an id such as `senior-title`, and put the human wording in `label:`',
    })
  })

  it('history target: exactly one of event and rule', () => {
    const source = withRule('when: { did: { withinDays: 30 } }', 'points: 10')
    expect(onlyIssue(source)).toMatchObject({
      code: 'history-target',
      path: 'fit.groups[0].rules[0].when.did',
      ...at(source, '{ withinDays'),
      message: 'a history test needs exactly one of `event` and `rule`',
    })
    const both = withRule('when: { did: { event: page, rule: demo } }', 'points: 10')
    expect(onlyIssue(both)).toMatchObject({ code: 'history-target' })
  })

  it('decay kind: exactly one of halfLifeDays, linearDays and none', () => {
    const source = withEngagementRule(
      'when: { event: page }',
      'points: 1',
      'decay: { halfLifeDays: 30, linearDays: 90 }',
    )
    expect(onlyIssue(source)).toEqual({
      severity: 'error',
      code: 'decay-kind',
      path: 'engagement.groups[0].rules[0].decay',
      ...at(source, '{ halfLifeDays'),
      message: 'a decay needs exactly one of `halfLifeDays`, `linearDays` and `none`',
      hint: 'write `decay: { halfLifeDays: 30 }`, `decay: { linearDays: 90 }` or `decay: none`',
    })
    const typo = withEngagementRule('when: { event: page }', 'points: 1', 'decay: { halfLife: 30 }')
    expect(onlyIssue(typo)).toMatchObject({ code: 'unknown-key', hint: 'did you mean `halfLifeDays`?' })
  })

  it('count without comparison', () => {
    const source = withEngagementRule('when: { event: page }', 'points: 1', 'count: { withinDays: 30 }')
    expect(onlyIssue(source)).toEqual({
      severity: 'error',
      code: 'count-without-comparison',
      path: 'engagement.groups[0].rules[0].count',
      ...at(source, '{ withinDays'),
      message: 'a `count` needs a comparison: `gte`, `gt`, `lte`, `lt` or `eq`',
      hint: 'write e.g. `count: { gte: 5, withinDays: 30 }`',
    })
  })

  it('reports every problem of the document at once, in source order', () => {
    const source = withRule('when: { job_title: { matchs: manager } }', 'points: ten', 'colour: red')
    expect(issuesOf(source).map((i) => [i.code, i.line])).toEqual([
      ['unknown-key', 8],
      ['invalid-type', 9],
      ['unknown-key', 10],
    ])
  })
})

describe('schemaIssues', () => {
  it('works on plain data, with or without positions', () => {
    const data = { format: 'leadscore/v1', id: 'x', fit: { max: 1, groups: [], grade: {} } }
    const parsed = modelSchema.safeParse(data)
    expect(parsed.success).toBe(false)
    if (parsed.success) return
    expect(schemaIssues(parsed.error.issues, data, () => undefined)).toEqual([
      {
        severity: 'error',
        code: 'unknown-key',
        path: 'fit.grade',
        message: 'unknown key `grade`',
        hint: 'did you mean `grades`?',
        params: { key: 'grade', suggestion: 'grades' },
        hintKey: 'hint.did-you-mean',
      },
    ])
  })
})
