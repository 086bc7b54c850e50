/**
 * The machinery shared by the contact, event and account readers: stream a file, parse it
 * as CSV or NDJSON, map records to rows, report bad rows, batch.
 * @module
 */
import { checkHeader } from './columns.js'
import { type CsvRecord, CsvRecordTooLongError, CsvTokenizer, csvFields } from './csv-tokenizer.js'
import { InputFileError } from './input-file-error.js'
import { type InputFormat, inputKind } from './input-format.js'
import { JsonLines } from './json-lines.js'
import { readText } from './read-text.js'
import { BadRowError, type RowIssue, type RowIssueKind, rowIssue } from './row-issue.js'

/** Options every reader takes. */
export interface ReadOptions {
  /** Throw a {@link BadRowError} at the first bad row instead of skipping it. Default false. */
  readonly strict?: boolean
  /** Called with each bad row that is skipped (not in strict mode). */
  readonly onBadRow?: (issue: RowIssue) => void
  /** Called after each chunk read (about 1 MiB) with the bytes read so far and the file size. */
  readonly progress?: (bytesRead: number, totalBytes: number) => void
  /** Rows per batch yielded by `batches()`; default 10,000. */
  readonly batchSize?: number
  /** Read the file as this format whatever its extension (`.gz` still means gzip). */
  readonly format?: InputFormat
  /**
   * Keep only these properties (CSV columns, NDJSON members); default all. Reading only
   * what the model uses saves time and memory on large files.
   */
  readonly properties?: Iterable<string>
}

/** What a read found, for a summary. Updated while reading; final when iteration ends. */
export interface ReadStats {
  /** Rows yielded. */
  readonly rows: number
  /** Bad rows skipped (or the one thrown in strict mode). */
  readonly badRows: number
  /** Bad rows by kind. */
  readonly badRowsByKind: Readonly<Partial<Record<RowIssueKind, number>>>
  /** Bytes read from disk (compressed bytes for `.gz`). */
  readonly bytesRead: number
  /** The file size on disk. */
  readonly totalBytes: number
}

type Counts = { -readonly [K in keyof ReadStats]: ReadStats[K] }

/**
 * Rows of one input file. Iterate it row by row (`for await (const row of source)`), or
 * batch by batch (`for await (const rows of source.batches())`), which costs one `await`
 * per batch instead of one per row. Each iteration reads the file again from the start
 * and resets `stats`.
 */
export interface RowSource<T> extends AsyncIterable<T> {
  /** Yields the rows in arrays of `batchSize` (the last one may be shorter). */
  batches(): AsyncIterable<T[]>
  /** Counts of the current (or last) iteration. */
  readonly stats: ReadStats
}

/** Reports a bad row; returns undefined so a mapper can `return bad(...)`. Throws in strict mode. */
export type BadRow = (
  line: number,
  kind: RowIssueKind,
  problem: string,
  hint: string,
  field?: string,
) => undefined

/** Turns the records of one file into rows (or reports them bad). */
export interface RowMapper<T> {
  /**
   * Receives the (checked) CSV header and its line; returns the mapper of each record.
   * @throws {InputFileError} when a required column is missing.
   */
  csv(header: readonly string[], line: number): (record: CsvRecord, line: number) => T | undefined
  /** Maps one NDJSON object. */
  json(value: Record<string, unknown>, line: number): T | undefined
  /** Finishes a batch of rows before it is yielded (e.g. looks up their ids all at once). */
  finish?(rows: T[]): void
}

/** Builds the mapper for one read; `bad` reports a bad row. */
export type RowMapperFactory<T> = (bad: BadRow) => RowMapper<T>

/** The `properties` option as a set, or undefined for all. */
export function keptProperties(options: ReadOptions): ReadonlySet<string> | undefined {
  return options.properties === undefined ? undefined : new Set(options.properties)
}

const DEFAULT_BATCH = 10_000

