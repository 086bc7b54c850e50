/**
 * Streaming writers of score rows: CSV, JSON (one array) or NDJSON, gzip by file name.
 * @module
 */

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { pipeline, type Writable } from 'node:stream'
import { createGzip } from 'node:zlib'
import { formatNumber, roundNumber } from './format-number.js'
import { OutputFileError } from './output-file-error.js'

/** The output formats. */
export type ScoreFormat = 'csv' | 'json' | 'ndjson'

/** A row to write: the writer reads the configured columns from it. */
export type ScoreRow = Readonly<Record<string, unknown>>

/**
 * A column of {@link ScoreWriter.writeColumns}: a number per row; a code per row into
 * `values` (negative: absent); or the value of row `r` from `at(r)`.
 */
export type ScoreColumn =
  | { readonly numbers: ArrayLike<number> }
  | { readonly codes: ArrayLike<number>; readonly values: readonly unknown[] }
  | { readonly at: (row: number) => unknown }

/** Writes rows to a file or stream; see {@link createScoreWriter}. */
export interface ScoreWriter {
  /**
   * Adds one row. The returned promise resolves at once unless the output is full, then
   * when it has drained: `await writer.write(row)` in a loop applies backpressure.
   * Rejects with an {@link OutputFileError} when the output failed.
   */
  write(row: ScoreRow): Promise<void>
  /** Adds many rows, waiting only when the output is full: faster than awaiting `write` per row. */
  writeAll(rows: Iterable<ScoreRow>): Promise<void>
  /**
   * Adds `length` rows given as columns, one per configured column in order: the same text
   * as `writeAll` of the rows they hold, with no object per row, and each dictionary value
   * (`codes`) encoded once.
   */
  writeColumns(length: number, columns: readonly ScoreColumn[]): Promise<void>
  /** Writes what is buffered and the closing text; closes the file when the writer opened it. */
  end(): Promise<void>
  /** Rows written so far. */
  readonly rows: number
}

/** Options of {@link createScoreWriter}. */
export interface ScoreWriterOptions {
  /** End the given stream when the writer ends (default false: stdout stays usable). Files are always closed. */
  readonly endStream?: boolean
  /**
   * zlib level for `.gz` paths, 1 (fastest) to 9 (smallest). Default 1: about 5 times faster
   * than level 6 on score files, for files about 15% larger.
   */
  readonly gzipLevel?: number
}

/** Characters buffered before a write to the stream. */
const FLUSH_CHARS = 64 * 1024
const RESOLVED = Promise.resolve()

/**
 * A streaming writer of score rows with the given `columns`, in this order.
 *
 * - `csv`: a header line, then one line per row (`\n`); a field is quoted when it holds a
 *   comma, quote, CR or LF, quotes doubled. Empty for null, undefined and non-finite numbers.
 *   Objects and arrays are written as JSON text.
 * - `json`: one array of objects, streamed (`[`, rows, `]`); `ndjson`: one object per line.
 *   Absent values are `null`.
 * - Numbers are rounded to 6 decimals (exact to 1e-6) and spelled without trailing zeros.
 *
 * `target` is a path (a file created or truncated; gzip-compressed, level 1 by default, when
 * it ends in `.gz`) or a writable stream (never compressed; left open unless `endStream`).
 * Write errors reject `write`/`end` with an {@link OutputFileError} naming the path.
 *
 * @example
 * const out = createScoreWriter('scores.csv.gz', 'csv', ['contact_id', 'score', 'grade'])
 * await out.writeAll(scores) // or: for (const s of scores) await out.write(s)
 * await out.end()
 */
export function createScoreWriter(
  target: string | Writable,
  format: ScoreFormat,
  columns: readonly string[],
  options: ScoreWriterOptions = {},
): ScoreWriter {
  const name = typeof target === 'string' ? target : '<stream>'
  const { stream, done } =
    typeof target === 'string'
      ? openFile(target, options.gzipLevel ?? 1)
      : { stream: target, done: undefined }
  const ownsStream = typeof target === 'string' || options.endStream === true
  const encode = encoder(format, columns)

  let failure: OutputFileError | undefined
  const onError = (error: unknown): void => {
    failure ??= outputError(name, error)
  }
  stream.on('error', onError)
  done?.catch(onError) // seen here at once; end() awaits it too

  let buffer = encode.start
  let rows = 0
  let ended = false

  const flush = (): Promise<void> => {
    if (failure !== undefined) return Promise.reject(failure)
    if (buffer.length === 0) return RESOLVED
    const chunk = buffer
    buffer = ''
    if (stream.write(chunk)) return RESOLVED
    return drained(stream).then(() => {
      if (failure !== undefined) throw failure
    })
  }

  const refused = (): Promise<void> | undefined => {
    if (ended) return Promise.reject(new Error('createScoreWriter: write() after end()'))
    if (failure !== undefined) return Promise.reject(failure)
    return undefined
  }

  const write = (row: ScoreRow): Promise<void> => {
    const no = refused()
    if (no !== undefined) return no
    buffer += encode.open(rows)
    for (let i = 0; i < encode.prefixes.length; i++)
      buffer += encode.prefixes[i]! + encode.cell(row[columns[i]!])
    buffer += encode.close
    rows++
    return buffer.length >= FLUSH_CHARS ? flush() : RESOLVED
  }

  return {
    get rows() {
      return rows
    },
    write,
    async writeAll(all) {
      for (const row of all) {
        const done = write(row)
        if (done !== RESOLVED) await done
      }
    },
    async writeColumns(length, given) {
      if (given.length !== columns.length) {
        throw new RangeError(`writeColumns: ${given.length} columns given for ${columns.length} configured`)
      }
      const no = refused()
      if (no !== undefined) return no
      const cells = given.map((column) => encode.column(column))
      const { prefixes, close } = encode
      for (let r = 0; r < length; r++) {
        buffer += encode.open(rows)
        for (let i = 0; i < cells.length; i++) buffer += prefixes[i]! + cells[i]!(r)
        buffer += close
        rows++
        if (buffer.length >= FLUSH_CHARS) {
          const done = flush()
          if (done !== RESOLVED) await done
        }
      }
    },
    async end() {
      if (ended) return
      ended = true
      buffer += encode.end(rows)
      await flush()
      if (ownsStream) {
        stream.end()
        try {
          if (done !== undefined) await done
          else if (!stream.writableFinished) await once(stream, 'finish')
        } catch (error) {
          onError(error)
        }
      }
      if (failure !== undefined) throw failure
    },
  }
}

