import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { contactsArb } from '../../core/columnar/test-support/models.js'
import type { ContactEvent, ModelDocument } from '../../core/index.js'
import { eventsArb, modelArb } from '../../core/test-support/arbitraries.js'
import { NOW } from '../../core/test-support/events.js'
import type { Store, TransitionCauseRef } from '../../store/index.js'
import { manualClock } from '../clock.js'
import { silentLogger } from '../logger.js'
import { compileSource, ModelRegistry, type PublishedModel } from '../models.js'
import { startPublishJob } from '../publish-job.js'
import {
  emptyOutput,
  publishedContext,
  rescoreAccounts,
  rescoreContacts,
  rescoreOwed,
  writeRescore,
} from '../rescore.js'
import { storeTargets } from '../test-support/store-targets.js'

const MODEL = 'b2b-saas'

/** The publish as it was before pages were scored in bulk: each contact refolded and rescored, 200 per transaction. */
async function publishOneByOne(store: Store, models: ModelRegistry, model: PublishedModel, now: number) {
  const cause: TransitionCauseRef = {
    type: 'publish',
    modelId: model.record.id,
    version: model.record.version,
  }
  const context = (tx: Parameters<Parameters<Store['transaction']>[0]>[0]) =>
    publishedContext(tx, models, now, undefined, store.partitionCount)
  let after: string | null = null
  for (;;) {
    const ids = await store.staleContacts({ model: MODEL, version: model.record.version, after, limit: 200 })
    if (ids.length === 0) break
    await store.transaction(async (tx) => {
      const contacts = await tx.upsertContacts(ids.map((id) => ({ id, at: now })))
      await rescoreOwed(context(tx), contacts)
      const out = emptyOutput()
      const targets = contacts.map((contact) => ({ contact, newEvents: [], rebuild: true, cause }))
      await rescoreContacts({ ...context(tx), models: [model] }, targets, out)
      await writeRescore(tx, out)
    })
    after = ids.at(-1)!
  }
  if (model.compiled.accounts === undefined) return
  await store.transaction(async (tx) => {
    const out = emptyOutput()
    const accounts = await tx.accountsWithMembers({ limit: 10_000 })
    await rescoreAccounts({ ...context(tx), models: [model] }, accounts, cause, out)
    await writeRescore(tx, out)
  })
}

interface Data {
  readonly contacts: { properties: Record<string, unknown>; account: Record<string, unknown> | undefined }[]
  readonly events: ContactEvent[][]
}

async function load(store: Store, data: Data): Promise<void> {
  const at = NOW - 1000
  await store.upsertAccounts(
    data.contacts.flatMap((c, i) =>
      c.account === undefined ? [] : [{ id: `a${i % 3}`, properties: c.account, at }],
    ),
  )
  await store.upsertContacts(
    data.contacts.map((c, i) => ({
      id: `c${String(i).padStart(2, '0')}`,
      properties: c.properties,
      accountId: c.account === undefined ? null : `a${i % 3}`,
      at,
    })),
  )
  await store.insertEvents(
    data.events.flatMap((list, i) =>
      list.map((e) => ({
        ...e,
        id: `c${i}-${e.id}`,
        contactId: `c${String(i).padStart(2, '0')}`,
        receivedAt: at,
      })),
    ),
  )
}

/** Random models the service accepts: every engagement rule option, classifiers, stages, history tests, maybe accounts. */
const serviceModelArb: fc.Arbitrary<ModelDocument> = fc
  .record({ base: modelArb, accounts: fc.boolean(), mql: fc.integer({ min: 5, max: 60 }) })
  .map(({ base, accounts, mql }) => ({
    ...base,
    stages: [{ id: 'lead' }, { id: 'mql', when: { 'score.total': { gte: mql } } }, { id: 'customer' }],
    ...(accounts
      ? {
          accounts: {
            committee: { roles: [{ id: 'lead-vp', when: { title: { matches: 'vp' } }, points: 5 }] },
          },
        }
      : {}),
  }))
  .filter((doc) => {
    compileSource(JSON.stringify(doc)) // throws when the service would refuse it: a defect of the generator
    return true
  })

