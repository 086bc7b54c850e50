/**
 * Opens the PostgreSQL store: a connection pool, the tables in a schema (created when
 * missing), migrations applied on open under an advisory lock (several processes may start
 * at once). Commits are durable as the server is configured (`synchronous_commit`, on by
 * default: a commit returns once its WAL record is flushed to disk).
 * @module
 */
import pg from 'pg'
import { StoreInputError } from '../errors.js'
import { migrate } from '../sql/migration.js'
import { readPartitionCount, SqlStore } from '../sql/sql-store.js'
import type { Store } from '../store.js'
import { connectionError } from './connection-error.js'
import { PostgresExecutor } from './postgres-executor.js'
import { POSTGRES_MIGRATIONS } from './postgres-schema.js'

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  readonly url: string
  /**
   * The schema that holds the tables (created when missing): lower-case letters, digits
   * and `_`. Default: the server's `search_path` (usually `public`).
   */
  readonly schema?: string | undefined
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number | undefined
  /** How long to wait for a connection. Default 10,000 ms. */
  readonly connectTimeoutMs?: number | undefined
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/
const INT8 = 20
const JSON_OID = 114

/** BIGINT as a number (epoch ms and counts are safe integers); JSON as text, parsed by the store. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (value: string) => Number(value)
    if (oid === JSON_OID) return (value: string) => value
    return pg.types.getTypeParser(oid, format)
  },
} as pg.CustomTypesConfig

/** Opens (creating or migrating) a PostgreSQL store. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { url, schema } = options
  if (typeof url !== 'string' || !/^postgres(ql)?:\/\//.test(url))
    throw new StoreInputError('url', { key: 'store.postgresUrl' })
  if (schema !== undefined && !SCHEMA_NAME.test(schema))
    throw new StoreInputError('schema', { key: 'store.schema', values: { value: JSON.stringify(schema) } })
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'leadscore',
    types,
    // the schema name was checked above: it is not free text
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  })
  // A connection lost (server restart, network cut) emits 'error' on its client: on an idle
  // one the pool drops it; on one in use the query in flight fails with the error and the
  // transaction releases it as broken. Without these listeners the event would end the process.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  const exec = new PostgresExecutor(pool)
  try {
    try {
      await exec.all('SELECT 1')
      if (schema !== undefined) {
        await exec.transaction(async (tx) => {
          await tx.lock('leadscore.migrations')
          await tx.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
        })
      }
    } catch (error) {
      throw connectionError(url, error)
    }
    await migrate(exec, POSTGRES_MIGRATIONS, Date.now())
    return new SqlStore(exec, await readPartitionCount(exec), storeLocation(url, schema))
  } catch (error) {
    await exec.close()
    throw error
  }
}

/** The `openStore` location of a store: its URL, with `?schema=` when it has one. */
function storeLocation(url: string, schema: string | undefined): string {
  if (schema === undefined) return url
  try {
    const parsed = new URL(url)
    parsed.searchParams.set('schema', schema)
    return parsed.toString()
  } catch {
    return `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`
  }
}
