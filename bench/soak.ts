/**
 * `npm run test:soak`: a real `leadscore serve` process under steady ingestion for a while
 * (default 10 minutes at 1,500 events/s, about half of the rate one SQLite process sustains:
 * see BENCHMARKS.md), from concurrent HTTP clients. It samples the server's memory and the
 * request latency every 10 s, then checks:
 * - no request failed (every batch got a 200; a 429 would count as an error too);
 * - memory is flat: the JavaScript heap's floor (its lowest sample) over the last two minutes
 *   is within 25% (and 50 MB) of its floor over the two minutes after the warm-up minute (the resident size is reported too: it also grows with SQLite's page
 *   cache, up to 256 MB, as the database grows);
 * - latency is bounded: p99 of every 10-second window under 2 s;
 * - every acknowledged event is stored once (the server's accepted-events counter equals the
 *   events the clients saw acknowledged).
 * Exits 1 when a check fails. Prints the command, the machine and the figures.
 *
 *   npx tsx bench/soak.ts [--minutes 10] [--rate 1500] [--clients 8] [--batch 100] [--db FILE|URL]
 *
 * Each client waits for its answer before it sends again: the clients can send at most
 * clients × batch / latency events a second, so keep that well above --rate.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { servingUrl } from '../src/cli/serve-banner.js'
import { seeded, trafficBatch } from '../src/server/test-support/traffic.js'

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '1500' },
    clients: { type: 'string', default: '8' },
    batch: { type: 'string', default: '100' },
    users: { type: 'string', default: '20000' },
    db: { type: 'string' },
  },
})
const SECONDS = Number(values.minutes) * 60
const RATE = Number(values.rate)
const CLIENTS = Number(values.clients)
const BATCH = Number(values.batch)
const USERS = Number(values.users)
const WRITE = 'soak-write-key'
const ADMIN = 'soak-admin-key'
const ROOT = join(import.meta.dirname, '..')

console.log(`command: npx tsx bench/soak.ts ${process.argv.slice(2).join(' ')}`)
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown cpu'}, ${(totalmem() / 1e9).toFixed(0)} GB, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
console.log(
  `load: ${RATE} events/s for ${values.minutes} min from ${CLIENTS} clients, ${BATCH} events a batch, ${USERS} users`,
)

const dir = mkdtempSync(join(tmpdir(), 'leadscore-soak-'))
const db = values.db ?? join(dir, 'leadscore.db')
const server = spawn(
  process.execPath,
  ['--import', 'tsx', join(ROOT, 'src', 'cli', 'bin.ts'), 'serve', '--db', db, '--port', '0', '--no-demo'],
  {
    env: {
      ...process.env,
      LEADSCORE_WRITE_KEY: WRITE,
      LEADSCORE_ADMIN_KEY: ADMIN,
      LEADSCORE_LOG_LEVEL: 'warn',
      LEADSCORE_RATE_LIMIT_WRITE: '0',
    },
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
  server.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${log}`)))
})

/** The server's resident memory, MB (Linux). */
function rssMb(): number {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024
}

const auth = `Basic ${Buffer.from(`${WRITE}:`).toString('base64')}`
const started = Date.now()
let acknowledged = 0
let errors = 0
let window: number[] = []
interface Sample {
  readonly second: number
  readonly requests: number
  readonly p50: number
  readonly p99: number
  readonly rss: number
  readonly heap: number
  readonly events: number
}
const windows: Sample[] = []
let stop = false

