import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  brierScore,
  calibrationTable,
  liftByDecile,
  logLoss,
  positiveRate,
  rocAuc,
  topDecileLift,
} from './metrics.js'

/** AUC by counting every (positive, negative) pair: the definition. */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let wins = 0
  let pairs = 0
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue
      pairs++
      wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0
    }
  }
  return wins / pairs
}

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 when every score ties', () => {
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1)
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(0)
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5)
  })

  it('matches a hand count with ties (scikit-learn gives 0.75)', () => {
    // positives 0.8, 0.4; negatives 0.4, 0.1, 0.6: pairs won 0.8>all (3), 0.4>0.1 (1), 0.4=0.4 (0.5)
    expect(rocAuc([0.8, 0.4, 0.4, 0.1, 0.6], [true, true, false, false, false])).toBeCloseTo(4.5 / 6, 12)
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75)
  })

  it('is NaN with a single class and rejects NaN scores and bad labels', () => {
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN()
    expect(() => rocAuc([0.1, Number.NaN], [1, 0])).toThrow(/score 1 is NaN/)
    expect(() => rocAuc([0.1, 0.2], [1, 2])).toThrow(/label 1 is 2/)
    expect(() => rocAuc([0.1], [1, 0])).toThrow(/1 scores but 2 labels/)
  })

  it('equals the pairwise definition on any input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1 })), {
          minLength: 2,
          maxLength: 40,
        }),
        (rows) => {
          const scores = rows.map((r) => r[0])
          const labels = rows.map((r) => r[1])
          const auc = rocAuc(scores, labels)
          if (labels.every((l) => l === labels[0])) expect(auc).toBeNaN()
          else expect(auc).toBeCloseTo(pairwiseAuc(scores, labels), 12)
        },
      ),
    )
  })
})

describe('logLoss and brierScore', () => {
  it('match hand-computed values', () => {
    // -(ln 0.8 + ln 0.6 + ln 0.9) / 3
    expect(logLoss([0.8, 0.4, 0.1], [1, 0, 0])).toBeCloseTo(
      -(Math.log(0.8) + Math.log(0.6) + Math.log(0.9)) / 3,
      12,
    )
    // (0.04 + 0.16 + 0.01) / 3
    expect(brierScore([0.8, 0.4, 0.1], [1, 0, 0])).toBeCloseTo(0.07, 12)
  })

  it('clip certain mistakes to a large finite loss', () => {
    const loss = logLoss([0, 1], [1, 0])
    expect(Number.isFinite(loss)).toBe(true)
    expect(loss).toBeCloseTo(-Math.log(1e-15), 2)
    expect(logLoss([1, 0], [1, 0])).toBeLessThan(1e-14)
  })

  it('of the base rate is the label entropy', () => {
    const labels = [1, 0, 0, 0]
    expect(logLoss([0.25, 0.25, 0.25, 0.25], labels)).toBeCloseTo(
      -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)),
      12,
    )
    expect(positiveRate(labels)).toBe(0.25)
  })
})

describe('liftByDecile', () => {
  it('cuts 20 leads into 10 pairs, best first, with lift over the base rate', () => {
    const scores = Array.from({ length: 20 }, (_, i) => 20 - i) // lead 0 scored highest
    const labels = scores.map((_, i) => (i < 2 || i === 5 || i === 19 ? 1 : 0)) // base rate 0.2
    const bins = liftByDecile(scores, labels)
    expect(bins).toHaveLength(10)
    expect(bins[0]).toMatchObject({ bin: 1, count: 2, positives: 2, rate: 1, minScore: 19, maxScore: 20 })
    expect(bins[0]!.lift).toBeCloseTo(5, 12)
    expect(bins[2]!.lift).toBeCloseTo(2.5, 12) // leads 4, 5: one positive
    expect(bins[2]!.cumulativeCapture).toBeCloseTo(0.75, 12)
    expect(bins[2]!.cumulativeLift).toBeCloseTo(3 / 6 / 0.2, 12)
    expect(bins[9]!.cumulativeCapture).toBeCloseTo(1, 12)
    expect(bins[9]!.cumulativeLift).toBeCloseTo(1, 12)
    expect(topDecileLift(scores, labels)).toBeCloseTo(5, 12)
  })

  it('gives the remainder to the first bins and never makes empty bins', () => {
    expect(liftByDecile([3, 2, 1, 0, 5], [1, 0, 0, 1, 0], 3).map((b) => b.count)).toEqual([2, 2, 1])
    expect(liftByDecile([3, 2], [1, 0], 10).map((b) => b.count)).toEqual([1, 1])
  })

  it('has capture that ends at 1 and counts that sum to n', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 60 }),
        (rows) => {
          const labels = rows.map((r) => r[1])
          fc.pre(labels.some(Boolean))
          const bins = liftByDecile(
            rows.map((r) => r[0]),
            labels,
          )
          expect(bins.reduce((t, b) => t + b.count, 0)).toBe(rows.length)
          expect(bins.at(-1)!.cumulativeCapture).toBeCloseTo(1, 12)
        },
      ),
    )
  })

  it('cuts the leads in the order of a stable sort by score, descending, whatever the ties', () => {
    // the reference: a comparator sort, equal scores (0 and -0 too) in input order
    const reference = (scores: number[], labels: boolean[], bins: number) => {
      const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b)
      const size = Math.floor(scores.length / bins)
      const larger = scores.length % bins
      const out: { positives: number; min: number; max: number }[] = []
      for (let b = 0, at = 0; b < bins && at < scores.length; b++) {
        const rows = order.slice(at, at + size + (b < larger ? 1 : 0))
        at += rows.length
        out.push({
          positives: rows.filter((i) => labels[i]).length,
          min: scores[rows.at(-1)!]!,
          max: scores[rows[0]!]!,
        })
      }
      return out
    }
    const score = fc.oneof(
      fc.constantFrom(0, -0, 1, 2, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
      fc.double({ noNaN: true }),
    )
    fc.assert(
      fc.property(
        fc.array(fc.tuple(score, fc.boolean()), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 12 }),
        (rows, bins) => {
          const scores = rows.map((r) => r[0])
          const labels = rows.map((r) => r[1])
          const got = liftByDecile(scores, labels, bins).map((b) => ({
            positives: b.positives,
            min: b.minScore,
            max: b.maxScore,
          }))
          expect(got).toEqual(reference(scores, labels, bins))
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('calibrationTable', () => {
  it('bins predictions into equal ranges of [0, 1] with their observed rate', () => {
    const table = calibrationTable([0.05, 0.15, 0.12, 0.95, 1], [0, 1, 0, 1, 1], 10)
    expect(table).toHaveLength(10)
    expect(table[0]).toMatchObject({ lower: 0, upper: 0.1, count: 1, observedRate: 0 })
    expect(table[1]!.count).toBe(2)
    expect(table[1]!.meanPredicted).toBeCloseTo(0.135, 12)
    expect(table[1]!.observedRate).toBe(0.5)
    expect(table[5]!.count).toBe(0)
    expect(table[5]!.observedRate).toBeNaN()
    expect(table[9]).toMatchObject({ count: 2, observedRate: 1 }) // 1 falls in the last bin
  })
})
