import { describe, expect, it } from 'vitest'
import { calibrate, fitPlatt } from './calibration.js'
import { sigmoid } from './learners/link.js'
import { createRandom } from './random.js'

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
