import { afterEach, describe, expect, it } from 'vitest'
import { DAY_MS } from '../core/index.js'
import type { Store } from '../store/index.js'
import { type ManualClock, manualClock } from './clock.js'
import { type Acknowledge, commitOps } from './commit-ops.js'
import { defaultModelSource } from './default-model.js'
import { createEngine, type Engine } from './engine.js'
import { QueueFullError } from './errors.js'
import { compileSource, ModelRegistry } from './models.js'
import { normalizeMessage } from './normalize.js'
import { MANAGER, VP } from './test-support/leads.js'
import { storeTargets } from './test-support/store-targets.js'

const T0 = Date.parse('2026-11-02T09:00:00.000Z')
const iso = (t: number) => new Date(t).toISOString()

/** A day of traffic in steps: identities, accounts, anonymous visits merged by alias, a contact changing account. */
function steps(): unknown[][] {
  const out: unknown[][] = [
    [
      { type: 'identify', userId: 'vp', messageId: 'i-vp', traits: { ...VP, account_id: 'acme' } },
      {
        type: 'identify',
        userId: 'mgr',
        messageId: 'i-mgr',
        traits: { ...MANAGER, company: { id: 'beta', name: 'Beta' } },
      },
      { type: 'page', anonymousId: 'anon-1', messageId: 'p-anon-1', properties: { path: '/pricing' } },
      { type: 'page', anonymousId: 'anon-1', messageId: 'p-anon-2', properties: { path: '/docs/start' } },
    ],
    [
      { type: 'track', userId: 'vp', event: 'Demo Requested', messageId: 't-vp-1' },
      { type: 'page', userId: 'mgr', messageId: 'p-mgr-1', properties: { path: '/pricing' } },
      { type: 'alias', userId: 'late', previousId: 'anon-1', messageId: 'a-late' },
      {
        type: 'identify',
        userId: 'late',
        messageId: 'i-late',
        traits: { job_title: 'Head of Growth', account_id: 'acme' },
      },
    ],
    [
      {
        type: 'group',
        userId: 'mgr',
        groupId: 'beta',
        messageId: 'g-beta',
        traits: { industry: 'Software', employees: 400 },
      },
      { type: 'track', userId: 'late', event: 'Webinar Attended', messageId: 't-late-1' },
      { type: 'track', userId: 'mgr', event: 'Content Downloaded', messageId: 't-mgr-1' },
    ],
    [
      // mgr moves to acme: beta loses a member
      { type: 'identify', userId: 'mgr', messageId: 'i-mgr-2', traits: { account_id: 'acme' } },
      { type: 'track', userId: 'vp', event: 'Email Link Clicked', messageId: 't-vp-2' },
      { type: 'page', userId: 'vp', messageId: 'p-vp-dup', properties: { path: '/pricing' } },
      { type: 'page', userId: 'vp', messageId: 'p-vp-dup', properties: { path: '/pricing' } },
    ],
  ]
  let t = T0 - 3 * DAY_MS
  return out.map((batch) =>
    batch.map((m) => {
      t += 3_600_000
      return { ...(m as object), timestamp: iso(t) }
    }),
  )
}

const CONTACTS = ['vp', 'mgr', 'late']
const ACCOUNTS = ['acme', 'beta']

/** What a user can see of the scoring: scores, transitions (without their order across contacts) and account scores. */
async function observable(store: Store) {
  const scores = await store.scoresOf('b2b-saas', CONTACTS)
  const transitions = (await store.listTransitions({ limit: 10_000 }))
    .map((t) =>
      [t.contactId ?? t.accountId, t.modelId, t.kind, t.from, t.to, t.at, JSON.stringify(t.cause)].join(' '),
    )
    .sort()
  const accounts = []
  for (const id of ACCOUNTS) accounts.push(...(await store.accountScores(id)))
  const contacts = await store.getContacts(CONTACTS)
  return {
    scores: scores.map(({ scoredAt: _, ...s }) => s),
    transitions,
    accounts: accounts.map(({ scoredAt: _, ...a }) => a),
    contacts: contacts.map((c) => [c.id, c.stage, c.accountId, c.owner]),
  }
}

