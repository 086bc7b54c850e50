import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cellValue, cellValueAt } from './cell-value.js'

/** The rule, spelled plainly. */
function reference(text: string): string | number {
  const n = Number(text)
  return String(n) === text && Number.isFinite(n) ? n : text
}

describe('cellValue', () => {
  it.each([
    ['12', 12],
    ['-3.5', -3.5],
    ['0', 0],
    ['0.25', 0.25],
    ['1e+21', 1e21],
    ['123456789012345', 123456789012345],
  ])('reads the canonical number %s as a number', (text, value) => {
    expect(cellValue(text)).toBe(value)
  })

  it.each([
    '007',
    '1.50',
    '1.',
    '.5',
    '-.5',
    '+1',
    '-0',
    '1e3',
    '0x10',
    ' 12',
    '12 ',
    'NaN',
    'Infinity',
    '-Infinity',
    'NA',
    'null',
    'true',
    '9007199254740993',
    '0.0000001',
    '1-2',
  ])('keeps %j as a string', (text) => {
    expect(cellValue(text)).toBe(text)
  })

  it('reads a cell inside a longer text without slicing it first', () => {
    expect(cellValueAt('x,-12.5,y', 2, 7)).toBe(-12.5)
    expect(cellValueAt('x,007,y', 2, 5)).toBe('007')
  })

  it('agrees with String(Number(s)) === s on number-like text (property)', () => {
    const numberish = fc.string({
      unit: fc.constantFrom('0', '1', '5', '9', '.', '-', 'e', '+'),
      maxLength: 22,
    })
    const spelled = fc
      .double({ noNaN: true })
      .chain((x) =>
        fc.constantFrom(String(x), x.toFixed(3), x.toPrecision(15), x.toPrecision(17), String(Math.round(x))),
      )
    fc.assert(
      fc.property(fc.oneof(numberish, spelled), (text) => {
        fc.pre(text.length > 0)
        expect(Object.is(cellValue(text), reference(text))).toBe(true)
        expect(Object.is(cellValueAt(`7${text}7`, 1, text.length + 1), reference(text))).toBe(true)
      }),
      { numRuns: 5000 },
    )
  })
})
