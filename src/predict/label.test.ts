import { describe, expect, it } from 'vitest'
import { readLabels } from './label.js'
import { detectSeparator, PredictInputError, swapSeparator, tableFromRows } from './table.js'

const table = (values: string[]) =>
  tableFromRows(
    ['Lead', 'Converted'],
    values.map((v, i) => [`L${i}`, v]),
  )

describe('readLabels', () => {
  it('tells the positive value of 0/1, yes/no, TRUE/FALSE', () => {
    expect(Array.from(readLabels(table(['1', '0', '1']), 'Converted').values)).toEqual([1, 0, 1])
    expect(readLabels(table(['no', 'yes']), 'Converted').positive).toBe('yes')
    expect(readLabels(table(['FALSE', 'TRUE']), 'Converted').positive).toBe('TRUE')
  })

  it('skips rows with an empty label and counts them', () => {
    const labels = readLabels(table(['1', '', '0']), 'Converted')
    expect(Array.from(labels.rows)).toEqual([0, 2])
    expect(labels.skipped).toBe(1)
  })

  it('takes --positive and needs it for unknown words', () => {
    expect(Array.from(readLabels(table(['won', 'lost']), 'Converted', 'lost').values)).toEqual([0, 1])
    expect(() => readLabels(table(['Gold', 'Silver']), 'Converted')).toThrow(
      /cannot tell which value.*"Converted"/,
    )
  })

  it('names the column and the columns there are when the label column is unknown', () => {
    const error = (() => {
      try {
        readLabels(table(['1']), 'converted')
      } catch (e) {
        return e as PredictInputError
      }
      return undefined
    })()!
    expect(error).toBeInstanceOf(PredictInputError)
    expect(error.message).toBe('no column named "converted" (the label) in the data')
    expect(error.hint).toMatch(/did you mean "Converted"\?.*the columns are: Lead, Converted/)
  })

  it('refuses a label with more than two values, naming the column and suggesting --positive', () => {
    const error = (() => {
      try {
        readLabels(table(['New', 'Won', 'Lost', 'Won']), 'Converted')
      } catch (e) {
        return e as PredictInputError
      }
      return undefined
    })()!
    expect(error.message).toMatch(
      /^the label column "Converted" has 3 values \("Won" \(2\), "New" \(1\), "Lost" \(1\)\)/,
    )
    expect(error.hint).toMatch(/--positive VALUE/)
  })
})

describe('separators', () => {
  it('detects the separator of the header line, ignoring quoted text', () => {
    expect(detectSeparator('"a;b",c,d\n1;2;3;4;5')).toBe(',')
    expect(detectSeparator('"age";"job";"y"\n')).toBe(';')
    expect(detectSeparator('a\tb\tc')).toBe('\t')
  })

  it('swaps separator and comma both ways', () => {
    expect(swapSeparator('a;"b,c";d', ';')).toBe('a,"b;c",d')
    expect(swapSeparator(swapSeparator('x;y,z', ';'), ';')).toBe('x;y,z')
  })
})
