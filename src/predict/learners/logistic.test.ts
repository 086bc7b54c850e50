import { describe, expect, it } from 'vitest'
import { rocAuc } from '../metrics.js'
import { preparedLeads } from '../test-support/synthetic.js'
import { fitLogistic, logisticBase, logisticContributions, predictLogistic } from './logistic.js'

describe('fitLogistic', () => {
  const train = preparedLeads(4000, 1, { linear: true })
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
    const test = preparedLeads(3000, 2, { linear: true, spec: train.spec })
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
