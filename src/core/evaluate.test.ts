import { describe, expect, it } from 'vitest'
import { compileModel } from './compile.js'
import { evaluateContact } from './evaluate.js'
import { idHash } from './id-hash.js'
import { type ContactInput, DAY_MS } from './input.js'
import type { EngagementRule, ModelDocument } from './model/types.js'
import { ev, NOW } from './test-support/events.js'
import { exampleModel } from './test-support/example-model.js'

const example = compileModel(exampleModel)
const vp: ContactInput = {
  id: 'c1',
  properties: { job_title: 'VP Marketing', country: 'US', email: 'a@b.co' },
  account: { industry: 'software', employees: 500 },
}

/** A model with one engagement rule, no caps but the part's, for rule-option tests. */
function oneRule(rule: Partial<EngagementRule>, extra: Partial<ModelDocument> = {}) {
  return compileModel({
    format: 'leadscore/v1',
    id: 't',
    engagement: {
      max: 1000,
      min: -1000,
      groups: [{ id: 'g', rules: [{ id: 'r', when: { event: 'x' }, points: 10, ...rule }] }],
    },
    ...extra,
  })
}
const score = (
  model: ReturnType<typeof oneRule>,
  events: Parameters<typeof evaluateContact>[2],
  asOf = NOW,
) => evaluateContact(model, { id: 'c', properties: {} }, events, asOf)

describe('fit', () => {
  it('scores the example VP at a software company of 500 in the US: 20 + min(35, 25)', () => {
    const r = evaluateContact(example, vp, [], NOW)
    expect(r.rules).toMatchObject({
      'seniority-1': 20,
      'seniority-2': 0,
      'company-1': 15,
      'company-2': 15,
      'company-3': 5,
    })
    expect(r.groups.seniority).toBe(20)
    expect(r.groups.company).toBe(25)
    expect(r.ledger.fit.groups[1]!.caps).toEqual([{ bound: 'max', limit: 25, before: 35, after: 25 }])
    expect(r.fit).toBe(40)
    expect(r.grade).toBe('A')
  })

  it('a first group scores only the first matching rule; a sum group every matching rule', () => {
    const r = evaluateContact(
      example,
      { id: 'c', properties: { job_title: 'Director, Product Manager' } },
      [],
      NOW,
    )
    expect(r.groups.seniority).toBe(20)
    expect(r.rules['seniority-2']).toBe(0)
  })

  it('the fit part is floored at 0 and capped at fit.max', () => {
    const r = evaluateContact(example, { id: 'c', properties: { job_title: 'Intern' } }, [], NOW)
    expect(r.ledger.fit.raw).toBe(-20)
    expect(r.fit).toBe(0)
    expect(r.grade).toBe('F')
  })

  it.each([
    [30, 'A'],
    [29.9, 'B'],
    [20, 'B'],
    [10, 'C'],
    [5, 'D'],
    [4.9, 'F'],
  ])('fit %d grades %s', (points, grade) => {
    const m = compileModel({
      ...exampleModel,
      fit: {
        max: 40,
        groups: [{ id: 'g', rules: [{ when: {}, points }] }],
        grades: { A: 30, B: 20, C: 10, D: 5 },
      },
    })
    expect(evaluateContact(m, { id: 'c', properties: {} }, [], NOW).grade).toBe(grade)
  })
})

