import { afterEach, describe, expect, it } from 'vitest'
import { eventColumnsOf } from '../core/columnar/events.js'
import { type CompiledModel, evaluateContact } from '../core/index.js'
import { openSqliteStore, type Store } from '../store/index.js'
import { manualClock } from './clock.js'
import { seedDemoWorkspace } from './demo-workspace.js'
import { createEngine, type Engine } from './engine.js'
import { compileSource } from './models.js'
import { type PreviewSnapshot, PreviewSnapshots, previewModel, readSnapshot } from './preview.js'

const T0 = Date.parse('2026-11-02T09:00:00.000Z')

/** A draft whose classes tell what it saw: `hot` from 50 points of fit and engagement. */
function draft(fit: string, engagement: string): CompiledModel {
  return compileSource(`format: leadscore/v1
id: snapshot-probe
name: Snapshot probe
fit:
  max: 100
  groups:
    - id: fit
      rules:
${fit}
engagement:
  max: 100
  groups:
    - id: acts
      rules:
${engagement}
bands:
  - id: hot
    when: { score.total: { gte: 50 } }
`).compiled
}

const PING = `        - id: ping
          when: { event: snapshot ping }
          points: 50`
const PRO_UPGRADE = `        - id: pro
          when: { event: snapshot upgrade, plan: { eq: pro } }
          points: 50`
const NOTHING = `        - id: never
          when: { no_such_property: { eq: 'yes' } }
          points: 1`

/** Each contact's band under `model` as of `at`, scored one by one from the store (what publishing gives). */
async function bandsOneByOne(
  store: Store,
  model: CompiledModel,
  at: number,
): Promise<Map<string, string | null>> {
  const bands = new Map<string, string | null>()
  let after: string | null = null
  for (;;) {
    const page = await store.contactsAfter({ after, limit: 500 })
    if (page.length === 0) return bands
    after = page.at(-1)!.id
    for (const contact of page) {
      const account =
        contact.accountId === null ? undefined : (await store.getAccount(contact.accountId))?.properties
      const r = evaluateContact(
        model,
        { id: contact.id, properties: contact.properties, account },
        await store.contactEvents(contact.id),
        at,
        { currentStage: contact.stage },
      )
      bands.set(contact.id, r.band)
    }
  }
}

