/**
 * An incremental RFC 4180 CSV tokenizer tuned for large files.
 *
 * Lines without a quote take a fast path (`indexOf` jumps, no per-character loop); a line
 * with a quote is parsed character by character, so quoted fields, doubled quotes, CRLF,
 * embedded newlines and a leading BOM are all handled. Every record comes with the 1-based
 * line number it starts on. Blank lines are skipped (and counted as lines).
 * @module
 */

/** Why a CSV record could not be read. */
export type CsvProblem =
  /** A closing quote is followed by something other than a comma or the end of the line. */
  | { readonly kind: 'text-after-quote'; readonly field: number }
  /** The file ends inside a quoted field. */
  | { readonly kind: 'unterminated-quote'; readonly field: number }

/**
 * One record, as positions in a text, so a reader slices only the fields it keeps and can
 * parse numbers and times in place. Field `i` (0-based, `i < count`) is
 * `text.slice(starts[i], ends[i])`, quotes removed and doubled quotes undone. The object is
 * reused for the next record: read it before returning.
 */
export interface CsvRecord {
  /** The text the fields are in: a chunk of the input, or the unquoted fields of one record. */
  text: string
  /** The number of fields. */
  count: number
  readonly starts: number[]
  readonly ends: number[]
}

/** Field `i` of `record` as a string. */
export function csvField(record: CsvRecord, i: number): string {
  return record.text.slice(record.starts[i], record.ends[i])
}

/** All fields of `record` as strings. */
export function csvFields(record: CsvRecord): string[] {
  const fields: string[] = []
  for (let i = 0; i < record.count; i++) fields.push(csvField(record, i))
  return fields
}

/** Receives one record and the 1-based line it starts on. `record` is reused: read it before returning. */
export type CsvRecordHandler = (record: CsvRecord, line: number) => void

/** Receives a record that could not be read; its line is the 1-based line it starts on. */
export type CsvProblemHandler = (problem: CsvProblem, line: number) => void

/** Thrown when a quoted field stays open longer than {@link CsvTokenizerOptions.maxRecordChars}. */
export class CsvRecordTooLongError extends Error {
  readonly line: number
  constructor(line: number, maxChars: number) {
    super(
      `the record starting on line ${line} is still open after ${maxChars} characters: ` +
        'a quoted field is probably missing its closing quote',
    )
    this.name = 'CsvRecordTooLongError'
    this.line = line
  }
}

/** Options of {@link CsvTokenizer}. */
export interface CsvTokenizerOptions {
  /** Largest record (in UTF-16 characters) kept while waiting for its end; default 16 Mi. */
  readonly maxRecordChars?: number
}

const QUOTE = 34
const COMMA = 44
const LF = 10
const CR = 13
const BOM = 0xfeff
const INCOMPLETE = -1

/**
 * Splits CSV text, pushed in chunks of any size, into records of string fields.
 *
 * @example
 * const t = new CsvTokenizer((record, line) => console.log(line, csvFields(record)), (p, line) => console.error(line, p))
 * t.push('a,"b\n'); t.push('c"\r\n'); t.end()   // 1 [ 'a', 'b\nc' ]
 */
export class CsvTokenizer {
  readonly #onRecord: CsvRecordHandler
  readonly #onProblem: CsvProblemHandler
  readonly #maxRecordChars: number
  readonly #record: CsvRecord = { text: '', count: 0, starts: [], ends: [] }
  /** Unquoted field values of a record read by #quoted. */
  readonly #values: string[] = []
  #rest = ''
  #line = 1
  #atStart = true
  // Set by #quoted: the position after the record and the newlines it spans.
  #quotedLines = 0
  #quotedProblem: CsvProblem | undefined

  constructor(onRecord: CsvRecordHandler, onProblem: CsvProblemHandler, options: CsvTokenizerOptions = {}) {
    this.#onRecord = onRecord
    this.#onProblem = onProblem
    this.#maxRecordChars = options.maxRecordChars ?? 16 * 1024 * 1024
  }

  /** The line number the next record will start on. */
  get line(): number {
    return this.#line
  }

