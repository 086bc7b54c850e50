import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type Engine, manualClock } from '../../engine/index.js'
import { openSqliteStore, type Store } from '../../store/index.js'
import { createApp } from '../app.js'
import { hashPassword, verifyPassword } from './password.js'
import { salesMayCall } from './session-auth.js'
import { csrfToken } from './sessions.js'

const T0 = Date.parse('2026-11-02T09:00:00.000Z')
const ADMIN = 'test-admin-key'
const WRITE = 'test-write-key'
const DAY = 86_400_000
const HOST = 'http://leadscore.test'

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = any

const open: { engine: Engine; store: Store }[] = []
afterEach(async () => {
  for (const { engine, store } of open.splice(0)) {
    await engine.close()
    await store.close()
  }
})

async function setup(options: { dashboardDir?: string } = {}) {
  const store = await openSqliteStore({ path: ':memory:' })
  const clock = manualClock(T0)
  const engine = await createEngine({
    store,
    clock,
    tickIntervalMs: 0,
    staticKeys: { admin: ADMIN, write: WRITE },
  })
  open.push({ engine, store })
  if (options.dashboardDir) process.env['LEADSCORE_DASHBOARD_DIR'] = options.dashboardDir
  const app = createApp({ engine, store })
  delete process.env['LEADSCORE_DASHBOARD_DIR']
  const request = (path: string, init: RequestInit & { cookie?: string } = {}) => {
    const headers = new Headers(init.headers)
    if (init.cookie) headers.set('cookie', init.cookie)
    return app.request(`${HOST}${path}`, { ...init, headers })
  }
  const json = (
    method: string,
    path: string,
    body: unknown,
    extra: Record<string, string> = {},
    cookie?: string,
  ) =>
    request(path, {
      method,
      headers: { 'content-type': 'application/json', ...extra },
      body: JSON.stringify(body),
      ...(cookie ? { cookie } : {}),
    })
  /** Signs in and returns the session cookie and CSRF token. */
  const signIn = async (body: Record<string, string>) => {
    const res = await json('POST', '/auth/sign-in', body)
    expect(res.status).toBe(200)
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!
    const { csrfToken: csrf } = (await res.json()) as Json
    return { cookie, csrf, setCookie: res.headers.get('set-cookie') ?? '' }
  }
  const addUser = async (email: string, role: 'admin' | 'sales', password = 'correct horse battery') => {
    const res = await json(
      'POST',
      '/api/dashboard/users',
      { email, role, password },
      { authorization: `Bearer ${ADMIN}` },
    )
    expect(res.status).toBe(201)
    return ((await res.json()) as Json).user
  }
  return { app, engine, store, clock, request, json, signIn, addUser }
}

describe('passwords', () => {
  it('hash with a fresh salt and verify only the right password', async () => {
    const a = await hashPassword('correct horse battery')
    const b = await hashPassword('correct horse battery')
    expect(a).not.toBe(b)
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(await verifyPassword('correct horse battery', a)).toBe(true)
    expect(await verifyPassword('correct horse batterY', a)).toBe(false)
    expect(await verifyPassword('x', 'not a hash')).toBe(false)
    expect(await verifyPassword('x', 'scrypt$99999999$8$1$AA$AA')).toBe(false)
  })
})

