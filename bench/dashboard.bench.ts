/**
 * The dashboard's first render of each page, measured in Debian's Chromium: from the start
 * of the navigation (`performance.now()` in the page) to the page's content on screen, with
 * the assets cached as a returning user has them (the first, cold load is shown apart). Also
 * the JavaScript the pages download, gzipped.
 *
 *   npx tsx bench/dashboard.bench.ts [--db leadscore.db] [--contacts 2000] [--runs 7]
 *
 * Without --db it generates a demo workspace of --contacts contacts in a temporary SQLite
 * file; with --db it serves that database (it signs in with an admin key given to the server,
 * adds no user; the preview section adds a few events, below). The dashboard is built from
 * the current sources.
 *
 * Then the model preview after an edit, from the keystroke to the preview on screen (400 ms
 * of it wait for typing to pause), as the issue means it: the first preview (cold: the
 * snapshot of every contact and event is read then), edits on that snapshot, an edit once the
 * snapshot is older than the refresh age (answered from it while a fresh one is read in the
 * background), edits while that refresh runs, with ingestion meanwhile (`/v1/batch`, 10
 * events every 250 ms: their latency, and the longest the event loop was held), and edits on
 * the refreshed snapshot. Each edit changes one rule's points. Wall and CPU time of this
 * process (the server and its preview workers run in it; Chromium does not), the server's own
 * time for the preview, the preview request as the page sees it (sent → answer read) and the
 * load average are given per phase,
 * with the peak resident memory. `--preview-runs` edits per phase (3); `--no-preview` skips it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import type { Page } from 'playwright-core'
import { launchChromium } from '../src/server/dashboard/test-support/chromium.js'
import { ADMIN_KEY, startDashboardServer } from '../src/server/dashboard/test-support/dashboard-server.js'

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    contacts: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '7' },
    'preview-runs': { type: 'string', default: '3' },
    'no-preview': { type: 'boolean', default: false },
  },
})
const runs = Math.max(1, Number(values.runs))
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

console.log(`command:  npx tsx bench/dashboard.bench.ts ${process.argv.slice(2).join(' ')}`.trimEnd())
console.log(
  `machine:  ${cpus().length} × ${cpus()[0]?.model ?? 'unknown cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
const started = performance.now()
const server = await startDashboardServer({
  ...(values.db ? { db: resolve(values.db) } : { contacts: Number(values.contacts) }),
  addUser: false,
})
const counts = (await (
  await fetch(`${server.url}/api/contacts/counts?by=band`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  })
).json()) as { counts: { count: number }[] }
const contacts = counts.counts.reduce((s, c) => s + c.count, 0)
const top = (await (
  await fetch(`${server.url}/api/contacts?limit=1`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
).json()) as { items: { id: string }[] }
console.log(
  `data:     ${values.db ? resolve(values.db) : 'generated demo workspace'}: ${contacts.toLocaleString('en-US')} scored contacts (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
)

// the JavaScript, gzipped: the entry every page loads, and the chunks loaded by some pages
const assets = join(server.dashboardDir, 'assets')
let entry = 0
const chunks: string[] = []
const html = readFileSync(join(server.dashboardDir, 'index.html'), 'utf8')
for (const name of readdirSync(assets)) {
  const gz = gzipSync(readFileSync(join(assets, name)), { level: 9 }).length
  const kb = (gz / 1024).toFixed(1)
  if (html.includes(name)) entry += gz
  else
    chunks.push(
      `${name.replace(/-[\w-]{8}\./, '.')} ${kb} KB (${(statSync(join(assets, name)).size / 1024).toFixed(0)} KB raw)`,
    )
}
console.log(
  `js+css:   every page ${(entry / 1024).toFixed(1)} KB gzipped; loaded when needed: ${chunks.join(', ')}`,
)

const PAGES: { name: string; path: string; ready: string }[] = [
  { name: 'queue', path: '/', ready: 'tbody tr[data-contact]' },
  { name: 'lead', path: `/leads/${encodeURIComponent(top.items[0]?.id ?? '')}`, ready: '.breakdown li' },
  // a database without accounts shows its empty state: that is the page's content too
  { name: 'accounts', path: '/accounts', ready: 'tbody tr td.lead, p.empty' },
  { name: 'model (editor)', path: '/model', ready: '.cm-content' },
  {
    name: 'settings',
    path: '/settings',
    ready: 'section[aria-label="Users"] table, section[aria-label="Users"] p.muted:not([role="status"])',
  },
]

const browser = await launchChromium()
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  page.setDefaultTimeout(120_000)
  // the time each page's content first appears, noted by the page itself (no round trip to the browser)
  await page.addInitScript({
    content: `{
      const selectors = ${JSON.stringify(PAGES.map((p) => p.ready))}
      const seen = (window.firstSeen = {})
      new MutationObserver(() => {
        for (const s of selectors) if (seen[s] === undefined && document.querySelector(s)) seen[s] = performance.now()
      }).observe(document, { childList: true, subtree: true })
    }`,
  })
  await page.goto(`${server.url}/#key=${ADMIN_KEY}`)
  await page.waitForSelector(PAGES[0]!.ready)
  console.log(
    `\nfirst render (ms, navigation start → content), median of ${runs} warm runs; cold = the first load`,
  )
  console.log(
    `${'page'.padEnd(16)}${'cold'.padStart(8)}${'median'.padStart(8)}${'min'.padStart(8)}${'max'.padStart(8)}`,
  )
  for (const p of PAGES) {
    const times: number[] = []
    for (let i = 0; i <= runs; i++) {
      await page.goto(`${server.url}${p.path}`)
      await page.waitForSelector(p.ready)
      times.push(Number(await page.evaluate(`window.firstSeen[${JSON.stringify(p.ready)}]`)))
    }
    const [cold, ...warm] = times
    console.log(
      `${p.name.padEnd(16)}${cold!.toFixed(0).padStart(8)}${median(warm).toFixed(0).padStart(8)}${Math.min(
        ...warm,
      )
        .toFixed(0)
        .padStart(8)}${Math.max(...warm)
        .toFixed(0)
        .padStart(8)}`,
    )
  }
  await measurePreview(page)
} finally {
  await browser.close()
  await server.close()
}

/** What one edit's preview gave. */
interface EditTiming {
  /** Keystroke to the preview on screen, ms. */
  readonly ms: number
  /** CPU time of this process meanwhile (server included), ms. */
  readonly cpuMs: number
  /** The server's own time for the preview (scoring and comparing), ms. */
  readonly serverMs: number
  /** The preview request as the page sees it: sent to its answer read, ms. */
  readonly requestMs: number
  readonly snapshotAt: number
  readonly refreshing: boolean
}

