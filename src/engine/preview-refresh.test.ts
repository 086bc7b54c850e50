import { afterEach, describe, expect, it } from 'vitest'
import { openSqliteStore, type Store } from '../store/index.js'
import { manualClock } from './clock.js'
import { seedDemoWorkspace } from './demo-workspace.js'
import { createEngine, type Engine } from './engine.js'
import { compileSource } from './models.js'
import { type PreviewResult, PreviewSnapshots, previewModel, readSnapshot } from './preview.js'

const T0 = Date.parse('2026-11-02T09:00:00.000Z')
const MINUTE = 60_000

/**
 * A draft that tells which contacts the preview saw changed: 50 points (band `flagged`) for
 * a contact whose `preview_flag` is "yes" or who sent a `preview ping`, compared with the
 * primary model's stored scores (no contact is `flagged` there).
 */
const PROBE = `format: leadscore/v1
id: preview-probe
name: Preview probe
fit:
  max: 50
  groups:
    - id: flag
      rules:
        - id: flagged
          when: { preview_flag: { eq: 'yes' } }
          points: 50
engagement:
  max: 50
  groups:
    - id: pings
      rules:
        - id: ping
          when: { event: preview ping }
          points: 50
bands:
  - id: flagged
    when: { score.total: { gte: 50 } }
`

/** The same probe with the flag worth a little less: an edit that keeps the snapshot's rules but one. */
const EDITED = PROBE.replace('points: 50\nengagement', 'points: 49\nengagement')

/** The store, with the preview's reading of contacts held at a gate while `held` is set. */
function gatedStore(store: Store): {
  store: Store
  hold(): void
  release(): void
  reads(): number
  scoreReads(): number
} {
  let gate: { promise: Promise<void>; open: () => void } | undefined
  let reads = 0
  let scoreReads = 0
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver)
      if (key === 'scoresOf')
        return (...args: Parameters<Store['scoresOf']>) => {
          scoreReads++
          return target.scoresOf(...args)
        }
      if (key !== 'contactsAfter') return typeof value === 'function' ? value.bind(target) : value
      return async (query: Parameters<Store['contactsAfter']>[0]) => {
        reads++
        if (gate !== undefined) await gate.promise
        return target.contactsAfter(query)
      }
    },
  })
  return {
    store: proxy,
    hold() {
      let open!: () => void
      const promise = new Promise<void>((resolve) => {
        open = resolve
      })
      gate = { promise, open }
    },
    release() {
      gate?.open()
      gate = undefined
    },
    reads: () => reads,
    scoreReads: () => scoreReads,
  }
}

/** Everything a preview says about the contacts (not how long it took, nor the snapshot's state). */
function outcome(p: PreviewResult) {
  const { ms: _ms, refreshing: _refreshing, ...rest } = p
  return rest
}

/** What a preview says about the draft's scores (the stored ones it compares with change as the engine rescores). */
function draftSide(p: PreviewResult) {
  return {
    contacts: p.contacts,
    snapshotAt: p.snapshotAt,
    bands: p.bands.after,
    stages: p.stages.after,
    mean: p.meanTotal.after,
  }
}

/** The contacts the draft puts in its `flagged` band. */
function flagged(p: PreviewResult): string[] {
  return p.changes
    .filter((c) => c.after.band === 'flagged')
    .map((c) => c.contactId)
    .sort()
}

