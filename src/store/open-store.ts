/**
 * Picks the adapter from where the data lives: a `postgres://` URL or a SQLite file path.
 * For the composition root (`--db` / `LEADSCORE_DB`).
 * @module
 */
import { openPostgresStore } from './postgres/open-postgres-store.js'
import { openSqliteStore } from './sqlite/open-sqlite-store.js'
import type { Store } from './store.js'

/** Opens the store at `location`: `postgres://...` (PostgreSQL) or a file path (SQLite). */
export function openStore(location: string): Promise<Store> {
  return /^postgres(ql)?:\/\//i.test(location)
    ? openPostgresStore({ url: location })
    : openSqliteStore({ path: location })
}
