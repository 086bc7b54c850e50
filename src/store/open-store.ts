/**
 * Picks the adapter from where the data lives: a `postgres://` URL or a SQLite file path.
 * For the composition root (`--db` / `LEADSCORE_DB`).
 * @module
 */
import { openPostgresStore } from './postgres/open-postgres-store.js'
import { openSqliteStore } from './sqlite/open-sqlite-store.js'
import type { Store } from './store.js'

export interface OpenStoreOptions {
  /**
   * `reader`: a second connection of a process that only reads (a worker thread reading
   * the contacts): SQLite without a checkpoint thread of its own (it commits nothing), a
   * PostgreSQL pool of two. Default `server`.
   */
  readonly role?: 'server' | 'reader' | undefined
}

/**
 * Opens the store at `location`: `postgres://...` (PostgreSQL; `?schema=name` keeps the
 * tables in that schema, created when missing) or a file path (SQLite).
 */
export function openStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  const reader = options.role === 'reader'
  if (!/^postgres(ql)?:\/\//i.test(location))
    return openSqliteStore({ path: location, ...(reader ? { checkpoints: 'inline' } : {}) })
  let url = location
  let schema: string | undefined
  try {
    const parsed = new URL(location)
    const named = parsed.searchParams.get('schema')
    if (named !== null) {
      schema = named
      parsed.searchParams.delete('schema')
      url = parsed.toString()
    }
  } catch {
    // not a URL the WHATWG parser takes: the driver reports it
  }
  return openPostgresStore({ url, schema, ...(reader ? { poolSize: 2 } : {}) })
}
