import { describe, expect, it } from 'vitest'
import { evaluateAccount } from './account.js'
import { compileModel } from './compile.js'
import { evaluateContact } from './evaluate.js'
import type { AccountsPart } from './model/types.js'
import { ev, NOW } from './test-support/events.js'
import { exampleModel } from './test-support/example-model.js'

const example = compileModel(exampleModel)
const member = (id: string, title: string, clicks: number) => {
  const contact = { id, properties: { job_title: title, account_id: 'acme' } }
  const events = Array.from({ length: clicks }, (_, i) => ev('Email Link Clicked', 0, {}, `${id}-${i}`))
  return { contact, result: evaluateContact(example, contact, events, NOW) }
}

describe('accounts', () => {
  it('rolls up engagement per contact capped at perContactMax, plus committee points for engaged roles', () => {
    const members = [
      member('a', 'VP Sales', 8),
      member('b', 'Product Manager', 2),
      member('c', 'Engineer', 1),
    ]
    // engagement: a = 20 (click rule max 20), b = 10, c = 5 → sum 35; economic buyer (a, engaged) 10, champion (b, engaged ≥ 10) 5
    const r = evaluateAccount(example, { id: 'acme', properties: {} }, members)!
    expect(r.ledger.rollup.points).toBe(35)
    expect(r.committee.map((c) => [c.id, c.covered])).toEqual([
      ['economic-buyer', true],
      ['champion', true],
    ])
    expect(r.engagement).toBe(50)
    expect(r.total).toBe(50)
  })

  it('a role whose members are not engaged gives nothing', () => {
    const r = evaluateAccount(example, { id: 'acme', properties: {} }, [member('a', 'VP Sales', 1)])!
    expect(r.committee[0]).toMatchObject({ members: ['a'], engaged: [], covered: false })
    expect(r.engagement).toBe(5)
  })

  it.each([
    ['sum', 90],
    ['max', 30],
    ['mean', 22.5],
    ['top3', 75],
  ] as const)('rollup %s', (rollup, expected) => {
    const accounts: AccountsPart = { engagement: { rollup, perContactMax: 30 } }
    const m = compileModel({ ...exampleModel, accounts })
    const mk = (id: string, n: number) => {
      const contact = { id, properties: {} }
      const events = Array.from({ length: n }, (_, i) => ev('Webinar Attended', 0, {}, `${id}${i}`))
      return { contact, result: evaluateContact(m, contact, events, NOW) }
    }
    // engagements 45, 30, 15, 15; 45 enters the rollup as 30 (perContactMax)
    const r = evaluateAccount(m, { id: 'x', properties: {} }, [
      mk('a', 3),
      mk('b', 2),
      mk('c', 1),
      mk('d', 1),
    ])!
    expect(r.engagement).toBeCloseTo(expected, 10)
  })

  it('account engagement is capped at its max; account fit comes from account properties', () => {
    const accounts: AccountsPart = {
      engagement: { rollup: 'sum', max: 40 },
      fit: {
        max: 30,
        groups: [{ id: 'firmo', rules: [{ id: 'big', when: { employees: { gte: 1000 } }, points: 30 }] }],
      },
      bands: [{ id: 'target', when: { 'score.total': { gte: 60 } } }, { id: 'other' }],
    }
    const m = compileModel({ ...exampleModel, accounts })
    const members = ['a', 'b', 'c'].map((id) => {
      const contact = { id, properties: {} }
      const events = [ev('Webinar Attended', 0, {}, `${id}1`), ev('Webinar Attended', 0, {}, `${id}2`)]
      return { contact, result: evaluateContact(m, contact, events, NOW) }
    })
    const r = evaluateAccount(m, { id: 'x', properties: { employees: '5000' } }, members)!
    expect(r.ledger.caps).toEqual([{ bound: 'max', limit: 40, before: 90, after: 40 }])
    expect(r.fit).toBe(30)
    expect(r.total).toBe(70)
    expect(r.band).toBe('target')
    expect(evaluateAccount(m, { id: 'y', properties: { employees: 10 } }, members)!.band).toBe('other')
  })

  it('no accounts section, no account score', () => {
    const m = compileModel({ ...exampleModel, accounts: undefined } as never)
    expect(evaluateAccount(m, { id: 'x', properties: {} }, [])).toBeUndefined()
  })
})
