import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { compileModel } from '../compile.js'
import { loadModel } from './load.js'

/** Every issue says what, where and (for errors) what to write. */
function expectClearIssues(source: string) {
  const result = loadModel(source)
  if (result.ok) {
    // a model that loads also compiles
    expect(() => compileModel(result.model)).not.toThrow()
    return
  }
  expect(result.errors.length).toBeGreaterThan(0)
  for (const issue of result.errors) {
    expect(issue.severity).toBe('error')
    expect(issue.code).toMatch(/^[a-z][a-z-]*$/)
    expect(issue.message.length).toBeGreaterThan(3)
    expect(typeof issue.path).toBe('string')
  }
}

const keys = [
  'format',
  'id',
  'fit',
  'engagement',
  'groups',
  'rules',
  'when',
  'points',
  'max',
  'min',
  'decay',
  'bands',
  'stages',
  'segments',
  'journey',
  'accounts',
  '__proto__',
  'constructor',
  'matches',
  'gte',
  'lt',
  'in',
  'event',
  'did',
  'any',
  'all',
  'not',
]
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('leadscore/v1', '(a+)+$', '[', 'score.total'),
    ),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string()), tie('value'), { maxKeys: 6 }),
}))

describe('the model parser under any input (property-based)', () => {
  it('never throws on any text: it loads, or says what is wrong and where', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => expectClearIssues(text)),
      {
        numRuns: 400,
      },
    )
  })

  it('never throws on any document shape, with the format line or without', () => {
    fc.assert(
      fc.property(value, fc.boolean(), (doc, withFormat) => {
        const body =
          withFormat && doc !== null && typeof doc === 'object' && !Array.isArray(doc)
            ? { format: 'leadscore/v1', id: 'm', ...doc }
            : doc
        expectClearIssues(stringify(body))
        expectClearIssues(JSON.stringify(body) ?? 'null')
      }),
      { numRuns: 400 },
    )
  })

  it('refuses alias bombs and deep nesting with an error, quickly', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for (let i = 0; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      )
    const started = performance.now()
    const result = loadModel(bomb.join('\n'))
    expect(result.ok).toBe(false)
    expect(performance.now() - started).toBeLessThan(5000)
    const deep = `format: leadscore/v1\nid: m\nsegments:\n  - id: s\n    when: ${'{ not: '.repeat(2000)}{ x: 1 }${' }'.repeat(2000)}\n`
    expectClearIssues(deep)
  })
})
