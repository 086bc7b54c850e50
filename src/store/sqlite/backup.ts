/**
 * Online backup and restore of a SQLite database. The backup uses SQLite's backup API: a
 * consistent copy as of one moment, taken while a server keeps writing (WAL readers never
 * block writers). A restore checks the file is a Leadscore database this version can open,
 * then replaces the target atomically (copy beside it, rename), with no `-wal` left behind.
 * @module
 */
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { StoreConnectionError, StoreSchemaError } from '../errors.js'
import { SQLITE_MIGRATIONS } from './sqlite-schema.js'

export interface BackupProgress {
  readonly totalPages: number
  readonly remainingPages: number
}

/** What a backup or a restore holds. */
export interface BackupSummary {
  readonly bytes: number
  readonly schemaVersion: number
  readonly contacts: number
  readonly events: number
}

function summarize(path: string): BackupSummary {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    let version: number
    try {
      version = Number(
        (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0,
      )
    } catch {
      throw new StoreSchemaError(`${path} is not a Leadscore database (it has no schema_migrations table)`)
    }
    const known = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version))
    if (version > known)
      throw new StoreSchemaError(
        `${path} has schema version ${version}, newer than this leadscore knows (${known}): upgrade leadscore`,
      )
    const count = (table: string) =>
      Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n)
    return {
      bytes: statSync(path).size,
      schemaVersion: version,
      contacts: count('contacts'),
      events: count('events'),
    }
  } finally {
    db.close()
  }
}

/** Copies the database at `source` into `target` (a new file), consistently, while others write. */
export async function backupSqlite(
  source: string,
  target: string,
  onProgress?: (progress: BackupProgress) => void,
): Promise<BackupSummary> {
  const from = resolve(source)
  const to = resolve(target)
  if (!existsSync(from)) throw new StoreConnectionError(`there is no database at ${from}`)
  if (existsSync(to)) throw new StoreConnectionError(`${to} exists already: choose a new file for the backup`)
  const db = new Database(from, { readonly: true, fileMustExist: true })
  try {
    await db.backup(to, {
      progress: (p) => {
        onProgress?.(p)
        return 200 // pages per step: lets writers in between steps
      },
    })
  } catch (error) {
    rmSync(to, { force: true })
    throw new StoreConnectionError(`the backup of ${from} failed: ${(error as Error).message}`, {
      cause: error,
    })
  } finally {
    db.close()
  }
  return summarize(to)
}

/**
 * Replaces the database at `target` with the backup at `backup` (stop the server first).
 * Refuses an existing target unless `overwrite`.
 */
export function restoreSqlite(backup: string, target: string, overwrite: boolean): BackupSummary {
  const from = resolve(backup)
  const to = resolve(target)
  if (!existsSync(from)) throw new StoreConnectionError(`there is no backup at ${from}`)
  const summary = summarize(from)
  if (existsSync(to) && !overwrite)
    throw new StoreConnectionError(`${to} exists: restoring would replace it (pass --force to do so)`)
  const temporary = join(dirname(to), `.${Date.now()}.restoring`)
  copyFileSync(from, temporary)
  for (const suffix of ['-wal', '-shm']) rmSync(`${to}${suffix}`, { force: true })
  renameSync(temporary, to)
  return summary
}
