/**
 * Runs a compiled model on PostgreSQL (a `postgres://` URL) over its tables.
 * @module
 */
import pg from 'pg'
import type { CompiledModel } from '../../core/compile.js'
import { compileToSql, type SqlSchema } from '../compile.js'
import type { SqlColumnType } from '../values.js'
import { type EngineRun, normalizeRow, type ScoreColumnsOptions } from './run.js'

export interface TableNames {
  readonly contacts: string
  readonly events?: string | undefined
  readonly accounts?: string | undefined
}

/** The compiler's type of a PostgreSQL column type (`information_schema` data_type). */
export function postgresColumnType(type: string): SqlColumnType {
  const t = type.toLowerCase()
  if (t === 'boolean') return 'boolean'
  if (/^(smallint|integer|bigint|numeric|real|double precision|decimal)/.test(t)) return 'number'
  if (/^(timestamp|date)/.test(t)) return 'timestamp'
  return 'text'
}

async function describe(
  client: pg.Client,
  table: string,
): Promise<Record<string, SqlColumnType> | undefined> {
  const parts = table.split('.')
  const name = parts.pop()!
  const schema = parts.pop()
  const result = await client.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_name = $1 AND ($2::text IS NULL AND table_schema = ANY (current_schemas(false)) OR table_schema = $2)
     ORDER BY ordinal_position`,
    [name, schema ?? null],
  )
  if (result.rows.length === 0) return undefined
  return Object.fromEntries(result.rows.map((r) => [r.column_name, postgresColumnType(r.data_type)]))
}

/** Scores every contact of the tables on the PostgreSQL server at `url`. */
export async function runOnPostgres(
  model: CompiledModel,
  url: string,
  tables: TableNames,
  options: ScoreColumnsOptions,
): Promise<EngineRun> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const schema: SqlSchema = {}
    const described = {
      contacts: await describe(client, tables.contacts),
      events: tables.events ? await describe(client, tables.events) : undefined,
      accounts: tables.accounts ? await describe(client, tables.accounts) : undefined,
    }
    for (const [key, columns] of Object.entries(described)) {
      const name = tables[key as keyof TableNames]
      if (name !== undefined && columns === undefined)
        throw new Error(`PostgreSQL has no table ${name} (the ${key})`)
    }
    Object.assign(schema, described)
    const compiled = compileToSql(model, {
      dialect: 'postgres',
      tables,
      columns: options.columns,
      schema,
      asOf: options.asOf,
    })
    const result = await client.query(compiled.sql)
    const rows = result.rows.map((r: Record<string, unknown>) => normalizeRow(r))
    return {
      compiled,
      rows: (async function* () {
        yield rows
      })(),
    }
  } finally {
    await client.end()
  }
}
