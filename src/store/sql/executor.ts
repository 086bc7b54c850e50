/**
 * What the SQL implementation of the store needs of a database: queries with `?`
 * placeholders, many-row inserts, transactions, a read snapshot, and the few statements
 * that differ between SQLite and PostgreSQL. SQL text never contains input: values are
 * always parameters.
 * @module
 */

/** A value bound to a `?` placeholder. Booleans are stored as 0/1. */
export type SqlValue = string | number | null

export type Row = Record<string, unknown>

/** The few things that differ between dialects beyond the schema. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres'
  /** Appended to a SELECT whose rows the transaction is about to change. */
  readonly forUpdate: string
  /** Appended to a SELECT that claims rows other transactions may be claiming. */
  readonly forUpdateSkipLocked: string
  /** Appended to a SELECT whose rows must not change until the transaction ends. */
  readonly forShare: string
}

export interface Executor {
  readonly dialect: Dialect
  /** The rows of a query. */
  all<R = Row>(sql: string, params?: readonly SqlValue[]): Promise<R[]>
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>
  /**
   * `INSERT INTO table (columns) VALUES (...), ... suffix` for many rows (`suffix`: e.g.
   * `ON CONFLICT ... RETURNING ...`). Resolves to the rows a RETURNING suffix returns.
   */
  insertMany<R = Row>(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    suffix?: string,
  ): Promise<R[]>
  /** Runs `fn` in a transaction, or inside the current one when there is one. */
  transaction<T>(fn: (exec: Executor) => Promise<T>): Promise<T>
  /** Serializes transactions that take the same key until they end (no-op where writes are serialized anyway). */
  lock(key: string): Promise<void>
  /** The database's clock, epoch ms. */
  now(): Promise<number>
}

/** A consistent read view, for long reads such as streaming every event. */
export interface Snapshot {
  all<R = Row>(sql: string, params?: readonly SqlValue[]): Promise<R[]>
  close(): Promise<void>
}

/** The executor a store owns. */
export interface RootExecutor extends Executor {
  /** A read snapshot: reads through it see the database as of the call. */
  openSnapshot(): Promise<Snapshot>
  /** Refreshes the planner's statistics. */
  optimize(): Promise<void>
  close(): Promise<void>
}
