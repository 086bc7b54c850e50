import { describe, expect, it } from 'vitest'
import { openSqliteStore, type Store } from '../store/index.js'
import { manualClock } from './clock.js'
import { defaultModelSource } from './default-model.js'
import { createEngine, type Engine } from './engine.js'
import { mqlMessages, VP } from './test-support/leads.js'

const T0 = Date.parse('2026-11-02T09:00:00.000Z')

/** `store`, whose next transaction fails as a database restart does (once armed). */
function flaky(store: Store): { store: Store; arm: () => void } {
  let armed = false
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'transaction' && armed) {
        armed = false
        return () => Promise.reject(new Error('Connection terminated unexpectedly'))
      }
      const value = Reflect.get(target, prop, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { store: proxy, arm: () => (armed = true) }
}

describe('publish', () => {
  it('retries a page the database could not take, and finishes', async () => {
    const real = await openSqliteStore({ path: ':memory:' })
    const { store, arm } = flaky(real)
    const engine = await createEngine({ store, clock: manualClock(T0), tickIntervalMs: 0, webhooks: false })
    try {
      for (const id of ['a', 'b', 'c']) await engine.ingest(mqlMessages(id, T0))
      const draft = await engine.createDraft(defaultModelSource().replace('version: 1', 'version: 2'))
      arm()
      const job = await engine.publishModel('b2b-saas', draft.model.version)
      await job.done
      expect(job).toMatchObject({ status: 'done', scored: 3, error: null })
      const versions = await Promise.all(
        ['a', 'b', 'c'].map(async (id) => (await real.contactScores(id))[0]?.modelVersion),
      )
      expect(versions).toEqual([2, 2, 2])
    } finally {
      await engine.close()
      await real.close()
    }
  }, 20_000)
})

describe.each(['scored', 'stored'] as const)('publish while ingesting (acknowledge: %s)', (acknowledge) => {
  it('an event stored between a page’s reading and its writing counts, and its stage move is recorded once', async () => {
    const real = await openSqliteStore({ path: ':memory:' })
    let engine: Engine | undefined
    let raced = false
    // the first reading of a page's events lets a lead become an MQL before the page is written
    const store = new Proxy(real, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver)
        if (prop === 'eventsOfContactRange' && !raced) {
          return async (...args: Parameters<Store['eventsOfContactRange']>) => {
            const lists = await real.eventsOfContactRange(...args)
            raced = true
            await engine!.ingest(mqlMessages('c3', T0).slice(1))
            await engine!.settled()
            return lists
          }
        }
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    engine = await createEngine({
      store,
      clock: manualClock(T0),
      tickIntervalMs: 0,
      webhooks: false,
      acknowledge,
    })
    try {
      for (const id of ['c1', 'c2', 'c3', 'c4']) {
        await engine.ingest([{ type: 'identify', userId: id, messageId: `${id}-i`, traits: VP }])
      }
      await engine.settled()
      const draft = await engine.createDraft(defaultModelSource().replace('version: 1', 'version: 2'))
      const job = await engine.publishModel('b2b-saas', draft.model.version)
      await job.done
      await engine.settled()
      expect(raced).toBe(true)
      expect(job).toMatchObject({ status: 'done', scored: 4 })
      const [score] = await real.contactScores('c3')
      expect(score).toMatchObject({ modelVersion: 2, stage: 'mql' })
      // scored as a lead that becomes an MQL with no publish going on is
      await engine.ingest(mqlMessages('c5', T0))
      await engine.settled()
      const [alone] = await real.contactScores('c5')
      const fields = ({ fit, engagement, total, band, stage, lastActivityAt }: typeof score & object) => ({
        fit,
        engagement,
        total,
        band,
        stage,
        lastActivityAt,
      })
      expect(fields(score!)).toEqual(fields(alone!))
      const [other] = await real.scoresOf('b2b-saas', ['c1'])
      expect(other).toMatchObject({ modelVersion: 2 })
      expect(other!.stage).not.toBe('mql')
      const toMql = await real.listTransitions({ contactId: 'c3', kinds: ['stage'], limit: 100 })
      expect(toMql.filter((t) => t.to === 'mql' && t.modelVersion === 2)).toHaveLength(1)
    } finally {
      await engine.close()
      await real.close()
    }
  }, 20_000)
})
