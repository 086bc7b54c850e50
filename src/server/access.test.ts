import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ManualClock } from '../engine/index.js'
import { IDLE_MS } from './dashboard/sessions.js'
import { ROUTES } from './openapi.js'
import { type MemoryApp, memoryApp } from './test-support/memory-app.js'

const WRITE = 'access-write-key'
const ADMIN = 'access-admin-key'

let env: MemoryApp
let app: MemoryApp['app']

beforeAll(async () => {
  env = await memoryApp({ write: WRITE, admin: ADMIN })
  app = env.app
})
afterAll(() => env.close())

/** Every route of the app that needs a key: (method, path with `x` for parameters). */
function keyedRoutes(): { method: string; path: string; kind: 'write' | 'admin' }[] {
  const seen = new Set<string>()
  const out: { method: string; path: string; kind: 'write' | 'admin' }[] = []
  for (const r of app.routes) {
    if (r.method === 'ALL' || !/^\/(api|v1)\//.test(r.path)) continue
    const path = r.path.replace(/:[a-z]+/gi, (p) => (p === ':route' ? 'track' : 'x'))
    const id = `${r.method} ${path}`
    if (seen.has(id)) continue
    seen.add(id)
    const kind =
      path.startsWith('/v1/') || (r.method === 'POST' && path === '/api/events') ? 'write' : 'admin'
    out.push({ method: r.method, path, kind })
  }
  return out
}

async function call(method: string, path: string, authorization?: string) {
  const res = await app.request(path, {
    method,
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
  })
  await res.arrayBuffer()
  return res.status
}

describe('access to every route', () => {
  it('covers the routes (sanity)', () => {
    const routes = keyedRoutes()
    expect(routes.length).toBeGreaterThan(30)
    expect(routes.filter((r) => r.kind === 'write').length).toBeGreaterThanOrEqual(2)
  })

  it('without a key: 401 everywhere, and nothing runs', async () => {
    for (const { method, path } of keyedRoutes())
      expect(await call(method, path), `${method} ${path}`).toBe(401)
    for (const { method, path } of keyedRoutes())
      expect(await call(method, path, 'Bearer not-a-key'), `${method} ${path}`).toBe(401)
  })

  it('a write key: only ingestion; 403 on everything else (it reads nothing)', async () => {
    for (const { method, path, kind } of keyedRoutes()) {
      const status = await call(method, path, `Bearer ${WRITE}`)
      if (kind === 'admin') expect(status, `${method} ${path}`).toBe(403)
      else expect([401, 403], `${method} ${path}`).not.toContain(status)
    }
  })

  it('an admin key: everything (whatever the answer to an empty body is, it is not 401 or 403)', async () => {
    for (const { method, path } of keyedRoutes()) {
      const status = await call(method, path, `Bearer ${ADMIN}`)
      expect([401, 403], `${method} ${path}`).not.toContain(status)
      expect(status, `${method} ${path}`).toBeLessThan(500)
    }
  })

  it('answers carry nosniff, and API answers are never cached', async () => {
    const api = await app.request('/api/contacts', { headers: { authorization: `Bearer ${ADMIN}` } })
    expect(api.headers.get('x-content-type-options')).toBe('nosniff')
    expect(api.headers.get('cache-control')).toBe('no-store')
    const denied = await app.request('/api/contacts')
    expect(denied.headers.get('cache-control')).toBe('no-store')
    expect((await app.request('/healthz')).headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('public routes need no key and reveal no data', async () => {
    for (const path of ['/healthz', '/metrics', '/openapi.json', '/docs']) {
      const res = await app.request(path)
      expect(res.status, path).toBe(200)
    }
  })

  it('every public API route is documented in the OpenAPI document', () => {
    const documented = new Set(
      ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path.replace(/\{[a-z]+\}/gi, 'x')}`),
    )
    const missing = keyedRoutes()
      // the dashboard's own routes are internal (sessions, previews for the editor)
      .filter((r) => !r.path.startsWith('/api/dashboard/') && r.path !== '/v1/track')
      .map((r) => `${r.method} ${r.path}`)
      .filter((id) => !documented.has(id))
    expect(missing).toEqual([])
  })
})

describe('access with a dashboard session', () => {
  it('a live session acts as its key; an expired one gets 401 everywhere, and nothing runs', async () => {
    const own = await memoryApp({ write: WRITE, admin: ADMIN })
    try {
      const signIn = await own.app.request('/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: ADMIN }),
      })
      expect(signIn.status).toBe(200)
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!
      const { csrfToken } = (await signIn.json()) as { csrfToken: string }
      const withSession = (method: string, path: string) =>
        own.app.request(path, {
          method,
          headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
          ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
        })
      expect((await withSession('GET', '/api/contacts')).status).toBe(200)

      ;(own.engine.clock as ManualClock).advance(IDLE_MS + 1)
      const before = await own.store.listContacts({ model: own.engine.primaryModel().record.id })
      for (const { method, path, kind } of keyedRoutes()) {
        if (kind === 'write') continue // ingestion takes write keys, never sessions
        const res = await withSession(method, path)
        await res.arrayBuffer()
        expect(res.status, `${method} ${path}`).toBe(401)
      }
      expect(await own.store.listContacts({ model: own.engine.primaryModel().record.id })).toEqual(before)
    } finally {
      await own.close()
    }
  })
})
