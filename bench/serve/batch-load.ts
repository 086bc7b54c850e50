/**
 * Concurrent clients sending `/v1/batch` requests of seeded Segment traffic
 * (`trafficBatch`) over keep-alive connections, each waiting for its answer before sending
 * again, for a given time or until stopped; optionally paced to a rate.
 * @module
 */
import { seeded, trafficBatch } from '../../src/server/test-support/traffic.js'
import type { HttpClient } from './http-client.js'

export interface BatchLoadOptions {
  readonly clients: number
  /** Events per request. */
  readonly batch: number
  /** Distinct user ids the events are spread over. */
  readonly users: number
  /** Stop sending after this many seconds (requests in flight finish). */
  readonly seconds: number
  /** Message id prefix (unique per run, so nothing is a duplicate). */
  readonly prefix: string
  /** Events per second over all clients; default as fast as the server answers. */
  readonly rate?: number | undefined
  /** Stops sending early. */
  readonly signal?: AbortSignal | undefined
}

export interface BatchLoadResult {
  /** Events the server acknowledged (accepted or duplicate in a 200 answer). */
  readonly acknowledged: number
  readonly rejected: number
  readonly requests: number
  /** Answers other than 200 and 429, and network errors. */
  readonly errors: number
  /** 429 answers (the batch is sent again after `Retry-After`). */
  readonly overloaded: number
  /** From the first request to the last answer. */
  readonly seconds: number
  /** Request latencies, ms (200 answers). */
  readonly latencies: number[]
  /** Events acknowledged in each 5-second window. */
  readonly windows: number[]
  /** User ids of the acknowledged events. */
  readonly users: Set<string>
  /** Wall time (Date.now) the last answer came. */
  readonly endedAt: number
  /** CPU this process used meanwhile (the clients, and whatever else it ran), in cores. */
  readonly clientCpuCores: number
}

export const WINDOW_SECONDS = 5

export async function runBatchLoad(client: HttpClient, o: BatchLoadOptions): Promise<BatchLoadResult> {
  const started = performance.now()
  const cpu = process.cpuUsage()
  const deadline = started + o.seconds * 1000
  const now = Date.now()
  let acknowledged = 0
  let rejected = 0
  let requests = 0
  let errors = 0
  let overloaded = 0
  const latencies: number[] = []
  const windows: number[] = []
  const users = new Set<string>()
  const done = () => performance.now() >= deadline || o.signal?.aborted === true

  async function run(k: number): Promise<void> {
    const next = seeded(4242 + k)
    const perClient = o.rate === undefined ? undefined : o.rate / o.clients / o.batch
    let sent = 0
    while (!done()) {
      if (perClient !== undefined) {
        const wait = started + (sent / perClient) * 1000 - performance.now()
        if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, deadline - performance.now())))
        if (done()) break
      }
      const batch = trafficBatch(next, o.batch, o.users, now, `${o.prefix}-${k}`, sent * o.batch)
      sent++
      const body = JSON.stringify({ batch })
      for (;;) {
        const t = performance.now()
        requests++
        try {
          const reply = await client.send('POST', '/v1/batch', body)
          if (reply.status === 429) {
            overloaded++
            const after = Number(reply.headers['retry-after'] ?? 1)
            await new Promise((r) => setTimeout(r, after * 1000))
            continue
          }
          if (reply.status !== 200) {
            errors++
            break
          }
          const answer = JSON.parse(reply.body.toString('utf8')) as {
            accepted: number
            duplicates: number
            rejected: number
            rejections: { index: number }[]
          }
          const end = performance.now()
          latencies.push(end - t)
          const events = answer.accepted + answer.duplicates
          acknowledged += events
          rejected += answer.rejected
          const w = Math.floor((end - started) / (WINDOW_SECONDS * 1000))
          windows[w] = (windows[w] ?? 0) + events
          const bad = new Set(answer.rejections.map((r) => r.index))
          batch.forEach((m, i) => {
            if (!bad.has(i)) users.add(m.userId)
          })
        } catch {
          errors++
        }
        break
      }
    }
  }

  await Promise.all(Array.from({ length: o.clients }, (_, k) => run(k)))
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  return {
    clientCpuCores: Math.round(((used.user + used.system) / 1e6 / seconds) * 100) / 100,
    acknowledged,
    rejected,
    requests,
    errors,
    overloaded,
    seconds,
    latencies,
    windows: Array.from(windows, (w) => w ?? 0),
    users,
    endedAt: Date.now(),
  }
}
