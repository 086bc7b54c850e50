/**
 * Number literals: small integers as they are, other numbers typed as doubles, so that no
 * engine computes in decimal or integer arithmetic where the engine uses doubles.
 * @module
 */
import type { SqlDialect } from './dialect.js'

/** A finite number as an SQL double (or small integer) literal. */
export function numberSql(d: SqlDialect, n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`)
  if (d.name === 'clickhouse' && Number.isInteger(n) && Math.abs(n) < 2 ** 53) {
    // `8.0` is a Float64 literal in ClickHouse: no integer types to reconcile in greatest/least
    return n < 0 ? `(${n}.0)` : `${n}.0`
  }
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 31) return n < 0 ? `(${n})` : String(n)
  const text = String(n)
  switch (d.name) {
    case 'duckdb':
      return `CAST('${text}' AS DOUBLE)`
    case 'postgres':
      return `'${text}'::float8`
    case 'clickhouse':
      return `toFloat64('${text}')`
  }
}
