import { describe, expect, it } from 'vitest'
import { loadDashboardCatalogs } from '../../../i18n/dashboard.js'
import { createTranslator } from '../../../i18n/translator.js'
import { setFormatLocale } from '../format.js'
import {
  driftWarningText,
  interval,
  mqlDefinition,
  outcomeMeaning,
  rate,
  ratio,
  scopeQuery,
} from './reports-format.js'

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

  it('says who counts as an MQL in the page language, and leaves an unknown definition as it is', () => {
    const stage = (id: string) => (id === 'mql' ? 'Marketing-gekwalificeerde lead (MQL)' : id)
    expect(mqlDefinition(nl, 'stage mql or later', stage)).toBe(
      'de fase Marketing-gekwalificeerde lead (MQL) of een latere',
    )
    expect(mqlDefinition(en, 'stage sql')).toBe('the stage sql')
    setFormatLocale('nl')
    try {
      expect(mqlDefinition(nl, 'total ≥ 59.5')).toBe('een totaalscore van 59,5 of meer')
    } finally {
      setFormatLocale('en')
    }
    expect(mqlDefinition(nl, 'score.fit ≥ 20 and more')).toBe('score.fit ≥ 20 and more')
  })

  it('writes drift warnings from the numbers, the API message when they are missing', () => {
    const MAY = Date.UTC(2026, 4, 1)
    const JUNE = Date.UTC(2026, 5, 1)
    const JULY = Date.UTC(2026, 6, 1)
    const row = (leads: number, conversions: number) => ({
      band: 'hot',
      leads,
      conversions,
      rate: conversions / leads,
      interval: { low: 0, high: 1 },
    })
    const month = (start: number, hot: ReturnType<typeof row>, extra = {}) => ({
      start,
      leads: hot.leads,
      conversions: hot.conversions,
      complete: true,
      bands: [hot],
      scores: { mean: 0, percentiles: [] },
      ...extra,
    })
    const report = {
      months: [
        month(MAY, row(100, 20)),
        month(JUNE, row(100, 10)),
        month(JULY, row(50, 1), { bandPsi: 0.314 }),
      ],
    }
    const hot = (id: string) => (id === 'hot' ? 'Warm' : id)
    setFormatLocale('nl')
    try {
      expect(
        driftWarningText(nl, { kind: 'conversion', month: JULY, band: 'hot', message: 'x' }, report, hot),
      ).toBe('leads in de categorie Warm converteerden 2,0%, tegen 15,0% in de maanden ervoor')
    } finally {
      setFormatLocale('en')
    }
    expect(driftWarningText(en, { kind: 'band-mix', month: JULY, band: null, message: 'x' }, report)).toBe(
      'the mix of bands shifted against May 2026 (PSI 0.31)',
    )
    // no PSI in the answer, or a kind this page does not know: the API's words
    expect(
      driftWarningText(en, { kind: 'score-mix', month: JULY, band: null, message: 'as sent' }, report),
    ).toBe('as sent')
    expect(
      driftWarningText(en, { kind: 'new-kind', month: JULY, band: null, message: 'as sent' }, report),
    ).toBe('as sent')
  })
})