/** Publishes `doc` as the next version of the primary model (scoring nothing yet). */
async function publishVersion(store: Store, doc: ModelDocument, at: number): Promise<void> {
  const record = await store.createModelVersion({
    id: MODEL,
    source: JSON.stringify({ ...doc, id: MODEL }),
    createdAt: at,
  })
  await store.publishModel({ id: MODEL, version: record.version, primary: true, at })
}

/** Everything a publish writes about the contacts, states and times aside. */
async function snapshot(store: Store, ids: readonly string[]) {
  const scores = (await store.scoresOf(MODEL, ids)).map((s) => ({ ...s }))
  const transitions = (await store.listTransitions({ modelId: MODEL, limit: 10_000 })).map(
    ({ seq: _seq, ...t }) => t,
  )
  const history = []
  for (const id of ids) history.push(...(await store.scoreHistory({ contactId: id, modelId: MODEL })))
  const contacts = (await store.getContacts(ids)).map((c) => [c.id, c.stage, c.owner])
  const accounts = []
  for (const id of ['a0', 'a1', 'a2']) accounts.push(...(await store.accountScores(id)))
  return { scores, transitions, history, contacts, accounts }
}

describe.each(storeTargets())('publish in bulk ($name)', (target) => {
  afterAll(() => target.cleanup())

  it('writes what rescoring every contact one by one writes (random models, contacts, events), and real-time rescoring after it gives the same', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(serviceModelArb, serviceModelArb),
        contactsArb(12).chain((contacts) =>
          fc.array(eventsArb, { minLength: 12, maxLength: 12 }).map((events) => ({ contacts, events })),
        ),
        eventsArb,
        async ([first, second], data, later) => {
          const bulk = await target.open()
          const oneByOne = await target.open()
          try {
            const ids = data.contacts.map((_, i) => `c${String(i).padStart(2, '0')}`)
            const registries = new Map<Store, ModelRegistry>()
            for (const store of [bulk, oneByOne]) {
              await load(store, data)
              registries.set(store, new ModelRegistry(store, silentLogger))
            }
            // two publishes: the second sees the first's stages, scores and classes
            for (const [k, doc] of [first, second].entries()) {
              const now = NOW + k * 3_600_000
              for (const store of [bulk, oneByOne]) {
                await publishVersion(store, doc, now)
                await registries.get(store)!.refresh()
              }
              const models = registries.get(bulk)!
              const job = startPublishJob(
                {
                  store: bulk,
                  clock: manualClock(now),
                  logger: silentLogger,
                  models,
                  signal: new AbortController().signal,
                  pageSize: 5,
                },
                models.primary!,
              )
              await job.done
              expect(job.status).toBe('done')
              const reference = registries.get(oneByOne)!
              await publishOneByOne(oneByOne, reference, reference.primary!, now)
              expect(await snapshot(bulk, ids)).toEqual(await snapshot(oneByOne, ids))
            }
            // a real-time rescore after the publish (the bulk one stored no state: it refolds)
            const at = NOW + 2 * 3_600_000
            const events = later.map((e) => ({ ...e, id: `later-${e.id}`, contactId: 'c03', receivedAt: at }))
            for (const store of [bulk, oneByOne]) {
              await store.insertEvents(events)
              const models = registries.get(store)!
              await store.transaction(async (tx) => {
                const [contact] = await tx.upsertContacts([{ id: 'c03', at }])
                const ctx = publishedContext(tx, models, at, undefined, store.partitionCount)
                const newEvents = events.map(({ id, name, ts, properties }) => ({ id, name, ts, properties }))
                const target = {
                  contact: contact!,
                  newEvents,
                  rebuild: false,
                  cause: { type: 'api' } as const,
                }
                await writeRescore(tx, await rescoreContacts(ctx, [target]))
              })
            }
            expect(await snapshot(bulk, ids)).toEqual(await snapshot(oneByOne, ids))
          } finally {
            await bulk.close()
            await oneByOne.close()
          }
        },
      ),
      { numRuns: target.name === 'sqlite' ? 20 : 6 },
    )
  }, 240_000)
})
