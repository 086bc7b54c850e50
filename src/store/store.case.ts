/**
 * The store conformance suite: the behaviour every adapter must have, run unchanged against
 * each (`sqlite.test.ts`, `postgres.test.ts`). Each test gets a fresh, empty database from
 * the target factory and may open a second store on the same database.
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StoreConstraintError, StoreInputError, StoreNotFoundError } from './errors.js'
import { openStore } from './open-store.js'
import { partitionOf } from './partition.js'
import type { ContactRecord, ContactWrite } from './records/contact.js'
import type { ContactQuery } from './records/contact-query.js'
import type { EventWrite, StoredEvent } from './records/event.js'
import type { PendingRescoreWrite } from './records/pending-rescore.js'
import type { ScoreWrite } from './records/score.js'
import type { TransitionWrite } from './records/transition.js'
import type { Store, StoreOps } from './store.js'

/** A database for one test. */
export interface StoreTarget {
  /** Opens a store on the target's database; call again for another store on the same database. */
  open(): Promise<Store>
  /** Removes the database (after the stores are closed). */
  destroy(): Promise<void>
}

/** Makes a fresh, empty database per test. */
export type CreateStoreTarget = () => Promise<StoreTarget>

const T0 = Date.parse('2026-11-01T00:00:00.000Z')
const MODEL = 'b2b'

function event(
  id: string,
  contactId: string | null,
  ts: number,
  extra: Partial<EventWrite> = {},
): EventWrite {
  return { id, contactId, name: 'page', ts, receivedAt: T0, properties: {}, ...extra }
}

/** A score row of model `b2b` version 1 (for the other conformance cases too). */
export function score(contactId: string, total: number, extra: Partial<ScoreWrite> = {}): ScoreWrite {
  return {
    contactId,
    modelId: MODEL,
    modelVersion: 1,
    fit: total / 2,
    engagement: total / 2,
    total,
    grade: null,
    level: null,
    label: null,
    band: null,
    stage: null,
    journey: null,
    segments: [],
    likelihood: null,
    lastActivityAt: null,
    scoredAt: T0,
    nextChangeAt: null,
    ...extra,
  }
}

/** Property bags that are easy to get wrong, with a `__proto__` key as data (as JSON.parse makes it). */
const TRICKY_PROPERTIES: Record<string, unknown> = JSON.parse(
  JSON.stringify({
    plain: 'text',
    unicode: 'Zoë 東京 مرحبا 👩‍💻 e\u0301',
    control: 'nul\u0000tab\tnewline\n',
    lone: '\ud800 alone',
    number: 0.1 + 0.2,
    tiny: 5e-324,
    big: 1.7976931348623157e308,
    int: 9007199254740991,
    negative: -42,
    yes: true,
    no: false,
    nothing: null,
    empty: '',
    nested: { deep: { deeper: [1, 'two', { three: [null, false] }] } },
    list: [],
    '': 'empty key',
    'dotted.key': 'x',
    constructor: 'not a function',
    toString: 'still data',
  }).replace(/^\{/, '{"__proto__":{"polluted":true},'),
)

function expectTrickyRoundTrip(props: Record<string, unknown>): void {
  expect(props).toEqual(TRICKY_PROPERTIES)
  expect(Object.getPrototypeOf(props)).toBe(Object.prototype)
  expect(Object.hasOwn(props, '__proto__')).toBe(true)
  expect(Object.getOwnPropertyDescriptor(props, '__proto__')?.value).toEqual({ polluted: true })
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  expect(JSON.stringify(props)).toBe(JSON.stringify(TRICKY_PROPERTIES))
}

async function collect(stream: AsyncIterable<StoredEvent[]>): Promise<StoredEvent[][]> {
  const pages: StoredEvent[][] = []
  for await (const page of stream) pages.push(page)
  return pages
}

async function allPages(store: Store, query: ContactQuery): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | null = null
  for (;;) {
    const page = await store.listContacts({ ...query, cursor })
    ids.push(...page.items.map((i) => i.contact.id))
    if (page.nextCursor === null) return ids
    cursor = page.nextCursor
  }
}

const pad = (n: number): string => String(n).padStart(4, '0')

