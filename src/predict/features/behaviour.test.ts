import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileModel } from '../../core/compile.js'
import { type ContactEvent, DAY_MS } from '../../core/input.js'
import { exampleModel } from '../../core/test-support/example-model.js'
import { behaviourColumns, behaviourTable, type ContactAtCutoff, fitBehaviourSpec } from './behaviour.js'

const CUTOFF = Date.parse('2026-06-01T00:00:00Z')
const at = (
  daysBefore: number,
  name: string,
  properties: Record<string, unknown> = {},
  id = `${name}-${daysBefore}`,
): ContactEvent => ({
  id,
  name,
  ts: CUTOFF - daysBefore * DAY_MS,
  properties,
})

const row: ContactAtCutoff = {
  contact: { id: 'c1', properties: { country: 'FR', employees: 250, trial: true } },
  events: [
    at(1, 'page', { path: '/pricing' }),
    at(1.5, 'page'),
    at(20, 'Email Opened', { email_id: 'a' }),
    at(60, 'page'),
    at(-3, 'Demo Requested'), // after the cut-off: must not count
  ],
  cutoff: CUTOFF,
}

describe('behaviourTable', () => {
  const spec = fitBehaviourSpec([row], { windowsDays: [7, 30, 90], halfLifeDays: 7 })
  const table = behaviourTable([row], spec)
  const value = (column: string) => table.columns[table.header.indexOf(column)]![0]

  it('learns property columns and the event names seen before the cut-off only', () => {
    expect(spec.properties).toEqual(['country', 'employees', 'trial'])
    expect(spec.eventNames).toEqual(['page', 'email opened'])
    expect(table.header).toEqual(behaviourColumns(spec))
  })

  it('counts events and decayed sums per name and window, recency and active days', () => {
    expect([value('country'), value('employees'), value('trial')]).toEqual(['FR', '250', 'true'])
    expect(value('events.page.count_7d')).toBe('2')
    expect(value('events.page.count_90d')).toBe('3')
    expect(value('events.any.count_30d')).toBe('3')
    expect(Number(value('events.page.decayed_7d'))).toBeCloseTo(2 ** (-1 / 7) + 2 ** (-1.5 / 7), 6)
    expect(value('active_days_7d')).toBe('2') // 1 and 1.5 days before midnight fall on two days
    expect(value('days_since_last_event')).toBe('1')
    expect(value('days_since_first_event')).toBe('60')
  })

  it('adds the engagement rules of a scoring model as of the cut-off', () => {
    const model = compileModel(exampleModel)
    const withRules = fitBehaviourSpec([row], { model })
    const t = behaviourTable([row], withRules, model)
    expect(t.columns[t.header.indexOf('rule.demo')]![0]).toBe('0') // requested after the cut-off
    expect(Number(t.columns[t.header.indexOf('rule.pricing-page')]![0])).toBeGreaterThan(0)
  })

  it('never uses an event after the cut-off (point in time)', () => {
    const event = fc.record({
      name: fc.constantFrom('page', 'Email Opened', 'Form Submitted'),
      days: fc.double({ min: -200, max: 200, noNaN: true }),
    })
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), fc.array(event, { maxLength: 10 }), (past, extra) => {
        const before = past.map((e, i) => at(Math.abs(e.days), e.name, {}, `p${i}`))
        const after = extra.map((e, i) => at(-Math.abs(e.days) - 1e-3, e.name, {}, `f${i}`))
        const contact = { id: 'c', properties: { plan: 'pro' } }
        const onlyPast: ContactAtCutoff = { contact, events: before, cutoff: CUTOFF }
        const withFuture: ContactAtCutoff = { contact, events: [...after, ...before], cutoff: CUTOFF }
        const s = fitBehaviourSpec([withFuture])
        expect(s).toEqual(fitBehaviourSpec([onlyPast]))
        expect(behaviourTable([withFuture], s)).toEqual(behaviourTable([onlyPast], s))
      }),
    )
  })

  it('counts an event at the cut-off itself', () => {
    const t = behaviourTable([{ ...row, events: [at(0, 'page')] }], spec)
    expect(t.columns[t.header.indexOf('events.page.count_7d')]![0]).toBe('1')
  })
})

describe('training from contacts', () => {
  it('learns a planted behaviour from a behaviour table with the outcome added', async () => {
    const { trainModel } = await import('../train.js')
    const { withColumn } = await import('../table.js')
    const rows: ContactAtCutoff[] = Array.from({ length: 600 }, (_, i) => {
      const engaged = i % 2 === 0
      const events = Array.from({ length: engaged ? 4 + (i % 5) : i % 3 }, (_, k) =>
        at(k * 3 + 0.5, 'page', {}, `c${i}-${k}`),
      )
      return {
        contact: { id: `c${i}`, properties: { plan: i % 3 === 0 ? 'pro' : 'free' } },
        events,
        cutoff: CUTOFF,
      }
    })
    const spec = fitBehaviourSpec(rows)
    const outcome = rows.map((_, i) => (i % 2 === 0 ? (i % 10 === 0 ? '0' : '1') : i % 10 === 1 ? '1' : '0'))
    const table = withColumn(behaviourTable(rows, spec), 'converted', outcome)
    const { report } = trainModel(table, { label: 'converted', learner: 'logistic' })
    expect(report.auc).toBeGreaterThan(0.75)
    expect(report.importance[0]!.feature).toMatch(/^events\.(any|page)\.|active_days|days_since/)
  })
})