describe('preview snapshot refresh (stale-while-revalidate)', () => {
  const open: { engine: Engine; store: Store }[] = []
  afterEach(async () => {
    for (const { engine, store } of open.splice(0)) {
      await engine.close()
      await store.close()
    }
  })

  async function start(options: { contacts?: number; pageSize?: number } = {}) {
    const base = await openSqliteStore({ path: ':memory:' })
    const gated = gatedStore(base)
    const clock = manualClock(T0)
    const engine = await createEngine({
      store: gated.store,
      clock,
      tickIntervalMs: 0,
      webhooks: false,
      preview: { pageSize: options.pageSize ?? 25 },
    })
    open.push({ engine, store: base })
    await seedDemoWorkspace(engine, { contacts: options.contacts ?? 120, seed: 3 })
    const ids = (await base.listContacts({ model: 'b2b-saas', limit: 3 })).items.map((i) => i.contact.id)
    return { engine, store: base, gated, clock, ids, draft: compileSource(PROBE).compiled }
  }

  it('answers from the snapshot it has once that is stale, shows later events and properties after the refresh, equal to a fresh reading', async () => {
    const { engine, store, clock, ids, draft } = await start()
    const target = { id: 'preview-probe', version: 1, compiled: draft }
    const first = await engine.previewCompiled(target)
    expect(first.snapshotAt).toBe(T0)
    expect(first.refreshing).toBe(false)
    expect(first.bands.after['flagged'] ?? 0).toBe(0)

    // after the snapshot was read: a ping from one contact, a property of another
    clock.advance(10_000)
    await engine.ingest([
      { type: 'track', messageId: 'ping-1', userId: ids[0], event: 'preview ping', timestamp: clock.now() },
      { type: 'identify', messageId: 'flag-1', userId: ids[1], traits: { preview_flag: 'yes' } },
    ])
    // within the refresh age the snapshot is used as it is: neither shows
    const within = await engine.previewCompiled(target)
    expect(within.snapshotAt).toBe(T0)
    expect(within.refreshing).toBe(false)
    expect(within.bands.after['flagged'] ?? 0).toBe(0)

    // past it: still answered from that snapshot at once, while a fresh one is read
    clock.advance(MINUTE)
    const stale = await engine.previewCompiled(target)
    expect(stale.snapshotAt).toBe(T0)
    expect(stale.refreshing).toBe(true)
    expect(draftSide(stale)).toEqual(draftSide(first))

    await settle(engine)
    const fresh = await engine.previewCompiled(target)
    expect(fresh.snapshotAt).toBe(T0 + 70_000)
    expect(fresh.refreshing).toBe(false)
    expect(fresh.bands.after['flagged']).toBe(2)
    expect(flagged(fresh)).toEqual([ids[0], ids[1]].sort())

    // what a reading from scratch at the same time gives, without any cache
    const scratch = await readSnapshot(store, fresh.snapshotAt, { pageSize: 1000 })
    const baseline = { id: 'b2b-saas', version: 1 }
    const { cache: _cache, ...uncached } = scratch
    const direct = await previewModel(store, uncached, target, baseline, scratch.at)
    expect(outcome(fresh)).toEqual(outcome(direct))
    // and an edit on the refreshed snapshot too
    const edited = { id: 'preview-probe', version: 1, compiled: compileSource(EDITED).compiled }
    const editedFresh = await engine.previewCompiled(edited)
    const editedDirect = await previewModel(store, scratch, edited, baseline, scratch.at)
    expect(outcome(editedFresh)).toEqual(outcome(editedDirect))
    expect(editedFresh.bands.after['flagged']).toBe(1)
  }, 60_000)

  it('answers an edit from the current snapshot while the refresh reads, and keeps ingesting meanwhile', async () => {
    const { engine, gated, clock, ids, draft } = await start()
    const target = { id: 'preview-probe', version: 1, compiled: draft }
    await engine.previewCompiled(target)
    clock.advance(MINUTE + 1)
    gated.hold()
    const readsBefore = gated.reads()
    const stale = await engine.previewCompiled(target)
    expect(stale.snapshotAt).toBe(T0)
    expect(stale.refreshing).toBe(true)
    // the preview was answered before the refresh read anything; then it waits at its first page
    expect(gated.reads()).toBe(readsBefore)
    for (let i = 0; i < 100 && gated.reads() === readsBefore; i++)
      await new Promise((resolve) => setTimeout(resolve, 5))
    expect(gated.reads()).toBe(readsBefore + 1)
    // an edit is answered from the snapshot it has
    const edit = await engine.previewCompiled({ ...target, compiled: compileSource(EDITED).compiled })
    expect(edit.snapshotAt).toBe(T0)
    expect(edit.refreshing).toBe(true)
    // ingestion is answered (committed and scored) while the refresh is under way
    const ingested = await engine.ingest([
      { type: 'track', messageId: 'ping-2', userId: ids[2], event: 'preview ping', timestamp: clock.now() },
    ])
    expect(ingested.accepted).toBe(1)
    expect(gated.reads()).toBe(readsBefore + 1)

    gated.release()
    await settle(engine)
    // the refresh read the stored scores the previews compare with (120 contacts: one page)
    // before the fresh snapshot took over: the previews on it read none
    const scoreReads = gated.scoreReads()
    const fresh = await engine.previewCompiled(target)
    expect(fresh.snapshotAt).toBe(T0 + MINUTE + 1)
    expect(flagged(fresh)).toEqual([ids[2]])
    await engine.previewCompiled({ ...target, compiled: compileSource(EDITED).compiled })
    expect(gated.scoreReads()).toBe(scoreReads)
    // the reading went a page at a time (120 contacts, 25 a page, and the empty page that ends it)
    expect(gated.reads()).toBe(readsBefore + 6)
  }, 60_000)
})

