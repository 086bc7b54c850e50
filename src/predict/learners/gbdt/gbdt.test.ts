import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { EncodedFeatures } from '../../features/encode.js'
import { rocAuc } from '../../metrics.js'
import { preparedLeads } from '../../test-support/synthetic.js'
import { fitLogistic, predictLogistic } from '../logistic.js'
import { fitGbdt, fitGbdtBag, gbdtGain, predictGbdt } from './booster.js'
import { type CompiledTree, compileTree } from './tree.js'
import { addTreeShap, expectedValue, ShapPath, treeDepth } from './tree-shap.js'

describe('fitGbdt', () => {
  const train = preparedLeads(5000, 1)
  const test = preparedLeads(3000, 2, { spec: train.spec })
  const model = fitGbdt(train.data, train.y, { seed: 3 })

  it('recovers a planted threshold effect better than a linear model', () => {
    const auc = rocAuc(predictGbdt(model, test.data), test.y)
    const oracle = rocAuc(test.truth, test.y)
    expect(auc).toBeGreaterThan(oracle - 0.015)
    const linear = rocAuc(predictLogistic(fitLogistic(train.data, train.y), test.data), test.y)
    expect(auc).toBeGreaterThan(linear)
  })

  it('ranks the planted features above the ones without effect by gain', () => {
    const gain = gbdtGain(model, train.data.features.length)
    const byName = Object.fromEntries(train.data.features.map((f, i) => [f.name, gain[i]!]))
    for (const planted of ['visits', 'minutes', 'source'])
      expect(byName[planted]).toBeGreaterThan(byName.noise! * 2)
    expect(byName.plan).toBeLessThan(byName.noise!) // no effect and few distinct values
  })

  it('stops early: fewer trees than the maximum', () => {
    expect(model.trees.length).toBeGreaterThan(5)
    expect(model.trees.length).toBeLessThan(300)
  })

  it('is deterministic for a seed and differs with another', () => {
    expect(JSON.stringify(fitGbdt(train.data, train.y, { seed: 3 }))).toBe(JSON.stringify(model))
    expect(JSON.stringify(fitGbdt(train.data, train.y, { seed: 4 }))).not.toBe(JSON.stringify(model))
  })

  it('averages bags into one model whose margins are the mean of the boosters', () => {
    const params = { seed: 5, maxIterations: 20 }
    const bag = fitGbdtBag(train.data, train.y, params, 2)
    const a = predictGbdt(fitGbdt(train.data, train.y, { ...params, seed: 5 }), test.data)
    const b = predictGbdt(fitGbdt(train.data, train.y, { ...params, seed: 6 }), test.data)
    const m = predictGbdt(bag, test.data)
    for (const i of [0, 10, 2999]) expect(m[i]).toBeCloseTo((a[i]! + b[i]!) / 2, 10)
  })

  it('keeps every leaf at least min samples large', () => {
    const small = fitGbdt(train.data, train.y, {
      minSamplesLeaf: 200,
      validationFraction: 0,
      maxIterations: 5,
    })
    for (const tree of small.trees)
      tree.feature.forEach((f, n) => {
        if (f < 0) expect(tree.cover[n]).toBeGreaterThanOrEqual(200)
      })
  })
})

/** Exact Shapley values of one tree by enumerating every subset, with path-dependent expectations. */
function bruteForceShap(
  tree: CompiledTree,
  data: EncodedFeatures,
  row: number,
  features: number,
): Float64Array {
  const value = (node: number, inSet: (f: number) => boolean): number => {
    const f = tree.feature[node]!
    if (f < 0) return tree.value[node]!
    const l = tree.left[node]!
    const r = tree.right[node]!
    if (inSet(f)) return value(tree.goesLeft[node * 256 + data.bins[f]![row]!] === 1 ? l : r, inSet)
    return (tree.cover[l]! * value(l, inSet) + tree.cover[r]! * value(r, inSet)) / tree.cover[node]!
  }
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1))
  const phi = new Float64Array(features)
  for (let i = 0; i < features; i++) {
    for (let mask = 0; mask < 1 << features; mask++) {
      if (mask & (1 << i)) continue
      let size = 0
      for (let b = 0; b < features; b++) if (mask & (1 << b)) size++
      const weight = (factorial(size) * factorial(features - size - 1)) / factorial(features)
      const withI = value(0, (f) => f === i || (mask & (1 << f)) !== 0)
      const without = value(0, (f) => (mask & (1 << f)) !== 0)
      phi[i]! += weight * (withI - without)
    }
  }
  return phi
}

describe('TreeSHAP', () => {
  const train = preparedLeads(2000, 7)
  const model = fitGbdt(train.data, train.y, {
    seed: 1,
    maxLeafNodes: 12,
    minSamplesLeaf: 10,
    maxIterations: 8,
  })
  const trees = model.trees.map(compileTree)
  const nFeatures = train.data.features.length

  it('equals the exact Shapley values of each tree (enumerated over every subset)', () => {
    for (const tree of trees.slice(0, 4)) {
      const path = new ShapPath(treeDepth(tree))
      for (const row of [0, 1, 2, 500, 1999]) {
        const phi = new Float64Array(nFeatures)
        addTreeShap(tree, train.data.bins, row, phi, path)
        const exact = bruteForceShap(tree, train.data, row, nFeatures)
        for (let f = 0; f < nFeatures; f++) expect(phi[f]).toBeCloseTo(exact[f]!, 10)
      }
    }
  })

  it('gives contributions that add up to the margin for any row', () => {
    const margins = predictGbdt(model, train.data)
    const base = trees.reduce((sum, t) => sum + expectedValue(t), model.init)
    const depth = trees.reduce((d, t) => Math.max(d, treeDepth(t)), 0)
    const path = new ShapPath(depth)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: train.data.rowCount - 1 }), (row) => {
        const phi = new Float64Array(nFeatures)
        for (const tree of trees) addTreeShap(tree, train.data.bins, row, phi, path)
        expect(phi.reduce((a, b) => a + b, base)).toBeCloseTo(margins[row]!, 9)
      }),
    )
  })
})
