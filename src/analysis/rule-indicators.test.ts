import { describe, expect, it } from 'vitest'
import { scoreColumns } from '../core/columnar/index.js'
import { DAY_MS } from '../core/input.js'
import { ruleIndicators } from './rule-indicators.js'
import { compile, GOOD, modelSource } from './test-support/models.js'
import { leadData, plantedLeads, T0 } from './test-support/planted.js'

const data = leadData(plantedLeads(1500))
const asOf = T0 + 60 * DAY_MS
const all = Int32Array.from({ length: data.contacts.length }, (_, c) => c)

describe('ruleIndicators', () => {
  it('says which rules give each lead points, as the scorer does', () => {
    const model = compile(GOOD)
    const { rules, fired } = ruleIndicators(model, data, all, () => asOf + 1, asOf)
    const scores = scoreColumns(model, data.contacts, data.events, asOf, { details: true })
    const R = rules.length
    let checked = 0
    for (let c = 0; c < data.contacts.length; c++) {
      rules.forEach((rule, j) => {
        if (rule.points === 0) return // a rule without points never shows in the scores
        expect(fired[c * R + j], `${rule.id} of c${c}`).toBe(
          (scores.details![c]!.rules[rule.id] ?? 0) !== 0 ? 1 : 0,
        )
        checked++
      })
    }
    expect(checked).toBeGreaterThan(3000)
  })

  it('applies a first group: only the first matching rule', () => {
    const source = modelSource('first', { webinar: 5, pro: 10, free: 5, pages: 1 }).replace(
      '    - id: plan\n      rules:',
      '    - id: plan\n      mode: first\n      rules:\n        - { id: any-plan, when: { plan: { exists: true } }, points: 1 }',
    )
    const model = compile(source)
    const { rules, fired } = ruleIndicators(model, data, all, () => asOf + 1, asOf)
    const R = rules.length
    const pro = rules.findIndex((r) => r.id === 'pro-plan')
    const any = rules.findIndex((r) => r.id === 'any-plan')
    for (let c = 0; c < data.contacts.length; c++) {
      expect(fired[c * R + any]).toBe(1)
      expect(fired[c * R + pro]).toBe(0)
    }
  })

  it("counts only the events before each lead's limit", () => {
    const model = compile(GOOD)
    const webinar = (limit: number) => {
      const { rules, fired } = ruleIndicators(model, data, all, () => limit, limit)
      const j = rules.findIndex((r) => r.id === 'webinar')
      let n = 0
      for (let c = 0; c < data.contacts.length; c++) n += fired[c * rules.length + j]!
      return n
    }
    expect(webinar(T0)).toBe(0)
    expect(webinar(T0 + 30 * DAY_MS)).toBeGreaterThan(0)
    expect(webinar(T0 + 30 * DAY_MS)).toBeLessThan(webinar(T0 + 120 * DAY_MS))
  })

  it('asks the scorer when a fit rule reads the event history', () => {
    const source = GOOD.replace(
      '        - { id: free-plan',
      '        - { id: went, when: { did: { event: Webinar Attended, withinDays: 365 } }, points: 5 }\n        - { id: free-plan',
    )
    const model = compile(source)
    const { rules, fired } = ruleIndicators(model, data, all, () => asOf + 1, asOf)
    const j = rules.findIndex((r) => r.id === 'went')
    const w = rules.findIndex((r) => r.id === 'webinar')
    let went = 0
    for (let c = 0; c < data.contacts.length; c++) {
      expect(fired[c * rules.length + j]).toBe(fired[c * rules.length + w])
      went += fired[c * rules.length + j]!
    }
    expect(went).toBeGreaterThan(100)
  })
})
