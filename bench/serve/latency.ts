/**
 * Section `latency`: under the batch load, how long from a 2xx for an event to its new score
 * being readable through the API. A probe sends one `Demo Requested` track for one of a few
 * probe contacts, timestamped now, and on its 2xx polls, side by side:
 * - `GET /api/contacts/:id`: the stored score of the primary model shows the event (its last
 *   activity is the event's time; the `live` part of that answer is computed from the stored
 *   events when read, so it shows any stored event at once);
 * - the ranked queue `GET /api/contacts?sort=last_activity&limit=50`: the contact's row shows it.
 * Each figure is the time from the 2xx to the end of the first answer that shows the event
 * (an upper bound: a poll takes a round trip).
 * @module
 */

import type { BatchSizes } from './batch.js'
import { runBatchLoad } from './batch-load.js'
import { histogramQuantileMs, withFreshServer } from './bench-server.js'
import type { HttpClient } from './http-client.js'
import type { SectionContext, SectionResult } from './section.js'
import { bound, count, latency, latencyText, load, ms } from './stats.js'

export interface LatencySizes extends BatchSizes {
  /** Contacts the probes take turns on. */
  readonly probes: number
  /** Probes at a time (each on its own contacts). */
  readonly workers: number
  /** Pause between a worker's probes, ms. */
  readonly pauseMs: number
}

export const LATENCY_TARGET_MS = 50
const GIVE_UP_MS = 10_000

interface Score {
  readonly modelId?: string
  readonly model?: string
  readonly lastActivityAt: number | null
}

/**
 * Polls `read` until it returns true: ms from `from` to the end of that answer, or undefined
 * after the give-up time; counts the polls in `polls`.
 */
async function until(
  from: number,
  read: () => Promise<boolean>,
  polls: number[],
): Promise<number | undefined> {
  for (let n = 1; ; n++) {
    const ok = await read()
    const elapsed = performance.now() - from
    if (ok || elapsed > GIVE_UP_MS) {
      polls.push(n)
      return ok ? elapsed : undefined
    }
  }
}

