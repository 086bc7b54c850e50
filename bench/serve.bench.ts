/**
 * `npm run bench:serve`: every target of the scoring service (issue #3), measured on a real
 * `leadscore serve` process with the load from this process over loopback.
 *
 *   npx tsx bench/serve.bench.ts [--quick] [--only batch,track,latency,queue,publish,memory]
 *     [--db postgres://...?schema=bench_serve] [--dir bench/out/serve] [sizes, see --help]
 *
 * Sections:
 * - batch: `/v1/batch`, 100 events a request, 4 clients, 60 s into a fresh database: events/s,
 *   then every acknowledged event stored and every touched contact scored;
 * - track: `/v1/track`, one event a request, keep-alive clients: requests/s;
 * - latency: under the batch load, from a 2xx to the new score readable through the API;
 * - queue: the top 50 hot leads of 1M contacts: p99 over many requests;
 * - publish: a model published over 1M contacts and their ~20M events, with ingestion going on;
 * - memory: the server's resident memory with 1M contacts, after the queue and the publish.
 * Prints the command, the machine, the data sizes and the load average, then a table of the
 * targets, and writes everything to `bench/out/serve-<sqlite|postgres>[-quick].json`.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { batchSection } from './serve/batch.js'
import { isPostgres, shown, startBenchServer } from './serve/bench-server.js'
import { bigStore } from './serve/big-store.js'
import { latencySection } from './serve/latency.js'
import { publishSection } from './serve/publish.js'
import { queueSection } from './serve/queue.js'
import type { SectionContext, SectionResult, TargetResult } from './serve/section.js'
import { count, load, machine } from './serve/stats.js'
import { trackSection } from './serve/track.js'

const SECTIONS = ['batch', 'track', 'latency', 'queue', 'publish', 'memory'] as const
type SectionName = (typeof SECTIONS)[number]
export const MEMORY_TARGET_MB = 1500

const HELP = `Usage: npx tsx bench/serve.bench.ts [options]

  --quick                 small sizes for a smoke run (defaults in brackets)
  --only <list>           sections, comma-separated: ${SECTIONS.join(',')} (default all)
  --db <url|dir>          postgres://... (each section in the schema <schema>_<section>, the
                          schema from ?schema=, default bench_serve), or a folder for SQLite files
  --dir <dir>             work folder: SQLite files, generated data (default bench/out/serve)
  --seconds <n>           batch and latency: seconds of load (60) [10]
  --clients <n>           batch and latency: concurrent clients (4)
  --batch <n>             batch and latency: events a request (100)
  --users <n>             batch, latency, track: distinct users (20000)
  --track-seconds <n>     track: seconds (30) [5]
  --track-clients <n>     track: concurrent keep-alive clients (32)
  --probes <n>            latency: probe contacts (20, at most 50: the probes read the top 50)
  --probe-workers <n>     latency: probes at a time (4)
  --contacts <n>          queue, publish, memory: contacts (1000000) [20000]
  --requests <n>          queue: requests per query (1000) [200]
  --publish-rate <n>      publish: /v1/batch events/s meanwhile (1000) [500]
  --publish-timeout <n>   publish: give up after this many seconds (1800) [300]
  --rebuild               build the big database again even when one of that size is kept
`

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    db: { type: 'string' },
    dir: { type: 'string', default: join('bench', 'out', 'serve') },
    seconds: { type: 'string' },
    clients: { type: 'string', default: '4' },
    batch: { type: 'string', default: '100' },
    users: { type: 'string', default: '20000' },
    'track-seconds': { type: 'string' },
    'track-clients': { type: 'string', default: '32' },
    probes: { type: 'string', default: '20' },
    'probe-workers': { type: 'string', default: '4' },
    contacts: { type: 'string' },
    requests: { type: 'string' },
    'publish-rate': { type: 'string' },
    'publish-timeout': { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (values.help) {
  process.stdout.write(HELP)
  process.exit(0)
}

function size(name: keyof typeof values, full: number, quick: number): number {
  const text = values[name]
  if (typeof text !== 'string') return values.quick ? quick : full
  const n = Number(text.replaceAll('_', ''))
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`--${name} must be a positive number, got "${text}"\n`)
    process.exit(2)
  }
  return n
}

const only = new Set<string>(values.only?.split(',').map((s) => s.trim()) ?? SECTIONS)
for (const name of only) {
  if (!(SECTIONS as readonly string[]).includes(name)) {
    process.stderr.write(`--only: no section "${name}" (sections: ${SECTIONS.join(', ')})\n`)
    process.exit(2)
  }
}
const selected = (name: SectionName) => only.has(name)
const sizes = {
  batch: {
    seconds: size('seconds', 60, 10),
    clients: size('clients', 4, 4),
    batch: size('batch', 100, 100),
    users: size('users', 20_000, 20_000),
  },
  track: {
    seconds: size('track-seconds', 30, 5),
    clients: size('track-clients', 32, 32),
    users: size('users', 20_000, 20_000),
  },
  probes: size('probes', 20, 20),
  probeWorkers: size('probe-workers', 4, 4),
  contacts: size('contacts', 1_000_000, 20_000),
  requests: size('requests', 1000, 200),
  publish: {
    rate: size('publish-rate', 1000, 500),
    clients: 2,
    timeoutS: size('publish-timeout', 1800, 300),
  },
}
const database = values.db !== undefined && isPostgres(values.db) ? 'postgres' : 'sqlite'
mkdirSync(values.dir, { recursive: true })

const lines: string[] = []
const log = (line: string) => {
  lines.push(line)
  process.stdout.write(`${line}\n`)
}
const m = machine()
const startedAt = new Date().toISOString()
const loadAtStart = load()
log(`command: npx tsx bench/serve.bench.ts ${process.argv.slice(2).join(' ')}`)
log(
  `machine: ${m.cores} × ${m.cpu}, ${m.memoryGb} GB, node ${m.node}; load average ${loadAtStart.join(' ')} (shared with other work)`,
)
log(
  `database: ${database === 'postgres' ? shown(values.db!) : `SQLite files in ${values.db ?? values.dir}`}; started ${startedAt}`,
)
const code = codeVersion()
log(`code: ${code}`)
const ctx: SectionContext = { db: values.db, dir: values.dir, log }
const results: Partial<Record<SectionName, SectionResult>> = {}

if (selected('batch')) results.batch = await batchSection(ctx, sizes.batch)
if (selected('track')) results.track = await trackSection(ctx, sizes.track)
if (selected('latency'))
  results.latency = await latencySection(ctx, {
    ...sizes.batch,
    probes: sizes.probes,
    workers: sizes.probeWorkers,
    pauseMs: 50,
  })

if (selected('queue') || selected('publish') || selected('memory')) {
  log(`big database: ${count(sizes.contacts)} contacts${selected('publish') ? ' and their events' : ''}`)
  const big = await bigStore(ctx, sizes.contacts, selected('publish'), values.rebuild)
  const server = await startBenchServer(big.location)
  try {
    const afterStart = await server.memory()
    log(`  server started on it: ${afterStart.rssMb} MB resident`)
    if (selected('publish')) results.publish = await publishSection(ctx, big, server, sizes.publish)
    if (selected('queue')) {
      const published = results.publish?.figures['done']
      const scores =
        published === undefined
          ? 'synthetic scores'
          : published
            ? 'real scores from the publish'
            : 'while the publish job still rescores: synthetic scores being replaced by real ones'
      results.queue = await queueSection(ctx, big, server, sizes.requests, scores)
    }
    if (selected('memory')) {
      const now = await server.memory()
      const ran = [selected('publish') && 'publish', selected('queue') && 'queue']
        .filter(Boolean)
        .join(' and ')
      const data = `${count(big.contacts)} contacts, ${count(big.events)} events; after ${ran || 'the start'}`
      log(
        `memory: ${data}: resident ${now.rssMb} MB now, peak ${now.peakMb} MB (at start ${afterStart.rssMb} MB)`,
      )
      results.memory = {
        targets: [
          {
            target: `server memory with ${count(big.contacts)} contacts: ≤ ${count(MEMORY_TARGET_MB)} MB`,
            measured: `peak ${count(now.peakMb)} MB resident (${count(now.rssMb)} MB at the end)`,
            value: now.peakMb,
            limit: MEMORY_TARGET_MB,
            met: now.peakMb <= MEMORY_TARGET_MB,
            data,
            load: load(),
            note: 'VmHWM of the server process (Linux), MB of 10^6 bytes',
          },
        ],
        figures: { afterStartMb: afterStart.rssMb, endMb: now.rssMb, peakMb: now.peakMb, after: ran },
      }
    }
  } finally {
    await server.stop()
  }
}

const targets: TargetResult[] = SECTIONS.flatMap((name) => results[name]?.targets ?? [])
log('')
log('| target | measured | met | data | load average |')
log('| --- | --- | --- | --- | --- |')
for (const t of targets) {
  log(
    `| ${t.target} | ${t.measured}${t.note ? ` (${t.note})` : ''} | ${t.met ? 'yes' : 'no'} | ${t.data} | ${t.load.join(' ')} |`,
  )
}
// the file keeps the latest run of each section: a run of some sections replaces only those
const file = join('bench', 'out', `serve-${database}${values.quick ? '-quick' : ''}.json`)
const run = {
  command: `npx tsx bench/serve.bench.ts ${process.argv.slice(2).join(' ')}`,
  startedAt,
  finishedAt: new Date().toISOString(),
  machine: m,
  code,
  loadAverage: { start: loadAtStart, end: load() },
}
interface SavedSection {
  readonly run: typeof run
  readonly targets: TargetResult[]
  readonly figures: Record<string, unknown>
}
mkdirSync(join('bench', 'out'), { recursive: true })
const kept = existsSync(file)
  ? (JSON.parse(readFileSync(file, 'utf8')) as { sections?: Record<string, SavedSection> }).sections
  : undefined
// (sections written by an older version of this file, without their targets, are dropped)
const sections: Record<string, SavedSection> = Object.fromEntries(
  Object.entries(kept ?? {}).filter(([, v]) => Array.isArray(v.targets)),
)
for (const [name, result] of Object.entries(results)) sections[name] = { run, ...result }
const ordered = SECTIONS.filter((name) => sections[name] !== undefined)
writeFileSync(
  file,
  `${JSON.stringify(
    {
      database,
      quick: values.quick,
      targets: ordered.flatMap((name) => sections[name]!.targets),
      sections: Object.fromEntries(ordered.map((name) => [name, sections[name]])),
    },
    null,
    2,
  )}\n`,
)
log(`written: ${file} (${ordered.join(', ')})`)

/** The commit, and how many files of the server's code differ from it (the checkout is shared). */
function codeVersion(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim()
  try {
    const changed = git('status', '--porcelain', '--', 'src/engine', 'src/server', 'src/store', 'src/core')
      .split('\n')
      .filter(Boolean).length
    return `${git('rev-parse', '--short', 'HEAD')}${changed ? `, ${changed} uncommitted files in src/{core,engine,server,store}` : ''}`
  } catch {
    return 'unknown (not a git checkout)'
  }
}
