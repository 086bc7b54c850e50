/**
 * What the engine runners (DuckDB, PostgreSQL, ClickHouse) share: their options and the
 * rows they yield, with values as `leadscore score` writes them.
 * @module
 */
import type { ScoreRow } from '../../io/score-writer.js'
import type { CompiledSql, CompileSqlOptions } from '../compile.js'

export interface ScoreColumnsOptions {
  readonly asOf: number
  readonly columns?: CompileSqlOptions['columns']
}

/** A started run: the SQL it runs and its rows, in batches. */
export interface EngineRun {
  readonly compiled: CompiledSql
  readonly rows: AsyncIterable<readonly ScoreRow[]>
}

/** A row with numbers as numbers (engines return big integers and numeric text) and no empty classes. */
export function normalizeRow(row: Readonly<Record<string, unknown>>): ScoreRow {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) {
    if (typeof value === 'bigint') out[key] = Number(value)
    else if (NUMERIC_COLUMNS.has(key) && typeof value === 'string') out[key] = Number(value)
    else out[key] = value
  }
  return out
}

const NUMERIC_COLUMNS = new Set(['fit', 'engagement', 'total', 'account_engagement', 'account_total'])
