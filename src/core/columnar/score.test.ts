import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evaluateAccount } from '../account.js'
import { compileModel } from '../compile.js'
import { evaluateContact } from '../evaluate.js'
import type { ContactEvent, Properties } from '../input.js'
import type { ModelDocument } from '../model/types.js'
import { eventsArb, modelArb } from '../test-support/arbitraries.js'
import { ev, NOW } from '../test-support/events.js'
import { exampleModel } from '../test-support/example-model.js'
import { scoreAccountsFromColumns } from './accounts.js'
import { EventColumnsBuilder, eventColumnsOf } from './events.js'
import { type BulkScores, scoreColumns } from './score.js'
import { ScoreCache } from './score-cache.js'
import { contactsArb, richModelArb } from './test-support/models.js'
import { plain } from './test-support/plain.js'

const titles = ['VP Growth', 'intern', undefined, 'Head of Data']

describe('columnar scorer', () => {
  it('gives exactly the per-contact evaluator results, on random models and data', () => {
    fc.assert(
      fc.property(
        modelArb,
        fc.array(eventsArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: -30, max: 30 }),
        (doc, perContact, shift) => {
          const contacts = perContact.map((_, i) => ({
            properties: titles[i % 4] === undefined ? {} : { title: titles[i % 4] },
            account: undefined,
            likelihood: undefined,
          }))
          expectEvaluatorResults(compileModel(doc), contacts, perContact, NOW + shift * 86_400_000)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('a count that holds with no counted event gives nothing, as in the evaluator, whatever the decay', () => {
    for (const decay of ['none', { halfLifeDays: 7 }] as const) {
      for (const count of [{ lt: 3 }, { lte: 0 }, { eq: 0 }, { gte: 1 }]) {
        const model = compileModel({
          format: 'leadscore/v1',
          id: 't',
          engagement: {
            max: 100,
            min: -100,
            groups: [{ id: 'g', rules: [{ id: 'r', when: { event: 'visit' }, points: -10, decay, count }] }],
          },
        })
        const perContact = [[], [ev('visit', 1)], [ev('other', 1)]]
        const bulk = scoreColumns(
          model,
          { length: 3, ids: ['a', 'b', 'c'], properties: [{}, {}, {}] },
          eventColumnsOf(perContact),
          NOW,
        )
        perContact.forEach((events, c) => {
          const one = evaluateContact(model, { id: `c${c}`, properties: {} }, events, NOW)
          expect(bulk.engagement[c], `${JSON.stringify(count)} contact ${c}`).toBe(one.engagement)
        })
        expect(bulk.engagement[0]).toBe(0)
      }
    }
  })

  it('scores contacts without events and with accounts; keeps the example model semantics', () => {
    const model = compileModel(exampleModel)
    const ids = ['a', 'b']
    const properties = [{ job_title: 'VP Sales', country: 'US' }, {}]
    const accounts = [{ industry: 'SaaS', employees: '1200' }, undefined]
    const events = eventColumnsOf([[ev('Demo Requested', 1), ev('page', 0, { path: '/pricing' })], []])
    const bulk = scoreColumns(model, { length: 2, ids, properties, accounts }, events, NOW)
    const one = evaluateContact(
      model,
      { id: 'a', properties: properties[0]!, account: accounts[0] },
      [ev('Demo Requested', 1, {}, 'x'), ev('page', 0, { path: '/pricing' }, 'y')],
      NOW,
    )
    expect(bulk.fit[0]).toBe(40)
    expect(bulk.total[0]).toBeCloseTo(one.total, 10)
    expect(bulk.stage[0]).toBe('mql')
    expect(bulk.total[1]).toBe(0)
    expect(bulk.stage[1]).toBe('subscriber')
    expect(bulk.segments[1]).toEqual(['nurture'])
  })

  it('the builder sorts by contact and time, drops exact duplicates, keeps only the listed properties', () => {
    const b = new EventColumnsBuilder({ properties: ['path'], capacity: 1, keepIds: true })
    b.add(1, { id: 'x', name: 'page', ts: 5, properties: { path: '/a', other: 1 } })
    b.add(0, { id: 'y', name: 'page', ts: 9, properties: {} })
    b.add(0, { id: 'z', name: 'Email Opened', ts: 3, properties: { path: '/b' } })
    b.add(0, { id: 'z', name: 'Email Opened', ts: 3, properties: { path: '/b' } })
    const cols = b.finish()
    expect(cols.length).toBe(3)
    expect([...cols.offsets]).toEqual([0, 2, 3])
    expect(cols.ids).toEqual(['z', 'y', 'x'])
    expect([...cols.ts]).toEqual([3, 9, 5])
    expect([...cols.properties.keys()]).toEqual(['path'])
    expect([...cols.properties.get('path')!.codes]).toEqual([1, -1, 0])
  })
})

/** Scores with the bulk scorer and checks every contact against `evaluateContact`. */
/** A model document that a test edits in place (structuredClone's copy). */
type Mutable<T> = T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T

function expectEvaluatorResults(
  model: ReturnType<typeof compileModel>,
  contacts: { properties: Properties; account: Properties | undefined; likelihood: number | undefined }[],
  perContact: ContactEvent[][],
  asOf: number,
  cache?: ScoreCache,
): BulkScores {
  const ids = contacts.map((_, i) => `c${i}`)
  const columns = {
    length: ids.length,
    ids,
    properties: contacts.map((c) => c.properties),
    accounts: contacts.map((c) => c.account),
    likelihood: Float64Array.from(contacts, (c) => c.likelihood ?? Number.NaN),
  }
  const events = eventColumnsOf(perContact)
  const bulk = scoreColumns(model, columns, events, asOf, { details: true, ...(cache ? { cache } : {}) })
  // the other way of reading each rule's events (the name index, or a scan of the name column) agrees
  expect(
    scoreColumns(model, columns, events, asOf, { details: true, indexEvents: cache === undefined }),
  ).toEqual(bulk)
  contacts.forEach((contact, c) => {
    const one = evaluateContact(
      model,
      { id: ids[c]!, properties: contact.properties, account: contact.account },
      perContact[c] ?? [],
      asOf,
      { likelihood: contact.likelihood ?? null },
    )
    expect([bulk.fit[c], bulk.engagement[c], bulk.total[c]]).toEqual([one.fit, one.engagement, one.total])
    expect([
      bulk.grade[c],
      bulk.level[c],
      bulk.label[c],
      bulk.band[c],
      bulk.stage[c],
      bulk.journey[c],
    ]).toEqual([one.grade, one.level, one.label, one.band, one.stage, one.journey])
    expect(bulk.segments[c]).toEqual(one.segments)
    expect(bulk.details![c]).toEqual({ rules: one.rules, groups: one.groups })
  })
  return bulk
}

describe('columnar scorer on random conditions', () => {
  it('equals the evaluator for every operator on contact and account properties, score fields, classes, segments and history', () => {
    fc.assert(
      fc.property(
        richModelArb,
        contactsArb(6),
        fc.array(eventsArb, { minLength: 0, maxLength: 6 }),
        fc.integer({ min: -30, max: 30 }),
        (doc, contacts, perContact, shift) => {
          expectEvaluatorResults(compileModel(doc), contacts, perContact, NOW + shift * 86_400_000)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('committee roles and engagement give the account rollups of evaluateAccount', () => {
    fc.assert(
      fc.property(
        richModelArb,
        contactsArb(8),
        fc.array(eventsArb, { minLength: 8, maxLength: 8 }),
        (doc, rows, perContact) => {
          const model = compileModel({ ...doc, accounts: doc.accounts ?? { committee: { roles: [] } } })
          const ids = rows.map((_, i) => `c${i}`)
          const properties = rows.map((r, i) => ({ ...r.properties, account_id: `a${i % 3}` }))
          const contacts = { length: ids.length, ids, properties, accounts: rows.map((r) => r.account) }
          const bulk = scoreColumns(model, contacts, eventColumnsOf(perContact), NOW)
          const accounts = scoreAccountsFromColumns(model, contacts, bulk, new Map())
          for (const [id, result] of accounts) {
            const members = ids
              .map((cid, i) => ({
                contact: { id: cid, properties: properties[i]!, account: rows[i]!.account },
                events: perContact[i]!,
              }))
              .filter((m) => m.contact.properties.account_id === id)
              .map((m) => ({ contact: m.contact, result: evaluateContact(model, m.contact, m.events, NOW) }))
            expect(result).toEqual(evaluateAccount(model, { id, properties: {} }, members))
          }
        },
      ),
      { numRuns: 100 },
    )
  })

  it('with a timeless cache, gives the results of a fresh scoring at one time after another', () => {
    fc.assert(
      fc.property(
        fc.array(richModelArb, { minLength: 1, maxLength: 2 }),
        fc.array(fc.integer({ min: -40, max: 40 }), { minLength: 2, maxLength: 4 }),
        contactsArb(5),
        fc.array(eventsArb, { minLength: 5, maxLength: 5 }),
        (docs, days, contacts, perContact) => {
          const cache = new ScoreCache({ timeless: true })
          for (const doc of docs)
            for (const day of days) {
              expectEvaluatorResults(compileModel(doc), contacts, perContact, NOW + day * 86_400_000, cache)
            }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('with a cache, gives the results of a fresh scoring after any sequence of model edits', () => {
    fc.assert(
      fc.property(
        fc.array(richModelArb, { minLength: 2, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 11 }), { minLength: 3, maxLength: 3 }),
        contactsArb(5),
        fc.array(eventsArb, { minLength: 5, maxLength: 5 }),
        (docs, picks, contacts, perContact) => {
          const cache = new ScoreCache()
          // successive edits: each model takes rules of the previous one, so some are cached and some not
          let previous = docs[0]!
          for (const doc of docs) {
            const groups = doc.engagement!.groups.map((g, gi) => ({
              ...g,
              rules: g.rules.map((r, ri) => {
                const old = previous.engagement!.groups[gi]?.rules[ri]
                return old && picks.includes((gi * 4 + ri) % 12) ? { ...old, id: r.id ?? `r${gi}-${ri}` } : r
              }),
            }))
            const edited: ModelDocument = { ...doc, engagement: { ...doc.engagement!, groups } }
            expectEvaluatorResults(compileModel(edited), contacts, perContact, NOW, cache)
            previous = edited
          }
        },
      ),
      { numRuns: 100 },
    )
  })

  it('with a cache, an edit that moves a few contacts rescores only those and gives the results of a fresh scoring, reusing the last result', () => {
    fc.assert(
      fc.property(
        richModelArb,
        fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 3 }),
        fc.nat(),
        contactsArb(20),
        fc.array(eventsArb, { minLength: 4, maxLength: 4 }),
        fc.integer({ min: -30, max: 30 }),
        (doc, [ruleDelta = 1, fitDelta = 1, likelihoodDelta = 1], pick, rows, perContact, shift) => {
          // 4 contacts with events, 16 without: an engagement rule's edit moves at most 4
          const asOf = NOW + shift * 86_400_000
          const ids = rows.map((_, i) => `c${i}`)
          const contacts = {
            length: ids.length,
            ids,
            properties: rows.map((c) => c.properties),
            accounts: rows.map((c) => c.account),
            likelihood: Float64Array.from(rows, (c) => c.likelihood ?? Number.NaN),
          }
          const events = eventColumnsOf(perContact)
          const cache = new ScoreCache()
          // each scoring writes over the arrays of the one before (an editor's previews)
          let last: BulkScores | undefined
          const expectFresh = (model: ReturnType<typeof compileModel>) => {
            const cached = scoreColumns(model, contacts, events, asOf, { cache, reuse: last })
            expect(plain(cached)).toEqual(plain(scoreColumns(model, contacts, events, asOf)))
            last = cached
          }
          expectFresh(compileModel(doc))
          expect(cache.stats.rescored).toBe(20)
          expectFresh(compileModel(doc))
          expect(cache.stats.rescored).toBe(0)

          const rules = doc.engagement!.groups.flatMap((g, gi) => g.rules.map((_, ri) => [gi, ri] as const))
          const [gi, ri] = rules[pick % rules.length]!
          const edited = structuredClone(doc) as Mutable<ModelDocument>
          edited.engagement!.groups[gi]!.rules[ri]!.points += ruleDelta
          expectFresh(compileModel(edited as ModelDocument))
          expect(cache.stats.rescored).toBeLessThanOrEqual(4)
          // again: the rule's points from the matches its last computation kept
          edited.engagement!.groups[gi]!.rules[ri]!.points += 1
          expectFresh(compileModel(edited as ModelDocument))
          expect(cache.stats.rescored).toBeLessThanOrEqual(4)

          // a fit rule's points (every contact may move), then a likelihood changed in place
          edited.fit!.groups[0]!.rules[0]!.points += fitDelta
          expectFresh(compileModel(edited as ModelDocument))
          contacts.likelihood[pick % 20] = (contacts.likelihood[pick % 20] || 0) + likelihoodDelta
          expectFresh(compileModel(edited as ModelDocument))
          expect(cache.stats.rescored).toBeLessThanOrEqual(1)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('with a cache, a scoring with details between edits keeps what the next edit compares with', () => {
    fc.assert(
      fc.property(
        richModelArb,
        fc.nat(),
        contactsArb(12),
        fc.array(eventsArb, { minLength: 6, maxLength: 6 }),
        (doc, pick, rows, perContact) => {
          const contacts = {
            length: rows.length,
            ids: rows.map((_, i) => `c${i}`),
            properties: rows.map((c) => c.properties),
            accounts: rows.map((c) => c.account),
          }
          const events = eventColumnsOf(perContact)
          const rules = doc.engagement!.groups.flatMap((g, gi) => g.rules.map((_, ri) => [gi, ri] as const))
          const [gi, ri] = rules[pick % rules.length]!
          const withPoints = (delta: number) => {
            const edited = structuredClone(doc) as Mutable<ModelDocument>
            edited.engagement!.groups[gi]!.rules[ri]!.points += delta
            // another group's rule too, so that a group the kept scoring read is dropped
            const other = edited.engagement!.groups[(gi + 1) % edited.engagement!.groups.length]!.rules[0]!
            if (delta !== 0) other.points += delta
            return compileModel(edited as ModelDocument)
          }
          const cache = new ScoreCache()
          scoreColumns(withPoints(0), contacts, events, NOW, { cache })
          scoreColumns(withPoints(1), contacts, events, NOW, { cache, details: true })
          const after = withPoints(2)
          const cached = scoreColumns(after, contacts, events, NOW, { cache })
          expect(plain(cached)).toEqual(plain(scoreColumns(after, contacts, events, NOW)))
        },
      ),
      { numRuns: 150 },
    )
  })

  it('tests a property that nearly every contact has its own value of (no dictionary) as the evaluator does', () => {
    const model = compileModel({
      format: 'leadscore/v1',
      id: 'emails',
      fit: {
        max: 20,
        groups: [
          {
            id: 'mail',
            rules: [
              { id: 'personal', when: { email: { matches: '@(gmail|yahoo)\\.' } }, points: -5 },
              { id: 'work', when: { email: { endsWith: '.io', ne: 'x@y.io' } }, points: 10 },
            ],
          },
        ],
      },
      bands: [{ id: 'has-email', when: { email: { exists: true } } }, { id: 'none' }],
    })
    const domains = ['gmail.com', 'acme.io', 'yahoo.fr', 'y.io', 'corp.com']
    const contacts = Array.from({ length: 3000 }, (_, i) => ({
      properties: i % 7 === 0 ? {} : { email: i % 11 === 0 ? 'x@y.io' : `u${i}@${domains[i % 5]}` },
      account: undefined,
      likelihood: undefined,
    }))
    const bulk = expectEvaluatorResults(model, contacts, [], NOW)
    expect(new Set(bulk.fit)).toEqual(new Set([0, 10]))
  })

  it('after scorings that reuse a whole group, an edit of one of its rules recomputes that rule and the group', () => {
    const doc = (points: number): ModelDocument => ({
      format: 'leadscore/v1',
      id: 'groups',
      engagement: {
        max: 100,
        decay: { halfLifeDays: 30 },
        groups: [
          {
            id: 'web',
            max: 30,
            rules: [
              { id: 'pricing', when: { event: 'page', path: { startsWith: '/pricing' } }, points, max: 20 },
              { id: 'page', when: { event: 'page' }, points: 1 },
            ],
          },
          { id: 'mail', rules: [{ id: 'open', when: { event: 'Email Opened' }, points: 2 }] },
        ],
      },
    })
    const perContact = [
      [ev('page', 1, { path: '/pricing' }), ev('Email Opened', 2)],
      [ev('page', 3, { path: '/docs' })],
    ]
    const contacts = { length: 2, ids: ['a', 'b'], properties: [{}, {}] }
    const events = eventColumnsOf(perContact)
    const cache = new ScoreCache()
    for (let run = 0; run < 3; run++) scoreColumns(compileModel(doc(5)), contacts, events, NOW, { cache })
    expect(cache.stats.computed).toBe(0)
    // a timeless cache keeps no rule or group points, no decay factors (they depend on the time):
    // 3 rules (and their marks of being computed), 2 groups, 2 names fewer
    const timeless = new ScoreCache({ timeless: true })
    for (let run = 0; run < 3; run++)
      scoreColumns(compileModel(doc(5)), contacts, events, NOW, { cache: timeless })
    expect(timeless.stats.entries).toBe(cache.stats.entries - 10)
    const edited = compileModel(doc(6))
    const bulk = scoreColumns(edited, contacts, events, NOW, { cache })
    // the rule `pricing` (from its matches, kept now that it is computed again) and the group
    // `web`; `page` and the group `mail` come from the cache
    expect(cache.stats.computed).toBe(3)
    expect(bulk.engagement).toEqual(scoreColumns(edited, contacts, events, NOW).engagement)
    // another edit of its points reads its matches again
    scoreColumns(compileModel(doc(7)), contacts, events, NOW, { cache })
    expect(cache.stats.computed).toBe(2)
    expect(bulk.engagement[0]).toBe(
      evaluateContact(edited, { id: 'a', properties: {} }, perContact[0]!, NOW).engagement,
    )
  })

  it('after a one-rule edit, recomputes only that rule', () => {
    const model = compileModel(exampleModel)
    const perContact = [
      [ev('Demo Requested', 1), ev('page', 0, { path: '/pricing' })],
      [ev('Webinar Attended', 3)],
    ]
    const contacts = { length: 2, ids: ['a', 'b'], properties: [{ job_title: 'VP Sales' }, {}] }
    const events = eventColumnsOf(perContact)
    const cache = new ScoreCache()
    scoreColumns(model, contacts, events, NOW, { cache })
    const first = cache.stats
    expect(first.computed).toBeGreaterThan(model.engagement.rules.length)
    scoreColumns(model, contacts, events, NOW, { cache })
    expect(cache.stats).toMatchObject({ computed: 0, entries: first.entries })

    const doc = structuredClone(exampleModel)
    const group = doc.engagement!.groups[0]!
    const edited = compileModel({
      ...doc,
      engagement: {
        ...doc.engagement!,
        groups: [
          {
            ...group,
            rules: [{ ...group.rules[0]!, points: group.rules[0]!.points + 1 }, ...group.rules.slice(1)],
          },
          ...doc.engagement!.groups.slice(1),
        ],
      },
    })
    const bulk = scoreColumns(edited, contacts, events, NOW, { cache })
    // the rule, from its matches (kept for the next edit of its points)
    expect(cache.stats.computed).toBe(2)
    expect(bulk.total[0]).toBe(
      evaluateContact(edited, { id: 'a', properties: { job_title: 'VP Sales' } }, perContact[0]!, NOW).total,
    )
    // another as-of time is another scoring: nothing that depends on events is reused
    scoreColumns(edited, contacts, events, NOW + 1, { cache })
    expect(cache.stats.computed).toBeGreaterThan(model.engagement.rules.length)
  })
})

describe('bulk account rollups', () => {
  it('equal evaluateAccount over the members’ per-contact results', () => {
    const model = compileModel(exampleModel)
    const titles = ['VP Sales', 'Product Manager', 'Engineer', 'Chief of Staff', undefined]
    const n = 40
    const ids = Array.from({ length: n }, (_, i) => `c${i}`)
    const properties = ids.map((_, i) => ({
      account_id: `a${i % 7}`,
      ...(titles[i % 5] === undefined ? {} : { job_title: titles[i % 5] }),
    }))
    const perContact = ids.map((_, i) =>
      Array.from({ length: i % 6 }, (_, k) =>
        ev(k % 2 ? 'Email Link Clicked' : 'Webinar Attended', k * 3, {}, `c${i}-${k}`),
      ),
    )
    const contacts = { length: n, ids, properties }
    const bulk = scoreColumns(model, contacts, eventColumnsOf(perContact), NOW)
    const accounts = scoreAccountsFromColumns(model, contacts, bulk, new Map([['a1', { industry: 'SaaS' }]]))
    expect(accounts.size).toBe(7)
    for (const [id, result] of accounts) {
      const members = ids
        .map((cid, i) => ({ contact: { id: cid, properties: properties[i]! }, events: perContact[i]! }))
        .filter((m) => m.contact.properties.account_id === id)
        .map((m) => ({ contact: m.contact, result: evaluateContact(model, m.contact, m.events, NOW) }))
      const one = evaluateAccount(
        model,
        { id, properties: id === 'a1' ? { industry: 'SaaS' } : {} },
        members,
      )!
      expect(result).toEqual(one)
    }
  })
})
