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
})
