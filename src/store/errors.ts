/**
 * The errors a store throws. Messages say what was wrong and, where it helps, what to check.
 * The ones a caller can cause (a bad input, a record that does not exist) are texts of the
 * `api` catalog: `message` is English, `text` lets the server say it in the reader's language.
 * @module
 */
import { type ApiText, sayApi } from '../i18n/api.js'

/** Base class of the store's own errors. */
export class StoreError extends Error {
  override readonly name: string = 'StoreError'
}

/** Input the store refuses (before writing anything): `field` says which, e.g. `events[3].ts`. */
export class StoreInputError extends StoreError {
  override readonly name = 'StoreInputError'
  /** The field that is wrong, e.g. `events[3].ts`. */
  readonly field: string
  /** What is wrong with it (English). */
  readonly problem: string
  /** The whole message as a catalog text (undefined: English only). */
  readonly text: ApiText | undefined
  constructor(field: string, problem: ApiText | string) {
    const english = typeof problem === 'string' ? problem : sayApi(problem, 'en')
    super(`${field}: ${english}`)
    this.field = field
    this.problem = english
    this.text =
      typeof problem === 'string' ? undefined : { key: 'store.field', values: { field }, texts: { problem } }
  }
}

/** A record the call needs does not exist. */
export class StoreNotFoundError extends StoreError {
  override readonly name = 'StoreNotFoundError'
  /** The message as a catalog text (undefined: English only). */
  readonly text: ApiText | undefined
  constructor(message: ApiText | string) {
    super(typeof message === 'string' ? message : sayApi(message, 'en'))
    this.text = typeof message === 'string' ? undefined : message
  }
}

/** The database cannot be opened or reached. */
export class StoreConnectionError extends StoreError {
  override readonly name = 'StoreConnectionError'
  /** The message as a catalog text (undefined: English only). */
  readonly text: ApiText | undefined
  constructor(message: ApiText | string, options?: ErrorOptions) {
    super(typeof message === 'string' ? message : sayApi(message, 'en'), options)
    this.text = typeof message === 'string' ? undefined : message
  }
}

/** The database's schema is not one this version can use (e.g. written by a newer leadscore). */
export class StoreSchemaError extends StoreError {
  override readonly name = 'StoreSchemaError'
  /** The message as a catalog text (undefined: English only). */
  readonly text: ApiText | undefined
  constructor(message: ApiText | string, options?: ErrorOptions) {
    super(typeof message === 'string' ? message : sayApi(message, 'en'), options)
    this.text = typeof message === 'string' ? undefined : message
  }
}

/** What kind of database rule a write broke. */
export type ConstraintKind = 'unique' | 'foreign key' | 'check' | 'not null'

/**
 * A write broke a rule of the database (e.g. a score for a contact that does not exist, a
 * key whose hash is already stored). The whole call (or transaction) wrote nothing.
 */
export class StoreConstraintError extends StoreError {
  override readonly name = 'StoreConstraintError'
  readonly constraint: ConstraintKind
  constructor(constraint: ConstraintKind, message: string, options?: ErrorOptions) {
    super(message, options)
    this.constraint = constraint
  }
}

/** Error codes of a database that is (for the moment) out of reach: connection lost, restarting, busy. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01', // admin shutdown
  '57P02', // crash shutdown
  '57P03', // cannot connect now (starting up)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006', // connection failure
  '53300', // too many connections
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
])

/**
 * True when `error` says the database is out of reach for the moment (a restart, a lost
 * connection, a lock held too long), so the same request can succeed later: callers answer
 * "try again" (HTTP 503 with Retry-After) rather than "failed".
 */
export function isUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== null && e !== undefined && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true
    const message = (e as { message?: unknown }).message
    if (
      typeof message === 'string' &&
      /Connection terminated|connection timeout|Client has encountered a connection error|terminating connection|the database system is (starting up|shutting down)/i.test(
        message,
      )
    )
      return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}
