import { describe, expect, it } from 'vitest'
import { openSqliteStore, type Store } from '../store/index.js'
import { manualClock } from './clock.js'
import { defaultModelSource } from './default-model.js'
import { createEngine } from './engine.js'
import { mqlMessages } from './test-support/leads.js'

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
