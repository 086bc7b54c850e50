/**
 * Section `batch`: `/v1/batch` from concurrent clients into a fresh database for a while,
 * then "every one committed and scored": the server's queue and pending rescoring drain,
 * and the stored events and scored contacts are counted.
 * @module
 */
import { runBatchLoad, WINDOW_SECONDS } from './batch-load.js'
import { withFreshServer } from './bench-server.js'
import type { SectionContext, SectionResult } from './section.js'
import { bound, count, latency, latencyText, load, round } from './stats.js'
import { verdict, verifyLoad } from './verify.js'

export interface BatchSizes {
  readonly seconds: number
  readonly clients: number
  readonly batch: number
  readonly users: number
}

export const BATCH_TARGET = 50_000

export function batchSection(ctx: SectionContext, sizes: BatchSizes): Promise<SectionResult> {
  return withFreshServer(ctx.db, ctx.dir, 'batch', async (server, location) => {
    const data = `${sizes.clients} clients × ${sizes.batch} events a request, ${count(sizes.users)} user ids, ${sizes.seconds} s, fresh database`
    ctx.log(`batch: ${data}`)
    const result = await runBatchLoad(server.writer(sizes.clients), { ...sizes, prefix: 'batch' })
    const rate = result.acknowledged / result.seconds
    const full = result.windows.slice(0, Math.floor(result.seconds / WINDOW_SECONDS))
    const slowest = full.length === 0 ? rate : Math.min(...full) / WINDOW_SECONDS
    const requestLatency = latency(result.latencies)
    const clientCpu = `the clients used ${round(result.clientCpuCores * 100)}% of a core`
    ctx.log(
      `  acknowledged ${count(result.acknowledged)} events in ${round(result.seconds)} s: ${count(rate)} events/s (slowest ${WINDOW_SECONDS}-s window ${count(slowest)}/s); ${result.errors} errors, ${result.overloaded} 429s; ${clientCpu}`,
    )
    ctx.log(`  request latency: ${latencyText(requestLatency)}`)
    const verified = await verifyLoad(server, location, result)
    const { catchUp, problems } = verified
    ctx.log(
      catchUp.rescorePendingGauge
        ? `  scoring caught up ${catchUp.seconds} s after the load by the gauge, ${catchUp.apiSeconds ?? 'never (30 s)'} s by the API's counts (at most ${count(catchUp.maxPending)} contacts pending; the server's store → rescore delay p99 ${bound(verified.api.rescoreDelayP99Ms)})`
        : `  no pending-rescoring gauge (leadscore_rescore_pending or _backlog): the server scores before it acknowledges (queue empty ${catchUp.seconds} s after the load)`,
    )
    ctx.log(`  ${verdict(verified, result.acknowledged)}`)
    return {
      targets: [
        {
          target: `/v1/batch, ${sizes.batch} events a request, ${sizes.clients} clients, ${sizes.seconds} s: ≥ ${count(BATCH_TARGET)} events/s, every one committed and scored`,
          measured: `${count(rate)} events/s (slowest ${WINDOW_SECONDS}-s window ${count(slowest)}/s)`,
          value: Math.round(rate),
          limit: BATCH_TARGET,
          met: rate >= BATCH_TARGET && slowest >= BATCH_TARGET && problems.length === 0,
          data: `${data}; ${count(verified.database.touchedContacts)} distinct users touched`,
          load: load(),
          note: [
            catchUp.rescorePendingGauge
              ? `scoring caught up ${catchUp.apiSeconds ?? catchUp.seconds} s after the load`
              : 'scored before acknowledged (no rescore_pending gauge)',
            problems.length === 0 ? 'every one committed and scored' : problems.join('; '),
            clientCpu,
          ].join('; '),
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
        clientCpuCores: result.clientCpuCores,
        requestLatencyMs: requestLatency,
        ...verified,
      },
    }
  })
}