describe('dashboard sign-in', () => {
  it('signs in with a password into an HttpOnly, SameSite=Lax cookie that opens the API', async () => {
    const { addUser, signIn, request, json, app } = await setup()
    await addUser('ana@example.com', 'admin')
    const wrong = await json('POST', '/auth/sign-in', {
      email: 'ana@example.com',
      password: 'wrong password!',
    })
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('set-cookie')).toBeNull()
    const unknown = await json('POST', '/auth/sign-in', {
      email: 'bob@example.com',
      password: 'whatever 123',
    })
    expect(unknown.status).toBe(401)
    const { cookie, setCookie, csrf } = await signIn({
      email: 'ANA@example.com',
      password: 'correct horse battery',
    })
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Lax/)
    expect(setCookie).toMatch(/Path=\//)
    expect(setCookie).not.toMatch(/Secure/)
    expect((await request('/api/contacts')).status).toBe(401)
    expect((await request('/api/contacts', { cookie })).status).toBe(200)
    const session = (await (await request('/auth/session', { cookie })).json()) as Json
    expect(session).toMatchObject({
      signedIn: true,
      role: 'admin',
      via: 'password',
      email: 'ana@example.com',
      csrfToken: csrf,
    })
    // a feature shows when the server has its routes
    const has = (prefix: string) => app.routes.some((r) => r.path.startsWith(prefix))
    expect(session.features).toEqual({
      webhooks: has('/api/webhooks'),
      owners: has('/api/owners'),
      reports: has('/api/analysis'),
      predictive: has('/api/predict'),
    })
    expect(((await (await request('/auth/session')).json()) as Json).signedIn).toBe(false)
  })

  it('marks the cookie Secure behind HTTPS', async () => {
    const { addUser, json } = await setup()
    await addUser('ana@example.com', 'admin')
    const res = await json(
      'POST',
      '/auth/sign-in',
      { email: 'ana@example.com', password: 'correct horse battery' },
      { 'x-forwarded-proto': 'https' },
    )
    expect(res.headers.get('set-cookie')).toMatch(/Secure/)
  })

  it('signs in with an admin key, not with a write key, and a revoked key ends the session', async () => {
    const { signIn, json, request, engine } = await setup()
    expect((await json('POST', '/auth/sign-in', { key: WRITE })).status).toBe(401)
    expect((await json('POST', '/auth/sign-in', { key: 'nope' })).status).toBe(401)
    const env = await signIn({ key: ADMIN })
    expect((await request('/api/contacts', { cookie: env.cookie })).status).toBe(200)
    const stored = await engine.keys.create('admin', 'laptop')
    const { cookie } = await signIn({ key: stored.secret })
    expect(((await (await request('/auth/session', { cookie })).json()) as Json).name).toBe('laptop')
    const revoke = await json(
      'POST',
      `/api/dashboard/keys/${stored.id}/revoke`,
      {},
      { 'x-csrf-token': env.csrf },
      env.cookie,
    )
    expect(revoke.status).toBe(200)
    expect((await request('/api/contacts', { cookie })).status).toBe(401)
  })

  it('refuses changes without the CSRF token or from another origin', async () => {
    const { addUser, signIn, json } = await setup()
    await addUser('ana@example.com', 'admin')
    const { cookie, csrf } = await signIn({ email: 'ana@example.com', password: 'correct horse battery' })
    const body = { email: 'bob@example.com', role: 'sales', password: 'another long one' }
    const none = await json('POST', '/api/dashboard/users', body, {}, cookie)
    expect(none.status).toBe(403)
    expect(((await none.json()) as Json).error.code).toBe('csrf')
    expect(
      (await json('POST', '/api/dashboard/users', body, { 'x-csrf-token': `${csrf}x` }, cookie)).status,
    ).toBe(403)
    const foreign = await json(
      'POST',
      '/api/dashboard/users',
      body,
      { 'x-csrf-token': csrf, origin: 'https://evil.example' },
      cookie,
    )
    expect(foreign.status).toBe(403)
    expect(
      (await json('POST', '/api/dashboard/users', body, { 'x-csrf-token': csrf, origin: HOST }, cookie))
        .status,
    ).toBe(201)
    // signing out needs it too; signing in from another site is refused
    expect((await json('POST', '/auth/sign-out', {}, {}, cookie)).status).toBe(403)
    expect(
      (await json('POST', '/auth/sign-in', { key: ADMIN }, { origin: 'https://evil.example' })).status,
    ).toBe(403)
    const out = await json('POST', '/auth/sign-out', {}, { 'x-csrf-token': csrf }, cookie)
    expect(out.status).toBe(200)
    expect(out.headers.get('set-cookie')).toMatch(/leadscore_session=;/)
    expect((await json('GET', '/api/contacts', undefined, {}, cookie)).status).toBe(401)
  })

  it('gives sales users the queue, leads and accounts, and nothing else', async () => {
    const { addUser, signIn, json, request } = await setup()
    await addUser('sam@example.com', 'sales')
    const { cookie, csrf } = await signIn({ email: 'sam@example.com', password: 'correct horse battery' })
    for (const path of [
      '/api/contacts',
      '/api/contacts/counts?by=band',
      '/api/accounts',
      '/api/dashboard/model',
    ])
      expect([path, (await request(path, { cookie })).status]).toEqual([path, 200])
    for (const path of ['/api/dashboard/keys', '/api/dashboard/users', '/api/models'])
      expect([path, (await request(path, { cookie })).status]).toEqual([path, 403])
    const draft = await json(
      'POST',
      '/api/models',
      { source: 'format: leadscore/v1' },
      { 'x-csrf-token': csrf },
      cookie,
    )
    expect(draft.status).toBe(403)
    expect(salesMayCall('POST', '/api/dashboard/contacts/u1/what-if')).toBe(true)
    expect(salesMayCall('POST', '/api/contacts')).toBe(false)
  })

  it('ends sessions after 14 idle days, and when the password changes', async () => {
    const { addUser, signIn, request, clock, json } = await setup()
    const ana = await addUser('ana@example.com', 'admin')
    const first = await signIn({ email: 'ana@example.com', password: 'correct horse battery' })
    clock.advance(13 * DAY)
    expect((await request('/api/contacts', { cookie: first.cookie })).status).toBe(200)
    // used on day 13: good until day 27
    clock.advance(13 * DAY)
    expect((await request('/api/contacts', { cookie: first.cookie })).status).toBe(200)
    clock.advance(15 * DAY)
    expect((await request('/api/contacts', { cookie: first.cookie })).status).toBe(401)
    const second = await signIn({ email: 'ana@example.com', password: 'correct horse battery' })
    const change = await json(
      'PATCH',
      `/api/dashboard/users/${ana.id}`,
      { password: 'a brand new password' },
      { authorization: `Bearer ${ADMIN}` },
    )
    expect(change.status).toBe(200)
    expect((await request('/api/contacts', { cookie: second.cookie })).status).toBe(401)
    await signIn({ email: 'ana@example.com', password: 'a brand new password' })
  })

  it('slows down guessing: the 11th failure in 15 minutes waits', async () => {
    const { addUser, json, clock } = await setup()
    await addUser('ana@example.com', 'admin')
    for (let i = 0; i < 10; i++)
      expect(
        (await json('POST', '/auth/sign-in', { email: 'ana@example.com', password: `guess ${i}` })).status,
      ).toBe(401)
    const blocked = await json('POST', '/auth/sign-in', {
      email: 'ana@example.com',
      password: 'correct horse battery',
    })
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    clock.advance(15 * 60_000 + 1)
    expect(
      (await json('POST', '/auth/sign-in', { email: 'ana@example.com', password: 'correct horse battery' }))
        .status,
    ).toBe(200)
  })

  it('manages users: weak passwords, taken emails, and no self-lockout', async () => {
    const { addUser, signIn, json } = await setup()
    const ana = await addUser('ana@example.com', 'admin')
    const admin = { authorization: `Bearer ${ADMIN}` }
    expect(
      (
        await json(
          'POST',
          '/api/dashboard/users',
          { email: 'x@y.z', role: 'sales', password: 'short' },
          admin,
        )
      ).status,
    ).toBe(422)
    expect(
      (
        await json(
          'POST',
          '/api/dashboard/users',
          { email: 'Ana@example.com', role: 'sales', password: 'long enough pw' },
          admin,
        )
      ).status,
    ).toBe(409)
    const { cookie, csrf } = await signIn({ email: 'ana@example.com', password: 'correct horse battery' })
    const self = { 'x-csrf-token': csrf }
    expect((await json('DELETE', `/api/dashboard/users/${ana.id}`, undefined, self, cookie)).status).toBe(409)
    expect(
      (await json('PATCH', `/api/dashboard/users/${ana.id}`, { role: 'sales' }, self, cookie)).status,
    ).toBe(409)
    const list = (await (await json('GET', '/api/dashboard/users', undefined, admin)).json()) as Json
    expect(list.users).toHaveLength(1)
    expect(JSON.stringify(list)).not.toMatch(/scrypt/)
  })
})

