import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileModel, evaluateContact } from '../../core/index.js'
import { loadModel } from '../../core/model/index.js'
import { loadDashboardCatalogs } from '../../i18n/dashboard.js'
import { createTranslator } from '../../i18n/translator.js'
import { setFormatLocale } from './format.js'
import { ledgerLines, lineText } from './ledger-lines.js'

const DAY = 86_400_000
const NOW = Date.parse('2026-11-20T12:00:00.000Z')
const loaded = loadModel(readFileSync(new URL('../../../examples/b2b-saas.yaml', import.meta.url), 'utf8'))
if (!loaded.ok) throw new Error('the example model does not load')
const model = compileModel(loaded.model)
const en = createTranslator(await loadDashboardCatalogs('en'), 'en')
const es = createTranslator(await loadDashboardCatalogs('es'), 'es')

const NAMES = [
  'page',
  'Email Opened',
  'Email Link Clicked',
  'Demo Requested',
  'Email Bounced',
  'Unsubscribed',
  'Webinar Attended',
  'Content Downloaded',
  'Trial Started',
]
const PATHS = ['/pricing', '/docs/api', '/careers', '/customers/acme', '/blog/a']
const TITLES = ['VP Marketing', 'student', 'Head of Growth', 'CEO', 'Marketing Manager', '']

const event = fc.record({
  name: fc.constantFrom(...NAMES),
  path: fc.constantFrom(...PATHS),
  daysAgo: fc.integer({ min: 0, max: 200 }),
  percent: fc.integer({ min: 0, max: 100 }),
})

describe('ledger lines', () => {
  it('add up to the total, whatever the events (caps, decay and inactivity included)', () => {
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 80 }),
        fc.constantFrom(...TITLES),
        fc.integer({ min: 1, max: 20_000 }),
        (events, title, employees) => {
          const result = evaluateContact(
            model,
            { id: 'c', properties: { job_title: title, employees, email: 'a@acme.example' } },
            events
              .map((e, i) => ({
                id: `e${i}`,
                name: e.name,
                ts: NOW - e.daysAgo * DAY - i,
                properties: { path: e.path, percent: e.percent },
              }))
              .sort((a, b) => a.ts - b.ts),
            NOW,
          )
          const lines = ledgerLines(result.ledger, NOW, en)
          const sum = lines.reduce((s, l) => s + l.points, 0)
          expect(sum).toBeCloseTo(result.total, 9)
          expect(lines.every((l) => l.points !== 0)).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('reads as points and a reason, with the decay and the time of the events', () => {
    const result = evaluateContact(
      model,
      { id: 'c', properties: { job_title: 'VP Marketing' } },
      [{ id: 'p', name: 'page', ts: NOW - 30 * DAY, properties: { path: '/pricing' } }],
      NOW,
    )
    const lines = ledgerLines(result.ledger, NOW, en)
    const pricing = lines.find((l) => /pricing/.test(l.label))!
    expect(lineText(pricing)).toMatch(/^\+\d+(\.\d)? /)
    expect(pricing.detail).toMatch(/30 days ago/)
    expect(pricing.detail).toMatch(/decayed from/)
    const vp = lines.find((l) => /VP/.test(l.label))!
    expect(lineText(vp)).toBe('+15 VP or head of function')
  })

  it('reads in the page language: Spanish words, Spanish numbers and relative times', () => {
    const result = evaluateContact(
      model,
      { id: 'c', properties: { job_title: 'VP Marketing' } },
      [{ id: 'p', name: 'page', ts: NOW - 30 * DAY, properties: { path: '/pricing' } }],
      NOW,
    )
    setFormatLocale('es')
    try {
      const pricing = ledgerLines(result.ledger, NOW, es).find((l) => /pricing/.test(l.label))!
      expect(pricing.detail).toMatch(/hace 30 días/)
      expect(pricing.detail).toMatch(/reducido desde \d+(,\d)? por antigüedad/)
      expect(pricing.detail).not.toMatch(/days ago|decayed/)
    } finally {
      setFormatLocale('en')
    }
  })
})
