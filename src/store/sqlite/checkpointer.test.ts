import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BackgroundCheckpointer } from './checkpointer.js'

const dirs: string[] = []
function database(): { db: Database.Database; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'leadscore-ckpt-'))
  dirs.push(dir)
  const file = join(dir, 'db.sqlite')
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)')
  return { db, file }
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function write(db: Database.Database, rows: number): void {
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
  for (let i = 0; i < rows; i += 500)
    db.transaction(() => {
      for (let j = 0; j < 500; j++) insert.run('x'.repeat(200))
    })()
}

describe('BackgroundCheckpointer', () => {
  it('takes checkpoints off the committing connection and copies the WAL back on its own thread', async () => {
    const { db, file } = database()
    const checkpointer = await BackgroundCheckpointer.start(db, file, { intervalMs: 20 })
    expect(checkpointer).toBeDefined()
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    write(db, 20_000) // ~1,000+ pages: the main connection would have checkpointed by itself
    // a checkpoint after the writes copies everything into the database file itself (earlier
    // ones, taken while the writes went on, copied part of it)
    await vi.waitFor(
      () => {
        const s = checkpointer!.latest
        expect(s.runs).toBeGreaterThan(0)
        expect(s.log).toBeGreaterThan(0)
        expect(s.checkpointed).toBe(s.log)
        expect(statSync(file).size).toBeGreaterThan(20_000 * 200)
      },
      { timeout: 15_000, interval: 20 },
    )
    await checkpointer!.stop()
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    db.close()
    const again = new Database(file, { readonly: true })
    expect(again.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 20_000 })
    again.close()
  })

  it('gives checkpoints back to the main connection when the worker dies', async () => {
    const { db, file } = database()
    const reasons: string[] = []
    const checkpointer = await BackgroundCheckpointer.start(db, file, {
      intervalMs: 20,
      onFallback: (reason) => reasons.push(reason),
    })
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    // simulate a crash of the worker thread
    await (checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate()
    await vi.waitFor(() => expect(checkpointer!.failed).toBe(true), { timeout: 2000, interval: 10 })
    expect(reasons[0]).toMatch(/checkpoint worker exited/)
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    await checkpointer!.stop()
    db.close()
  })
})
