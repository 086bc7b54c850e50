import { describe, expect, it } from 'vitest'
import { loadDashboardCatalogs } from '../../i18n/dashboard.js'
import { createTranslator } from '../../i18n/translator.js'
import { englishLeftovers, englishPieces, literalPieces } from './test-support/english-leftovers.js'

const catalogs = {
  en: await loadDashboardCatalogs('en'),
  es: await loadDashboardCatalogs('es'),
  nl: await loadDashboardCatalogs('nl'),
}
const en = createTranslator(catalogs.en, 'en')
const es = createTranslator(catalogs.es, 'es')
const nl = createTranslator(catalogs.nl, 'nl')
const spanishPieces = englishPieces(catalogs.en.en, catalogs.es.es)
const dutchPieces = englishPieces(catalogs.en.en, catalogs.nl.nl)

describe('English left on a translated page', () => {
  it('cuts messages into their literal pieces, plural branches included', () => {
    expect(
      literalPieces('{count, plural, one {# scored lead} other {# scored leads}}, highest first'),
    ).toEqual(['scored lead', 'scored leads', 'highest first'])
    expect(literalPieces('Rows {first}–{last}')).toEqual(['Rows'])
    expect(literalPieces('{name}: {before} before, {after} after')).toEqual(['before', 'after'])
  })

  it('finds English words on a page, whole labels and pieces of sentences', () => {
    const page = [
      es.t('nav.queue'),
      en.t('queue.export'),
      es.t('queue.search'),
      en.t('queue.sub', { count: 1200 }),
      'Score',
    ]
    expect(englishLeftovers(page, spanishPieces).map((f) => f.english)).toEqual(
      expect.arrayContaining(['Export CSV', 'scored leads', 'highest first', 'Score']),
    )
    const sentence = englishLeftovers([en.t('lead.noStageChangeSince', { stage: 'Klant' })], dutchPieces)
    expect(sentence.map((f) => f.key)).toContain('lead.noStageChangeSince')
  })

  it('finds nothing on the same page in Spanish or Dutch, nor in people’s data', () => {
    for (const [t, pieces] of [
      [es, spanishPieces],
      [nl, dutchPieces],
    ] as const) {
      const page = [
        t.t('nav.queue'),
        t.t('queue.export'),
        t.t('queue.sub', { count: 1200 }),
        t.t('queue.sort.total'),
        t.t('lead.noStageChangeSince', { stage: 'Customer' }),
        t.t('model.scoredIn', { count: 1, ms: '12' }),
        // data: a rule group of the model, a job title, an event
        'Company size',
        'Head of Growth',
        'Demo Requested',
        'page /pricing',
      ]
      expect(englishLeftovers(page, pieces)).toEqual([])
    }
  })

  it('does not count words the translation keeps in English', () => {
    // Dutch keeps "Engagement" and "Lead": they are Dutch here
    expect(dutchPieces.map((p) => p.text)).not.toContain('Engagement')
    expect(englishLeftovers(['Engagement', 'Lead'], dutchPieces)).toEqual([])
    expect(englishLeftovers(['Engagement'], spanishPieces).map((f) => f.key)).toContain('score.engagement')
  })
})
