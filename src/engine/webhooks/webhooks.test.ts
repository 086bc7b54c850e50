import { afterEach, describe, expect, it } from 'vitest'
import type { Store } from '../../store/index.js'
import { systemClock } from '../clock.js'
import { createEngine, type Engine, type WebhookSenderSettings } from '../engine.js'
import { InvalidRequestError } from '../errors.js'
import { MANAGER, mqlMessages, VP } from '../test-support/leads.js'
import { type Receiver, startReceiver } from '../test-support/receiver.js'
import { storeTargets } from '../test-support/store-targets.js'
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, verdict } from './backoff.js'
import { signatureHeader, verifyWebhookSignature } from './signature.js'

const FAST: WebhookSenderSettings = {
  policy: { initialDelayMs: 100, maxDelayMs: 400, maxAttempts: 4, timeoutMs: 2000 },
  pollIntervalMs: 20,
}

const iso = (t: number) => new Date(t).toISOString()
/** Messages that make `userId` a hot MQL (the VP requests a demo and reads the pricing page). */
const mql = (userId: string, traits: Record<string, unknown> = VP) => mqlMessages(userId, Date.now(), traits)

describe('signatures', () => {
  const body = '{"id":"dlv_1"}'
  it('verify with the secret, within the tolerance, and with any of several signatures', () => {
    const header = signatureHeader(body, ['whsec_a', 'whsec_b'], 1_000_000)
    expect(header).toMatch(/^t=1000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/)
    expect(verifyWebhookSignature(body, header, 'whsec_a', { nowSec: 1_000_000 })).toBe(true)
    expect(verifyWebhookSignature(body, header, 'whsec_b', { nowSec: 1_000_300 })).toBe(true)
    expect(verifyWebhookSignature(body, header, 'whsec_b', { nowSec: 1_000_301 })).toBe(false)
    expect(verifyWebhookSignature(body, header, 'whsec_c', { nowSec: 1_000_000 })).toBe(false)
    expect(verifyWebhookSignature(`${body} `, header, 'whsec_a', { nowSec: 1_000_000 })).toBe(false)
    expect(verifyWebhookSignature(body, 'v1=abc', 'whsec_a')).toBe(false)
    expect(verifyWebhookSignature(body, undefined, 'whsec_a')).toBe(false)
  })
})

describe('retry policy', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 1000, maxDelayMs: 10_000, maxAttempts: 5 }
  it('doubles the delay from the initial one, with equal jitter, up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, 0))).toEqual([500, 1000, 2000, 4000, 5000])
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, 0.999999))).toEqual([
      1000, 2000, 4000, 8000, 10_000,
    ])
  })
  it('retries network errors, timeouts, 408, 429 and 5xx; dead-letters other 4xx and the last attempt', () => {
    for (const status of [null, 408, 429, 500, 502, 503])
      expect(verdict(1, status, undefined, policy, 0).outcome).toBe('retry')
    for (const status of [400, 401, 404, 410, 301])
      expect(verdict(1, status, undefined, policy, 0).outcome).toBe('dead')
    expect(verdict(4, 503, undefined, policy, 0).outcome).toBe('retry')
    expect(verdict(5, 503, undefined, policy, 0).outcome).toBe('dead')
    expect(verdict(1, 204, undefined, policy, 0).outcome).toBe('delivered')
  })
  it('honours Retry-After on 429 and 503 when it asks for longer, up to 6 hours', () => {
    expect(verdict(1, 429, 3, policy, 0)).toEqual({ outcome: 'retry', delayMs: 3000 })
    expect(verdict(1, 503, 60, policy, 0)).toEqual({ outcome: 'retry', delayMs: 60_000 })
    expect(verdict(1, 503, 86_400, policy, 0)).toEqual({ outcome: 'retry', delayMs: 6 * 3_600_000 })
    expect(verdict(3, 429, 1, policy, 0)).toEqual({ outcome: 'retry', delayMs: 2000 })
    expect(verdict(1, 500, 30, policy, 0)).toEqual({ outcome: 'retry', delayMs: 500 })
    expect(parseRetryAfter('7', 0)).toBe(7)
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10)
    expect(parseRetryAfter('soon', 0)).toBeUndefined()
  })
})