  /** Parses every complete record in `chunk` (plus what was left over) and keeps the rest. */
  push(chunk: string): void {
    // The text left over from the last chunk (an incomplete record) is completed with the
    // head of this chunk, up to a newline, so the bulk of the chunk is scanned in place:
    // concatenating whole chunks would make every chunk a (slower to read) cons string.
    // The head grows at least as fast as the leftover, so a record spanning many lines
    // is rescanned a logarithmic number of times, not once per line.
    let from = 0
    while (this.#rest.length > 0) {
      if (this.#rest.length > this.#maxRecordChars)
        throw new CsvRecordTooLongError(this.#line, this.#maxRecordChars)
      const nl = chunk.indexOf('\n', Math.min(from + this.#rest.length, chunk.length))
      if (nl === -1) {
        this.#rest += chunk.slice(from)
        if (this.#rest.length > this.#maxRecordChars)
          throw new CsvRecordTooLongError(this.#line, this.#maxRecordChars)
        return
      }
      const head = this.#rest + chunk.slice(from, nl + 1)
      this.#rest = ''
      this.#run(head, 0, false)
      from = nl + 1
    }
    this.#run(chunk, from, false)
  }

  /** Parses what is left: the last line needs no newline. */
  end(): void {
    const text = this.#rest
    this.#rest = ''
    this.#run(text, 0, true)
  }

  #run(s: string, from: number, final: boolean): void {
    const n = s.length
    let pos = from
    if (this.#atStart && n > 0) {
      this.#atStart = false
      if (s.charCodeAt(0) === BOM) pos = 1
    }
    let line = this.#line
    const record = this.#record
    const starts = record.starts
    const ends = record.ends
    let quote = s.indexOf('"', pos)
    if (quote === -1) quote = n
    let comma = s.indexOf(',', pos)
    if (comma === -1) comma = n

    while (pos < n) {
      let nl = s.indexOf('\n', pos)
      if (nl === -1) {
        if (!final) break
        nl = n
      }
      if (quote > nl) {
        // Fast path: no quote on this line.
        let end = nl
        if (end > pos && s.charCodeAt(end - 1) === CR) end--
        if (end > pos) {
          let k = 0
          let a = pos
          if (comma < a) {
            comma = s.indexOf(',', a)
            if (comma === -1) comma = n
          }
          while (comma < end) {
            starts[k] = a
            ends[k++] = comma
            a = comma + 1
            comma = s.indexOf(',', a)
            if (comma === -1) comma = n
          }
          starts[k] = a
          ends[k++] = end
          record.text = s
          record.count = k
          this.#onRecord(record, line)
        }
        line++
        pos = nl + 1
        continue
      }
      // Slow path: a quote on this line; the record may span lines.
      const next = this.#quoted(s, pos, final)
      if (next === INCOMPLETE) break
      const problem = this.#quotedProblem
      if (problem === undefined) {
        this.#fill()
        this.#onRecord(record, line)
      } else {
        this.#onProblem(problem, line)
      }
      line += this.#quotedLines
      pos = next
      quote = s.indexOf('"', pos)
      if (quote === -1) quote = n
      comma = s.indexOf(',', pos)
      if (comma === -1) comma = n
    }
    this.#line = line
    if (pos < n) this.#rest = s.slice(pos)
  }

  /** Points the record at the values read by #quoted. */
  #fill(): void {
    const values = this.#values
    const record = this.#record
    let at = 0
    for (let i = 0; i < values.length; i++) {
      record.starts[i] = at
      at += values[i]!.length
      record.ends[i] = at
    }
    record.text = values.join('')
    record.count = values.length
  }

  /**
   * Parses one record starting at `pos` character by character into #values.
   * Returns the position after the record, or INCOMPLETE when more input is needed.
   * Sets #quotedLines (lines the record spans, counting its newline) and #quotedProblem.
   */
  #quoted(s: string, pos: number, final: boolean): number {
    const n = s.length
    const fields = this.#values
    let k = 0
    let i = pos
    let lines = 0
    let problem: CsvProblem | undefined
    for (;;) {
      // One field starts at i.
      if (i < n && s.charCodeAt(i) === QUOTE) {
        let value = ''
        let start = i + 1
        let j = start
        for (;;) {
          j = s.indexOf('"', j)
          if (j === -1 || (j + 1 === n && !final)) {
            if (!final) return INCOMPLETE
            // The file ends inside the quotes.
            for (let p = s.indexOf('\n', start); p !== -1; p = s.indexOf('\n', p + 1)) lines++
            this.#quotedLines = lines + 1
            this.#quotedProblem = { kind: 'unterminated-quote', field: k + 1 }
            fields.length = 0
            return n
          }
          if (s.charCodeAt(j + 1) === QUOTE) {
            value += s.slice(start, j + 1)
            j += 2
            start = j
            continue
          }
          break
        }
        value += s.slice(start, j)
        for (let p = s.indexOf('\n', i); p !== -1 && p < j; p = s.indexOf('\n', p + 1)) lines++
        i = j + 1
        // After the closing quote: a comma, the end of the line, or (an error) more text.
        let c = i < n ? s.charCodeAt(i) : LF
        if (c === CR) {
          if (i + 1 === n && !final) return INCOMPLETE // is the CR followed by an LF?
          if (i + 1 === n || s.charCodeAt(i + 1) === LF) c = LF
        }
        if (c !== COMMA && c !== LF) {
          problem ??= { kind: 'text-after-quote', field: k + 1 }
          const stop = this.#fieldEnd(s, i, final)
          if (stop === INCOMPLETE) return INCOMPLETE
          value += s.slice(i, stop)
          i = stop
        }
        fields[k++] = value
      } else {
        const stop = this.#fieldEnd(s, i, final)
        if (stop === INCOMPLETE) return INCOMPLETE
        fields[k++] = s.slice(i, stop)
        i = stop
      }
      // i is at a comma, CR LF, LF or the end of the text.
      if (i < n && s.charCodeAt(i) === COMMA) {
        i++
        continue
      }
      if (i < n && s.charCodeAt(i) === CR) i++
      if (i < n) i++ // the LF
      break
    }
    fields.length = k
    this.#quotedLines = lines + 1
    this.#quotedProblem = problem
    return i
  }

  /** The end of an unquoted field starting at i: the next comma, CR LF, LF or the end of the text. */
  #fieldEnd(s: string, i: number, final: boolean): number {
    const n = s.length
    for (let p = i; p < n; p++) {
      const c = s.charCodeAt(p)
      if (c === COMMA || c === LF) return p
      if (c === CR) {
        if (p + 1 === n) return final ? p : INCOMPLETE
        if (s.charCodeAt(p + 1) === LF) return p
      }
    }
    return final ? n : INCOMPLETE
  }
}
