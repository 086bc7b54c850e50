/**
 * Section `queue`: the ranked queue of a big database, one client, request after request:
 * the top 50 hot leads (`band=hot&limit=50`, the target), the same sorted by fit, engagement,
 * likelihood and last activity, its second page, and the top 50 of everyone.
 * @module
 */
import type { BenchServer } from './bench-server.js'
import type { BigStore } from './big-store.js'
import type { SectionContext, SectionResult } from './section.js'
import { count, type Latency, latency, latencyText, load } from './stats.js'

export const QUEUE_TARGET_MS = 20
const HOT = '/api/contacts?band=hot&limit=50'

export async function queueSection(
  ctx: SectionContext,
  big: BigStore,
  server: BenchServer,
  requests: number,
  scores: string,
): Promise<SectionResult> {
  const data = `${count(big.contacts)} contacts (${scores}), ${count(requests)} sequential requests per query`
  ctx.log(`queue: ${data}`)
  const admin = server.admin(1)
  const first = await admin.json<{ nextCursor: string | null; items: unknown[] }>('GET', HOT)
  const queries: [string, string][] = [
    ['hot, by total', HOT],
    ['hot, by fit', `${HOT}&sort=fit`],
    ['hot, by engagement', `${HOT}&sort=engagement`],
    ['hot, by likelihood', `${HOT}&sort=likelihood`],
    ['hot, by last activity', `${HOT}&sort=last_activity`],
    ['hot, page 2', `${HOT}&cursor=${encodeURIComponent(first.nextCursor ?? '')}`],
    ['everyone, by total', '/api/contacts?limit=50'],
  ]
  const results: Record<string, Latency> = {}
  for (const [name, path] of queries) {
    for (let i = 0; i < 20; i++) await admin.json('GET', path) // warm-up
    const times: number[] = []
    for (let i = 0; i < requests; i++) {
      const t = performance.now()
      const reply = await admin.send('GET', path)
      times.push(performance.now() - t)
      if (reply.status !== 200) throw new Error(`GET ${path}: ${reply.status}`)
    }
    results[name] = latency(times)
    ctx.log(`  ${name.padEnd(24)} ${latencyText(results[name])}`)
  }
  const hot = results['hot, by total']!
  const worst = Object.entries(results).reduce((a, b) => (b[1].p99 > a[1].p99 ? b : a))
  return {
    targets: [
      {
        target: `ranked queue, top 50 hot leads (band=hot&limit=50) of ${count(big.contacts)} contacts: p99 ≤ ${QUEUE_TARGET_MS} ms`,
        measured: `p50 ${hot.p50} ms, p99 ${hot.p99} ms`,
        value: hot.p99,
        limit: QUEUE_TARGET_MS,
        met: hot.p99 <= QUEUE_TARGET_MS,
        data,
        load: load(),
        note: `slowest variant: ${worst[0]} p99 ${worst[1].p99} ms; measured over HTTP from the client`,
      },
    ],
    figures: { contacts: big.contacts, scores, requests, latencyMs: results },
  }
}
