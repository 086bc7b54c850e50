import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { encodeTable } from './features/encode.js'
import { fitFeatureSpec } from './features/spec.js'
import { readLabels } from './label.js'
import { rocAuc } from './metrics.js'
import { createRandom } from './random.js'
import { tableFromRows } from './table.js'
import { readLeadCsv } from './test-support/read-lead-csv.js'
import { stratifiedFoldOf } from './validation/folds.js'
import { aucWarning, featureAuc, LEAK_AUC, leakWarnings, sizeWarnings, timeShiftWarning } from './warnings.js'

const LEADS = '/work/shared/data/x-education-leads/Leads.csv'

describe('sizeWarnings', () => {
  it('warns under 50 conversions and under 500 leads, not at them', () => {
    expect(sizeWarnings(500, 50)).toEqual([])
    expect(sizeWarnings(500, 49).map((w) => w.code)).toEqual(['few-conversions'])
    expect(sizeWarnings(499, 50).map((w) => w.code)).toEqual(['few-leads'])
    expect(sizeWarnings(1000, 960).map((w) => w.code)).toEqual(['few-conversions']) // 40 did not convert
  })

  it('reports a label with one class', () => {
    const [warning] = sizeWarnings(800, 0)
    expect(warning?.code).toBe('one-class')
    expect(warning?.message).toMatch(/none converted/)
    expect(warning?.action).toMatch(/--positive/)
  })
})

describe('aucWarning and timeShiftWarning', () => {
  it('flag an AUC above 0.97 only', () => {
    expect(aucWarning(0.97)).toEqual([])
    expect(aucWarning(0.971)[0]?.code).toBe('auc-too-high')
  })

  it('flag a test period converting far off the training one', () => {
    expect(timeShiftWarning(0.2, 0.21, 2000)).toEqual([])
    expect(timeShiftWarning(0.2, 0.1, 2000)[0]?.code).toBe('time-shift')
    expect(timeShiftWarning(0.2, 0.1, 20)).toEqual([]) // too few test leads to tell
  })
})

describe('leakWarnings', () => {
  it('names a column that gives the label away, and not the honest ones', () => {
    const rows = Array.from({ length: 600 }, (_, i) => {
      const converted = i % 3 === 0
      const status = i % 2 === 0 ? '' : converted ? 'Closed won' : 'Not interested' // filled in half the time
      return [String(i % 7), status, converted ? '1' : '0']
    })
    const table = tableFromRows(['visits', 'status', 'converted'], rows)
    const labels = readLabels(table, 'converted')
    const spec = fitFeatureSpec(table.header, table.columns, labels.rows, {
      skip: new Map([['converted', 'label']]),
    })
    const warnings = leakWarnings(encodeTable(spec, table), labels.values)
    expect(warnings.map((w) => w.feature)).toEqual(['status'])
    expect(warnings[0]!.message).toMatch(/AUC 1\.000 on the 50% of leads where it is filled in/)
    expect(warnings[0]!.action).toMatch(/--exclude "status"/)
  })

  // 200 first names of 10 leads each, 5% converting at random: in-sample, each name scored by its
  // own conversion rate reaches an AUC above 0.85 by chance alone; out of fold it is near 0.5
  const names = (leak: boolean) => {
    const random = createRandom(7)
    const rows = Array.from({ length: 2000 }, (_, i) => {
      const name = `name${i % 200}`
      const converted = leak ? (i % 200) % 20 === 0 : random() < 0.05
      return [name, String(i % 7), converted ? '1' : '0']
    })
    const table = tableFromRows(['first_name', 'visits', 'converted'], rows)
    const labels = readLabels(table, 'converted')
    const spec = fitFeatureSpec(table.header, table.columns, labels.rows, {
      skip: new Map([['converted', 'label']]),
    })
    return { data: encodeTable(spec, table), y: labels.values }
  }

  it('does not name a column of many small levels that only looks predictive in-sample', () => {
    const { data, y } = names(false)
    expect(data.features[0]!.kind === 'categorical' && data.features[0]!.levels.length).toBe(202)
    const rate = new Map<number, [number, number]>()
    data.bins[0]!.forEach((level, i) => {
      const [p, n] = rate.get(level) ?? [0, 0]
      rate.set(level, [p + y[i]!, n + 1])
    })
    const inSample = rocAuc(
      Float64Array.from(data.bins[0]!, (level) => rate.get(level)![0] / rate.get(level)![1]),
      y,
    )
    expect(inSample).toBeGreaterThanOrEqual(LEAK_AUC) // what the in-sample check flagged
    expect(featureAuc(data, 0, y, false, stratifiedFoldOf(y, 5, 0))).toBeLessThan(0.6)
    expect(leakWarnings(data, y)).toEqual([])
  })

  it('names a column of many small levels when the levels do give the label away', () => {
    const { data, y } = names(true) // every lead of 10 of the 200 names converted, no other
    expect(leakWarnings(data, y).map((w) => w.feature)).toEqual(['first_name'])
  })

  it.skipIf(!existsSync(LEADS))('names Tags and Lead Quality on the X Education leads', async () => {
    const table = await readLeadCsv(LEADS)
    const labels = readLabels(table, 'Converted')
    const spec = fitFeatureSpec(table.header, table.columns, labels.rows, {
      skip: new Map([['Converted', 'label']]),
      missingValues: ['Select'],
    })
    const named = leakWarnings(encodeTable(spec, table, labels.rows), labels.values).map((w) => w.feature)
    expect(named).toContain('Tags')
    expect(named).toContain('Lead Quality')
    expect(named).not.toContain('Total Time Spent on Website')
    expect(named).not.toContain('Lead Source')
  })
})
if (!existsSync(LEADS)) console.warn(`skipped the X Education leak test: ${LEADS} is absent`)
