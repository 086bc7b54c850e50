import { afterEach, describe, expect, it } from 'vitest'
import { evaluateContact } from '../core/index.js'
import { openSqliteStore, type Store } from '../store/index.js'
import { manualClock } from './clock.js'
import { defaultModelSource } from './default-model.js'
import { seedDemoWorkspace } from './demo-workspace.js'
import { createEngine, type Engine } from './engine.js'
import { compileSource } from './models.js'

const T0 = Date.parse('2026-11-02T09:00:00.000Z')

describe('preview', () => {
  const open: { engine: Engine; store: Store }[] = []
  afterEach(async () => {
    for (const { engine, store } of open.splice(0)) {
      await engine.close()
      await store.close()
    }
  })

  it('gives what scoring every contact one by one gives, stored stages included, and reuses its reading', async () => {
    const store = await openSqliteStore({ path: ':memory:' })
    const clock = manualClock(T0)
    const engine = await createEngine({ store, clock, tickIntervalMs: 0, webhooks: false })
    open.push({ engine, store })
    await seedDemoWorkspace(engine, { contacts: 150, seed: 7 })
    // people moved some contacts on by hand: a stage the scores alone never reach
    const ids = (await store.listContacts({ model: 'b2b-saas', limit: 10 })).items.map((i) => i.contact.id)
    await engine.upsertContacts(ids.slice(0, 4).map((id, i) => ({ id, stage: i % 2 ? 'customer' : 'sql' })))
    // a draft: pricing worth more, a lower bar for hot
    const source = defaultModelSource().replace(
      '      any:\n        - score.total: { gte: 60 }',
      '      any:\n        - score.total: { gte: 40 }',
    )
    expect(source).not.toBe(defaultModelSource())
    const { compiled } = compileSource(source)
    const preview = await engine.previewCompiled({ id: 'b2b-saas', version: 2, compiled })

    // the same, contact by contact
    const bands: Record<string, number> = {}
    const stages: Record<string, number> = {}
    let changes = 0
    let after: string | null = null
    let n = 0
    for (;;) {
      const page = await store.staleContacts({ model: ' none', version: 1, after, limit: 1000 })
      if (page.length === 0) break
      after = page.at(-1)!
      for (const contact of await store.getContacts(page)) {
        const account =
          contact.accountId === null ? undefined : (await store.getAccount(contact.accountId))?.properties
        const r = evaluateContact(
          compiled,
          { id: contact.id, properties: contact.properties, account },
          await store.contactEvents(contact.id),
          T0,
          { currentStage: contact.stage },
        )
        const stored = (await store.contactScores(contact.id)).find((s) => s.modelId === 'b2b-saas')
        bands[r.band ?? '(none)'] = (bands[r.band ?? '(none)'] ?? 0) + 1
        stages[r.stage ?? '(none)'] = (stages[r.stage ?? '(none)'] ?? 0) + 1
        if ((stored?.band ?? null) !== r.band) changes++
        n++
      }
    }
    expect(preview.contacts).toBe(n)
    expect(preview.bands.after).toEqual(bands)
    expect(preview.stages.after).toEqual(stages)
    expect(preview.stages.after['customer']).toBe(2)
    expect(preview.bandChanges).toBe(changes)
    expect(changes).toBeGreaterThan(0)

    // within a minute the reading is reused: new events wait for the next one
    const again = await engine.previewCompiled({ id: 'b2b-saas', version: 2, compiled })
    expect(again.snapshotAt).toBe(preview.snapshotAt)
    expect(again.refreshing).toBe(false)
    // after it, the preview is still answered from it while a fresh one is read
    clock.advance(61_000)
    const later = await engine.previewCompiled({ id: 'b2b-saas', version: 2, compiled })
    expect(later.snapshotAt).toBe(T0)
    expect(later.refreshing).toBe(true)
  }, 60_000)
})