/** Runs the conformance suite against the stores `createStore` makes. */
export function runStoreConformance(name: string, createStore: CreateStoreTarget): void {
  describe(`store conformance: ${name}`, () => {
    let target: StoreTarget
    let store: Store
    const opened: Store[] = []

    const open = async (): Promise<Store> => {
      const s = await target.open()
      opened.push(s)
      return s
    }

    beforeEach(async () => {
      target = await createStore()
      store = await open()
    })

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()))
      await target.destroy()
    })

    /** Model `b2b` version 1, published. */
    async function publishModel(s: Store = store): Promise<void> {
      const draft = await s.createModelVersion({ id: MODEL, source: 'format: leadscore/v1', createdAt: T0 })
      await s.publishModel({ id: draft.id, version: draft.version, at: T0 })
    }

    async function contacts(...writes: (string | ContactWrite)[]): Promise<ContactRecord[]> {
      return store.upsertContacts(writes.map((w) => (typeof w === 'string' ? { id: w, at: T0 } : w)))
    }

    it('opens again at its location, as a reader that sees what the store committed', async () => {
      const location = store.location
      expect(typeof location).toBe('string')
      await contacts('reader-1', 'reader-2')
      const reader = await openStore(location!, { role: 'reader' })
      opened.push(reader)
      expect(reader.location).toBe(location)
      expect((await reader.contactsAfter({ after: null, limit: 10 })).map((c) => c.id)).toEqual([
        'reader-1',
        'reader-2',
      ])
      await contacts('reader-3')
      expect((await reader.contactsAfter({ after: 'reader-2', limit: 10 })).map((c) => c.id)).toEqual([
        'reader-3',
      ])
    })

    describe('events', () => {
      it('reads a contact’s events in time order, with the anonymous ids merged into it', async () => {
        await contacts('alice', 'bob')
        await store.insertEvents([
          event('e3', 'alice', T0 + 3000),
          event('e1', 'alice', T0 + 1000),
          event('e2b', 'alice', T0 + 2000),
          event('e2a', 'alice', T0 + 2000),
          event('anon1', null, T0 + 1500, { anonymousId: 'a-1' }),
          event('anon-bob', null, T0 + 500, { anonymousId: 'a-2' }),
          // identified as bob although sent with alice's anonymous id: bob's
          event('both', 'bob', T0 + 100, { anonymousId: 'a-1' }),
          event('unmerged', null, T0, { anonymousId: 'a-3' }),
        ])
        await store.linkAliases([
          { anonymousId: 'a-1', contactId: 'alice', at: T0 },
          { anonymousId: 'a-2', contactId: 'bob', at: T0 },
        ])
        const alice = await store.contactEvents('alice')
        expect(alice.map((e) => e.id)).toEqual(['e1', 'anon1', 'e2a', 'e2b', 'e3'])
        expect((await store.contactEvents('bob')).map((e) => e.id)).toEqual(['both', 'anon-bob'])
        expect(
          (await store.contactEvents('alice', { from: T0 + 1500, to: T0 + 2000 })).map((e) => e.id),
        ).toEqual(['anon1', 'e2a', 'e2b'])
        expect(await store.contactEvents('nobody')).toEqual([])
        expect(alice[1]).toEqual({
          id: 'anon1',
          contactId: null,
          anonymousId: 'a-1',
          name: 'page',
          ts: T0 + 1500,
          receivedAt: T0,
          properties: {},
        })
      })

      it('stores a duplicate id once, across batches and within one (the first occurrence wins)', async () => {
        const first = await store.insertEvents([
          event('x', 'c', T0, { properties: { n: 1 } }),
          event('y', 'c', T0 + 1),
          event('x', 'c', T0 + 5, { properties: { n: 2 } }),
        ])
        expect(first).toEqual({ inserted: ['x', 'y'], duplicates: ['x'] })
        const second = await store.insertEvents([event('y', 'c', T0 + 9), event('z', 'c', T0 + 2)])
        expect(second).toEqual({ inserted: ['z'], duplicates: ['y'] })
        const stored = await store.contactEvents('c')
        expect(stored.map((e) => [e.id, e.ts, e.properties])).toEqual([
          ['x', T0, { n: 1 }],
          ['y', T0 + 1, {}],
          ['z', T0 + 2, {}],
        ])
        expect(await store.insertEvents([])).toEqual({ inserted: [], duplicates: [] })
      })

      it('stores duplicates once when two stores insert overlapping batches concurrently', async () => {
        const other = await open()
        const ids = Array.from({ length: 300 }, (_, i) => `m-${pad(i)}`)
        const batch = (from: number, reverse: boolean) => {
          const list = ids.slice(from, from + 150).map((id, i) => event(id, 'c', T0 + i))
          return reverse ? list.reverse() : list
        }
        const results = await Promise.all([
          store.insertEvents(batch(0, false)),
          other.insertEvents(batch(50, true)),
          store.insertEvents(batch(100, false)),
          other.insertEvents(batch(0, true)),
          store.insertEvents(batch(150, true)),
          other.insertEvents(batch(100, false)),
        ])
        const inserted = results.flatMap((r) => r.inserted)
        expect(inserted.length).toBe(ids.length)
        expect(new Set(inserted)).toEqual(new Set(ids))
        expect(results.reduce((n, r) => n + r.inserted.length + r.duplicates.length, 0)).toBe(6 * 150)
        const stored = await store.contactEvents('c')
        expect(stored.length).toBe(ids.length)
        expect(new Set(stored.map((e) => e.id)).size).toBe(ids.length)
      })

      it('refuses a batch with an invalid event and stores none of it', async () => {
        const batch = [
          event('ok-1', 'c', T0),
          event('ok-2', 'c', T0),
          event('bad', 'c', T0 + 0.5),
          event('ok-3', 'c', T0),
        ]
        await expect(store.insertEvents(batch)).rejects.toThrow(StoreInputError)
        await expect(store.insertEvents(batch)).rejects.toThrow(/events\[2\]\.ts/)
        await expect(store.insertEvents([event('n', null, T0)])).rejects.toThrow(
          /contactId or an anonymousId/,
        )
        await expect(store.insertEvents([event('nul\u0000', 'c', T0)])).rejects.toThrow(/events\[0\]\.id/)
        await expect(
          store.insertEvents([
            { ...event('p', 'c', T0), properties: [] as unknown as Record<string, unknown> },
          ]),
        ).rejects.toThrow(/events\[0\]\.properties/)
        expect(await store.contactEvents('c')).toEqual([])
      })

      it('keeps times exact to the millisecond', async () => {
        const times = [0, 1, -1, T0 + 999, 1_700_000_000_123, 8_640_000_000_000_000, -8_640_000_000_000_000]
        await store.insertEvents(times.map((ts, i) => event(`t${i}`, 'c', ts, { receivedAt: ts + 1 })))
        const stored = await store.contactEvents('c')
        expect(stored.map((e) => e.ts)).toEqual([...times].sort((a, b) => a - b))
        for (const e of stored) expect(e.receivedAt).toBe(e.ts + 1)
      })

      it('round-trips property JSON exactly (unicode, nesting, __proto__ as data)', async () => {
        await store.insertEvents([
          event('json', 'c', T0, { properties: TRICKY_PROPERTIES, name: 'Ünïcødé ✓' }),
        ])
        const [stored] = await store.contactEvents('c')
        expect(stored!.name).toBe('Ünïcødé ✓')
        expectTrickyRoundTrip(stored!.properties as Record<string, unknown>)
      })

      it('streams every event in pages, in storage order, as a snapshot', async () => {
        for (let b = 0; b < 5; b++) {
          await store.insertEvents(
            Array.from({ length: 50 }, (_, i) => event(`s${b}-${pad(i)}`, `c${i % 7}`, T0 - i)),
          )
        }
        const pages = await collect(store.streamEvents({ pageSize: 30 }))
        expect(pages.map((p) => p.length)).toEqual([30, 30, 30, 30, 30, 30, 30, 30, 10])
        const ids = pages.flat().map((e) => e.id)
        expect(ids.slice(0, 3)).toEqual(['s0-0000', 's0-0001', 's0-0002'])
        expect(new Set(ids).size).toBe(250)

        // events stored while streaming: none of the earlier ones is skipped or repeated, no later one appears
        const seen: string[] = []
        let n = 0
        for await (const page of store.streamEvents({ pageSize: 40 })) {
          seen.push(...page.map((e) => e.id))
          await store.insertEvents([event(`late-${n++}`, 'c1', T0)])
        }
        expect(seen).toEqual(ids)

        // stopping early releases the stream; the store goes on working
        for await (const page of store.streamEvents({ pageSize: 10 })) {
          expect(page.length).toBe(10)
          break
        }
        expect((await store.insertEvents([event('after', 'c1', T0)])).inserted).toEqual(['after'])
        expect(await collect((await open()).streamEvents())).toHaveLength(1)
      })
    })

    describe('transactions', () => {
      it('commits everything written through tx together', async () => {
        const result = await store.transaction(async (tx) => {
          await tx.upsertContacts([{ id: 'c', at: T0 }])
          await tx.insertEvents([event('e1', 'c', T0)])
          return 'done'
        })
        expect(result).toBe('done')
        expect(await store.getContact('c')).toBeDefined()
        expect(await store.contactEvents('c')).toHaveLength(1)
      })

      it('leaves nothing behind when a statement breaks a constraint midway', async () => {
        await store.createKey({ id: 'k1', kind: 'write', hash: 'h1', createdAt: T0 })
        const failing = store.transaction(async (tx) => {
          await tx.upsertContacts([{ id: 'c', at: T0 }])
          await tx.insertEvents([event('e1', 'c', T0), event('e2', 'c', T0)])
          await tx.createKey({ id: 'k2', kind: 'write', hash: 'h1', createdAt: T0 })
          await tx.insertEvents([event('e3', 'c', T0)])
        })
        await expect(failing).rejects.toThrow(StoreConstraintError)
        await expect(failing).rejects.toMatchObject({ constraint: 'unique' })
        expect(await store.getContact('c')).toBeUndefined()
        expect(await store.contactEvents('c')).toEqual([])
        expect((await store.listKeys()).map((k) => k.id)).toEqual(['k1'])
      })

      it('rolls back and rethrows when the function throws', async () => {
        const boom = new Error('boom')
        await expect(
          store.transaction(async (tx) => {
            await tx.insertEvents([event('e1', 'c', T0)])
            throw boom
          }),
        ).rejects.toBe(boom)
        expect(await store.contactEvents('c')).toEqual([])
        // the ended transaction refuses further use
        let leaked: StoreOps | undefined
        await store.transaction(async (tx) => {
          leaked = tx
        })
        await expect(leaked!.insertEvents([event('late', 'c', T0)])).rejects.toThrow(/transaction has ended/)
      })
    })

    describe('contacts, aliases and accounts', () => {
      it('creates contacts and merges changes key by key', async () => {
        const [created] = await store.upsertContacts([
          {
            id: 'c1',
            properties: { email: 'ada@example.com', plan: 'free' },
            accountId: 'acme',
            owner: 'rep-1',
            at: T0,
          },
        ])
        expect(created).toEqual({
          id: 'c1',
          properties: { email: 'ada@example.com', plan: 'free' },
          accountId: 'acme',
          stage: null,
          owner: 'rep-1',
          partition: partitionOf('c1', store.partitionCount),
          createdAt: T0,
          updatedAt: T0,
        })
        const [changed] = await store.upsertContacts([
          {
            id: 'c1',
            properties: { plan: 'pro', seats: 3, skipped: undefined },
            stage: 'mql',
            owner: null,
            at: T0 + 5,
          },
        ])
        expect(changed).toMatchObject({
          properties: { email: 'ada@example.com', plan: 'pro', seats: 3 },
          accountId: 'acme',
          stage: 'mql',
          owner: null,
          createdAt: T0,
          updatedAt: T0 + 5,
        })
        expect(Object.hasOwn(changed!.properties, 'skipped')).toBe(false)
        const [replaced] = await store.upsertContacts([
          { id: 'c1', properties: { only: 1 }, replaceProperties: true, at: T0 + 6 },
        ])
        expect(replaced!.properties).toEqual({ only: 1 })
        // writes of one batch apply in order
        const batch = await store.upsertContacts([
          { id: 'c2', properties: { a: 1 }, at: T0 },
          { id: 'c2', properties: { b: 2 }, at: T0 + 1 },
        ])
        expect(batch.map((c) => c.properties)).toEqual([
          { a: 1, b: 2 },
          { a: 1, b: 2 },
        ])
        expect(await store.getContact('c2')).toEqual(batch[1])
        expect((await store.getContacts(['c2', 'missing', 'c1'])).map((c) => c.id)).toEqual(['c2', 'c1'])
        expect(await store.getContact('missing')).toBeUndefined()
      })

      it('locks contacts for a rescore: read as getContacts, a second locker waits for the first to commit', async () => {
        await contacts({ id: 'c1', properties: { n: 1 }, at: T0 }, { id: 'c2', at: T0 })
        const expected = await store.getContacts(['c2', 'c1'])
        const order: string[] = []
        let release: () => void = () => {}
        const held = new Promise<void>((resolve) => {
          release = resolve
        })
        let locked: () => void = () => {}
        const isLocked = new Promise<void>((resolve) => {
          locked = resolve
        })
        const first = store.transaction(async (tx) => {
          expect(await tx.lockContacts(['c2', 'missing', 'c1'])).toEqual(expected)
          locked()
          await held
          await tx.upsertContacts([{ id: 'c1', properties: { n: 2 }, at: T0 + 1 }])
          order.push('first')
        })
        await isLocked
        const second = store.transaction(async (tx) => {
          const [c1] = await tx.lockContacts(['c1'])
          order.push('second')
          return c1
        })
        await new Promise((resolve) => setTimeout(resolve, 50))
        release()
        await first
        expect((await second)?.properties).toEqual({ n: 2 })
        expect(order).toEqual(['first', 'second'])
        expect(await store.lockContacts([])).toEqual([])
      })

      it('round-trips contact and account properties exactly', async () => {
        await store.upsertContacts([{ id: 'c', properties: TRICKY_PROPERTIES, at: T0 }])
        expectTrickyRoundTrip((await store.getContact('c'))!.properties as Record<string, unknown>)
        // merging a patch with a __proto__ key keeps it as data
        const [merged] = await store.upsertContacts([
          { id: 'c', properties: JSON.parse('{"__proto__": {"polluted": "again"}, "extra": 1}'), at: T0 },
        ])
        expect(Object.getPrototypeOf(merged!.properties)).toBe(Object.prototype)
        expect(Object.getOwnPropertyDescriptor(merged!.properties, '__proto__')?.value).toEqual({
          polluted: 'again',
        })
        await store.upsertAccounts([{ id: 'acme', properties: TRICKY_PROPERTIES, at: T0 }])
        expectTrickyRoundTrip((await store.getAccount('acme'))!.properties as Record<string, unknown>)
      })

      it('keeps concurrent merges into one contact', async () => {
        const other = await open()
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? store : other).upsertContacts([
              { id: 'shared', properties: { [`k${i}`]: i }, at: T0 + i },
            ]),
          ),
        )
        const shared = await store.getContact('shared')
        expect(Object.keys(shared!.properties).sort()).toEqual(
          Array.from({ length: 20 }, (_, i) => `k${i}`).sort(),
        )
        expect(shared!.createdAt).toBeLessThanOrEqual(shared!.updatedAt)
      })

      it('merges an anonymous id into the first contact only', async () => {
        await contacts('alice', 'bob')
        const first = await store.linkAliases([
          { anonymousId: 'a1', contactId: 'alice', at: T0 },
          { anonymousId: 'a2', contactId: 'alice', at: T0 },
          { anonymousId: 'a1', contactId: 'bob', at: T0 },
        ])
        expect(first).toEqual([
          { anonymousId: 'a1', contactId: 'alice', created: true },
          { anonymousId: 'a2', contactId: 'alice', created: true },
          { anonymousId: 'a1', contactId: 'alice', created: false },
        ])
        expect(await store.linkAliases([{ anonymousId: 'a2', contactId: 'bob', at: T0 }])).toEqual([
          { anonymousId: 'a2', contactId: 'alice', created: false },
        ])
        expect(await store.aliasesOf('alice')).toEqual(['a1', 'a2'])
        expect(await store.aliasesOf('bob')).toEqual([])
        expect(await store.contactOfAlias('a2')).toBe('alice')
        expect(await store.contactOfAlias('a9')).toBeUndefined()
        await expect(
          store.linkAliases([{ anonymousId: 'a3', contactId: 'ghost', at: T0 }]),
        ).rejects.toMatchObject({
          constraint: 'foreign key',
        })
      })

      it('keeps traits of anonymous visitors, merged, until they are taken', async () => {
        await store.putAnonymousTraits([
          { anonymousId: 'a1', traits: { email: 'x@y.co', plan: 'free' }, at: T0 },
          {
            anonymousId: 'a1',
            traits: { plan: 'pro', __proto__: 'data' } as Record<string, unknown>,
            at: T0 + 1,
          },
          { anonymousId: 'a2', traits: { first_name: 'Ann' }, at: T0 },
        ])
        await store.putAnonymousTraits([{ anonymousId: 'a2', traits: { last_name: 'Lee' }, at: T0 + 2 }])
        const taken = await store.takeAnonymousTraits(['a2', 'a1', 'a9'])
        expect(taken.sort((a, b) => (a.anonymousId < b.anonymousId ? -1 : 1))).toEqual([
          { anonymousId: 'a1', traits: { email: 'x@y.co', plan: 'pro' } },
          { anonymousId: 'a2', traits: { first_name: 'Ann', last_name: 'Lee' } },
        ])
        expect(await store.takeAnonymousTraits(['a1', 'a2'])).toEqual([])
        await expect(store.putAnonymousTraits([{ anonymousId: '', traits: {}, at: T0 }])).rejects.toThrow(
          StoreInputError,
        )
      })

      it('stores accounts and lists their contacts', async () => {
        const [acme] = await store.upsertAccounts([{ id: 'acme', properties: { industry: 'saas' }, at: T0 }])
        expect(acme).toEqual({ id: 'acme', properties: { industry: 'saas' }, createdAt: T0, updatedAt: T0 })
        const [again] = await store.upsertAccounts([
          { id: 'acme', properties: { employees: 250 }, at: T0 + 1 },
        ])
        expect(again).toEqual({
          id: 'acme',
          properties: { industry: 'saas', employees: 250 },
          createdAt: T0,
          updatedAt: T0 + 1,
        })
        await contacts({ id: 'c2', accountId: 'acme', at: T0 }, { id: 'c1', accountId: 'acme', at: T0 }, 'c3')
        expect((await store.accountContacts('acme')).map((c) => c.id)).toEqual(['c1', 'c2'])
        expect(await store.getAccount('nope')).toBeUndefined()
      })
    })

    describe('scores', () => {
      it('writes, replaces and reads scores, state and segments', async () => {
        await publishModel()
        await contacts('c1')
        const state = { v: 1, horizon: '-Infinity', list: [1, 2], nested: TRICKY_PROPERTIES }
        const first = score('c1', 72.5, {
          grade: 'A',
          level: '2',
          label: 'A2',
          band: 'hot',
          stage: 'mql',
          journey: 'consideration',
          segments: ['enterprise', 'trial'],
          likelihood: 0.3,
          lastActivityAt: T0 - 5,
          nextChangeAt: T0 + 86_400_000,
          state,
        })
        await store.applyScores({ scores: [first] })
        const { state: _, ...record } = first
        expect(await store.contactScores('c1')).toEqual([record])
        const stored = (await store.scoreState('c1', MODEL)) as typeof state
        expect(stored.horizon).toBe('-Infinity')
        expectTrickyRoundTrip(stored.nested as Record<string, unknown>)

        // absent state keeps the stored one; new values replace the row
        await store.applyScores({
          scores: [score('c1', 10, { segments: ['trial'], fit: 1.25, engagement: 8.75 })],
        })
        expect(await store.contactScores('c1')).toEqual([
          score('c1', 10, { segments: ['trial'], fit: 1.25, engagement: 8.75 }),
        ])
        expect(await store.scoreState('c1', MODEL)).toEqual(state)
        expect(await store.countContacts({ model: MODEL, by: 'segment' })).toEqual([
          { value: 'trial', count: 1 },
        ])
        await store.applyScores({ scores: [score('c1', 10, { state: null })] })
        expect(await store.scoreState('c1', MODEL)).toBeUndefined()
        expect(await store.countContacts({ model: MODEL, by: 'segment' })).toEqual([])
        expect(await store.contactScores('nobody')).toEqual([])
      })

      it('writes a batch atomically: a row that breaks a rule midway stores nothing', async () => {
        await publishModel()
        await contacts('c1', 'c2')
        const transition: TransitionWrite = {
          contactId: 'c1',
          modelId: MODEL,
          modelVersion: 1,
          kind: 'band',
          from: null,
          to: 'hot',
          at: T0,
          cause: { type: 'event', eventId: 'e1' },
        }
        const failing = store.applyScores({
          scores: [score('c1', 50), score('ghost', 60), score('c2', 70)],
          transitions: [transition],
          history: [
            {
              contactId: 'c1',
              modelId: MODEL,
              modelVersion: 1,
              at: T0,
              fit: 1,
              engagement: 2,
              total: 3,
              cause: { type: 'time' },
            },
          ],
        })
        await expect(failing).rejects.toThrow(StoreConstraintError)
        await expect(failing).rejects.toMatchObject({ constraint: 'foreign key' })
        await expect(
          store.applyScores({ scores: [score('c1', 50, { modelVersion: 7 })] }),
        ).rejects.toMatchObject({
          constraint: 'foreign key',
        })
        expect(await store.contactScores('c1')).toEqual([])
        expect(await store.contactScores('c2')).toEqual([])
        expect(await store.listTransitions({})).toEqual([])
        expect(await store.scoreHistory({ contactId: 'c1', modelId: MODEL })).toEqual([])
        // invalid input is refused before anything is written
        await expect(
          store.applyScores({ scores: [score('c1', 1), score('c2', Number.NaN)] }),
        ).rejects.toThrow(/scores\[1\]\./)
        await expect(
          store.applyScores({ transitions: [{ ...transition, kind: 'nope' as 'band' }] }),
        ).rejects.toThrow(/transitions\[0\]\.kind/)
        expect(await store.contactScores('c1')).toEqual([])
      })

      it('stores transitions and score history in order, with their causes', async () => {
        await publishModel()
        await contacts('c1', 'c2')
        await store.upsertAccounts([{ id: 'acme', at: T0 }])
        const base = { modelId: MODEL, modelVersion: 1 }
        await store.applyScores({
          transitions: [
            {
              ...base,
              contactId: 'c1',
              kind: 'band',
              from: null,
              to: 'warm',
              at: T0 + 2,
              cause: { type: 'event', eventId: 'e1' },
            },
            {
              ...base,
              contactId: 'c1',
              kind: 'segment.enter',
              from: null,
              to: 'trial',
              at: T0 + 1,
              cause: { type: 'time' },
            },
            {
              ...base,
              contactId: 'c2',
              kind: 'stage',
              from: 'lead',
              to: 'mql',
              at: T0 + 3,
              cause: { type: 'api', keyId: 'k' },
            },
            {
              ...base,
              accountId: 'acme',
              kind: 'account.band',
              from: 'cold',
              to: 'hot',
              at: T0 + 4,
              cause: { type: 'publish', modelId: MODEL, version: 1 },
            },
          ],
          history: [
            {
              ...base,
              contactId: 'c1',
              at: T0 + 2,
              fit: 10,
              engagement: 20.5,
              total: 30.5,
              cause: { type: 'event', eventId: 'e1' },
            },
            {
              ...base,
              contactId: 'c1',
              at: T0 + 1,
              fit: 10,
              engagement: 0,
              total: 10,
              cause: { type: 'time' },
            },
          ],
        })
        const all = await store.listTransitions({})
        expect(all.map((t) => t.kind)).toEqual(['band', 'segment.enter', 'stage', 'account.band'])
        expect(all[0]).toEqual({
          ...base,
          seq: all[0]!.seq,
          contactId: 'c1',
          accountId: null,
          kind: 'band',
          from: null,
          to: 'warm',
          at: T0 + 2,
          cause: { type: 'event', eventId: 'e1' },
        })
        expect(all.map((t) => t.seq)).toEqual([...all.map((t) => t.seq)].sort((a, b) => a - b))
        expect((await store.listTransitions({ contactId: 'c1' })).map((t) => t.to)).toEqual(['warm', 'trial'])
        expect((await store.listTransitions({ accountId: 'acme' }))[0]!.cause).toEqual({
          type: 'publish',
          modelId: MODEL,
          version: 1,
        })
        expect(
          (await store.listTransitions({ kinds: ['stage', 'band'], from: T0 + 3 })).map((t) => t.contactId),
        ).toEqual(['c2'])
        expect((await store.listTransitions({ afterSeq: all[1]!.seq, limit: 1 })).map((t) => t.kind)).toEqual(
          ['stage'],
        )
        const history = await store.scoreHistory({ contactId: 'c1', modelId: MODEL })
        expect(history.map((p) => [p.at, p.total])).toEqual([
          [T0 + 1, 10],
          [T0 + 2, 30.5],
        ])
        expect(await store.scoreHistory({ contactId: 'c1', modelId: MODEL, from: T0 + 2 })).toHaveLength(1)
        await expect(
          store.applyScores({
            transitions: [{ ...base, kind: 'band', from: null, to: 'x', at: T0, cause: { type: 'time' } }],
          }),
        ).rejects.toThrow(/exactly one of contactId and accountId/)
      })

      it('stores account scores with their committee', async () => {
        await publishModel()
        await store.upsertAccounts([{ id: 'acme', at: T0 }])
        const committee = [
          { id: 'champion', label: 'Champion', points: 10, members: ['c1'], engaged: ['c1'], covered: true },
          { id: 'buyer', label: undefined, points: 5, members: [], engaged: [], covered: false },
        ]
        const write = {
          accountId: 'acme',
          modelId: MODEL,
          modelVersion: 1,
          fit: 12,
          engagement: 30.25,
          total: 42.25,
          band: 'hot',
          contacts: 3,
          committee,
          scoredAt: T0,
        }
        await store.applyScores({ accountScores: [write] })
        await store.applyScores({ accountScores: [{ ...write, total: 43 }] })
        expect(await store.accountScores('acme')).toEqual([
          { ...write, total: 43, committee: JSON.parse(JSON.stringify(committee)) },
        ])
        await expect(
          store.applyScores({ accountScores: [{ ...write, accountId: 'ghost' }] }),
        ).rejects.toMatchObject({ constraint: 'foreign key' })
      })

      it('lists contacts by score in keyset pages, each contact once', async () => {
        await publishModel()
        const n = 57
        await contacts(...Array.from({ length: n }, (_, i) => `c${pad(i)}`))
        // many ties: totals repeat every 10 contacts
        await store.applyScores({
          scores: Array.from({ length: n }, (_, i) =>
            score(`c${pad(i)}`, i % 10, {
              fit: (i * 7) % 13,
              engagement: i / 3,
              likelihood: i % 4 === 0 ? null : i,
              lastActivityAt: i % 5 === 0 ? null : T0 + i,
            }),
          ),
        })
        const desc = (await store.listContacts({ model: MODEL, limit: 1000 })).items.map((r) => r.contact.id)
        const expected = Array.from({ length: n }, (_, i) => i)
          .sort((a, b) => (b % 10) - (a % 10) || b - a)
          .map((i) => `c${pad(i)}`)
        expect(desc).toEqual(expected)
        for (const limit of [1, 7, 10, 56, 57]) {
          expect(await allPages(store, { model: MODEL, limit })).toEqual(expected)
        }
        expect(await allPages(store, { model: MODEL, direction: 'asc', limit: 6 })).toEqual(
          [...expected].reverse(),
        )
        for (const sort of ['fit', 'engagement', 'likelihood', 'last_activity', 'id'] as const) {
          for (const direction of ['asc', 'desc'] as const) {
            const oneGo = (await store.listContacts({ model: MODEL, sort, direction, limit: 1000 })).items
            const paged = await allPages(store, { model: MODEL, sort, direction, limit: 4 })
            expect(paged, `${sort} ${direction}`).toEqual(oneGo.map((r) => r.contact.id))
            expect(new Set(paged).size).toBe(n)
          }
        }
        // unknowns sort lowest
        const byLikelihood = (await store.listContacts({ model: MODEL, sort: 'likelihood', limit: 1000 }))
          .items
        expect(byLikelihood.slice(-14).every((r) => r.score.likelihood === null)).toBe(true)
        expect(byLikelihood[0]!.score.likelihood).toBe(55)
        const byActivity = (
          await store.listContacts({ model: MODEL, sort: 'last_activity', direction: 'asc' })
        ).items
        expect(byActivity[0]!.score.lastActivityAt).toBeNull()
        const page = await store.listContacts({ model: MODEL, limit: 2 })
        expect(page.items[0]).toMatchObject({ contact: { id: 'c0049' }, score: { total: 9, modelId: MODEL } })
        await expect(
          store.listContacts({ model: MODEL, sort: 'fit', cursor: page.nextCursor }),
        ).rejects.toThrow(/cursor/)
        await expect(store.listContacts({ model: MODEL, cursor: 'garbage' })).rejects.toThrow(StoreInputError)
        expect(await store.listContacts({ model: 'other' })).toEqual({ items: [], nextCursor: null })
      })

      it('neither skips nor repeats a contact while contacts are added during paging', async () => {
        await publishModel()
        const n = 120
        await contacts(...Array.from({ length: n }, (_, i) => `c${pad(i)}`))
        await store.applyScores({
          scores: Array.from({ length: n }, (_, i) => score(`c${pad(i)}`, (i * 37) % 100)),
        })
        const other = await open()
        let adding = true
        const adder = (async () => {
          for (let k = 0; adding && k < 200; k++) {
            const id = `new-${pad(k)}`
            await other.upsertContacts([{ id, at: T0 }])
            await other.applyScores({ scores: [score(id, (k * 53) % 100)] })
          }
        })()
        const seen: string[] = []
        let cursor: string | null = null
        do {
          const page = await store.listContacts({ model: MODEL, limit: 9, cursor })
          seen.push(...page.items.map((r) => r.contact.id))
          cursor = page.nextCursor
          await new Promise((resolve) => setTimeout(resolve, 1))
        } while (cursor !== null)
        adding = false
        await adder
        expect(new Set(seen).size).toBe(seen.length)
        const original = seen.filter((id) => id.startsWith('c'))
        expect(original.sort()).toEqual(Array.from({ length: n }, (_, i) => `c${pad(i)}`))
      })

      it('filters the queue and counts per dimension', async () => {
        await publishModel()
        await contacts(
          {
            id: 'ada',
            properties: { name: 'Ada Lovelace', email: 'ada@analytical.io', company: 'Engines Ltd' },
            owner: 'rep-1',
            stage: 'mql',
            accountId: 'acme',
            at: T0,
          },
          {
            id: 'bob',
            properties: { first_name: 'Bob', email: 'bob@example.com', company: { name: '100% Pure' } },
            owner: 'rep-2',
            stage: 'lead',
            at: T0,
          },
          {
            id: 'cyd',
            properties: { name: 'Cyd Charisse', email: 'cyd@example.com' },
            owner: 'rep-1',
            stage: 'lead',
            accountId: 'acme',
            at: T0,
          },
          { id: 'dee', properties: { name: 'ZOË Ünger' }, at: T0 },
        )
        await store.applyScores({
          scores: [
            score('ada', 90, {
              band: 'hot',
              grade: 'A',
              label: 'A1',
              journey: 'decision',
              level: '1',
              segments: ['enterprise', 'trial'],
            }),
            score('bob', 50, {
              band: 'warm',
              grade: 'B',
              label: 'B2',
              journey: 'awareness',
              level: '2',
              segments: ['trial'],
            }),
            score('cyd', 70, {
              band: 'hot',
              grade: 'B',
              label: 'B1',
              journey: 'decision',
              level: '1',
              segments: ['enterprise'],
            }),
            score('dee', 10, { band: 'cold', grade: 'D', label: 'D4', level: '4' }),
          ],
        })
        const ids = async (filters: ContactQuery['filters']) =>
          (await store.listContacts({ model: MODEL, filters })).items.map((r) => r.contact.id)
        expect(await ids({ band: 'hot' })).toEqual(['ada', 'cyd'])
        expect(await ids({ band: ['warm', 'cold'] })).toEqual(['bob', 'dee'])
        expect(await ids({ band: [] })).toEqual([])
        expect(await ids({ grade: 'B' })).toEqual(['cyd', 'bob'])
        expect(await ids({ label: 'D4' })).toEqual(['dee'])
        expect(await ids({ level: '1', journey: 'decision' })).toEqual(['ada', 'cyd'])
        expect(await ids({ segment: 'trial' })).toEqual(['ada', 'bob'])
        expect(await ids({ segment: ['trial', 'enterprise'] })).toEqual(['ada'])
        expect(await ids({ stage: 'lead' })).toEqual(['cyd', 'bob'])
        expect(await ids({ owner: 'rep-1', band: 'hot' })).toEqual(['ada', 'cyd'])
        expect(await ids({ account: 'acme', stage: 'mql' })).toEqual(['ada'])
        expect(await ids({ text: 'EXAMPLE.com' })).toEqual(['cyd', 'bob'])
        expect(await ids({ text: 'engines' })).toEqual(['ada'])
        expect(await ids({ text: '100%' })).toEqual(['bob'])
        expect(await ids({ text: '%' })).toEqual(['bob'])
        expect(await ids({ text: '_' })).toEqual([])
        expect(await ids({ text: 'zoë ü' })).toEqual(['dee'])
        expect(await ids({ text: 'ad' })).toEqual(['ada'])
        expect(await ids({ text: '  ' })).toEqual(['ada', 'cyd', 'bob', 'dee'])
        expect(
          (await store.listContacts({ model: MODEL, filters: { band: 'hot' }, limit: 1 })).nextCursor,
        ).not.toBeNull()
        expect(await allPages(store, { model: MODEL, filters: { segment: 'enterprise' }, limit: 1 })).toEqual(
          ['ada', 'cyd'],
        )

        expect(await store.countContacts({ model: MODEL, by: 'band' })).toEqual([
          { value: 'hot', count: 2 },
          { value: 'cold', count: 1 },
          { value: 'warm', count: 1 },
        ])
        expect(await store.countContacts({ model: MODEL, by: 'segment' })).toEqual([
          { value: 'enterprise', count: 2 },
          { value: 'trial', count: 2 },
        ])
        expect(await store.countContacts({ model: MODEL, by: 'stage' })).toEqual([
          { value: 'lead', count: 2 },
          { value: 'mql', count: 1 },
          { value: null, count: 1 },
        ])
        expect(await store.countContacts({ model: MODEL, by: 'grade', filters: { owner: 'rep-1' } })).toEqual(
          [
            { value: 'A', count: 1 },
            { value: 'B', count: 1 },
          ],
        )
        expect(
          await store.countContacts({ model: MODEL, by: 'owner', filters: { segment: 'trial' } }),
        ).toEqual([
          { value: 'rep-1', count: 1 },
          { value: 'rep-2', count: 1 },
        ])
        await expect(store.countContacts({ model: MODEL, by: 'nope' as 'band' })).rejects.toThrow(
          StoreInputError,
        )
      })

      it('lists due contacts by next change, optionally in some partitions', async () => {
        await publishModel()
        const ids = Array.from({ length: 30 }, (_, i) => `d${pad(i)}`)
        await contacts(...ids)
        await store.applyScores({
          scores: ids.map((id, i) =>
            score(id, 1, { nextChangeAt: i % 3 === 0 ? null : T0 + (i % 5) * 1000 }),
          ),
        })
        const due = await store.dueContacts({ model: MODEL, now: T0 + 2000, limit: 100 })
        const expected = ids
          .map((id, i) => ({ id, at: i % 3 === 0 ? null : T0 + (i % 5) * 1000 }))
          .filter((x): x is { id: string; at: number } => x.at !== null && x.at <= T0 + 2000)
          .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
        expect(due.map((d) => d.contactId)).toEqual(expected.map((x) => x.id))
        expect(due[0]).toEqual({
          contactId: expected[0]!.id,
          nextChangeAt: expected[0]!.at,
          partition: partitionOf(expected[0]!.id, store.partitionCount),
        })
        expect(await store.dueContacts({ model: MODEL, now: T0 + 2000, limit: 3 })).toEqual(due.slice(0, 3))
        const some = [...new Set(due.map((d) => d.partition))].slice(0, 2)
        expect(
          await store.dueContacts({ model: MODEL, now: T0 + 2000, limit: 100, partitions: some }),
        ).toEqual(due.filter((d) => some.includes(d.partition)))
        expect(await store.dueContacts({ model: MODEL, now: T0 + 2000, limit: 100, partitions: [] })).toEqual(
          [],
        )
        // rescored with a later next change: no longer due
        await store.applyScores({
          scores: due.map((d) => score(d.contactId, 2, { nextChangeAt: T0 + 10_000 })),
        })
        expect(await store.dueContacts({ model: MODEL, now: T0 + 2000, limit: 100 })).toEqual([])
      })
    })

    describe('rescoring reads', () => {
      it('lists contacts without a score from a model version, in keyset pages', async () => {
        await publishModel()
        const v2 = await store.createModelVersion({ id: MODEL, source: 'v2', createdAt: T0 })
        await contacts('a', 'b', 'c', 'd')
        await store.applyScores({ scores: [score('b', 5), score('c', 5)] })
        expect(await store.staleContacts({ model: MODEL, version: 1, limit: 10 })).toEqual(['a', 'd'])
        expect(await store.staleContacts({ model: MODEL, version: v2.version, limit: 3 })).toEqual([
          'a',
          'b',
          'c',
        ])
        expect(
          await store.staleContacts({ model: MODEL, version: v2.version, after: 'c', limit: 3 }),
        ).toEqual(['d'])
        expect(await store.staleContacts({ model: 'other', version: 1, after: 'a', limit: 2 })).toEqual([
          'b',
          'c',
        ])
        await expect(store.staleContacts({ model: MODEL, version: 0, limit: 1 })).rejects.toThrow(
          StoreInputError,
        )
      })

      it('reads the events of several contacts at once, as contactEvents reads each', async () => {
        await contacts('alice', 'bob', 'carol')
        await store.insertEvents([
          event('e3', 'alice', T0 + 3000),
          event('e1', 'alice', T0 + 1000),
          event('anon1', null, T0 + 1500, { anonymousId: 'a-1' }),
          event('anon-late', null, T0 + 500, { anonymousId: 'a-1' }),
          event('both', 'bob', T0 + 100, { anonymousId: 'a-1' }),
          event('anon-bob', null, T0 + 200, { anonymousId: 'a-2' }),
          event('unmerged', null, T0, { anonymousId: 'a-3' }),
        ])
        await store.linkAliases([
          { anonymousId: 'a-1', contactId: 'alice', at: T0 },
          { anonymousId: 'a-2', contactId: 'bob', at: T0 },
        ])
        const lists = await store.eventsOfContacts(['bob', 'carol', 'alice', 'bob', 'nobody'])
        expect(lists.map((l) => l.contactId)).toEqual(['bob', 'carol', 'alice', 'nobody'])
        for (const list of lists) expect(list.events).toEqual(await store.contactEvents(list.contactId))
        expect(lists[2]!.events.map((e) => e.id)).toEqual(['anon-late', 'e1', 'anon1', 'e3'])
        expect(await store.eventsOfContacts([])).toEqual([])
      })

      it('reads every contact and its events in pages of ids, as contactEvents reads each', async () => {
        await contacts('alice', 'bob', 'carol', 'dave', 'erin')
        await store.insertEvents([
          event('e3', 'alice', T0 + 3000, { name: 'Pricing "viewed" é', properties: TRICKY_PROPERTIES }),
          event('e1', 'alice', T0 + 1000),
          event('anon1', null, T0 + 1500, { anonymousId: 'a-1' }),
          event('both', 'bob', T0 + 100, { anonymousId: 'a-1' }),
          event('anon-bob', null, T0 + 200, { anonymousId: 'a-2' }),
          event('unmerged', null, T0, { anonymousId: 'a-3' }),
          event('d1', 'dave', T0 + 50),
          event('e-erin', 'erin', T0 + 60),
        ])
        await store.linkAliases([
          { anonymousId: 'a-1', contactId: 'alice', at: T0 },
          { anonymousId: 'a-2', contactId: 'bob', at: T0 },
        ])
        await store.mergeContacts({ from: 'erin', into: 'dave', at: T0 })
        // pages of two: a merged contact is left out, its events read as the remaining one's
        const pages: string[][] = []
        const lists: { contactId: string; ids: string[] }[] = []
        let after: string | null = null
        for (;;) {
          const page = await store.contactsAfter({ after, limit: 2 })
          if (page.length === 0) break
          pages.push(page.map((c) => c.id))
          for (const list of await store.eventsOfContactRange({ after, upTo: page.at(-1)!.id })) {
            expect(list.events).toEqual(await store.contactEvents(list.contactId))
            const tricky = list.events.find((e) => e.id === 'e3')
            if (tricky !== undefined) expectTrickyRoundTrip(tricky.properties)
            lists.push({ contactId: list.contactId, ids: list.events.map((e) => e.id) })
          }
          after = page.at(-1)!.id
        }
        expect(pages).toEqual([
          ['alice', 'bob'],
          ['carol', 'dave'],
        ])
        expect((await store.contactsAfter({ limit: 1 }))[0]).toEqual(await store.getContact('alice'))
        // contacts without events are left out
        expect(lists).toEqual([
          { contactId: 'alice', ids: ['e1', 'anon1', 'e3'] },
          { contactId: 'bob', ids: ['both', 'anon-bob'] },
          { contactId: 'dave', ids: ['d1', 'e-erin'] },
        ])
        expect(await store.eventsOfContactRange({ after: 'bob', upTo: 'carol' })).toEqual([])
        await expect(store.contactsAfter({ limit: 0 })).rejects.toThrow(StoreInputError)
      })

      it('reads scores with their state in bulk, in the order asked', async () => {
        await publishModel()
        await contacts('a', 'b', 'c')
        const state = { v: 1, nested: TRICKY_PROPERTIES }
        await store.applyScores({
          scores: [score('a', 1, { state }), score('b', 2, { segments: ['x', 'y'] })],
        })
        const read = await store.scoresWithState(MODEL, ['c', 'b', 'a', 'b'])
        expect(read.map((r) => r.score.contactId)).toEqual(['b', 'a', 'b'])
        expect(read[0]).toEqual({ score: score('b', 2, { segments: ['x', 'y'] }), state: null })
        expectTrickyRoundTrip((read[1]!.state as typeof state).nested as Record<string, unknown>)
        expect(await store.scoresWithState('other', ['a'])).toEqual([])
        expect(await store.scoresWithState(MODEL, [])).toEqual([])
        // the same scores without their state
        expect(await store.scoresOf(MODEL, ['c', 'b', 'a', 'b'])).toEqual(read.map((r) => r.score))
        expect(await store.scoresOf('other', ['a'])).toEqual([])
      })

      it('lists an account’s members with their scores, and accounts by total in pages', async () => {
        await publishModel()
        await store.upsertAccounts([
          { id: 'acme', properties: { name: 'Acme' }, at: T0 },
          { id: 'beta', at: T0 },
          { id: 'gamma', at: T0 },
        ])
        await contacts(
          { id: 'a', accountId: 'acme', at: T0 },
          { id: 'b', accountId: 'acme', at: T0 },
          { id: 'c', accountId: 'beta', at: T0 },
        )
        await store.applyScores({ scores: [score('b', 30)] })
        const members = await store.accountMembers('acme', MODEL)
        expect(members.map((m) => [m.contact.id, m.score?.total ?? null])).toEqual([
          ['a', null],
          ['b', 30],
        ])
        expect(members[1]!.score).toEqual(score('b', 30))
        expect(await store.accountMembers('nobody', MODEL)).toEqual([])

        const write = (accountId: string, total: number) => ({
          accountId,
          modelId: MODEL,
          modelVersion: 1,
          fit: 0,
          engagement: total,
          total,
          band: null,
          contacts: 1,
          committee: [],
          scoredAt: T0,
        })
        await store.applyScores({
          accountScores: [write('acme', 40), write('beta', 40), write('gamma', 70)],
        })
        const first = await store.listAccounts({ model: MODEL, limit: 2 })
        expect(first.items.map((i) => i.account.id)).toEqual(['gamma', 'beta'])
        expect(first.items[0]!.score).toEqual(write('gamma', 70))
        const second = await store.listAccounts({ model: MODEL, limit: 2, cursor: first.nextCursor })
        expect(second.items.map((i) => [i.account.id, i.account.properties])).toEqual([
          ['acme', { name: 'Acme' }],
        ])
        expect(second.nextCursor).toBeNull()
        expect((await store.listAccounts({ model: 'other' })).items).toEqual([])
        await expect(store.listAccounts({ model: MODEL, cursor: 'nonsense' })).rejects.toThrow(
          /not a cursor returned by listAccounts/,
        )
      })

      it('reads many accounts for a rollup: each with its scores and members, as one at a time', async () => {
        await publishModel()
        await store.upsertAccounts([
          { id: 'acme', properties: { name: 'Acme' }, at: T0 },
          { id: 'beta', at: T0 },
          { id: 'empty', at: T0 },
        ])
        await contacts(
          { id: 'b', accountId: 'acme', at: T0 },
          { id: 'a', accountId: 'acme', at: T0 },
          { id: 'c', accountId: 'beta', at: T0 },
          { id: 'd', at: T0 },
        )
        await store.applyScores({
          scores: [score('a', 30), score('c', 5), score('d', 9)],
          accountScores: [
            {
              accountId: 'beta',
              modelId: MODEL,
              modelVersion: 1,
              fit: 1,
              engagement: 2,
              total: 3,
              band: 'cold',
              contacts: 1,
              committee: [],
              scoredAt: T0,
            },
          ],
        })
        const read = await store.transaction((tx) =>
          tx.accountRollups(['nobody', 'empty', 'beta', 'acme', 'beta'], MODEL),
        )
        // by id, unknown accounts left out, each as the one-account reads give it
        expect(read.map((r) => r.account.id)).toEqual(['acme', 'beta', 'empty'])
        for (const rollup of read) {
          expect(rollup.account).toEqual(await store.getAccount(rollup.account.id))
          expect(rollup.scores).toEqual(await store.accountScores(rollup.account.id))
          expect(rollup.members).toEqual(await store.accountMembers(rollup.account.id, MODEL))
        }
        expect(read[0]!.members.map((m) => [m.contact.id, m.score?.total ?? null])).toEqual([
          ['a', 30],
          ['b', null],
        ])
        expect(read[1]!.scores.map((s) => s.band)).toEqual(['cold'])
        expect(read[2]).toMatchObject({ scores: [], members: [] })
        // another model's scores are not members' scores
        expect((await store.accountRollups(['acme'], 'other'))[0]!.members.map((m) => m.score)).toEqual([
          null,
          null,
        ])
        expect(await store.accountRollups([], MODEL)).toEqual([])
      })
    })

    describe('merging contacts', () => {
      it('moves events, anonymous ids and missing properties, and leaves a pointer', async () => {
        await publishModel()
        await contacts(
          {
            id: 'old',
            properties: { email: 'a@x.example', phone: '1' },
            accountId: 'acme',
            owner: 'ann',
            at: T0,
          },
          { id: 'new', properties: { email: 'b@x.example' }, at: T0 + 1 },
          { id: 'older', at: T0 },
        )
        await store.linkAliases([{ anonymousId: 'anon-1', contactId: 'old', at: T0 }])
        await store.insertEvents([
          event('e1', 'old', T0 + 1),
          event('e2', 'new', T0 + 2),
          event('e3', null, T0 + 3, { anonymousId: 'anon-1' }),
        ])
        await store.applyScores({ scores: [score('old', 10), score('new', 5)] })
        await store.enqueueRescores([
          {
            contactId: 'old',
            eventIds: ['e1'],
            rebuild: false,
            cause: { type: 'api' },
            accounts: [],
            at: T0,
          },
        ])
        // a chain: `older` went into `old` before
        const chained = await store.mergeContacts({ from: 'older', into: 'old', at: T0 + 4 })
        expect(chained.movedEvents).toBe(0)

        const result = await store.mergeContacts({ from: 'old', into: 'new', stage: 'mql', at: T0 + 5 })
        expect(result.movedEvents).toBe(1)
        expect(result.from).toMatchObject({ id: 'old', accountId: 'acme', owner: 'ann' })
        expect(result.into).toMatchObject({
          id: 'new',
          properties: { email: 'b@x.example', phone: '1' },
          accountId: 'acme',
          owner: 'ann',
          stage: 'mql',
        })
        expect((await store.contactEvents('new')).map((e) => e.id)).toEqual(['e1', 'e2', 'e3'])
        expect(await store.contactEvents('old')).toEqual([])
        expect(await store.aliasesOf('new')).toEqual(['anon-1'])
        expect(await store.contactOfAlias('anon-1')).toBe('new')
        expect(await store.mergedInto(['old', 'older', 'new', 'nobody'])).toEqual(
          new Map([
            ['old', 'new'],
            ['older', 'new'],
          ]),
        )
        // `old` has no scores, no pending rescores, no account and is not stale for a publish
        expect(await store.contactScores('old')).toEqual([])
        expect(await store.pendingRescores({ limit: 10 })).toEqual([])
        expect((await store.accountContacts('acme')).map((c) => c.id)).toEqual(['new'])
        expect(await store.staleContacts({ model: MODEL, version: 1, limit: 10 })).toEqual([])
        expect((await store.listContacts({ model: MODEL })).items.map((i) => i.contact.id)).toEqual(['new'])
      })

      it('refuses unknown contacts, a contact merged already, and a contact into itself, changing nothing', async () => {
        await contacts('a', 'b', 'c')
        await store.mergeContacts({ from: 'a', into: 'b', at: T0 })
        await expect(store.mergeContacts({ from: 'a', into: 'c', at: T0 })).rejects.toThrow(
          /from: .*"a" was merged into "b" already/,
        )
        await expect(store.mergeContacts({ from: 'c', into: 'a', at: T0 })).rejects.toThrow(
          /into: .*"a" was merged into "b" already/,
        )
        await expect(store.mergeContacts({ from: 'x', into: 'b', at: T0 })).rejects.toThrow(
          StoreNotFoundError,
        )
        await expect(store.mergeContacts({ from: 'b', into: 'b', at: T0 })).rejects.toThrow(StoreInputError)
        expect(await store.mergedInto(['a', 'b', 'c'])).toEqual(new Map([['a', 'b']]))
      })
    })

    describe('accounts with members', () => {
      it('lists the accounts that have members, by id, in keyset pages', async () => {
        await store.upsertAccounts([
          { id: 'a1', at: T0 },
          { id: 'a2', at: T0 },
          { id: 'a3', at: T0 },
          { id: 'empty', at: T0 },
        ])
        await contacts(
          { id: 'c1', accountId: 'a1', at: T0 },
          { id: 'c2', accountId: 'a3', at: T0 },
          { id: 'c3', accountId: 'a3', at: T0 },
          { id: 'c4', accountId: 'a2', at: T0 },
        )
        await store.upsertContacts([{ id: 'c4', accountId: null, at: T0 + 1 }])
        expect(await store.accountsWithMembers({ limit: 10 })).toEqual(['a1', 'a3'])
        expect(await store.accountsWithMembers({ after: 'a1', limit: 10 })).toEqual(['a3'])
        expect(await store.accountsWithMembers({ limit: 1 })).toEqual(['a1'])
      })
    })

    describe('rescores owed', () => {
      const owed = (contactId: string, at: number, extra: Partial<PendingRescoreWrite> = {}) => ({
        contactId,
        eventIds: [],
        rebuild: false,
        cause: { type: 'api' } as const,
        accounts: [],
        at,
        ...extra,
      })

      it('keeps them in write order until the transaction that rescores the contact takes them', async () => {
        await store.enqueueRescores([
          owed('b', T0 + 1, { eventIds: ['e1', 'e2'], cause: { type: 'event', eventId: 'e2' } }),
          owed('a', T0 + 2, { rebuild: true, accounts: ['acme'] }),
          owed('b', T0 + 3, { eventIds: ['e3'], cause: { type: 'event', eventId: 'e3' } }),
          owed('c', T0 + 4),
        ])
        expect(await store.pendingRescores({ limit: 10 })).toEqual([
          { contactId: 'b', partition: partitionOf('b', store.partitionCount), since: T0 + 1 },
          { contactId: 'a', partition: partitionOf('a', store.partitionCount), since: T0 + 2 },
          { contactId: 'c', partition: partitionOf('c', store.partitionCount), since: T0 + 4 },
        ])
        expect(await store.pendingRescores({ limit: 1 })).toHaveLength(1)
        expect(await store.pendingRescoreStats()).toEqual({ rows: 4, oldest: T0 + 1 })

        const taken = await store.transaction((tx) => tx.takeRescores(['b', 'a', 'zz']))
        expect(taken.map(({ seq: _, ...rest }) => rest)).toEqual([
          {
            ...owed('b', T0 + 1, { eventIds: ['e1', 'e2'], cause: { type: 'event', eventId: 'e2' } }),
            partition: partitionOf('b', store.partitionCount),
          },
          {
            ...owed('a', T0 + 2, { rebuild: true, accounts: ['acme'] }),
            partition: partitionOf('a', store.partitionCount),
          },
          {
            ...owed('b', T0 + 3, { eventIds: ['e3'], cause: { type: 'event', eventId: 'e3' } }),
            partition: partitionOf('b', store.partitionCount),
          },
        ])
        expect(taken[0]!.seq).toBeLessThan(taken[1]!.seq)
        expect(await store.takeRescores(['a', 'b'])).toEqual([])
        expect((await store.pendingRescores({ limit: 10 })).map((p) => p.contactId)).toEqual(['c'])
        expect(await store.pendingRescoreStats()).toEqual({ rows: 1, oldest: T0 + 4 })
      })

      it('gives them back when the rescoring transaction fails, and stores none of a bad batch', async () => {
        await store.enqueueRescores([owed('a', T0)])
        await expect(
          store.transaction(async (tx) => {
            expect(await tx.takeRescores(['a'])).toHaveLength(1)
            throw new Error('scoring failed')
          }),
        ).rejects.toThrow('scoring failed')
        expect(await store.pendingRescores({ limit: 10 })).toEqual([
          { contactId: 'a', partition: partitionOf('a', store.partitionCount), since: T0 },
        ])
        await expect(
          store.enqueueRescores([owed('b', T0), owed('c', T0, { cause: { type: 'nonsense' } as never })]),
        ).rejects.toThrow(StoreInputError)
        await expect(store.enqueueRescores([owed('', T0)])).rejects.toThrow(/rescores\[0\]\.contactId/)
        expect((await store.pendingRescoreStats()).rows).toBe(1)
      })

      it('lists only the partitions asked for', async () => {
        const ids = Array.from({ length: 40 }, (_, i) => `c${i}`)
        await store.enqueueRescores(ids.map((id, i) => owed(id, T0 + i)))
        const partition = partitionOf('c7', store.partitionCount)
        const listed = await store.pendingRescores({ partitions: [partition], limit: 100 })
        expect(listed.map((p) => p.contactId)).toEqual(
          ids.filter((id) => partitionOf(id, store.partitionCount) === partition),
        )
        expect(await store.pendingRescores({ partitions: [], limit: 100 })).toEqual([])
      })

      it('reads events by id, in the order asked, leaving out unknown ids', async () => {
        await store.insertEvents([event('e1', 'a', T0), event('e2', null, T0 + 1, { anonymousId: 'anon' })])
        const found = await store.eventsById(['e2', 'nope', 'e1', 'e2'])
        expect(found.map((e) => [e.id, e.contactId, e.anonymousId])).toEqual([
          ['e2', null, 'anon'],
          ['e1', 'a', null],
        ])
      })
    })

    describe('models', () => {
      it('numbers versions per model and publishes one version per model, archiving the previous', async () => {
        const a1 = await store.createModelVersion({ id: 'a', source: 'v1', createdAt: T0 })
        const a2 = await store.createModelVersion({ id: 'a', source: 'v2', createdAt: T0 + 1 })
        const b1 = await store.createModelVersion({ id: 'b', source: 'b', createdAt: T0 + 2 })
        expect([a1.version, a2.version, b1.version]).toEqual([1, 2, 1])
        expect(a1).toEqual({
          id: 'a',
          version: 1,
          status: 'draft',
          primary: false,
          source: 'v1',
          createdAt: T0,
          publishedAt: null,
        })
        expect(await store.getModel('a', 2)).toEqual(a2)
        expect(await store.getModel('a', 3)).toBeUndefined()

        const published = await store.publishModel({ id: 'a', version: 1, at: T0 + 10 })
        expect(published).toMatchObject({ status: 'published', primary: true, publishedAt: T0 + 10 })
        await store.publishModel({ id: 'b', version: 1, at: T0 + 11 })
        expect((await store.publishedModels()).map((m) => [m.id, m.version, m.primary])).toEqual([
          ['a', 1, true],
          ['b', 1, false],
        ])
        // a new version of the primary model stays primary; the old one is archived
        await store.publishModel({ id: 'a', version: 2, at: T0 + 12 })
        expect((await store.listModelVersions('a')).map((m) => [m.version, m.status, m.primary])).toEqual([
          [1, 'archived', false],
          [2, 'published', true],
        ])
        expect(await store.setPrimaryModel('b')).toMatchObject({ id: 'b', primary: true })
        expect((await store.publishedModels()).map((m) => [m.id, m.primary])).toEqual([
          ['b', true],
          ['a', false],
        ])
        await store.publishModel({ id: 'a', version: 1, primary: true, at: T0 + 13 })
        expect((await store.publishedModels()).map((m) => [m.id, m.version, m.primary])).toEqual([
          ['a', 1, true],
          ['b', 1, false],
        ])
        expect(await store.archiveModel('b', 1)).toMatchObject({ status: 'archived', primary: false })
        expect((await store.listModels()).map((m) => [m.id, m.version])).toEqual([
          ['a', 2],
          ['b', 1],
        ])
        await expect(store.publishModel({ id: 'a', version: 9, at: T0 })).rejects.toThrow(StoreNotFoundError)
        await expect(store.setPrimaryModel('b')).rejects.toThrow(StoreNotFoundError)
        await expect(store.archiveModel('zz', 1)).rejects.toThrow(StoreNotFoundError)
      })

      it('gives concurrent drafts distinct versions', async () => {
        const other = await open()
        const drafts = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? store : other).createModelVersion({ id: 'm', source: `s${i}`, createdAt: T0 + i }),
          ),
        )
        expect(drafts.map((d) => d.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        expect((await store.listModelVersions('m')).map((m) => m.version)).toEqual([
          1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
        ])
      })
    })

    describe('keys', () => {
      it('stores hashes, finds, touches and revokes keys', async () => {
        const k = await store.createKey({
          id: 'k1',
          kind: 'write',
          hash: 'sha256:abc',
          label: 'Segment',
          createdAt: T0,
        })
        expect(k).toEqual({
          id: 'k1',
          kind: 'write',
          hash: 'sha256:abc',
          label: 'Segment',
          createdAt: T0,
          lastUsedAt: null,
          revokedAt: null,
        })
        await store.createKey({ id: 'k2', kind: 'admin', hash: 'sha256:def', createdAt: T0 + 1 })
        expect(await store.findKeyByHash('sha256:abc')).toEqual(k)
        expect(await store.findKeyByHash('sha256:zzz')).toBeUndefined()
        await store.touchKey('k1', T0 + 50)
        await store.touchKey('k1', T0 + 20)
        expect((await store.findKeyByHash('sha256:abc'))!.lastUsedAt).toBe(T0 + 50)
        expect((await store.revokeKey('k1', T0 + 60)).revokedAt).toBe(T0 + 60)
        expect((await store.revokeKey('k1', T0 + 70)).revokedAt).toBe(T0 + 60)
        expect((await store.listKeys()).map((key) => [key.id, key.revokedAt])).toEqual([
          ['k1', T0 + 60],
          ['k2', null],
        ])
        await expect(
          store.createKey({ id: 'k3', kind: 'write', hash: 'sha256:def', createdAt: T0 }),
        ).rejects.toMatchObject({
          constraint: 'unique',
        })
        await expect(
          store.createKey({ id: 'k4', kind: 'root' as 'admin', hash: 'x', createdAt: T0 }),
        ).rejects.toThrow(/kind/)
        await expect(store.revokeKey('missing', T0)).rejects.toThrow(StoreNotFoundError)
      })
    })

    describe('leases', () => {
      it('gives every partition to a lone holder and renews them', async () => {
        const before = Date.now()
        const grant = await store.acquireLeases({ holder: 'a', ttlMs: 60_000 })
        expect(grant.partitions).toEqual(Array.from({ length: store.partitionCount }, (_, i) => i))
        expect(grant.partitionCount).toBe(store.partitionCount)
        expect(grant.validUntil).toBeGreaterThanOrEqual(before + 60_000)
        expect(grant.validUntil).toBeLessThanOrEqual(Date.now() + 60_000)
        expect((await store.acquireLeases({ holder: 'a', ttlMs: 60_000 })).partitions).toEqual(
          grant.partitions,
        )
        expect(await store.holdsLeases('a', [0, 5, 63])).toBe(true)
        expect(await store.holdsLeases('b', [0])).toBe(false)
        await store.releaseLeases('a')
        expect(await store.holdsLeases('a', [0])).toBe(false)
      })

      it('shares partitions between two stores, never leasing one partition to both', async () => {
        const other = await open()
        const count = store.partitionCount
        const a = await store.acquireLeases({ holder: 'a', ttlMs: 60_000 })
        const b = await other.acquireLeases({ holder: 'b', ttlMs: 60_000 })
        expect(a.partitions).toHaveLength(count)
        expect(b.partitions).toEqual([])
        // a gives back what is above its share; b takes it
        const a2 = await store.acquireLeases({ holder: 'a', ttlMs: 60_000 })
        const b2 = await other.acquireLeases({ holder: 'b', ttlMs: 60_000 })
        expect(a2.partitions).toHaveLength(count / 2)
        expect(b2.partitions).toHaveLength(count / 2)
        expect([...a2.partitions, ...b2.partitions].sort((x, y) => x - y)).toEqual(
          Array.from({ length: count }, (_, i) => i),
        )
        // concurrent renewals and a third holder: what each holds is always disjoint
        const third = await open()
        const latest = new Map<string, readonly number[]>([
          ['a', a2.partitions],
          ['b', b2.partitions],
        ])
        const holders = [
          ['a', store],
          ['b', other],
          ['c', third],
        ] as const
        for (let round = 0; round < 6; round++) {
          const grants = await Promise.all(
            holders.map(([h, s]) => s.acquireLeases({ holder: h, ttlMs: 60_000 })),
          )
          grants.forEach((g, i) => {
            latest.set(holders[i]![0], g.partitions)
          })
          const all = [...latest.values()].flat()
          expect(new Set(all).size, `round ${round}`).toBe(all.length)
          for (const [h, s] of holders) expect(await s.holdsLeases(h, latest.get(h)!)).toBe(true)
        }
        expect([...latest.values()].map((p) => p.length).sort((x, y) => x - y)).toEqual([20, 22, 22])
      })

      it('lets another holder take over expired leases', async () => {
        const other = await open()
        await store.acquireLeases({ holder: 'a', ttlMs: 300 })
        expect((await other.acquireLeases({ holder: 'b', ttlMs: 300 })).partitions).toEqual([])
        await new Promise((resolve) => setTimeout(resolve, 450))
        expect(await store.holdsLeases('a', [0])).toBe(false)
        const taken = await other.acquireLeases({ holder: 'b', ttlMs: 60_000 })
        expect(taken.partitions).toHaveLength(store.partitionCount)
        // a comes back: it gets a share only as b gives partitions back
        expect((await store.acquireLeases({ holder: 'a', ttlMs: 60_000 })).partitions).toEqual([])
        expect((await other.acquireLeases({ holder: 'b', ttlMs: 60_000 })).partitions).toHaveLength(
          store.partitionCount / 2,
        )
      })

      it('holds leases inside a transaction until it commits', async () => {
        await store.acquireLeases({ holder: 'a', ttlMs: 60_000 })
        const ok = await store.transaction(async (tx) => tx.holdsLeases('a', [1, 2, 3]))
        expect(ok).toBe(true)
        await expect(store.holdsLeases('a', [-1])).rejects.toThrow(StoreInputError)
      })
    })

    describe('opening', () => {
      it('applies migrations once: reopening keeps the data and changes nothing', async () => {
        await contacts({ id: 'c1', properties: { a: 1 }, at: T0 })
        await store.insertEvents([event('e1', 'c1', T0)])
        await store.close()
        const [again, third] = await Promise.all([open(), open()])
        expect(await again!.getContact('c1')).toMatchObject({ properties: { a: 1 } })
        expect(await third!.contactEvents('c1')).toHaveLength(1)
        expect(again!.partitionCount).toBe(store.partitionCount)
        expect((await again!.insertEvents([event('e1', 'c1', T0)])).duplicates).toEqual(['e1'])
        store = again!
      })

      it('refreshes planner statistics on request', async () => {
        await contacts('c1')
        await store.optimize()
        expect(await store.getContact('c1')).toBeDefined()
      })

      it('refuses calls after close', async () => {
        await store.close()
        await expect(store.getContact('c')).rejects.toThrow(/closed/)
        await store.close()
      })
    })
  })
}
