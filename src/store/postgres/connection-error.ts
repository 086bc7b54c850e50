/**
 * Connection failures, said plainly: which server, which database and user, what went
 * wrong and what to check. Never the password.
 * @module
 */
import { StoreConnectionError } from '../errors.js'

/** Where a URL points, for messages. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url)
    const host = u.hostname || u.searchParams.get('host') || 'localhost'
    const port = u.port || '5432'
    const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default)'
    const user = decodeURIComponent(u.username) || '(default)'
    return `${host}:${port}, database ${database}, user ${user}`
  } catch {
    return 'the given URL'
  }
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused: is the server running and listening on that host and port?',
  ENOTFOUND: 'the host name does not resolve: check the host in the URL',
  EAI_AGAIN: 'the host name does not resolve (DNS not answering): check the host in the URL',
  ETIMEDOUT: 'no answer: check the host, the port and any firewall',
  EHOSTUNREACH: 'the host is unreachable: check the host and the network',
  '28P01': 'password authentication failed: check the user and password in the URL',
  '28000': 'the server refused this user or client address: check the user and pg_hba.conf',
  '3D000': 'the database does not exist: create it (createdb) or fix the database name in the URL',
  '42501': 'permission denied: the user needs CREATE on the database (or the schema) to create the tables',
  '57P03': 'the server is starting up or shutting down: try again shortly',
}

/** A `StoreConnectionError` for a failure to connect to (or set up on) `url`. */
export function connectionError(url: string, error: unknown): StoreConnectionError {
  const code = (error as { code?: unknown } | null)?.code
  const message = (error as Error | null)?.message ?? String(error)
  let reason = typeof code === 'string' ? REASONS[code] : undefined
  if (reason === undefined && /timeout/i.test(message)) reason = REASONS['ETIMEDOUT']
  return new StoreConnectionError(
    `cannot connect to PostgreSQL at ${describeTarget(url)}: ${reason ?? message}${reason ? ` (${message})` : ''}. The URL comes from --db or LEADSCORE_DB`,
    { cause: error },
  )
}
