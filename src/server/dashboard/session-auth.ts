/**
 * Signed-in dashboard users call the same JSON API as programs, with their session cookie
 * instead of an API key. This middleware, mounted on `/api/*` before the routes, turns a
 * valid session into the caller's key (`user:<id>` or the admin key it was opened with) and
 * guards it:
 *
 * - CSRF: a request that changes something (any method but GET, HEAD, OPTIONS) must carry
 *   the session's CSRF token in `X-CSRF-Token`, and its `Origin`, when sent, must be this
 *   server's own.
 * - Roles: a `sales` user may read the queue, leads, accounts and segments and try a
 *   "what if"; everything else needs an `admin`.
 *
 * A request with an `Authorization` header is left to the API keys, whatever its cookies.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import type { AppEnv } from '../auth.js'
import { setUserLocale } from '../locale.js'
import { dashboardError } from './messages.js'
import { csrfMatches, type Principal, type Sessions } from './sessions.js'

export const SESSION_COOKIE = 'leadscore_session'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

const principals = new WeakMap<Request, Principal>()

/** The principal the session middleware found for this request, if any. */
export function principalOf(c: Context): Principal | undefined {
  return principals.get(c.req.raw)
}

/** What a sales user may call: reading the queue, leads, accounts, and the "what if". */
export function salesMayCall(method: string, path: string): boolean {
  if (method === 'GET' || method === 'HEAD')
    return /^\/api\/(contacts|accounts|segments)(\/|$)/.test(path) || /^\/api\/dashboard\/model$/.test(path)
  return method === 'POST' && /^\/api\/dashboard\/contacts\/[^/]+\/what-if$/.test(path)
}

/** Whether the request's Origin (when present) is this server. */
export function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin')
  if (origin === undefined) return true
  const host = c.req.header('x-forwarded-host') ?? c.req.header('host') ?? new URL(c.req.url).host
  try {
    return host !== undefined && new URL(origin).host === host
  } catch {
    return false
  }
}

/** Refuses a request that changes something without the session's CSRF token or from another origin. */
export function checkCsrf(c: Context, sessionToken: string): void {
  if (SAFE_METHODS.has(c.req.method)) return
  if (!sameOrigin(c))
    throw dashboardError(403, 'csrf', { key: 'server.otherSite' }, { hint: { key: 'server.otherSiteHint' } })
  if (!csrfMatches(sessionToken, c.req.header('x-csrf-token')))
    throw dashboardError(
      403,
      'csrf',
      { key: 'server.csrf' },
      { hint: { key: 'server.csrfHint', values: { session: 'GET /auth/session', header: 'X-CSRF-Token' } } },
    )
}

/** The middleware: a valid session cookie becomes the request's key. */
export function sessionAuth(sessions: Sessions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.header('authorization') !== undefined) return next()
    const token = getCookie(c, SESSION_COOKIE)
    const principal = await sessions.resolve(token)
    if (principal === undefined || token === undefined) return next()
    checkCsrf(c, token)
    if (principal.role !== 'admin' && !salesMayCall(c.req.method, c.req.path))
      throw dashboardError(
        403,
        'forbidden',
        {
          key: 'server.forbidden',
          values: { role: principal.role, request: `${c.req.method} ${c.req.path}` },
        },
        { hint: { key: 'server.forbiddenHint' } },
      )
    principals.set(c.req.raw, principal)
    // the user's language wins over Accept-Language for what the API answers
    if (principal.locale !== null) setUserLocale(c, principal.locale)
    c.set('key', {
      id: principal.userId !== null ? `user:${principal.userId}` : (principal.keyId ?? 'session'),
      kind: 'admin',
    })
    return next()
  }
}
