/**
 * Parses part of an events file (bytes) into column batches: the engine of
 * `readEventColumns`, run on the main thread or in a worker.
 *
 * The parser reads UTF-8 bytes, not decoded text: fields are located by one pass over the
 * bytes, times and id hashes are read in place, and the contact id, event name and each
 * property value are looked up by their bytes in the parser's own dictionaries, so a row
 * costs no allocation. A string is made only for a dictionary entry the parser has not seen
 * (sent once, with the batch that first uses it), a bad row's message, and the ids asked for.
 *
 * Codes in a batch are the parser's (local) codes: the reader maps them to its own. Lines
 * are counted from the start of the chunk (0 for its first line): the reader knows where
 * each chunk starts once the chunks before it are parsed.
 *
 * CSV follows `CsvTokenizer` exactly (RFC 4180, the same quirks): lines without a quote are
 * split on commas; a record with a quote is read field by field, may span lines, and its
 * unquoted fields are copied to a scratch buffer. NDJSON lines are decoded and read by
 * `jsonEventParts` of `readEvents`.
 * @module
 */

import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { idHash } from '../core/id-hash.js'
import { BytesDictionary, bytesHash, decodeBytes, idHashAt, isAscii, timestampAt } from './bytes.js'
import { cellValue } from './cell-value.js'
import { checkHeader, pickColumn } from './columns.js'
import type { CsvProblem } from './csv-tokenizer.js'
import { InputFileError } from './input-file-error.js'
import { describeJson } from './json-lines.js'
import { CONTACT, EVENT_ID, jsonEventParts, NAME, TIME, TIME_HINT } from './read-events.js'
import type { RowIssueKind } from './row-issue.js'
import { BadRowError } from './row-issue.js'
import type { BadRow } from './row-source.js'

/** Where the columns of a CSV events file are (header indexes). */
export interface CsvLayout {
  readonly header: readonly string[]
  readonly width: number
  readonly contact: number
  readonly name: number
  readonly time: number
  /** -1 without an event id column. */
  readonly id: number
  /** The property columns kept, in header order. */
  readonly props: readonly number[]
}

/** The column options of the reader. */
export interface EventColumnNames {
  readonly contactIdColumn?: string | undefined
  readonly eventIdColumn?: string | undefined
  readonly eventColumn?: string | undefined
  readonly timeColumn?: string | undefined
}

/** What a parser needs to know; plain data, so it can be sent to a worker. */
export interface ParserConfig {
  /** The path as given, for messages. */
  readonly path: string
  readonly format: 'csv' | 'ndjson'
  readonly columns: EventColumnNames
  /** The properties kept; all when undefined. */
  readonly keep: readonly string[] | undefined
  /**
   * Only these contacts (their codes are their positions): events of others are left out
   * and counted (`skipped`), before their ids and properties are read.
   */
  readonly contacts?: readonly string[] | undefined
  /** The CSV layout when the header was read already; else the first record is the header. */
  readonly layout?: CsvLayout | undefined
  /** Send each event's id (else only its hash). */
  readonly keepIds: boolean
  /** Stop at the first bad row. */
  readonly strict: boolean
  /** Rows per batch. */
  readonly batchRows: number
  /** A record still open after this many bytes is an error (the file is unusable). */
  readonly maxRecordBytes: number
}

/** A bad row, its line counted from the chunk's first line (0). */
export interface ParsedIssue {
  readonly line: number
  readonly kind: RowIssueKind
  readonly problem: string
  readonly hint: string
  readonly field?: string | undefined
}

/** Rows parsed, as columns of local codes, with the dictionary entries first used in them. */
export interface ParsedBatch {
  readonly type: 'batch'
  readonly chunk: number
  /** The offset the chunk really starts at (see {@link ParsedChunkEnd.start}). */
  readonly start: number
  readonly length: number
  /** Local contact codes. */
  readonly contact: Int32Array
  readonly ts: Float64Array
  /** Local name codes. */
  readonly name: Int32Array
  /** idHash of the event id; NaN for a derived id (`<file name>:<line>`), see `derived`. */
  readonly hash: Float64Array
  /** The rows with a derived id, and their lines (from the chunk's first line). */
  readonly derivedRows: Int32Array
  readonly derivedLines: Float64Array
  /** The ids when kept ('' for a derived one). */
  readonly ids: string[] | undefined
  /** Local value codes per local property key (undefined: absent in every row of the batch). */
  readonly props: (Int32Array | undefined)[]
  readonly newContacts: string[]
  readonly newNames: string[]
  readonly newKeys: string[]
  /** New values per local property key (only keys with new values have an entry). */
  readonly newValues: (unknown[] | undefined)[]
  readonly issues: ParsedIssue[]
  /** Good rows left out: events of contacts not in `ParserConfig.contacts`. */
  readonly skipped: number
}

