import { describe, expect, it } from 'vitest'
import { parsePredictiveModel } from './model.js'
import { predictTable } from './predict.js'
import { PredictInputError, tableFromRows } from './table.js'
import { syntheticLeads } from './test-support/synthetic.js'
import { selectedFoldAuc, trainModel } from './train.js'

const { table, truth } = syntheticLeads(1500, 11)
const options = {
  label: 'converted',
  idColumn: 'lead_id',
  missingValues: ['Select'],
  params: { gbdtBags: 1 },
} as const

describe('trainModel', () => {
  const { model, report } = trainModel(table, options)

  it('evaluates both learners by cross-validation and keeps the better', () => {
    expect(report.candidates.map((c) => c.learner)).toEqual(['logistic', 'gbdt'])
    const best = Math.max(...report.candidates.map((c) => c.auc))
    expect(report.candidates.find((c) => c.learner === report.learner)!.auc).toBe(best)
    const selected = selectedFoldAuc(report.candidates) // measured without choosing on the same fold
    expect(report.auc).toBeCloseTo(selected.reduce((a, b) => a + b, 0) / selected.length, 12)
    expect(report.auc).toBeGreaterThan(0.75)
    expect(report.aucStd).toBeGreaterThan(0)
    expect(report.liftByDecile).toHaveLength(10)
    expect(report.topDecileLift).toBeCloseTo(report.liftByDecile[0]!.lift, 12)
    expect(report.importance[0]!.feature).not.toBe('noise')
    expect(report.warnings).toEqual([])
  })

  it('is deterministic with a seed', () => {
    const again = trainModel(table, options)
    expect(JSON.stringify(again.model)).toBe(JSON.stringify(model))
    const other = trainModel(table, { ...options, seed: 9 })
    expect(other.report.auc).not.toBe(report.auc)
  })

  it('writes a model that validates and predicts calibrated likelihoods in percent', () => {
    const loaded = parsePredictiveModel(JSON.parse(JSON.stringify(model)))
    const { likelihood } = predictTable(loaded, table)
    expect(likelihood).toHaveLength(1500)
    let mean = 0
    let trueMean = 0
    for (let i = 0; i < 1500; i++) {
      expect(likelihood[i]).toBeGreaterThanOrEqual(0)
      expect(likelihood[i]).toBeLessThanOrEqual(100)
      mean += likelihood[i]! / 1500
      trueMean += (truth[i]! * 100) / 1500
    }
    expect(Math.abs(mean - trueMean)).toBeLessThan(3)
  })

  it('explains each prediction with contributions that add up', () => {
    const { margins, explanations } = predictTable(model, table, true)
    expect(explanations).toHaveLength(1500)
    const first = explanations![0]!
    expect(first.raised.length + first.lowered.length).toBeGreaterThan(0)
    for (const r of first.raised) expect(r.contribution).toBeGreaterThan(0)
    expect(Number.isFinite(margins[0])).toBe(true)
  })

  it('checks forward in time when given a time column', () => {
    const times = Array.from({ length: 1500 }, (_, i) =>
      new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
    )
    const timed = tableFromRows(
      [...table.header, 'created'],
      Array.from({ length: 1500 }, (_, r) => [...table.columns.map((c) => c[r]!), times[r]!]),
    )
    const result = trainModel(timed, { ...options, learner: 'logistic', timeColumn: 'created' })
    expect(result.report.timeSplit).toMatchObject({ column: 'created', testRows: 300, trainRows: 1200 })
    expect(result.report.timeSplit!.auc).toBeGreaterThan(0.7)
    expect(result.model.features.dropped).toContainEqual({ column: 'created', reason: 'time' })
  })

  it('refuses unknown columns and a label with one class, saying what to do', () => {
    expect(() => trainModel(table, { ...options, label: 'Converted' })).toThrow(PredictInputError)
    expect(() => trainModel(table, { ...options, exclude: ['nope'] })).toThrow(
      /no column named "nope" \(the excluded column\)/,
    )
    const oneClass = tableFromRows(
      ['x', 'y'],
      Array.from({ length: 60 }, (_, i) => [String(i % 5), '0']),
    )
    expect(() => trainModel(oneClass, { label: 'y', positive: '1' })).toThrow(
      /every one of the 60 leads has the same label/,
    )
  })
})

describe('selectedFoldAuc', () => {
  it('measures each fold with the learner the other folds choose', () => {
    const candidates = [
      { learner: 'logistic' as const, auc: 0.8, aucStd: 0, foldAuc: [0.9, 0.7, 0.7], logLoss: 0 },
      { learner: 'gbdt' as const, auc: 0.75, aucStd: 0, foldAuc: [0.6, 0.8, 0.85] },
    ].map((c) => ({ logLoss: 0, ...c }))
    // fold 0: others favour gbdt (0.825 vs 0.7); fold 1: logistic (0.8 vs 0.725); fold 2: logistic (0.8 vs 0.7)
    expect(selectedFoldAuc(candidates)).toEqual([0.6, 0.7, 0.7])
    expect(selectedFoldAuc(candidates.slice(0, 1))).toEqual([0.9, 0.7, 0.7])
  })
})
