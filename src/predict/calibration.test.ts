import { describe, expect, it } from 'vitest'
import { calibrate, crossCalibrate, fitPlatt } from './calibration.js'
import { sigmoid } from './learners/link.js'
import { createRandom } from './random.js'
import { stratifiedKFold } from './validation/folds.js'

describe('fitPlatt', () => {
  it('recovers the slope and intercept of over-confident margins', () => {
    const random = createRandom(4)
    const margins: number[] = []
    const labels: number[] = []
    for (let i = 0; i < 20000; i++) {
      const m = (random() - 0.5) * 8
      margins.push(m)
      labels.push(random() < sigmoid(0.5 * m - 1) ? 1 : 0)
    }
    const platt = fitPlatt(margins, labels)
    expect(platt.slope).toBeCloseTo(0.5, 1)
    expect(platt.intercept).toBeCloseTo(-1, 1)
    expect(calibrate(platt, 2)).toBeCloseTo(sigmoid(0), 1)
  })

  it('stays near the identity for calibrated margins', () => {
    const random = createRandom(5)
    const margins = Array.from({ length: 20000 }, () => (random() - 0.5) * 6)
    const labels = margins.map((m) => (random() < sigmoid(m) ? 1 : 0))
    const platt = fitPlatt(margins, labels)
    expect(platt.slope).toBeCloseTo(1, 1)
    expect(platt.intercept).toBeCloseTo(0, 1)
  })

  it('does not diverge when a few margins are extreme (a fold that nearly separated)', () => {
    const random = createRandom(6)
    const margins: number[] = []
    const labels: number[] = []
    for (let i = 0; i < 700; i++) {
      const m = random() < 0.03 ? (random() - 0.5) * 400 : (random() - 0.5) * 4 - 2.4
      margins.push(m)
      labels.push(random() < sigmoid(Math.max(-8, Math.min(8, m))) ? 1 : 0)
    }
    const platt = fitPlatt(margins, labels)
    const loss = (p: { slope: number; intercept: number }) =>
      margins.reduce((sum, m, i) => {
        const q = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(p.slope * m + p.intercept)))
        return sum - (labels[i] ? Math.log(q) : Math.log(1 - q))
      }, 0) / margins.length
    expect(Math.abs(platt.slope)).toBeLessThan(10)
    expect(loss(platt)).toBeLessThanOrEqual(loss({ slope: 1, intercept: 0 }) + 1e-9)
  })
})

describe('crossCalibrate', () => {
  const random = createRandom(7)
  const margins = Array.from({ length: 3000 }, () => (random() - 0.5) * 6)
  const labels = margins.map((m) => (random() < sigmoid(0.7 * m + 0.3) ? 1 : 0))
  const folds = stratifiedKFold(labels, 5, 0)

  it("calibrates each fold by the other folds' margins only", () => {
    const calibrated = crossCalibrate(margins, labels, folds)
    const flipped = labels.map((y, r) => (folds[0]!.test.includes(r) ? 1 - y : y))
    const again = crossCalibrate(margins, flipped, folds)
    for (const r of folds[0]!.test) expect(again[r]).toBe(calibrated[r])
    const other = folds[1]!.test.filter((r) => again[r] !== calibrated[r])
    expect(other.length).toBe(folds[1]!.test.length)
  })

  it("equals the Platt fit of the other folds, applied to the fold's margins", () => {
    const calibrated = crossCalibrate(margins, labels, folds)
    const { train, test } = folds[2]!
    const platt = fitPlatt(
      Array.from(train, (r) => margins[r]!),
      Array.from(train, (r) => labels[r]!),
    )
    for (const r of test) expect(calibrated[r]).toBe(calibrate(platt, margins[r]!))
    expect(platt.slope).toBeCloseTo(0.7, 1)
  })
})
