/**
 * Runs a compiled model on ClickHouse over HTTP (`http://host:8123`), streaming the rows as
 * JSONEachRow. Works with a `Distributed` table as with a local one when the contacts and
 * the events are sharded by contact id (the query reads each shard's own rows).
 * @module
 */
import type { CompiledModel } from '../../core/compile.js'
import { compileToSql, type SqlSchema } from '../compile.js'
import type { SqlColumnType } from '../values.js'
import type { TableNames } from './postgres.js'
import { type EngineRun, normalizeRow, type ScoreColumnsOptions } from './run.js'

/** Sends one statement; returns the response text. Throws with ClickHouse's message on failure. */
export async function clickhouseQuery(url: string, sql: string): Promise<string> {
  const response = await fetch(url, { method: 'POST', body: sql })
  const text = await response.text()
  if (!response.ok) throw new Error(`ClickHouse at ${url}: ${text.trim()}`)
  return text
}

/** The compiler's type of a ClickHouse column type. */
export function clickhouseColumnType(type: string): SqlColumnType {
  const t = type.replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2').replace(/^Nullable\((.*)\)$/, '$1')
  if (/^(U?Int\d+|Float\d+|Decimal)/.test(t)) return 'number'
  if (/^(DateTime|Date)/.test(t)) return 'timestamp'
  return 'text'
}

async function describe(url: string, table: string): Promise<Record<string, SqlColumnType>> {
  const text = await clickhouseQuery(url, `DESCRIBE TABLE ${table} FORMAT JSONEachRow`)
  const out: Record<string, SqlColumnType> = {}
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    const row = JSON.parse(line) as { name: string; type: string }
    out[row.name] = clickhouseColumnType(row.type)
  }
  return out
}

/** Scores every contact of the tables on the ClickHouse server at `url`. */
export async function runOnClickHouse(
  model: CompiledModel,
  url: string,
  tables: TableNames,
  options: ScoreColumnsOptions,
): Promise<EngineRun> {
  const schema: SqlSchema = {
    contacts: await describe(url, tables.contacts),
    ...(tables.events ? { events: await describe(url, tables.events) } : {}),
    ...(tables.accounts ? { accounts: await describe(url, tables.accounts) } : {}),
  }
  const compiled = compileToSql(model, {
    dialect: 'clickhouse',
    tables,
    columns: options.columns,
    schema,
    asOf: options.asOf,
  })
  const response = await fetch(url, { method: 'POST', body: `${compiled.sql.trimEnd()} FORMAT JSONEachRow` })
  if (!response.ok || !response.body)
    throw new Error(`ClickHouse at ${url}: ${(await response.text()).trim()}`)
  const body = response.body
  async function* rows() {
    const decoder = new TextDecoder()
    let rest = ''
    for await (const chunk of body) {
      rest += decoder.decode(chunk as Uint8Array, { stream: true })
      const lines = rest.split('\n')
      rest = lines.pop() ?? ''
      const batch = lines.filter((l) => l.trim() !== '').map((l) => normalizeRow(JSON.parse(l)))
      if (batch.length > 0) yield batch
    }
    if (rest.trim() !== '') yield [normalizeRow(JSON.parse(rest))]
  }
  return { compiled, rows: rows() }
}
