import { describe, expect, it } from 'vitest'
import { encodeTable } from '../features/encode.js'
import { type FeatureSpec, fitFeatureSpec } from '../features/spec.js'
import { readLabels } from '../label.js'
import { rocAuc } from '../metrics.js'
import { syntheticLeads } from '../test-support/synthetic.js'
import { fitLogistic, logisticBase, logisticContributions, predictLogistic } from './logistic.js'

function prepared(n: number, seed: number, trainedSpec?: FeatureSpec) {
  const s = syntheticLeads(n, seed, { linear: true })
  const labels = readLabels(s.table, 'converted')
  const spec =
    trainedSpec ??
    fitFeatureSpec(s.table.header, s.table.columns, labels.rows, {
      skip: new Map([
        ['converted', 'label'],
        ['lead_id', 'id'],
      ]),
      missingValues: ['Select'],
    })
  return { ...s, spec, data: encodeTable(spec, s.table, labels.rows), y: labels.values }
}

describe('fitLogistic', () => {
  const train = prepared(4000, 1)
  const model = fitLogistic(train.data, train.y)

  it('recovers a planted linear relationship', () => {
    const terms = Object.fromEntries(train.data.features.map((f, i) => [f.name, model.terms[i]!]))
    const minutes = terms.minutes!
    const visits = terms.visits!
    if (minutes.kind !== 'numeric' || visits.kind !== 'numeric') throw new Error('expected numeric terms')
    // planted: +1 per 15 minutes, +0.8 per unit of visits (std ≈ 1)
    expect(minutes.weight / minutes.std).toBeCloseTo(1 / 15, 1)
    expect(visits.weight / visits.std).toBeGreaterThan(0.6)
    expect(visits.weight / visits.std).toBeLessThan(1)
    const source = terms.source!
    if (source.kind !== 'categorical') throw new Error('expected a categorical term')
    const feature = train.data.features.find((f) => f.name === 'source')!
    const levels = feature.kind === 'categorical' ? feature.levels : []
    const level = (name: string) => source.weights[levels.indexOf(name)]!
    expect(level('Referral') - level('Ads')).toBeGreaterThan(2) // planted 2.5
    expect(level('Referral') - level('Ads')).toBeLessThan(3)
    const noise = terms.noise!
    expect(noise.kind === 'numeric' && Math.abs(noise.weight)).toBeLessThan(0.15)
  })

  it('ranks new leads nearly as well as the true probability', () => {
    const test = prepared(3000, 2, train.spec)
    const auc = rocAuc(predictLogistic(model, test.data), test.y)
    expect(auc).toBeGreaterThan(rocAuc(test.truth, test.y) - 0.01)
  })

  it('is deterministic', () => {
    expect(fitLogistic(train.data, train.y)).toEqual(model)
  })

  it('gives contributions that add up to the margin', () => {
    const margins = predictLogistic(model, train.data)
    for (const i of [0, 17, 999]) {
      const sum = logisticContributions(model, train.data, i).reduce((a, b) => a + b, logisticBase(model))
      expect(sum).toBeCloseTo(margins[i]!, 10)
    }
  })
})
