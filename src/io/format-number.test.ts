import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatNumber, roundNumber } from './format-number.js'

describe('formatNumber', () => {
  it.each([
    [12, '12'],
    [-3.5, '-3.5'],
    [0.1 + 0.2, '0.3'],
    [1 / 3, '0.333333'],
    [2 / 3, '0.666667'],
    [1e-7, '0'],
    [-0, '0'],
    [-1e-9, '0'],
    [123456789.1234567, '123456789.123457'],
    [1e21, '1e+21'],
    [Number.NaN, ''],
    [Number.POSITIVE_INFINITY, ''],
  ])('writes %d as %s', (value, text) => {
    expect(formatNumber(value)).toBe(text)
  })

  it('is exact to 1e-6, never uses an exponent below 1e21 and has no trailing zeros (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (x) => {
        const text = formatNumber(x)
        expect(Math.abs(Number(text) - x)).toBeLessThanOrEqual(5e-7 + Math.abs(x) * 1e-15)
        expect(text).not.toMatch(/e/)
        expect(text).not.toMatch(/\.\d*0$/)
        expect(roundNumber(x)).toBe(Number(text))
      }),
      { numRuns: 5000 },
    )
  })
})
