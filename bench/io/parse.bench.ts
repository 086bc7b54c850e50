/**
 * CSV parser throughput on a generated events file: csv-parse (a dependency), uDSV and
 * PapaParse (optional, loaded from a scratch directory so the project does not depend on
 * them), leadscore's own tokenizer, and the full `readEvents` pipeline (tokenize, detect
 * columns, parse times and numbers, build EventRow objects), also on the same events
 * gzipped and as NDJSON, and `readContacts` on 1M contacts. MB/s of those is of their own
 * file size (compressed size for gzip). The two `join` candidates read 1M contacts and then
 * the events, finding each event's contact with a `Map` or with a shared `IdIndex`.
 * Files go to $TMPDIR/leadscore-bench (about 700 MB with the derived ones).
 *
 * Each candidate runs in a fresh process, `--runs` times (best run reported), streaming
 * the file from disk with 1 MiB reads. MB = 10^6 bytes of file. `cpu s` is the process's
 * user + system time (GC and I/O threads included): steadier than wall time on a busy machine.
 * `--semi N` runs the children with `--max-semi-space-size=N` (a larger young generation;
 * the allocation-heavy readers gain about a third).
 *
 * Usage:
 *   npm install --prefix /tmp/leadscore-bench-deps udsv papaparse   # optional candidates
 *   LEADSCORE_BENCH_DEPS=/tmp/leadscore-bench-deps npx tsx bench/io/parse.bench.ts \
 *     [--mb 200] [--time iso|epoch] [--runs 3] [--semi 64] [--only 'csv-parse,udsv']
 * @module
 */
import { spawnSync } from 'node:child_process'
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { createGzip } from 'node:zlib'
import { parse as csvParse } from 'csv-parse'
import { CsvTokenizer } from '../../src/io/csv-tokenizer.js'
import { IdIndex } from '../../src/io/id-index.js'
import { readContacts } from '../../src/io/read-contacts.js'
import { readEvents } from '../../src/io/read-events.js'
import { createScoreWriter } from '../../src/io/score-writer.js'
import { generateContactsCsv, generateEventsCsv } from './generate-events.js'

interface Count {
  rows: number
  fields: number
}

const HWM = 1 << 20

function textStream(path: string) {
  const stream = createReadStream(path, { highWaterMark: HWM })
  stream.setEncoding('utf8')
  return stream as AsyncIterable<string> & NodeJS.ReadableStream
}

function optional(name: string): unknown {
  const dir = process.env['LEADSCORE_BENCH_DEPS']
  if (dir === undefined) return undefined
  try {
    return createRequire(join(dir, 'package.json'))(name)
  } catch {
    return undefined
  }
}

interface Udsv {
  inferSchema(csv: string, opts?: { encl?: string | null }): unknown
  initParser(schema: unknown): {
    chunk(csv: string, parse: unknown, onData: (row: string[]) => void): void
    stringArrs: unknown
    end(): void
  }
}

interface Papa {
  parse(
    input: NodeJS.ReadableStream,
    config: {
      chunk: (results: { data: string[][] }) => void
      complete: () => void
      error: (error: Error) => void
      skipEmptyLines: boolean
    },
  ): void
}

