/**
 * Conformance of webhook endpoints, the outbox and settings, run against every adapter
 * (`sqlite.test.ts`, `postgres.test.ts`) with the same targets as the store conformance suite.
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StoreInputError, StoreNotFoundError } from './errors.js'
import type { DeliveryWrite, WebhookEventType } from './records/webhook.js'
import type { CreateStoreTarget, StoreTarget } from './store.case.js'
import type { Store } from './store.js'

const T0 = Date.parse('2026-11-01T00:00:00.000Z')
const MODEL = 'b2b'

export function runWebhooksConformance(name: string, createStore: CreateStoreTarget): void {
  describe(`webhooks and settings: ${name}`, () => {
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

    const endpoint = (id = 'w1', types: WebhookEventType[] = ['mql.reached']) =>
      store.createEndpoint({
        id,
        url: `http://127.0.0.1:9/${id}`,
        types,
        filter: { 'score.grade': { in: ['A', 'B'] } },
        modelId: null,
        description: 'CRM',
        secret: `whsec_${id}`,
        createdAt: T0,
      })

    const delivery = (id: string, orderKey: string, extra: Partial<DeliveryWrite> = {}): DeliveryWrite => ({
      id,
      endpointId: 'w1',
      orderKey,
      partition: 0,
      type: 'mql.reached',
      payload: { id, contact: orderKey },
      createdAt: T0,
      ...extra,
    })

    /** Writes deliveries with a transition, as the engine does. */
    async function outbox(...deliveries: DeliveryWrite[]): Promise<void> {
      const draft = await store.createModelVersion({
        id: MODEL,
        source: 'format: leadscore/v1',
        createdAt: T0,
      })
      if (draft.version === 1) await store.publishModel({ id: MODEL, version: 1, at: T0 })
      const contacts = [...new Set(deliveries.map((d) => d.orderKey))]
      await store.upsertContacts(contacts.map((id) => ({ id, at: T0 })))
      await store.applyScores({
        transitions: contacts.map((contactId) => ({
          contactId,
          modelId: MODEL,
          modelVersion: 1,
          kind: 'stage',
          from: 'lead',
          to: 'mql',
          at: T0,
          cause: { type: 'time' },
        })),
        deliveries,
      })
    }

    const claim = (s: Store, now = T0, holder = 'p1', limit = 100) =>
      s.claimDeliveries({ now, limit, holder, claimUntil: now + 30_000 })

    describe('endpoints', () => {
      it('creates, reads, lists, changes and deletes endpoints', async () => {
        const created = await endpoint()
        expect(created).toEqual({
          id: 'w1',
          url: 'http://127.0.0.1:9/w1',
          types: ['mql.reached'],
          filter: { 'score.grade': { in: ['A', 'B'] } },
          modelId: null,
          description: 'CRM',
          secret: 'whsec_w1',
          previousSecret: null,
          previousSecretExpiresAt: null,
          status: 'active',
          createdAt: T0,
          updatedAt: T0,
        })
        expect(await store.getEndpoint('w1')).toEqual(created)
        await endpoint('w2', ['band.changed', 'band.changed', 'segment.entered'])
        expect((await store.listEndpoints()).map((e) => [e.id, e.types])).toEqual([
          ['w1', ['mql.reached']],
          ['w2', ['band.changed', 'segment.entered']],
        ])
        const paused = await store.updateEndpoint('w1', { status: 'paused', filter: null, at: T0 + 1 })
        expect(paused).toMatchObject({ status: 'paused', filter: null, updatedAt: T0 + 1, url: created.url })
        await store.deleteEndpoint('w1')
        expect(await store.getEndpoint('w1')).toBeUndefined()
        await expect(store.deleteEndpoint('w1')).rejects.toThrow(StoreNotFoundError)
        await expect(store.updateEndpoint('nope', { status: 'active', at: T0 })).rejects.toThrow(
          StoreNotFoundError,
        )
      })

      it('rotates the secret, keeping the previous one until it expires', async () => {
        await endpoint()
        const rotated = await store.updateEndpoint('w1', {
          secret: 'whsec_new',
          previousSecretExpiresAt: T0 + 3_600_000,
          at: T0 + 5,
        })
        expect(rotated).toMatchObject({
          secret: 'whsec_new',
          previousSecret: 'whsec_w1',
          previousSecretExpiresAt: T0 + 3_600_000,
        })
      })

      it('refuses bad URLs, unknown event types and an empty type list, storing nothing', async () => {
        const base = { id: 'x', filter: null, modelId: null, description: null, secret: 's', createdAt: T0 }
        await expect(
          store.createEndpoint({ ...base, url: 'ftp://a/b', types: ['mql.reached'] }),
        ).rejects.toThrow(/url: must be an http\(s\) URL/)
        await expect(
          store.createEndpoint({ ...base, url: 'not a url', types: ['mql.reached'] }),
        ).rejects.toThrow(StoreInputError)
        await expect(
          store.createEndpoint({ ...base, url: 'http://a', types: ['mql.reachd' as WebhookEventType] }),
        ).rejects.toThrow(/types\[0\]/)
        await expect(store.createEndpoint({ ...base, url: 'http://a', types: [] })).rejects.toThrow(
          /non-empty/,
        )
        expect(await store.listEndpoints()).toEqual([])
      })
    })

    describe('outbox', () => {
      it('stores deliveries with the transitions of a score batch, atomically', async () => {
        await endpoint()
        await outbox(delivery('d1', 'alice'))
        expect(await store.getDelivery('d1')).toMatchObject({
          id: 'd1',
          status: 'pending',
          attempts: 0,
          payload: { id: 'd1', contact: 'alice' },
          nextAttemptAt: T0,
        })
        // a bad delivery fails the whole batch: neither the transition nor the delivery is stored
        const before = (await store.listTransitions({})).length
        await expect(
          store.applyScores({
            transitions: [
              {
                contactId: 'alice',
                modelId: MODEL,
                modelVersion: 1,
                kind: 'band',
                from: null,
                to: 'hot',
                at: T0,
                cause: { type: 'time' },
              },
            ],
            deliveries: [delivery('d2', 'alice', { type: 'nope' as WebhookEventType })],
          }),
        ).rejects.toThrow(/deliveries\[0\]\.type/)
        expect((await store.listTransitions({})).length).toBe(before)
        expect(await store.getDelivery('d2')).toBeUndefined()
      })

      it('claims only the head of each (endpoint, contact) line, in order, and each once', async () => {
        await endpoint()
        await outbox(delivery('a1', 'alice'), delivery('b1', 'bob'), delivery('a2', 'alice'))
        const first = await claim(store)
        expect(first.map((d) => d.id)).toEqual(['a1', 'b1'])
        // claimed: nobody else gets them, and a2 waits for a1
        const other = await open()
        expect(await claim(other, T0, 'p2')).toEqual([])
        await store.recordAttempts([
          {
            deliveryId: 'a1',
            at: T0 + 10,
            status: 200,
            latencyMs: 12,
            error: null,
            outcome: 'delivered',
          },
        ])
        expect((await claim(other, T0 + 10, 'p2')).map((d) => d.id)).toEqual(['a2'])
        // an expired claim can be taken over
        expect((await claim(other, T0 + 30_001, 'p2')).map((d) => d.id)).toEqual(['b1'])
      })

      it('retries at the time given, dead-letters, and lets the line move on after a dead letter', async () => {
        await endpoint()
        await outbox(delivery('a1', 'alice'), delivery('a2', 'alice'))
        await claim(store)
        await store.recordAttempts([
          {
            deliveryId: 'a1',
            at: T0 + 1,
            status: 503,
            latencyMs: 5,
            error: 'HTTP 503',
            outcome: 'retry',
            nextAttemptAt: T0 + 1000,
          },
        ])
        expect(await store.getDelivery('a1')).toMatchObject({
          status: 'pending',
          attempts: 1,
          nextAttemptAt: T0 + 1000,
          lastStatus: 503,
        })
        expect(await claim(store, T0 + 999)).toEqual([])
        expect((await claim(store, T0 + 1000)).map((d) => d.id)).toEqual(['a1'])
        await store.recordAttempts([
          {
            deliveryId: 'a1',
            at: T0 + 1001,
            status: null,
            latencyMs: 10_000,
            error: 'timed out after 10000 ms',
            outcome: 'dead',
          },
        ])
        expect(await store.getDelivery('a1')).toMatchObject({
          status: 'dead',
          attempts: 2,
          lastStatus: null,
          lastError: 'timed out after 10000 ms',
        })
        expect(await store.deliveryAttempts('a1')).toEqual([
          { deliveryId: 'a1', attempt: 1, at: T0 + 1, status: 503, latencyMs: 5, error: 'HTTP 503' },
          {
            deliveryId: 'a1',
            attempt: 2,
            at: T0 + 1001,
            status: null,
            latencyMs: 10_000,
            error: 'timed out after 10000 ms',
          },
        ])
        expect((await claim(store, T0 + 1001)).map((d) => d.id)).toEqual(['a2'])
        expect(await store.outboxStats()).toEqual({ pending: 1, dead: 1, oldestPendingAt: T0 })
        expect((await store.listDeliveries({ endpointId: 'w1', status: 'dead' })).map((d) => d.id)).toEqual([
          'a1',
        ])
        // redelivery: pending again, with a fresh schedule and its log kept
        const again = await store.redeliver('a1', T0 + 5000)
        expect(again).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: T0 + 5000 })
        expect(await store.deliveryAttempts('a1')).toHaveLength(2)
        await expect(store.redeliver('nope', T0)).rejects.toThrow(StoreNotFoundError)
      })

      it('records many attempts at once, skipping deliveries that no longer exist', async () => {
        await endpoint()
        await outbox(delivery('a1', 'alice'), delivery('b1', 'bob'))
        await claim(store)
        await store.recordAttempts([
          { deliveryId: 'a1', at: T0 + 1, status: 200, latencyMs: 3, error: null, outcome: 'delivered' },
          { deliveryId: 'gone', at: T0 + 1, status: 200, latencyMs: 3, error: null, outcome: 'delivered' },
          { deliveryId: 'b1', at: T0 + 1, status: 400, latencyMs: 4, error: 'HTTP 400', outcome: 'dead' },
        ])
        expect((await store.getDelivery('a1'))?.status).toBe('delivered')
        expect((await store.getDelivery('b1'))?.status).toBe('dead')
        await expect(
          store.recordAttempts([
            { deliveryId: 'a1', at: T0, status: 200, latencyMs: 1, error: null, outcome: 'retry' },
          ]),
        ).rejects.toThrow(/attempts\[0\]\.nextAttemptAt/)
      })

      it('skips paused endpoints, filters by partition, and releases claims', async () => {
        await endpoint()
        await outbox(delivery('a1', 'alice', { partition: 1 }), delivery('b1', 'bob', { partition: 2 }))
        expect(
          (
            await store.claimDeliveries({
              now: T0,
              limit: 10,
              holder: 'p',
              claimUntil: T0 + 1,
              partitions: [2],
            })
          ).map((d) => d.id),
        ).toEqual(['b1'])
        expect(
          await store.claimDeliveries({
            now: T0,
            limit: 10,
            holder: 'p',
            claimUntil: T0 + 1,
            partitions: [],
          }),
        ).toEqual([])
        await store.releaseDeliveries('p')
        await store.updateEndpoint('w1', { status: 'paused', at: T0 })
        expect(await claim(store)).toEqual([])
        await store.updateEndpoint('w1', { status: 'active', at: T0 })
        expect((await claim(store)).map((d) => d.id)).toEqual(['a1', 'b1'])
      })

      it('pages the log newest first, and prunes delivered deliveries', async () => {
        await endpoint()
        await outbox(delivery('a1', 'alice'), delivery('b1', 'bob'), delivery('c1', 'carol'))
        const all = await store.listDeliveries({ endpointId: 'w1' })
        expect(all.map((d) => d.id)).toEqual(['c1', 'b1', 'a1'])
        expect(
          (await store.listDeliveries({ endpointId: 'w1', beforeSeq: all[0]!.seq, limit: 1 })).map(
            (d) => d.id,
          ),
        ).toEqual(['b1'])
        await claim(store)
        await store.recordAttempts([
          {
            deliveryId: 'a1',
            at: T0,
            status: 204,
            latencyMs: 1,
            error: null,
            outcome: 'delivered',
          },
        ])
        expect(await store.pruneDeliveries(T0)).toBe(0)
        expect(await store.pruneDeliveries(T0 + 1)).toBe(1)
        expect((await store.listDeliveries({})).map((d) => d.id)).toEqual(['c1', 'b1'])
      })

      it('deleting an endpoint deletes its outbox', async () => {
        await endpoint()
        await outbox(delivery('a1', 'alice'))
        await store.deleteEndpoint('w1')
        expect(await store.getDelivery('a1')).toBeUndefined()
      })
    })

    describe('settings', () => {
      it('stores, replaces and deletes JSON values', async () => {
        expect(await store.getSetting('assignment')).toBeUndefined()
        await store.putSetting('assignment', { owners: ['ana', 'bo'], cursor: 0 }, T0)
        await store.putSetting('assignment', { owners: ['ana'], cursor: 1 }, T0 + 1)
        expect(await store.getSetting('assignment')).toEqual({ owners: ['ana'], cursor: 1 })
        const locked = await store.transaction((tx) => tx.getSetting('assignment', { lock: true }))
        expect(locked).toEqual({ owners: ['ana'], cursor: 1 })
        await store.putSetting('assignment', undefined, T0 + 2)
        expect(await store.getSetting('assignment')).toBeUndefined()
      })
    })
  })
}
