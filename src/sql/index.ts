/**
 * Compiling a model to SQL: one query that scores every contact where the events are
 * (DuckDB, PostgreSQL, ClickHouse), with the engine's results.
 * @module
 */
export {
  ACCOUNT_OUTPUT_COLUMNS,
  type CompiledSql,
  type CompileSqlOptions,
  compileToSql,
  SCORE_OUTPUT_COLUMNS,
  type SqlSchema,
  unsupportedConstructs,
} from './compile.js'
export { DIALECTS, type DialectName } from './dialect.js'
export { SqlUnsupportedError } from './unsupported-error.js'
export type { SqlColumnType, UnsupportedConstruct } from './values.js'