/** The end of a chunk: where it really started and ended, and the lines it spans. */
export interface ParsedChunkEnd {
  readonly type: 'end'
  readonly chunk: number
  /** Offset of the chunk's first record (after the line the nominal start falls in). */
  readonly start: number
  /** Offset after the chunk's last record. */
  readonly end: number
  /** Newlines between start and end. */
  readonly lines: number
  /** Stopped at a bad row (strict). */
  readonly stopped: boolean
  /** The CSV header, when this chunk read it (line from the chunk's first line). */
  readonly header?: { readonly layout: CsvLayout; readonly line: number } | undefined
}

/** The file cannot be read (a bad header, a record that never ends). */
export interface ParseFailure {
  readonly type: 'error'
  readonly chunk: number
  /** Where the chunk started, when known. */
  readonly start: number | undefined
  /** From the chunk's first line; undefined when the problem is not on a line. */
  readonly line: number | undefined
  readonly problem: string
  readonly hint: string
}

export type ParserMessage = ParsedBatch | ParsedChunkEnd | ParseFailure

/** Receives messages; `transfer` lists the buffers a worker may hand over without copying. */
export type ParserSink = (message: ParserMessage, transfer: ArrayBuffer[]) => void

/** The CSV layout of `header` (trimmed and checked). @throws {InputFileError} */
export function csvLayout(
  path: string,
  line: number,
  fields: readonly string[],
  columns: EventColumnNames,
  keep: ReadonlySet<string> | undefined,
): CsvLayout {
  const header = checkHeader(path, line, fields)
  const contact = pickColumn(path, line, header, CONTACT, columns.contactIdColumn, true)
  const name = pickColumn(path, line, header, NAME, columns.eventColumn, true)
  const time = pickColumn(path, line, header, TIME, columns.timeColumn, true)
  const id = pickColumn(path, line, header, EVENT_ID, columns.eventIdColumn, false)
  const props: number[] = []
  header.forEach((key, i) => {
    if (i !== contact && i !== name && i !== time && i !== id && (keep === undefined || keep.has(key)))
      props.push(i)
  })
  return { header, width: header.length, contact, name, time, id, props }
}

const LF = 10
const CR = 13
const QUOTE = 34
const COMMA = 44
const INCOMPLETE = -1

/** Which bytes a parser reads for a chunk. */
export interface ChunkRange {
  /** The file offset of the first byte fed. */
  readonly offset: number
  /** Records starting at this offset or after are left to the next chunk. */
  readonly stop: number
  /**
   * A record starts at `offset`. Otherwise the chunk starts after the first newline at or
   * after `offset` (feed from one byte before the nominal start).
   */
  readonly aligned: boolean
  /** Skip a byte-order mark. */
  readonly atFileStart?: boolean
  /** Stop after the CSV header. */
  readonly headerOnly?: boolean
}

/** Bytes read at a time. */
export const BLOCK_BYTES = 4 << 20

/**
 * One parser: feed it the bytes of a chunk (from its nominal start, or from a known record
 * start), it sends batches and an end. Dictionaries live across chunks, so a parser that
 * reads many chunks sends each entry once. Use: {@link begin}, then fill
 * {@link writable} and {@link commit} until {@link done}, then {@link finish}.
 */
export class EventChunkParser {
  readonly #config: ParserConfig
  readonly #sink: ParserSink
  readonly #keep: ReadonlySet<string> | undefined
  #layout: CsvLayout | undefined

  // The buffer: bytes [#pos, #len) not parsed yet; #base is the file offset of byte 0.
  #buf = new Uint8Array(BLOCK_BYTES + 1)
  #pos = 0
  #len = 0
  #base = 0

  // The chunk.
  #chunk = 0
  #stop = Number.POSITIVE_INFINITY
  #aligning = false
  #start = 0
  #line = 0
  #done = true
  #stopped = false
  #header: ParsedChunkEnd['header']
  #atFileStart = false
  #headerOnly = false

  // Field positions of the current record.
  #starts = new Int32Array(64)
  #ends = new Int32Array(64)
  // A quoted record, unquoted.
  #q = new Uint8Array(1024)
  #qStarts = new Int32Array(64)
  #qEnds = new Int32Array(64)
  #qCount = 0
  #qLines = 0
  #qProblem: CsvProblem | undefined