const candidates: Record<string, (path: string) => Promise<Count>> = {
  /** The floor: reading and UTF-8 decoding only. */
  async 'read+decode'(path) {
    let chars = 0
    for await (const chunk of textStream(path)) chars += chunk.length
    return { rows: 0, fields: chars }
  },

  async 'csv-parse'(path) {
    const count: Count = { rows: 0, fields: 0 }
    const parser = createReadStream(path, { highWaterMark: HWM }).pipe(
      csvParse({ bom: true, relax_column_count: true, skip_empty_lines: true }),
    )
    parser.on('data', (record: string[]) => {
      count.rows++
      count.fields += record.length
    })
    await new Promise<void>((resolve, reject) => {
      parser.on('end', resolve)
      parser.on('error', reject)
    })
    count.rows-- // header
    return count
  },

  async udsv(path) {
    const udsv = optional('udsv') as Udsv | undefined
    if (udsv === undefined) throw new Error('not installed')
    const count: Count = { rows: 0, fields: 0 }
    let parser: ReturnType<Udsv['initParser']> | undefined
    const onRow = (row: string[]) => {
      count.rows++
      count.fields += row.length
    }
    for await (const chunk of textStream(path)) {
      parser ??= udsv.initParser(udsv.inferSchema(chunk, { encl: '"' }))
      parser.chunk(chunk, parser.stringArrs, onRow)
    }
    parser?.end()
    return count
  },

  async papaparse(path) {
    const papa = optional('papaparse') as Papa | undefined
    if (papa === undefined) throw new Error('not installed')
    const count: Count = { rows: 0, fields: 0 }
    await new Promise<void>((resolve, reject) => {
      papa.parse(createReadStream(path, { highWaterMark: HWM, encoding: 'utf8' }), {
        skipEmptyLines: true,
        chunk: (results) => {
          for (const row of results.data) {
            count.rows++
            count.fields += row.length
          }
        },
        complete: resolve,
        error: reject,
      })
    })
    count.rows-- // header
    return count
  },

  async 'leadscore tokenizer'(path) {
    const count: Count = { rows: -1, fields: 0 }
    const tokenizer = new CsvTokenizer(
      (record) => {
        count.rows++
        count.fields += record.count
      },
      () => {},
    )
    for await (const chunk of textStream(path)) tokenizer.push(chunk)
    tokenizer.end()
    return count
  },

  'leadscore readEvents': (path) => countEvents(path),
  'readEvents .csv.gz': (path) => countEvents(`${path}.gz`),
  'readEvents .ndjson': (path) => countEvents(ndjsonOf(path)),

  /** What a scorer must do: find each event's contact. Contacts, then events, one Map lookup per event. */
  async 'join by Map'(path) {
    const count: Count = { rows: 0, fields: 0 }
    const contacts = new Map<string, number>()
    for await (const batch of readContacts(contactsOf(path)).batches()) {
      for (const row of batch) contacts.set(row.id, contacts.size)
    }
    for await (const batch of readEvents(path).batches()) {
      count.rows += batch.length
      for (const row of batch) if ((contacts.get(row.contactId) ?? -1) >= 0) count.fields++
    }
    return count
  },

  /** The same join through an IdIndex shared by the two readers (batched lookups). */
  async 'join by IdIndex'(path) {
    const count: Count = { rows: 0, fields: 0 }
    const index = new IdIndex(1_000_000)
    for await (const _ of readContacts(contactsOf(path), { index }).batches()) count.fields += 0
    const known = index.size
    for await (const batch of readEvents(path, { contactIndex: index }).batches()) {
      count.rows += batch.length
      for (const row of batch) if (row.contactIndex < known) count.fields++
    }
    return count
  },

  async 'readContacts 1M'(path) {
    const count: Count = { rows: 0, fields: 0 }
    for await (const batch of readContacts(contactsOf(path)).batches()) {
      count.rows += batch.length
      for (const row of batch) if (row.id !== '') count.fields++
    }
    return count
  },
}

/** Files derived from the events CSV, made on first use. */
const ndjsonOf = (path: string) => path.replace(/\.csv$/, '.ndjson')
const contactsOf = (path: string) => join(dirname(path), 'contacts-1m.csv')
const DERIVED: Record<string, (path: string) => Promise<void>> = {
  'readEvents .csv.gz': (path) =>
    pipeline(createReadStream(path), createGzip(), createWriteStream(`${path}.gz`)),
  async 'readEvents .ndjson'(path) {
    const columns = ['contact_id', 'event', 'timestamp', 'url', 'campaign', 'value']
    const out = createScoreWriter(ndjsonOf(path), 'ndjson', columns)
    for await (const { contactId, event } of readEvents(path)) {
      await out.write({ contact_id: contactId, event: event.name, timestamp: event.ts, ...event.properties })
    }
    await out.end()
  },
  'readContacts 1M': async (path) => {
    await generateContactsCsv(contactsOf(path))
  },
}
const derivedPath: Record<string, (path: string) => string> = {
  'readEvents .csv.gz': (path) => `${path}.gz`,
  'readEvents .ndjson': ndjsonOf,
  'readContacts 1M': contactsOf,
}
/** Candidates that need a derived file but read more than it (MB/s is of the events file). */
const needs: Record<string, string> = {
  'join by Map': 'readContacts 1M',
  'join by IdIndex': 'readContacts 1M',
}

