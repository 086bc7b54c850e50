/**
 * Writes a generated demo data set as CSV files: contacts.csv, accounts.csv, events.csv.
 *
 *   npx tsx bench/generate-data.ts --contacts 1000000 --seed 1 --out bench/out/
 *
 * Deterministic: the same options give byte-identical files (the reference time is the
 * `--now` option, never the clock). Streams with backpressure, so memory stays flat however
 * many events are written (except with --sort-by-time, meant for small example sets).
 */
import { once } from 'node:events'
import { createWriteStream, mkdirSync, statSync, type WriteStream } from 'node:fs'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  ACCOUNT_COLUMNS,
  accountLine,
  ByteBuffer,
  contactColumns,
  contactLine,
  csvHeader,
  EVENT_COLUMNS,
  eventsCsv,
  IsoWriter,
  writeEventRows,
} from '../src/demo/csv.js'
import { generateDataset } from '../src/demo/generate.js'

const HELP = `Usage: npx tsx bench/generate-data.ts [options]

Options:
  --contacts <n>            number of contacts (default 10000)
  --seed <n>                random seed (default 1)
  --out <dir>               output folder (default bench/out/)
  --now <iso>               reference time; no event is later (default 2026-11-01T00:00:00Z)
  --days <n>                events spread over this many days before --now (default 180)
  --accounts <n>            number of accounts (default contacts / 5)
  --events-per-contact <n>  mean events per contact (default 20; median about 3)
  --max-events-per-contact <n>
                            cap on one contact's events (default 5000)
  --outcome                 add the hidden outcome as the contact column "converted"
  --sort-by-time            write events in time order instead of grouped by contact
                            (holds every event in memory: for small sets only)
  -h, --help                show this help
`

class Sink {
  readonly path: string
  readonly #stream: WriteStream
  rows = 0

  constructor(path: string) {
    this.path = path
    this.#stream = createWriteStream(path)
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    if (!this.#stream.write(chunk)) await once(this.#stream, 'drain')
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#stream.once('error', reject)
      this.#stream.end(resolve)
    })
  }
}

function number(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  const value = Number(text.replaceAll('_', ''))
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got "${text}"`)
  return value
}

function size(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`
}

function count(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n)
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      contacts: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      now: { type: 'string' },
      days: { type: 'string' },
      accounts: { type: 'string' },
      'events-per-contact': { type: 'string' },
      'max-events-per-contact': { type: 'string' },
      outcome: { type: 'boolean' },
      'sort-by-time': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    process.stdout.write(HELP)
    return
  }
  const now = Date.parse(values.now ?? '2026-11-01T00:00:00Z')
  if (Number.isNaN(now)) throw new Error(`--now must be an ISO-8601 time, got "${values.now}"`)
  const contacts = number('contacts', values.contacts, 10_000)
  const dataset = generateDataset({
    seed: number('seed', values.seed, 1),
    contacts,
    now,
    days: number('days', values.days, 180),
    ...(values.accounts === undefined ? {} : { accounts: number('accounts', values.accounts, 0) }),
    eventsPerContact: number('events-per-contact', values['events-per-contact'], 20),
    maxEventsPerContact: number('max-events-per-contact', values['max-events-per-contact'], 5000),
    outcome: values.outcome ?? false,
  })
  const outDir = values.out ?? join('bench', 'out')
  mkdirSync(outDir, { recursive: true })
  const started = performance.now()
  const tty = process.stderr.isTTY
  let lastReport = started
  /** Progress on stderr: a live line on a terminal, a line every 5 s in a log. */
  const progress = (what: string, done: number, since: number): void => {
    const t = performance.now()
    if (t - lastReport < (tty ? 250 : 5000)) return
    lastReport = t
    const line = `${what} ${count(done)} (${count(Math.round(done / ((t - since) / 1000)))}/s)`
    process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`)
  }
  /** Writes `header` then one line per item, in chunks, with backpressure. */
  const writeLines = async <T>(
    sink: Sink,
    header: string,
    items: Iterable<T>,
    line: (item: T) => string,
  ): Promise<void> => {
    const since = performance.now()
    await sink.write(header)
    let lines: string[] = []
    for (const item of items) {
      lines.push(line(item))
      if (lines.length === 4096) {
        await sink.write(lines.join(''))
        sink.rows += lines.length
        lines = []
        progress(basename(sink.path, '.csv'), sink.rows, since)
      }
    }
    await sink.write(lines.join(''))
    sink.rows += lines.length
    await sink.close()
  }

  const accounts = new Sink(join(outDir, 'accounts.csv'))
  await writeLines(accounts, csvHeader(ACCOUNT_COLUMNS), dataset.accounts(), accountLine)
  const columns = contactColumns(dataset.options.outcome)
  const contactsFile = new Sink(join(outDir, 'contacts.csv'))
  await writeLines(contactsFile, csvHeader(columns), dataset.contacts(), (c) => contactLine(c, columns))

  // events
  const events = new Sink(join(outDir, 'events.csv'))
  await events.write(csvHeader(EVENT_COLUMNS))
  const eventsStarted = performance.now()
  if (values['sort-by-time']) {
    const text = eventsCsv(dataset, 'time')
    await events.write(text.slice(text.indexOf('\n') + 1))
    events.rows = text.split('\n').length - 2
  } else {
    const buffer = new ByteBuffer(8 << 20)
    const iso = new IsoWriter()
    for (const batch of dataset.eventBatches(65_536)) {
      writeEventRows(buffer, batch, dataset.eventIdPrefix, iso)
      events.rows += batch.length
      await events.write(buffer.take())
      progress('events', events.rows, eventsStarted)
    }
  }
  await events.close()
  const eventSeconds = (performance.now() - eventsStarted) / 1000
  if (tty) process.stderr.write('\r\x1b[K')

  const seconds = (performance.now() - started) / 1000
  for (const sink of [contactsFile, accounts, events]) {
    process.stdout.write(
      `${sink.path.padEnd(36)} ${String(sink.rows).padStart(11)} rows  ${size(statSync(sink.path).size).padStart(10)}\n`,
    )
  }
  process.stdout.write(
    `done in ${seconds.toFixed(1)} s; events at ${count(Math.round(events.rows / eventSeconds))}/s ` +
      `(seed ${dataset.options.seed}, now ${new Date(dataset.options.now).toISOString()}, ${dataset.options.days} days)\n`,
  )
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
