/**
 * Random models and leads for the analysis property tests: engagement rules with every decay,
 * window, occurrence, distinct, count and cap option, inactivity, and an MQL stage reading the
 * scores; leads with a plan and up to 14 events over 120 days.
 * @module
 */
import fc from 'fast-check'
import type { PlantedLead } from './planted.js'

export const NAMES = ['page', 'Email Opened', 'Webinar Attended', 'Unsubscribed', 'Deal Won'] as const

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

/** A model's YAML source. */
export const modelSource = fc
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

/** A lead with a plan and events. */
export const lead: fc.Arbitrary<PlantedLead> = fc.record({
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
export const sorted = (leads: PlantedLead[]) =>
  leads.map((l) => ({ ...l, events: [...l.events].sort((a, b) => a.day - b.day) }))