for (const target of storeTargets()) {
  describe(`webhooks (${target.name})`, () => {
    const open: { engine: Engine; store: Store }[] = []
    const receivers: Receiver[] = []

    afterEach(async () => {
      for (const { engine, store } of open.splice(0)) {
        await engine.close()
        await store.close()
      }
      for (const r of receivers.splice(0)) await r.close()
      await target.cleanup()
    })

    async function start(settings: WebhookSenderSettings = FAST) {
      const store = await target.open()
      const engine = await createEngine({ store, clock: systemClock, tickIntervalMs: 0, webhooks: settings })
      open.push({ engine, store })
      const receiver = await startReceiver()
      receivers.push(receiver)
      return { engine, store, receiver }
    }

    it('delivers mql.reached signed, with the contact, its scores, the top rules and the cause', async () => {
      const { engine, receiver } = await start()
      const { endpoint, secret } = await engine.webhooks.create({
        url: receiver.url,
        types: ['mql.reached'],
        description: 'CRM',
      })
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
      expect(endpoint).toMatchObject({
        types: ['mql.reached'],
        secretHint: `…${secret.slice(-4)}`,
        status: 'active',
      })
      expect(JSON.stringify(await engine.webhooks.list())).not.toContain(secret)
      await engine.ingest(mql('u1'))
      await receiver.waitFor((r) => r.length === 1)
      const [req] = receiver.requests
      expect(verifyWebhookSignature(req!.body, req!.headers['leadscore-signature'] as string, secret)).toBe(
        true,
      )
      expect(req!.headers['leadscore-event']).toBe('mql.reached')
      expect(req!.headers['leadscore-delivery']).toBe(req!.json['id'])
      expect(req!.headers['content-type']).toBe('application/json')
      expect(req!.json).toMatchObject({
        type: 'mql.reached',
        model: { id: 'b2b-saas', version: 1 },
        transition: { kind: 'stage', from: null, to: 'mql', cause: { type: 'event' } },
        contact: {
          id: 'u1',
          stage: 'mql',
          properties: { job_title: 'VP Marketing' },
          scores: { grade: 'A', band: 'hot', stage: 'mql', fit: 40 },
        },
      })
      const top = req!.json['topRules'] as { rule: string; points: number }[]
      expect(top.length).toBeGreaterThan(0)
      expect(top.map((l) => Math.abs(l.points))).toEqual(
        [...top.map((l) => Math.abs(l.points))].sort((a, b) => b - a),
      )
      const log = await engine.webhooks.deliveries(endpoint.id)
      await expect
        .poll(async () => (await engine.webhooks.deliveries(endpoint.id)).deliveries[0]?.status)
        .toBe('delivered')
      expect(log.deliveries).toHaveLength(1)
      const detail = await engine.webhooks.delivery(log.deliveries[0]!.id)
      expect(detail.log).toEqual([expect.objectContaining({ attempt: 1, status: 200, error: null })])
    })

    it('sends only what the filter lets through, and only the types subscribed to', async () => {
      const { engine, receiver } = await start()
      await engine.webhooks.create({
        url: receiver.url,
        types: ['band.changed'],
        filter: { 'score.grade': 'A' },
      })
      await engine.ingest([...mql('vp'), ...mql('mgr', MANAGER)])
      await receiver.waitFor((r) => r.length >= 1)
      await new Promise((r) => setTimeout(r, 200))
      expect(
        receiver.requests.map((r) => [r.json['type'], (r.json['contact'] as { id: string }).id]),
      ).toEqual([['band.changed', 'vp']])
    })

    it('retries 5xx with backoff and 429 after its Retry-After, then delivers; the log shows every attempt', async () => {
      const { engine, receiver } = await start()
      receiver.respond = (_r, i) =>
        i === 0
          ? { status: 503 }
          : i === 1
            ? { status: 429, headers: { 'retry-after': '1' } }
            : { status: 204 }
      const { endpoint } = await engine.webhooks.create({ url: receiver.url, types: ['mql.reached'] })
      await engine.ingest(mql('u1'))
      await receiver.waitFor((r) => r.length === 3, 15_000)
      const [a, b, c] = receiver.requests
      expect(new Set([a, b, c].map((r) => r!.headers['leadscore-delivery'])).size).toBe(1)
      expect([a, b, c].map((r) => r!.headers['leadscore-attempt'])).toEqual(['1', '2', '3'])
      // attempt 1 failed: retried after 50-100 ms; attempt 2 got 429 Retry-After: 1 s
      expect(b!.at - a!.at).toBeGreaterThanOrEqual(45)
      expect(c!.at - b!.at).toBeGreaterThanOrEqual(990)
      await expect
        .poll(async () => (await engine.webhooks.deliveries(endpoint.id)).deliveries[0]?.status)
        .toBe('delivered')
      const id = (await engine.webhooks.deliveries(endpoint.id)).deliveries[0]!.id
      expect((await engine.webhooks.delivery(id)).log.map((l) => l.status)).toEqual([503, 429, 204])
    })

    it('dead-letters after the last attempt and on a 4xx; redelivery sends it again', async () => {
      const { engine, receiver } = await start()
      receiver.respond = () => ({ status: 500, body: 'database is down' })
      const { endpoint } = await engine.webhooks.create({ url: receiver.url, types: ['mql.reached'] })
      await engine.ingest(mql('u1'))
      await expect
        .poll(
          async () => (await engine.webhooks.deliveries(endpoint.id, { status: 'dead' })).deliveries.length,
          {
            timeout: 10_000,
          },
        )
        .toBe(1)
      expect(receiver.requests).toHaveLength(4)
      const dead = (await engine.webhooks.deliveries(endpoint.id, { status: 'dead' })).deliveries[0]!
      expect(dead).toMatchObject({ attempts: 4, lastStatus: 500, lastError: 'HTTP 500: database is down' })
      receiver.respond = () => ({ status: 410 })
      await engine.ingest(mql('u2'))
      await expect
        .poll(
          async () => (await engine.webhooks.deliveries(endpoint.id, { status: 'dead' })).deliveries.length,
        )
        .toBe(2)
      expect(receiver.requests).toHaveLength(5)
      receiver.respond = () => ({ status: 200 })
      await engine.webhooks.redeliver(dead.id)
      await receiver.waitFor((r) => r.length === 6)
      expect(receiver.requests[5]!.headers['leadscore-delivery']).toBe(dead.id)
      await expect.poll(async () => (await engine.webhooks.delivery(dead.id)).status).toBe('delivered')
      expect((await engine.webhooks.delivery(dead.id)).log.map((l) => [l.attempt, l.status])).toEqual([
        [1, 500],
        [2, 500],
        [3, 500],
        [4, 500],
        [5, 200],
      ])
      await expect(engine.webhooks.redeliver('dlv_nope')).rejects.toThrow(/no webhook delivery/)
    })

    it('delivers a contact’s transitions in order, each delivery id once or repeated on retry', async () => {
      const { engine, receiver } = await start({ ...FAST, concurrency: 8 })
      let failed = 0
      receiver.respond = (r) => {
        if ((r.json['contact'] as { id: string }).id === 'u1' && failed < 2) {
          failed++
          return { status: 502 }
        }
        return { status: 200 }
      }
      await engine.webhooks.create({
        url: receiver.url,
        types: ['band.changed', 'stage.changed', 'mql.reached'],
      })
      const t = Date.now()
      for (const [i, m] of [
        { type: 'identify', userId: 'u1', messageId: 'a1', traits: VP, timestamp: iso(t - 5000) },
        { type: 'track', userId: 'u1', event: 'Demo Requested', messageId: 'a2', timestamp: iso(t - 4000) },
        {
          type: 'page',
          userId: 'u1',
          messageId: 'a3',
          properties: { path: '/pricing' },
          timestamp: iso(t - 3000),
        },
      ].entries()) {
        await engine.ingest([m, ...mql(`other${i}`)])
      }
      const sent = await engine.store.listDeliveries({ limit: 1000 })
      const expected = sent
        .filter((d) => d.orderKey === 'u1')
        .sort((a, b) => a.seq - b.seq)
        .map((d) => d.id)
      expect(expected.length).toBeGreaterThanOrEqual(3)
      await receiver.waitFor((r) => new Set(r.map((x) => x.json['id'])).size === sent.length, 10_000)
      const seen = receiver.requests.filter((r) => (r.json['contact'] as { id: string }).id === 'u1')
      const firstSeen = [...new Set(seen.map((r) => r.json['id'] as string))]
      expect(firstSeen).toEqual(expected)
      expect(seen.length).toBe(expected.length + 2)
    })

    it('a receiver that is down for a while gets everything once it is back', async () => {
      const { engine, receiver } = await start()
      const port = Number(new URL(receiver.url).port)
      await receiver.close()
      receivers.splice(receivers.indexOf(receiver), 1)
      await engine.webhooks.create({ url: receiver.url, types: ['mql.reached'] })
      await engine.ingest([...mql('u1'), ...mql('u2'), ...mql('u3')])
      await new Promise((r) => setTimeout(r, 300))
      const back = await startReceiver(port)
      receivers.push(back)
      await back.waitFor((r) => r.length === 3, 10_000)
      expect(back.requests.map((r) => (r.json['contact'] as { id: string }).id).sort()).toEqual([
        'u1',
        'u2',
        'u3',
      ])
    })

    it('signs with both secrets while a rotated-out one is valid', async () => {
      const { engine, receiver } = await start()
      const created = await engine.webhooks.create({ url: receiver.url, types: ['mql.reached'] })
      const rotated = await engine.webhooks.rotateSecret(created.endpoint.id, 1)
      expect(rotated.secret).not.toBe(created.secret)
      expect(rotated.endpoint.previousSecretValidUntil).toBeGreaterThan(Date.now())
      await engine.ingest(mql('u1'))
      await receiver.waitFor((r) => r.length === 1)
      const { body, headers } = receiver.requests[0]!
      const header = headers['leadscore-signature'] as string
      expect(header.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2)
      expect(verifyWebhookSignature(body, header, created.secret)).toBe(true)
      expect(verifyWebhookSignature(body, header, rotated.secret)).toBe(true)
      const ended = await engine.webhooks.rotateSecret(created.endpoint.id, 0)
      expect(ended.endpoint.previousSecretValidUntil).toBeNull()
    })

    it('refuses endpoints it could never deliver to, with what to write instead', async () => {
      const { engine } = await start()
      const bad = [
        [{ url: 'ftp://x', types: ['mql.reached'] }, /url: "ftp:\/\/x" is not an http\(s\) URL/],
        [{ url: 'http://u:p@x', types: ['mql.reached'] }, /must not carry a user name/],
        [{ url: 'http://x', types: [] }, /types: name at least one/],
        [{ url: 'http://x', types: ['mql.reachd'] }, /types\[0\]: "mql.reachd" is not an event type/],
        [
          { url: 'http://x', types: ['mql.reached'], filter: { 'score.grade': { gte: 10, lt: 5 } } },
          /filter/,
        ],
        [{ url: 'http://x', types: ['mql.reached'], filter: { did: { event: 'x' } } }, /did/],
        [{ url: 'http://x', types: ['mql.reached'], filter: 'score.grade: [A' }, /filter: not valid YAML/],
      ] as const
      for (const [input, message] of bad) {
        const attempt = engine.webhooks.create(input as never)
        await expect(attempt).rejects.toThrow(InvalidRequestError)
        await expect(attempt).rejects.toThrow(message)
      }
      expect(await engine.webhooks.list()).toEqual([])
      const ok = await engine.webhooks.create({
        url: 'http://x',
        types: ['band.changed'],
        filter: '{ score.grade: [A, B] }',
      })
      expect(ok.endpoint.filter).toEqual({ 'score.grade': ['A', 'B'] })
    })

    it('assigns new MQLs an owner round robin, skipping owners at their weekly capacity', async () => {
      const { engine, store, receiver } = await start()
      await engine.webhooks.create({ url: receiver.url, types: ['owner.assigned'] })
      await expect(engine.setAssignment({ owners: ['ana', 'ana'] })).rejects.toThrow(/owners must not repeat/)
      await engine.setAssignment({ owners: ['ana', 'bo'], weeklyCapacity: 2 })
      await engine.upsertContacts([{ id: 'owned', owner: 'carla' }])
      for (const id of ['owned', 'c1', 'c2', 'c3', 'c4', 'c5']) await engine.ingest(mql(id))
      const owners = await Promise.all(
        ['owned', 'c1', 'c2', 'c3', 'c4', 'c5'].map(async (id) => (await store.getContact(id))?.owner),
      )
      expect(owners).toEqual(['carla', 'ana', 'bo', 'ana', 'bo', null])
      expect((await engine.assignment()).counts).toEqual({ ana: 2, bo: 2 })
      const recorded = await store.listTransitions({ kinds: ['owner'] })
      expect(recorded.map((t) => [t.contactId, t.to, t.cause.type])).toEqual([
        ['c1', 'ana', 'event'],
        ['c2', 'bo', 'event'],
        ['c3', 'ana', 'event'],
        ['c4', 'bo', 'event'],
      ])
      await receiver.waitFor((r) => r.length === 4)
      expect(receiver.requests.map((r) => (r.json['contact'] as { owner: string }).owner).sort()).toEqual([
        'ana',
        'ana',
        'bo',
        'bo',
      ])
      const view = await engine.setAssignment(null)
      expect(view.rule).toBeNull()
    })
  })
}
