/**
 * The SQL executor over a `pg` pool. Each call outside a transaction runs on any pooled
 * connection (autocommit); a transaction holds one connection from BEGIN to COMMIT.
 * @module
 */
import type pg from 'pg'
import { type ConstraintKind, StoreConstraintError, StoreError } from '../errors.js'
import type { Dialect, Executor, RootExecutor, Row, Snapshot, SqlValue } from '../sql/executor.js'
import { numberPlaceholders } from '../sql/placeholders.js'

export const POSTGRES_DIALECT: Dialect = {
  name: 'postgres',
  forUpdate: ' FOR UPDATE',
  forUpdateSkipLocked: ' FOR UPDATE SKIP LOCKED',
  forShare: ' FOR SHARE',
}

/** PostgreSQL allows 65,535 parameters per statement; stay well under, and keep statements moderate. */
const MAX_PARAMS = 30_000
const MAX_ROWS = 2_000

type Queryable = pg.Pool | pg.PoolClient

async function query<R>(
  on: Queryable,
  sql: string,
  params: readonly SqlValue[],
): Promise<pg.QueryResult & { rows: R[] }> {
  try {
    return (await on.query(numberPlaceholders(sql), params as SqlValue[])) as pg.QueryResult & { rows: R[] }
  } catch (error) {
    throw translate(error)
  }
}

async function insertManyOn<R>(
  exec: Executor,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  suffix: string,
): Promise<R[]> {
  const perStatement = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / columns.length)))
  const out: R[] = []
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement)
    const tuple = `(${columns.map(() => '?').join(', ')})`
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')} ${suffix}`
    out.push(...(await exec.all<R>(sql, chunk.flat())))
  }
  return out
}

/** Statements on one connection inside BEGIN ... COMMIT. */
class PostgresTransaction implements Executor {
  readonly dialect = POSTGRES_DIALECT
  ended = false
  private readonly client: pg.PoolClient
  constructor(client: pg.PoolClient) {
    this.client = client
  }

  private check(): pg.PoolClient {
    if (this.ended) throw new StoreError('this transaction has ended: use the store, or a new transaction')
    return this.client
  }
  async all<R = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return (await query<R>(this.check(), sql, params)).rows
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await query(this.check(), sql, params)).rowCount ?? 0
  }
  insertMany<R = Row>(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    suffix = '',
  ): Promise<R[]> {
    return insertManyOn<R>(this, table, columns, rows, suffix)
  }
  async transaction<T>(fn: (exec: Executor) => Promise<T>): Promise<T> {
    this.check()
    return fn(this)
  }
  async lock(key: string): Promise<void> {
    await this.all('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [key])
  }
  async now(): Promise<number> {
    return dbNow(this)
  }
}

async function dbNow(exec: Executor): Promise<number> {
  const [row] = await exec.all<{ now: number }>(
    'SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now',
  )
  return row!.now
}

/** Deadlocks and serialization failures: the transaction may simply be run again. */
const RETRYABLE = new Set(['40P01', '40001'])

export class PostgresExecutor implements RootExecutor {
  readonly dialect = POSTGRES_DIALECT
  private closed = false

  readonly pool: pg.Pool
  constructor(pool: pg.Pool) {
    this.pool = pool
  }

  private open(): pg.Pool {
    if (this.closed) throw new StoreError('the store is closed')
    return this.pool
  }

  async all<R = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return (await query<R>(this.open(), sql, params)).rows
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await query(this.open(), sql, params)).rowCount ?? 0
  }
  insertMany<R = Row>(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    suffix = '',
  ): Promise<R[]> {
    return this.transaction((tx) => tx.insertMany<R>(table, columns, rows, suffix))
  }

  /**
   * Runs `fn` in a transaction. A deadlock or serialization failure detected by the server
   * rolls it back and runs `fn` again (up to 3 times), so `fn` must only act through `tx`.
   */
  async transaction<T>(fn: (exec: Executor) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.open().connect()
      const tx = new PostgresTransaction(client)
      let broken: Error | undefined
      try {
        await client.query('BEGIN')
        const result = await fn(tx)
        tx.ended = true
        await query(client, 'COMMIT', [])
        return result
      } catch (error) {
        tx.ended = true
        try {
          await client.query('ROLLBACK')
        } catch (rollbackError) {
          broken = rollbackError as Error
        }
        const code = codeOf(error)
        if (attempt < 3 && code !== undefined && RETRYABLE.has(code)) continue
        throw error
      } finally {
        client.release(broken)
      }
    }
  }

  async lock(): Promise<void> {
    // an advisory lock outside a transaction would end with the statement: nothing to hold
  }
  now(): Promise<number> {
    return dbNow(this)
  }

  async optimize(): Promise<void> {
    await this.run('ANALYZE')
  }

  async openSnapshot(): Promise<Snapshot> {
    const client = await this.open().connect()
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      // the first statement takes the snapshot
      await client.query('SELECT 1')
    } catch (error) {
      client.release(error as Error)
      throw translate(error)
    }
    let released = false
    return {
      all: async <R>(sql: string, params: readonly SqlValue[] = []) =>
        (await query<R>(client, sql, params)).rows,
      close: async () => {
        if (released) return
        released = true
        try {
          await client.query('COMMIT')
          client.release()
        } catch (error) {
          client.release(error as Error)
        }
      },
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.pool.end()
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

const CONSTRAINTS: Record<string, ConstraintKind> = {
  '23505': 'unique',
  '23503': 'foreign key',
  '23514': 'check',
  '23502': 'not null',
}

function translate(error: unknown): unknown {
  const code = codeOf(error)
  const kind = code === undefined ? undefined : CONSTRAINTS[code]
  if (kind === undefined) return error
  const detail = (error as { detail?: unknown }).detail
  return new StoreConstraintError(
    kind,
    `${kind} constraint failed: ${(error as Error).message}${typeof detail === 'string' ? ` (${detail})` : ''}`,
    { cause: error },
  )
}
