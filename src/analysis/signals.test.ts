import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileModel } from '../core/compile.js'
import { DAY_MS } from '../core/input.js'
import { loadModel } from '../core/model/index.js'
import { type Signal, signals } from './signals.js'
import { leadData, plantedLeads, T0 } from './test-support/planted.js'
import { wilsonInterval } from './wilson.js'

const find = (list: readonly Signal[], kind: string, name: string, value: string | null = null) =>
  list.find((s) => s.kind === kind && s.name === name && s.value === value)

const MODEL = loadModel(`format: leadscore/v1
id: t
fit:
  max: 40
  groups:
    - id: plan
      rules:
        - { id: pro-plan, label: on the pro plan, when: { plan: pro }, points: 20 }
engagement:
  max: 60
  decay: { halfLifeDays: 30 }
  groups:
    - id: web
      rules:
        - { id: pages, when: { event: page }, points: 1 }
        - { id: webinar, when: { event: Webinar Attended }, points: 10 }
bands:
  - { id: hot, when: { score.total: { gte: 20 } } }
  - { id: cold }
`)

describe('signals', () => {
  const data = leadData(plantedLeads(4000))
  const report = signals(data, { model: compileModel(MODEL.ok ? MODEL.model : (undefined as never)) })

  it('finds a planted signal with its true rate inside the 95% interval', () => {
    const webinar = find(report.signals, 'event', 'Webinar Attended')!
    expect(webinar.leads).toBeGreaterThan(900)
    expect(webinar.interval.low).toBeLessThanOrEqual(0.6)
    expect(webinar.interval.high).toBeGreaterThanOrEqual(0.6)
    expect(webinar.significant).toBe(true)
    expect(webinar.lift).toBeGreaterThan(2)
    // converters won 10 days after the webinar
    expect(webinar.medianDays).toBe(10)
    const rule = find(report.signals, 'rule', 'webinar')!
    expect(rule.leads).toBe(webinar.leads)
    expect(rule.conversions).toBe(webinar.conversions)
    expect(find(report.signals, 'rule', 'pro-plan')!.label).toBe('on the pro plan')
  })

  it('finds the planted property value and ranks strong signals first', () => {
    const pro = find(report.signals, 'property', 'plan', 'pro')!
    expect(pro.interval.low).toBeLessThanOrEqual(0.6)
    expect(pro.interval.high).toBeGreaterThanOrEqual(0.6)
    const top = report.signals.slice(0, 4).map((s) => `${s.kind}:${s.name}`)
    expect(top).toContain('event:Webinar Attended')
    // a signal every lead has carries no evidence
    const page = find(report.signals, 'event', 'page')!
    expect(page.leads).toBe(report.leads)
    expect(page.evidence).toBeCloseTo(0, 6)
    expect(page.significant).toBe(false)
  })

  it('never counts what happened after the conversion, nor the outcome itself', () => {
    expect(find(report.signals, 'event', 'Invoice Paid')).toBeUndefined()
    expect(find(report.signals, 'event', 'Deal Won')).toBeUndefined()
  })

  it('bins numbers by quantiles and leaves identifiers out', () => {
    const visits = report.signals.filter((s) => s.name === 'visits')
    expect(visits.length).toBeGreaterThanOrEqual(4)
    expect(visits.reduce((s, v) => s + v.leads, 0)).toBe(report.leads)
    expect(report.signals.some((s) => s.name === 'email')).toBe(false)
  })

  it('marks signals that rest on few leads', () => {
    const few = signals(leadData(plantedLeads(60, { seed: 3 })), { minLeads: 30 })
    const webinar = find(few.signals, 'event', 'Webinar Attended')!
    expect(webinar.leads).toBeLessThan(30)
    expect(webinar.fewLeads).toBe(true)
    expect(find(few.signals, 'event', 'page')!.fewLeads).toBe(false)
  })

  it('as of a date, counts events up to it and conversions within the horizon', () => {
    const asOf = T0 + 50 * DAY_MS
    const r = signals(data, { asOf, horizonDays: 30 })
    expect(r.asOf).toBe(asOf)
    // only leads seen by then and not converted yet
    expect(r.leads).toBeLessThan(report.leads)
    const webinar = find(r.signals, 'event', 'Webinar Attended')!
    expect(webinar.rate).toBeGreaterThan(r.baseRate)
  })
})

describe('wilsonInterval', () => {
  it('is [0, 1] with no leads and stays within [0, 1]', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 })
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, share) => {
          const k = Math.round(n * share)
          const { low, high } = wilsonInterval(k, n)
          return low >= 0 && high <= 1 && low <= k / n + 1e-12 && high >= k / n - 1e-12
        },
      ),
    )
  })

  it('matches a known value: 8 of 10 is 0.490 to 0.943', () => {
    const { low, high } = wilsonInterval(8, 10)
    expect(low).toBeCloseTo(0.4902, 3)
    expect(high).toBeCloseTo(0.9433, 3)
  })
})
