import { describe, expect, it } from 'vitest'
import {
  closest,
  compareIssues,
  describeValue,
  didYouMean,
  formatIssue,
  formatPath,
  type Issue,
  makeIssue,
} from './issue.js'

const issue: Issue = {
  severity: 'error',
  code: 'unknown-key',
  path: 'fit.groups[0].rules[1].pionts',
  line: 12,
  column: 9,
  message: 'unknown key `pionts`',
  hint: 'did you mean `points`?',
}

describe('formatIssue', () => {
  it('renders file:line:col, severity, path, message and the hint on its own line', () => {
    expect(formatIssue(issue, 'model.yaml')).toBe(
      'model.yaml:12:9 error fit.groups[0].rules[1].pionts: unknown key `pionts`\n  hint: did you mean `points`?',
    )
  })

  it('leaves out what the issue does not have', () => {
    const { hint: _hint, ...bare } = issue
    expect(formatIssue(bare)).toBe('12:9 error fit.groups[0].rules[1].pionts: unknown key `pionts`')
    const { line: _line, column: _column, ...nowhere } = bare
    expect(formatIssue({ ...nowhere, path: '', severity: 'warning' }, 'model.yaml')).toBe(
      'model.yaml warning: unknown key `pionts`',
    )
  })
})

describe('formatPath', () => {
  it('joins keys with dots and indexes with brackets', () => {
    expect(formatPath(['engagement', 'groups', 1, 'rules', 0, 'when'])).toBe(
      'engagement.groups[1].rules[0].when',
    )
  })

  it('quotes keys that are not plain words, so dotted field names stay unambiguous', () => {
    expect(formatPath(['bands', 0, 'when', 'score.total', 'gte'])).toBe('bands[0].when["score.total"].gte')
    expect(formatPath(['when', 'job title'])).toBe('when["job title"]')
    expect(formatPath(['levels', '1'])).toBe('levels.1')
    expect(formatPath([])).toBe('')
  })
})

describe('closest and didYouMean', () => {
  const keys = ['id', 'label', 'when', 'points', 'decay', 'window', 'occurrences', 'max', 'min']

  it('finds typos, transpositions and case slips', () => {
    expect(closest('pionts', keys)).toBe('points')
    expect(closest('pointz', keys)).toBe('points')
    expect(closest('Points', keys)).toBe('points')
    expect(closest('ocurrences', keys)).toBe('occurrences')
    expect(didYouMean('wen', keys)).toBe('did you mean `when`?')
  })

  it('accepts a prefix of a longer key', () => {
    expect(closest('halfLife', ['halfLifeDays', 'linearDays', 'none'])).toBe('halfLifeDays')
    expect(closest('linear', ['halfLifeDays', 'linearDays', 'none'])).toBe('linearDays')
  })

  it('uses aliases for words people write instead', () => {
    expect(closest('regex', ['eq', 'matches'], { regex: 'matches' })).toBe('matches')
    expect(closest('regex', ['eq'], { regex: 'matches' })).toBeUndefined()
  })

  it('suggests nothing when nothing is close, and never guesses between short words', () => {
    expect(closest('colour', keys)).toBeUndefined()
    expect(closest('G', ['A', 'B', 'C', 'F'])).toBeUndefined()
    expect(closest('a', ['A', 'B'])).toBe('A')
    expect(didYouMean('xyz', keys)).toBeUndefined()
  })
})

describe('describeValue', () => {
  it.each([
    [undefined, 'nothing'],
    [null, 'an empty value'],
    ['ten', 'text "ten"'],
    [3, 'the number 3'],
    [Number.POSITIVE_INFINITY, '.inf (infinity)'],
    [Number.NaN, '.nan (not a number)'],
    [true, '`true`'],
    [[], 'an empty list'],
    [[1], 'a list'],
    [{}, 'a map'],
  ])('%s is %s', (value, text) => {
    expect(describeValue(value)).toBe(text)
  })

  it('shortens long text', () => {
    expect(describeValue('x'.repeat(100))).toBe(`text "${'x'.repeat(37)}..."`)
  })
})

describe('makeIssue and compareIssues', () => {
  it('renders the path and asks the locator for the position of the value or the key', () => {
    const asked: unknown[] = []
    const made = makeIssue(
      { code: 'unknown-key', path: ['fit', 'x'], message: 'unknown key `x`', target: 'key' },
      (path, target) => {
        asked.push([path, target])
        return { line: 3, column: 5 }
      },
    )
    expect(made).toEqual({
      severity: 'error',
      code: 'unknown-key',
      path: 'fit.x',
      line: 3,
      column: 5,
      message: 'unknown key `x`',
      params: {},
    })
    expect(asked).toEqual([[['fit', 'x'], 'key']])
    expect(
      makeIssue({
        severity: 'warning',
        code: 'c',
        path: [],
        message: 'm',
        hint: 'h',
        params: { n: '1' },
        hintKey: 'hint.c',
      }),
    ).toEqual({
      severity: 'warning',
      code: 'c',
      path: '',
      message: 'm',
      hint: 'h',
      params: { n: '1' },
      hintKey: 'hint.c',
    })
  })

  it('orders by line, column, errors first, positionless last', () => {
    const { line: _line, column: _column, ...nowhere } = issue
    const at = (line: number | undefined, column: number, severity: Issue['severity']): Issue =>
      line === undefined ? { ...nowhere, severity } : { ...nowhere, severity, line, column }
    const sorted = [
      at(undefined, 0, 'error'),
      at(3, 1, 'warning'),
      at(3, 1, 'error'),
      at(1, 9, 'warning'),
    ].sort(compareIssues)
    expect(sorted.map((i) => [i.line, i.severity])).toEqual([
      [1, 'warning'],
      [3, 'error'],
      [3, 'warning'],
      [undefined, 'error'],
    ])
  })
})
