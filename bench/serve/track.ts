/**
 * Section `track`: `/v1/track`, one event a request, from concurrent keep-alive clients into
 * a fresh database: requests/s, then the same checks as `batch`.
 * @module
 */
import { seeded, trafficBatch } from '../../src/server/test-support/traffic.js'
import { dropSectionDatabase, sectionDatabase, startBenchServer } from './bench-server.js'
import type { SectionContext, SectionResult } from './section.js'
import { count, latency, latencyText, load, round } from './stats.js'
import { checkDatabase, checkThroughApi, waitForCatchUp } from './verify.js'

export interface TrackSizes {
  readonly seconds: number
  readonly clients: number
  readonly users: number
}

export const TRACK_TARGET = 5000

export async function trackSection(ctx: SectionContext, sizes: TrackSizes): Promise<SectionResult> {
  const location = await sectionDatabase(ctx.db, ctx.dir, 'track', true)
  const server = await startBenchServer(location)
  let stopped = false
  try {
    const data = `${sizes.clients} keep-alive clients, 1 event a request, ${count(sizes.users)} users, ${sizes.seconds} s, fresh database`
    ctx.log(`track: ${data}`)
    const client = server.writer(sizes.clients)
    const users = new Set<string>()
    const latencies: number[] = []
    let acknowledged = 0
    let errors = 0
    const now = Date.now()
    const started = performance.now()
    const deadline = started + sizes.seconds * 1000
    const cpu = process.cpuUsage()
    await Promise.all(
      Array.from({ length: sizes.clients }, async (_, k) => {
        const next = seeded(99 + k)
        let n = 0
        while (performance.now() < deadline) {
          let message = trafficBatch(next, 1, sizes.users, now, `track-${k}`, n++)[0]!
          while (message.type !== 'track')
            message = trafficBatch(next, 1, sizes.users, now, `track-${k}`, n++)[0]!
          const t = performance.now()
          try {
            const reply = await client.send('POST', '/v1/track', JSON.stringify(message))
            if (reply.status === 200) {
              latencies.push(performance.now() - t)
              acknowledged++
              users.add(message.userId)
            } else errors++
          } catch {
            errors++
          }
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    const clientCpu = process.cpuUsage(cpu)
    const endedAt = Date.now()
    const rate = acknowledged / seconds
    const requestLatency = latency(latencies)
    const clientCpuShare = (clientCpu.user + clientCpu.system) / 1e6 / seconds
    ctx.log(
      `  ${count(acknowledged)} requests acknowledged in ${round(seconds)} s: ${count(rate)} requests/s; ${errors} errors; ${latencyText(requestLatency)}; the clients used ${round(clientCpuShare * 100)}% of a core`,
    )
    const catchUp = await waitForCatchUp(server, endedAt)
    const api = await checkThroughApi(server)
    await server.stop()
    stopped = true
    const db = await checkDatabase(location, users)
    const problems: string[] = []
    if (errors > 0) problems.push(`${errors} requests failed`)
    if (db.storedEvents !== acknowledged || api.acceptedByServer !== acknowledged)
      problems.push(`${db.storedEvents} events stored, server counter ${api.acceptedByServer}`)
    if (db.scoredTouchedContacts !== db.touchedContacts)
      problems.push(`${db.touchedContacts - db.scoredTouchedContacts} touched contacts without a score`)
    ctx.log(
      `  checked: ${count(db.storedEvents)} events stored, ${count(db.scoredTouchedContacts)} of ${count(db.touchedContacts)} touched contacts scored${problems.length ? ` — FAILED: ${problems.join('; ')}` : ''}`,
    )
    return {
      targets: [
        {
          target: `/v1/track, one event a request: ≥ ${count(TRACK_TARGET)} requests/s`,
          measured: `${count(rate)} requests/s (p50 ${requestLatency.p50} ms, p99 ${requestLatency.p99} ms)`,
          value: Math.round(rate),
          limit: TRACK_TARGET,
          met: rate >= TRACK_TARGET && problems.length === 0,
          data,
          load: load(),
          note: [`load generator used ${round(clientCpuShare * 100)}% of a core`, ...problems].join('; '),
        },
      ],
      figures: {
        sizes,
        acknowledged,
        errors,
        seconds: round(seconds),
        requestsPerSecond: Math.round(rate),
        requestLatencyMs: requestLatency,
        clientCpuCores: round(clientCpuShare),
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
