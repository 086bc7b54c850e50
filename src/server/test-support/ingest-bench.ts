/**
 * Ingestion throughput of a real `leadscore serve` process: N concurrent clients POST
 * `/v1/batch` with B events each over loopback until E events are acknowledged, then it
 * reports events/s, client-side request latency, and the server's own queue wait (submit →
 * committed and scored) and commit time from `/metrics`.
 *
 *   npx tsx src/server/test-support/ingest-bench.ts [--events 200000] [--clients 4] [--batch 100]
 *     [--users 20000] [--db postgres://...]   (default: a new SQLite file in a temp folder)
 * @module
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { servingUrl } from '../../cli/serve-banner.js'
import { seeded, trafficBatch } from './traffic.js'

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    clients: { type: 'string', default: '4' },
    batch: { type: 'string', default: '100' },
    users: { type: 'string', default: '20000' },
    db: { type: 'string' },
  },
})
const EVENTS = Number(values.events)
const CLIENTS = Number(values.clients)
const BATCH = Number(values.batch)
const USERS = Number(values.users)
const WRITE = 'bench-write-key'
const ROOT = join(import.meta.dirname, '..', '..', '..')

const dir = mkdtempSync(join(tmpdir(), 'leadscore-bench-'))
const db = values.db ?? join(dir, 'leadscore.db')
const server = spawn(
  process.execPath,
  ['--import', 'tsx', join(ROOT, 'src', 'cli', 'bin.ts'), 'serve', '--db', db, '--port', '0', '--no-demo'],
  {
    env: { ...process.env, LEADSCORE_WRITE_KEY: WRITE, LEADSCORE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  },
)
let log = ''
const url = await new Promise<string>((resolve, reject) => {
  server.stderr.on('data', (chunk: Buffer) => {
    log += chunk.toString('utf8')
    const found = servingUrl(log)
    if (found !== undefined) resolve(found)
  })
  server.on('exit', (code) => reject(new Error(`server exited ${code}:\n${log}`)))
})

const auth = `Basic ${Buffer.from(`${WRITE}:`).toString('base64')}`
const started = Date.now()

let sent = 0
let seq = 0
const latencies: number[] = []
async function client(k: number): Promise<void> {
  const next = seeded(12345 + k)
  while (sent < EVENTS) {
    sent += BATCH
    const batch = trafficBatch(next, BATCH, USERS, started, `bench-${k}`, seq)
    seq += BATCH
    const t = performance.now()
    const res = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ batch }),
    })
    latencies.push(performance.now() - t)
    if (res.status === 429) {
      sent -= BATCH
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)))
      continue
    }
    if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`)
    await res.arrayBuffer()
  }
}

const t0 = performance.now()
await Promise.all(Array.from({ length: CLIENTS }, (_, k) => client(k)))
const seconds = (performance.now() - t0) / 1000
const metrics = await (await fetch(`${url}/metrics`)).text()
server.kill('SIGTERM')
await new Promise((r) => server.once('exit', r))
if (values.db === undefined) rmSync(dir, { recursive: true, force: true })

/** A quantile from a Prometheus histogram's cumulative buckets (the bucket's upper bound). */
function histogramQuantile(name: string, q: number): string {
  const buckets = [...metrics.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)$`, 'gm'))].map(
    (m) => [m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), Number(m[2])],
  )
  const total = buckets.at(-1)?.[1] ?? 0
  const hit = buckets.find(([, c]) => c! >= q * total)
  return hit ? `≤ ${hit[0]! * 1000} ms` : 'n/a'
}
function sum(name: string): number {
  return Number(new RegExp(`^${name}_sum (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN)
}
function count(name: string): number {
  return Number(new RegExp(`^${name}_count (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN)
}
latencies.sort((a, b) => a - b)
const pct = (q: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1)
const commits =
  count('leadscore_ingest_commits_total') ||
  Number(/^leadscore_ingest_commits_total (\d+)/m.exec(metrics)?.[1])
console.log(
  [
    `${sent.toLocaleString('en-US')} events, ${CLIENTS} clients × /v1/batch of ${BATCH}, ${USERS.toLocaleString('en-US')} users, ${db.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'}`,
    `throughput: ${Math.round(sent / seconds).toLocaleString('en-US')} events/s (${seconds.toFixed(1)} s)`,
    `request latency (client): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
    `queue wait until committed and scored (server): p50 ${histogramQuantile('leadscore_ingest_wait_seconds', 0.5)}, p99 ${histogramQuantile('leadscore_ingest_wait_seconds', 0.99)}`,
    `commits: ${commits}, mean ${(sent / commits).toFixed(0)} events and ${((sum('leadscore_ingest_commit_seconds') / count('leadscore_ingest_commit_seconds')) * 1000).toFixed(1)} ms each`,
  ].join('\n'),
)
