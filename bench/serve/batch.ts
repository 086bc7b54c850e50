/**
 * Section `batch`: `/v1/batch` from concurrent clients into a fresh database for a while,
 * then "every one committed and scored": the server's queue and pending rescoring drain,
 * and the stored events and scored contacts are counted.
 * @module
 */
import { runBatchLoad, WINDOW_SECONDS } from './batch-load.js'
import { dropSectionDatabase, sectionDatabase, startBenchServer } from './bench-server.js'
import type { SectionContext, SectionResult } from './section.js'
import { count, latency, latencyText, load, round } from './stats.js'
import { checkDatabase, checkThroughApi, waitForCatchUp } from './verify.js'

export interface BatchSizes {
  readonly seconds: number
  readonly clients: number
  readonly batch: number
  readonly users: number
}

export const BATCH_TARGET = 50_000

export async function batchSection(ctx: SectionContext, sizes: BatchSizes): Promise<SectionResult> {
  const location = await sectionDatabase(ctx.db, ctx.dir, 'batch', true)
  const server = await startBenchServer(location)
  let stopped = false
  try {
    const data = `${sizes.clients} clients × ${sizes.batch} events a request, ${count(sizes.users)} users, ${sizes.seconds} s, fresh database`
    ctx.log(`batch: ${data}`)
    const result = await runBatchLoad(server.writer(sizes.clients), { ...sizes, prefix: 'batch' })
    const rate = result.acknowledged / result.seconds
    const full = result.windows.slice(0, Math.floor(result.seconds / WINDOW_SECONDS))
    const slowest = full.length === 0 ? rate : Math.min(...full) / WINDOW_SECONDS
    const requestLatency = latency(result.latencies)
    ctx.log(
      `  acknowledged ${count(result.acknowledged)} events in ${round(result.seconds)} s: ${count(rate)} events/s (slowest ${WINDOW_SECONDS}-s window ${count(slowest)}/s); ${result.errors} errors, ${result.overloaded} 429s`,
    )
    ctx.log(`  request latency: ${latencyText(requestLatency)}`)
    const catchUp = await waitForCatchUp(server, result.endedAt)
    ctx.log(
      catchUp.rescorePendingGauge
        ? `  scoring caught up ${catchUp.seconds} s after the load (at most ${count(catchUp.maxPending)} contacts pending)`
        : `  no leadscore_rescore_pending gauge: the server scores before it acknowledges (queue empty ${catchUp.seconds} s after the load)`,
    )
    const api = await checkThroughApi(server)
    await server.stop()
    stopped = true
    const db = await checkDatabase(location, result.users)
    const problems: string[] = []
    if (result.errors > 0) problems.push(`${result.errors} requests failed`)
    if (api.acceptedByServer !== result.acknowledged)
      problems.push(`the server counted ${api.acceptedByServer} accepted events`)
    if (db.storedEvents !== result.acknowledged) problems.push(`${db.storedEvents} events stored`)
    if (db.scoredTouchedContacts !== db.touchedContacts)
      problems.push(`${db.touchedContacts - db.scoredTouchedContacts} touched contacts without a score`)
    if (api.scoredContacts !== db.touchedContacts)
      problems.push(
        `the API counts ${api.scoredContacts} scored contacts, ${db.touchedContacts} were touched`,
      )
    ctx.log(
      `  checked: ${count(db.storedEvents)} events stored (acknowledged ${count(result.acknowledged)}, server counter ${count(api.acceptedByServer)}); ${count(db.scoredTouchedContacts)} of ${count(db.touchedContacts)} touched contacts scored (API: ${count(api.scoredContacts)})${problems.length ? ` — FAILED: ${problems.join('; ')}` : ' — every one committed and scored'}`,
    )
    const note = [
      catchUp.rescorePendingGauge
        ? `scoring caught up ${catchUp.seconds} s after the load`
        : 'scored before acknowledged (no rescore_pending gauge)',
      ...problems,
    ].join('; ')
    return {
      targets: [
        {
          target: `/v1/batch, ${sizes.batch} events a request, ${sizes.clients} clients, ${sizes.seconds} s, SQLite/PostgreSQL: ≥ ${count(BATCH_TARGET)} events/s, every one committed and scored`,
          measured: `${count(rate)} events/s (slowest ${WINDOW_SECONDS}-s window ${count(slowest)}/s)`,
          value: Math.round(rate),
          limit: BATCH_TARGET,
          met: rate >= BATCH_TARGET && slowest >= BATCH_TARGET && problems.length === 0,
          data,
          load: load(),
          note,
        },
      ],
      figures: {
        sizes,
        acknowledged: result.acknowledged,
        rejected: result.rejected,
        seconds: round(result.seconds),
        eventsPerSecond: Math.round(rate),
        slowestWindowEventsPerSecond: Math.round(slowest),
        windowEvents: result.windows,
        requests: result.requests,
        errors: result.errors,
        overloaded: result.overloaded,
        requestLatencyMs: requestLatency,
        catchUp,
        api,
        database: db,
        problems,
      },
    }
  } finally {
    if (!stopped) await server.stop().catch(() => {})
    await dropSectionDatabase(location)
  }
}
