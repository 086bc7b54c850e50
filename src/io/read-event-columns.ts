/**
 * Reading an events file straight into columns, on every core.
 *
 * `readEvents` makes objects per event (the row, the event, its properties): on 20 million
 * events that is most of the time, in allocation and garbage collection. This reader gives
 * the same events as column batches (typed arrays and dictionaries) without any per-row
 * object, for `EventColumnsBuilder.addColumns`.
 *
 * How: a plain file of 16 MB or more is cut into chunks (byte ranges of up to 16 MB, cut
 * after a newline) parsed in parallel by worker threads and by the main thread, each chunk
 * taken by whichever parser is free, at most a few chunks ahead of the one being used; the
 * results are used in file order. A parser works on bytes (see `event-chunk-parser.ts`) and
 * sends columns of its own codes with each new dictionary entry once; this module maps them
 * to the reader's codes and to contact indexes, so the batches, the dictionaries and the
 * contact index come out exactly as a sequential read would make them. A gzip file (one
 * stream) is parsed by one worker while the main thread builds; a small file is parsed on
 * the main thread (no worker start-up). Given a small contact index to `skip` against
 * (`explain`'s one contact), the parsers drop other contacts' events themselves.
 *
 * Why chunks for every thread rather than one worker parsing and the main thread building:
 * building costs little next to parsing (about 50 ns an event against 300), so one parser
 * is the bottleneck. On 1M contacts and 20M events (1.6 GB), 2 cores, the read and sort
 * took 9.3 s with one worker parsing, 6.6 s with the main thread and a worker both parsing
 * (6.5 s with two workers), 11.3 s on one thread, and 22.6 s with `readEvents` (see
 * `bench/io/event-columns.bench.ts`).
 *
 * Memory: the columns of used batches go back to their parser and are filled again, as new
 * typed arrays cost a full garbage collection for every 64 MB or so in V8.
 *
 * A chunk starts after the first newline at or after its nominal start, assuming that
 * newline ends a record. A quoted field with a newline inside can break that; then the
 * chunk before ends somewhere else than where the chunk starts, which is checked for every
 * chunk, and such a chunk is parsed again from the right place on the main thread.
 * @module
 */

