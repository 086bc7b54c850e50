import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { DAY_MS } from '../../core/index.js'
import { openSqliteStore, type Store } from '../../store/index.js'
import { manualClock } from '../clock.js'
import { seedDemoWorkspace } from '../demo-workspace.js'
import { createEngine, type Engine } from '../engine.js'
import { type Logger, silentLogger } from '../logger.js'
import { storeTargets } from '../test-support/store-targets.js'
import { claimPeriodic, periodicState, releasePeriodic } from './lease.js'
import { PredictiveService, REFRESH_LEASE, TIME_REFRESH_LEASE } from './service.js'
import { changesOf, TriggerFilter } from './triggers.js'

const NOW = Date.parse('2026-10-01T00:00:00Z')

describe('changesOf and TriggerFilter', () => {
  const at = NOW
  const event = {
    kind: 'event',
    messageId: 'e',
    contactId: 'c4',
    anonymousId: null,
    accountId: null,
    name: 'Page Viewed',
    properties: {},
    ts: at,
    at,
  } as never
  const batch = (plan: string) =>
    changesOf([
      { kind: 'account', messageId: 'a', account: { id: 'acc_1', properties: { plan } }, at },
      { kind: 'account', messageId: 'b', account: { id: 'acc_2', properties: {} }, at },
      { kind: 'merge', messageId: 'c', from: 'c1', contactId: 'c2', at },
      { kind: 'alias', messageId: 'd', contactId: 'c3', previousId: 'anon', at },
      event,
    ])

  it('names accounts whose properties are written, merges and anonymous ids tied; not plain events', () => {
    expect(batch('pro')).toEqual({
      merged: ['c2'],
      links: [{ anonymousId: 'anon', contactId: 'c3' }],
      accounts: [{ id: 'acc_1', properties: { plan: 'pro' } }],
    })
    expect(changesOf([event])).toEqual({ merged: [], links: [], accounts: [] })
  })

  it('keeps the news: a changed property, a tie first seen, every merge; not the repeats clients send', () => {
    const filter = new TriggerFilter()
    expect(filter.news(batch('pro'))).toEqual({ contactIds: ['c2', 'c3'], accountIds: ['acc_1'] })
    expect(filter.news(batch('pro'))).toEqual({ contactIds: ['c2'], accountIds: [] }) // same traits, same tie
    expect(filter.news(batch('enterprise'))).toEqual({ contactIds: ['c2'], accountIds: ['acc_1'] })
  })

  it('forgets the oldest beyond its limit, so a forgotten account triggers again', () => {
    const filter = new TriggerFilter(2)
    const write = (id: string) =>
      filter.news({ merged: [], links: [], accounts: [{ id, properties: { plan: 'pro' } }] }).accountIds
    expect([write('a'), write('b'), write('a'), write('c')]).toEqual([['a'], ['b'], [], ['c']])
    expect(write('b')).toEqual(['b']) // b was the oldest when c came
    expect(write('a')).toEqual(['a'])
  })
})

describe('in a worker thread', () => {
  it('runs the daily refresh and the triggered predictions there, as in this thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-triggers-'))
    const location = join(dir, 'leadscore.db')
    const store = await openSqliteStore({ path: location })
    const clock = manualClock(NOW)
    const engine = await createEngine({ store, clock, tickIntervalMs: 0, webhooks: false })
    const service = new PredictiveService({
      store,
      clock,
      location,
      refreshEveryMs: 0,
      timeRefreshEveryMs: DAY_MS,
      triggerDelayMs: 3_600_000,
    }).start()
    try {
      await seedDemoWorkspace(engine, { contacts: 200, outcome: true })
      const { job } = await service.train({ outcome: 'property=converted', learner: 'logistic', folds: 3 })
      expect(await service.waitFor(job.id)).toMatchObject({ status: 'succeeded' })
      // the seeding's identifies and groups (the service was started): predicted again once
      expect(await service.flushTriggers()).toMatchObject({ kind: 'predict', models: 1 })
      const [first] = await store.contactIds({ after: null, limit: 1 })
      const before = (await store.contactPredictions(first!))[0]!.predictedAt
      clock.advance(DAY_MS)
      await service.onSchedule()
      expect((await store.contactPredictions(first!))[0]!.predictedAt).toBeGreaterThan(before)
      const [a, b] = await store.contactIds({ after: first!, limit: 2 })
      await engine.mergeContacts(a!, b!)
      expect(await service.flushTriggers()).toEqual({ kind: 'predict', predicted: 1, models: 1 })
    } finally {
      await service.close()
      await engine.close()
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})