describe('engagement rule options', () => {
  it('half-life decay halves points every halfLifeDays', () => {
    const m = oneRule({ decay: { halfLifeDays: 30 } })
    expect(score(m, [ev('x', 0)]).engagement).toBeCloseTo(10, 10)
    expect(score(m, [ev('x', 30)]).engagement).toBeCloseTo(5, 10)
    expect(score(m, [ev('x', 60)]).engagement).toBeCloseTo(2.5, 10)
  })

  it('linear decay falls to zero at linearDays and stays there', () => {
    const m = oneRule({ decay: { linearDays: 10 } })
    expect(score(m, [ev('x', 5)]).engagement).toBeCloseTo(5, 10)
    expect(score(m, [ev('x', 10)]).engagement).toBe(0)
    expect(score(m, [ev('x', 20)]).engagement).toBe(0)
  })

  it('decay none keeps full points; the part default applies unless a rule overrides it', () => {
    expect(score(oneRule({ decay: 'none' }), [ev('x', 400)]).engagement).toBe(10)
    const inherits = compileModel({
      format: 'leadscore/v1',
      id: 't',
      engagement: {
        max: 100,
        decay: { halfLifeDays: 10 },
        groups: [
          {
            id: 'g',
            rules: [
              { id: 'a', when: { event: 'x' }, points: 10 },
              { id: 'b', when: { event: 'y' }, points: 10, decay: 'none' },
            ],
          },
        ],
      },
    })
    const r = evaluateContact(inherits, { id: 'c', properties: {} }, [ev('x', 10), ev('y', 10)], NOW)
    expect(r.rules.a).toBeCloseTo(5, 10)
    expect(r.rules.b).toBe(10)
  })

  it('window keeps events exactly windowDays old and drops older ones', () => {
    const m = oneRule({ window: { days: 90 } })
    expect(score(m, [ev('x', 90)]).engagement).toBe(10)
    expect(score(m, [ev('x', 90.001)]).engagement).toBe(0)
  })

  it('occurrences first counts only the earliest event (ties broken by the id, through its hash)', () => {
    const m = oneRule({ occurrences: 'first', decay: { halfLifeDays: 10 } })
    const tied = ['z', 'a', 'q']
    const events = [ev('x', 5, {}, 'b'), ...tied.map((id) => ev('x', 10, {}, id))]
    const r = score(m, events)
    const first = [...tied].sort((x, y) => idHash(x) - idHash(y))[0]
    expect(r.ledger.engagement.groups[0]!.rules[0]!.events.map((e) => e.id)).toEqual([first])
    expect(
      score(m, [...events].reverse()).ledger.engagement.groups[0]!.rules[0]!.events.map((e) => e.id),
    ).toEqual([first])
    expect(r.engagement).toBeCloseTo(5, 10)
  })

  it('occurrences perDays counts at most one event per epoch-aligned bucket', () => {
    const m = oneRule({ occurrences: { perDays: 7 } })
    const start = Math.floor(NOW / (7 * DAY_MS)) * 7 * DAY_MS // the start of NOW's bucket
    const at = (t: number, id: string) => ({ id, name: 'x', ts: t, properties: {} })
    const events = [at(start, 'a'), at(start + DAY_MS, 'b'), at(start - 1, 'c'), at(start - 8 * DAY_MS, 'd')]
    const r = score(m, events, start + 2 * DAY_MS)
    expect(r.ledger.engagement.groups[0]!.rules[0]!.events.map((e) => e.id)).toEqual(['d', 'c', 'a'])
  })

  it('distinct counts one event per value, the earliest; missing values count once', () => {
    const m = oneRule({ distinct: 'email_id' })
    const r = score(m, [
      ev('x', 3, { email_id: 'm1' }, 'a'),
      ev('x', 2, { email_id: 'M1 ' }, 'b'),
      ev('x', 1, { email_id: 'm2' }, 'c'),
      ev('x', 0.5, {}, 'd'),
      ev('x', 0, {}, 'e'),
    ])
    expect(r.ledger.engagement.groups[0]!.rules[0]!.events.map((e) => e.id)).toEqual(['a', 'c', 'd'])
    expect(r.engagement).toBe(30)
  })

  it('count awards its points once while it holds, on both sides of the threshold', () => {
    const m = oneRule({ count: { gte: 3, withinDays: 30 }, decay: 'none' })
    expect(score(m, [ev('x', 1), ev('x', 2)]).engagement).toBe(0)
    expect(score(m, [ev('x', 1), ev('x', 2), ev('x', 3)]).engagement).toBe(10)
    expect(score(m, [ev('x', 1), ev('x', 2), ev('x', 3), ev('x', 4), ev('x', 5)]).engagement).toBe(10)
    expect(score(m, [ev('x', 1), ev('x', 2), ev('x', 31)]).engagement).toBe(0)
    const r = score(m, [ev('x', 1), ev('x', 2), ev('x', 3)])
    expect(r.ledger.engagement.groups[0]!.rules[0]!.count).toEqual({
      n: 3,
      holds: true,
      condition: '>= 3 within 30 days',
    })
  })

  it.each([
    [{ gt: 2 }, 2, false],
    [{ gt: 2 }, 3, true],
    [{ lte: 2 }, 2, true],
    [{ lte: 2 }, 3, false],
    [{ lt: 2 }, 1, true],
    [{ lt: 2 }, 2, false],
    [{ eq: 2 }, 2, true],
    [{ eq: 2 }, 1, false],
  ])('count %j with %d events holds: %s', (count, n, holds) => {
    const m = oneRule({ count, decay: 'none' })
    const events = Array.from({ length: n }, (_, i) => ev('x', i))
    expect(score(m, events).engagement).toBe(holds ? 10 : 0)
  })

  it('a count rule decays from its newest counted event', () => {
    const m = oneRule({ count: { gte: 2 }, decay: { halfLifeDays: 10 } })
    expect(score(m, [ev('x', 10), ev('x', 40)]).engagement).toBeCloseTo(5, 10)
  })

  it('rule max and min clamp the decayed total and are recorded', () => {
    const capped = score(oneRule({ max: 25, decay: 'none' }), [ev('x', 1), ev('x', 2), ev('x', 3)])
    expect(capped.engagement).toBe(25)
    expect(capped.ledger.engagement.groups[0]!.rules[0]!.caps).toEqual([
      { bound: 'max', limit: 25, before: 30, after: 25 },
    ])
    const floored = score(oneRule({ points: -10, min: -15, decay: 'none' }), [ev('x', 1), ev('x', 2)])
    expect(floored.engagement).toBe(-15)
    expect(score(oneRule({ max: 25, decay: 'none' }), [ev('x', 1), ev('x', 2)]).engagement).toBe(20)
  })

  it('options combine: distinct + window + decay + cap', () => {
    const m = oneRule({ distinct: 'k', window: { days: 30 }, decay: { halfLifeDays: 10 }, max: 12 })
    const r = score(m, [
      ev('x', 0, { k: 1 }),
      ev('x', 0, { k: 1 }),
      ev('x', 10, { k: 2 }),
      ev('x', 40, { k: 3 }),
    ])
    expect(r.ledger.engagement.groups[0]!.rules[0]!.raw).toBeCloseTo(15, 10)
    expect(r.engagement).toBe(12)
  })

  it('events after the as-of time do not exist', () => {
    expect(score(oneRule({ decay: 'none' }), [ev('x', -1), ev('x', -0.0001)]).engagement).toBe(0)
    expect(score(oneRule({ decay: 'none' }), [ev('x', 0)]).engagement).toBe(10)
  })

  it('a first-mode group gives each event to its first matching rule only', () => {
    const r = evaluateContact(
      example,
      vp,
      [ev('page', 0, { path: '/pricing' }), ev('page', 0, { path: '/blog' })],
      NOW,
    )
    expect(r.rules['pricing-page']).toBe(10)
    expect(r.rules['page-view']).toBe(1)
  })
})

