import { afterEach, describe, expect, it } from 'vitest'
import { type ContactEvent, compileModel, DAY_MS, evaluateContact } from '../core/index.js'
import { loadModel } from '../core/model/index.js'
import type { Store } from '../store/index.js'
import { type ManualClock, manualClock } from './clock.js'
import { defaultModelSource } from './default-model.js'
import { createEngine, type Engine } from './engine.js'
import { QueueFullError } from './errors.js'
import { MIN_STEP_MS } from './next-change.js'
import { MANAGER, VP } from './test-support/leads.js'
import { storeTargets } from './test-support/store-targets.js'

const T0 = Date.parse('2026-11-02T09:00:00.000Z')
const iso = (t: number) => new Date(t).toISOString()

for (const target of storeTargets()) {
  describe(`engine (${target.name})`, () => {
    const open: { engine: Engine; store: Store }[] = []

    afterEach(async () => {
      for (const { engine, store } of open.splice(0)) {
        await engine.close()
        await store.close()
      }
      await target.cleanup()
    })

    async function start(clock: ManualClock = manualClock(T0), reuse?: Store) {
      const store = await target.open(reuse)
      const engine = await createEngine({ store, clock, tickIntervalMs: 0 })
      open.push({ engine, store })
      return { engine, store, clock }
    }

    async function primaryScore(store: Store, id: string) {
      return (await store.contactScores(id)).find((s) => s.modelId === 'b2b-saas')
    }

    it('publishes the default model on an empty store and scores ingested events in real time', async () => {
      const { engine, store } = await start()
      expect(engine.primaryModel().record).toMatchObject({ id: 'b2b-saas', version: 1, primary: true })
      const result = await engine.ingest([
        { type: 'identify', userId: 'u1', messageId: 'i1', traits: VP, timestamp: iso(T0 - DAY_MS) },
        { type: 'track', event: 'Demo Requested', userId: 'u1', messageId: 'e1', timestamp: iso(T0 - 1000) },
        {
          type: 'page',
          userId: 'u1',
          messageId: 'e2',
          properties: { path: '/pricing' },
          timestamp: iso(T0 - 500),
        },
      ])
      expect(result).toMatchObject({ received: 3, accepted: 3, duplicates: 0, rejected: 0 })
      const score = await primaryScore(store, 'u1')
      expect(score).toMatchObject({ fit: 40, grade: 'A', band: 'hot', stage: 'mql', journey: 'decision' })
      expect(score!.total).toBeCloseTo(78, 3)
      expect((await store.getContact('u1'))?.stage).toBe('mql')
      const transitions = await store.listTransitions({ contactId: 'u1', kinds: ['band', 'stage'] })
      expect(transitions.map((t) => [t.kind, t.from, t.to, t.cause.type])).toEqual([
        ['stage', null, 'mql', 'event'],
        ['band', null, 'hot', 'event'],
      ])
      expect((await store.scoreHistory({ contactId: 'u1', modelId: 'b2b-saas' })).length).toBe(1)
      // the same as scoring the contact's events from scratch
      const model = engine.primaryModel().compiled
      const fresh = evaluateContact(model, { id: 'u1', properties: VP }, await store.contactEvents('u1'), T0)
      expect(score!.total).toBeCloseTo(fresh.total, 9)
    })

    it('rescores the members of an account whose properties change, and only then', async () => {
      const { engine, store } = await start()
      await engine.ingest([
        {
          type: 'identify',
          userId: 'u1',
          messageId: 'i1',
          traits: { email: 'a@acme.example', job_title: 'VP Marketing', account_id: 'acme' },
          timestamp: iso(T0 - DAY_MS),
        },
      ])
      const before = (await primaryScore(store, 'u1'))!
      await engine.upsertAccounts([
        { id: 'acme', properties: { industry: 'Computer Software', employees: 800 } },
      ])
      const after = (await primaryScore(store, 'u1'))!
      expect(after.fit).toBeGreaterThan(before.fit)
      expect((await store.getAccount('acme'))?.properties).toEqual({
        industry: 'Computer Software',
        employees: 800,
      })
      // the same properties again: nothing to rescore
      const history = await store.scoreHistory({ contactId: 'u1', modelId: 'b2b-saas' })
      await engine.upsertAccounts([{ id: 'acme', properties: { employees: 800 } }])
      expect(await store.scoreHistory({ contactId: 'u1', modelId: 'b2b-saas' })).toEqual(history)
      // a group call with new traits rescores the members too
      await engine.ingest([
        {
          type: 'group',
          userId: 'u1',
          groupId: 'acme',
          messageId: 'g1',
          traits: { employees: 30 },
          timestamp: iso(T0),
        },
      ])
      expect((await primaryScore(store, 'u1'))!.fit).toBeLessThan(after.fit)
    })

    it('keeps an anonymous visitor’s traits and gives them to the contact it becomes, under its own', async () => {
      const { engine, store } = await start()
      await engine.ingest([
        {
          type: 'identify',
          anonymousId: 'anon-1',
          messageId: 'a1',
          traits: { email: 'vp@acme.example', job_title: 'VP Marketing', plan: 'free' },
        },
        {
          type: 'page',
          anonymousId: 'anon-1',
          messageId: 'a2',
          properties: { path: '/pricing' },
          timestamp: iso(T0 - 1000),
        },
      ])
      expect(await store.getContact('anon-1')).toBeUndefined()
      await engine.ingest([
        { type: 'identify', userId: 'u1', anonymousId: 'anon-1', messageId: 'a3', traits: { plan: 'pro' } },
      ])
      const contact = await store.getContact('u1')
      expect(contact?.properties).toEqual({
        plan: 'pro',
        email: 'vp@acme.example',
        job_title: 'VP Marketing',
      })
      const score = await primaryScore(store, 'u1')
      expect(score!.fit).toBeGreaterThan(0) // the title counts
      expect(score!.engagement).toBeGreaterThan(0) // the page view before sign-up counts
      // once identified, the visitor's later traits go straight to the contact
      await engine.ingest([
        { type: 'identify', anonymousId: 'anon-1', messageId: 'a4', traits: { country: 'US' } },
      ])
      expect((await store.getContact('u1'))?.properties).toMatchObject({ country: 'US', plan: 'pro' })
    })

    it('takes the owner from an identify trait', async () => {
      const { engine, store } = await start()
      await engine.ingest([
        {
          type: 'identify',
          userId: 'u1',
          messageId: 'o1',
          traits: { email: 'a@b.co', owner: ' ana@x.example ' },
        },
      ])
      expect((await store.getContact('u1'))?.owner).toBe('ana@x.example')
      await engine.ingest([{ type: 'identify', userId: 'u1', messageId: 'o2', traits: { first_name: 'A' } }])
      expect((await store.getContact('u1'))?.owner).toBe('ana@x.example')
    })

    it('stores a retried batch once: duplicates change nothing', async () => {
      const { engine, store } = await start()
      const batch = [
        { type: 'identify', userId: 'u1', messageId: 'i1', traits: VP },
        ...Array.from({ length: 5 }, (_, i) => ({
          type: 'track',
          event: 'Email Link Clicked',
          userId: 'u1',
          messageId: `m${i}`,
          timestamp: iso(T0 - i * 3_600_000),
        })),
      ]
      expect(await engine.ingest(batch)).toMatchObject({ accepted: 6, duplicates: 0 })
      const before = await primaryScore(store, 'u1')
      const transitions = (await store.listTransitions({ contactId: 'u1' })).length
      expect(await engine.ingest(batch)).toMatchObject({ accepted: 1, duplicates: 5 })
      expect((await store.contactEvents('u1')).length).toBe(5)
      expect((await primaryScore(store, 'u1'))?.total).toBe(before?.total)
      expect((await store.listTransitions({ contactId: 'u1' })).length).toBe(transitions)
    })

    it('merges anonymous page views into the contact when it is identified or aliased', async () => {
      const { engine, store } = await start()
      const pricing = (id: string, anonymousId: string, daysAgo: number) => ({
        type: 'page',
        anonymousId,
        userId: null,
        messageId: id,
        properties: { path: '/pricing' },
        timestamp: iso(T0 - daysAgo * DAY_MS),
      })
      await engine.ingest([
        pricing('p1', 'anon-1', 3),
        pricing('p2', 'anon-1', 2),
        pricing('p3', 'anon-2', 1),
      ])
      expect(await store.getContact('u1')).toBeUndefined()
      // identify carries the anonymous id (analytics.js sends both)
      await engine.ingest([
        { type: 'identify', userId: 'u1', anonymousId: 'anon-1', messageId: 'i1', traits: MANAGER },
      ])
      const u1 = await primaryScore(store, 'u1')
      expect(u1!.engagement).toBeCloseTo(8 * 0.5 ** (3 / 30) + 8 * 0.5 ** (2 / 30), 6)
      // an explicit alias call
      await engine.ingest([{ type: 'alias', userId: 'u2', previousId: 'anon-2', messageId: 'a1' }])
      expect((await primaryScore(store, 'u2'))!.engagement).toBeCloseTo(8 * 0.5 ** (1 / 30), 6)
      // later anonymous events go straight to the contact
      await engine.ingest([pricing('p4', 'anon-1', 0)])
      expect((await store.contactEvents('u1')).map((e) => e.id)).toEqual(['p1', 'p2', 'p4'])
      const detail = await engine.contact('u1')
      expect(detail.aliases).toEqual(['anon-1'])
      // newest first, each with the rules that count it (the count rule gives points only once it holds)
      expect(detail.timeline.map((e) => [e.id, e.rules.map((r) => r.id)])).toEqual([
        ['p4', ['pricing-page', 'frequent-visitor']],
        ['p2', ['pricing-page', 'frequent-visitor']],
        ['p1', ['pricing-page', 'frequent-visitor']],
      ])
      expect(detail.timeline[0]!.points).toBeCloseTo(8, 6)
    })

    it('creates accounts from group calls and scores them from their members', async () => {
      const { engine, store } = await start()
      await engine.ingest([
        { type: 'identify', userId: 'u1', messageId: 'i1', traits: VP },
        {
          type: 'identify',
          userId: 'u2',
          messageId: 'i2',
          traits: { ...MANAGER, job_title: 'Marketing Director' },
        },
        {
          type: 'group',
          userId: 'u1',
          groupId: 'acme',
          messageId: 'g1',
          traits: { name: 'Acme', industry: 'Computer Software', employees: 900, country: 'US' },
        },
        { type: 'group', userId: 'u2', groupId: 'acme', messageId: 'g2', traits: {} },
        { type: 'track', event: 'Webinar Attended', userId: 'u1', messageId: 'w1', timestamp: iso(T0) },
        { type: 'track', event: 'Webinar Attended', userId: 'u2', messageId: 'w2', timestamp: iso(T0) },
      ])
      expect((await store.getContact('u1'))?.accountId).toBe('acme')
      const [account] = await store.accountScores('acme')
      expect(account).toMatchObject({ modelId: 'b2b-saas', fit: 30, contacts: 2 })
      const covered = account!.committee.filter((r) => r.covered).map((r) => r.id)
      expect(covered).toEqual(['economic-buyer', 'champion'])
      // identify with a company object joins the contact to that account
      await engine.ingest([
        {
          type: 'identify',
          userId: 'u3',
          messageId: 'i3',
          traits: { company: { id: 'globex', name: 'Globex', employee_count: 50 } },
        },
      ])
      expect((await store.getContact('u3'))?.accountId).toBe('globex')
      expect((await store.getAccount('globex'))?.properties).toEqual({
        name: 'Globex',
        employee_count: 50,
        employees: 50,
      })
      const page = await store.listAccounts({ model: 'b2b-saas' })
      expect(page.items.map((i) => i.account.id)).toEqual(['acme', 'globex'])
    })

    it('rescores on time alone: a contact leaves hot and is recycled from MQL exactly when the model says', async () => {
      const clock = manualClock(T0)
      const { engine, store } = await start(clock)
      await engine.ingest([
        { type: 'identify', userId: 'vp', messageId: 'i1', traits: VP },
        { type: 'track', event: 'Demo Requested', userId: 'vp', messageId: 'd1', timestamp: iso(T0) },
        { type: 'page', userId: 'vp', messageId: 'p1', properties: { path: '/pricing' }, timestamp: iso(T0) },
        { type: 'identify', userId: 'mgr', messageId: 'i2', traits: MANAGER },
        { type: 'track', event: 'Demo Requested', userId: 'mgr', messageId: 'd2', timestamp: iso(T0) },
      ])
      expect(await primaryScore(store, 'mgr')).toMatchObject({ grade: 'C', band: 'hot', stage: 'mql' })
      const model = engine.primaryModel().compiled

      /** The first time (ms) at which `holds` starts to hold for a contact, found by bisection. */
      const crossing = async (
        id: string,
        properties: object,
        holds: (r: ReturnType<typeof evaluateContact>) => boolean,
      ) => {
        const events: ContactEvent[] = await store.contactEvents(id)
        const at = (t: number) =>
          evaluateContact(model, { id, properties: properties as Record<string, unknown> }, events, t, {
            currentStage: 'mql',
          })
        let lo = T0
        let hi = T0 + 120 * DAY_MS
        expect(holds(at(lo))).toBe(false)
        expect(holds(at(hi))).toBe(true)
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2)
          if (holds(at(mid))) hi = mid
          else lo = mid
        }
        return hi
      }
      const vpLeavesHot = await crossing('vp', VP, (r) => r.band !== 'hot')
      const mgrLeavesHot = await crossing('mgr', MANAGER, (r) => r.band !== 'hot')
      const mgrRecycled = await crossing('mgr', MANAGER, (r) => r.stage === 'lead')
      expect(mgrLeavesHot).toBe(T0 + 14 * DAY_MS + 1) // the demo leaves its 14-day window
      expect(vpLeavesHot / DAY_MS - T0 / DAY_MS).toBeGreaterThan(30)
      expect(mgrRecycled / DAY_MS - T0 / DAY_MS).toBeGreaterThan(45)

      // an ideal scheduler: wake at the earliest next change, tick
      let wakes = 0
      for (;;) {
        const next = (await Promise.all(['vp', 'mgr'].map((id) => primaryScore(store, id))))
          .map((s) => s?.nextChangeAt ?? Number.POSITIVE_INFINITY)
          .reduce((a, b) => Math.min(a, b))
        if (next > T0 + 70 * DAY_MS) break
        clock.set(next)
        const tick = await engine.tick()
        expect(tick.rescored).toBeGreaterThan(0)
        wakes++
      }
      expect(wakes).toBeLessThan(400)
      const changes = await store.listTransitions({ kinds: ['band', 'stage'], from: T0 + 1 })
      const find = (id: string, kind: string, from: string) =>
        changes.find((t) => t.contactId === id && t.kind === kind && t.from === from)!
      expect(find('mgr', 'band', 'hot')).toMatchObject({
        to: 'warm',
        at: mgrLeavesHot,
        cause: { type: 'time' },
      })
      const recycle = find('mgr', 'stage', 'mql')
      expect(recycle).toMatchObject({ to: 'lead', cause: { type: 'time' } })
      expect(recycle.at).toBeGreaterThanOrEqual(mgrRecycled)
      expect(recycle.at).toBeLessThanOrEqual(mgrRecycled + MIN_STEP_MS)
      const vp = find('vp', 'band', 'hot')
      expect(vp.to).toBe('warm')
      expect(vp.at).toBeGreaterThanOrEqual(vpLeavesHot)
      expect(vp.at).toBeLessThanOrEqual(vpLeavesHot + MIN_STEP_MS)
      expect((await store.getContact('mgr'))?.stage).toBe('lead')
      // the stored total is the live one
      clock.set(T0 + 70 * DAY_MS)
      await engine.tick()
      const live = await engine.contact('vp')
      expect(live.live.band).toBe((await primaryScore(store, 'vp'))?.band)
    })

    it('groups concurrent ingests into few commits and refuses work beyond the queue limit', async () => {
      const { engine } = await start()
      const calls = Array.from({ length: 40 }, (_, c) =>
        engine.ingest(
          Array.from({ length: 10 }, (_, i) => ({
            type: 'track',
            event: 'Email Opened',
            userId: `u${c}`,
            messageId: `m${c}-${i}`,
          })),
        ),
      )
      const results = await Promise.all(calls)
      expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(400)
      const commits = engine.metrics.render().match(/^leadscore_ingest_commits_total (\d+)$/m)
      expect(Number(commits?.[1])).toBeLessThan(10)

      const small = await createEngine({
        store: engine.store,
        clock: engine.clock,
        tickIntervalMs: 0,
        maxPending: 5,
      })
      try {
        const first = small.ingest([{ type: 'track', event: 'x', userId: 'q', messageId: 'q1' }])
        const second = small.ingest(
          Array.from({ length: 5 }, (_, i) => ({
            type: 'track',
            event: 'x',
            userId: 'q',
            messageId: `q${i + 2}`,
          })),
        )
        await expect(second).rejects.toBeInstanceOf(QueueFullError)
        await expect(first).resolves.toMatchObject({ accepted: 1 })
      } finally {
        await small.close()
      }
    })

    it('previews, publishes (rescoring every contact retroactively), runs shadows and rolls back', async () => {
      const clock = manualClock(T0)
      const { engine, store } = await start(clock)
      await engine.ingest(
        Array.from({ length: 30 }, (_, i) => [
          { type: 'identify', userId: `c${i}`, messageId: `i${i}`, traits: i % 2 ? VP : MANAGER },
          ...Array.from({ length: i % 7 }, (_, k) => ({
            type: 'page',
            userId: `c${i}`,
            messageId: `p${i}-${k}`,
            properties: { path: k % 2 ? '/pricing' : '/blog' },
            timestamp: iso(T0 - k * DAY_MS),
          })),
        ]).flat(),
      )
      const source = defaultModelSource()
      const stricter = source.replace('score.total: { gte: 60 }', 'score.total: { gte: 45 }')
      expect(stricter).not.toBe(source)
      // a draft that does not validate says where
      await expect(
        engine.createDraft(source.replace('halfLifeDays: 30', 'halfLifeDayz: 30')),
      ).rejects.toMatchObject({
        name: 'InvalidRequestError',
        issues: [expect.objectContaining({ line: expect.any(Number), column: expect.any(Number) })],
      })
      const draft = await engine.createDraft(stricter)
      expect(draft.model).toMatchObject({ id: 'b2b-saas', version: 2, status: 'draft' })
      const preview = await engine.previewModel('b2b-saas')
      expect(preview.contacts).toBe(30)
      expect(preview.baseline).toEqual({ id: 'b2b-saas', version: 1 })
      expect(preview.bandChanges).toBeGreaterThan(0)
      expect(preview.bands.after['hot']).toBeGreaterThan(preview.bands.before['hot'] ?? 0)
      expect(preview.changes.every((c) => c.after.band === 'hot')).toBe(true)

      clock.advance(60_000)
      const job = await engine.publishModel('b2b-saas', 2)
      // ingestion keeps working during the publish
      await engine.ingest([
        { type: 'identify', userId: 'late', messageId: 'late-identify', traits: VP },
        { type: 'track', event: 'Demo Requested', userId: 'late', messageId: 'late-demo' },
      ])
      await job.done
      expect(job).toMatchObject({ status: 'done' })
      expect(await store.staleContacts({ model: 'b2b-saas', version: 2, limit: 10 })).toEqual([])
      const bands = await store.countContacts({ model: 'b2b-saas', by: 'band' })
      // what the preview announced, plus the contact that requested a demo during the publish
      expect(bands.find((r) => r.value === 'hot')?.count).toBe(preview.bands.after['hot']! + 1)
      const publishCauses = await store.listTransitions({ kinds: ['band'], from: T0 + 1 })
      expect(publishCauses.some((t) => t.cause.type === 'publish' && t.modelVersion === 2)).toBe(true)
      expect(await primaryScore(store, 'late')).toMatchObject({ modelVersion: 2, band: 'hot' })
      expect((await primaryScore(store, 'c1'))?.modelVersion).toBe(2)

      // a shadow model is scored alongside
      const shadow = source.replace(/^id: b2b-saas$/m, 'id: shadow')
      await engine.createDraft(shadow)
      await (await engine.publishModel('shadow', 1, { primary: false })).done
      expect(engine.primaryModel().record.id).toBe('b2b-saas')
      await engine.ingest([{ type: 'track', event: 'Webinar Attended', userId: 'c2', messageId: 'w-c2' }])
      const both = await store.contactScores('c2')
      expect(both.map((s) => [s.modelId, s.modelVersion])).toEqual([
        ['b2b-saas', 2],
        ['shadow', 1],
      ])
      expect(both[0]!.engagement).toBeCloseTo(both[1]!.engagement, 9)
      await engine.archiveModel('shadow', 1)
      expect(engine.publishedModels().map((m) => m.record.id)).toEqual(['b2b-saas'])

      // roll back to version 1
      await (await engine.rollbackModel('b2b-saas')).done
      expect(engine.primaryModel().record.version).toBe(1)
      expect((await primaryScore(store, 'c3'))?.modelVersion).toBe(1)
      expect(await store.staleContacts({ model: 'b2b-saas', version: 1, limit: 10 })).toEqual([])
    })

    it('resumes an interrupted publish at the next start', async () => {
      const { engine, store, clock } = await start()
      await engine.ingest(
        Array.from({ length: 450 }, (_, i) => ({
          type: 'identify',
          userId: `c${i}`,
          messageId: `i${i}`,
          traits: MANAGER,
        })),
      )
      const source = defaultModelSource().replace('score.total: { gte: 35 }', 'score.total: { gte: 30 }')
      await engine.createDraft(source)
      const job = await engine.publishModel('b2b-saas', 2)
      await engine.close()
      await job.done
      expect(['stopped', 'done']).toContain(job.status)
      const again = await createEngine({ store, clock, tickIntervalMs: 0 })
      try {
        expect(again.publishJobs().map((j) => [j.model, j.version])).toEqual([['b2b-saas', 2]])
        await Promise.all(again.publishJobs().map((j) => j.done))
        expect(await store.staleContacts({ model: 'b2b-saas', version: 2, limit: 10 })).toEqual([])
      } finally {
        await again.close()
      }
    })

    it('upserts contacts natively: properties, account, a stage set by a person', async () => {
      const { engine, store } = await start()
      await engine.upsertContacts([{ id: 'n1', properties: { ...VP, account_id: 'acme' } }])
      expect(await store.getContact('n1')).toMatchObject({ accountId: 'acme', stage: 'subscriber' })
      await engine.upsertContacts([{ id: 'n1', stage: 'sql', owner: 'alice' }], { keyId: 'key_1' })
      expect(await store.getContact('n1')).toMatchObject({ stage: 'sql', owner: 'alice' })
      expect(await primaryScore(store, 'n1')).toMatchObject({ stage: 'sql' })
      const [stage] = await store.listTransitions({
        contactId: 'n1',
        kinds: ['stage'],
        from: T0,
        afterSeq: 1,
      })
      expect(stage).toMatchObject({ from: 'subscriber', to: 'sql', cause: { type: 'api', keyId: 'key_1' } })
      await expect(engine.upsertContacts([{ id: 'n1', stage: 'won' }])).rejects.toThrow(/is not a stage/)
    })
  })
}

describe('engine without a database-specific behaviour', () => {
  it('compiles the default model', () => {
    const loaded = loadModel(defaultModelSource())
    expect(loaded.ok && compileModel(loaded.model).id).toBe('b2b-saas')
  })
})