describe('preview snapshot', () => {
  const open: { engine: Engine; store: Store }[] = []
  afterEach(async () => {
    for (const { engine, store } of open.splice(0)) {
      await engine.close()
      await store.close()
    }
  })

  async function start() {
    const store = await openSqliteStore({ path: ':memory:' })
    const clock = manualClock(T0)
    const engine = await createEngine({ store, clock, tickIntervalMs: 0, webhooks: false })
    open.push({ engine, store })
    await seedDemoWorkspace(engine, { contacts: 40, seed: 11 })
    const ids = (await store.listContacts({ model: 'b2b-saas', limit: 4 })).items.map((i) => i.contact.id)
    return { engine, store, clock, ids }
  }

  it('keeps only the event properties the previewed models read, and reads again for a draft that reads another', async () => {
    const { engine, store, clock, ids } = await start()
    await engine.ingest([
      {
        type: 'track',
        messageId: 'up-1',
        userId: ids[0],
        event: 'snapshot upgrade',
        properties: { plan: 'pro' },
      },
      {
        type: 'track',
        messageId: 'up-2',
        userId: ids[1],
        event: 'snapshot upgrade',
        properties: { plan: 'free' },
      },
    ])
    clock.advance(1000)
    const at = clock.now()
    const snapshots = new PreviewSnapshots(store)
    const pings = draft(NOTHING, PING)
    const first = await snapshots.get(at, pings)
    expect([...first.snapshot.events.properties.keys()]).toEqual([])
    expect(first.snapshot.events.ids).toBeUndefined()

    // a draft that reads `plan`, which the snapshot did not keep: a reading with it, waited for
    const upgrades = draft(NOTHING, PRO_UPGRADE)
    const second = await snapshots.get(at, upgrades)
    expect(second.refreshing).toBe(false)
    expect(second.snapshot).not.toBe(first.snapshot)
    expect([...second.snapshot.events.properties.keys()]).toEqual(['plan'])
    const target = { id: 'snapshot-probe', version: 1, compiled: upgrades }
    const preview = await previewModel(store, second.snapshot, target, null, at)
    expect(preview.changes.map((c) => c.contactId)).toEqual([ids[0]])
    expect(preview.bands.after['hot']).toBe(1)
    // the same as a reading of every property
    const everything = await readSnapshot(store, at)
    expect(everything.eventProperties).toBeUndefined()
    const { ms: _a, ...kept } = preview
    const { ms: _b, ...all } = await previewModel(store, everything, target, null, at)
    expect(kept).toEqual(all)
    // a draft that reads what the snapshot has is answered from it
    expect((await snapshots.get(at, pings)).snapshot).toBe(second.snapshot)
    snapshots.close()
  }, 60_000)

  it('reads contact properties from columns, nested and dotted ones too, as scoring one by one does', async () => {
    const { engine, store, clock, ids } = await start()
    await engine.upsertContacts([
      { id: ids[0]!, properties: { address: { country: 'FR' } } },
      { id: ids[1]!, properties: { 'utm.source': 'ads', address: { country: 'DE' } } },
      { id: ids[2]!, properties: { address: 'FR' } },
      { id: ids[3]!, properties: { tier: null } },
    ])
    clock.advance(1000)
    const fit = `        - id: french
          when: { address.country: { eq: FR } }
          points: 50
        - id: ads
          when: { utm.source: { eq: ads } }
          points: 50
        - id: untiered
          when: { tier: { eq: null } }
          points: 1`
    const model = draft(fit, PING)
    const snapshot = await readSnapshot(store, clock.now(), { pageSize: 7 })
    // an object per contact only where a dotted path may need it
    expect(snapshot.contacts.properties.filter((p) => p !== undefined)).toHaveLength(2)
    const preview = await previewModel(
      store,
      snapshot,
      { id: 'snapshot-probe', version: 1, compiled: model },
      null,
      clock.now(),
    )
    const oneByOne = await bandsOneByOne(store, model, clock.now())
    const hot = [...oneByOne].filter(([, band]) => band === 'hot').map(([id]) => id)
    expect(hot.sort()).toEqual([ids[0]!, ids[1]!].sort())
    expect(preview.bands.after['hot']).toBe(2)
    expect(preview.changes.map((c) => c.contactId).sort()).toEqual(hot.sort())
    expect(preview.contacts).toBe(oneByOne.size)
  }, 60_000)
})

describe('preview changes', () => {
  it('lists the 100 largest moves of thousands of band changes, ties by id, as sorting them all does', async () => {
    // six bits of a number per contact, each worth its own points: totals 0..63, many ties
    const n = 20_000
    const fit = [0, 1, 2, 3, 4, 5]
      .map(
        (k) => `        - id: bit${k}\n          when: { bit${k}: { eq: 1 } }\n          points: ${2 ** k}`,
      )
      .join('\n')
    const model = draft(fit, PING)
    const properties = Array.from({ length: n }, (_, c) => {
      const v = (c * 7919) % 64
      return Object.fromEntries([0, 1, 2, 3, 4, 5].map((k) => [`bit${k}`, (v >> k) & 1]))
    })
    // ids whose order is not the contacts' order, so that ties are broken by id, not by index
    const ids = properties.map((_, c) => `c${(c * 31) % n}`)
    const snapshot: PreviewSnapshot = {
      at: T0,
      contacts: { length: n, ids, properties },
      stages: new Array(n).fill(null),
      events: eventColumnsOf(properties.map(() => [])),
    }
    const preview = await previewModel(
      undefined as unknown as Store, // no stored stage, no baseline: the store is not read
      snapshot,
      { id: 'snapshot-probe', version: 1, compiled: model },
      null,
      T0,
    )
    const totals = properties.map((p) =>
      [0, 1, 2, 3, 4, 5].reduce((sum, k) => sum + (p[`bit${k}`] ? 2 ** k : 0), 0),
    )
    const changed = totals
      .map((total, c) => ({ id: ids[c]!, total }))
      .filter((x) => x.total >= 50)
      .sort((a, b) => b.total - a.total || (a.id < b.id ? -1 : 1))
    expect(preview.bandChanges).toBe(changed.length)
    expect(changed.length).toBeGreaterThan(400)
    expect(preview.changes.map((c) => [c.contactId, c.after.total])).toEqual(
      changed.slice(0, 100).map((x) => [x.id, x.total]),
    )
  })
})
