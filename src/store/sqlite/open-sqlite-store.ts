/**
 * Opens the SQLite store: one file, WAL, migrations applied on open.
 *
 * Durability. In WAL mode a commit appends the transaction to the `-wal` file with
 * `write()` before the call returns, so it is in the operating system's page cache: killing
 * the process (even `kill -9`) the next instant loses nothing, with either setting below.
 * - `synchronous: 'normal'` (default): the WAL is fsynced at checkpoints, not at each
 *   commit. A power loss or OS crash can lose the last commits (never corrupt the file).
 * - `synchronous: 'full'`: the WAL is fsynced at every commit: commits also survive a
 *   power loss or OS crash, at the cost of one fsync per transaction.
 * @module
 */
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { StoreConnectionError, StoreInputError } from '../errors.js'
import { migrate } from '../sql/migration.js'
import { readPartitionCount, SqlStore } from '../sql/sql-store.js'
import type { Store } from '../store.js'
import { BackgroundCheckpointer } from './checkpointer.js'
import { SqliteExecutor } from './sqlite-executor.js'
import { SQLITE_MIGRATIONS } from './sqlite-schema.js'

export interface SqliteStoreOptions {
  /** The database file (created, with its directory, when missing), or `:memory:` (tests). */
  readonly path: string
  /** When commits are fsynced (see the module comment). Default `normal`. */
  readonly synchronous?: 'normal' | 'full' | undefined
  /** How long a write waits for another process's write to finish. Default 5000 ms. */
  readonly busyTimeoutMs?: number | undefined
  /**
   * The page cache, MiB (default 256). Score indexes are written at random places: a cache
   * that holds them makes rescoring many contacts much faster.
   */
  readonly cacheMb?: number | undefined
  /**
   * Where WAL checkpoints run: `background` (default for files) on a worker thread, so
   * commits never wait for them; `inline`: in the COMMIT that crosses 1,000 pages (SQLite's
   * default).
   */
  readonly checkpoints?: 'background' | 'inline' | undefined
}

/** Opens (creating or migrating) a SQLite store. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const { path } = options
  if (typeof path !== 'string' || path.length === 0) throw new StoreInputError('path', { key: 'store.path' })
  const synchronous = options.synchronous ?? 'normal'
  if (synchronous !== 'normal' && synchronous !== 'full')
    throw new StoreInputError('synchronous', {
      key: 'store.synchronous',
      values: { value: String(synchronous) },
    })
  const busyTimeout = options.busyTimeoutMs ?? 5000
  if (!Number.isSafeInteger(busyTimeout) || busyTimeout < 0)
    throw new StoreInputError('busyTimeoutMs', { key: 'store.intAtLeast', values: { min: '0' } })
  const cacheMb = options.cacheMb ?? 256
  if (!Number.isSafeInteger(cacheMb) || cacheMb < 1)
    throw new StoreInputError('cacheMb', { key: 'store.intAtLeast', values: { min: '1' } })
  const memory = path === ':memory:'
  const file = memory ? undefined : resolve(path)
  let db: Database.Database
  try {
    if (file !== undefined) mkdirSync(dirname(file), { recursive: true })
    db = new Database(file ?? ':memory:')
  } catch (error) {
    throw new StoreConnectionError(
      { key: 'store.sqlite.open', values: { file: String(file), detail: (error as Error).message } },
      { cause: error },
    )
  }
  let exec: SqliteExecutor | undefined
  try {
    try {
      db.pragma(`busy_timeout = ${busyTimeout}`)
      const mode = db.pragma('journal_mode = WAL', { simple: true })
      if (!memory && mode !== 'wal') {
        throw new StoreConnectionError({
          key: 'store.sqlite.wal',
          values: { file: String(file), mode: String(mode) },
        })
      }
    } catch (error) {
      if (error instanceof StoreConnectionError) throw error
      throw new StoreConnectionError(
        { key: 'store.sqlite.notDatabase', values: { file: String(file), detail: (error as Error).message } },
        { cause: error },
      )
    }
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
    db.pragma('foreign_keys = ON')
    db.pragma('temp_store = MEMORY')
    db.pragma(`cache_size = ${-cacheMb * 1024}`)
    db.pragma('journal_size_limit = 67108864')
    exec = new SqliteExecutor(db, file)
    await migrate(exec, SQLITE_MIGRATIONS, Date.now())
    await exec.pragma('optimize = 0x10002')
    if (file !== undefined && (options.checkpoints ?? 'background') === 'background') {
      exec.checkpointer = await BackgroundCheckpointer.start(db, file, {
        onFallback: (reason) =>
          process.emitWarning(`${reason}; SQLite checkpoints run on commits again`, 'LeadscoreWarning'),
      })
    }
    return new SqlStore(exec, await readPartitionCount(exec), file)
  } catch (error) {
    if (exec !== undefined) await exec.close().catch(() => {})
    else if (db.open) db.close()
    throw error
  }
}