for (const target of storeTargets()) {
  describe(`acknowledging once stored (${target.name})`, () => {
    const open: { engine: Engine; store: Store }[] = []

    afterEach(async () => {
      for (const { engine, store } of open.splice(0)) {
        await engine.close()
        await store.close()
      }
      await target.cleanup()
    })

    async function start(
      acknowledge: Acknowledge,
      options: { clock?: ManualClock; maxOwed?: number; reuse?: Store } = {},
    ) {
      const store = await target.open(options.reuse)
      const clock = options.clock ?? manualClock(T0)
      const engine = await createEngine({
        store,
        clock,
        tickIntervalMs: 0,
        acknowledge,
        maxOwed: options.maxOwed,
      })
      open.push({ engine, store })
      return { engine, store, clock }
    }

    it('scores, transitions and accounts are what acknowledging once scored gives', async () => {
      const scored = await start('scored')
      const stored = await start('stored')
      for (const batch of steps()) {
        await scored.engine.ingest(batch)
        const result = await stored.engine.ingest(batch)
        expect(result.rejected).toBe(0)
        await stored.engine.settled()
        scored.clock.advance(60_000)
        stored.clock.advance(60_000)
      }
      const want = await observable(scored.store)
      expect(want.scores).toHaveLength(3)
      expect(want.transitions.length).toBeGreaterThan(5)
      expect(await observable(stored.store)).toEqual(want)
      expect(await stored.store.pendingRescoreStats()).toEqual({ rows: 0, oldest: null })
    })

    it('a contact busy with events is rescored once for all of them, to the same scores', async () => {
      const scored = await start('scored')
      const stored = await start('stored')
      const all = steps().flat()
      for (const batch of steps()) await scored.engine.ingest(batch)
      // no waiting between requests: later changes join the rescoring of earlier ones
      await Promise.all(all.map((m) => stored.engine.ingest([m])))
      await stored.engine.settled()
      const [want, got] = [await observable(scored.store), await observable(stored.store)]
      expect(got.scores).toEqual(want.scores)
      expect(got.accounts).toEqual(want.accounts)
      expect(got.contacts).toEqual(want.contacts)
      const rescored = await stored.engine.metrics.render()
      expect(rescored).toMatch(/leadscore_rescore_delay_seconds_count \d+/)
    })

    it('rescores owed when the process stopped are done at the next start', async () => {
      // a process that stored changes and stopped before rescoring them: the rows stay owed
      const first = await target.open()
      const models = new ModelRegistry(first, { debug() {}, info() {}, warn() {}, error() {} })
      const source = defaultModelSource()
      const draft = await first.createModelVersion({
        id: compileSource(source).compiled.id,
        source,
        createdAt: T0,
      })
      await first.publishModel({ id: draft.id, version: draft.version, primary: true, at: T0 })
      await models.refresh()
      for (const batch of steps()) {
        const ops = batch.map((raw) => {
          const n = normalizeMessage(raw, T0, undefined, undefined)
          if (!n.ok) throw new Error(n.reason)
          return { op: n.op, keyId: undefined }
        })
        await first.transaction((tx) =>
          commitOps(tx, ops, {
            models: models.published,
            primaryId: models.primary?.record.id,
            accountKey: 'account_id',
            now: T0,
            acknowledge: 'stored',
          }),
        )
      }
      expect((await first.pendingRescoreStats()).rows).toBeGreaterThan(3)
      expect(await first.scoresOf('b2b-saas', CONTACTS)).toEqual([])

      const { engine, store } = await start('scored', { reuse: first })
      await engine.settled()
      expect(await store.pendingRescoreStats()).toEqual({ rows: 0, oldest: null })
      const reference = await start('scored')
      for (const batch of steps()) await reference.engine.ingest(batch)
      const [want, got] = [await observable(reference.store), await observable(store)]
      expect(got.scores).toEqual(want.scores)
      expect(got.accounts).toEqual(want.accounts)
      await first.close()
    })

    it('answers "try again" (429) while too many contacts wait to be rescored, and not otherwise', async () => {
      const { engine } = await start('stored', { maxOwed: 2 })
      await engine.ingest([
        { type: 'track', userId: 'a', event: 'Email Opened', messageId: 'm1' },
        { type: 'track', userId: 'b', event: 'Email Opened', messageId: 'm2' },
      ])
      // the rescoring of a and b has not run yet (it starts on the next turn of the event loop)
      const refused = await engine
        .ingest([{ type: 'track', userId: 'c', event: 'Email Opened', messageId: 'm3' }])
        .catch((e: unknown) => e)
      expect(refused).toBeInstanceOf(QueueFullError)
      expect((refused as QueueFullError).queue).toBe('rescore')
      expect((refused as QueueFullError).message).toMatch(/rescoring is behind \(2 of 2 contacts/)
      await engine.settled()
      const accepted = await engine.ingest([
        { type: 'track', userId: 'c', event: 'Email Opened', messageId: 'm3' },
      ])
      expect(accepted.accepted).toBe(1)
      await engine.settled()
      expect((await engine.store.getContacts(['a', 'b', 'c'])).map((c) => c.id)).toEqual(['a', 'b', 'c'])
      expect(await engine.store.scoresOf('b2b-saas', ['a', 'b', 'c'])).toHaveLength(3)
    })

    it('a publish while rescores are owed leaves every model with every event', async () => {
      const scored = await start('scored')
      const stored = await start('stored')
      const shadow = defaultModelSource().replace(/^id: .*$/m, 'id: shadow')
      const [first, ...rest] = steps()
      await scored.engine.ingest(first!)
      await stored.engine.ingest(first!)
      for (const { engine } of [scored, stored]) {
        const draft = await engine.createDraft(shadow)
        const job = await engine.publishModel(draft.model.id, draft.model.version)
        // the second batch lands while the publish runs
        await engine.ingest(rest[0]!)
        await job.done
        await engine.settled()
      }
      for (const model of ['b2b-saas', 'shadow']) {
        const want = await scored.store.scoresOf(model, CONTACTS)
        const got = await stored.store.scoresOf(model, CONTACTS)
        expect(got.map((s) => [s.contactId, s.total, s.band, s.stage])).toEqual(
          want.map((s) => [s.contactId, s.total, s.band, s.stage]),
        )
        expect(got.length).toBeGreaterThan(1)
      }
      // the publish rolled up every account with members once, from their new scores
      for (const { store } of [scored, stored]) {
        const shadowAcme = (await store.accountScores('acme')).find((a) => a.modelId === 'shadow')
        expect(shadowAcme).toMatchObject({ modelVersion: 1, contacts: 2 })
        expect((await store.accountScores('beta')).find((a) => a.modelId === 'shadow')).toMatchObject({
          contacts: 1,
        })
      }
    })
  })
}