/** A {@link RowSource} over the file at `path`, mapping records with `mapper`. */
export function createRowSource<T>(
  path: string,
  options: ReadOptions,
  mapper: RowMapperFactory<T>,
): RowSource<T> {
  const stats: Counts = { rows: 0, badRows: 0, badRowsByKind: {}, bytesRead: 0, totalBytes: 0 }
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH))

  async function* batches(): AsyncGenerator<T[], void, undefined> {
    const kind = inputKind(path, options.format)
    stats.rows = 0
    stats.badRows = 0
    stats.bytesRead = 0
    stats.totalBytes = 0
    const byKind = stats.badRowsByKind as Record<string, number>
    for (const key of Object.keys(byKind)) delete byKind[key]

    const ready: T[][] = []
    let batch: T[] = []
    const emit = (row: T | undefined): void => {
      if (row === undefined) return
      batch.push(row)
      if (batch.length >= batchSize) {
        ready.push(batch)
        batch = []
      }
    }
    const bad: BadRow = (line, issueKind, problem, hint, field) => {
      const issue = rowIssue(path, line, issueKind, problem, hint, field)
      stats.badRows++
      byKind[issueKind] = (byKind[issueKind] ?? 0) + 1
      if (options.strict === true) throw new BadRowError(issue)
      options.onBadRow?.(issue)
      return undefined
    }
    const map = mapper(bad)
    const parser = kind.format === 'csv' ? csvParser(path, map, emit, bad) : jsonParser(map, emit, bad)
    const progress = options.progress
    const onProgress = (bytesRead: number, totalBytes: number): void => {
      stats.bytesRead = bytesRead
      stats.totalBytes = totalBytes
      progress?.(bytesRead, totalBytes)
    }
    // In strict mode the rows before the bad one are yielded, then its error is thrown.
    let badRow: BadRowError | undefined
    const parse = (step: () => void): void => {
      try {
        step()
      } catch (error) {
        if (!(error instanceof BadRowError)) throw error
        badRow = error
      }
    }
    for await (const text of readText(path, { gzip: kind.gzip, progress: onProgress })) {
      parse(() => parser.push(text))
      if (badRow !== undefined) break
      while (ready.length > 0) {
        const rows = ready.shift()!
        map.finish?.(rows)
        stats.rows += rows.length
        yield rows
      }
    }
    if (badRow === undefined) parse(() => parser.end())
    ready.push(batch)
    for (const rows of ready) {
      if (rows.length === 0) continue
      map.finish?.(rows)
      stats.rows += rows.length
      yield rows
    }
    if (badRow !== undefined) throw badRow
  }

  return {
    stats,
    batches,
    async *[Symbol.asyncIterator]() {
      for await (const rows of batches()) yield* rows
    },
  }
}

interface Parser {
  push(text: string): void
  end(): void
}

function csvParser<T>(
  path: string,
  map: RowMapper<T>,
  emit: (row: T | undefined) => void,
  bad: BadRow,
): Parser {
  let header: readonly string[] | undefined
  let mapRecord: ((record: CsvRecord, line: number) => T | undefined) | undefined
  const tokenizer = new CsvTokenizer(
    (record, line) => {
      if (mapRecord !== undefined) {
        emit(mapRecord(record, line))
      } else {
        header = checkHeader(path, line, csvFields(record))
        mapRecord = map.csv(header, line)
      }
    },
    (problem, line) => {
      const name = header?.[problem.field - 1]
      const column = name === undefined ? `field ${problem.field}` : `field ${problem.field} ("${name}")`
      const [text, hint, kind] =
        problem.kind === 'text-after-quote'
          ? [
              `text after the closing quote of ${column}`,
              'quote the whole field and double each quote inside it ("")',
              'text-after-quote' as const,
            ]
          : [
              `${column} opens a quote that is never closed`,
              'add the closing quote, or double each quote inside the field ("")',
              'unterminated-quote' as const,
            ]
      if (header === undefined) throw new InputFileError(path, line, `bad header: ${text}`, hint)
      bad(line, kind, text, hint, name)
    },
  )
  return {
    push(text) {
      try {
        tokenizer.push(text)
      } catch (error) {
        if (error instanceof CsvRecordTooLongError) {
          throw new InputFileError(
            path,
            error.line,
            'a quoted field that starts on this line is never closed',
            'add the closing quote, or double each quote inside the field ("")',
            { cause: error },
          )
        }
        throw error
      }
    },
    end() {
      tokenizer.end()
    },
  }
}

function jsonParser<T>(map: RowMapper<T>, emit: (row: T | undefined) => void, bad: BadRow): Parser {
  return new JsonLines(
    (value, line) => emit(map.json(value, line)),
    (problem, line) =>
      problem.kind === 'bad-json'
        ? bad(line, 'bad-json', `invalid JSON (${problem.detail})`, 'write one JSON object per line')
        : bad(
            line,
            'not-an-object',
            `${problem.detail}, not a JSON object`,
            'write one JSON object per line',
          ),
  )
}
