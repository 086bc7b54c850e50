import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../core/input.js'
import { backtest, compareBacktests } from './backtest.js'
import { compile, GOOD, NOISE } from './test-support/models.js'
import { leadData, plantedLeads, T0 } from './test-support/planted.js'

const data = leadData(plantedLeads(5000))
const asOf = T0 + 60 * DAY_MS
const good = compile(GOOD)
const noise = compile(NOISE)

describe('backtest', () => {
  const report = backtest(good, data, { asOf, horizonDays: 30 })

  it('scores the leads in play as of the date and follows them for the horizon', () => {
    // in play: started by day 60, not converted by then
    let leads = 0
    let conversions = 0
    for (let c = 0; c < data.contacts.length; c++) {
      const seen = data.outcomes.firstSeen[c]!
      const at = data.outcomes.at[c]!
      if (seen > asOf || at <= asOf) continue
      leads++
      if (at <= asOf + 30 * DAY_MS) conversions++
    }
    expect(report.leads).toBe(leads)
    expect(report.conversions).toBe(conversions)
    expect(report.outcomeTimesKnown).toBe(true)
  })

  it('ranks converters first when the model scores the planted signal', () => {
    expect(report.auc).toBeGreaterThan(0.7)
    expect(report.deciles[0]!.lift).toBeGreaterThan(1.5)
    const hot = report.byBand.find((b) => b.value === 'hot')!
    const cold = report.byBand.find((b) => b.value === 'cold')!
    expect(hot.rate).toBeGreaterThan(cold.rate)
    expect(report.byBand.map((b) => b.value)).toEqual(
      ['hot', 'warm', 'cold'].filter((b) => report.byBand.some((r) => r.value === b)),
    )
    expect(report.byBand.reduce((s, b) => s + b.leads, 0)).toBe(report.leads)
    expect(report.byStage.reduce((s, b) => s + b.conversions, 0)).toBe(report.conversions)
  })

  it('MQL precision and recall match the counts, for the stage and for a threshold', () => {
    const { mql } = report
    expect(mql.definition).toBe('stage mql or later')
    expect(mql.precision).toBeCloseTo(mql.conversions / mql.leads, 12)
    expect(mql.recall).toBeCloseTo(mql.conversions / report.conversions, 12)
    const strict = backtest(good, data, { asOf, horizonDays: 30, threshold: 59 })
    expect(strict.mql.definition).toBe('total ≥ 59')
    expect(strict.mql.leads).toBeLessThan(mql.leads)
    expect(strict.mql.recall).toBeLessThanOrEqual(mql.recall)
  })

  it('a model that scores noise backtests worse, and the comparison says so', () => {
    const cmp = compareBacktests(good, noise, data, { asOf, horizonDays: 30, limit: 5 })
    expect(cmp.b.auc).toBeLessThan(cmp.a.auc - 0.1)
    expect(cmp.better).toBe('a')
    expect(cmp.disagreements.length).toBe(5)
    expect(cmp.onlyA.leads + cmp.onlyB.leads).toBeGreaterThan(100)
    // the leads only the good model qualifies convert more often
    expect(cmp.onlyA.conversions / cmp.onlyA.leads).toBeGreaterThan(cmp.onlyB.conversions / cmp.onlyB.leads)
    expect(cmp.disagreements[0]!.converted).toBe(true)
  })

  it('precision and recall on four leads, by hand', () => {
    const small = leadData([
      {
        properties: { plan: 'pro' },
        events: [
          { name: 'page', day: 0 },
          { name: 'Deal Won', day: 5 },
        ],
      },
      { properties: { plan: 'pro' }, events: [{ name: 'page', day: 0 }] },
      {
        properties: { plan: 'free' },
        events: [
          { name: 'page', day: 0 },
          { name: 'Deal Won', day: 6 },
        ],
      },
      {
        properties: { plan: 'free' },
        events: [
          { name: 'page', day: 0 },
          { name: 'Deal Won', day: 90 },
        ],
      },
    ])
    const r = backtest(good, small, { asOf: T0 + DAY_MS, horizonDays: 30 })
    expect(r.leads).toBe(4)
    expect(r.conversions).toBe(2) // the fourth converts after the horizon
    expect(r.mql).toMatchObject({ leads: 2, conversions: 1, precision: 0.5, recall: 0.5 })
    // pairs (converted, not): pro-pro tie ½, pro-free win 1, free-pro loss 0, free-free tie ½
    expect(r.auc).toBeCloseTo(0.5, 12)
  })
})

describe('scoring only the leads in play', () => {
  it('gives each lead the score the whole population gives it', async () => {
    const { scoreColumns } = await import('../core/columnar/index.js')
    const { scoreRows } = await import('./snapshots.js')
    const all = scoreColumns(good, data.contacts, data.events, asOf)
    const part = scoreRows(good, data, asOf)
    expect(part.rows.length).toBeGreaterThan(100)
    expect(part.rows.length).toBeLessThan(data.contacts.length)
    part.rows.forEach((c, r) => {
      expect(part.scores.total[r]).toBe(all.total[c])
      expect(part.scores.stage[r]).toBe(all.stage[c])
    })
  })
})