async function countEvents(path: string): Promise<Count> {
  const count: Count = { rows: 0, fields: 0 }
  for await (const batch of readEvents(path).batches()) {
    count.rows += batch.length
    for (const row of batch) if (row.event.ts > 0) count.fields++
  }
  return count
}

async function runOne(name: string, path: string): Promise<void> {
  const run = candidates[name]
  if (run === undefined) throw new Error(`unknown candidate ${name}`)
  const started = performance.now()
  const cpu0 = process.cpuUsage()
  const count = await run(path)
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpu0)
  process.stdout.write(`${JSON.stringify({ seconds, cpu: (cpu.user + cpu.system) / 1e6, ...count })}\n`)
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mb: { type: 'string', default: '200' },
      time: { type: 'string', default: 'iso' },
      runs: { type: 'string', default: '3' },
      only: { type: 'string' },
      semi: { type: 'string' },
      one: { type: 'string' },
      file: { type: 'string' },
    },
  })
  if (values.one !== undefined && values.file !== undefined) return runOne(values.one, values.file)

  const time = values.time === 'epoch' ? 'epoch' : 'iso'
  const dir = join(tmpdir(), 'leadscore-bench')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `events-${values.mb}mb-${time}.csv`)
  if (!existsSync(file)) {
    process.stdout.write(`generating ${file} ...\n`)
    await generateEventsCsv(file, Number(values.mb), time)
  }
  const bytes = statSync(file).size
  const flags = values.semi === undefined ? [] : [`--max-semi-space-size=${values.semi}`]
  process.stdout.write(
    `${file}: ${(bytes / 1e6).toFixed(1)} MB, node ${process.version} ${flags.join(' ')}\n\n`,
  )
  const names = values.only?.split(',') ?? Object.keys(candidates)
  process.stdout.write(
    `${'candidate'.padEnd(22)} ${'MB/s'.padStart(6)} ${'wall s'.padStart(7)} ${'cpu s'.padStart(6)}  result\n`,
  )
  for (const name of names) {
    const maker = needs[name] ?? name
    const made = derivedPath[maker]?.(file)
    if (made !== undefined && !existsSync(made)) {
      process.stdout.write(`making ${made} ...\n`)
      await DERIVED[maker]?.(file)
    }
    const derived = needs[name] === undefined ? made : undefined
    const size = derived === undefined ? bytes : statSync(derived).size
    let best = Number.POSITIVE_INFINITY
    let bestCpu = Number.POSITIVE_INFINITY
    let last = ''
    for (let i = 0; i < Number(values.runs); i++) {
      const child = spawnSync(
        process.execPath,
        [...flags, ...process.execArgv, process.argv[1]!, '--one', name, '--file', file],
        { encoding: 'utf8', maxBuffer: 1 << 24 },
      )
      if (child.status !== 0) {
        last = `failed: ${(
          child.stderr
            .trim()
            .split('\n')
            .find((l) => l.includes('Error')) ?? child.stderr
        ).slice(0, 120)}`
        break
      }
      const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Count & {
        seconds: number
        cpu: number
      }
      best = Math.min(best, result.seconds)
      bestCpu = Math.min(bestCpu, result.cpu)
      last = `${result.rows} rows, ${result.fields} fields`
    }
    const ok = Number.isFinite(best)
    const mbs = ok ? (size / 1e6 / best).toFixed(0) : '-'
    const secs = ok ? best.toFixed(2) : '-'
    const cpu = ok ? bestCpu.toFixed(2) : '-'
    process.stdout.write(
      `${name.padEnd(22)} ${mbs.padStart(6)} ${secs.padStart(7)} ${cpu.padStart(6)}  ${last}\n`,
    )
  }
}

await main()
