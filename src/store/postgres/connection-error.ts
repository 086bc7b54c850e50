/**
 * Connection failures, said plainly: which server, which database and user, what went
 * wrong and what to check. Never the password.
 * @module
 */
import type { ApiKey } from '../../i18n/api.js'
import { StoreConnectionError } from '../errors.js'

/** Where a URL points, for messages: the server, the database and the user. Never the password. */
export function describeTarget(url: string): { server: string; database: string; user: string } {
  try {
    const u = new URL(url)
    const host = u.hostname || u.searchParams.get('host') || 'localhost'
    const port = u.port || '5432'
    const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default)'
    const user = decodeURIComponent(u.username) || '(default)'
    return { server: `${host}:${port}`, database, user }
  } catch {
    return { server: '?', database: '?', user: '?' }
  }
}

/** What each failure code means, as `api` catalog keys. */
const REASONS: Readonly<Record<string, ApiKey>> = {
  ECONNREFUSED: 'store.connect.refused',
  ENOTFOUND: 'store.connect.notFound',
  EAI_AGAIN: 'store.connect.dns',
  ETIMEDOUT: 'store.connect.timeout',
  EHOSTUNREACH: 'store.connect.unreachable',
  '28P01': 'store.connect.password',
  '28000': 'store.connect.refusedUser',
  '3D000': 'store.connect.noDatabase',
  '42501': 'store.connect.permission',
  '57P03': 'store.connect.starting',
}

/** A `StoreConnectionError` for a failure to connect to (or set up on) `url`. */
export function connectionError(url: string, error: unknown): StoreConnectionError {
  const code = (error as { code?: unknown } | null)?.code
  const message = (error as Error | null)?.message ?? String(error)
  let reason = typeof code === 'string' ? REASONS[code] : undefined
  if (reason === undefined && /timeout/i.test(message)) reason = REASONS['ETIMEDOUT']
  return new StoreConnectionError(
    reason === undefined
      ? { key: 'store.connect.other', values: { ...describeTarget(url), detail: message } }
      : {
          key: 'store.connect',
          values: { ...describeTarget(url), detail: message },
          texts: { reason: { key: reason } },
        },
    { cause: error },
  )
}
