/**
 * The big database of the `queue`, `publish` and `memory` sections: the generated data set
 * (`bench/generate-data.ts`: contacts, accounts and events, made once and kept) written
 * straight into the store (the ingestion path would take an hour for 20M events), with the
 * default model published and a synthetic score from it for every contact (so the server
 * starts with nothing to rescore). Kept between runs: a setting records what was built.
 * @module
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createEngine, systemClock } from '../../src/engine/index.js'
import { readAccounts, readContacts, readEvents } from '../../src/io/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import type { EventWrite } from '../../src/store/records/event.js'
import { syntheticScore } from '../../src/store/test-support/synthetic-scores.js'
import { dropSectionDatabase, sectionDatabase } from './bench-server.js'
import type { SectionContext } from './section.js'
import { count, round } from './stats.js'

const ROOT = join(import.meta.dirname, '..', '..')
/** The generator's reference time: no event is later. */
const AS_OF = Date.parse('2026-11-01T00:00:00Z')
const MARKER = 'bench.serve.built'
const BATCH = 5000

export interface BigStore {
  readonly location: string
  readonly contacts: number
  readonly events: number
  readonly model: { readonly id: string; readonly version: number }
  /** Seconds spent building it in this run (0 when reused). */
  readonly buildSeconds: number
}

/** The generated CSV files for `contacts` contacts (about 20 events each), made when missing. */
async function dataFiles(ctx: SectionContext, contacts: number): Promise<string> {
  const dir = join(ctx.dir, `data-${contacts}`)
  if (existsSync(join(dir, 'events.csv'))) return dir
  ctx.log(`  generating ${count(contacts)} contacts and their events into ${dir}`)
  const t = performance.now()
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'bench', 'generate-data.ts'),
      '--contacts',
      String(contacts),
      '--seed',
      '1',
      '--out',
      dir,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`bench/generate-data.ts exited with ${code}`)
  ctx.log(`  generated in ${round((performance.now() - t) / 1000)} s`)
  return dir
}

/** Opens (building when needed) the big database for `contacts` contacts, with their events when `events`. */
export async function bigStore(
  ctx: SectionContext,
  contacts: number,
  events: boolean,
  rebuild = false,
): Promise<BigStore> {
  const location = await sectionDatabase(ctx.db, ctx.dir, `big_${contacts}${events ? '_events' : ''}`, false)
  let store = await openStore(location)
  try {
    const built = (await store.getSetting(MARKER)) as { contacts: number; events: number } | undefined
    const primary = (await store.publishedModels()).find((m) => m.primary)
    if (!rebuild && built !== undefined && primary !== undefined) {
      ctx.log(`  reusing ${count(built.contacts)} contacts and ${count(built.events)} events`)
      return { location, ...built, model: { id: primary.id, version: primary.version }, buildSeconds: 0 }
    }
    await store.close()
    await dropSectionDatabase(location)
    store = await openStore(location)
    const t = performance.now()
    const dir = await dataFiles(ctx, contacts)
    const written = await build(ctx, store, dir, events)
    const model = (await store.publishedModels()).find((m) => m.primary)!
    await store.putSetting(MARKER, written, Date.now())
    const buildSeconds = round((performance.now() - t) / 1000)
    ctx.log(`  built in ${buildSeconds} s`)
    return { location, ...written, model: { id: model.id, version: model.version }, buildSeconds }
  } finally {
    await store.close()
  }
}

async function build(
  ctx: SectionContext,
  store: Store,
  dir: string,
  withEvents: boolean,
): Promise<{ contacts: number; events: number }> {
  // the engine publishes the default model on an empty store
  const engine = await createEngine({ store, clock: systemClock, tickIntervalMs: 0, webhooks: false })
  await engine.close()
  const model = (await store.publishedModels()).find((m) => m.primary)!
  let t = performance.now()
  for await (const rows of readAccounts(join(dir, 'accounts.csv'), { batchSize: BATCH }).batches())
    await store.upsertAccounts(rows.map((r) => ({ id: r.id, properties: r.properties, at: AS_OF })))
  let contacts = 0
  for await (const rows of readContacts(join(dir, 'contacts.csv'), { batchSize: BATCH }).batches()) {
    await store.upsertContacts(
      rows.map((r) => {
        const account = r.properties['account_id']
        return {
          id: r.id,
          properties: r.properties,
          accountId: typeof account === 'string' && account !== '' ? account : null,
          at: AS_OF,
        }
      }),
    )
    await store.applyScores({
      scores: rows.map((r, k) =>
        syntheticScore(contacts + k, r.id, {
          modelId: model.id,
          modelVersion: model.version,
          at: AS_OF,
          nextChangeAt: null,
        }),
      ),
    })
    contacts += rows.length
  }
  ctx.log(
    `  ${count(contacts)} contacts with synthetic scores written in ${round((performance.now() - t) / 1000)} s`,
  )
  let events = 0
  if (withEvents) {
    t = performance.now()
    let shown = t
    for await (const rows of readEvents(join(dir, 'events.csv'), { batchSize: BATCH }).batches()) {
      await store.insertEvents(
        rows.map(
          (r): EventWrite => ({
            id: r.event.id,
            contactId: r.contactId,
            name: r.event.name,
            ts: r.event.ts,
            receivedAt: r.event.ts,
            properties: r.event.properties,
          }),
        ),
      )
      events += rows.length
      if (performance.now() - shown > 15_000) {
        shown = performance.now()
        ctx.log(`  ${count(events)} events written (${count((events / (shown - t)) * 1000)}/s)`)
      }
    }
    ctx.log(`  ${count(events)} events written in ${round((performance.now() - t) / 1000)} s`)
  }
  await store.optimize()
  return { contacts, events }
}