describe('dashboard API', () => {
  async function withLead() {
    const s = await setup()
    const ingest = await s.json(
      'POST',
      '/v1/batch',
      {
        batch: [
          {
            type: 'identify',
            userId: 'u1',
            traits: { email: 'vp@acme.example', job_title: 'VP Marketing', employees: 800 },
          },
          { type: 'page', userId: 'u1', properties: { path: '/pricing' } },
        ],
      },
      { authorization: `Bearer ${WRITE}` },
    )
    expect(ingest.status).toBe(200)
    return s
  }
  const admin = { authorization: `Bearer ${ADMIN}` }

  it('answers "what if" with the new score and stores nothing', async () => {
    const { json, store } = await withLead()
    const before = await store.contactEvents('u1')
    const res = await json(
      'POST',
      '/api/dashboard/contacts/u1/what-if',
      { events: [{ name: 'Demo Requested' }] },
      admin,
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as Json
    expect(body.after.total).toBeGreaterThan(body.before.total)
    expect(body.delta).toBeCloseTo(body.after.total - body.before.total, 9)
    expect(body.after.ledger.total.points).toBe(body.after.total)
    expect(await store.contactEvents('u1')).toEqual(before)
    expect(
      (await json('POST', '/api/dashboard/contacts/nobody/what-if', { events: [{ name: 'x' }] }, admin))
        .status,
    ).toBe(404)
    expect((await json('POST', '/api/dashboard/contacts/u1/what-if', { events: [] }, admin)).status).toBe(400)
  })

  it('checks an unsaved model with issues at their line, and previews it without saving a version', async () => {
    const { json, request, store } = await withLead()
    const check = (await (
      await json(
        'POST',
        '/api/dashboard/models/check',
        { source: 'format: leadscore/v1\nid: x\nfit:\n  max: nope\n' },
        admin,
      )
    ).json()) as Json
    expect(check.ok).toBe(false)
    expect(check.issues[0]).toMatchObject({ severity: 'error', line: 4 })
    // the editor's inline issues come in the reader's language, with the same code and place
    const spanish = (await (
      await json(
        'POST',
        '/api/dashboard/models/check',
        { source: 'format: leadscore/v1\nid: x\nfit:\n  max: nope\n' },
        { ...admin, 'accept-language': 'es' },
      )
    ).json()) as Json
    expect(spanish.issues[0]).toMatchObject({ code: check.issues[0].code, line: 4 })
    expect(spanish.issues[0].message).not.toBe(check.issues[0].message)
    const model = (await (await request('/api/dashboard/model', { headers: admin })).json()) as Json
    expect(model.bands.map((b: Json) => b.id)).toEqual(['hot', 'warm', 'cold'])
    expect(model.bands[0].min).toBe(60)
    const published = await store.getModel(model.id, model.version)
    const versions = (await store.listModelVersions(model.id)).length
    const preview = await json('POST', '/api/dashboard/models/preview', { source: published!.source }, admin)
    expect(preview.status).toBe(200)
    const body = (await preview.json()) as Json
    expect(body.contacts).toBe(1)
    expect(body.bandChanges).toBe(0)
    expect((await store.listModelVersions(model.id)).length).toBe(versions)
    const broken = await json(
      'POST',
      '/api/dashboard/models/preview',
      { source: 'format: leadscore/v1\nid: x\nfit: 3\n' },
      admin,
    )
    expect(broken.status).toBe(422)
  })

  it('serves the built app: pages with a CSP, hashed assets cached for a year and gzipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-dashboard-'))
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Leadscore</title>')
    writeFileSync(join(dir, 'assets', 'index-abc.js'), `console.log(${JSON.stringify('x'.repeat(4000))})`)
    const { request } = await setup({ dashboardDir: dir })
    for (const path of ['/', '/leads/u1', '/accounts', '/model', '/settings', '/sign-in']) {
      const page = await request(path)
      expect([path, page.status]).toEqual([path, 200])
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/)
      expect(page.headers.get('cache-control')).toBe('no-cache')
    }
    const asset = await request('/assets/index-abc.js', { headers: { 'accept-encoding': 'gzip, br' } })
    expect(asset.headers.get('cache-control')).toMatch(/immutable/)
    expect(asset.headers.get('content-encoding')).toBe('gzip')
    const etag = asset.headers.get('etag')!
    expect((await request('/assets/index-abc.js', { headers: { 'if-none-match': etag } })).status).toBe(304)
    expect((await request('/assets/missing.js')).status).toBe(404)
    expect((await request('/nowhere')).status).toBe(404)
  })

  it("serves the page in the language of Accept-Language before the app picks the user's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-dashboard-'))
    writeFileSync(
      join(dir, 'index.html'),
      `<!doctype html><html lang="en"><title>Leadscore</title><noscript>Leadscore's dashboard needs JavaScript. ${'.'.repeat(600)}</noscript></html>`,
    )
    const { request } = await setup({ dashboardDir: dir })
    const page = (language?: string) =>
      request('/', { headers: language ? { 'accept-language': language } : {} })
    const english = await page()
    expect(await english.text()).toMatch(/<html lang="en">.*needs JavaScript/)
    const spanish = await page('es-AR,es;q=0.9,en;q=0.5')
    expect(spanish.headers.get('vary')).toMatch(/Accept-Language/)
    const html = await spanish.text()
    expect(html).toMatch(/<html lang="es">/)
    expect(html).toContain(
      '<noscript>El dashboard de Leadscore necesita JavaScript. La API está documentada en <a href="/docs">/docs</a>.</noscript>',
    )
    expect(spanish.headers.get('etag')).not.toBe(english.headers.get('etag'))
    const dutch = await page('nl')
    expect(await dutch.text()).toMatch(/<html lang="nl">.*heeft JavaScript nodig/)
  })

  it('derives a distinct CSRF token per session', () => {
    expect(csrfToken('a')).not.toBe(csrfToken('b'))
    expect(csrfToken('a')).toBe(csrfToken('a'))
  })
})

