import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, systemClock } from '../../engine/index.js'
import { openSqliteStore, type Store } from '../../store/index.js'
import { runCli } from '../test-support/run-cli.js'

let cwd = ''
const run = (...argv: string[]) => runCli(cwd, ...argv)

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'leadscore-backup-'))
})
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

async function eventCount(store: Store): Promise<number> {
  let n = 0
  for await (const page of store.streamEvents()) n += page.length
  return n
}

/** Every table's rows, for comparing two databases. */
function dump(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true })
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string
    }[]
    return Object.fromEntries(
      tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all()]),
    )
  } finally {
    db.close()
  }
}

describe('leadscore backup and restore', () => {
  it('backs up consistently while events are written, and restores an identical database', async () => {
    const db = join(cwd, 'live.db')
    const store = await openSqliteStore({ path: db })
    const engine = await createEngine({ store, clock: systemClock, tickIntervalMs: 0, webhooks: false })
    let stop = false
    let sent = 0
    const writer = (async () => {
      while (!stop) {
        const batch = Array.from({ length: 50 }, (_, i) => ({
          type: 'track',
          userId: `u${(sent + i) % 40}`,
          event: 'Email Opened',
          messageId: `m${sent + i}`,
        }))
        await engine.ingest(batch)
        sent += batch.length
        await new Promise((r) => setImmediate(r))
      }
    })()
    while (sent < 500) await new Promise((r) => setTimeout(r, 5))
    const during = await run('backup', '--db', db, '--out', 'during.db')
    expect(during.code).toBe(0)
    stop = true
    await writer
    // the copy taken under writes is a whole database: intact, with a prefix of the events
    const copy = new Database(join(cwd, 'during.db'), { readonly: true })
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    const copied = Number((copy.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n)
    copy.close()
    expect(copied).toBeGreaterThanOrEqual(500)
    expect(copied).toBeLessThanOrEqual(sent)
    expect(during.stderr).toMatch(
      /^backed up .*live\.db to during\.db: 40 contacts, [\d,]+ events, schema version \d+, [\d.]+ MB\n$/,
    )

    // stopped: backup, restore into a new file, same rows everywhere
    await engine.close()
    await store.close()
    expect((await run('backup', '--db', db, '--out', 'quiet.db')).code).toBe(0)
    const restored = join(cwd, 'restored.db')
    const done = await run('restore', 'quiet.db', '--db', restored)
    expect(done.code).toBe(0)
    expect(dump(restored)).toEqual(dump(db))
    const reopened = await openSqliteStore({ path: restored })
    expect(await eventCount(reopened)).toBe(sent)
    await reopened.close()
  }, 60_000)

  it('refuses to overwrite without --force, a file that is not a Leadscore database, and an existing backup file', async () => {
    const db = join(cwd, 'a.db')
    await (await openSqliteStore({ path: db })).close()
    expect((await run('backup', '--db', db, '--out', 'a-backup.db')).code).toBe(0)
    const again = await run('backup', '--db', db, '--out', 'a-backup.db')
    expect(again).toMatchObject({ code: 1 })
    expect(again.stderr).toMatch(/a-backup\.db exists already/)
    const over = await run('restore', 'a-backup.db', '--db', db)
    expect(over.code).toBe(1)
    expect(over.stderr).toMatch(
      /exists: restoring would replace it \(pass --force to do so\)\nhint: stop the server/,
    )
    expect((await run('restore', 'a-backup.db', '--db', db, '--force')).code).toBe(0)
    writeFileSync(join(cwd, 'other.db'), '')
    const other = new Database(join(cwd, 'other.db'))
    other.exec('CREATE TABLE t (x)')
    other.close()
    const foreign = await run('restore', 'other.db', '--db', join(cwd, 'b.db'))
    expect(foreign.stderr).toMatch(/other\.db is not a Leadscore database/)
    const pg = await run('backup', '--db', 'postgres://u:p@localhost/x', '--out', 'x.dump')
    expect(pg).toMatchObject({ code: 1 })
    expect(pg.stderr).toMatch(/hint: use pg_dump/)
  })
})
