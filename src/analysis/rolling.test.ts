import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../core/input.js'
import { mqlNeeds, needsOf } from './mql-bound.js'
import { rollingBacktest } from './rolling.js'
import { compile } from './test-support/models.js'
import { leadData, T0 } from './test-support/planted.js'
import { lead, modelSource, sorted } from './test-support/random-models.js'

describe('rollingBacktest scoring only the leads that may have become MQL', () => {
  it('gives the report of scoring every lead every week, on random models and leads', () => {
    fc.assert(
      fc.property(
        modelSource,
        fc.array(lead, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.integer({ min: 5, max: 50 }), { nil: undefined }),
        (source, leads, stepDays, threshold) => {
          const model = compile(source)
          const data = leadData(sorted(leads))
          const options = {
            from: T0 + 10 * DAY_MS,
            to: T0 + 115 * DAY_MS,
            stepDays,
            horizonDays: 20,
            threshold,
          }
          const fast = rollingBacktest(model, data, options)
          const every = rollingBacktest(model, data, { ...options, rescoreEveryLead: true })
          expect(fast).toEqual(every)
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('needsOf', () => {
  it('reads the bounds on the total, the engagement and the fit through all and any', () => {
    expect(needsOf({ all: [{ 'score.total': { gte: 55 } }, { 'score.grade': ['A'] }] })).toEqual({
      total: 55,
      engagement: Number.NEGATIVE_INFINITY,
      fit: Number.NEGATIVE_INFINITY,
    })
    const either = needsOf({
      any: [{ 'score.total': { gt: 40 }, 'score.fit': { gte: 9 } }, { 'score.total': { gte: 60 } }],
    })
    expect(either.total).toBe(40)
    expect(either.fit).toBe(Number.NEGATIVE_INFINITY)
    expect(needsOf({ not: { 'score.total': { gte: 10 } } }).total).toBe(Number.NEGATIVE_INFINITY)
    expect(needsOf({ 'score.total': { lt: 10 } }).total).toBe(Number.NEGATIVE_INFINITY)
  })

  it('needs nothing when the hand-off stage is the first one (every lead is in it)', () => {
    const model = compile(`format: leadscore/v1
id: first
engagement:
  max: 20
  groups:
    - id: g
      rules: [{ id: r, when: { event: page }, points: 1 }]
stages:
  - { id: mql }
  - { id: sql, when: { score.total: { gte: 10 } } }
`)
    expect(mqlNeeds(model)).toBeNull()
    expect(mqlNeeds(model, 12)).toEqual([
      { total: 12, engagement: Number.NEGATIVE_INFINITY, fit: Number.NEGATIVE_INFINITY },
    ])
  })
})