import { open, stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { basename } from 'node:path'
import type { Worker } from 'node:worker_threads'
import type { EventColumnBatch, EventColumnsBuilder, PropertyColumn } from '../core/columnar/events.js'
import { DerivedIdHash } from './bytes.js'
import {
  type ChunkRange,
  type CsvLayout,
  EventChunkParser,
  type ParsedBatch,
  type ParsedChunkEnd,
  type ParseFailure,
  type ParserConfig,
  type ParserMessage,
  parseStream,
} from './event-chunk-parser.js'
import type { WorkerTask } from './event-columns-worker.js'
import { isFileError, readFailure } from './file-failure.js'
import type { IdIndex } from './id-index.js'
import { InputFileError } from './input-file-error.js'
import { inputKind } from './input-format.js'
import { startModuleWorker } from './module-worker.js'
import type { ReadEventsOptions } from './read-events.js'
import { BadRowError, type RowIssueKind, rowIssue } from './row-issue.js'
import type { ReadStats } from './row-source.js'

/** Options of {@link readEventColumns}: those of `readEvents`, and how to join and parallelize. */
export interface ReadEventColumnsOptions extends Omit<ReadEventsOptions, 'contactIndex'> {
  /**
   * Gives each event the index of its contact here. Fill it with `readContacts(path, { index })`
   * first to join events to contacts by index.
   */
  readonly contactIndex: IdIndex
  /**
   * Events of contacts not in `contactIndex`: `add` (the default, as `readEvents`) gives the
   * contact the next index; `skip` leaves the event out and counts it in
   * `stats.unknownContactRows`.
   */
  readonly unknownContacts?: 'add' | 'skip'
  /** Also give the event ids (`ids` of each batch); default only their hashes. */
  readonly keepIds?: boolean
  /** Rows per batch (at most); default 65,536. */
  readonly batchSize?: number
  /**
   * Worker threads that parse. `auto` (the default): one fewer than the cores (at most 3),
   * for plain files of 16 MB or more and gzip files of 4 MB or more; none on one core. A
   * number uses that many whatever the size (0: the main thread only).
   */
  readonly workers?: number | 'auto'
  /** With workers, also parse chunks on the main thread; default true. */
  readonly mainThreadParses?: boolean
  /**
   * The bytes of a chunk (the unit of work of a plain file); default from the file size.
   * Given, a plain file is read in chunks even when small and without workers (for tests).
   */
  readonly chunkBytes?: number
}

/** What a read found: as {@link ReadStats}, and the events left out. */
export interface EventColumnStats extends ReadStats {
  /** Good rows read; the batches hold them all but `unknownContactRows`. */
  readonly rows: number
  /** Events of contacts not in the index, left out (`unknownContacts: 'skip'`). */
  readonly unknownContactRows: number
  /** Threads that parsed (the main thread counts when it parsed). */
  readonly threads: number
}

/** The events of one file as column batches; see {@link readEventColumns}. */
export interface EventColumnSource {
  /**
   * Yields the events in file order, in batches of up to `batchSize` rows. A batch's typed
   * arrays are used again for later batches once the next one is asked for: copy what you
   * keep (`EventColumnsBuilder.addColumns` does). Its dictionaries (`names`, property
   * `values`) are the reader's, shared by all batches and growing. Each iteration reads the
   * file again.
   */
  batches(): AsyncIterable<EventColumnBatch>
  /** Counts of the current (or last) iteration. */
  readonly stats: EventColumnStats
  /**
   * The rows the file likely holds (good and bad), from the chunks of a large plain file
   * read so far: known after the first chunk (a few megabytes), then refined.
   */
  readonly estimatedRows: number | undefined
  /**
   * Starts the next iteration's parsing now, on the worker threads only: the main thread is
   * free to do something else first (read the contacts that `contactIndex` is filled from:
   * the index is read only once the batches are asked for). The workers parse up to about
   * 384 MB of the file ahead meanwhile. Iterate `batches()` next, or {@link stop}.
   */
  start(): void
  /** Stops a read started by {@link start} whose batches were not asked for (after an error elsewhere). */
  stop(): Promise<void>
}

/**
 * Appends every batch of `source` to `builder`, reserving room for the rows the file likely
 * holds once that is known: one allocation of about the right size instead of growing (and
 * copying) the columns again and again.
 */
export async function addAllBatches(source: EventColumnSource, builder: EventColumnsBuilder): Promise<void> {
  let reserved = 0
  for await (const batch of source.batches()) {
    const wanted = builder.length + batch.length
    const estimate = source.estimatedRows
    if (wanted > reserved && estimate !== undefined) {
      reserved = Math.max(wanted, Math.ceil(estimate * 1.03))
      builder.reserve(reserved)
    }
    builder.addColumns(batch)
  }
}

const DEFAULT_BATCH = 65_536
const PARALLEL_MIN_BYTES = 16 << 20
const PARALLEL_MIN_GZIP_BYTES = 4 << 20
const MIN_CHUNK = 1 << 20
const MAX_CHUNK = 16 << 20
/** The bytes the workers parse ahead when started early (`start()`). */
const PREFETCH_BYTES = 384 << 20
/** Chunks a worker is given at a time. */
const WORKER_QUEUE = 2
/** Up to this many contacts in a `skip` join are given to the parsers. */
const ONLY_CONTACTS = 4096
/** Reader code not looked up yet. */
const UNSET = -2

/**
 * Reads the events of a CSV or NDJSON file (optionally `.gz`) as column batches: the
 * columns, bad rows (same messages, same `strict` behaviour), ids and property values of
 * `readEvents` (see there), with no object per event, parsed on several threads.
 *
 * @example
 * const builder = new EventColumnsBuilder({ contacts: index.size })
 * const source = readEventColumns('events.csv', { contactIndex: index, unknownContacts: 'skip' })
 * for await (const batch of source.batches()) builder.addColumns(batch)
 * const events = builder.finish()
 * @throws {InputFileError} while iterating, when the file is missing, of an unknown type, or lacks a required column.
 */
export function readEventColumns(path: string, options: ReadEventColumnsOptions): EventColumnSource {
  const stats = {
    rows: 0,
    badRows: 0,
    badRowsByKind: {} as Partial<Record<RowIssueKind, number>>,
    bytesRead: 0,
    totalBytes: 0,
    unknownContactRows: 0,
    threads: 0,
  }
  let estimatedRows: number | undefined
  let started: ColumnRead | undefined
  const begin = (): ColumnRead => {
    stats.rows = 0
    stats.badRows = 0
    stats.bytesRead = 0
    stats.totalBytes = 0
    stats.unknownContactRows = 0
    stats.threads = 0
    stats.badRowsByKind = {}
    estimatedRows = undefined
    return new ColumnRead(path, options, stats, (rows) => {
      estimatedRows = rows
    })
  }
  return {
    stats,
    get estimatedRows() {
      return estimatedRows
    },
    start() {
      if (started !== undefined) return
      started = begin()
      started.start()
    },
    async stop() {
      const read = started
      started = undefined
      await read?.close()
    },
    async *batches() {
      const read = started ?? begin()
      started = undefined
      try {
        yield* read.run()
      } finally {
        await read.close()
      }
    },
  }
}

type Stats = {
  rows: number
  badRows: number
  badRowsByKind: Partial<Record<RowIssueKind, number>>
  bytesRead: number
  totalBytes: number
  unknownContactRows: number
  threads: number
}

/** A property of the reader: its values, each once. */
interface Property {
  readonly key: string
  readonly values: unknown[]
  readonly codes: Map<unknown, number>
}

/** What one parser has sent: its dictionaries, and their reader codes once looked up. */
class ParserTables {
  readonly contacts: (string | undefined)[] = []
  contactMap: Int32Array = new Int32Array(1024).fill(UNSET)
  readonly names: string[] = []
  nameMap: Int32Array = new Int32Array(64).fill(UNSET)
  readonly properties: Property[] = []
  readonly values: unknown[][] = []
  readonly valueMaps: Int32Array[] = []

  /** Takes the new dictionary entries of `batch`. */
  register(batch: ParsedBatch, property: (key: string) => Property): void {
    for (const id of batch.newContacts) this.contacts.push(id)
    this.contactMap = withRoom(this.contactMap, this.contacts.length)
    for (const name of batch.newNames) this.names.push(name)
    this.nameMap = withRoom(this.nameMap, this.names.length)
    for (const key of batch.newKeys) {
      this.properties.push(property(key))
      this.values.push([])
      this.valueMaps.push(new Int32Array(16).fill(UNSET))
    }
    batch.newValues.forEach((values, j) => {
      if (values === undefined) return
      const list = this.values[j]!
      for (const value of values) list.push(value)
      this.valueMaps[j] = withRoom(this.valueMaps[j]!, list.length)
    })
  }
}

/** `map`, or a copy with room for `size` codes. */
function withRoom(map: Int32Array, size: number): Int32Array {
  if (map.length >= size) return map
  const bigger = new Int32Array(Math.max(size, map.length * 2)).fill(UNSET)
  bigger.set(map)
  return bigger
}

/** One chunk: what its parser sent so far. */
interface Chunk {
  readonly id: number
  readonly range: ChunkRange
  parser: Parser | undefined
  start: number | undefined
  readonly batches: ParsedBatch[]
  end: ParsedChunkEnd | undefined
  failure: ParseFailure | undefined
  rows: number
}

/** A parser on the main thread (`here`), or a worker. */
interface Parser {
  readonly tables: ParserTables
  readonly worker: Worker | undefined
  here: EventChunkParser | undefined
  /** Parsing a chunk (the main thread's parser). */
  busy: boolean
  /** Chunks posted to the worker and not ended yet. */
  queued: number
}

/** One iteration of a {@link readEventColumns} source. */
class ColumnRead {
  readonly #path: string
  readonly #options: ReadEventColumnsOptions
  readonly #stats: Stats
  readonly #estimate: (rows: number) => void
  readonly #index: IdIndex
  readonly #add: boolean
  readonly #derived: DerivedIdHash
  readonly #idPrefix: string

  // The reader's dictionaries.
  readonly #names: string[] = []
  readonly #nameCodes = new Map<string, number>()
  readonly #properties = new Map<string, Property>()

  // Parsing.
  #config!: ParserConfig
  readonly #chunks: Chunk[] = []
  readonly #byId = new Map<number, Chunk>()
  #nextId = 0
  #next = 0
  #cursor = 0
  #maxAhead = 4
  readonly #parsers: Parser[] = []
  #mainLoop: Promise<void> | undefined
  #file: Awaited<ReturnType<typeof open>> | undefined
  #closed = false
  #error: unknown
  #waiters: (() => void)[] = []
  #bytes = 0

  constructor(
    path: string,
    options: ReadEventColumnsOptions,
    stats: Stats,
    estimate: (rows: number) => void,
  ) {
    this.#path = path
    this.#options = options
    this.#stats = stats
    this.#estimate = estimate
    this.#index = options.contactIndex
    this.#add = (options.unknownContacts ?? 'add') === 'add'
    this.#idPrefix = `${basename(path)}:`
    this.#derived = new DerivedIdHash(this.#idPrefix)
  }

  /** Where the records start (line, offset), once the parsers are started; undefined for a CSV file without a header. */
  #begun: Promise<{ line: number; offset: number } | undefined> | undefined
  /** Started by `start()`: the main thread parses only once the batches are asked for. */
  #early = false
  #startMain: (() => void) | undefined

  /** Starts the workers now (see `EventColumnSource.start`). */
  start(): void {
    this.#early = true
    this.#begun = this.#begin()
    // an error is seen again by run()
    this.#begun.catch(() => undefined)
  }

  async *run(): AsyncGenerator<EventColumnBatch, void, undefined> {
    this.#begun ??= this.#begin()
    const begun = await this.#begun
    if (begun === undefined) return
    if (this.#early) {
      this.#maxAhead = this.#stats.threads + 1
      this.#startMain?.()
    }
    yield* this.#consume(begun.line, begun.offset)
  }

  /** Starts the parsers; see {@link #begun}. */
  async #begin(): Promise<{ line: number; offset: number } | undefined> {
    const path = this.#path
    const options = this.#options
    const kind = inputKind(path, options.format)
    const size = await this.#size()
    this.#stats.totalBytes = size
    const cores = availableParallelism()
    const auto = options.workers === undefined || options.workers === 'auto'
    const workers = auto ? Math.min(3, cores - 1) : Math.max(0, Math.floor(options.workers as number))
    const big = size >= (kind.gzip ? PARALLEL_MIN_GZIP_BYTES : PARALLEL_MIN_BYTES)
    const parallel = workers > 0 && (!auto || big)
    const batchRows = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH))
    this.#config = {
      path,
      format: kind.format,
      columns: {
        contactIdColumn: options.contactIdColumn,
        eventIdColumn: options.eventIdColumn,
        eventColumn: options.eventColumn,
        timeColumn: options.timeColumn,
      },
      keep: options.properties === undefined ? undefined : [...options.properties],
      keepIds: options.keepIds === true,
      // A small index (`explain`'s one contact): the parsers leave the other contacts' events
      // out before reading their ids and properties. (Started early, the index is not filled yet.)
      contacts:
        !this.#add && !this.#early && this.#index.size <= ONLY_CONTACTS
          ? Array.from({ length: this.#index.size }, (_, i) => this.#index.id(i)!)
          : undefined,
      strict: options.strict === true,
      batchRows,
      maxRecordBytes: 16 * 1024 * 1024,
    }

    // A large plain file is read in chunks even on one thread: it gives a row estimate early.
    const chunked = !kind.gzip && (parallel || big || options.chunkBytes !== undefined)
    if (!chunked) {
      // One chunk: the whole file, in a worker (gzip) or here.
      const range: ChunkRange = {
        offset: 0,
        stop: Number.POSITIVE_INFINITY,
        aligned: true,
        atFileStart: true,
      }
      const chunk = this.#chunk(range)
      this.#next = 1 // taken
      this.#stats.threads = 1
      if (parallel) {
        const parser = this.#startWorker(this.#config)
        this.#post(parser, chunk, { type: 'stream', chunk: chunk.id, gzip: true })
      } else {
        const parser = this.#hereParser()
        parser.busy = true
        chunk.parser = parser
        const parse = kind.gzip
          ? parseStream(
              parser.here!,
              path,
              chunk.id,
              true,
              (bytes) => this.#progress(bytes),
              () => this.#closed,
            )
          : this.#parseChunk(parser, chunk)
        this.#mainLoop = parse.catch((error: unknown) => this.#fail(error)).finally(() => this.#notify())
      }
      return { line: 1, offset: 0 }
    }

    // Chunks of a plain file.
    let dataStart = 0
    let dataLine = 1
    if (kind.format === 'csv') {
      const header = await this.#readHeader()
      if (header === undefined) return undefined
      this.#config = { ...this.#config, layout: header.layout }
      dataStart = header.end
      dataLine = 1 + header.lines
      for (const i of header.layout.props) this.#property(header.layout.header[i]!)
    }
    const mainParses = options.mainThreadParses !== false || !parallel
    const threads = (parallel ? workers : 0) + (mainParses ? 1 : 0)
    this.#stats.threads = threads
    this.#maxAhead = threads + 1
    const chunkBytes = Math.floor(
      options.chunkBytes ?? Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, (size - dataStart) / (threads * 4))),
    )
    // started early: the workers parse ahead while the main thread does something else
    if (this.#early && parallel)
      this.#maxAhead = Math.max(threads + 1, Math.ceil(PREFETCH_BYTES / chunkBytes))
    for (let from = dataStart; from < size || from === dataStart; from += Math.max(1, chunkBytes)) {
      const first = from === dataStart
      const stop = Math.min(size, from + Math.max(1, chunkBytes))
      this.#chunk({
        offset: first ? from : from - 1,
        stop: stop >= size ? Number.POSITIVE_INFINITY : stop,
        aligned: first,
        atFileStart: first && from === 0,
      })
      if (stop >= size) break
    }
    if (parallel) for (let w = 0; w < workers; w++) this.#startWorker(this.#config)
    if (mainParses) {
      const startMain = () => {
        const parser = this.#hereParser()
        this.#mainLoop = this.#parseHere(parser)
          .catch((error: unknown) => this.#fail(error))
          .finally(() => this.#notify())
      }
      if (this.#early && parallel) this.#startMain = startMain
      else startMain()
    }
    this.#dispatch()
    return { line: dataLine, offset: dataStart }
  }

  /** Stops the workers and the main-thread parser. */
  async close(): Promise<void> {
    this.#closed = true
    this.#notify()
    await this.#begun?.catch(() => undefined) // every parser started
    await Promise.all(this.#parsers.map((p) => p.worker?.terminate()))
    await this.#mainLoop
    await this.#file?.close()
    this.#file = undefined
  }

  // -------------------------------------------------------------------------------------------
  // Consuming the chunks in order

  async *#consume(firstLine: number, dataStart = 0): AsyncGenerator<EventColumnBatch, void, undefined> {
    let line = firstLine
    let expected = -1
    for (this.#cursor = 0; this.#cursor < this.#chunks.length; this.#cursor++) {
      this.#dispatch()
      this.#notify() // the main-thread parser may take a chunk now
      let chunk = this.#chunks[this.#cursor]!
      if (this.#cursor > 0) {
        // Does the chunk start where the one before ended?
        await this.#until(
          () => chunk.start !== undefined || chunk.end !== undefined || chunk.failure !== undefined,
        )
        const start = chunk.start ?? chunk.end?.start ?? chunk.failure?.start
        if (start !== undefined && start !== expected) {
          chunk = await this.#repair(this.#cursor, expected)
        }
      }
      for (;;) {
        this.#check()
        const batch = chunk.batches.shift()
        if (batch !== undefined) {
          const columns = this.#columns(chunk, batch, line)
          if (columns !== undefined) yield columns
          this.#recycle(chunk.parser!, batch)
          if (batch.issues.length > 0 && this.#config.strict) {
            const issue = batch.issues[0]!
            throw new BadRowError(
              rowIssue(this.#path, line + issue.line, issue.kind, issue.problem, issue.hint, issue.field),
            )
          }
          continue
        }
        if (chunk.failure !== undefined) {
          const { line: at, problem, hint } = chunk.failure
          throw new InputFileError(this.#path, at === undefined ? undefined : line + at, problem, hint)
        }
        if (chunk.end !== undefined) break
        await this.#until(
          () => chunk.batches.length > 0 || chunk.end !== undefined || chunk.failure !== undefined,
        )
      }
      const end = chunk.end!
      this.#estimateRows(chunk, end, dataStart)
      expected = end.end
      line += end.lines
      this.#byId.delete(chunk.id)
    }
  }

  /** Parses chunk `at` again on this thread, from `start` (where the chunk before really ended). */
  async #repair(at: number, start: number): Promise<Chunk> {
    const old = this.#chunks[at]!
    this.#byId.delete(old.id)
    const chunk = this.#chunk({ offset: start, stop: old.range.stop, aligned: true }, at)
    const parser = this.#hereParser(false)
    chunk.parser = parser
    await this.#parseChunk(parser, chunk)
    return chunk
  }

  /** The batch as the reader's columns, bad rows reported; undefined when no row is left. */
  #columns(chunk: Chunk, batch: ParsedBatch, line: number): EventColumnBatch | undefined {
    const stats = this.#stats
    const path = this.#path
    for (const issue of batch.issues) {
      const kind = issue.kind
      stats.badRows++
      stats.badRowsByKind[kind] = (stats.badRowsByKind[kind] ?? 0) + 1
      if (!this.#config.strict) {
        this.#options.onBadRow?.(
          rowIssue(path, line + issue.line, kind, issue.problem, issue.hint, issue.field),
        )
      }
    }
    const n = batch.length
    stats.rows += n + batch.skipped
    stats.unknownContactRows += batch.skipped
    const { contact, ts, name, hash, ids, props } = batch
    // Derived ids, now that the lines are known.
    const derivedRows = batch.derivedRows
    for (let d = 0; d < derivedRows.length; d++) {
      const row = derivedRows[d]!
      const at = line + batch.derivedLines[d]!
      hash[row] = this.#derived.hash(at)
      if (ids !== undefined) ids[row] = this.#idPrefix + at
    }
    const tables = chunk.parser!.tables
    // Contacts (dropping those not in the index, with `skip`), then names and values: each
    // looked up in the reader's dictionaries the first time a kept row uses it, so codes
    // come in the order of a sequential read.
    const contactMap = tables.contactMap
    let dropped = 0
    for (let k = 0; k < n; k++) {
      let c = contactMap[contact[k]!]!
      if (c === UNSET) c = this.#contactCode(tables, contact[k]!)
      if (c < 0) dropped++
      contact[k] = c
    }
    let w = n
    if (dropped > 0) {
      w = 0
      for (let k = 0; k < n; k++) {
        if (contact[k]! < 0) continue
        contact[w] = contact[k]!
        ts[w] = ts[k]!
        hash[w] = hash[k]!
        name[w] = name[k]!
        for (const column of props) if (column !== undefined) column[w] = column[k]!
        if (ids !== undefined) ids[w] = ids[k]!
        w++
      }
    }
    const nameMap = tables.nameMap
    for (let k = 0; k < w; k++) {
      let m = nameMap[name[k]!]!
      if (m === UNSET) m = this.#nameCode(tables, name[k]!)
      name[k] = m
    }
    const properties = new Map<string, PropertyColumn>()
    props.forEach((column, j) => {
      if (column === undefined) return
      const map = tables.valueMaps[j]!
      for (let k = 0; k < w; k++) {
        const local = column[k]!
        if (local < 0) continue
        let v = map[local]!
        if (v === UNSET) v = this.#valueCode(tables, j, local)
        column[k] = v
      }
      const property = tables.properties[j]!
      properties.set(property.key, { codes: column, values: property.values })
    })
    stats.unknownContactRows += n - w
    if (w === 0) return undefined
    if (ids !== undefined) ids.length = w
    return {
      length: w,
      contact,
      ts,
      name,
      names: this.#names,
      idHash: hash,
      ids,
      properties,
      firstUseOrder: true,
    }
  }

  #contactCode(tables: ParserTables, local: number): number {
    const id = tables.contacts[local]!
    const code = this.#add ? this.#index.index(id) : this.#index.find(id)
    tables.contactMap[local] = code
    tables.contacts[local] = undefined
    return code
  }

  #nameCode(tables: ParserTables, local: number): number {
    const name = tables.names[local]!
    let code = this.#nameCodes.get(name)
    if (code === undefined) {
      code = this.#names.length
      this.#names.push(name)
      this.#nameCodes.set(name, code)
    }
    tables.nameMap[local] = code
    return code
  }

  #valueCode(tables: ParserTables, key: number, local: number): number {
    const property = tables.properties[key]!
    const value = tables.values[key]![local]
    let code = property.codes.get(value)
    if (code === undefined) {
      code = property.values.length
      property.values.push(value)
      property.codes.set(value, code)
    }
    tables.valueMaps[key]![local] = code
    return code
  }

  #property(key: string): Property {
    let property = this.#properties.get(key)
    if (property === undefined) {
      property = { key, values: [], codes: new Map() }
      this.#properties.set(key, property)
    }
    return property
  }

  // -------------------------------------------------------------------------------------------
  // Parsers

  #chunk(range: ChunkRange, at = this.#chunks.length): Chunk {
    const chunk: Chunk = {
      id: this.#nextId++,
      range,
      parser: undefined,
      start: range.aligned ? range.offset : undefined,
      batches: [],
      end: undefined,
      failure: undefined,
      rows: 0,
    }
    this.#chunks[at] = chunk
    this.#byId.set(chunk.id, chunk)
    return chunk
  }

  /**
   * Hands the next chunks to the workers, two to each: a worker goes on to its second chunk
   * while this thread is too busy to answer the end of its first (adding a backlog of batches).
   */
  #dispatch(): void {
    for (const parser of this.#parsers) {
      while (parser.worker !== undefined && parser.queued < WORKER_QUEUE) {
        const chunk = this.#take()
        if (chunk === undefined) return
        this.#post(parser, chunk, { type: 'chunk', chunk: chunk.id, range: chunk.range })
      }
    }
  }

  /** The next chunk to parse, unless too far ahead of the one being consumed. */
  #take(): Chunk | undefined {
    if (this.#next >= this.#chunks.length || this.#next - this.#cursor >= this.#maxAhead) return undefined
    return this.#chunks[this.#next++]
  }

  #post(parser: Parser, chunk: Chunk, task: WorkerTask): void {
    parser.queued++
    chunk.parser = parser
    parser.worker!.postMessage(task)
  }

  /** A parser on this thread; listed (and given chunks) unless it only repairs one. */
  #hereParser(listed = true): Parser {
    const parser: Parser = {
      tables: new ParserTables(),
      worker: undefined,
      here: undefined,
      busy: false,
      queued: 0,
    }
    parser.here = new EventChunkParser(this.#config, (message) => this.#receive(parser, message))
    if (listed) this.#parsers.push(parser)
    return parser
  }

  /** Gives the columns of a batch used up back to its parser. */
  #recycle(parser: Parser, batch: ParsedBatch): void {
    const n = this.#config.batchRows
    const columns: (Int32Array | Float64Array)[] = []
    for (const column of [batch.contact, batch.ts, batch.name, batch.hash, ...batch.props]) {
      if (column !== undefined && column.length === n) columns.push(column)
    }
    if (columns.length === 0) return
    if (parser.worker === undefined) {
      parser.here?.recycle(columns)
    } else if (!this.#closed) {
      parser.worker.postMessage(
        { type: 'recycle', columns } satisfies WorkerTask,
        columns.map((c) => c.buffer as ArrayBuffer),
      )
    }
  }

  /** The main thread's share: chunks one after the other, between the consumer's turns. */
  async #parseHere(parser: Parser): Promise<void> {
    for (;;) {
      if (this.#closed || this.#error !== undefined) return
      const chunk = this.#take()
      if (chunk === undefined) {
        if (this.#next >= this.#chunks.length) return
        await this.#changed()
        continue
      }
      chunk.parser = parser
      parser.busy = true
      await this.#parseChunk(parser, chunk)
      parser.busy = false
    }
  }

  /** Parses one chunk on this thread, reading a block at a time. */
  async #parseChunk(parser: Parser, chunk: Chunk): Promise<void> {
    const ep = parser.here!
    const file = await this.#open()
    ep.begin(chunk.id, chunk.range)
    let position = chunk.range.offset
    while (!ep.done) {
      if (this.#closed) return
      const { buffer, offset, length } = ep.writable()
      const { bytesRead } = await file.read(buffer, offset, length, position)
      position += bytesRead
      this.#progress(bytesRead)
      ep.commit(bytesRead, bytesRead === 0)
    }
    ep.finish()
  }

  /** Reads the CSV header here: its layout, and the offset and lines after it. */
  async #readHeader(): Promise<{ layout: CsvLayout; end: number; lines: number } | undefined> {
    let found: ParsedChunkEnd | undefined
    let failure: ParseFailure | undefined
    const ep = new EventChunkParser(this.#config, (message) => {
      if (message.type === 'end') found = message
      else if (message.type === 'error') failure = message
    })
    const file = await this.#open()
    ep.begin(-1, {
      offset: 0,
      stop: Number.POSITIVE_INFINITY,
      aligned: true,
      atFileStart: true,
      headerOnly: true,
    })
    let position = 0
    while (!ep.done) {
      const { buffer, offset, length } = ep.writable()
      const { bytesRead } = await file.read(buffer, offset, length, position)
      position += bytesRead
      ep.commit(bytesRead, bytesRead === 0)
    }
    ep.finish()
    if (failure !== undefined) {
      const { line, problem, hint } = failure
      throw new InputFileError(this.#path, line === undefined ? undefined : 1 + line, problem, hint)
    }
    const header = found?.header
    if (header === undefined) return undefined
    return { layout: header.layout, end: found!.end, lines: found!.lines }
  }

  #startWorker(config: ParserConfig): Parser {
    const worker = createWorker(this.#path)
    const parser: Parser = { tables: new ParserTables(), worker, here: undefined, busy: false, queued: 0 }
    this.#parsers.push(parser)
    worker.on('message', (message: ParserMessage | { type: 'progress'; bytes: number }) => {
      if (message.type === 'progress') this.#progress(message.bytes)
      else this.#receive(parser, message)
    })
    worker.on('error', (error) => this.#fail(error))
    worker.on('exit', (code) => {
      if (!this.#closed && code !== 0)
        this.#fail(new Error(`an events parser thread stopped (exit code ${code})`))
    })
    worker.postMessage({ type: 'init', config } satisfies WorkerTask)
    return parser
  }

  #receive(parser: Parser, message: ParserMessage): void {
    try {
      this.#accept(parser, message)
    } catch (error) {
      this.#fail(error)
    }
  }

  #accept(parser: Parser, message: ParserMessage): void {
    const chunk = this.#byId.get(message.chunk)
    if (message.type === 'batch') {
      parser.tables.register(message, (key) => this.#property(key))
      if (chunk !== undefined) {
        chunk.start ??= message.start
        chunk.batches.push(message)
        chunk.rows += message.length + message.issues.length + message.skipped
      }
    } else if (message.type === 'end') {
      if (chunk !== undefined) {
        chunk.start ??= message.start
        chunk.end = message
      }
      if (parser.worker !== undefined) {
        parser.queued--
        this.#dispatch()
      }
    } else if (chunk !== undefined) {
      chunk.start ??= message.start
      chunk.failure = message
    }
    this.#notify()
  }

  /** Rows and bytes of the chunks consumed, for the estimate. */
  #seenRows = 0
  #seenBytes = 0

  /** Updates the estimate of the rows in the file with a chunk consumed (chunked files only). */
  #estimateRows(chunk: Chunk, end: ParsedChunkEnd, dataStart: number): void {
    this.#seenRows += chunk.rows
    this.#seenBytes += end.end - end.start
    if (this.#seenBytes > 0 && this.#chunks.length > 1) {
      this.#estimate(Math.ceil((this.#seenRows / this.#seenBytes) * (this.#stats.totalBytes - dataStart)))
    }
  }

  #progress(bytes: number): void {
    this.#bytes += bytes
    const stats = this.#stats
    stats.bytesRead = Math.min(this.#bytes, stats.totalBytes)
    this.#options.progress?.(stats.bytesRead, stats.totalBytes)
  }

  async #open(): Promise<Awaited<ReturnType<typeof open>>> {
    if (this.#file === undefined) {
      try {
        this.#file = await open(this.#path, 'r')
      } catch (error) {
        throw fileError(this.#path, error)
      }
    }
    return this.#file
  }

  async #size(): Promise<number> {
    try {
      const info = await stat(this.#path)
      if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' })
      return info.size
    } catch (error) {
      throw fileError(this.#path, error)
    }
  }

  // -------------------------------------------------------------------------------------------
  // Waiting

  #fail(error: unknown): void {
    if (this.#closed) return
    this.#error ??= isFileError(error) ? fileError(this.#path, error) : error
    this.#notify()
  }

  #check(): void {
    if (this.#error !== undefined) throw this.#error
  }

  #notify(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const wake of waiters) wake()
  }

  #changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  async #until(ready: () => boolean): Promise<void> {
    for (;;) {
      this.#check()
      if (ready()) return
      if (this.#closed) throw new Error('the events reader was closed')
      await this.#changed()
    }
  }
}

function fileError(path: string, error: unknown): InputFileError {
  if (error instanceof InputFileError) return error
  const { problem, hint } = readFailure(error)
  return new InputFileError(path, undefined, problem, hint, { cause: error })
}

/**
 * A parser thread allocates little on its heap (its columns are typed arrays): a small young
 * generation, whatever `--max-semi-space-size` the process runs with, saves memory.
 */
const resourceLimits = { maxYoungGenerationSizeMb: 24 }

/**
 * Starts a parser thread: the compiled worker next to this module, or (running from the
 * TypeScript sources, under vitest or tsx) the source through tsx, a development dependency.
 */
function createWorker(path: string): Worker {
  return startModuleWorker(import.meta.url, 'event-columns-worker', { workerData: { path }, resourceLimits })
}
