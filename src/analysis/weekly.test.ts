import { describe, expect, it } from 'vitest'
import { scoreColumns } from '../core/columnar/index.js'
import { DAY_MS } from '../core/input.js'
import { drift } from './drift.js'
import { rollingBacktest } from './rolling.js'
import { dataEnd, inPlay, stepTimes } from './snapshots.js'
import { compile, GOOD } from './test-support/models.js'
import { leadData, plantedLeads, T0 } from './test-support/planted.js'
import { thresholdForCapacity } from './threshold.js'

const data = leadData(plantedLeads(3000))
const good = compile(GOOD)

describe('rollingBacktest', () => {
  const from = T0 + 14 * DAY_MS
  const to = T0 + 84 * DAY_MS
  const report = rollingBacktest(good, data, { from, to, horizonDays: 30 })

  it('gives one row per week, and counts each lead once', () => {
    expect(report.weeks.length).toBe(10)
    expect(report.weeks[0]!.from).toBe(from)
    expect(report.weeks.at(-1)!.to).toBe(to)
    // every lead that was MQL in play at some snapshot is counted exactly once
    const ever = new Set<number>()
    // scored on their own, every contact, to check the in-play selection too
    for (const t of stepTimes(from, to, 7)) {
      const scores = scoreColumns(good, data.contacts, data.events, t)
      for (let c = 0; c < data.contacts.length; c++)
        if (inPlay(data, c, t) && scores.stage[c] === 'mql') ever.add(c)
    }
    const counted = report.mqlAtStart + report.weeks.reduce((s, w) => s + w.newMql, 0)
    expect(counted).toBe(ever.size)
    expect(report.meanPerWeek).toBeCloseTo((counted - report.mqlAtStart) / 10, 12)
  })

  it('new MQLs convert about as the planted rate says', () => {
    const handed = report.weeks.reduce((s, w) => s + w.newMql, 0)
    const converted = report.weeks.reduce((s, w) => s + w.converted, 0)
    expect(converted / handed).toBeGreaterThan(0.4)
    for (const w of report.weeks) expect(w.conversionsFromMql).toBeLessThanOrEqual(w.conversions)
  })
})

describe('thresholdForCapacity', () => {
  const to = T0 + 90 * DAY_MS
  const run = (capacity: number) =>
    thresholdForCapacity(good, data, { capacityPerWeek: capacity, to, weeks: 8, horizonDays: 30 })
  const at = run(30)

  it('picks the lowest threshold whose weekly volume stays within capacity', () => {
    expect(at.perWeek).toBeLessThanOrEqual(30)
    expect(at.weekly.length).toBe(8)
    expect(at.weekly.reduce((s, x) => s + x, 0)).toBe(at.handed)
    // half a point lower would have sent more than sales can work
    const below = at.curve
    expect(below.length).toBeGreaterThan(5)
    const lower = thresholdForCapacity(good, data, {
      capacityPerWeek: at.perWeek,
      to,
      weeks: 8,
      horizonDays: 30,
    })
    expect(lower.threshold).toBe(at.threshold)
    expect(at.belowCapacity).toBe(false)
  })

  it('more capacity never raises the threshold; precision and misses are counted', () => {
    const wide = run(80)
    expect(wide.threshold).toBeLessThanOrEqual(at.threshold)
    expect(wide.perWeek).toBeGreaterThanOrEqual(at.perWeek)
    expect(at.precision).toBeCloseTo(at.converted / at.handed, 12)
    expect(at.missed).toBeLessThanOrEqual(at.conversions)
    expect(wide.missed).toBeLessThanOrEqual(at.missed)
    // a capacity above every lead: the lowest threshold, flagged
    expect(run(1e9).belowCapacity).toBe(true)
  })
})

describe('drift', () => {
  it('warns when a band converts significantly less, and not when nothing changed', () => {
    const fallen = leadData(plantedLeads(8000, { fall: { fromDay: 45, rate: 0.15 } }))
    // from February: January starts with an empty pipeline
    const options = {
      from: T0 + 31 * DAY_MS,
      to: T0 + 100 * DAY_MS,
      horizonDays: 30,
      dataEnd: dataEnd(fallen),
    }
    const report = drift(good, fallen, options)
    expect(report.months.map((m) => new Date(m.start).toISOString().slice(0, 7))).toEqual([
      '2026-02',
      '2026-03',
      '2026-04',
    ])
    // in the model's order, whichever month a band first appears in
    expect(report.bands).toEqual(['hot', 'warm', 'cold'])
    const falls = report.warnings.filter((w) => w.kind === 'conversion')
    expect(falls.some((w) => w.band === 'hot' && new Date(w.month).getUTCMonth() === 2)).toBe(true)
    expect(falls.find((w) => w.band === 'hot')!.message).toMatch(
      /^2026-03: hot leads converted \d+\.\d% against \d+\.\d% in the months before \(p = /,
    )
    const steady = drift(good, leadData(plantedLeads(8000)), { ...options, dataEnd: dataEnd(fallen) })
    // the pool fills with leads that never convert, so cold leads do convert less over time;
    // hot leads convert as before
    expect(steady.warnings.filter((w) => w.kind === 'conversion' && w.band === 'hot')).toEqual([])
    // the last month's horizon reaches past the data: not complete, not tested
    expect(report.months.at(-1)!.complete).toBe(false)
  })
})
