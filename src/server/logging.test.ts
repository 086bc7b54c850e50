import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createEngine, createJsonLogger, manualClock } from '../engine/index.js'
import { openSqliteStore } from '../store/index.js'
import { createApp } from './app.js'

describe('logs', () => {
  it('never contain keys, webhook secrets or rejected keys, even at debug level', async () => {
    let text = ''
    const stream = new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk)
        done()
      },
    })
    const store = await openSqliteStore({ path: ':memory:' })
    const WRITE = 'lsk_w_secret-write-key-123456789'
    const ADMIN = 'lsk_a_secret-admin-key-987654321'
    const WRONG = 'lsk_a_wrong-key-that-must-not-show'
    const engine = await createEngine({
      store,
      clock: manualClock(Date.parse('2026-11-02T09:00:00Z')),
      tickIntervalMs: 0,
      logger: createJsonLogger({ stream, level: 'debug' }),
      staticKeys: { write: WRITE, admin: ADMIN },
    })
    const app = createApp({ engine, store })
    const basic = (k: string) => `Basic ${Buffer.from(`${k}:`).toString('base64')}`
    await app.request('/v1/track', {
      method: 'POST',
      headers: { authorization: basic(WRITE) },
      body: JSON.stringify({ userId: 'u', event: 'Demo Requested' }),
    })
    await app.request('/v1/batch', {
      method: 'POST',
      body: JSON.stringify({ writeKey: WRITE, batch: [{ type: 'track' }] }),
    })
    await app.request('/api/contacts', { headers: { authorization: `Bearer ${WRONG}` } })
    const created = await app.request('/api/webhooks', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/x', types: ['mql.reached'] }),
    })
    const { secret } = (await created.json()) as { secret: string }
    await app.request(`/api/contacts?q=${encodeURIComponent(ADMIN)}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    })
    await engine.close()
    await store.close()
    expect(text).toContain('"request"')
    expect(text).toContain('env:write')
    for (const s of [WRITE, ADMIN, WRONG, secret, basic(WRITE).slice(6)]) expect(text).not.toContain(s)
  })
})
