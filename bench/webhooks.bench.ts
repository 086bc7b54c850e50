/**
 * `npm run bench:webhooks`: webhook delivery from the outbox to a local receiver (another
 * process), with the outbox persisted in SQLite.
 *
 *   npx tsx bench/webhooks.bench.ts [--contacts 5000] [--runs 3]
 *
 * Two measurements per run:
 * - real time: contacts become MQLs through ingestion, paced to make `--rate` transitions a
 *   second (default 1,000), while the sender runs; the lag from each transition to its
 *   arrival at the receiver (first attempt, the receiver answers 200);
 * - drain: the endpoint paused while the same number of transitions are written, then
 *   resumed: deliveries per second until the outbox is empty.
 * Figures are medians over the runs.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createEngine, type Engine, systemClock } from '../src/engine/index.js'
import { openSqliteStore, type Store } from '../src/store/index.js'

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '1000' },
  },
})
/** Transitions per second the real-time phase creates (two per contact). */
const RATE = Number(values.rate)
const N = Number(values.contacts)
const RUNS = Number(values.runs)
const VP = {
  email: 'vp@acme.example',
  job_title: 'VP Marketing',
  industry: 'Software',
  employees: 800,
  country: 'US',
}

console.log(`command: npx tsx bench/webhooks.bench.ts ${process.argv.slice(2).join(' ')}`)
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown cpu'}, ${(totalmem() / 1e9).toFixed(0)} GB, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
console.log(
  `data: ${N} contacts per phase becoming MQLs (subscribed: mql.reached, band.changed), SQLite file, receiver in another process`,
)

async function startReceiver(): Promise<{ url: string; stats: () => Promise<Stats>; stop: () => void }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'webhooks', 'receiver.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const port = await new Promise<number>((resolve) => {
    proc.stdout.on('data', (chunk: Buffer) => {
      const m = /port (\d+)/.exec(chunk.toString())
      if (m) resolve(Number(m[1]))
    })
  })
  const base = `http://127.0.0.1:${port}`
  return {
    url: `${base}/hooks`,
    stats: async () => (await (await fetch(`${base}/stats`)).json()) as Stats,
    stop: () => proc.kill('SIGTERM'),
  }
}

interface Stats {
  readonly requests: number
  readonly distinct: number
  readonly first: number
  readonly last: number
  readonly lags: number[]
}

let seq = 0
/** Makes `n` contacts MQLs: as fast as ingestion goes, or `perSecond` contacts a second (in 50 ms steps). */
async function makeMqls(engine: Engine, n: number, prefix: string, perSecond?: number): Promise<void> {
  const t = Date.now()
  const step = perSecond === undefined ? 200 : Math.max(1, Math.round(perSecond / 20))
  const started = Date.now()
  for (let start = 0; start < n; start += step) {
    if (perSecond !== undefined) {
      const due = started + (start / perSecond) * 1000
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()))
    }
    const batch = []
    for (let i = start; i < Math.min(n, start + step); i++) {
      const userId = `${prefix}-${i}`
      batch.push(
        {
          type: 'identify',
          userId,
          messageId: `m${++seq}`,
          traits: VP,
          timestamp: new Date(t - 3000).toISOString(),
        },
        {
          type: 'track',
          userId,
          event: 'Demo Requested',
          messageId: `m${++seq}`,
          timestamp: new Date(t - 2000).toISOString(),
        },
        {
          type: 'page',
          userId,
          messageId: `m${++seq}`,
          properties: { path: '/pricing' },
          timestamp: new Date(t - 1000).toISOString(),
        },
      )
    }
    await engine.ingest(batch)
  }
}

async function until(check: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

interface Result {
  readonly p50: number
  readonly p99: number
  readonly realtimeRate: number
  readonly drainRate: number
  readonly deliveries: number
  readonly cpuPerDelivery: number
}
const results: Result[] = []
for (let run = 0; run < RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'leadscore-bench-webhooks-'))
  const receiver = await startReceiver()
  let store: Store | undefined
  let engine: Engine | undefined
  try {
    store = await openSqliteStore({ path: join(dir, 'leadscore.db') })
    engine = await createEngine({ store, clock: systemClock, tickIntervalMs: 0, defaultModel: undefined })
    const { endpoint } = await engine.webhooks.create({
      url: receiver.url,
      types: ['mql.reached', 'band.changed'],
    })

    // real time
    const t0 = Date.now()
    await makeMqls(engine, N, `rt${run}`, RATE / 2)
    const ingestSeconds = (Date.now() - t0) / 1000
    const total = async () => {
      const s = await store!.outboxStats()
      return s.pending === 0
    }
    await until(total)
    const rt = await receiver.stats()
    const lags = [...rt.lags].sort((a, b) => a - b)
    const realtimeRate = rt.distinct / ((rt.last - t0) / 1000)

    // drain
    await engine.webhooks.update(endpoint.id, { status: 'paused' })
    await makeMqls(engine, N, `dr${run}`)
    const pending = (await store.outboxStats()).pending
    const before = rt.distinct
    const d0 = Date.now()
    const cpu0 = process.cpuUsage()
    await engine.webhooks.update(endpoint.id, { status: 'active' })
    await until(async () => (await receiver.stats()).distinct >= before + pending)
    const dr = await receiver.stats()
    const drainRate = pending / ((dr.last - d0) / 1000)
    const cpu = process.cpuUsage(cpu0)
    const cpuPerDelivery = (cpu.user + cpu.system) / 1000 / pending
    results.push({
      p50: quantile(lags, 0.5),
      p99: quantile(lags, 0.99),
      realtimeRate,
      drainRate,
      deliveries: pending,
      cpuPerDelivery,
    })
    console.log(
      `run ${run + 1}: real time ${rt.distinct} deliveries, transitions made at ${(rt.distinct / ingestSeconds).toFixed(0)}/s (asked ${RATE}/s), ` +
        `transition→arrival p50 ${quantile(lags, 0.5)} ms, p99 ${quantile(lags, 0.99)} ms; ` +
        `drain ${pending} deliveries at ${drainRate.toFixed(0)}/s, ${cpuPerDelivery.toFixed(2)} ms CPU per delivery in the sending process`,
    )
  } finally {
    await engine?.close()
    await store?.close()
    receiver.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
console.log(
  `median of ${RUNS}: drain ${median(results.map((r) => r.drainRate)).toFixed(0)} deliveries/s (target ≥ 1,000); ` +
    `transition→first attempt p50 ${median(results.map((r) => r.p50))} ms, p99 ${median(results.map((r) => r.p99))} ms (target ≤ 1,000 ms); ` +
    `${median(results.map((r) => r.cpuPerDelivery)).toFixed(2)} ms CPU per delivery`,
)
