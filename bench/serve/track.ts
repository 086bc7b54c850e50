/**
 * Section `track`: `/v1/track`, one event a request, from concurrent keep-alive clients into
 * a fresh database: requests/s, then the same checks as `batch`.
 * @module
 */
import { seeded, trafficBatch } from '../../src/server/test-support/traffic.js'
import type { BatchSizes } from './batch.js'
import { withFreshServer } from './bench-server.js'
import type { SectionContext, SectionResult } from './section.js'
import { count, latency, latencyText, load, round } from './stats.js'
import { verdict, verifyLoad } from './verify.js'

/** Seconds, clients, user ids (one event a request). */
export type TrackSizes = Omit<BatchSizes, 'batch'>

export const TRACK_TARGET = 5000

export function trackSection(ctx: SectionContext, sizes: TrackSizes): Promise<SectionResult> {
  return withFreshServer(ctx.db, ctx.dir, 'track', async (server, location) => {
    const data = `${sizes.clients} keep-alive clients, 1 event a request, ${count(sizes.users)} user ids, ${sizes.seconds} s, fresh database`
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
          // a tracked event (the traffic is 70% page views)
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
    const used = process.cpuUsage(cpu)
    const clientCpuCores = (used.user + used.system) / 1e6 / seconds
    const rate = acknowledged / seconds
    const requestLatency = latency(latencies)
    ctx.log(
      `  ${count(acknowledged)} requests acknowledged in ${round(seconds)} s: ${count(rate)} requests/s; ${errors} errors; ${latencyText(requestLatency)}; the clients used ${round(clientCpuCores * 100)}% of a core`,
    )
    const verified = await verifyLoad(server, location, { acknowledged, errors, users, endedAt: Date.now() })
    ctx.log(`  ${verdict(verified, acknowledged)}`)
    return {
      targets: [
        {
          target: `/v1/track, one event a request: ≥ ${count(TRACK_TARGET)} requests/s`,
          measured: `${count(rate)} requests/s (p50 ${requestLatency.p50} ms, p99 ${requestLatency.p99} ms)`,
          value: Math.round(rate),
          limit: TRACK_TARGET,
          met: rate >= TRACK_TARGET && verified.problems.length === 0,
          data: `${data}; ${count(verified.database.touchedContacts)} distinct users touched`,
          load: load(),
          note: [
            verified.problems.length === 0 ? 'every one committed and scored' : verified.problems.join('; '),
            `the clients used ${round(clientCpuCores * 100)}% of a core`,
          ].join('; '),
        },
      ],
      figures: {
        sizes,
        acknowledged,
        errors,
        seconds: round(seconds),
        requestsPerSecond: Math.round(rate),
        requestLatencyMs: requestLatency,
        clientCpuCores: round(clientCpuCores),
        ...verified,
      },
    }
  })
}