  // Dictionaries.
  readonly #contacts = new BytesDictionary(1 << 12)
  #lastContact = -1
  readonly #names = new BytesDictionary(64)
  /** Per kept CSV column: its values' dictionary. */
  #values: BytesDictionary[] = []
  readonly #jsonContacts = new Map<string, number>()
  readonly #jsonNames = new Map<string, number>()
  readonly #jsonKeys = new Map<string, number>()
  readonly #jsonValues: Map<unknown, number>[] = []
  #keyCount = 0

  // The batch being filled.
  #rows = 0
  #contact!: Int32Array
  #ts!: Float64Array
  #name!: Int32Array
  #hash!: Float64Array
  #derivedRows: number[] = []
  #derivedLines: number[] = []
  #ids: string[] | undefined
  #props: (Int32Array | undefined)[] = []
  #newContacts: string[] = []
  #newNames: string[] = []
  #newKeys: string[] = []
  #newValues: (unknown[] | undefined)[] = []
  #issues: ParsedIssue[] = []
  #skipped = 0
  /** The contacts asked for, by id (see ParserConfig.contacts), and by their code in #contacts. */
  readonly #only: Map<string, number> | undefined
  #onlyCodes = new Int32Array(0)

  constructor(config: ParserConfig, sink: ParserSink) {
    this.#config = config
    this.#sink = sink
    this.#keep = config.keep === undefined ? undefined : new Set(config.keep)
    this.#newBatch()
    if (config.contacts !== undefined) {
      // Found by their bytes (each well-formed id once), then by their position.
      this.#only = new Map()
      const codes: number[] = []
      const encoder = new TextEncoder()
      config.contacts.forEach((id, position) => {
        this.#only!.set(id, position)
        this.#jsonContacts.set(id, position)
        this.#newContacts.push(id)
        const bytes = encoder.encode(id)
        if (decodeBytes(bytes, 0, bytes.length) !== id) return // a lone surrogate: no bytes spell it
        const h = bytesHash(bytes, 0, bytes.length)
        if (this.#contacts.find(bytes, 0, bytes.length, h) >= 0) return
        codes[this.#contacts.add(bytes, 0, bytes.length, h)] = position
      })
      this.#onlyCodes = Int32Array.from(codes)
    } else {
      this.#only = undefined
    }
    if (config.layout !== undefined) this.#useLayout(config.layout)
  }

  /** True when the chunk needs no more bytes. */
  get done(): boolean {
    return this.#done
  }

  /** Starts a chunk (see {@link ChunkRange}); feed it bytes from `range.offset` on. */
  begin(chunk: number, range: ChunkRange): void {
    const { offset, stop, aligned, atFileStart = false, headerOnly = false } = range
    this.#chunk = chunk
    this.#base = offset
    this.#pos = 0
    this.#len = 0
    this.#stop = stop
    this.#aligning = !aligned
    this.#start = offset
    this.#line = 0
    this.#done = false
    this.#stopped = false
    this.#header = undefined
    this.#atFileStart = atFileStart
    this.#headerOnly = headerOnly
  }

  /** Where to put the next bytes: `buffer` from `offset`, at most `length` bytes. */
  writable(): { buffer: Uint8Array; offset: number; length: number } {
    if (this.#pos > 0) {
      this.#buf.copyWithin(0, this.#pos, this.#len)
      this.#len -= this.#pos
      this.#base += this.#pos
      this.#pos = 0
    }
    if (this.#buf.length - 1 - this.#len < BLOCK_BYTES / 2) {
      const buf = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + BLOCK_BYTES + 1))
      buf.set(this.#buf.subarray(0, this.#len))
      this.#buf = buf
    }
    return { buffer: this.#buf, offset: this.#len, length: this.#buf.length - 1 - this.#len }
  }

  /** Parses after `bytes` more bytes were written at {@link writable}'s offset; `final` at the end of the file. */
  commit(bytes: number, final: boolean): void {
    this.#len += bytes
    if (this.#done) return
    try {
      if (this.#atFileStart && this.#len >= 3) {
        this.#atFileStart = false
        const b = this.#buf
        if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.#pos = 3
      } else if (this.#atFileStart && final) {
        this.#atFileStart = false
      }
      if (this.#atFileStart) return
      if (this.#config.format === 'csv') this.#csv(final)
      else this.#ndjson(final)
      if (!this.#done && final) this.#done = true
      if (!this.#done && this.#len - this.#pos > this.#config.maxRecordBytes) {
        this.#fail(
          this.#line,
          'a quoted field that starts on this line is never closed',
          'add the closing quote, or double each quote inside the field ("")',
        )
      }
    } catch (error) {
      if (!(error instanceof InputFileError) || error instanceof BadRowError) throw error
      // A bad header: the message without the "file:line: " prefix.
      const prefix = error.line === undefined ? `${error.file}: ` : `${error.file}:${error.line}: `
      const problem = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message
      this.#done = true
      this.#sink(
        {
          type: 'error',
          chunk: this.#chunk,
          start: this.#aligning ? undefined : this.#start,
          line: error.line === undefined ? undefined : error.line - 1,
          problem,
          hint: error.hint,
        },
        [],
      )
    }
  }

  /** Sends the last batch and the end of the chunk. */
  finish(): void {
    this.#flush()
    this.#sink(
      {
        type: 'end',
        chunk: this.#chunk,
        start: this.#start,
        end: this.#base + this.#pos,
        lines: this.#line,
        stopped: this.#stopped,
        header: this.#header,
      },
      [],
    )
  }

  #fail(line: number, problem: string, hint: string): void {
    this.#done = true
    const start = this.#aligning ? undefined : this.#start
    this.#sink({ type: 'error', chunk: this.#chunk, start, line, problem, hint }, [])
  }

  // -------------------------------------------------------------------------------------------
  // CSV

  #useLayout(layout: CsvLayout): void {
    this.#layout = layout
    if (this.#starts.length < layout.width + 1) {
      this.#starts = new Int32Array(layout.width + 1)
      this.#ends = new Int32Array(layout.width + 1)
    }
    this.#values = layout.props.map(() => new BytesDictionary(64))
    for (const i of layout.props) this.#newKeys.push(layout.header[i]!)
    this.#keyCount = layout.props.length
    this.#props = layout.props.map(() => this.#codes())
  }

  #csv(final: boolean): void {
    const b = this.#buf
    const len = this.#len
    b[len] = LF // a sentinel: the scan needs no bounds check
    let pos = this.#pos
    let starts = this.#starts
    let ends = this.#ends
    let cap = starts.length
    const stop = this.#stop - this.#base
    while (pos < len && !this.#done) {
      if (this.#aligning) {
        let nl = b.indexOf(LF, pos)
        if (nl >= len) nl = -1
        if (nl === -1) {
          pos = len
          if (final) this.#start = this.#base + len
          break
        }
        pos = nl + 1
        this.#start = this.#base + pos
        this.#aligning = false
        continue
      }
      if (pos >= stop) {
        this.#done = true
        break
      }
      // Split the line at commas, up to its newline (or a quote: the slow path).
      let i = pos
      let k = 0
      let quoted = false
      starts[0] = pos
      for (;;) {
        let c = b[i]!
        while (c > COMMA) c = b[++i]!
        if (c === COMMA) {
          if (k + 1 < cap) {
            ends[k] = i
            starts[k + 1] = i + 1
          } else if (this.#layout === undefined) {
            // The header: make room and read the line again.
            this.#starts = starts = grow(starts)
            this.#ends = ends = grow(ends)
            cap = starts.length
            i = pos
            k = 0
            continue
          }
          k++
          i++
          continue
        }
        if (c === LF) break
        if (c === QUOTE) {
          quoted = true
          break
        }
        i++
      }
      if (quoted) {
        const next = this.#quoted(b, pos, len, final)
        if (next === INCOMPLETE) break
        const line = this.#line
        this.#line += this.#qLines
        if (this.#qProblem !== undefined) {
          this.#csvProblem(this.#qProblem, line)
        } else {
          this.#record(this.#q, this.#qStarts, this.#qEnds, this.#qCount, line)
          starts = this.#starts
          ends = this.#ends
          cap = starts.length
        }
        pos = next
        continue
      }
      if (i >= len && !final) break
      let end = i
      if (end > pos && b[end - 1] === CR) end--
      // A blank line is skipped, but for a last line of just a CR without a newline, which
      // CsvTokenizer reads (field by field) as one empty field.
      if (end > pos || (i >= len && i > pos)) {
        if (k < cap) ends[k] = end
        this.#record(b, starts, ends, k + 1, this.#line)
        starts = this.#starts
        ends = this.#ends
        cap = starts.length
      }
      this.#line++
      pos = i + 1
    }
    this.#pos = Math.min(pos, len)
  }

