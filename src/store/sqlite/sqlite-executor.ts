/**
 * The SQL executor over one better-sqlite3 connection. better-sqlite3 is synchronous: each
 * statement runs to completion; a transaction holds a mutex across its awaits so no other
 * call runs inside it (they wait). The mutex is shared by every store of this process on
 * the same file: a second store's `BEGIN IMMEDIATE` must not block the thread while the
 * first store's transaction waits for it. Other processes on the same file wait for the
 * write lock (busy timeout) instead of failing halfway.
 * @module
 */
import Database from 'better-sqlite3'
import { type ConstraintKind, StoreConstraintError, StoreError } from '../errors.js'
import type { Dialect, Executor, RootExecutor, Row, Snapshot, SqlValue } from '../sql/executor.js'
import { Mutex } from '../sql/mutex.js'
import type { BackgroundCheckpointer } from './checkpointer.js'

export const SQLITE_DIALECT: Dialect = {
  name: 'sqlite',
  forUpdate: '',
  forUpdateSkipLocked: '',
  forShare: '',
}

type Statement = Database.Statement<unknown[], unknown>

/** One mutex per database file in this process, with the number of open stores using it. */
const fileMutexes = new Map<string, { mutex: Mutex; users: number }>()

function mutexFor(file: string | undefined): Mutex {
  if (file === undefined) return new Mutex()
  const entry = fileMutexes.get(file) ?? { mutex: new Mutex(), users: 0 }
  entry.users++
  fileMutexes.set(file, entry)
  return entry.mutex
}

function releaseMutex(file: string | undefined): void {
  if (file === undefined) return
  const entry = fileMutexes.get(file)
  if (entry !== undefined && --entry.users === 0) fileMutexes.delete(file)
}

/** Synchronous statements over a connection, with prepared statements cached. */
class Statements {
  private readonly cache = new Map<string, Statement>()
  readonly db: Database.Database
  constructor(db: Database.Database) {
    this.db = db
  }

  prepare(sql: string): Statement {
    let stmt = this.cache.get(sql)
    if (stmt === undefined) {
      stmt = this.db.prepare(sql)
      if (this.cache.size > 500) this.cache.clear()
      this.cache.set(sql, stmt)
    }
    return stmt
  }

  all<R>(sql: string, params: readonly SqlValue[]): R[] {
    return translate(() => this.prepare(sql).all(...params) as R[])
  }

  run(sql: string, params: readonly SqlValue[]): number {
    return translate(() => this.prepare(sql).run(...params).changes)
  }

  insertMany<R>(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    suffix: string,
  ): R[] {
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ${suffix}`
    return translate(() => {
      const stmt = this.prepare(sql)
      const out: R[] = []
      if (stmt.reader) for (const row of rows) for (const r of stmt.all(...row)) out.push(r as R)
      else for (const row of rows) stmt.run(...row)
      return out
    })
  }
}

/** Runs within a transaction; refuses use after the transaction ended. */
class SqliteTransaction implements Executor {
  readonly dialect = SQLITE_DIALECT
  ended = false
  private readonly statements: Statements
  constructor(statements: Statements) {
    this.statements = statements
  }

  private check(): Statements {
    if (this.ended) throw new StoreError('this transaction has ended: use the store, or a new transaction')
    return this.statements
  }
  async all<R = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return this.check().all<R>(sql, params)
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.check().run(sql, params)
  }
  async insertMany<R = Row>(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    suffix = '',
  ): Promise<R[]> {
    return this.check().insertMany<R>(table, columns, rows, suffix)
  }
  async transaction<T>(fn: (exec: Executor) => Promise<T>): Promise<T> {
    this.check()
    return fn(this)
  }
  async lock(): Promise<void> {}
  async now(): Promise<number> {
    return Date.now()
  }
}

export class SqliteExecutor implements RootExecutor {
  readonly dialect = SQLITE_DIALECT
  private readonly mutex: Mutex
  private readonly statements: Statements
  private closed = false
  /** Checkpoints on a worker thread, when started (file databases). */
  checkpointer: BackgroundCheckpointer | undefined

  readonly db: Database.Database
  /** The file, for read snapshots on a second connection (none for `:memory:`). */
  private readonly file: string | undefined

  constructor(db: Database.Database, file: string | undefined) {
    this.db = db
    this.file = file
    this.mutex = mutexFor(file)
    this.statements = new Statements(db)
  }

  private open(): Statements {
    if (this.closed) throw new StoreError('the store is closed')
    return this.statements
  }

  all<R = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return this.mutex.runSync(() => this.open().all<R>(sql, params))
  }
  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.mutex.runSync(() => this.open().run(sql, params))
  }
  insertMany<R = Row>(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    suffix = '',
  ): Promise<R[]> {
    return this.transaction((tx) => tx.insertMany<R>(table, columns, rows, suffix))
  }

  transaction<T>(fn: (exec: Executor) => Promise<T>): Promise<T> {
    return this.mutex.runExclusive(async () => {
      const statements = this.open()
      statements.prepare('BEGIN IMMEDIATE').run()
      const tx = new SqliteTransaction(statements)
      try {
        const result = await fn(tx)
        tx.ended = true
        statements.prepare('COMMIT').run()
        return result
      } catch (error) {
        tx.ended = true
        if (this.db.inTransaction) this.db.prepare('ROLLBACK').run()
        throw error
      }
    })
  }

  async lock(): Promise<void> {}
  async now(): Promise<number> {
    return Date.now()
  }

  async optimize(): Promise<void> {
    await this.pragma('optimize = 0x10002')
  }

  /** Runs a PRAGMA on the connection, in turn with the other calls (it may write). */
  pragma(sql: string): Promise<unknown> {
    return this.mutex.runSync(() => this.open().db.pragma(sql, { simple: true }))
  }

  async openSnapshot(): Promise<Snapshot> {
    if (this.file === undefined) {
      // one in-memory connection: reads see the latest data (the events stream bounds itself by seq)
      return { all: (sql, params) => this.all(sql, params), close: async () => {} }
    }
    const db = new Database(this.file, { readonly: true, fileMustExist: true })
    db.pragma('busy_timeout = 5000')
    const statements = new Statements(db)
    db.prepare('BEGIN').run()
    // the first read starts the snapshot
    db.prepare('SELECT count(*) FROM sqlite_schema').get()
    return {
      all: async <R>(sql: string, params: readonly SqlValue[] = []) => statements.all<R>(sql, params),
      close: async () => {
        if (db.open) {
          if (db.inTransaction) db.prepare('COMMIT').run()
          db.close()
        }
      },
    }
  }

  close(): Promise<void> {
    return this.mutex.runExclusive(async () => {
      if (this.closed) return
      this.closed = true
      try {
        await this.checkpointer?.stop()
        this.db.pragma('optimize')
      } finally {
        this.db.close()
        releaseMutex(this.file)
      }
    })
  }
}

const CONSTRAINTS: Record<string, ConstraintKind> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign key',
  SQLITE_CONSTRAINT_CHECK: 'check',
  SQLITE_CONSTRAINT_NOTNULL: 'not null',
}

/** Runs `fn`, turning constraint violations into `StoreConstraintError`. */
function translate<T>(fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const kind = typeof code === 'string' ? CONSTRAINTS[code] : undefined
    if (kind !== undefined) {
      throw new StoreConstraintError(kind, `${kind} constraint failed: ${(error as Error).message}`, {
        cause: error,
      })
    }
    throw error
  }
}
