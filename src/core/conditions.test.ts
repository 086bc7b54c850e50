import { describe, expect, it } from 'vitest'
import { ConditionCompiler, compileOperators, type Scope } from './conditions.js'
import type { Operators } from './model/types.js'

const test = (ops: Operators, value: unknown, caseSensitive = false) =>
  compileOperators(ops, caseSensitive)(value)

describe('operators', () => {
  it.each([
    // [operators, value, expected]
    [{ eq: 'Software' }, ' software ', true],
    [{ eq: 'software' }, 'fintech', false],
    [{ eq: 5 }, '5', true],
    [{ eq: 5 }, 5.5, false],
    [{ eq: true }, 'TRUE', true],
    [{ eq: true }, false, false],
    [{ eq: null }, undefined, true],
    [{ eq: null }, 'x', false],
    [{ ne: 'student' }, 'Student', false],
    [{ ne: 'student' }, 'vp', true],
    [{ in: ['US', 'CA'] }, 'us', true],
    [{ in: ['US', 'CA'] }, 'MX', false],
    [{ notIn: ['US'] }, 'MX', true],
    [{ notIn: ['US'] }, 'US', false],
    [{ gt: 10 }, 11, true],
    [{ gt: 10 }, 10, false],
    [{ gte: 10 }, 10, true],
    [{ gte: 10 }, 9.99, false],
    [{ lt: 10 }, 9, true],
    [{ lt: 10 }, 10, false],
    [{ lte: 10 }, '10', true],
    [{ lte: 10 }, 10.01, false],
    [{ gte: 10 }, 'ten', false],
    [{ gte: 10 }, '', false],
    [{ gte: '2026-01-01' }, '2026-03-01T10:00:00Z', true],
    [{ gte: '2026-01-01' }, '2025-12-31', false],
    [{ lt: '2026-01-01' }, 'yesterday', false],
    [{ matches: '\\bvp\\b' }, 'VP of Sales', true],
    [{ matches: '\\bvp\\b' }, 'MVP', false],
    [{ matches: '^owner' }, '  Owner', true],
    [{ contains: 'market' }, 'Head of Marketing', true],
    [{ contains: 'market' }, 'Sales', false],
    [{ startsWith: 'head' }, ' Head of Growth', true],
    [{ startsWith: 'head' }, 'Growth head', false],
    [{ endsWith: '.edu' }, 'jo@uni.EDU', true],
    [{ endsWith: '.edu' }, 'jo@acme.com', false],
    [{ exists: true }, 'x', true],
    [{ exists: true }, null, false],
    [{ exists: false }, undefined, true],
    [{ exists: false }, 0, false],
    [{ gte: 10, lt: 20 }, 15, true],
    [{ gte: 10, lt: 20 }, 20, false],
  ] as [Operators, unknown, boolean][])('%j on %j is %s', (ops, value, expected) => {
    expect(test(ops, value)).toBe(expected)
  })

  it('a missing field matches only exists: false, ne and notIn', () => {
    const all: Operators[] = [
      { eq: 'x' },
      { in: ['x'] },
      { gt: 1 },
      { gte: 1 },
      { lt: 1 },
      { lte: 1 },
      { matches: '.*' },
      { contains: '' },
      { startsWith: '' },
      { endsWith: '' },
      { exists: true },
    ]
    for (const ops of all) expect(test(ops, undefined), JSON.stringify(ops)).toBe(false)
    expect(test({ exists: false }, undefined)).toBe(true)
    expect(test({ ne: 'x' }, undefined)).toBe(true)
    expect(test({ notIn: ['x'] }, undefined)).toBe(true)
  })

  it('caseSensitive keeps case for string operators but matches stays case-insensitive', () => {
    expect(test({ eq: 'Software' }, 'software', true)).toBe(false)
    expect(test({ eq: 'Software' }, 'Software', true)).toBe(true)
    expect(test({ contains: 'VP' }, 'vp sales', true)).toBe(false)
    expect(test({ matches: 'vp' }, 'VP', true)).toBe(true)
  })
})

describe('combinators', () => {
  const scope = (props: Record<string, unknown>, eventName?: string): Scope => ({
    get: (f) => props[f],
    history: () => false,
    eventName,
  })
  const compile = (c: Parameters<ConditionCompiler['compile']>[0]) => new ConditionCompiler().compile(c)

  it('all, any and not combine', () => {
    const c = compile({
      all: [{ a: { eq: 1 } }, { any: [{ b: { eq: 2 } }, { not: { c: { exists: true } } }] }],
    })
    expect(c(scope({ a: 1, b: 2, c: 3 }))).toBe(true)
    expect(c(scope({ a: 1, b: 9 }))).toBe(true)
    expect(c(scope({ a: 1, b: 9, c: 3 }))).toBe(false)
    expect(c(scope({ a: 2, b: 2 }))).toBe(false)
  })

  it('several operators on one field must all hold; several fields too', () => {
    const c = compile({ a: { gte: 1, lte: 3 }, b: 'x' })
    expect(c(scope({ a: 2, b: 'X' }))).toBe(true)
    expect(c(scope({ a: 4, b: 'x' }))).toBe(false)
    expect(c(scope({ a: 2, b: 'y' }))).toBe(false)
  })

  it('event selects names case-insensitively; any matches every name; lists are shorthand for in', () => {
    expect(compile({ event: 'Email Opened' })(scope({}, 'email opened'))).toBe(true)
    expect(compile({ event: ['page', 'Form Submitted'] })(scope({}, 'form submitted'))).toBe(true)
    expect(compile({ event: 'page' })(scope({}, 'track'))).toBe(false)
    expect(compile({ event: 'any' })(scope({}, 'whatever'))).toBe(true)
    expect(compile({ country: ['US', 'CA'] })(scope({ country: 'ca' }))).toBe(true)
  })

  it('history tests are shared between identical did/didNot', () => {
    const compiler = new ConditionCompiler()
    compiler.compile({ did: { event: 'page', withinDays: 3 } })
    compiler.compile({ didNot: { event: ['PAGE'], withinDays: 3 } })
    compiler.compile({ did: { event: 'page', withinDays: 4 } })
    expect(compiler.history).toHaveLength(2)
  })
})