  /**
   * Reads the record at `pos` that has a quote, field by field (as `CsvTokenizer` does),
   * into #q / #qStarts / #qEnds / #qCount; sets #qLines and #qProblem. Returns the position
   * after the record, or INCOMPLETE when more bytes are needed.
   */
  #quoted(b: Uint8Array, pos: number, len: number, final: boolean): number {
    if (this.#q.length < len - pos) this.#q = new Uint8Array(Math.max(len - pos, this.#q.length * 2))
    const q = this.#q
    let w = 0
    let k = 0
    let i = pos
    let lines = 0
    let problem: CsvProblem | undefined
    for (;;) {
      if (k >= this.#qStarts.length) {
        this.#qStarts = grow(this.#qStarts)
        this.#qEnds = grow(this.#qEnds)
      }
      this.#qStarts[k] = w
      if (i < len && b[i] === QUOTE) {
        let start = i + 1
        let j = start
        for (;;) {
          j = b.indexOf(QUOTE, j)
          if (j >= len) j = -1
          if (j === -1 || (j + 1 === len && !final)) {
            if (!final) return INCOMPLETE
            // The file ends inside the quotes.
            this.#qLines = lines + 1
            this.#qProblem = { kind: 'unterminated-quote', field: k + 1 }
            this.#qCount = 0
            return len
          }
          if (b[j + 1] === QUOTE) {
            q.set(b.subarray(start, j + 1), w)
            w += j + 1 - start
            j += 2
            start = j
            continue
          }
          break
        }
        q.set(b.subarray(start, j), w)
        w += j - start
        for (let p = b.indexOf(LF, i); p !== -1 && p < j; p = b.indexOf(LF, p + 1)) lines++
        i = j + 1
        // After the closing quote: a comma, the end of the line, or (an error) more text.
        let c = i < len ? b[i]! : LF
        if (c === CR) {
          if (i + 1 === len && !final) return INCOMPLETE // is the CR followed by an LF?
          if (i + 1 === len || b[i + 1] === LF) c = LF
        }
        if (c !== COMMA && c !== LF) {
          problem ??= { kind: 'text-after-quote', field: k + 1 }
          const stop = fieldEnd(b, i, len, final)
          if (stop === INCOMPLETE) return INCOMPLETE
          q.set(b.subarray(i, stop), w)
          w += stop - i
          i = stop
        }
      } else {
        const stop = fieldEnd(b, i, len, final)
        if (stop === INCOMPLETE) return INCOMPLETE
        q.set(b.subarray(i, stop), w)
        w += stop - i
        i = stop
      }
      this.#qEnds[k++] = w
      // i is at a comma, CR LF, LF or the end of the bytes.
      if (i < len && b[i] === COMMA) {
        i++
        continue
      }
      if (i < len && b[i] === CR) i++
      if (i < len) i++ // the LF
      break
    }
    this.#qCount = k
    this.#qLines = lines + 1
    this.#qProblem = problem
    return i
  }

