import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openSqliteStore, type Store } from '../store/index.js'
import { manualClock } from './clock.js'
import { seedDemoWorkspace } from './demo-workspace.js'
import { createEngine } from './engine.js'
import type { Logger } from './logger.js'
import { compileSource } from './models.js'
import { type PreviewResult, PreviewSnapshots, previewModel, readSnapshot } from './preview.js'

const T0 = Date.parse('2026-11-02T09:00:00.000Z')
const MINUTE = 60_000

/** A draft of the demo model with one rule's points changed. */
function draft(source: string, k: number) {
  const rule = /points: (\d+)\n/.exec(source)!
  return compileSource(source.replace(rule[0], `points: ${Number(rule[1]) + k}\n`)).compiled
}

/** Everything a preview says about the contacts (not how long it took, nor the snapshot's state). */
function outcome(p: PreviewResult) {
  const { ms: _ms, refreshing: _refreshing, ...rest } = p
  return rest
}

/** The store, counting the reads of contacts, events and scores made on this thread. */
function counted(store: Store): { store: Store; reads: () => number } {
  let reads = 0
  const counting = new Set(['contactsAfter', 'eventsOfContactRange', 'scoresOf', 'eventsOfContacts'])
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver)
      if (typeof value !== 'function') return value
      if (!counting.has(String(key))) return value.bind(target)
      return (...args: unknown[]) => {
        reads++
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return { store: proxy, reads: () => reads }
}

describe('model preview on a worker thread', () => {
  const cleanup: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn()
  })

  async function start(preview: { location?: null } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-preview-worker-'))
    const base = await openSqliteStore({ path: join(dir, 'leadscore.db') })
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }))
    cleanup.push(() => base.close())
    const { store, reads } = counted(base)
    const clock = manualClock(T0)
    const engine = await createEngine({ store, clock, tickIntervalMs: 0, webhooks: false, preview })
    cleanup.push(() => engine.close())
    await seedDemoWorkspace(engine, { contacts: 150, seed: 4 })
    const record = (await base.listModelVersions('b2b-saas')).at(-1)!
    return { engine, base, reads, clock, dir, source: record.source }
  }

  it('answers what a preview on this thread answers, edit after edit, reading nothing on this thread', async () => {
    const { engine, reads, source } = await start()
    const local = await start({ location: null })
    for (const k of [1, 2]) {
      const target = { id: 'b2b-saas', version: 2, compiled: draft(source, k) }
      const before = reads()
      const remote = await engine.previewCompiled(target)
      expect(reads()).toBe(before)
      const here = await local.engine.previewCompiled(target)
      expect(outcome(remote)).toEqual(outcome(here))
      expect(remote.contacts).toBe(150)
    }
    // the engine on this thread read the contacts, events and stored scores itself
    expect(local.reads()).toBeGreaterThan(0)
  }, 120_000)

  it('keeps answering requests while a refresh runs, and the refreshed preview equals a fresh reading', async () => {
    const { engine, base, clock, source } = await start()
    const target = { id: 'b2b-saas', version: 2, compiled: draft(source, 1) }
    const first = await engine.previewCompiled(target)
    expect(first.snapshotAt).toBe(T0)

    clock.advance(MINUTE + 1)
    const stale = await engine.previewCompiled(target)
    expect(stale.refreshing).toBe(true)
    const contact = (await base.listContacts({ model: 'b2b-saas', limit: 1 })).items[0]!.contact.id
    // while the worker reads: ingestion is committed and scored, and a preview answered
    const ingested = await engine.ingest([
      {
        type: 'track',
        messageId: 'during-refresh',
        userId: contact,
        event: 'pricing page',
        timestamp: clock.now(),
      },
    ])
    expect(ingested.accepted).toBe(1)
    const during = await engine.previewCompiled(target)
    expect(during.refreshing).toBe(true)
    expect(during.snapshotAt).toBe(T0)

    let fresh = during
    for (let i = 0; i < 600 && fresh.refreshing; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      fresh = await engine.previewCompiled(target)
    }
    expect(fresh.refreshing).toBe(false)
    expect(fresh.snapshotAt).toBe(T0 + MINUTE + 1)
    const scratch = await readSnapshot(base, fresh.snapshotAt, { pageSize: 1000 })
    const direct = await previewModel(base, scratch, target, { id: 'b2b-saas', version: 1 }, scratch.at)
    expect(outcome(fresh)).toEqual(outcome(direct))
  }, 120_000)

  it('says what went wrong when the worker cannot read the store, and when it stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-preview-worker-'))
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }))
    const store = await openSqliteStore({ path: ':memory:' })
    cleanup.push(() => store.close())
    const model = compileSource(`format: leadscore/v1
id: b2b-saas
name: Probe
engagement:
  max: 50
  groups:
    - id: pings
      rules:
        - id: ping
          when: { event: ping }
          points: 10
`).compiled
    const target = { id: 'b2b-saas', version: 2, compiled: model }

    const garbage = join(dir, 'not-a-database.db')
    writeFileSync(garbage, 'this is not a SQLite file, it is a shopping list: '.repeat(200))
    const broken = new PreviewSnapshots(store, { location: garbage })
    cleanup.push(async () => broken.close())
    await expect(broken.preview(T0, target, null)).rejects.toThrow(
      /the model preview failed on its worker thread: cannot open the SQLite database .*not-a-database\.db/,
    )

    const errors: string[] = []
    const logger: Logger = {
      debug() {},
      info() {},
      warn() {},
      error: (msg, fields) => errors.push(`${msg} ${JSON.stringify(fields)}`),
    }
    // a heap too small for the worker to start: it stops, the preview waiting fails, and says so
    const starved = new PreviewSnapshots(store, { location: join(dir, 'ok.db'), maxHeapMb: 2, logger })
    cleanup.push(async () => starved.close())
    await expect(starved.preview(T0, target, null)).rejects.toThrow(
      "the model preview's worker thread failed: Worker terminated due to reaching memory limit: JS heap out of memory; the next preview starts a new one",
    )
    expect(errors).toEqual([
      'model preview: its worker thread failed {"error":"Worker terminated due to reaching memory limit: JS heap out of memory"}',
    ])
    // the next preview starts a new worker (which fails the same way: it is said again)
    await expect(starved.preview(T0, target, null)).rejects.toThrow(/JS heap out of memory/)
    expect(errors).toHaveLength(2)
  }, 120_000)
})
