import { describe, expect, it } from 'vitest'
import { tableFromRows } from '../table.js'
import { encodeTable, numericBin } from './encode.js'
import { binThresholds, fitFeatureSpec, MISSING_BIN, MISSING_LEVEL, OTHER_LEVEL } from './spec.js'

const rows = Array.from({ length: 100 }, (_, i) => [
  `id-${i}`,
  i % 10 === 0 ? '' : String(i % 7),
  i < 50 ? 'Web' : i < 80 ? 'Ads' : i < 95 ? 'Select' : `rare-${i}`,
  'same',
  i % 2 === 0 ? 'yes' : 'no',
])
const table = tableFromRows(['lead', 'visits', 'source', 'constant', 'converted'], rows)
const all = Int32Array.from({ length: 100 }, (_, i) => i)

describe('fitFeatureSpec', () => {
  const spec = fitFeatureSpec(table.header, table.columns, all, {
    skip: new Map([['converted', 'label']]),
    missingValues: ['select'],
  })

  it('detects numbers and categories, drops ids and constants with the reason', () => {
    expect(spec.features.map((f) => [f.name, f.kind])).toEqual([
      ['visits', 'numeric'],
      ['source', 'categorical'],
    ])
    expect(spec.dropped).toEqual([
      { column: 'lead', reason: 'identifier' },
      { column: 'constant', reason: 'constant' },
      { column: 'converted', reason: 'label' },
    ])
  })

  it('pools rare levels into (other) and reads placeholders (any case) as missing', () => {
    const source = spec.features[1]!
    expect(source.kind === 'categorical' && source.levels).toEqual([MISSING_LEVEL, OTHER_LEVEL, 'Web', 'Ads'])
    expect(source.missingRate).toBeCloseTo(0.15, 10)
    const data = encodeTable(spec, table)
    expect(data.values[1]![0]).toBe(2) // Web
    expect(data.values[1]![85]).toBe(0) // Select: missing
    expect(data.values[1]![97]).toBe(1) // rare: other
  })

  it('gives numbers a missing bin and never-seen levels the (other) code', () => {
    const data = encodeTable(
      spec,
      tableFromRows(
        ['source', 'visits'],
        [
          ['Event', ''],
          ['Ads', '3'],
        ],
      ),
    )
    expect(Array.from(data.bins[0]!)).toEqual([MISSING_BIN, 3])
    expect(Array.from(data.values[1]!)).toEqual([1, 3])
  })

  it('keeps the placeholder as a level when not asked to read it as missing', () => {
    const plain = fitFeatureSpec(table.header, table.columns, all, {
      skip: new Map([['converted', 'label']]),
    })
    const source = plain.features[1]!
    expect(source.kind === 'categorical' && source.levels).toContain('Select')
  })
})

describe('binning', () => {
  it('cuts between distinct values when there are few, at quantiles otherwise', () => {
    expect(binThresholds(Float64Array.from([1, 1, 2, 5]), 254)).toEqual([1.5, 3.5])
    const many = Float64Array.from({ length: 1000 }, (_, i) => i)
    const t = binThresholds(many, 10)
    expect(t).toHaveLength(9)
    expect(t[0]).toBeCloseTo(99.9, 6)
  })

  it('puts a value equal to a threshold in the lower bin', () => {
    const feature = { kind: 'numeric' as const, name: 'x', thresholds: [1.5, 3.5], median: 2, missingRate: 0 }
    expect([0, 1.5, 2, 3.5, 9, Number.NaN].map((v) => numericBin(feature, v))).toEqual([
      0,
      0,
      1,
      1,
      2,
      MISSING_BIN,
    ])
  })
})
