import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { StoreConnectionError } from './errors.js'
import { openStore } from './open-store.js'
import { runPredictiveConformance } from './predictive.case.js'
import { openSqliteStore } from './sqlite/open-sqlite-store.js'
import { runStoreConformance } from './store.case.js'
import { runUsersConformance } from './users.case.js'
import { runWebhooksConformance } from './webhooks.case.js'

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'leadscore-sqlite-'))
}

/** A fresh database file per test; every `open` opens it again. */
async function sqliteTarget() {
  const dir = tempDir()
  return {
    open: () => openSqliteStore({ path: join(dir, 'leadscore.db') }),
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  }
}

runStoreConformance('sqlite', sqliteTarget)
runWebhooksConformance('sqlite', sqliteTarget)
runPredictiveConformance('sqlite', sqliteTarget)

runUsersConformance('sqlite', async () => ({
  open: () => openSqliteStore({ path: ':memory:' }),
  destroy: async () => {},
}))

describe('sqlite store', () => {
  const dirs: string[] = []
  const dir = () => {
    const d = tempDir()
    dirs.push(d)
    return d
  }
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('uses WAL and the chosen synchronous level', async () => {
    for (const [synchronous, level] of [
      ['normal', 1],
      ['full', 2],
    ] as const) {
      const path = join(dir(), 'db.sqlite')
      const store = await openSqliteStore({ path, synchronous })
      await store.close()
      const { default: Database } = await import('better-sqlite3')
      const db = new Database(path)
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      db.close()
      // synchronous is per connection: check it through a store's own connection
      const again = (await openSqliteStore({ path, synchronous })) as unknown as {
        root: { db: import('better-sqlite3').Database }
      }
      expect(again.root.db.pragma('synchronous', { simple: true })).toBe(level)
      await (again as unknown as { close(): Promise<void> }).close()
    }
  })

  it('creates the directory of a new database file', async () => {
    const path = join(dir(), 'a', 'b', 'leadscore.db')
    const store = await openSqliteStore({ path })
    await store.close()
  })

  it('says which file cannot be opened, and why', async () => {
    const notADatabase = join(dir(), 'notes.txt')
    writeFileSync(notADatabase, 'these are not the bytes you are looking for'.repeat(100))
    const opening = openSqliteStore({ path: notADatabase })
    await expect(opening).rejects.toThrow(StoreConnectionError)
    await expect(opening).rejects.toThrow(/notes\.txt.*not a database/)
    const blocked = join(dir(), 'file')
    writeFileSync(blocked, '')
    await expect(openSqliteStore({ path: join(blocked, 'sub', 'x.db') })).rejects.toThrow(
      /cannot open the SQLite database .*file\/sub\/x\.db/,
    )
  })

  it('is what openStore opens for a file path', async () => {
    const store = await openStore(join(dir(), 'leadscore.db'))
    expect(store.dialect).toBe('sqlite')
    expect(store.partitionCount).toBe(64)
    await store.close()
  })

  it('works in memory (tests, previews)', async () => {
    const store = await openSqliteStore({ path: ':memory:' })
    await store.insertEvents([
      { id: 'e', contactId: 'c', name: 'page', ts: 1, receivedAt: 2, properties: {} },
    ])
    const pages = []
    for await (const page of store.streamEvents()) pages.push(page)
    expect(pages.flat().map((e) => e.id)).toEqual(['e'])
    await store.close()
  })

  it('keeps every acknowledged event when the process is killed (kill -9) right after', async () => {
    const path = join(dir(), 'crash.db')
    const child = join(import.meta.dirname, 'test-support', 'ingest-until-killed.ts')
    const proc = spawn(process.execPath, ['--import', 'tsx', child, path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const acknowledged: string[] = []
    await new Promise<void>((resolve, reject) => {
      let buffer = ''
      proc.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8')
        const lines = buffer.split('\n')
        buffer = lines.pop() ?? ''
        for (const line of lines) if (line.startsWith('ack ')) acknowledged.push(line.slice(4))
        // kill -9 in the middle of ingestion, right after an acknowledgement
        if (acknowledged.length >= 30 && proc.exitCode === null) proc.kill('SIGKILL')
      })
      proc.on('exit', () => resolve())
      proc.on('error', reject)
    })
    expect(proc.signalCode).toBe('SIGKILL')
    expect(acknowledged.length).toBeGreaterThanOrEqual(30)
    const store = await openSqliteStore({ path })
    const stored = new Set<string>()
    for await (const page of store.streamEvents()) for (const e of page) stored.add(e.id)
    await store.close()
    const lost = acknowledged.filter((id) => !stored.has(id))
    expect(lost).toEqual([])
  }, 60_000)
})
