/**
 * Reading events into `EventColumns`: row objects (`readEvents` + `EventColumnsBuilder.add`)
 * against the columnar reader (`readEventColumns` + `addColumns`) on one thread, with one
 * worker parsing while the main thread builds (`worker`), with the main thread and a worker
 * both parsing chunks (`ranges`), and with two workers (`2 workers`).
 *
 * Each candidate runs in a fresh process (`--runs` times, best wall time kept): it reads the
 * contacts first (ids only, to join on), then the events with the properties of the example
 * model, then sorts (`finish`). Reported: the events read and the finish in seconds, the
 * process CPU time (all threads), the peak RSS, and the load average before the run (the
 * machine may be shared: compare figures taken together).
 *
 * Usage (after `npm run build`; `--src` runs the TypeScript sources through tsx instead):
 *   npx tsx bench/io/event-columns.bench.ts [--contacts bench/out/contacts.csv]
 *     [--events bench/out/events.csv] [--runs 1] [--only 'ranges,worker'] [--semi 64] [--src]
 * @module
 */
import { spawnSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const PROPERTIES = ['path', 'percent', 'form_id', 'email_id', 'content_id', 'webinar_id', 'video_id']

interface Candidate {
  readonly rows?: boolean
  readonly workers?: number
  readonly mainThreadParses?: boolean
}

const CANDIDATES: Record<string, Candidate> = {
  rows: { rows: true },
  'one thread': { workers: 0 },
  worker: { workers: 1, mainThreadParses: false },
  ranges: { workers: 1, mainThreadParses: true },
  '2 workers': { workers: 2, mainThreadParses: false },
}

interface Result {
  read: number
  finish: number
  events: number
  cpu: number
  rss: number
}

async function child(name: string, contacts: string, events: string, src: boolean): Promise<void> {
  const root = resolve(fileURLToPath(import.meta.url), '../../..')
  const base = src ? `${root}/src` : `${root}/dist`
  const ext = src ? 'ts' : 'js'
  const io = (await import(`${base}/io/index.${ext}`)) as typeof import('../../src/io/index.js')
  const core = (await import(
    `${base}/core/columnar/events.${ext}`
  )) as typeof import('../../src/core/columnar/events.js')
  const candidate = CANDIDATES[name]!
  const index = new io.IdIndex(1 << 16)
  for await (const rows of io.readContacts(contacts, { index, properties: [] }).batches()) void rows
  const n = index.size
  const started = performance.now()
  const builder = new core.EventColumnsBuilder({ contacts: n, properties: PROPERTIES })
  if (candidate.rows) {
    for await (const rows of io.readEvents(events, { properties: PROPERTIES, contactIndex: index }).batches())
      for (const row of rows) if (row.contactIndex < n) builder.add(row.contactIndex, row.event)
  } else {
    const source = io.readEventColumns(events, {
      properties: PROPERTIES,
      contactIndex: index,
      unknownContacts: 'skip',
      workers: candidate.workers ?? 'auto',
      mainThreadParses: candidate.mainThreadParses ?? true,
    })
    let reserved = false
    for await (const batch of source.batches()) {
      if (!reserved && source.estimatedRows !== undefined) {
        builder.reserve(Math.ceil(source.estimatedRows * 1.02))
        reserved = true
      }
      builder.addColumns(batch)
    }
  }
  const read = performance.now()
  const columns = builder.finish()
  const finished = performance.now()
  const cpu = process.cpuUsage()
  const result: Result = {
    read: (read - started) / 1000,
    finish: (finished - read) / 1000,
    events: columns.length,
    cpu: (cpu.user + cpu.system) / 1e6,
    rss: process.resourceUsage().maxRSS / 1024,
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      contacts: { type: 'string', default: 'bench/out/contacts.csv' },
      events: { type: 'string', default: 'bench/out/events.csv' },
      runs: { type: 'string', default: '1' },
      only: { type: 'string' },
      semi: { type: 'string', default: '64' },
      src: { type: 'boolean', default: false },
      child: { type: 'string' },
    },
  })
  if (values.child !== undefined) return child(values.child, values.contacts, values.events, values.src)
  const names = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(CANDIDATES)
  console.log(`events ${values.events}, contacts ${values.contacts}, ${values.src ? 'src (tsx)' : 'dist'}`)
  console.log('candidate      read s  finish s  cpu s  max RSS MB  events      load (1 min)')
  for (const name of names) {
    let best: Result | undefined
    let load = 0
    for (let r = 0; r < Number(values.runs); r++) {
      load = loadavg()[0]!
      const args = [
        `--max-semi-space-size=${values.semi}`,
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--child',
        name,
        '--contacts',
        values.contacts,
        '--events',
        values.events,
        ...(values.src ? ['--src'] : []),
      ]
      const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 })
      if (run.status !== 0) throw new Error(`${name} failed:\n${run.stderr}`)
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Result
      if (best === undefined || result.read + result.finish < best.read + best.finish) best = result
    }
    const b = best!
    console.log(
      `${name.padEnd(14)} ${b.read.toFixed(2).padStart(6)} ${b.finish.toFixed(2).padStart(9)} ${b.cpu
        .toFixed(1)
        .padStart(6)} ${b.rss.toFixed(0).padStart(11)}  ${String(b.events).padEnd(10)}  ${load.toFixed(2)}`,
    )
  }
}

await main()
