/**
 * Who is calling: the API key from `Authorization: Basic` (the key as the user, as every
 * Segment SDK sends it), `Authorization: Bearer`, or a body's `writeKey` (ingestion only).
 * Write keys may only ingest; admin keys may do everything. A request without a valid key
 * gets a 401 and touches nothing.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { Engine, VerifiedKey } from '../engine/index.js'
import type { Locale } from '../i18n/index.js'
import type { KeyKind } from '../store/index.js'
import { type ErrorText, HttpError } from './http-error.js'
import type { RateLimiter } from './rate-limit.js'

/** Hono variables set by the middlewares. */
export interface AppEnv {
  Variables: {
    key: VerifiedKey
    limiter: RateLimiter
    /** The language of the answer's human text (`src/server/locale.ts`). */
    locale: Locale
    /** The signed-in user's language setting, when the dashboard session has one. */
    userLocale: string | null
  }
}

/** The key in the Authorization header, if any. */
export function headerKey(authorization: string | undefined | null): string | undefined {
  if (!authorization) return undefined
  const [scheme = '', ...rest] = authorization.trim().split(/\s+/)
  const value = rest.join(' ')
  if (/^bearer$/i.test(scheme)) return value || undefined
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    const user = colon < 0 ? decoded : decoded.slice(0, colon)
    const password = colon < 0 ? '' : decoded.slice(colon + 1)
    return user || password || undefined
  }
  return undefined
}

/** The `writeKey` of a Segment body (a batch, or a single message), if any. */
export function bodyKey(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined
  const key = (body as Record<string, unknown>)['writeKey']
  return typeof key === 'string' && key !== '' ? key : undefined
}

function unauthorized(message: ErrorText, hint: ErrorText): HttpError {
  return new HttpError(401, 'unauthorized', message, {
    hint,
    headers: { 'WWW-Authenticate': 'Basic realm="leadscore", Bearer' },
  })
}

/**
 * Checks a presented key: valid and of an allowed kind (an admin key may also ingest).
 * Throws a 401 otherwise.
 */
export async function authenticate(
  engine: Engine,
  secret: string | undefined,
  allowed: readonly KeyKind[],
): Promise<VerifiedKey> {
  if (secret === undefined) {
    throw unauthorized(
      { key: 'auth.missing' },
      { key: allowed.includes('write') ? 'auth.missing.hint.write' : 'auth.missing.hint.admin' },
    )
  }
  const key = await engine.keys.verify(secret)
  if (key === undefined) {
    throw unauthorized({ key: 'auth.invalid' }, { key: 'auth.invalid.hint' })
  }
  if (key.kind !== 'admin' && !allowed.includes(key.kind)) {
    throw new HttpError(
      403,
      'forbidden',
      { key: 'auth.forbidden', values: { kind: key.kind } },
      { hint: { key: 'auth.forbidden.hint' } },
    )
  }
  return key
}

/** Middleware: requires a key of an allowed kind in the Authorization header. */
export function requireKey(engine: Engine, allowed: readonly KeyKind[]): MiddlewareHandler<AppEnv> {
  return async (c: Context<AppEnv>, next) => {
    // a signed-in dashboard session has set it already (server/dashboard/session-auth.ts)
    if (c.get('key') === undefined)
      c.set('key', await authenticate(engine, headerKey(c.req.header('authorization')), allowed))
    const key = c.get('key')
    c.get('limiter')?.take(key.id, key.kind)
    await next()
  }
}