/**
 * How rows are spelled: a row is `open(r)`, then for each column its prefix and its cell,
 * then `close`.
 */
interface Encoder {
  readonly start: string
  open(row: number): string
  readonly prefixes: readonly string[]
  readonly close: string
  cell(value: unknown): string
  /** The cell text of each row of a column. */
  column(column: ScoreColumn): (row: number) => string
  end(rows: number): string
}

function encoder(format: ScoreFormat, columns: readonly string[]): Encoder {
  const n = columns.length
  const csv = format === 'csv'
  const cell = csv ? csvCell : jsonValue
  const absent = csv ? '' : 'null'
  const column = (source: ScoreColumn): ((row: number) => string) => {
    if ('numbers' in source) {
      const numbers = source.numbers
      return (r) => {
        const value = numbers[r]!
        return Number.isFinite(value) ? formatNumber(value) : absent
      }
    }
    if ('codes' in source) {
      const { codes } = source
      const texts = source.values.map(cell)
      return (r) => {
        const code = codes[r]!
        return code < 0 ? absent : texts[code]!
      }
    }
    const at = source.at
    return (r) => cell(at(r))
  }
  if (csv) {
    return {
      start: `${columns.map(csvCell).join(',')}\n`,
      open: () => '',
      prefixes: columns.map((_, i) => (i === 0 ? '' : ',')),
      close: '\n',
      cell,
      column,
      end: () => '',
    }
  }
  const prefixes = columns.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c)}:`)
  const empty = n === 0 ? '{' : ''
  if (format === 'ndjson') {
    return { start: '', open: () => empty, prefixes, close: '}\n', cell, column, end: () => '' }
  }
  return {
    start: '[',
    open: (row) => (row === 0 ? `\n${empty}` : `,\n${empty}`),
    prefixes,
    close: '}',
    cell,
    column,
    end: (rows) => (rows === 0 ? ']\n' : '\n]\n'),
  }
}

const NEEDS_QUOTES = /[",\r\n]/

/** One CSV field. */
export function csvCell(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value)
  const text = typeof value === 'string' ? value : cellText(value)
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

function cellText(value: unknown): string {
  switch (typeof value) {
    case 'boolean':
    case 'bigint':
      return String(value)
    case 'undefined':
      return ''
    default:
      if (value === null) return ''
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString()
      return JSON.stringify(value, roundReplacer) ?? ''
  }
}

function jsonValue(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? formatNumber(value) : 'null'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return String(value)
  return JSON.stringify(value, roundReplacer) ?? 'null'
}

function roundReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' ? roundNumber(value) : value
}

function openFile(path: string, gzipLevel: number): { stream: Writable; done: Promise<void> } {
  const file = createWriteStream(path)
  if (!path.toLowerCase().endsWith('.gz')) {
    const done = new Promise<void>((resolve, reject) => {
      file.on('close', resolve)
      file.on('error', reject)
    })
    return { stream: file, done }
  }
  const gzip = createGzip({ level: gzipLevel })
  const done = new Promise<void>((resolve, reject) => {
    pipeline(gzip, file, (error) => (error ? reject(error) : resolve()))
  })
  return { stream: gzip, done }
}

function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const finish = (): void => {
      stream.off('drain', finish)
      stream.off('error', finish)
      stream.off('close', finish)
      resolve()
    }
    stream.on('drain', finish)
    stream.on('error', finish)
    stream.on('close', finish)
  })
}

function outputError(name: string, error: unknown): OutputFileError {
  if (error instanceof OutputFileError) return error
  const code = (error as { code?: unknown }).code
  const text = error instanceof Error ? error.message : String(error)
  const [problem, hint] =
    code === 'ENOENT'
      ? ['the folder does not exist', 'create the folder or choose another path']
      : code === 'EACCES' || code === 'EPERM'
        ? ['permission denied', 'choose a path you may write to']
        : code === 'EISDIR'
          ? ['is a directory', 'give a file name']
          : code === 'EPIPE'
            ? ['the reader closed the pipe', 'nothing to do if you stopped reading on purpose']
            : code === 'ENOSPC'
              ? ['the disk is full', 'free some space or write elsewhere']
              : [`cannot write (${text})`, 'check the path and the disk']
  return new OutputFileError(name, problem, hint, { cause: error })
}