describe('dashboard language', () => {
  it("keeps a user's language, which then wins over Accept-Language for the API's words", async () => {
    const { json, request, signIn, addUser } = await setup()
    await addUser('ines@example.com', 'sales')
    const { cookie, csrf } = await signIn({ email: 'ines@example.com', password: 'correct horse battery' })
    const session = async () => (await (await request('/auth/session', { cookie })).json()) as Json
    expect((await session()).locale).toBeNull()

    expect((await json('POST', '/auth/locale', { locale: 'es' }, {}, cookie)).status).toBe(403)
    expect(
      (await json('POST', '/auth/locale', { locale: 'fr' }, { 'x-csrf-token': csrf }, cookie)).status,
    ).toBe(400)
    const chosen = await json('POST', '/auth/locale', { locale: 'es' }, { 'x-csrf-token': csrf }, cookie)
    expect(chosen.status).toBe(200)
    expect((await session()).locale).toBe('es')

    // the same session goes on (choosing a language does not sign anyone out)
    const model = await request('/api/dashboard/model', { cookie, headers: { 'accept-language': 'nl' } })
    expect(model.status).toBe(200)
    expect(model.headers.get('content-language')).toBe('es')
    const body = (await model.json()) as Json
    expect(body.bands.find((b: Json) => b.id === 'hot')?.label).toBe('Caliente')
    expect(body.stages.find((s: Json) => s.id === 'customer')?.label).toBe('Cliente')

    // null: back to the browser's language
    await json('POST', '/auth/locale', { locale: null }, { 'x-csrf-token': csrf }, cookie)
    expect((await session()).locale).toBeNull()
    const dutch = (await (
      await request('/api/dashboard/model', { cookie, headers: { 'accept-language': 'nl-BE,en;q=0.5' } })
    ).json()) as Json
    expect(dutch.bands.find((b: Json) => b.id === 'cold')?.label).toBe('Koud')
  })

  it('has no server-side language for admin-key sessions (the browser keeps their choice)', async () => {
    const { json, request, signIn } = await setup()
    const { cookie, csrf } = await signIn({ key: ADMIN })
    const res = await json('POST', '/auth/locale', { locale: 'nl' }, { 'x-csrf-token': csrf }, cookie)
    expect(res.status).toBe(409)
    expect(((await res.json()) as Json).error.code).toBe('conflict')
    expect((await (await request('/auth/session', { cookie })).json()) as Json).not.toHaveProperty('locale')
    expect((await json('POST', '/auth/locale', { locale: 'nl' })).status).toBe(401)
  })

  it("says the dashboard's errors in the request's language, with the same codes", async () => {
    const { json, request, signIn, addUser } = await setup()
    const failed = await json(
      'POST',
      '/auth/sign-in',
      { email: 'nobody@example.com', password: 'not it at all' },
      {
        'accept-language': 'nl-NL,nl;q=0.9',
      },
    )
    expect(failed.status).toBe(401)
    expect(((await failed.json()) as Json).error).toMatchObject({
      code: 'sign_in_failed',
      message: 'het e-mailadres en het wachtwoord horen niet bij een actieve gebruiker',
      hint: 'controleer ze, of vraag het een beheerder (`leadscore users add EMAIL`)',
    })
    await addUser('sam@example.com', 'sales')
    const { cookie } = await signIn({ email: 'sam@example.com', password: 'correct horse battery' })
    const forbidden = await request('/api/dashboard/keys', { cookie, headers: { 'accept-language': 'es' } })
    expect(forbidden.status).toBe(403)
    expect(((await forbidden.json()) as Json).error).toMatchObject({
      code: 'forbidden',
      message: 'un usuario de ventas no puede hacer GET /api/dashboard/keys',
    })
    const english = await request('/api/dashboard/keys', { cookie })
    expect(((await english.json()) as Json).error.message).toBe('a sales user cannot GET /api/dashboard/keys')
    const weak = await json(
      'POST',
      '/api/dashboard/users',
      { email: 'eva@example.com', role: 'sales', password: 'short' },
      { authorization: `Bearer ${ADMIN}`, 'accept-language': 'es' },
    )
    expect(weak.status).toBe(422)
    expect(((await weak.json()) as Json).error).toMatchObject({
      code: 'weak_password',
      message: 'la contraseña debe tener al menos 10 caracteres',
      hint: 'elige una más larga',
    })
  })

  it('answers the model labels in the language asked, the English label or the id otherwise', async () => {
    const { request } = await setup()
    const ask = async (language: string) =>
      (await (
        await request('/api/dashboard/model', {
          headers: { authorization: `Bearer ${ADMIN}`, 'accept-language': language },
        })
      ).json()) as Json
    expect((await ask('es')).bands.map((b: Json) => b.label)).toEqual(['Caliente', 'Templado', 'Frío'])
    expect((await ask('nl')).bands.map((b: Json) => b.label)).toEqual(['Heet', 'Warm', 'Koud'])
    expect((await ask('fr')).bands.map((b: Json) => b.label)).toEqual(['Hot', 'Warm', 'Cold'])
  })
})