  #csvProblem(problem: CsvProblem, line: number): void {
    const name = this.#layout?.header[problem.field - 1]
    const column = name === undefined ? `field ${problem.field}` : `field ${problem.field} ("${name}")`
    const [text, hint] =
      problem.kind === 'text-after-quote'
        ? [
            `text after the closing quote of ${column}`,
            'quote the whole field and double each quote inside it ("")',
          ]
        : [
            `${column} opens a quote that is never closed`,
            'add the closing quote, or double each quote inside the field ("")',
          ]
    if (this.#layout === undefined) {
      throw new InputFileError(this.#config.path, line + 1, `bad header: ${text}`, hint)
    }
    this.#bad(line, problem.kind, text, hint, name)
  }

  /** One record: the header, or an event (or a bad row). */
  #record(b: Uint8Array, starts: Int32Array, ends: Int32Array, count: number, line: number): undefined {
    const layout = this.#layout
    if (layout === undefined) {
      const fields: string[] = []
      for (let i = 0; i < count; i++) fields.push(decodeBytes(b, starts[i]!, ends[i]!))
      // Lines are 1-based from the chunk's first line here; the reader adds the chunk's start.
      const found = csvLayout(this.#config.path, line + 1, fields, this.#config.columns, this.#keep)
      this.#useLayout(found)
      this.#header = { layout: found, line }
      if (this.#headerOnly) this.#done = true
      return
    }
    if (count !== layout.width) {
      return this.#bad(
        line,
        'column-count',
        `${count} fields where the header has ${layout.width} columns`,
        'quote fields that contain commas, and give every column a value (or an empty cell)',
      )
    }
    const header = layout.header
    const cs = starts[layout.contact]!
    const ce = ends[layout.contact]!
    if (cs === ce) {
      const column = header[layout.contact]!
      return this.#bad(
        line,
        'missing-id',
        `empty contact id in column "${column}"`,
        'fill it in or remove the row',
        column,
      )
    }
    const ns = starts[layout.name]!
    const ne = ends[layout.name]!
    if (ns === ne) {
      const column = header[layout.name]!
      return this.#bad(
        line,
        'missing-event',
        `empty event name in column "${column}"`,
        'fill it in or remove the row',
        column,
      )
    }
    const tStart = starts[layout.time]!
    const tEnd = ends[layout.time]!
    if (tStart === tEnd) {
      const column = header[layout.time]!
      return this.#bad(line, 'missing-time', `empty time in column "${column}"`, TIME_HINT, column)
    }
    const ts = timestampAt(b, tStart, tEnd)
    if (Number.isNaN(ts)) {
      const column = header[layout.time]!
      const time = JSON.stringify(decodeBytes(b, tStart, tEnd))
      return this.#bad(line, 'bad-time', `cannot read time ${time} in column "${column}"`, TIME_HINT, column)
    }
    // The contact: most files list a contact's events together.
    const contacts = this.#contacts
    const only = this.#only
    let key = this.#lastContact
    let contact: number
    if (key >= 0 && contacts.equals(key, b, cs, ce)) {
      contact = only === undefined ? key : this.#onlyCodes[key]!
    } else {
      const h = bytesHash(b, cs, ce)
      key = contacts.find(b, cs, ce, h)
      if (key >= 0) {
        contact = only === undefined ? key : this.#onlyCodes[key]!
        this.#lastContact = key
      } else if (only === undefined) {
        contact = key = contacts.add(b, cs, ce, h)
        this.#newContacts.push(decodeBytes(b, cs, ce))
        this.#lastContact = key
      } else {
        // Not one of the contacts asked for, unless spelled in bytes that are not UTF-8.
        contact = isAscii(b, cs, ce) ? -1 : (only.get(decodeBytes(b, cs, ce)) ?? -1)
        if (contact < 0) {
          this.#skipped++
          return
        }
      }
    }
    const row = this.#rows
    const idStart = layout.id < 0 ? 0 : starts[layout.id]!
    const idEnd = layout.id < 0 ? 0 : ends[layout.id]!
    if (idStart === idEnd) {
      this.#hash[row] = Number.NaN
      this.#derivedRows.push(row)
      this.#derivedLines.push(line)
      this.#ids?.push('')
    } else {
      this.#hash[row] = idHashAt(b, idStart, idEnd)
      this.#ids?.push(decodeBytes(b, idStart, idEnd))
    }
    this.#contact[row] = contact
    this.#ts[row] = ts
    const names = this.#names
    const nh = bytesHash(b, ns, ne)
    let name = names.find(b, ns, ne, nh)
    if (name < 0) {
      name = names.add(b, ns, ne, nh)
      this.#newNames.push(decodeBytes(b, ns, ne))
    }
    this.#name[row] = name
    const props = layout.props
    for (let j = 0; j < props.length; j++) {
      const s = starts[props[j]!]!
      const e = ends[props[j]!]!
      if (s === e) continue
      const values = this.#values[j]!
      const h = bytesHash(b, s, e)
      let code = values.find(b, s, e, h)
      if (code < 0) {
        code = values.add(b, s, e, h)
        let list = this.#newValues[j]
        if (list === undefined) list = this.#newValues[j] = []
        list.push(cellValue(decodeBytes(b, s, e)))
      }
      this.#props[j]![row] = code
    }
    this.#endRow()
  }

  // -------------------------------------------------------------------------------------------
  // NDJSON

  #ndjson(final: boolean): void {
    const b = this.#buf
    const len = this.#len
    let pos = this.#pos
    const stop = this.#stop - this.#base
    while (pos < len && !this.#done) {
      let nl = b.indexOf(LF, pos)
      if (nl >= len) nl = -1
      if (this.#aligning) {
        if (nl === -1) {
          pos = len
          if (final) this.#start = this.#base + len
          break
        }
        pos = nl + 1
        this.#start = this.#base + pos
        this.#aligning = false
        continue
      }
      if (pos >= stop) {
        this.#done = true
        break
      }
      if (nl === -1) {
        if (!final) break
        nl = len
      }
      const end = nl > pos && b[nl - 1] === CR ? nl - 1 : nl
      const line = this.#line++
      if (end > pos) this.#json(decodeBytes(b, pos, end), line)
      pos = nl + 1
    }
    this.#pos = Math.min(pos, len)
  }

  #json(text: string, line: number): undefined {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      if (text.trim() === '') return
      return this.#bad(
        line,
        'bad-json',
        `invalid JSON (${(error as Error).message})`,
        'write one JSON object per line',
      )
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return this.#bad(
        line,
        'not-an-object',
        `${describeJson(value)}, not a JSON object`,
        'write one JSON object per line',
      )
    }
    const parts = jsonEventParts(
      value as Record<string, unknown>,
      line,
      this.#config.columns,
      this.#keep,
      this.#badRow,
    )
    if (parts === undefined) return
    const row = this.#rows
    let contact = this.#jsonContacts.get(parts.contactId)
    if (contact === undefined && this.#only !== undefined) {
      this.#skipped++
      return
    }
    if (contact === undefined) {
      contact = this.#jsonContacts.size
      this.#jsonContacts.set(parts.contactId, contact)
      this.#newContacts.push(parts.contactId)
    }
    this.#contact[row] = contact
    this.#ts[row] = parts.ts
    let name = this.#jsonNames.get(parts.name)
    if (name === undefined) {
      name = this.#jsonNames.size
      this.#jsonNames.set(parts.name, name)
      this.#newNames.push(parts.name)
    }
    this.#name[row] = name
    if (parts.id === undefined) {
      this.#hash[row] = Number.NaN
      this.#derivedRows.push(row)
      this.#derivedLines.push(line)
      this.#ids?.push('')
    } else {
      this.#hash[row] = idHash(parts.id)
      this.#ids?.push(parts.id)
    }
    const properties = parts.properties
    for (const key in properties) {
      const value = properties[key]
      if (value === undefined || value === null) continue
      let j = this.#jsonKeys.get(key)
      if (j === undefined) {
        j = this.#keyCount++
        this.#jsonKeys.set(key, j)
        this.#jsonValues.push(new Map())
        this.#newKeys.push(key)
      }
      let codes = this.#props[j]
      if (codes === undefined) codes = this.#props[j] = this.#codes()
      const values = this.#jsonValues[j]!
      let code = values.get(value)
      if (code === undefined) {
        code = values.size
        values.set(value, code)
        let list = this.#newValues[j]
        if (list === undefined) list = this.#newValues[j] = []
        list.push(value)
      }
      codes[row] = code
    }
    this.#endRow()
  }

  // -------------------------------------------------------------------------------------------
  // Batches

  readonly #badRow: BadRow = (line, kind, problem, hint, field) => {
    this.#bad(line, kind, problem, hint, field)
    return undefined
  }

  #bad(line: number, kind: RowIssueKind, problem: string, hint: string, field?: string): undefined {
    this.#issues.push(
      field === undefined ? { line, kind, problem, hint } : { line, kind, problem, hint, field },
    )
    if (this.#config.strict) {
      this.#stopped = true
      this.#done = true
    }
    return undefined
  }

  #newBatch(): void {
    this.#rows = 0
    this.#contact = this.#int32()
    this.#ts = this.#float64()
    this.#name = this.#int32()
    this.#hash = this.#float64()
    this.#ids = this.#config.keepIds ? [] : undefined
    this.#derivedRows = []
    this.#derivedLines = []
    this.#props = []
    if (this.#config.format === 'csv')
      for (let j = 0; j < this.#keyCount; j++) this.#props.push(this.#codes())
    this.#newContacts = []
    this.#newNames = []
    this.#newKeys = []
    this.#newValues = []
    this.#issues = []
    this.#skipped = 0
  }

  // Columns of sent batches come back (see recycle) and are used again: new typed arrays
  // are external memory, and in V8 every 64 MB or so of it costs a full garbage collection.
  readonly #int32s: Int32Array[] = []
  readonly #float64s: Float64Array[] = []

  /** Takes back columns of batches sent before (their contents are not needed any more). */
  recycle(columns: readonly (Int32Array | Float64Array)[]): void {
    const n = this.#config.batchRows
    for (const column of columns) {
      if (column.length !== n) continue
      if (column instanceof Int32Array) this.#int32s.push(column)
      else this.#float64s.push(column)
    }
  }

  #int32(): Int32Array {
    return this.#int32s.pop() ?? new Int32Array(this.#config.batchRows)
  }

  #float64(): Float64Array {
    return this.#float64s.pop() ?? new Float64Array(this.#config.batchRows)
  }

  /** A column of property codes, all absent. */
  #codes(): Int32Array {
    return this.#int32().fill(-1)
  }

  #endRow(): void {
    if (++this.#rows === this.#config.batchRows) this.#flush()
  }

  /** Sends the batch (if it has anything) and starts a new one. */
  #flush(): void {
    if (
      this.#rows === 0 &&
      this.#skipped === 0 &&
      this.#issues.length === 0 &&
      this.#newKeys.length === 0 &&
      this.#newContacts.length === 0 &&
      this.#newNames.length === 0 &&
      this.#newValues.length === 0
    )
      return
    const n = this.#rows
    // A short batch (the end of a chunk) is copied, so it does not hold a whole batch's
    // memory, and its columns are used again here.
    const short = n < this.#config.batchRows / 2
    const spare: (Int32Array | Float64Array)[] = []
    const sized = <T extends Int32Array | Float64Array>(a: T): T => {
      if (!short) return a
      spare.push(a)
      return a.slice(0, n) as T
    }
    const props = this.#props.map((codes) => (codes === undefined ? undefined : sized(codes)))
    const batch: ParsedBatch = {
      type: 'batch',
      chunk: this.#chunk,
      start: this.#start,
      length: n,
      contact: sized(this.#contact),
      ts: sized(this.#ts),
      name: sized(this.#name),
      hash: sized(this.#hash),
      derivedRows: Int32Array.from(this.#derivedRows),
      derivedLines: Float64Array.from(this.#derivedLines),
      ids: this.#ids,
      props,
      newContacts: this.#newContacts,
      newNames: this.#newNames,
      newKeys: this.#newKeys,
      newValues: this.#newValues,
      issues: this.#issues,
      skipped: this.#skipped,
    }
    const transfer: ArrayBuffer[] = [
      batch.contact.buffer as ArrayBuffer,
      batch.ts.buffer as ArrayBuffer,
      batch.name.buffer as ArrayBuffer,
      batch.hash.buffer as ArrayBuffer,
      batch.derivedRows.buffer as ArrayBuffer,
      batch.derivedLines.buffer as ArrayBuffer,
    ]
    for (const codes of props) if (codes !== undefined) transfer.push(codes.buffer as ArrayBuffer)
    this.recycle(spare)
    this.#newBatch()
    this.#sink(batch, transfer)
  }
}

/** The end of an unquoted field starting at i: the next comma, CR LF, LF or the end of the bytes. */
function fieldEnd(b: Uint8Array, i: number, len: number, final: boolean): number {
  for (let p = i; p < len; p++) {
    const c = b[p]
    if (c === COMMA || c === LF) return p
    if (c === CR) {
      if (p + 1 === len) return final ? p : INCOMPLETE
      if (b[p + 1] === LF) return p
    }
  }
  return final ? len : INCOMPLETE
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2)
  b.set(a)
  return b
}

/**
 * Feeds a whole file to `parser` as one chunk (`chunk`), gunzipping it when asked; calls
 * `progress` with the bytes read from disk since the last call. Rejects with the stream's
 * error (a file system or zlib error).
 */
export async function parseStream(
  parser: EventChunkParser,
  path: string,
  chunk: number,
  gzip: boolean,
  progress: (bytes: number) => void,
  cancelled: () => boolean = () => false,
): Promise<void> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 })
  let source: Readable = file
  if (gzip) {
    const gunzip = createGunzip({ chunkSize: 1 << 20 })
    file.on('error', (error) => gunzip.destroy(error))
    source = file.pipe(gunzip)
  }
  parser.begin(chunk, { offset: 0, stop: Number.POSITIVE_INFINITY, aligned: true, atFileStart: true })
  let reported = 0
  try {
    for await (const data of source as AsyncIterable<Uint8Array>) {
      for (let from = 0; from < data.length && !parser.done; ) {
        const { buffer, offset, length } = parser.writable()
        const bytes = Math.min(length, data.length - from)
        buffer.set(data.subarray(from, from + bytes), offset)
        from += bytes
        parser.commit(bytes, false)
      }
      progress(file.bytesRead - reported)
      reported = file.bytesRead
      if (parser.done || cancelled()) break
    }
  } finally {
    file.destroy()
    if (source !== file) source.destroy()
  }
  if (cancelled()) return
  if (!parser.done) parser.commit(0, true)
  parser.finish()
}
