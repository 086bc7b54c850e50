import { describe, expect, it } from 'vitest'
import { interval, outcomeMeaning, rate, ratio, scopeQuery } from './reports-format.js'

describe('report formats', () => {
  it('shows rates with one decimal and a dash for what the analysis could not compute', () => {
    expect(rate(0.125)).toBe('12.5%')
    expect(rate(0)).toBe('0.0%')
    expect(rate(null)).toBe('—')
    expect(rate(Number.NaN)).toBe('—')
    expect(ratio(1.8432)).toBe('1.84')
    expect(ratio(null)).toBe('—')
    expect(interval({ low: 0.081, high: 0.179 })).toBe('8.1–17.9%')
  })

  it("leaves the API's defaults to the API: no empty date in the query", () => {
    expect(scopeQuery({ outcome: 'stage=customer', asOf: '', days: 90 })).toBe(
      '?outcome=stage%3Dcustomer&days=90',
    )
    expect(scopeQuery({ outcome: 'event=Deal Won', asOf: '2026-08-01', days: 30 }, { capacity: 5 })).toBe(
      '?outcome=event%3DDeal+Won&asOf=2026-08-01&days=30&capacity=5',
    )
  })

  it('says what a conversion is for each kind of outcome', () => {
    expect(outcomeMeaning('stage=customer')).toMatch(/stage customer \(or a later one\)/)
    expect(outcomeMeaning('event=Deal Won')).toMatch(/event Deal Won, at the first one/)
    expect(outcomeMeaning('property=status:won')).toMatch(/property status:won set/)
    expect(outcomeMeaning('won')).toBe('won')
  })
})