describe('caps, inactivity and the total', () => {
  it('group and part caps clamp and are recorded', () => {
    const events = Array.from({ length: 30 }, (_, i) => ev('page', 0, { path: '/pricing' }, `p${i}`))
    const r = evaluateContact(example, vp, events, NOW)
    expect(r.ledger.engagement.groups[0]!.raw).toBe(300)
    expect(r.groups.web).toBe(25)
    const many = [
      ...events,
      ev('Demo Requested', 0),
      ev('Webinar Attended', 0),
      ev('Webinar Attended', 0),
      ...Array.from({ length: 6 }, (_, i) => ev('Email Link Clicked', 0, {}, `k${i}`)),
    ]
    const full = evaluateContact(example, vp, many, NOW)
    expect(full.ledger.engagement.raw).toBe(25 + 20 + 30 + 30 + 10)
    expect(full.engagement).toBe(60)
    expect(full.total).toBe(100)
    expect(full.band).toBe('hot')
    expect(full.label).toBe('A1')
  })

  it('inactivity applies when the newest activity is older than afterDays, not when it is exactly that old', () => {
    const base = compileModel({
      format: 'leadscore/v1',
      id: 't',
      engagement: {
        max: 100,
        min: -100,
        groups: [
          {
            id: 'g',
            rules: [
              { id: 'r', when: { event: 'x' }, points: 1, decay: 'none' },
              { id: 'n', when: { event: 'bad' }, points: -1, decay: 'none' },
            ],
          },
        ],
        inactivity: { afterDays: 60, points: -10 },
      },
    })
    const s = (events: Parameters<typeof evaluateContact>[2]) =>
      evaluateContact(base, { id: 'c', properties: {} }, events, NOW)
    expect(s([ev('x', 60)]).engagement).toBe(1)
    expect(s([ev('x', 60.01)]).engagement).toBe(-9)
    expect(s([]).engagement).toBe(-10)
    // a negative rule's event is not activity
    expect(s([ev('x', 61), ev('bad', 1)]).engagement).toBe(-10)
    const listed = compileModel({
      ...base.document,
      engagement: {
        ...base.document.engagement!,
        inactivity: { afterDays: 60, points: -10, activity: ['bad'] },
      },
    })
    expect(evaluateContact(listed, { id: 'c', properties: {} }, [ev('bad', 1)], NOW).engagement).toBe(-1)
  })

  it('the total is fit + engagement clamped to [0, fit.max + engagement.max]', () => {
    const r = evaluateContact(example, { id: 'c', properties: {} }, [ev('Unsubscribed', 1)], NOW)
    expect(r.ledger.engagement.raw).toBe(-30) // -20 and inactivity: unsubscribing is not activity
    expect(r.total).toBe(0)
  })

  it('predictive weight adds weight * likelihood / 100 points', () => {
    const m = compileModel({ ...exampleModel, predictive: { model: 'm.json', weight: 20 } })
    const r = evaluateContact(m, vp, [], NOW, { likelihood: 50 })
    expect(r.total).toBe(50)
    expect(r.likelihood).toBe(50)
    expect(evaluateContact(m, vp, [], NOW).total).toBe(40)
  })
})

