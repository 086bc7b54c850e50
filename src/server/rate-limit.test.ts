import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type Engine, manualClock } from '../engine/index.js'
import { openSqliteStore, type Store } from '../store/index.js'
import { createApp } from './app.js'
import { HttpError } from './http-error.js'
import { RateLimiter } from './rate-limit.js'

describe('RateLimiter', () => {
  it('allows a burst, then refills at the sustained rate, per key and kind', () => {
    let now = 0
    const limiter = new RateLimiter({ write: { perSecond: 2, burst: 3 }, admin: null }, () => now)
    for (let i = 0; i < 3; i++) limiter.take('k1', 'write')
    const over = () => limiter.take('k1', 'write')
    expect(over).toThrow(HttpError)
    try {
      over()
    } catch (error) {
      expect(error).toMatchObject({ status: 429, headers: { 'Retry-After': '1' } })
    }
    limiter.take('k2', 'write') // another key has its own bucket
    now = 499
    expect(over).toThrow(/more than 2 requests a second/)
    now = 1000
    limiter.take('k1', 'write')
    limiter.take('k1', 'write')
    expect(over).toThrow(HttpError)
    for (let i = 0; i < 100; i++) limiter.take('admin', 'admin') // unlimited
  })
})

describe('rate limits in the server', () => {
  const open: { engine: Engine; store: Store }[] = []
  afterEach(async () => {
    for (const { engine, store } of open.splice(0)) {
      await engine.close()
      await store.close()
    }
  })

  it('answer 429 with Retry-After to a key over its limit, and nobody else', async () => {
    const store = await openSqliteStore({ path: ':memory:' })
    const engine = await createEngine({
      store,
      clock: manualClock(Date.parse('2026-11-02T09:00:00Z')),
      tickIntervalMs: 0,
      webhooks: false,
      staticKeys: { write: 'w-key', admin: 'a-key' },
    })
    open.push({ engine, store })
    const app = createApp({
      engine,
      store,
      config: { rateLimits: { write: { perSecond: 0.5, burst: 2 }, admin: { perSecond: 0.5, burst: 1 } } },
    })
    const track = () =>
      app.request('/v1/track', {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('w-key:').toString('base64')}` },
        body: JSON.stringify({ userId: 'u', event: 'x' }),
      })
    expect((await track()).status).toBe(200)
    expect((await track()).status).toBe(200)
    const limited = await track()
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('2')
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited')
    const api = () => app.request('/api/contacts', { headers: { authorization: 'Bearer a-key' } })
    expect((await api()).status).toBe(200)
    expect((await api()).status).toBe(429)
    // no key: 401 before any limit
    expect((await app.request('/api/contacts')).status).toBe(401)
  })
})