async function client(k: number): Promise<void> {
  const next = seeded(777 + k)
  const perClient = RATE / CLIENTS / BATCH // batches a second
  let sentBatches = 0
  const t0 = performance.now()
  while (!stop) {
    const due = t0 + (sentBatches / perClient) * 1000
    const wait = due - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    const batch = trafficBatch(next, BATCH, USERS, started, `soak-${k}`, sentBatches * BATCH)
    sentBatches++
    const t = performance.now()
    try {
      const res = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ batch }),
      })
      await res.arrayBuffer()
      if (res.status === 200) acknowledged += BATCH
      else errors++
    } catch {
      errors++
    }
    window.push(performance.now() - t)
  }
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0
}
/** The server's JavaScript heap in use, MB (from /metrics). */
async function heapMb(): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(/^leadscore_process_heap_used_bytes (\S+)/m.exec(text)?.[1] ?? 0) / 1e6
}
const sampler = setInterval(async () => {
  const w = window
  window = []
  const second = Math.round((Date.now() - started) / 1000)
  const row = {
    second,
    requests: w.length,
    p50: quantile(w, 0.5),
    p99: quantile(w, 0.99),
    rss: rssMb(),
    heap: await heapMb(),
    events: acknowledged,
  }
  windows.push(row)
  console.log(
    `${String(second).padStart(5)} s  ${String(row.requests).padStart(5)} requests  p50 ${row.p50.toFixed(0).padStart(4)} ms  p99 ${row.p99.toFixed(0).padStart(5)} ms  rss ${row.rss.toFixed(0)} MB  heap ${row.heap.toFixed(0)} MB  acknowledged ${acknowledged}  errors ${errors}`,
  )
}, 10_000)

const clients = Array.from({ length: CLIENTS }, (_, k) => client(k))
await new Promise((r) => setTimeout(r, SECONDS * 1000))
stop = true
await Promise.all(clients)
clearInterval(sampler)

// every acknowledged event stored once: the contacts' event counts add up
let stored = 0
let cursor: string | null = null
do {
  const res = await fetch(
    `${url}/api/contacts?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    {
      headers: { authorization: `Bearer ${ADMIN}` },
    },
  )
  const page = (await res.json()) as { items: { id: string }[]; nextCursor: string | null }
  stored += page.items.length
  cursor = page.nextCursor
} while (cursor !== null)
const metrics = await (await fetch(`${url}/metrics`)).text()
const accepted = Number(/^leadscore_events_accepted_total (\d+)/m.exec(metrics)?.[1] ?? Number.NaN)
server.kill('SIGTERM')
await new Promise((r) => server.once('exit', r))
if (values.db === undefined) rmSync(dir, { recursive: true, force: true })

const warm = windows.find((w) => w.second >= 60) ?? windows[0]!
const last = windows.at(-1)!
// the heap saws up and down with garbage collection: compare its floor after the warm-up
// (the next two minutes) with its floor over the last two minutes
const floor = (from: number, to: number) =>
  Math.min(...windows.filter((w) => w.second >= from && w.second <= to).map((w) => w.heap))
const heapAfterWarmUp = floor(60, 180)
const heapAtEnd = floor(SECONDS - 120, SECONDS + 10)
const worstP99 = Math.max(...windows.map((w) => w.p99))
const rate = acknowledged / SECONDS
console.log(
  `result: ${acknowledged} events acknowledged (${rate.toFixed(0)}/s), ${errors} errors, ${accepted} accepted by the server, ${stored} contacts scored; ` +
    `heap floor ${heapAfterWarmUp.toFixed(0)} → ${heapAtEnd.toFixed(0)} MB and rss ${warm.rss.toFixed(0)} → ${last.rss.toFixed(0)} MB from the warm-up to the end; p50 ${quantile(
      windows.map((w) => w.p50),
      0.5,
    ).toFixed(0)} ms, worst 10-s p99 ${worstP99.toFixed(0)} ms`,
)
const failures: string[] = []
if (errors > 0) failures.push(`${errors} requests failed`)
if (accepted !== acknowledged)
  failures.push(`the server accepted ${accepted} events, the clients saw ${acknowledged} acknowledged`)
if (heapAtEnd > heapAfterWarmUp * 1.25 && heapAtEnd - heapAfterWarmUp > 50)
  failures.push(`the heap's floor grew from ${heapAfterWarmUp.toFixed(0)} to ${heapAtEnd.toFixed(0)} MB`)
if (worstP99 > 2000) failures.push(`a 10-second window had p99 ${worstP99.toFixed(0)} ms (limit 2,000)`)
if (rate < RATE * 0.9) failures.push(`only ${rate.toFixed(0)} events/s of the ${RATE} asked`)
if (failures.length > 0) {
  console.error(`soak FAILED: ${failures.join('; ')}`)
  process.exit(1)
}
console.log('soak passed: no errors, flat memory, bounded latency, every acknowledged event stored')
