import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../core/input.js'
import { mqlNeeds, needsOf } from './mql-bound.js'
import { rollingBacktest } from './rolling.js'
import { compile } from './test-support/models.js'
import { leadData, type PlantedLead, T0 } from './test-support/planted.js'

const NAMES = ['page', 'Email Opened', 'Webinar Attended', 'Unsubscribed', 'Deal Won'] as const

/** An engagement rule as YAML, from what the property draws. */
const rule = fc
  .record({
    name: fc.constantFrom(...NAMES.slice(0, 4), 'any'),
    points: fc.integer({ min: -25, max: 25 }),
    decay: fc.constantFrom('', 'decay: none', 'decay: { halfLifeDays: 9 }', 'decay: { linearDays: 20 }'),
    window: fc.constantFrom('', '', 'window: { days: 10 }'),
    occurrences: fc.constantFrom('', '', 'occurrences: first', 'occurrences: { perDays: 5 }'),
    distinct: fc.constantFrom('', '', 'distinct: topic'),
    count: fc.constantFrom('', '', '', 'count: { gte: 2, withinDays: 14 }', 'count: { lt: 2 }'),
    min: fc.constantFrom('', 'min: -8'),
    max: fc.constantFrom('', 'max: 18'),
  })
  .map((r) => {
    const event = r.name === 'any' ? 'any' : `"${r.name}"`
    const extra = [r.decay, r.window, r.occurrences, r.distinct, r.count, r.min, r.max].filter(
      (x) => x !== '',
    )
    return `{ when: { event: ${event} }, points: ${r.points}${extra.map((x) => `, ${x}`).join('')} }`
  })

const modelSource = fc
  .record({
    groups: fc.array(
      fc.record({
        mode: fc.constantFrom('sum', 'first'),
        max: fc.constantFrom('', 'max: 30'),
        min: fc.constantFrom('', 'min: -5'),
        rules: fc.array(rule, { minLength: 1, maxLength: 4 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    inactivity: fc.constantFrom(
      '',
      'inactivity: { afterDays: 12, points: -7 }',
      'inactivity: { afterDays: 6, points: -15, activity: [Email Opened] }',
      'inactivity: { afterDays: 20, points: 4 }',
    ),
    mql: fc.constantFrom(
      '{ score.total: { gte: 30 } }',
      '{ all: [{ score.total: { gte: 25 } }, { score.grade: [A, B] }] }',
      '{ any: [{ score.engagement: { gt: 22 } }, { all: [{ score.fit: { gte: 10 } }, { score.total: { gte: 35 } }] }] }',
    ),
  })
  .map(
    (m) => `format: leadscore/v1
id: random
fit:
  max: 20
  groups:
    - id: plan
      rules:
        - { id: pro, when: { plan: pro }, points: 20 }
        - { id: free, when: { plan: free }, points: -5 }
  grades: { A: 15, B: 5 }
engagement:
  max: 60
  decay: { halfLifeDays: 30 }
  groups:
${m.groups
  .map(
    (g, i) => `    - id: g${i}
      mode: ${g.mode}
${[g.max, g.min]
  .filter((x) => x !== '')
  .map((x) => `      ${x}\n`)
  .join('')}      rules:
${g.rules.map((r, k) => `        - ${r.replace('{ when', `{ id: r${i}-${k}, when`)}`).join('\n')}`,
  )
  .join('\n')}
${m.inactivity === '' ? '' : `  ${m.inactivity}\n`}stages:
  - { id: lead }
  - { id: mql, when: ${m.mql} }
  - { id: customer }
`,
  )

const lead: fc.Arbitrary<PlantedLead> = fc.record({
  properties: fc.record({ plan: fc.constantFrom('pro', 'free', 'basic') }),
  events: fc.array(
    fc.record({
      name: fc.constantFrom(...NAMES),
      day: fc.integer({ min: 0, max: 119 }).map((d) => d + [0, 0.25, 0.5][d % 3]!),
      properties: fc.record({ topic: fc.constantFrom('a', 'b', 'c') }),
    }),
    { maxLength: 14 },
  ),
})

/** Events of each lead in time order, as the columns keep them. */
const sorted = (leads: PlantedLead[]) =>
  leads.map((l) => ({ ...l, events: [...l.events].sort((a, b) => a.day - b.day) }))

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
