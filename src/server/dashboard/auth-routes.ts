/**
 * Signing in and out of the dashboard. `POST /auth/sign-in` takes `{ email, password }` (a
 * user) or `{ key }` (an admin key) and sets the session cookie (HttpOnly, SameSite=Lax,
 * Secure over HTTPS); `GET /auth/session` tells the page who is signed in, with the CSRF
 * token and the features this server has; `POST /auth/sign-out` ends the session.
 * @module
 */
import type { Context, Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import type { Engine } from '../../engine/index.js'
import { LOCALES } from '../../i18n/locale.js'
import type { Store } from '../../store/index.js'
import type { AppEnv } from '../auth.js'
import { readJson } from '../read-body.js'
import { dashboardError } from './messages.js'
import { verifyPassword } from './password.js'
import { checkCsrf, SESSION_COOKIE, sameOrigin } from './session-auth.js'
import { csrfToken, MAX_AGE_MS, type Sessions } from './sessions.js'
import { SignInThrottle } from './throttle.js'

const localeBody = z.strictObject({ locale: z.enum(LOCALES).nullable() })

const signInBody = z.union([
  z.strictObject({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) }),
  z.strictObject({ key: z.string().min(1).max(200) }),
])

/** A scrypt hash of nothing anyone types: unknown emails cost the same time as known ones. */
const DECOY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

export interface AuthRouteDeps {
  readonly engine: Engine
  readonly store: Store
  readonly sessions: Sessions
  /** The dashboard features this server has, shown as navigation entries. */
  readonly features: () => Readonly<Record<string, boolean>>
}

function secure(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https'
}

function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? 'unknown'
}

const badCredentials = () =>
  dashboardError(
    401,
    'sign_in_failed',
    { key: 'server.signInFailed' },
    { hint: { key: 'server.signInFailedHint', values: { command: '`leadscore users add EMAIL`' } } },
  )

/** Adds the sign-in routes to `app`. */
export function authRoutes(app: Hono<AppEnv>, deps: AuthRouteDeps): void {
  const { engine, store, sessions } = deps
  const throttle = new SignInThrottle()

  app.post('/auth/sign-in', async (c) => {
    if (!sameOrigin(c)) throw dashboardError(403, 'csrf', { key: 'server.signInElsewhere' })
    const body = await readJson(c.req.raw, signInBody, 64 * 1024)
    const now = engine.clock.now()
    const who = 'email' in body ? `email:${body.email.trim().toLowerCase()}` : 'key'
    const keys = [who, `ip:${clientAddress(c)}`]
    const wait = throttle.retryAfter(keys, now)
    if (wait > 0)
      throw dashboardError(
        429,
        'too_many_attempts',
        { key: 'server.tooManyAttempts' },
        { headers: { 'Retry-After': String(wait) } },
      )
    let opened: Awaited<ReturnType<Sessions['open']>>
    if ('key' in body) {
      const key = await engine.keys.verify(body.key.trim())
      if (key?.kind !== 'admin') {
        throttle.fail(keys, now)
        throw dashboardError(
          401,
          'sign_in_failed',
          { key: 'server.badKey' },
          { hint: { key: 'server.badKeyHint', values: { command: '`leadscore keys create --kind admin`' } } },
        )
      }
      opened = await sessions.open({ keyId: key.id }, 'admin')
    } else {
      const user = await store.findUserByEmail(body.email).catch(() => undefined)
      const ok = await verifyPassword(body.password, user?.passwordHash ?? DECOY_HASH)
      if (!ok || user === undefined || user.disabledAt !== null) {
        throttle.fail(keys, now)
        throw badCredentials()
      }
      opened = await sessions.open({ userId: user.id }, user.role)
      await store.updateUser({ id: user.id, at: now, lastSignInAt: now })
    }
    throttle.succeed(keys)
    setCookie(c, SESSION_COOKIE, opened.token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: secure(c),
      path: '/',
      maxAge: Math.floor(MAX_AGE_MS / 1000),
    })
    return c.json({ signedIn: true, csrfToken: opened.csrf })
  })

  app.get('/auth/session', async (c) => {
    const token = getCookie(c, SESSION_COOKIE)
    const principal = await sessions.resolve(token)
    c.header('Cache-Control', 'no-store')
    if (principal === undefined || token === undefined) return c.json({ signedIn: false })
    return c.json({
      signedIn: true,
      csrfToken: csrfToken(token),
      role: principal.role,
      via: principal.userId !== null ? 'password' : 'key',
      email: principal.email,
      name: principal.name,
      ...(principal.userId !== null ? { locale: principal.locale } : {}),
      expiresAt: principal.expiresAt,
      features: deps.features(),
    })
  })

  // the signed-in user's dashboard language (null: follow the browser); admin-key sessions have
  // no user to keep it for: the dashboard keeps their choice in the browser
  app.post('/auth/locale', async (c) => {
    const token = getCookie(c, SESSION_COOKIE)
    const principal = await sessions.resolve(token)
    if (principal === undefined || token === undefined)
      throw dashboardError(401, 'unauthorized', { key: 'server.localeSignIn' })
    checkCsrf(c, token)
    const { locale } = await readJson(c.req.raw, localeBody, 1024)
    if (principal.userId === null)
      throw dashboardError(
        409,
        'conflict',
        { key: 'server.localeKey' },
        { hint: { key: 'server.localeKeyHint' } },
      )
    await store.updateUser({ id: principal.userId, at: engine.clock.now(), locale })
    return c.json({ locale })
  })

  app.post('/auth/sign-out', async (c) => {
    const token = getCookie(c, SESSION_COOKIE)
    if (token !== undefined) {
      checkCsrf(c, token)
      await sessions.close(token)
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c) })
    return c.json({ signedIn: false })
  })
}