/** Waits for the engine's preview refresh, if any, to be done (by asking until it says so). */
async function settle(engine: Engine): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10))
    const probe = await engine.previewCompiled({
      id: 'preview-probe',
      version: 1,
      compiled: compileSource(PROBE).compiled,
    })
    if (!probe.refreshing) return
  }
  throw new Error('the preview refresh did not finish')
}

describe('PreviewSnapshots', () => {
  it('reads once for previews that come together, lets an idle snapshot go, and keeps the current one when a refresh fails', async () => {
    const store = await openSqliteStore({ path: ':memory:' })
    const clock = manualClock(T0)
    const engine = await createEngine({ store, clock, tickIntervalMs: 0, webhooks: false })
    try {
      await seedDemoWorkspace(engine, { contacts: 30, seed: 5 })
      const gated = gatedStore(store)
      const model = compileSource(PROBE).compiled
      const snapshots = new PreviewSnapshots(gated.store, { idleMs: 50, pageSize: 100 })
      const [a, b] = await Promise.all([snapshots.get(T0, model), snapshots.get(T0, model)])
      expect(a.snapshot).toBe(b.snapshot)
      expect(gated.reads()).toBe(2) // one page of 30 contacts, and the empty one after it
      expect(snapshots.snapshotAt).toBe(T0)

      // a refresh that fails leaves the snapshot in place; the next stale preview tries again
      const failing = new PreviewSnapshots(
        new Proxy(store, {
          get(target, key, receiver) {
            if (key === 'eventsOfContactRange' && failing.snapshotAt !== undefined)
              return () => Promise.reject(new Error('disk on fire'))
            const value = Reflect.get(target, key, receiver)
            return typeof value === 'function' ? value.bind(target) : value
          },
        }),
      )
      const kept = await failing.get(T0, model)
      const during = await failing.get(T0 + 2 * MINUTE, model)
      expect(during.snapshot).toBe(kept.snapshot)
      await failing.settled()
      const after = await failing.get(T0 + 3 * MINUTE, model)
      expect(after.snapshot).toBe(kept.snapshot)
      expect(after.refreshing).toBe(true)
      await failing.settled()
      failing.close()

      // a refresh reads the stored scores the last preview compared with before it takes over
      const warmed = new PreviewSnapshots(gated.store)
      const baseline = { id: 'b2b-saas', version: 1 }
      await warmed.get(T0, model, baseline)
      const scoreReads = gated.scoreReads()
      await warmed.get(T0 + 2 * MINUTE, model, baseline)
      await warmed.settled()
      expect(warmed.snapshotAt).toBe(T0 + 2 * MINUTE)
      expect(gated.scoreReads()).toBe(scoreReads + 1)
      warmed.close()

      // 50 ms without a preview: the snapshot is let go, the next preview reads one again
      await new Promise((resolve) => setTimeout(resolve, 120))
      expect(snapshots.snapshotAt).toBeUndefined()
      const again = await snapshots.get(T0 + 1000, model)
      expect(again.snapshot.at).toBe(T0 + 1000)
      expect(again.refreshing).toBe(false)

      // closing stops a refresh under way at its next page
      gated.hold()
      const stale = await snapshots.get(T0 + 2 * MINUTE, model)
      expect(stale.refreshing).toBe(true)
      snapshots.close()
      gated.release()
      await snapshots.settled()
      expect(snapshots.snapshotAt).toBeUndefined()
      await expect(snapshots.get(T0 + 3 * MINUTE, model)).rejects.toThrow(/closed/)
    } finally {
      await engine.close()
      await store.close()
    }
  }, 60_000)
})
