import { afterEach, describe, expect, it } from 'vitest'
import { DAY_MS, evaluateContact } from '../core/index.js'
import type { Store } from '../store/index.js'
import { manualClock } from './clock.js'
import type { Acknowledge } from './commit-ops.js'
import { createEngine, type Engine } from './engine.js'
import { ConflictError, InvalidRequestError, NotFoundError } from './errors.js'
import { MANAGER, VP } from './test-support/leads.js'
import { storeTargets } from './test-support/store-targets.js'

const T0 = Date.parse('2026-11-02T09:00:00.000Z')
const iso = (t: number) => new Date(t).toISOString()

/** `dup` (a VP at acme, hot: an MQL) and `main` (a manager, a few page views) are the same person. */
const HISTORY = [
  {
    type: 'identify',
    userId: 'dup',
    messageId: 'i-dup',
    traits: { ...VP, phone: '+1 555', account_id: 'acme' },
  },
  { type: 'track', userId: 'dup', event: 'Demo Requested', messageId: 'd1', timestamp: iso(T0 - 2 * DAY_MS) },
  {
    type: 'page',
    userId: 'dup',
    messageId: 'd2',
    properties: { path: '/pricing' },
    timestamp: iso(T0 - DAY_MS),
  },
  { type: 'identify', userId: 'main', messageId: 'i-main', traits: { ...MANAGER } },
  {
    type: 'page',
    userId: 'main',
    messageId: 'm1',
    properties: { path: '/blog/x' },
    timestamp: iso(T0 - 3 * DAY_MS),
  },
  {
    type: 'identify',
    userId: 'other',
    messageId: 'i-other',
    traits: { email: 'o@acme.example', account_id: 'acme' },
  },
]

for (const target of storeTargets()) {
  for (const acknowledge of ['scored', 'stored'] as const satisfies readonly Acknowledge[]) {
    describe(`merging known contacts (${target.name}, acknowledged once ${acknowledge})`, () => {
      const open: { engine: Engine; store: Store }[] = []
      afterEach(async () => {
        for (const { engine, store } of open.splice(0)) {
          await engine.close()
          await store.close()
        }
        await target.cleanup()
      })

      async function start() {
        const store = await target.open()
        const engine = await createEngine({ store, clock: manualClock(T0), tickIntervalMs: 0, acknowledge })
        open.push({ engine, store })
        await engine.ingest(HISTORY)
        await engine.settled()
        return { engine, store }
      }

      async function expectScoredFromEverything(engine: Engine, store: Store, id: string) {
        const model = engine.primaryModel().compiled
        const contact = (await store.getContact(id))!
        const account = contact.accountId === null ? undefined : await store.getAccount(contact.accountId)
        const events = await store.contactEvents(id)
        const fresh = evaluateContact(
          model,
          { id, properties: contact.properties, account: account?.properties },
          events,
          T0,
          { currentStage: contact.stage },
        )
        const stored = (await store.scoresOf(model.id, [id]))[0]!
        expect(stored.total).toBeCloseTo(fresh.total, 9)
        expect(stored.band).toBe(fresh.band)
        return { stored, events }
      }

      it('moves events, properties, account and the later stage; rescoring from all events', async () => {
        const { engine, store } = await start()
        expect((await store.getContact('dup'))?.stage).toBe('mql')
        const merged = await engine.mergeContacts('dup', 'main')
        await engine.settled()
        expect(merged).toMatchObject({
          id: 'main',
          accountId: 'acme',
          stage: 'mql',
          properties: { email: MANAGER.email, job_title: MANAGER.job_title, phone: '+1 555' },
        })
        const { events } = await expectScoredFromEverything(engine, store, 'main')
        expect(events.map((e) => e.id).sort()).toEqual(['d1', 'd2', 'm1'])
        // the duplicate is gone from the queue and the account; reading it reads the merged contact
        expect(await store.contactScores('dup')).toEqual([])
        const queue = await store.listContacts({ model: 'b2b-saas' })
        expect(queue.items.map((i) => i.contact.id).sort()).toEqual(['main', 'other'])
        const acme = (await store.accountScores('acme')).find((s) => s.modelId === 'b2b-saas')!
        expect(acme.contacts).toBe(2)
        expect((await engine.contact('dup')).contact.id).toBe('main')
        expect(await store.pendingRescoreStats()).toEqual({ rows: 0, oldest: null })
      })

      it('sends later messages for the merged id to the contact that remains', async () => {
        const { engine, store } = await start()
        await engine.mergeContacts('dup', 'main')
        await engine.ingest([
          {
            type: 'track',
            userId: 'dup',
            event: 'Webinar Attended',
            messageId: 'late-1',
            timestamp: iso(T0),
          },
          { type: 'identify', userId: 'dup', messageId: 'late-2', traits: { city: 'Utrecht' } },
        ])
        await engine.settled()
        expect((await store.contactEvents('main')).map((e) => e.id)).toContain('late-1')
        expect((await store.getContact('main'))?.properties['city']).toBe('Utrecht')
        expect((await store.getContact('dup'))?.properties['city']).toBeUndefined()
        await expectScoredFromEverything(engine, store, 'main')
      })

      it('a Segment alias of two known user ids merges the previous one into the new one', async () => {
        const { engine, store } = await start()
        const result = await engine.ingest([
          { type: 'alias', previousId: 'dup', userId: 'main', messageId: 'al-1' },
        ])
        expect(result).toMatchObject({ accepted: 1, rejected: 0 })
        await engine.settled()
        expect(await store.mergedInto(['dup'])).toEqual(new Map([['dup', 'main']]))
        expect((await store.contactEvents('main')).map((e) => e.id).sort()).toEqual(['d1', 'd2', 'm1'])
        await expectScoredFromEverything(engine, store, 'main')
        // an alias to a user id never seen: the known contact moves to it whole
        await engine.ingest([{ type: 'alias', previousId: 'other', userId: 'brand-new', messageId: 'al-2' }])
        await engine.settled()
        expect(await store.getContact('brand-new')).toMatchObject({
          accountId: 'acme',
          properties: { email: 'o@acme.example' },
        })
        await expectScoredFromEverything(engine, store, 'brand-new')
      })

      it('refuses unknown contacts, a contact merged already and a contact into itself', async () => {
        const { engine } = await start()
        await expect(engine.mergeContacts('nobody', 'main')).rejects.toThrow(NotFoundError)
        await expect(engine.mergeContacts('main', 'main')).rejects.toThrow(InvalidRequestError)
        await engine.mergeContacts('dup', 'main')
        await expect(engine.mergeContacts('dup', 'other')).rejects.toThrow(ConflictError)
        await expect(engine.mergeContacts('other', 'dup')).rejects.toThrow(/merged into "main" already/)
      })
    })
  }
}
