import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { DAY_MS } from '../core/index.js'
import { createEngine, defaultModelSource, type Engine, manualClock } from '../engine/index.js'
import { storeTargets } from '../engine/test-support/store-targets.js'
import type { Store } from '../store/index.js'
import { createApp } from './app.js'

const T0 = Date.parse('2026-11-02T09:00:00.000Z')
const WRITE = 'test-write-key'
const ADMIN = 'test-admin-key'
const iso = (t: number) => new Date(t).toISOString()
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`
const bearer = (key: string) => `Bearer ${key}`

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = any
/** A response whose JSON body the assertions check. */
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<Json> }

const VP = {
  email: 'vp@acme.example',
  job_title: 'VP Marketing',
  industry: 'Software',
  employees: 800,
  country: 'US',
}

for (const target of storeTargets()) {
  describe(`server (${target.name})`, () => {
    const open: { engine: Engine; store: Store }[] = []
    afterEach(async () => {
      for (const { engine, store } of open.splice(0)) {
        await engine.close()
        await store.close()
      }
      await target.cleanup()
    })

    async function setup(options: { maxPending?: number } = {}) {
      const store = await target.open()
      const clock = manualClock(T0)
      const engine = await createEngine({
        store,
        clock,
        tickIntervalMs: 0,
        staticKeys: { write: WRITE, admin: ADMIN },
        ...(options.maxPending === undefined ? {} : { maxPending: options.maxPending }),
      })
      open.push({ engine, store })
      const hono = createApp({ engine, store })
      const app = {
        request: (path: string, init?: RequestInit) => hono.request(path, init) as Promise<JsonResponse>,
      }
      const send = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        app.request(path, {
          method: 'POST',
          headers: { authorization: basic(WRITE), 'content-type': 'application/json', ...headers },
          body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
        })
      const get = (path: string, key = ADMIN) =>
        app.request(path, { headers: { authorization: bearer(key) } })
      const post = (path: string, body: unknown, key = ADMIN) =>
        app.request(path, {
          method: 'POST',
          headers: { authorization: bearer(key), 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        })
      return { app, engine, store, clock, send, get, post }
    }

    describe('ingestion', () => {
      it('accepts every route and short form', async () => {
        const { send, store } = await setup()
        const messages: Record<string, Record<string, unknown>> = {
          track: { userId: 'u1', event: 'Email Opened', properties: { email_id: 'e1' } },
          identify: { userId: 'u1', traits: VP },
          page: { userId: 'u1', properties: { path: '/pricing' } },
          screen: { userId: 'u1', name: 'Home' },
          group: { userId: 'u1', groupId: 'acme', traits: { name: 'Acme' } },
          alias: { userId: 'u1', previousId: 'anon-1' },
        }
        let n = 0
        for (const [type, message] of Object.entries(messages)) {
          for (const route of [type, type[0]!]) {
            const res = await send(`/v1/${route}`, { ...message, messageId: `m${++n}` })
            expect(res.status, route).toBe(200)
            expect(await res.json(), route).toMatchObject({ success: true, accepted: 1, rejected: 0 })
          }
        }
        for (const route of ['batch', 'b']) {
          const res = await send(`/v1/${route}`, {
            batch: [
              { type: 'track', userId: 'u2', event: 'Webinar Attended', messageId: `${route}-1` },
              { type: 'page', anonymousId: 'anon-1', messageId: `${route}-2`, properties: { path: '/docs' } },
            ],
          })
          expect(await res.json()).toMatchObject({ accepted: 2 })
        }
        const names = (await store.contactEvents('u1')).map((e) => e.name).sort()
        expect(names).toEqual([
          'Email Opened',
          'Email Opened',
          'page',
          'page',
          'page',
          'page',
          'screen',
          'screen',
        ])
        expect((await store.getContact('u1'))?.properties).toMatchObject({ job_title: 'VP Marketing' })
        expect((await store.getContact('u1'))?.accountId).toBe('acme')
        expect(await store.contactOfAlias('anon-1')).toBe('u1')
        expect((await send('/v1/purchase', {})).status).toBe(404)
      })

      it('reads gzip, and JSON whatever the Content-Type says', async () => {
        const { send, store } = await setup()
        const body = (id: string) =>
          JSON.stringify({ batch: [{ type: 'track', userId: 'u', event: 'x', messageId: id }] })
        // RudderStack: gzipped JSON labelled as a form
        const rudder = await send('/v1/batch', gzipSync(body('rudder')), {
          'content-type': 'application/x-www-form-urlencoded',
          'content-encoding': 'gzip',
        })
        expect(await rudder.json()).toMatchObject({ accepted: 1 })
        // analytics.js: text/plain
        expect(
          await (await send('/v1/batch', body('ajs'), { 'content-type': 'text/plain' })).json(),
        ).toMatchObject({
          accepted: 1,
        })
        expect(await (await send('/v1/batch', body('none'), { 'content-type': '' })).json()).toMatchObject({
          accepted: 1,
        })
        expect((await store.contactEvents('u')).map((e) => e.id).sort()).toEqual(['ajs', 'none', 'rudder'])
        const bad = await send('/v1/batch', Buffer.from('not gzip'), { 'content-encoding': 'gzip' })
        expect(bad.status).toBe(400)
        expect(await bad.json()).toMatchObject({ error: { code: 'bad_gzip' } })
      })

      it('takes the key from Basic auth, Bearer or the body, and turns away others touching nothing', async () => {
        const { app, store } = await setup()
        const track = (id: string, extra: Record<string, unknown> = {}) =>
          JSON.stringify({ type: 'track', userId: 'u', event: 'x', messageId: id, ...extra })
        const post = (path: string, body: string, headers: Record<string, string>) =>
          app.request(path, { method: 'POST', headers, body })
        expect((await post('/v1/track', track('basic'), { authorization: basic(WRITE) })).status).toBe(200)
        expect((await post('/v1/track', track('bearer'), { authorization: bearer(WRITE) })).status).toBe(200)
        expect((await post('/v1/track', track('body', { writeKey: WRITE }), {})).status).toBe(200)
        expect(
          (
            await post(
              '/v1/batch',
              JSON.stringify({ writeKey: WRITE, batch: [JSON.parse(track('batch-body'))] }),
              {},
            )
          ).status,
        ).toBe(200)
        expect((await post('/v1/track', track('admin'), { authorization: bearer(ADMIN) })).status).toBe(200)

        const models = await store.listModels()
        for (const [id, headers] of [
          ['none', {}],
          ['wrong', { authorization: basic('nope') }],
          ['wrong-bearer', { authorization: bearer('nope') }],
        ] as const) {
          const res = await post('/v1/track', track(id, { userId: `stranger-${id}` }), headers)
          expect(res.status).toBe(401)
          expect(res.headers.get('www-authenticate')).toMatch(/Basic/)
          expect(await res.json()).toMatchObject({
            error: { code: 'unauthorized', hint: expect.any(String) },
          })
          expect(await store.getContact(`stranger-${id}`)).toBeUndefined()
        }
        expect((await post('/v1/track', track('wrong-body', { writeKey: 'nope' }), {})).status).toBe(401)
        expect((await store.contactEvents('u')).map((e) => e.id).sort()).toEqual([
          'admin',
          'basic',
          'batch-body',
          'bearer',
          'body',
        ])
        expect(await store.listModels()).toEqual(models)

        // the native API needs an admin key
        expect((await app.request('/api/contacts')).status).toBe(401)
        expect(
          (await app.request('/api/contacts', { headers: { authorization: bearer(WRITE) } })).status,
        ).toBe(403)
        expect(
          (await app.request('/api/contacts', { headers: { authorization: bearer('nope') } })).status,
        ).toBe(401)
        expect(
          (await app.request('/api/contacts', { headers: { authorization: bearer(ADMIN) } })).status,
        ).toBe(200)
      })

      it('works with keys created in the store, and refuses them once revoked', async () => {
        const { app, engine, store } = await setup()
        const key = await engine.keys.create('write', 'test')
        expect(key.secret).toMatch(/^lsk_w_/)
        expect((await store.listKeys())[0]).toMatchObject({ id: key.id, kind: 'write' })
        expect(JSON.stringify(await store.listKeys())).not.toContain(key.secret)
        const send = () =>
          app.request('/v1/track', {
            method: 'POST',
            headers: { authorization: basic(key.secret) },
            body: JSON.stringify({ userId: 'u', event: 'x' }),
          })
        expect((await send()).status).toBe(200)
        await store.revokeKey(key.id, T0)
        engine.keys.forget()
        expect((await send()).status).toBe(401)
      })

      it('stores a retried batch once', async () => {
        const { send, store } = await setup()
        const batch = {
          batch: Array.from({ length: 20 }, (_, i) => ({
            type: 'track',
            userId: 'u',
            event: 'Email Opened',
            messageId: `m${i}`,
            properties: { email_id: `e${i}` },
          })),
        }
        expect(await (await send('/v1/batch', batch)).json()).toMatchObject({ accepted: 20, duplicates: 0 })
        expect(await (await send('/v1/batch', batch, { 'x-retry-count': '1' })).json()).toMatchObject({
          accepted: 0,
          duplicates: 20,
        })
        expect((await store.contactEvents('u')).length).toBe(20)
      })

      it('accepts the valid part of a batch and says what it rejected and why', async () => {
        const { send, get } = await setup()
        const res = await send('/v1/batch', {
          batch: [
            { type: 'track', userId: 'u', event: 'ok', messageId: 'ok1' },
            { type: 'track', userId: 'u', messageId: 'no-event' },
            { type: 'identify', messageId: 'no-ids', traits: { email: 'a@b.c' } },
            'not a message',
            {
              type: 'track',
              userId: 'u',
              event: 'big',
              messageId: 'big',
              properties: { x: 'x'.repeat(40_000) },
            },
            { type: 'page', userId: 'u', messageId: 'ok2' },
          ],
        })
        expect(res.status).toBe(200)
        const body = await res.json()
        expect(body).toMatchObject({ received: 6, accepted: 2, rejected: 4 })
        expect(body.rejections.map((r: { index: number }) => r.index)).toEqual([1, 2, 3, 4])
        expect(body.rejections[0].reason).toMatch(/track needs an event name/)
        expect(body.rejections[3].reason).toMatch(/32 KB/)
        const log = await (await get('/api/ingest/rejections')).json()
        expect(log.total).toBe(4)
        expect(log.rejections[0]).toMatchObject({ route: '/v1/batch', keyId: 'env:write', messageId: 'big' })
      })

      it('answers 400 only for bodies that can never be accepted, 413 over 500 KB', async () => {
        const { send, store } = await setup()
        for (const body of ['{not json', '[1,2]', '"text"', '']) {
          const res = await send('/v1/batch', body)
          expect(res.status, body).toBe(400)
        }
        expect(await (await send('/v1/batch', '{nope')).json()).toMatchObject({ error: { code: 'bad_json' } })
        expect((await send('/v1/batch', { messages: [] })).status).toBe(400)
        const big = {
          batch: Array.from({ length: 20 }, (_, i) => ({
            type: 'track',
            userId: 'u',
            event: 'x',
            messageId: `b${i}`,
            properties: { x: 'y'.repeat(30_000) },
          })),
        }
        const tooLarge = await send('/v1/batch', big)
        expect(tooLarge.status).toBe(413)
        expect(await tooLarge.json()).toMatchObject({ error: { code: 'too_large' } })
        const zipped = await send('/v1/batch', gzipSync(JSON.stringify(big)), { 'content-encoding': 'gzip' })
        expect(zipped.status).toBe(413)
        expect(await store.contactEvents('u')).toEqual([])
        // more than 2,500 messages: the rest are rejected
        const many = {
          batch: Array.from({ length: 2502 }, (_, i) => ({
            type: 'track',
            userId: 'm',
            event: 'x',
            messageId: `n${i}`,
          })),
        }
        expect(await (await send('/v1/batch', many)).json()).toMatchObject({ accepted: 2500, rejected: 2 })
      })

      it('answers 429 with Retry-After when the queue is full', async () => {
        const { send } = await setup({ maxPending: 10 })
        const batch = (p: string) => ({
          batch: Array.from({ length: 10 }, (_, i) => ({
            type: 'track',
            userId: 'u',
            event: 'x',
            messageId: `${p}${i}`,
          })),
        })
        const [first, second] = await Promise.all([
          send('/v1/batch', batch('a')),
          send('/v1/batch', batch('b')),
        ])
        expect(first!.status).toBe(200)
        expect(second!.status).toBe(429)
        expect(Number(second!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
        expect(await second!.json()).toMatchObject({ error: { code: 'queue_full' } })
      })

      it('answers the CORS preflight of browsers', async () => {
        const { app } = await setup()
        const res = await app.request('/v1/p', {
          method: 'OPTIONS',
          headers: {
            origin: 'http://localhost:3000',
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization',
          },
        })
        expect(res.status).toBe(204)
        expect(res.headers.get('access-control-allow-origin')).toBe('*')
        expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization')
        expect(res.headers.get('access-control-allow-methods')).toContain('POST')
      })
    })

    describe('native API', () => {
      it('shows real-time rescoring in GET /api/contacts/:id, with the points each event gives', async () => {
        const { send, get } = await setup()
        await send('/v1/batch', {
          batch: [
            { type: 'identify', userId: 'vp', messageId: 'i1', traits: VP },
            {
              type: 'page',
              userId: 'vp',
              messageId: 'p1',
              properties: { path: '/pricing' },
              timestamp: iso(T0 - DAY_MS),
            },
          ],
        })
        const before = await (await get('/api/contacts/vp')).json()
        expect(before.live).toMatchObject({ fit: 40, band: 'warm', stage: 'subscriber' })
        await send('/v1/track', {
          userId: 'vp',
          event: 'Demo Requested',
          messageId: 'd1',
          timestamp: iso(T0),
        })
        const after = await (await get('/api/contacts/vp')).json()
        expect(after.live).toMatchObject({ band: 'hot', stage: 'mql', journey: 'decision' })
        expect(after.scores[0]).toMatchObject({ modelId: 'b2b-saas', band: 'hot', stage: 'mql' })
        expect(
          after.timeline.map((e: { id: string; points: number }) => [e.id, Math.round(e.points * 100) / 100]),
        ).toEqual([
          ['d1', 30],
          ['p1', 7.82],
        ])
        expect(after.history.length).toBe(2)
        expect(after.stageHistory.map((t: { to: string }) => t.to)).toEqual(['subscriber', 'mql'])
        expect((await get('/api/contacts/nobody')).status).toBe(404)
      })

      it('ranks, filters, pages and exports the queue', async () => {
        const { send, get } = await setup()
        const batch = Array.from({ length: 30 }, (_, i) => [
          {
            type: 'identify',
            userId: `c${String(i).padStart(2, '0')}`,
            messageId: `i${i}`,
            traits: { ...VP, email: `p${i}@acme.example`, first_name: `Person${i}` },
          },
          ...Array.from({ length: i % 6 }, (_, k) => ({
            type: 'track',
            userId: `c${String(i).padStart(2, '0')}`,
            event: 'Webinar Attended',
            messageId: `w${i}-${k}`,
          })),
        ]).flat()
        await send('/v1/batch', { batch })
        const page1 = await (await get('/api/contacts?limit=10')).json()
        expect(page1.items).toHaveLength(10)
        const totals = page1.items.map((c: { score: { total: number } }) => c.score.total)
        expect(totals).toEqual([...totals].sort((a, b) => b - a))
        expect(page1.items[0]).toMatchObject({
          email: expect.stringMatching(/@acme/),
          title: 'VP Marketing',
          score: { model: 'b2b-saas' },
        })
        const ids = new Set<string>()
        let cursor: string | null = null
        do {
          const res: { items: { id: string }[]; nextCursor: string | null } = await (
            await get(`/api/contacts?limit=7${cursor ? `&cursor=${cursor}` : ''}`)
          ).json()
          for (const c of res.items) ids.add(c.id)
          cursor = res.nextCursor
        } while (cursor)
        expect(ids.size).toBe(30)
        const hot = await (await get('/api/contacts?band=hot&sort=engagement&limit=100')).json()
        expect(hot.items.every((c: { score: { band: string } }) => c.score.band === 'hot')).toBe(true)
        const counts = await (await get('/api/contacts/counts?by=band')).json()
        expect(counts.counts.find((c: { value: string }) => c.value === 'hot').count).toBe(hot.items.length)
        expect(
          (await (await get('/api/contacts?q=person12')).json()).items.map((c: { id: string }) => c.id),
        ).toEqual(['c12'])
        const bad = await get('/api/contacts?sort=nonsense')
        expect(bad.status).toBe(400)
        expect(await bad.json()).toMatchObject({
          error: { code: 'invalid_request', message: expect.stringMatching(/^sort: must be one of/) },
        })

        const csv = await get('/api/contacts?format=csv')
        expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
        const lines = (await csv.text()).trim().split('\r\n')
        expect(lines[0]).toBe(
          'id,name,email,title,company,account_id,stage,owner,total,fit,engagement,grade,level,label,band,journey,segments,likelihood,last_activity_at',
        )
        expect(lines).toHaveLength(31)
      })

      it('upserts contacts and takes native events', async () => {
        const { post, get, store } = await setup()
        const res = await post('/api/contacts', {
          contacts: [{ id: 'n1', properties: VP, owner: 'alice' }, { id: 'n2' }],
        })
        expect(res.status).toBe(200)
        expect((await res.json()).contacts.map((c: { id: string }) => c.id)).toEqual(['n1', 'n2'])
        expect((await (await get('/api/contacts/n1')).json()).scores[0]).toMatchObject({ fit: 40 })
        expect((await post('/api/contacts', { id: 'n1', stage: 'won' })).status).toBe(422)
        expect((await post('/api/contacts', { id: 'n1', nonsense: true })).status).toBe(400)
        const events = await post(
          '/api/events',
          { events: [{ id: 'ev1', contactId: 'n1', name: 'Demo Requested', ts: iso(T0) }] },
          WRITE,
        )
        expect(await events.json()).toMatchObject({ accepted: 1 })
        expect((await store.contactEvents('n1')).map((e) => e.name)).toEqual(['Demo Requested'])
        expect((await (await get('/api/contacts/n1')).json()).live.band).toBe('hot')
      })

      it('lists accounts with their committee, and segments with their sizes', async () => {
        const { send, get } = await setup()
        await send('/v1/batch', {
          batch: [
            { type: 'identify', userId: 'vp', messageId: 'i1', traits: VP },
            {
              type: 'group',
              userId: 'vp',
              groupId: 'acme',
              messageId: 'g1',
              traits: { name: 'Acme', industry: 'Computer Software', employees: 900 },
            },
            { type: 'track', userId: 'vp', event: 'Webinar Attended', messageId: 'w1' },
          ],
        })
        const accounts = await (await get('/api/accounts')).json()
        expect(accounts.items[0]).toMatchObject({ id: 'acme', name: 'Acme', score: { contacts: 1 } })
        expect(
          accounts.items[0].score.committee.find((r: { id: string }) => r.id === 'economic-buyer').covered,
        ).toBe(true)
        const one = await (await get('/api/accounts/acme')).json()
        expect(one.members).toEqual([expect.objectContaining({ id: 'vp', title: 'VP Marketing' })])
        const segments = await (await get('/api/segments')).json()
        expect(segments.segments.find((s: { id: string }) => s.id === 'content-engaged')).toMatchObject({
          contacts: 1,
        })
        expect(segments.segments.length).toBeGreaterThan(5)
      })

      it('drafts, previews, publishes and rolls back models', async () => {
        const { app, post, get, engine } = await setup()
        await post('/api/contacts', { id: 'vp', properties: VP })
        const broken = await app.request('/api/models', {
          method: 'POST',
          headers: { authorization: bearer(ADMIN), 'content-type': 'text/yaml' },
          body: 'format: leadscore/v1\nid: x\nfit:\n  max: 40\n  groups:\n    - id: g\n      rules:\n        - when: { title: VP }\n          pionts: 5\n',
        })
        expect(broken.status).toBe(422)
        const error = (await broken.json()).error
        expect(error.code).toBe('invalid_model')
        expect(error.issues[0]).toMatchObject({
          line: expect.any(Number),
          column: expect.any(Number),
          path: expect.stringContaining('rules[0]'),
        })
        // hot from 40 points instead of 60 (the first `gte: 60` is the hot band's)
        const source = defaultModelSource().replace('score.total: { gte: 60 }', 'score.total: { gte: 40 }')
        const created = await post('/api/models', { source })
        expect(created.status).toBe(201)
        expect((await created.json()).model).toMatchObject({ id: 'b2b-saas', version: 2, status: 'draft' })
        expect((await (await get('/api/models/b2b-saas/versions')).json()).versions).toHaveLength(2)
        expect((await (await get('/api/models/b2b-saas/versions/2')).json()).source).toBe(source)
        const preview = await (await post('/api/models/b2b-saas/preview', {})).json()
        expect(preview).toMatchObject({
          contacts: 1,
          bandChanges: 1,
          changes: [{ contactId: 'vp', before: { band: 'warm' }, after: { band: 'hot' } }],
        })
        const published = await post('/api/models/b2b-saas/versions/2/publish', {})
        expect(published.status).toBe(202)
        await Promise.all(engine.publishJobs().map((j) => j.done))
        const models = await (await get('/api/models')).json()
        expect(models.models[0]).toMatchObject({ id: 'b2b-saas', published: { version: 2, primary: true } })
        expect(models.jobs[0]).toMatchObject({ version: 2, status: 'done', scored: 1 })
        expect((await (await get('/api/contacts/vp')).json()).scores[0]).toMatchObject({
          modelVersion: 2,
          band: 'hot',
        })
        expect((await post('/api/models/b2b-saas/rollback', '')).status).toBe(202)
        await Promise.all(engine.publishJobs().map((j) => j.done))
        expect((await (await get('/api/contacts/vp')).json()).scores[0]).toMatchObject({
          modelVersion: 1,
          band: 'warm',
        })
        expect((await post('/api/models/b2b-saas/versions/1/archive', {})).status).toBe(409)
        expect((await post('/api/models/nope/versions/1/publish', {})).status).toBe(404)
      })

      it('serves health, metrics, the OpenAPI document, docs and the queue page', async () => {
        const { app, send } = await setup()
        await send('/v1/track', { userId: 'u', event: 'x', messageId: 'm1' })
        await send('/v1/track', { userId: 'u', event: 'x', messageId: 'm1' })
        await send('/v1/track', { userId: 'u' })
        const health = await (await app.request('/healthz')).json()
        expect(health).toMatchObject({
          status: 'ok',
          store: target.name,
          models: [{ id: 'b2b-saas', primary: true }],
        })
        const metrics = await (await app.request('/metrics')).text()
        expect(metrics).toMatch(/^leadscore_events_accepted_total 1$/m)
        expect(metrics).toMatch(/^leadscore_events_deduplicated_total 1$/m)
        expect(metrics).toMatch(/^leadscore_events_rejected_total 1$/m)
        expect(metrics).toMatch(/^leadscore_ingest_queue_depth 0$/m)
        expect(metrics).toMatch(/^leadscore_rescore_lag_seconds 0$/m)
        expect(metrics).toMatch(
          /^leadscore_http_request_duration_seconds_bucket\{method="POST",route="\/v1\/:route",status="200",le="\+Inf"\} 3$/m,
        )
        const openapi = await (await app.request('/openapi.json')).json()
        expect(openapi.openapi).toBe('3.1.0')
        expect(Object.keys(openapi.paths)).toEqual(
          expect.arrayContaining([
            '/v1/batch',
            '/v1/t',
            '/api/contacts',
            '/api/contacts/{id}',
            '/api/models/{id}/preview',
          ]),
        )
        const sort = openapi.paths['/api/contacts'].get.parameters.find(
          (p: { name: string }) => p.name === 'sort',
        )
        expect(sort.schema.enum).toContain('last_activity')
        expect(
          openapi.paths['/v1/batch'].post.requestBody.content['application/json'].schema.properties.batch,
        ).toBeDefined()
        const docs = await (await app.request('/docs')).text()
        expect(docs).toContain('/v1/batch')
        expect(docs).toContain('The ranked queue')
        const page = await app.request('/')
        expect(page.headers.get('content-type')).toMatch(/text\/html/)
        // the dashboard (src/server/dashboard), or how to build it
        expect(await page.text()).toContain('<title>Leadscore</title>')
        const missing = await app.request('/nowhere')
        expect(missing.status).toBe(404)
        expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } })
      })
    })
  })
}
