/**
 * Runs a compiled model on DuckDB (embedded): over CSV or Parquet files (views, nothing is
 * copied) or over the tables of a DuckDB database file. CSV files are read as text, as
 * `leadscore score` reads them, so every comparison is the engine's; Parquet and database
 * columns keep their types. `@duckdb/node-api` is loaded when first used.
 * @module
 */
import type { CompiledModel } from '../../core/compile.js'
import { type CompiledSql, type CompileSqlOptions, compileToSql, type SqlSchema } from '../compile.js'
import type { SqlColumnType } from '../values.js'
import { type EngineRun, normalizeRow, type ScoreColumnsOptions } from './run.js'

type DuckDb = typeof import('@duckdb/node-api')
type Connection = import('@duckdb/node-api').DuckDBConnection

/** Loads `@duckdb/node-api`, with a clear error when it is not installed. */
export async function loadDuckDb(): Promise<DuckDb> {
  try {
    return await import('@duckdb/node-api')
  } catch (error) {
    throw new Error(
      'DuckDB is not installed: run `npm install @duckdb/node-api` next to leadscore to score with --engine duckdb',
      { cause: error },
    )
  }
}

/** Where DuckDB reads: files (CSV or Parquet, `.gz` CSV too) or a database file's tables. */
export type DuckDbSource =
  | {
      readonly kind: 'files'
      readonly contacts: string
      readonly events?: string | undefined
      readonly accounts?: string | undefined
    }
  | {
      readonly kind: 'database'
      readonly path: string
      readonly tables: {
        readonly contacts: string
        readonly events?: string | undefined
        readonly accounts?: string | undefined
      }
    }

export interface DuckDbRunOptions extends ScoreColumnsOptions {
  /** DuckDB settings (`threads`, `memory_limit`, `temp_directory`). */
  readonly settings?: Readonly<Record<string, string>>
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`

/** The view over a file: CSV as text (empty cells NULL), Parquet as typed. */
export function fileView(path: string): string {
  const lower = path.toLowerCase()
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return `SELECT * FROM read_parquet(${quote(path)})`
  if (lower.endsWith('.csv') || lower.endsWith('.csv.gz') || lower.endsWith('.tsv')) {
    return `SELECT * FROM read_csv(${quote(path)}, header = true, all_varchar = true, auto_detect = true)`
  }
  throw new Error(
    `${path}: DuckDB reads CSV (.csv, .csv.gz) and Parquet (.parquet) files here; convert it or load it into a database`,
  )
}

/** The compiler's type of a DuckDB column type. */
export function duckDbColumnType(type: string): SqlColumnType {
  const t = type.toUpperCase()
  if (t === 'BOOLEAN') return 'boolean'
  if (
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL)/.test(
      t,
    )
  )
    return 'number'
  if (/^(TIMESTAMP|DATE)/.test(t)) return 'timestamp'
  return 'text'
}

async function describe(connection: Connection, relation: string): Promise<Record<string, SqlColumnType>> {
  const reader = await connection.runAndReadAll(`DESCRIBE ${relation}`)
  const out: Record<string, SqlColumnType> = {}
  for (const row of reader.getRowObjectsJS())
    out[String(row['column_name'])] = duckDbColumnType(String(row['column_type']))
  return out
}

/**
 * Scores every contact of `source` on DuckDB. Yields batches of output rows (the columns
 * of `compiled.columns`), in the contacts file's order for files.
 */
export async function runOnDuckDb(
  model: CompiledModel,
  source: DuckDbSource,
  options: DuckDbRunOptions,
): Promise<EngineRun> {
  const duckdb = await loadDuckDb()
  const instance = await duckdb.DuckDBInstance.create(source.kind === 'database' ? source.path : ':memory:', {
    ...(source.kind === 'database' ? { access_mode: 'READ_ONLY' } : {}),
    ...options.settings,
  })
  const connection = await instance.connect()
  await connection.run("SET TimeZone = 'UTC'")
  let tables: CompileSqlOptions['tables']
  let order: string | undefined
  if (source.kind === 'files') {
    order = '__leadscore_row'
    await connection.run(
      `CREATE TEMP VIEW contacts AS SELECT *, row_number() OVER () AS __leadscore_row FROM (${fileView(source.contacts)})`,
    )
    if (source.events) await connection.run(`CREATE TEMP VIEW events AS ${fileView(source.events)}`)
    if (source.accounts) await connection.run(`CREATE TEMP VIEW accounts AS ${fileView(source.accounts)}`)
    tables = {
      contacts: 'contacts',
      events: source.events ? 'events' : undefined,
      accounts: source.accounts ? 'accounts' : undefined,
    }
  } else tables = source.tables
  const schema: SqlSchema = {
    contacts: await describe(connection, tables.contacts),
    ...(tables.events ? { events: await describe(connection, tables.events) } : {}),
    ...(tables.accounts ? { accounts: await describe(connection, tables.accounts) } : {}),
  }
  const compiled: CompiledSql = compileToSql(model, {
    dialect: 'duckdb',
    tables,
    columns: { ...options.columns, ...(order ? { order } : {}) },
    schema,
    asOf: options.asOf,
  })
  const result = await connection.stream(compiled.sql)
  async function* rows() {
    try {
      for await (const batch of result.yieldRowObjectJs()) yield batch.map(normalizeRow)
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  }
  return { compiled, rows: rows() }
}
