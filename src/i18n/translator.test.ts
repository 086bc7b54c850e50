import { describe, expect, it } from 'vitest'
import { languages } from './common.js'
import { localeFromAcceptLanguage, localeOf, pickLocale } from './locale.js'
import { type Catalogs, createTranslator } from './translator.js'

const catalogs: Catalogs<'leads' | 'hello'> = {
  en: { leads: '{count, plural, one {# lead} other {# leads}} in {band}', hello: 'Hello {name}' },
  es: { leads: '{count, plural, one {# lead} other {# leads}} en {band}', hello: 'Hola {name}' },
  nl: { leads: '{count, plural, one {# lead} other {# leads}} in {band}', hello: 'Hallo {name}' },
}

describe('createTranslator', () => {
  it('fills placeholders and plurals in each language', () => {
    expect(createTranslator(catalogs, 'en').t('leads', { count: 1, band: 'hot' })).toBe('1 lead in hot')
    expect(createTranslator(catalogs, 'es').t('leads', { count: 1200, band: 'caliente' })).toBe(
      '1200 leads en caliente',
    )
    expect(createTranslator(catalogs, 'nl').t('hello', { name: 'Eva' })).toBe('Hallo Eva')
  })

  it('falls back to English for a key a language lacks', () => {
    const partial = { ...catalogs, nl: { leads: catalogs.nl.leads } } as unknown as typeof catalogs
    expect(createTranslator(partial, 'nl').t('hello', { name: 'Eva' })).toBe('Hello Eva')
  })

  it('formats numbers, percentages, dates, lists and relative times for the locale', () => {
    const es = createTranslator(catalogs, 'es')
    const nl = createTranslator(catalogs, 'nl')
    const en = createTranslator(catalogs, 'en')
    expect(es.number(12345.5)).toBe('12.345,5')
    expect(en.number(12345.5)).toBe('12,345.5')
    expect(nl.percent(0.125)).toBe('12,5%')
    expect(nl.list(['a', 'b', 'c'])).toBe('a, b en c')
    expect(es.list(['a', 'b', 'c'])).toBe('a, b y c')
    const now = Date.UTC(2026, 10, 23, 12)
    expect(en.relative(now - 3 * 86_400_000, now)).toBe('3 days ago')
    expect(es.relative(now - 86_400_000, now)).toBe('ayer')
    expect(nl.relative(now + 2 * 3_600_000, now)).toBe('over 2 uur')
    expect(en.relative(now - 45_000, now)).toBe('45 seconds ago')
    expect(en.date(now, { dateStyle: 'medium', timeZone: 'UTC' })).toBe('Nov 23, 2026')
    expect(es.date(now, { dateStyle: 'medium', timeZone: 'UTC' })).toBe('23 nov 2026')
  })
})

describe('locale choice', () => {
  it('reads language tags as systems write them', () => {
    expect(localeOf('es_ES.UTF-8')).toBe('es')
    expect(localeOf('NL-be')).toBe('nl')
    expect(localeOf('fr')).toBeUndefined()
    expect(localeOf('')).toBeUndefined()
  })

  it('follows Accept-Language with its q-values, else English', () => {
    expect(localeFromAcceptLanguage('es-MX,en;q=0.5')).toBe('es')
    expect(localeFromAcceptLanguage('fr;q=1, nl;q=0.4, en;q=0.3')).toBe('nl')
    expect(localeFromAcceptLanguage('fr, de;q=0.8')).toBe('en')
    expect(localeFromAcceptLanguage(undefined)).toBe('en')
  })

  it('takes the first candidate it speaks', () => {
    expect(pickLocale(undefined, 'fr', 'nl-NL', 'es')).toBe('nl')
    expect(pickLocale(null, 'de')).toBe('en')
  })

  it('names each language in itself', () => {
    expect(languages()).toEqual([
      { locale: 'en', name: 'English' },
      { locale: 'es', name: 'Español' },
      { locale: 'nl', name: 'Nederlands' },
    ])
  })
})
