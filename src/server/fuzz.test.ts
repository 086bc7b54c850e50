import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Store } from '../store/index.js'
import { type MemoryApp, memoryApp } from './test-support/memory-app.js'

const WRITE = 'fuzz-write'
const ADMIN = 'fuzz-admin'
const ROUTES = [
  '/v1/batch',
  '/v1/b',
  '/v1/track',
  '/v1/t',
  '/v1/identify',
  '/v1/page',
  '/v1/group',
  '/v1/alias',
  '/v1/screen',
]

let env: MemoryApp
let store: Store
let app: MemoryApp['app']

beforeAll(async () => {
  env = await memoryApp({ write: WRITE, admin: ADMIN })
  store = env.store
  app = env.app
})
afterAll(() => env.close())

const keys = [
  'type',
  'userId',
  'anonymousId',
  'event',
  'messageId',
  'timestamp',
  'properties',
  'traits',
  'groupId',
  'previousId',
  'context',
  'sentAt',
  'batch',
  '__proto__',
  'constructor',
  'prototype',
  'writeKey',
]
/** Values of every shape: strings with unicode edge cases, numbers at the limits, deep nesting. */
const scalar = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\udfff',
    '\u202e',
    'NaN',
    '-1e400',
    '9999-12-31T23:59:59Z',
    '0001-01-01T00:00:00Z',
    '+275760-09-13T00:00:00.000Z',
  ),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 8.64e15, -8.64e15, 1e308, 0),
  fc.boolean(),
  fc.constant(null),
)
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string()), tie('value'), { maxKeys: 8 }),
}))
const message = fc.record(
  {
    type: fc.oneof(fc.constantFrom('track', 'identify', 'page', 'screen', 'group', 'alias'), scalar),
    userId: fc.oneof(scalar, fc.constantFrom('u1', 'u2')),
    anonymousId: fc.oneof(scalar, fc.constant('a1')),
    event: scalar,
    messageId: fc.oneof(scalar, fc.uuid()),
    timestamp: scalar,
    properties: value,
    traits: value,
    context: value,
  },
  { requiredKeys: [] },
)

async function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const res = await app.request(path, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${WRITE}:`).toString('base64')}`, ...headers },
    body,
  })
  const text = await res.text()
  return { status: res.status, text }
}

async function stored(): Promise<number> {
  let n = 0
  for await (const page of store.streamEvents()) n += page.length
  return n
}

/** A 4xx says what and where; a 200 counts every message. Never a 5xx. */
function expectClear(status: number, text: string) {
  expect(status, text).toBeLessThan(500)
  const body = JSON.parse(text) as { error?: { code: string; message: string }; accepted?: number }
  if (status >= 400) {
    expect(body.error?.code).toMatch(/^[a-z_]+$/)
    expect(body.error?.message.length).toBeGreaterThan(5)
  }
  return body
}

describe('ingestion under bad input (property-based)', () => {
  it('answers every body on every route with a 200 or a clear 4xx, and stores exactly what it accepts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.oneof(message, value),
        fc.array(message, { maxLength: 6 }),
        async (route, single, list) => {
          const body = route === '/v1/batch' || route === '/v1/b' ? { batch: list } : single
          const before = await stored()
          const { status, text } = await post(route, JSON.stringify(body))
          const result = expectClear(status, text) as { accepted?: number; duplicates?: number }
          const after = await stored()
          // events stored = accepted track/page/screen messages (identify, group, alias store none)
          expect(after - before).toBeLessThanOrEqual(result.accepted ?? 0)
          if (status !== 200) expect(after).toBe(before)
        },
      ),
      { numRuns: 300 },
    )
    expect((await app.request('/healthz')).status).toBe(200)
  }, 120_000)

  it('refuses bytes that are not JSON, bad gzip and bodies that are not objects, touching nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        async (route, bytes, gzip) => {
          const before = await stored()
          const { status, text } = await post(route, bytes, gzip ? { 'content-encoding': 'gzip' } : {})
          expectClear(status, text)
          expect(await stored()).toBe(before)
        },
      ),
      { numRuns: 200 },
    )
    for (const body of ['[]', '"x"', '1', 'null', '{"batch": {}}', '{"batch": "x"}']) {
      const { status, text } = await post('/v1/batch', body)
      expect(status, body).toBe(400)
      expectClear(status, text)
    }
  })

  it('survives deep nesting, huge strings and gzip bombs with a 4xx or per-message rejections', async () => {
    for (const depth of [100, 5000, 100_000]) {
      const deep = `{"userId":"u","event":"x","properties":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`
      const nested = await post('/v1/track', deep)
      expectClear(nested.status, nested.text)
    }
    const huge = await post(
      '/v1/track',
      JSON.stringify({ userId: 'u', event: 'x', properties: { s: 'y'.repeat(40_000) } }),
    )
    expect(expectClear(huge.status, huge.text)).toMatchObject({ accepted: 0, rejected: 1 })
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 32))
    const exploded = await post('/v1/batch', bomb, { 'content-encoding': 'gzip' })
    expect(exploded.status).toBe(413)
    expectClear(exploded.status, exploded.text)
    expect((await app.request('/healthz')).status).toBe(200)
  })

  it('keeps __proto__ and constructor keys as data, never as prototypes', async () => {
    const body =
      '{"userId":"proto","event":"x","messageId":"p1","properties":{"__proto__":{"polluted":true},"constructor":{"prototype":{"bad":1}}}}'
    expect((await post('/v1/track', body)).status).toBe(200)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    const [event] = await store.contactEvents('proto')
    expect(Object.keys(event!.properties)).toEqual(['__proto__', 'constructor'])
    expect(Object.getPrototypeOf(event!.properties)).toBe(Object.prototype)
  })
})

describe('the native API under bad input', () => {
  it('answers contact upserts and native events of any shape with a 200 or a clear 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/contacts', '/api/events'), value, async (path, body) => {
        const res = await app.request(path, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${path === '/api/events' ? WRITE : ADMIN}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(body),
        })
        expectClear(res.status, await res.text())
      }),
      { numRuns: 200 },
    )
  })
})