describe('classification', () => {
  it.each([
    [69.9, 'warm'],
    [70, 'hot'],
    [40, 'warm'],
    [39.9, 'cold'],
  ])('total %d is band %s', (points, band) => {
    const m = compileModel({
      format: 'leadscore/v1',
      id: 't',
      fit: { max: 100, groups: [{ id: 'g', rules: [{ when: {}, points }] }] },
      bands: exampleModel.bands!,
    })
    expect(evaluateContact(m, { id: 'c', properties: {} }, [], NOW).band).toBe(band)
  })

  it('levels from engagement thresholds, else the next level; label joins grade and level', () => {
    const events = (n: number) =>
      Array.from({ length: n }, (_, i) => ev('Email Link Clicked', 0, {}, `l${i}`))
    expect(evaluateContact(example, vp, events(2), NOW).level).toBe('3')
    expect(evaluateContact(example, vp, events(4), NOW).level).toBe('2')
    expect(evaluateContact(example, vp, events(1), NOW).level).toBe('4')
    expect(evaluateContact(example, vp, events(1), NOW).label).toBe('A4')
  })

  it('stages (stateless): the highest automatic stage that holds, else the first', () => {
    expect(evaluateContact(example, { id: 'c', properties: {} }, [], NOW).stage).toBe('subscriber')
    expect(evaluateContact(example, vp, [], NOW).stage).toBe('lead')
    const hot = [ev('Demo Requested', 0), ev('page', 0, { path: '/pricing' })]
    expect(evaluateContact(example, vp, hot, NOW).stage).toBe('mql')
  })

  it('the hand-off stage: the one marked `handoff`, else `mql`, else none', () => {
    expect(example.handoffStage).toBe('mql')
    const stages = (handoff?: string) =>
      compileModel({
        format: 'leadscore/v1',
        id: 't',
        stages: ['lead', 'mql', 'sal'].map((id) => (id === handoff ? { id, handoff: true } : { id })),
      }).handoffStage
    expect(stages('sal')).toBe('sal')
    expect(stages()).toBe('mql')
    expect(
      compileModel({ format: 'leadscore/v1', id: 't', stages: [{ id: 'lead' }] }).handoffStage,
    ).toBeNull()
  })

  it('stages (stateful): forward only, manual stages stay, recycle moves back', () => {
    const hot = [ev('Demo Requested', 0), ev('page', 0, { path: '/pricing' })]
    expect(evaluateContact(example, vp, [], NOW, { currentStage: 'mql' }).stage).toBe('mql')
    expect(
      evaluateContact(example, { id: 'c', properties: { email: 'x@y.z' } }, [], NOW, { currentStage: 'mql' })
        .stage,
    ).toBe('lead')
    expect(evaluateContact(example, vp, hot, NOW, { currentStage: 'sql' }).stage).toBe('sql')
    expect(evaluateContact(example, vp, hot, NOW, { currentStage: 'lead' }).stage).toBe('mql')
  })

  it('journey: did with rule ids and event names within days', () => {
    const j = (events: Parameters<typeof evaluateContact>[2]) =>
      evaluateContact(example, vp, events, NOW).journey
    expect(j([ev('Demo Requested', 30)])).toBe('decision')
    expect(j([ev('Demo Requested', 31)])).toBe('discovery')
    expect(j([ev('page', 3, { path: '/pricing' })])).toBe('decision')
    expect(j([ev('Content Downloaded', 59)])).toBe('consideration')
    expect(j([])).toBe('discovery')
  })

  it('segments: not exclusive; didNot any within days; score.group fields; properties', () => {
    const seg = (c: ContactInput, events: Parameters<typeof evaluateContact>[2]) =>
      evaluateContact(example, c, events, NOW).segments
    expect(seg(vp, [ev('page', 31)])).toEqual(['nurture'])
    expect(seg(vp, [ev('page', 29)])).toEqual([])
    expect(
      seg({ ...vp, properties: { ...vp.properties, source: 'Paid_Search' } }, [
        ev('page', 0, { path: '/pricing' }),
      ]),
    ).toEqual(['analytics-interest', 'from-paid'])
  })

  it('did atLeast needs that many events', () => {
    const m = compileModel({
      format: 'leadscore/v1',
      id: 't',
      segments: [{ id: 's', when: { did: { event: 'x', atLeast: 2 } } }],
    })
    expect(evaluateContact(m, { id: 'c', properties: {} }, [ev('x', 1)], NOW).segments).toEqual([])
    expect(evaluateContact(m, { id: 'c', properties: {} }, [ev('x', 1), ev('x', 400)], NOW).segments).toEqual(
      ['s'],
    )
  })
})
