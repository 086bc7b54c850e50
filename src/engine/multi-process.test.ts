import { afterEach, describe, expect, it } from 'vitest'
import { evaluateContact } from '../core/index.js'
import type { Store } from '../store/index.js'
import { manualClock } from './clock.js'
import { createEngine, type Engine } from './engine.js'
import { storeTargets } from './test-support/store-targets.js'

const T0 = Date.parse('2026-11-02T09:00:00.000Z')
const iso = (t: number) => new Date(t).toISOString()
const NAMES = ['page', 'Email Opened', 'Email Clicked', 'Webinar Attended', 'Content Downloaded']

for (const target of storeTargets()) {
  describe(`two engines on one database (${target.name})`, () => {
    const open: { engine: Engine; store: Store }[] = []
    afterEach(async () => {
      for (const { engine, store } of open.splice(0)) {
        await engine.close()
        await store.close()
      }
      await target.cleanup()
    })

    it.each(['scored', 'stored'] as const)(
      'ingesting the same contacts at once (by user id and by anonymous id), they store the scores of every event (acknowledged once %s)',
      async (acknowledge) => {
        const clock = manualClock(T0)
        const first = await target.open()
        const second = await target.open(first)
        const a = await createEngine({ store: first, clock, tickIntervalMs: 0, webhooks: false, acknowledge })
        open.push({ engine: a, store: first })
        const b = await createEngine({
          store: second,
          clock,
          tickIntervalMs: 0,
          webhooks: false,
          acknowledge,
        })
        open.push({ engine: b, store: second })
        const contacts = Array.from({ length: 8 }, (_, i) => `u${i}`)
        // each contact also has an anonymous id: half of the events come with it alone
        await a.ingest(
          contacts.map((userId) => ({
            type: 'identify',
            userId,
            anonymousId: `anon-${userId}`,
            messageId: `i-${userId}`,
          })),
        )
        let n = 0
        const batch = (engine: Engine, k: number) =>
          engine.ingest(
            contacts.map((userId, i) => ({
              type: 'track',
              ...(k % 2 === 0 ? { userId } : { anonymousId: `anon-${userId}` }),
              event: NAMES[(k + i) % NAMES.length],
              messageId: `m${++n}`,
              properties: { path: k % 3 === 0 ? '/pricing' : '/blog' },
              timestamp: iso(T0 - (k % 7) * 3_600_000 - i * 1000),
            })),
          )
        // both engines write the same contacts at the same moments, 40 rounds each
        await Promise.all(
          [a, b].map(async (engine, e) => {
            for (let k = 0; k < 40; k++) await batch(engine, k * 2 + e)
          }),
        )
        await Promise.all([a.settled(), b.settled()])
        expect(await first.pendingRescoreStats()).toEqual({ rows: 0, oldest: null })
        const model = a.primaryModel().compiled
        for (const id of contacts) {
          const events = await first.contactEvents(id)
          expect(events).toHaveLength(80)
          const stored = (await first.contactScores(id)).find((s) => s.modelId === model.id)!
          const fresh = evaluateContact(model, { id, properties: {} }, events, T0)
          expect(stored.total).toBeCloseTo(fresh.total, 9)
          expect(stored.engagement).toBeCloseTo(fresh.engagement, 9)
        }
      },
      60_000,
    )
  })
}