for (const target of storeTargets()) {
  describe(`re-predicting in the service (${target.name})`, () => {
    const open: { engine?: Engine; store: Store; service?: PredictiveService }[] = []
    afterEach(async () => {
      for (const o of open.splice(0).reverse()) {
        await o.service?.close()
        await o.engine?.close()
        await o.store.close()
      }
    })
    afterAll(() => target.cleanup())

    async function trained() {
      const store = await target.open()
      const clock = manualClock(NOW)
      const engine = await createEngine({ store, clock, tickIntervalMs: 0, webhooks: false })
      open.push({ engine, store })
      await seedDemoWorkspace(engine, { contacts: 300, outcome: true })
      // a contact with no event: nothing about it moves with time
      await engine.upsertContacts([{ id: 'quiet', properties: { job_title: 'CTO' } }])
      const trainer = new PredictiveService({ store, clock, refreshEveryMs: 0, timeRefreshEveryMs: 0 })
      const { job } = await trainer.train({ outcome: 'property=converted', learner: 'logistic', folds: 3 })
      expect(await trainer.waitFor(job.id)).toMatchObject({ status: 'succeeded' })
      await trainer.close()
      return { store, clock, engine }
    }
    const predictedAt = async (store: Store, id: string) =>
      (await store.contactPredictions(id))[0]?.predictedAt

    it('predicts again the members of an account whose properties change, a merged contact and an identified visitor, which "changed since" misses', async () => {
      const { store, clock, engine } = await trained()
      const service = new PredictiveService({
        store,
        clock,
        refreshEveryMs: 0,
        timeRefreshEveryMs: 0,
        triggerDelayMs: 3_600_000, // flushed by hand below
      }).start()
      open.push({ store: { close: async () => {} } as Store, service })
      const withAccount = (await store.getContacts(await store.contactIds({ after: null, limit: 300 }))).find(
        (c) => c.accountId !== null,
      )!
      const members = await store.accountContacts(withAccount.accountId!)
      const before = await predictedAt(store, withAccount.id)
      expect(before).toBeDefined()

      clock.advance(60_000)
      await engine.upsertAccounts([{ id: withAccount.accountId!, properties: { industry: 'Mining' } }])
      expect(await service.refresh()).toMatchObject({ predicted: 0 }) // its row did not change
      expect(await service.flushTriggers()).toMatchObject({ kind: 'predict', predicted: members.length })
      expect(await predictedAt(store, withAccount.id)).toBeGreaterThan(before!)

      // an anonymous visitor's history (stamped in the past) identified as a known contact
      const [, , person] = await store.contactIds({ after: null, limit: 3 })
      const old = new Date(NOW - 20 * DAY_MS).toISOString()
      await engine.ingest(
        [1, 2, 3].map((i) => ({
          type: 'track',
          event: 'Pricing Viewed',
          anonymousId: 'anon-visitor',
          messageId: `anon-${i}`,
          timestamp: old,
        })),
      )
      clock.advance(60_000)
      const beforeIdentify = await predictedAt(store, person!)
      await engine.ingest([
        { type: 'identify', userId: person, anonymousId: 'anon-visitor', messageId: 'who', timestamp: old },
      ])
      expect(await service.refresh()).toMatchObject({ predicted: 0 })
      expect(await service.flushTriggers()).toMatchObject({ predicted: 1 })
      expect(await predictedAt(store, person!)).toBeGreaterThan(beforeIdentify!)

      // a merge: the contact kept is predicted again, the one merged away never again
      const [a, b] = await store.contactIds({ after: person!, limit: 2 })
      clock.advance(60_000)
      await engine.mergeContacts(a!, b!)
      expect(await service.flushTriggers()).toMatchObject({ predicted: 1 })
      expect(await store.contactPredictions(a!)).toEqual([])
      expect(await predictedAt(store, b!)).toBeGreaterThanOrEqual(clock.now())
      await service.refresh()
      expect(await store.contactPredictions(a!)).toEqual([])

      // nothing pending: no task
      expect(await service.flushTriggers()).toBeUndefined()
    }, 120_000)

    it('predicts again as time passes the contacts with events, once across two processes, each refresh leased', async () => {
      const { store, clock } = await trained()
      const other = await target.open(store)
      open.push({ store: other })
      const logs: string[] = []
      const logger: Logger = { ...silentLogger, info: (message: string) => logs.push(message) }
      const settings = { clock, logger, refreshEveryMs: 15 * 60_000, timeRefreshEveryMs: DAY_MS }
      const a = new PredictiveService({ store, ...settings })
      const b = new PredictiveService({ store: other, ...settings })
      open.push({ store: { close: async () => {} } as Store, service: a })
      open.push({ store: { close: async () => {} } as Store, service: b })
      const quietBefore = await predictedAt(store, 'quiet')
      const [busy] = await store.contactIds({ after: null, limit: 1 })
      const busyBefore = await predictedAt(store, busy!)

      clock.advance(DAY_MS)
      await Promise.all([a.onSchedule(), b.onSchedule()])
      expect(logs.filter((m) => m === 'predictive time-refresh done')).toHaveLength(1)
      expect(logs.filter((m) => m === 'predictive refresh done')).toHaveLength(1)
      expect(await predictedAt(store, busy!)).toBeGreaterThan(busyBefore!)
      expect(await predictedAt(store, 'quiet')).toBe(quietBefore) // no event: nothing moved
      expect(await periodicState(store, TIME_REFRESH_LEASE)).toMatchObject({ holder: null })

      // within both periods: nothing; after 15 minutes the changed-contacts refresh only
      logs.length = 0
      await Promise.all([a.onSchedule(), b.onSchedule()])
      expect(logs).toEqual([])
      clock.advance(15 * 60_000)
      await Promise.all([a.onSchedule(), b.onSchedule()])
      expect(logs).toEqual(['predictive refresh done'])
    }, 120_000)

    it('leases a periodic refresh to one holder until it ends or its lease expires', async () => {
      const store = await target.open()
      open.push({ store })
      const lease = { everyMs: 60_000, ttlMs: 10_000 }
      expect(await claimPeriodic(store, REFRESH_LEASE, 'a', NOW, lease)).toBe(true)
      expect(await claimPeriodic(store, REFRESH_LEASE, 'b', NOW + 1, lease)).toBe(false) // a holds it
      expect(await claimPeriodic(store, REFRESH_LEASE, 'b', NOW + 10_001, lease)).toBe(true) // a's expired
      await releasePeriodic(store, REFRESH_LEASE, 'a', NOW + 10_002, NOW) // no longer a's: no effect
      expect(await periodicState(store, REFRESH_LEASE)).toMatchObject({ holder: 'b' })
      await releasePeriodic(store, REFRESH_LEASE, 'b', NOW + 20_000, NOW + 10_001)
      expect(await claimPeriodic(store, REFRESH_LEASE, 'a', NOW + 70_000, lease)).toBe(false) // ran 10_001
      expect(await claimPeriodic(store, REFRESH_LEASE, 'a', NOW + 70_001, lease)).toBe(true)
      // given back undone: due again at once
      await releasePeriodic(store, REFRESH_LEASE, 'a', NOW + 70_002)
      expect(await claimPeriodic(store, REFRESH_LEASE, 'b', NOW + 70_003, lease)).toBe(true)
    })
  })
}
