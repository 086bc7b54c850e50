import fc from 'fast-check'
import type { ContactEvent } from '../input.js'
import { DAY_MS } from '../input.js'
import type { Condition, EngagementRule, ModelDocument } from '../model/types.js'
import { NOW } from './events.js'

export const EVENT_NAMES = [
  'page',
  'Email Opened',
  'Demo Requested',
  'Webinar Attended',
  'Unsubscribed',
] as const
const PATHS = ['/pricing', '/blog', '/docs']

const eventCondition: fc.Arbitrary<Condition> = fc.oneof(
  fc.constantFrom(...EVENT_NAMES).map((event) => ({ event })),
  fc.constantFrom(...PATHS).map((path) => ({ event: 'page', path: { eq: path } })),
  fc.integer({ min: 0, max: 100 }).map((n) => ({ event: 'any', percent: { gte: n } })),
  fc.constant({ event: ['Email Opened', 'Webinar Attended'] }),
)

const decay = fc.oneof(
  fc.constant(undefined),
  fc.constant('none' as const),
  fc.integer({ min: 1, max: 90 }).map((halfLifeDays) => ({ halfLifeDays })),
  fc.integer({ min: 1, max: 90 }).map((linearDays) => ({ linearDays })),
)

const rule = (id: string): fc.Arbitrary<EngagementRule> =>
  fc
    .record({
      when: eventCondition,
      points: fc.integer({ min: -20, max: 30 }),
      decay,
      window: fc.option(
        fc.integer({ min: 1, max: 120 }).map((days) => ({ days })),
        { nil: undefined },
      ),
      occurrences: fc.option(
        fc.oneof(
          fc.constant('all' as const),
          fc.constant('first' as const),
          fc.integer({ min: 1, max: 30 }).map((perDays) => ({ perDays })),
        ),
        { nil: undefined },
      ),
      distinct: fc.option(fc.constant('email_id'), { nil: undefined }),
      count: fc.option(
        fc.record({
          gte: fc.integer({ min: 1, max: 4 }),
          withinDays: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
        }),
        { nil: undefined, freq: 4 },
      ),
      max: fc.option(fc.integer({ min: 5, max: 60 }), { nil: undefined }),
      min: fc.option(fc.integer({ min: -40, max: -5 }), { nil: undefined }),
    })
    .map((r) => {
      const out: Record<string, unknown> = { id, when: r.when, points: r.points }
      for (const k of ['decay', 'window', 'occurrences', 'distinct', 'count', 'max', 'min'] as const) {
        if (r[k] !== undefined) out[k] = r[k]
      }
      if (r.count?.withinDays === undefined && r.count) out.count = { gte: r.count.gte }
      return out as unknown as EngagementRule
    })

/** A random model exercising every engagement rule option, classifiers and history tests. */
export const modelArb: fc.Arbitrary<ModelDocument> = fc
  .record({
    groups: fc.array(
      fc.record({
        mode: fc.constantFrom('sum' as const, 'first' as const),
        max: fc.option(fc.integer({ min: 5, max: 80 }), { nil: undefined }),
        size: fc.integer({ min: 1, max: 4 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    rules: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
    seed: fc.array(rule('x'), { minLength: 12, maxLength: 12 }),
    partDecay: decay,
    inactivity: fc.option(
      fc.record({ afterDays: fc.integer({ min: 1, max: 90 }), points: fc.integer({ min: -20, max: -1 }) }),
      { nil: undefined },
    ),
    withinDays: fc.integer({ min: 1, max: 60 }),
  })
  .map(({ groups, seed, partDecay, inactivity, withinDays }) => {
    let n = 0
    const engagementGroups = groups.map((g, gi) => ({
      id: `g${gi}`,
      mode: g.mode,
      ...(g.max === undefined ? {} : { max: g.max }),
      rules: Array.from({ length: g.size }, () => ({ ...seed[n % seed.length]!, id: `r${n++}` })),
    }))
    const doc: ModelDocument = {
      format: 'leadscore/v1',
      id: 'random',
      fit: {
        max: 40,
        groups: [
          {
            id: 'f',
            mode: 'first',
            rules: [
              { when: { title: { matches: 'vp|head' } }, points: 20 },
              { when: { title: { exists: true } }, points: 5 },
            ],
          },
        ],
        grades: { A: 20, B: 5 },
      },
      engagement: {
        max: 60,
        min: -10,
        ...(partDecay === undefined ? {} : { decay: partDecay }),
        groups: engagementGroups,
        ...(inactivity === undefined ? {} : { inactivity }),
        levels: { 1: 30, 2: 10 },
      },
      bands: [{ id: 'hot', when: { 'score.total': { gte: 50 } } }, { id: 'cold' }],
      stages: [{ id: 'lead' }, { id: 'mql', when: { 'score.total': { gte: 40 } } }],
      journey: [{ id: 'decision', when: { did: { rule: 'r0', withinDays } } }, { id: 'discovery' }],
      segments: [
        { id: 'quiet', when: { didNot: { event: 'any', withinDays } } },
        { id: 'webby', when: { did: { event: 'page', atLeast: 2 } } },
      ],
    }
    return doc
  })

/** Random events around NOW (some after it), with colliding ids and times on purpose. */
export const eventsArb: fc.Arbitrary<ContactEvent[]> = fc
  .array(
    fc.record({
      id: fc.integer({ min: 0, max: 400 }),
      name: fc.constantFrom(...EVENT_NAMES, 'PAGE', 'email opened'),
      day: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double({ min: -5, max: 200, noNaN: true })),
      path: fc.constantFrom(...PATHS, undefined),
      email: fc.constantFrom('m1', 'm2', 'm3', undefined),
      percent: fc.integer({ min: 0, max: 100 }),
    }),
    { maxLength: 60 },
  )
  .map((rows) => {
    const byId = new Map<string, ContactEvent>()
    for (const r of rows) {
      const id = `e${r.id}`
      if (byId.has(id)) continue // one id, one event
      const properties: Record<string, unknown> = { percent: r.percent }
      if (r.path !== undefined) properties.path = r.path
      if (r.email !== undefined) properties.email_id = r.email
      byId.set(id, { id, name: r.name, ts: NOW - Math.round(r.day * DAY_MS), properties })
    }
    return [...byId.values()]
  })
