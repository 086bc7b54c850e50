/**
 * The store's SQL uses `?` placeholders (SQLite's); PostgreSQL wants `$1, $2, ...`.
 * @module
 */

const cache = new Map<string, string>()

/** `sql` with its `?` placeholders numbered for PostgreSQL. The store's SQL has no `?` in literals. */
export function numberPlaceholders(sql: string): string {
  let out = cache.get(sql)
  if (out === undefined) {
    let n = 0
    out = sql.replace(/\?/g, () => `$${++n}`)
    if (cache.size > 2000) cache.clear()
    cache.set(sql, out)
  }
  return out
}
