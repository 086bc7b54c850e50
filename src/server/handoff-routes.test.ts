import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type Engine, systemClock, verifyWebhookSignature } from '../engine/index.js'
import { mqlMessages } from '../engine/test-support/leads.js'
import { type Receiver, startReceiver } from '../engine/test-support/receiver.js'
import { storeTargets } from '../engine/test-support/store-targets.js'
import type { Store } from '../store/index.js'
import { createApp } from './app.js'

const WRITE = 'test-write-key'
const ADMIN = 'test-admin-key'

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = any

for (const target of storeTargets()) {
  describe(`hand-off API (${target.name})`, () => {
    const open: { engine: Engine; store: Store; receiver: Receiver }[] = []
    afterEach(async () => {
      for (const { engine, store, receiver } of open.splice(0)) {
        await engine.close()
        await store.close()
        await receiver.close()
      }
      await target.cleanup()
    })

    async function setup() {
      const store = await target.open()
      const engine = await createEngine({
        store,
        clock: systemClock,
        tickIntervalMs: 0,
        staticKeys: { write: WRITE, admin: ADMIN },
        webhooks: { pollIntervalMs: 20, policy: { initialDelayMs: 50, maxDelayMs: 100, maxAttempts: 2 } },
      })
      const receiver = await startReceiver()
      open.push({ engine, store, receiver })
      const app = createApp({ engine, store })
      const call = async (method: string, path: string, body?: unknown, key = ADMIN) => {
        const res = await app.request(path, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
        const text = await res.text()
        return {
          status: res.status,
          headers: res.headers,
          text,
          json: ((res.headers.get('content-type') ?? '').startsWith('application/json')
            ? JSON.parse(text)
            : null) as Json,
        }
      }
      const mql = (userId: string) => engine.ingest(mqlMessages(userId, Date.now()))
      return { engine, store, receiver, call, mql }
    }

    it('creates an endpoint (secret shown once), lists, pauses, logs deliveries and redelivers', async () => {
      const { call, receiver, mql } = await setup()
      const created = await call('POST', '/api/webhooks', {
        url: receiver.url,
        types: ['mql.reached', 'band.changed'],
        filter: { 'score.grade': { in: ['A', 'B'] } },
        description: 'Salesforce',
      })
      expect(created.status).toBe(201)
      const { webhook, secret } = created.json
      expect(webhook).toMatchObject({ url: receiver.url, status: 'active', description: 'Salesforce' })
      const listed = await call('GET', '/api/webhooks')
      expect(listed.json.webhooks.map((w: Json) => w.id)).toEqual([webhook.id])
      expect(listed.text).not.toContain(secret)

      await mql('u1')
      await receiver.waitFor((r) => r.length === 2)
      for (const r of receiver.requests) {
        expect(verifyWebhookSignature(r.body, r.headers['leadscore-signature'] as string, secret)).toBe(true)
      }
      await expect
        .poll(
          async () =>
            (await call('GET', `/api/webhooks/${webhook.id}/deliveries?status=delivered`)).json.deliveries
              .length,
        )
        .toBe(2)
      const page = await call('GET', `/api/webhooks/${webhook.id}/deliveries?limit=1`)
      expect(page.json.deliveries).toHaveLength(1)
      expect(page.json.nextCursor).toEqual(expect.any(Number))
      const one = await call('GET', `/api/webhooks/deliveries/${page.json.deliveries[0].id}`)
      expect(one.json.delivery.log).toEqual([expect.objectContaining({ attempt: 1, status: 200 })])

      const paused = await call('PATCH', `/api/webhooks/${webhook.id}`, { status: 'paused' })
      expect(paused.json.webhook.status).toBe('paused')
      const again = await call('POST', `/api/webhooks/deliveries/${page.json.deliveries[0].id}/redeliver`)
      expect(again.status).toBe(202)
      await new Promise((r) => setTimeout(r, 150))
      expect(receiver.requests).toHaveLength(2)
      await call('PATCH', `/api/webhooks/${webhook.id}`, { status: 'active' })
      await receiver.waitFor((r) => r.length === 3)
      expect(receiver.requests[2]!.headers['leadscore-delivery']).toBe(page.json.deliveries[0].id)

      const rotated = await call('POST', `/api/webhooks/${webhook.id}/rotate-secret`, { graceHours: 1 })
      expect(rotated.json.secret).not.toBe(secret)
      expect(rotated.json.webhook.previousSecretValidUntil).toBeGreaterThan(Date.now())
      expect((await call('DELETE', `/api/webhooks/${webhook.id}`)).status).toBe(204)
      expect((await call('GET', `/api/webhooks/${webhook.id}`)).status).toBe(404)
    })

    it('answers bad requests with what is wrong and where; write keys get nothing', async () => {
      const { call } = await setup()
      const bad = await call('POST', '/api/webhooks', { url: 'http://x', types: ['mql.reachd'] })
      expect(bad.status).toBe(400)
      expect(bad.text).toContain('types')
      const filter = await call('POST', '/api/webhooks', {
        url: 'http://x',
        types: ['mql.reached'],
        filter: { 'score.grade': { gte: 10, lt: 5 } },
      })
      expect(filter.status).toBe(422)
      expect(filter.json.error.message).toMatch(/^filter\["score.grade"\]/)
      expect((await call('GET', '/api/webhooks', undefined, WRITE)).status).toBe(403)
      expect((await call('PUT', '/api/assignment', { owners: ['a'] }, WRITE)).status).toBe(403)
      expect((await call('GET', '/api/webhooks/deliveries/dlv_nope')).status).toBe(404)
    })

    it('sets the assignment rule, and new MQLs get owners; the queue filters by owner and exports NDJSON', async () => {
      const { call, mql } = await setup()
      const set = await call('PUT', '/api/assignment', {
        owners: ['ana@x.example', 'bo@x.example'],
        weeklyCapacity: 10,
      })
      expect(set.json.rule).toEqual({
        enabled: true,
        owners: ['ana@x.example', 'bo@x.example'],
        weeklyCapacity: 10,
      })
      expect((await call('PUT', '/api/assignment', { owners: 'ana' })).status).toBe(400)
      await mql('u1')
      await mql('u2')
      await mql('u3')
      expect((await call('GET', '/api/assignment')).json.counts).toEqual({
        'ana@x.example': 2,
        'bo@x.example': 1,
      })
      const mine = await call('GET', '/api/contacts?owner=ana@x.example')
      expect(mine.json.items.map((i: Json) => i.id).sort()).toEqual(['u1', 'u3'])
      const ndjson = await call('GET', '/api/contacts?owner=ana@x.example&format=ndjson')
      expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson')
      const lines = ndjson.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(lines.map((l) => l.owner)).toEqual(['ana@x.example', 'ana@x.example'])
      const csv = await call('GET', '/api/contacts?owner=bo@x.example&format=csv')
      expect(csv.text.split('\r\n')[0]).toMatch(/^id,name,email/)
      expect(csv.text.trim().split('\r\n')).toHaveLength(2)
    })
  })
}
