import { describe, expect, it } from 'vitest'
import { idHash } from '../core/id-hash.js'
import { DAY_MS } from '../core/input.js'
import { fitIndicators } from './indicator-fit.js'
import { suggestPoints } from './suggest.js'
import { compile, modelSource } from './test-support/models.js'
import { leadData, plantedLeads, random, T0 } from './test-support/planted.js'

const data = leadData(plantedLeads(6000, { trialShare: 0.15, trialRate: 0.7 }))
const asOf = T0 + 60 * DAY_MS

describe('suggestPoints', () => {
  // points where leads do not convert (free plan), few where they do (webinar)
  const source = modelSource('wrong', { webinar: 1, pro: 10, free: 20, pages: 5 })
  const s = suggestPoints(compile(source), source, data, { asOf, horizonDays: 30, exclude: ['Deal Won'] })
  const rule = (id: string) => s.rules.find((r) => r.rule === id)!

  it('moves points to the signals that convert and proposes the unused one', () => {
    expect(rule('webinar').to).toBeGreaterThan(rule('webinar').from)
    expect(rule('free-plan').to).toBeLessThan(rule('free-plan').from)
    expect(rule('pro-plan').to).toBeGreaterThan(rule('free-plan').to)
    expect(s.added.map((a) => a.event)).toEqual(['Trial Started'])
    expect(s.added[0]!.points).toBeGreaterThan(0)
    expect(s.diff).toContain(`webinar: 1 → ${rule('webinar').to}`)
    expect(s.diff).toContain(`new: Trial Started ${s.added[0]!.points}`)
    // never the outcome, never post-conversion noise
    expect(s.added.some((a) => a.event === 'Deal Won' || a.event === 'Invoice Paid')).toBe(false)
  })

  it('writes a draft that keeps the comments and validates', () => {
    expect(s.draft).toContain('# a test model')
    expect(s.draft).toContain('# attended live')
    expect(s.draft).toContain(`points: ${rule('webinar').to}`)
    expect(s.draft).toMatch(/id: trial-started/)
    const draft = compile(s.draft)
    expect(draft.engagement.rules.find((r) => r.id === 'trial-started')!.points).toBe(s.added[0]!.points)
  })

  it('backtests better than the current model on held-out leads', () => {
    expect(s.holdout.leads).toBeGreaterThan(500)
    expect(s.trainLeads + s.holdout.leads).toBeLessThanOrEqual(6000)
    expect(s.holdout.suggested.auc).toBeGreaterThan(s.holdout.current.auc + 0.05)
    expect(s.holdout.atLeastAsGood).toBe(true)
  })

  it('keeps fit at most half of the total', () => {
    const heavy = modelSource('heavy', { webinar: 1, pro: 40, free: 0, pages: 1 })
    const h = suggestPoints(compile(heavy), heavy, data, { asOf, horizonDays: 30, exclude: ['Deal Won'] })
    const fitReach = Math.max(0, ...h.rules.filter((r) => r.part === 'fit').map((r) => r.to))
    expect(fitReach).toBeLessThanOrEqual(50)
  })

  it('says so when the suggestion is not at least as good', () => {
    // held-out leads convert on the free plan only, unlike the leads it learns from
    const leads = plantedLeads(6000, { trialShare: 0.15 }).map((lead, c) => {
      if ((idHash(`c${c}`) % 1000) / 1000 >= 0.3) return lead
      const start = lead.events[0]!.day
      const events = lead.events.filter((e) => e.name !== 'Deal Won' && e.name !== 'Invoice Paid')
      return {
        ...lead,
        events:
          lead.properties['plan'] === 'free' ? [...events, { name: 'Deal Won', day: start + 12 }] : events,
      }
    })
    const source = modelSource('free-lovers', { webinar: 1, pro: 0, free: 30, pages: 1 })
    const r = suggestPoints(compile(source), source, leadData(leads), {
      asOf,
      horizonDays: 30,
      exclude: ['Deal Won'],
    })
    expect(r.holdout.suggested.auc).toBeLessThan(r.holdout.current.auc)
    expect(r.holdout.atLeastAsGood).toBe(false)
  })
})

describe('fitIndicators', () => {
  it('recovers planted log-odds weights', () => {
    const rnd = random(11)
    const rows: Uint8Array[] = []
    const y: number[] = []
    for (let i = 0; i < 40_000; i++) {
      const row = Uint8Array.from([rnd() < 0.3 ? 1 : 0, rnd() < 0.5 ? 1 : 0])
      const eta = -2 + 1.5 * row[0]! - 0.7 * row[1]!
      rows.push(row)
      y.push(rnd() < 1 / (1 + Math.exp(-eta)) ? 1 : 0)
    }
    const fit = fitIndicators(rows, y, 2, { l2: 1 })
    expect(fit.converged).toBe(true)
    expect(fit.intercept).toBeCloseTo(-2, 0)
    expect(fit.weights[0]!).toBeGreaterThan(1.3)
    expect(fit.weights[0]!).toBeLessThan(1.7)
    expect(fit.weights[1]!).toBeGreaterThan(-0.9)
    expect(fit.weights[1]!).toBeLessThan(-0.5)
  })

  it('shrinks a weight seen on few rows', () => {
    const rows = [Uint8Array.from([1]), Uint8Array.from([0]), Uint8Array.from([0]), Uint8Array.from([0])]
    const strong = fitIndicators(rows, [1, 0, 0, 0], 1, { l2: 0.01 })
    const shrunk = fitIndicators(rows, [1, 0, 0, 0], 1, { l2: 10 })
    expect(Math.abs(shrunk.weights[0]!)).toBeLessThan(Math.abs(strong.weights[0]!))
  })
})