async function measurePreview(page: Page): Promise<void> {
  if (values['no-preview']) return
  const editsPerPhase = Math.max(1, Number(values['preview-runs']))
  const hour = 3_600_000
  const auth = { authorization: `Bearer ${ADMIN_KEY}` }
  const primary = (
    (await (await fetch(`${server.url}/api/models`, { headers: auth })).json()) as {
      models: { id: string; published: { version: number; primary: boolean } | null }[]
    }
  ).models.find((m) => m.published?.primary)
  const { source: text } = (await (
    await fetch(`${server.url}/api/models/${primary?.id}/versions/${primary?.published?.version}`, {
      headers: auth,
    })
  ).json()) as { source: string }
  const rule = /points: (\d+)\n/.exec(text)
  if (rule === null) throw new Error('the published model has no `points: <n>` line to edit')
  let edits = 0
  /** One edit in the editor: a rule's points changed (each edit to another value), timed to the preview on screen. */
  const edit = async (): Promise<EditTiming> => {
    edits++
    const source = text.replace(rule[0], `points: ${Number(rule[1]) + edits}\n`)
    await page.goto(`${server.url}/model`)
    await page.waitForSelector('[data-preview-idle]')
    await page.locator('.cm-content').click()
    await page.keyboard.press('ControlOrMeta+a')
    const answered = page.waitForResponse(
      (r) => r.url().endsWith('/api/dashboard/models/preview') && r.request().method() === 'POST',
      { timeout: hour },
    )
    const cpu = process.cpuUsage()
    const t0 = Date.now()
    await page.keyboard.insertText(source)
    await page.waitForSelector('[data-band-changes]', { timeout: hour })
    const ms = Date.now() - t0
    const used = process.cpuUsage(cpu)
    const response = await answered
    const body = (await response.json()) as { ms: number; snapshotAt: number; refreshing: boolean }
    const timing = response.request().timing()
    return {
      ms,
      cpuMs: (used.user + used.system) / 1000,
      serverMs: body.ms,
      requestMs: timing.responseEnd - timing.requestStart,
      snapshotAt: body.snapshotAt,
      refreshing: body.refreshing,
    }
  }
  // each phase is printed when it is done (a phase at 1M contacts can take many minutes)
  const widths = [22, 6, 8, 8, 8, 10, 11, 6, 0]
  const print = (row: readonly string[]) =>
    console.log(
      row
        .map((cell, k) =>
          k === 0 ? cell.padEnd(widths[k]!) : k === row.length - 1 ? `  ${cell}` : cell.padStart(widths[k]!),
        )
        .join(''),
    )
  console.log(
    `\nmodel preview on every contact after an edit (keystroke → preview on screen, ms; CPU: this process, server included)`,
  )
  print(['phase', 'edits', 'median', 'max', 'cpu ms', 'server ms', 'request ms', 'load', ''])
  const phase = (name: string, timings: readonly EditTiming[], note = '') => {
    print([
      name,
      String(timings.length),
      median(timings.map((t) => t.ms)).toFixed(0),
      Math.max(...timings.map((t) => t.ms)).toFixed(0),
      median(timings.map((t) => t.cpuMs)).toFixed(0),
      median(timings.map((t) => t.serverMs)).toFixed(0),
      median(timings.map((t) => t.requestMs)).toFixed(0),
      loadavg()[0]!.toFixed(1),
      note,
    ])
  }
  const age = (t: EditTiming) => `snapshot ${((Date.now() - t.snapshotAt) / 1000).toFixed(0)} s old`

  const cold = await edit()
  phase(
    'first (cold)',
    [cold],
    `reads every contact and event, warms; peak resident ${peakResidentMb()} MB so far`,
  )
  const warm: EditTiming[] = []
  for (let i = 0; i < editsPerPhase; i++) warm.push(await edit())
  phase('on the snapshot', warm, age(warm.at(-1)!))

  // the snapshot older than the refresh age (60 s): wait for it, as an editor back from a meeting
  const waitMs = cold.snapshotAt + 61_000 - Date.now()
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs))
  const loop = monitorEventLoopDelay({ resolution: 10 })
  const ingest = startIngesting()
  const refreshStarted = Date.now()
  const stale = await edit()
  loop.enable()
  phase(
    'snapshot past 60 s',
    [stale],
    `${age(stale)}; refresh ${stale.refreshing ? 'started' : 'NOT started'}`,
  )
  const during: EditTiming[] = []
  let refreshMs = 0
  for (;;) {
    const t = await edit()
    if (t.snapshotAt === stale.snapshotAt) {
      during.push(t)
      continue
    }
    // the first edit on the fresh snapshot: it was warmed with the edit before
    refreshMs = Date.now() - refreshStarted
    const after: EditTiming[] = [t]
    loop.disable()
    const ingested = await ingest.stop()
    if (during.length > 0) phase('while it refreshes', during, 'answered from the old snapshot')
    for (let i = 1; i < editsPerPhase; i++) after.push(await edit())
    phase(
      'on the refreshed one',
      after,
      `refresh done in ${(refreshMs / 1000).toFixed(0)} s (${age(t)} at its first edit)`,
    )
    console.log(
      `ingestion while refreshing: ${ingested.requests} /v1/batch requests of 10 events, ${ingested.errors} errors; latency p50 ${ingested.p50} ms, max ${ingested.max} ms; event loop held at most ${(loop.max / 1e6).toFixed(0)} ms (p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms)`,
    )
    console.log(
      `memory: peak resident ${peakResidentMb()} MB (VmHWM of this process: server, snapshots, browser driver)`,
    )
    return
  }
}

