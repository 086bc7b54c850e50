/**
 * The databases engine and server tests run against: a temporary SQLite file always, and
 * PostgreSQL (a fresh schema per store) when LEADSCORE_TEST_DATABASE_URL is set. With
 * CI=true the PostgreSQL tests cannot be skipped: a missing URL fails the run, as in the
 * store tests.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { describe, it } from 'vitest'
import { openPostgresStore, openSqliteStore, type Store } from '../../store/index.js'

/** A database kind for tests: opens a new empty store; `cleanup` removes everything it made. */
export interface StoreTarget {
  readonly name: 'sqlite' | 'postgres'
  /** Opens a store on a new empty database (or, with `reuse`, on the database of an earlier store). */
  open(reuse?: Store): Promise<Store>
  cleanup(): Promise<void>
}

const url = process.env['LEADSCORE_TEST_DATABASE_URL']
const ci = ['true', '1'].includes((process.env['CI'] ?? '').toLowerCase())
const HOW = 'set LEADSCORE_TEST_DATABASE_URL=postgres://user:password@host:5432/database (see .ci/run)'

function sqliteTarget(): StoreTarget {
  const dirs: string[] = []
  const paths = new Map<Store, string>()
  return {
    name: 'sqlite',
    async open(reuse) {
      let path = reuse ? paths.get(reuse) : undefined
      if (!path) {
        const dir = mkdtempSync(join(tmpdir(), 'leadscore-test-'))
        dirs.push(dir)
        path = join(dir, 'leadscore.db')
      }
      const store = await openSqliteStore({ path })
      paths.set(store, path)
      return store
    },
    async cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
    },
  }
}

function postgresTarget(databaseUrl: string): StoreTarget {
  const schemas: string[] = []
  const bySchema = new Map<Store, string>()
  return {
    name: 'postgres',
    async open(reuse) {
      let schema = reuse ? bySchema.get(reuse) : undefined
      if (!schema) {
        schema = `test_${randomBytes(6).toString('hex')}`
        schemas.push(schema)
      }
      const store = await openPostgresStore({ url: databaseUrl, schema, poolSize: 4 })
      bySchema.set(store, schema)
      return store
    },
    async cleanup() {
      const list = schemas.splice(0)
      if (list.length === 0) return
      const client = new pg.Client({ connectionString: databaseUrl })
      await client.connect()
      try {
        // names are ours (test_ + hex), not input
        for (const s of list) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
      } finally {
        await client.end()
      }
    },
  }
}

/** The targets to run against (SQLite, and PostgreSQL when configured). */
export function storeTargets(): StoreTarget[] {
  const targets = [sqliteTarget()]
  if (url !== undefined && url !== '') targets.push(postgresTarget(url))
  else if (ci) {
    describe('postgres', () => {
      it('runs: LEADSCORE_TEST_DATABASE_URL is required when CI=true', () => {
        throw new Error(`PostgreSQL tests cannot be skipped in CI: ${HOW}`)
      })
    })
  } else {
    console.warn(`engine/server PostgreSQL tests skipped: LEADSCORE_TEST_DATABASE_URL is unset (${HOW})`)
  }
  return targets
}
