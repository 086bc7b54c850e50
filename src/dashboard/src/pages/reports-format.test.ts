import { describe, expect, it } from 'vitest'
import { loadDashboardCatalogs } from '../../../i18n/dashboard.js'
import { createTranslator } from '../../../i18n/translator.js'
import { setFormatLocale } from '../format.js'
import { interval, outcomeMeaning, rate, ratio, scopeQuery } from './reports-format.js'

const en = createTranslator(await loadDashboardCatalogs('en'), 'en')
const nl = createTranslator(await loadDashboardCatalogs('nl'), 'nl')

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

  it('writes rates and ratios as the page language does', () => {
    setFormatLocale('es')
    try {
      expect(rate(0.125)).toBe('12,5\u00a0%')
      expect(ratio(1.8432)).toBe('1,84')
      expect(interval({ low: 0.081, high: 0.179 })).toBe('8,1–17,9\u00a0%')
      setFormatLocale('nl')
      expect(rate(0.125)).toBe('12,5%')
    } finally {
      setFormatLocale('en')
    }
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
    expect(outcomeMeaning(en, 'stage=customer')).toMatch(/stage customer \(or a later one\)/)
    expect(outcomeMeaning(en, 'event=Deal Won')).toMatch(/event Deal Won, at the first one/)
    expect(outcomeMeaning(en, 'property=status:won')).toMatch(/property status:won set/)
    expect(outcomeMeaning(en, 'won')).toBe('won')
    expect(outcomeMeaning(nl, 'stage=customer', (id) => (id === 'customer' ? 'Klant' : id))).toBe(
      'contacten die de fase Klant (of een latere) bereiken, bij hun eerste stap daarheen',
    )
  })
})
