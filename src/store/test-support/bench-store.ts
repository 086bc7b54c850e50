/**
 * Store benchmark: event ingestion, streaming, and the ranked queue on many contacts.
 *
 *   npx tsx src/store/test-support/bench-store.ts [--events 100000] [--batch 1000]
 *     [--contacts 1000000] [--synchronous normal|full] [--db postgres://...]
 *
 * SQLite runs in a temporary file (removed afterwards); PostgreSQL in a temporary schema.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { openPostgresStore } from '../postgres/open-postgres-store.js'
import type { ScoreWrite } from '../records/score.js'
import { openSqliteStore } from '../sqlite/open-sqlite-store.js'
import type { Store } from '../store.js'
import { syntheticScore } from './synthetic-scores.js'

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '1000' },
    contacts: { type: 'string', default: '100000' },
    synchronous: { type: 'string', default: 'normal' },
    'score-batch': { type: 'string', default: '5000' },
    db: { type: 'string' },
  },
})
const EVENTS = Number(values.events)
const BATCH = Number(values.batch)
const CONTACTS = Number(values.contacts)
const T0 = Date.parse('2026-11-01T00:00:00Z')
const OWNERS = Array.from({ length: 50 }, (_, i) => `rep-${i}`)

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString('en')}/s`
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function timeQueries(label: string, n: number, run: (i: number) => Promise<unknown>): Promise<void> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await run(i)
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  console.log(
    `${label.padEnd(48)} p50 ${percentile(times, 50).toFixed(2)} ms  p99 ${percentile(times, 99).toFixed(2)} ms`,
  )
}

async function bench(store: Store): Promise<void> {
  // ingestion: events made beforehand, so only the store is timed
  const batches = []
  for (let start = 0; start < EVENTS; start += BATCH) {
    batches.push(
      Array.from({ length: Math.min(BATCH, EVENTS - start) }, (_, k) => {
        const i = start + k
        return {
          id: `${randomBytes(8).toString('hex')}-${i}`,
          contactId: `c${i % Math.max(1, CONTACTS)}`,
          name: i % 3 ? 'page' : 'Email Opened',
          ts: T0 - (i % 1000) * 60_000,
          receivedAt: T0,
          properties: {
            path: i % 2 ? '/pricing' : '/blog',
            email_id: `m${i % 40}`,
            url: 'https://example.com/x?y=z',
          },
        }
      }),
    )
  }
  let t = performance.now()
  for (const batch of batches) await store.insertEvents(batch)
  let ms = performance.now() - t
  console.log(`insertEvents ${EVENTS} events, batches of ${BATCH}: ${ms.toFixed(0)} ms, ${rate(EVENTS, ms)}`)

  t = performance.now()
  let streamed = 0
  for await (const page of store.streamEvents({ pageSize: 10_000 })) streamed += page.length
  ms = performance.now() - t
  console.log(`streamEvents ${streamed} events: ${ms.toFixed(0)} ms, ${rate(streamed, ms)}`)

  if (CONTACTS === 0) return
  const draft = await store.createModelVersion({ id: 'b2b', source: 'x', createdAt: T0 })
  await store.publishModel({ id: 'b2b', version: draft.version, at: T0 })
  t = performance.now()
  const step = 5000
  for (let start = 0; start < CONTACTS; start += step) {
    const n = Math.min(step, CONTACTS - start)
    await store.upsertContacts(
      Array.from({ length: n }, (_, k) => {
        const i = start + k
        return {
          id: `c${i}`,
          properties: {
            name: `Person ${i}`,
            email: `person${i}@company${i % 5000}.com`,
            company: `Company ${i % 5000}`,
          },
          owner: OWNERS[i % OWNERS.length]!,
          stage: i % 10 === 0 ? 'mql' : 'lead',
          at: T0,
        }
      }),
    )
  }
  ms = performance.now() - t
  console.log(`upsertContacts ${CONTACTS}: ${ms.toFixed(0)} ms, ${rate(CONTACTS, ms)}`)
  t = performance.now()
  const scoreStep = Number(values['score-batch'])
  for (let start = 0; start < CONTACTS; start += scoreStep) {
    const n = Math.min(scoreStep, CONTACTS - start)
    const scores: ScoreWrite[] = Array.from({ length: n }, (_, k) => {
      const i = start + k
      return syntheticScore(i, `c${i}`, {
        modelId: 'b2b',
        modelVersion: draft.version,
        at: T0,
        nextChangeAt: T0 + (i % 10_000) * 60_000,
      })
    })
    await store.applyScores({ scores })
  }
  ms = performance.now() - t
  await store.optimize()
  console.log(
    `applyScores ${CONTACTS} scores, batches of ${scoreStep}: ${ms.toFixed(0)} ms, ${rate(CONTACTS, ms)}`,
  )

  const model = 'b2b'
  await timeQueries('queue: top 50 by total', 200, () => store.listContacts({ model, limit: 50 }))
  const first = await store.listContacts({ model, limit: 50 })
  await timeQueries('queue: page 2 (cursor)', 200, () =>
    store.listContacts({ model, limit: 50, cursor: first.nextCursor }),
  )
  await timeQueries('queue: top 50 by likelihood', 200, () =>
    store.listContacts({ model, sort: 'likelihood' }),
  )
  await timeQueries('queue: top 50, band warm', 200, () =>
    store.listContacts({ model, filters: { band: 'warm' } }),
  )
  await timeQueries('queue: top 50, owner (1 of 50)', 200, (i) =>
    store.listContacts({ model, filters: { owner: OWNERS[i % OWNERS.length]! } }),
  )
  await timeQueries('queue: top 50, segment enterprise', 200, () =>
    store.listContacts({ model, filters: { segment: 'enterprise' } }),
  )
  await timeQueries('queue: top 50, text "company12"', 50, () =>
    store.listContacts({ model, filters: { text: 'company12' } }),
  )
  await timeQueries('dueContacts: 1000 due now', 100, () =>
    store.dueContacts({ model, now: T0 + 3_600_000, limit: 1000 }),
  )
  await timeQueries('countContacts by band (all contacts)', 10, () =>
    store.countContacts({ model, by: 'band' }),
  )
}

if (values.db?.startsWith('postgres')) {
  const schema = `bench_${randomBytes(4).toString('hex')}`
  const store = await openPostgresStore({ url: values.db, schema })
  console.log(`PostgreSQL, schema ${schema}`)
  try {
    await bench(store)
  } finally {
    await store.close()
    const client = new pg.Client({ connectionString: values.db })
    await client.connect()
    await client.query(`DROP SCHEMA ${schema} CASCADE`)
    await client.end()
  }
} else {
  const dir = mkdtempSync(join(values.db ?? tmpdir(), 'leadscore-bench-'))
  const synchronous = values.synchronous === 'full' ? 'full' : 'normal'
  const store = await openSqliteStore({ path: join(dir, 'bench.db'), synchronous })
  console.log(`SQLite (WAL, synchronous=${synchronous}) in ${dir}`)
  try {
    await bench(store)
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
