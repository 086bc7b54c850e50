import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRandom } from '../random.js'
import { stratifiedFoldOf, stratifiedHoldout, stratifiedKFold, timeSplit } from './folds.js'

describe('stratifiedKFold', () => {
  it('deals each class evenly over the folds, every row tested once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 10, maxLength: 300 }),
        fc.integer({ min: 2, max: 7 }),
        (labels, k) => {
          const splits = stratifiedKFold(labels, k, 0)
          const tested = splits.flatMap((s) => Array.from(s.test)).sort((a, b) => a - b)
          expect(tested).toEqual(labels.map((_, i) => i))
          const positives = labels.filter((l) => l === 1).length
          for (const split of splits) {
            expect(split.train.length + split.test.length).toBe(labels.length)
            const p = Array.from(split.test).filter((i) => labels[i] === 1).length
            expect(Math.abs(p - positives / k)).toBeLessThan(1)
          }
        },
      ),
    )
  })

  it('gives fold sizes as scikit-learn does (y sorted, dealt round-robin)', () => {
    // y sorted = 0000000111; fold i takes y[i::3]: fold 0 = 0,0,0,1; fold 1 = 0,0,1; fold 2 = 0,0,1
    const labels = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]
    const folds = stratifiedFoldOf(labels, 3, 0)
    const count = (cls: number, fold: number) =>
      labels.filter((l, i) => l === cls && folds[i] === fold).length
    expect([0, 1, 2].map((f) => count(0, f))).toEqual([3, 2, 2])
    expect([0, 1, 2].map((f) => count(1, f))).toEqual([1, 1, 1])
  })

  it('is deterministic for a seed and shuffles with another', () => {
    const labels = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1 : 0))
    expect(stratifiedFoldOf(labels, 5, 1)).toEqual(stratifiedFoldOf(labels, 5, 1))
    expect(stratifiedFoldOf(labels, 5, 1)).not.toEqual(stratifiedFoldOf(labels, 5, 2))
  })
})

describe('holdout and time split', () => {
  it('holds out the fraction of each class', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i < 100 ? 1 : 0))
    const { test } = stratifiedHoldout(labels, 0.1, createRandom(0))
    expect(test.length).toBe(100)
    expect(Array.from(test).filter((i) => i < 100)).toHaveLength(10)
  })

  it('tests on the latest rows, keeping equal times together and skipping rows without a time', () => {
    const times = [5, 1, 3, Number.NaN, 9, 9, 2, 7, 4, 6, 8]
    const split = timeSplit(times, 0.2)
    expect(split.cutoff).toBe(9)
    expect(Array.from(split.test)).toEqual([4, 5])
    expect(split.train).toHaveLength(8)
  })
})
