/**
 * Schema migrations: numbered lists of statements, applied in order on open, each in a
 * transaction, recorded in `schema_migrations`. Opening an up-to-date database applies
 * nothing; opening one written by a newer version fails with `StoreSchemaError`.
 * @module
 */
import { StoreSchemaError } from '../errors.js'
import type { Executor } from './executor.js'

export interface Migration {
  readonly version: number
  readonly name: string
  readonly statements: readonly string[]
}

/** Applies the migrations not yet applied; resolves to the versions applied now. */
export async function migrate(
  exec: Executor,
  migrations: readonly Migration[],
  at: number,
): Promise<number[]> {
  return exec.transaction(async (tx) => {
    // one migrator at a time (PostgreSQL: several processes may start together)
    await tx.lock('leadscore.migrations')
    await tx.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    )
    const rows = await tx.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
    const applied = new Set(rows.map((r) => Number(r.version)))
    const newest = Math.max(0, ...applied)
    const known = Math.max(0, ...migrations.map((m) => m.version))
    if (newest > known) {
      throw new StoreSchemaError({
        key: 'store.schema.newer',
        values: { version: String(newest), known: String(known) },
      })
    }
    const done: number[] = []
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue
      for (const statement of migration.statements) await tx.run(statement)
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        at,
      ])
      done.push(migration.version)
    }
    return done
  })
}
