import { describe, expect, it } from 'vitest'
import { MODEL_FORMAT, parsePredictiveModel } from './model.js'
import { syntheticLeads } from './test-support/synthetic.js'
import { trainModel } from './train.js'

const { table } = syntheticLeads(600, 3)
const { model } = trainModel(table, { label: 'converted', learner: 'gbdt', params: { gbdtBags: 1 } })
const json = () => JSON.parse(JSON.stringify(model)) as Record<string, unknown>

describe('parsePredictiveModel', () => {
  it('accepts what training wrote', () => {
    expect(parsePredictiveModel(json())).toEqual(JSON.parse(JSON.stringify(model)))
  })

  it('says what a file is when it is not a model, or of another version', () => {
    expect(() => parsePredictiveModel({ format: 'leadscore/v1' })).toThrow(
      `not a predictive model (its "format" is "leadscore/v1", expected "${MODEL_FORMAT}")`,
    )
    expect(() => parsePredictiveModel({ ...json(), version: 2 })).toThrow(
      /version 2; this leadscore reads version 1/,
    )
  })

  it('names the place of a broken field', () => {
    const broken = json()
    ;(broken.calibration as Record<string, unknown>).slope = 'steep'
    expect(() => parsePredictiveModel(broken)).toThrow(/invalid model: calibration\.slope/)
    const badTree = json()
    const learner = badTree.learner as { trees: { left: number[] }[] }
    learner.trees[0]!.left[0] = 0
    expect(() => parsePredictiveModel(badTree)).toThrow(/later nodes/)
  })
})