/** Sends 10 track events every 250 ms to `/v1/batch` until stopped; their latencies. */
function startIngesting(): {
  stop(): Promise<{ requests: number; errors: number; p50: number; max: number }>
} {
  const latencies: number[] = []
  let errors = 0
  let sent = 0
  let stopped = false
  const contact = top.items[0]?.id ?? 'bench-preview-contact'
  const run = (async () => {
    while (!stopped) {
      const batch = Array.from({ length: 10 }, (_, k) => ({
        type: 'track',
        messageId: `bench-preview-${process.pid}-${sent}-${k}`,
        userId: contact,
        event: 'page',
        properties: { path: '/pricing/bench' },
        timestamp: new Date().toISOString(),
      }))
      sent++
      const t0 = performance.now()
      try {
        const reply = await fetch(`${server.url}/v1/batch`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ batch }),
        })
        if (!reply.ok) errors++
        await reply.arrayBuffer()
      } catch {
        errors++
      }
      latencies.push(performance.now() - t0)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  })()
  return {
    async stop() {
      stopped = true
      await run
      return {
        requests: latencies.length,
        errors,
        p50: Math.round(median(latencies)),
        max: Math.round(Math.max(...latencies)),
      }
    },
  }
}

/** The peak resident memory of this process, MB (Linux VmHWM; else the current). */
function peakResidentMb(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
    if (kb !== undefined) return Math.round(Number(kb) / 1024)
  } catch {}
  return Math.round(process.memoryUsage().rss / 2 ** 20)
}