export function latencySection(ctx: SectionContext, sizes: LatencySizes): Promise<SectionResult> {
  return withFreshServer(ctx.db, ctx.dir, 'latency', async (server) => {
    const data = `${sizes.clients} clients × ${sizes.batch} events a request, ${count(sizes.users)} user ids, ${sizes.seconds} s; ${sizes.workers} probes at a time on ${sizes.probes} contacts, ${sizes.pauseMs} ms apart`
    ctx.log(`latency: ${data}`)
    const probe = server.writer(sizes.workers)
    const admin = server.admin(2 * sizes.workers)
    const primary = await primaryModel(admin)
    for (let k = 0; k < sizes.probes; k++) {
      const reply = await probe.send(
        'POST',
        '/v1/identify',
        JSON.stringify({
          userId: `probe-${k}`,
          traits: { email: `probe-${k}@probe.example`, name: `Probe ${k}` },
        }),
      )
      if (reply.status !== 200) throw new Error(`identify probe-${k}: ${reply.status}`)
    }
    const controller = new AbortController()
    const loadRun = runBatchLoad(server.writer(sizes.clients), {
      ...sizes,
      prefix: 'latency',
      signal: controller.signal,
    })
    const detail: number[] = []
    const queue: number[] = []
    const ack: number[] = []
    const detailPolls: number[] = []
    const queuePolls: number[] = []
    let timeouts = 0
    const deadline = performance.now() + sizes.seconds * 1000
    // worker w probes contacts w, w + workers, ...: never one another's
    const worker = async (w: number) => {
      for (let i = w; performance.now() < deadline; i += sizes.workers) {
        await new Promise((r) => setTimeout(r, sizes.pauseMs))
        const id = `probe-${i % sizes.probes}`
        const ts = Date.now()
        const sent = performance.now()
        const reply = await probe.send(
          'POST',
          '/v1/track',
          JSON.stringify({
            userId: id,
            event: 'Demo Requested',
            messageId: `probe-${i}`,
            timestamp: new Date(ts).toISOString(),
          }),
        )
        if (reply.status !== 200)
          throw new Error(`probe ${i}: ${reply.status} ${reply.body.toString('utf8')}`)
        const acked = performance.now()
        ack.push(acked - sent)
        const [d, q] = await Promise.all([
          until(
            acked,
            async () => {
              const answer = await admin.json<{ scores: Score[] }>('GET', `/api/contacts/${id}?limit=1`)
              const stored = answer.scores.find((s) => s.modelId === primary)
              return (stored?.lastActivityAt ?? 0) >= ts
            },
            detailPolls,
          ),
          until(
            acked,
            async () => {
              const page = await admin.json<{ items: { id: string; score: Score }[] }>(
                'GET',
                '/api/contacts?sort=last_activity&limit=50',
              )
              const row = page.items.find((item) => item.id === id)
              return (row?.score.lastActivityAt ?? 0) >= ts
            },
            queuePolls,
          ),
        ])
        if (d === undefined || q === undefined) timeouts++
        // a probe never shown counts as never (Infinity), so the quantiles do not leave it out
        detail.push(d ?? Number.POSITIVE_INFINITY)
        queue.push(q ?? Number.POSITIVE_INFINITY)
      }
    }
    await Promise.all(Array.from({ length: sizes.workers }, (_, w) => worker(w)))
    controller.abort()
    const background = await loadRun
    const metrics = await server.metrics()
    const serverDelay = {
      p50: histogramQuantileMs(metrics, 'leadscore_rescore_delay_seconds', 0.5),
      p99: histogramQuantileMs(metrics, 'leadscore_rescore_delay_seconds', 0.99),
    }
    if (serverDelay.p99 !== undefined)
      ctx.log(
        `  the server's own delay from storing to rescoring (leadscore_rescore_delay_seconds): p50 ${bound(serverDelay.p50)}, p99 ${bound(serverDelay.p99)}`,
      )
    const detailLatency = latency(detail)
    const queueLatency = latency(queue)
    const ackLatency = latency(ack)
    const rate = background.acknowledged / background.seconds
    ctx.log(`  background load: ${count(rate)} events/s, ${background.errors} errors`)
    ctx.log(`  probe send → 2xx: ${latencyText(ackLatency)}`)
    ctx.log(`  2xx → GET /api/contacts/:id shows the stored score: ${latencyText(detailLatency)}`)
    ctx.log(`  2xx → the ranked queue shows it: ${latencyText(queueLatency)}`)
    const firstPoll = (polls: number[]) => polls.filter((n) => n === 1).length
    ctx.log(
      `  shown by the first poll: ${firstPoll(detailPolls)} of ${detailPolls.length} (contact), ${firstPoll(queuePolls)} of ${queuePolls.length} (queue); most polls ${Math.max(0, ...detailPolls, ...queuePolls)}`,
    )
    if (timeouts > 0)
      ctx.log(
        `  ${timeouts} of ${detail.length} probes not visible after ${GIVE_UP_MS / 1000} s (counted as never)`,
      )
    const worst = Math.max(detailLatency.p99, queueLatency.p99)
    const common = { data, load: load(), limit: LATENCY_TARGET_MS }
    return {
      targets: [
        {
          ...common,
          target: `2xx → new score readable, GET /api/contacts/:id: p99 ≤ ${LATENCY_TARGET_MS} ms under the batch load`,
          measured: `p50 ${ms(detailLatency.p50)}, p99 ${ms(detailLatency.p99)}`,
          value: finite(detailLatency.p99),
          met: detailLatency.p99 <= LATENCY_TARGET_MS && timeouts === 0,
          note: `under ${count(rate)} events/s of batch load; probe send → 2xx p99 ${ackLatency.p99} ms`,
        },
        {
          ...common,
          target: `2xx → new score readable, ranked queue GET /api/contacts: p99 ≤ ${LATENCY_TARGET_MS} ms under the batch load`,
          measured: `p50 ${ms(queueLatency.p50)}, p99 ${ms(queueLatency.p99)}`,
          value: finite(queueLatency.p99),
          met: queueLatency.p99 <= LATENCY_TARGET_MS && timeouts === 0,
          note: `sort=last_activity&limit=50; ${timeouts} of ${queue.length} probes not shown within ${GIVE_UP_MS / 1000} s`,
        },
      ],
      figures: {
        sizes,
        backgroundEventsPerSecond: Math.round(rate),
        backgroundErrors: background.errors,
        probeAckMs: ackLatency,
        detailMs: detailLatency,
        queueMs: queueLatency,
        worstP99Ms: worst,
        timeouts,
        serverRescoreDelayMs: serverDelay,
        polls: { detail: detailPolls, queue: queuePolls },
      },
    }
  })
}

/** The primary model's id. */
export async function primaryModel(admin: HttpClient): Promise<string> {
  const { models } = await admin.json<{ models: { id: string; published: { primary: boolean } | null }[] }>(
    'GET',
    '/api/models',
  )
  const primary = models.find((m) => m.published?.primary)
  if (primary === undefined) throw new Error('the server has no primary model')
  return primary.id
}

/** A figure for the JSON file: never (Infinity) is the give-up time, as a lower bound. */
function finite(n: number): number {
  return Number.isFinite(n) ? n : GIVE_UP_MS
}
