/**
 * Reading a CSV contacts file straight into columns: the ids in file order and each kept
 * property as a dictionary-encoded column, with no object per contact.
 *
 * `readContacts` makes an object per contact (its row, its properties); a million of them
 * live until the end of a `leadscore score` run: time to make, old-generation garbage
 * collection, memory, and the scorer then encodes each tested property again. This reader
 * gives the scorer its columns directly (`ContactColumns.columns`).
 * @module
 */
import { detach, type PropertyColumn } from '../core/columnar/events.js'
import { cellValueAt } from './cell-value.js'
import type { IdIndex } from './id-index.js'
import { inputKind } from './input-format.js'
import { csvRowId } from './property-rows.js'
import { CONTACT_ID_COLUMNS, type ReadContactsOptions } from './read-contacts.js'
import { createRowSource, keptProperties, type ReadStats } from './row-source.js'
import { TextDictionary } from './text-dictionary.js'

/** The contacts of a file as columns; see {@link readContactColumns}. */
export interface ContactColumnsRead {
  /** The ids, the first row of each, in file order: contact `c` has index `c` in the `index` option. */
  readonly ids: string[]
  /**
   * The kept properties by CSV column name, in header order: a code per contact into the
   * values (-1 for an empty cell), each value as `readContacts` gives it (`cellValue`). The
   * values of rows left out (repeated ids) may be listed, though no contact has them.
   */
  readonly columns: Map<string, PropertyColumn>
  /** Rows whose id an earlier row has: left out. */
  readonly duplicates: number
  readonly stats: ReadStats
}

/** Options of {@link readContactColumns}: those of `readContacts`, with the index required. */
export interface ReadContactColumnsOptions extends Omit<ReadContactsOptions, 'index'> {
  /** Gives each contact an index; empty at the start, it gives the contacts 0..n-1 in file order. */
  readonly index: IdIndex
}

/** Rows per batch: one `indexAll` per batch. */
const BATCH = 16_384

/**
 * Reads the contacts of a CSV file (optionally `.gz`) into columns. The same rows as
 * {@link readContacts} are good or bad (same messages, same `strict` behaviour), the same
 * id column is used, and `columns` holds the values its `properties` would (a row whose
 * id came before is counted in `duplicates` and left out, as the first one wins).
 *
 * @example
 * const index = new IdIndex()
 * const { ids, columns } = await readContactColumns('contacts.csv', { index, properties: ['country'] })
 * @throws {InputFileError} when the file is missing or has no id column; {@link BadRowError} in strict mode.
 * @throws {Error} when the file is not CSV (read NDJSON with `readContacts`).
 */
export async function readContactColumns(
  path: string,
  options: ReadContactColumnsOptions,
): Promise<ContactColumnsRead> {
  if (inputKind(path, options.format).format !== 'csv') {
    throw new Error(`readContactColumns reads CSV files, not ${path}: read it with readContacts`)
  }
  const keep = keptProperties(options)
  const builders: ColumnBuilder[] = []
  let kept: number[] = []
  // Rows are encoded as they are read (row g of the good rows), then indexed by batch; a
  // duplicate's codes are overwritten by the next new contact's.
  let good = 0
  const source = createRowSource<string>(path, { ...options, batchSize: BATCH }, (bad) => ({
    csv(header, headerLine) {
      const { idIndex, id } = csvRowId(
        path,
        header,
        headerLine,
        { what: 'contact id', names: CONTACT_ID_COLUMNS, option: 'idColumn' },
        options.idColumn,
        bad,
      )
      kept = []
      header.forEach((name, i) => {
        if (i !== idIndex && (keep === undefined || keep.has(name))) {
          kept.push(i)
          builders.push(new ColumnBuilder(name))
        }
      })
      return (record, line) => {
        const rowId = id(record, line)
        if (rowId === undefined) return undefined
        const { text, starts, ends } = record
        const g = good++
        for (let j = 0; j < kept.length; j++) builders[j]!.set(g, text, starts[kept[j]!]!, ends[kept[j]!]!)
        return rowId
      }
    },
    json() {
      throw new Error('unreachable: the file is read as CSV')
    },
  }))

  const index = options.index
  const ids: string[] = []
  let duplicates = 0
  let read = 0
  let out = new Int32Array(BATCH)
  for await (const batch of source.batches()) {
    if (out.length < batch.length) out = new Int32Array(batch.length)
    index.indexAll(batch, out, batch.length)
    for (let k = 0; k < batch.length; k++, read++) {
      const c = out[k]!
      if (c < ids.length) {
        duplicates++
        continue
      }
      ids.push(index.id(c)!)
      if (read !== c) for (const builder of builders) builder.move(read, c)
    }
  }
  const columns = new Map<string, PropertyColumn>()
  for (const builder of builders) columns.set(builder.name, builder.finish(ids.length))
  return { ids, columns, duplicates, stats: source.stats }
}

/** Distinct values from which a column may stop being a dictionary. */
const PLAIN_AFTER = 1024

/**
 * One property column being read: codes by row into values in first-seen order; or, once
 * nearly every row has its own value (an email), the value of each row (code = row), as
 * the scorer would decide for the same rows.
 */
class ColumnBuilder {
  readonly name: string
  #codes = new Int32Array(1 << 16)
  #values: unknown[] = []
  /**
   * The code of each spelling met, found in place (no slice per cell); undefined once the
   * column holds a value per row. A spelling is one value and a value one spelling:
   * `cellValue` keeps every spelling of a number but its canonical one as text.
   */
  #spellings: TextDictionary | undefined = new TextDictionary()

  constructor(name: string) {
    this.name = name
  }

  /** Row `g` holds the cell text[start, end): empty is absent (-1), else its `cellValue`. */
  set(g: number, text: string, start: number, end: number): void {
    if (g >= this.#codes.length) {
      const codes = new Int32Array(this.#codes.length * 2)
      codes.set(this.#codes)
      this.#codes = codes
    }
    if (start === end) {
      this.#codes[g] = -1
      return
    }
    const spellings = this.#spellings
    if (spellings !== undefined) {
      const known = spellings.find(text, start, end)
      if (known >= 0) {
        this.#codes[g] = known
        return
      }
    }
    // a string kept is copied: a slice would keep the whole text it was read from alive
    const cell = cellValueAt(text, start, end)
    const value = typeof cell === 'string' ? detach(cell) : cell
    if (spellings === undefined) {
      this.#values[g] = value
      this.#codes[g] = g
      return
    }
    const code = this.#values.length
    if (code >= PLAIN_AFTER && code * 2 > g) {
      this.#plain(g)
      this.#values[g] = value
      this.#codes[g] = g
      return
    }
    this.#values.push(value)
    spellings.add(typeof value === 'string' ? value : text.slice(start, end), code)
    this.#codes[g] = code
  }

  /** From dictionary codes to a value per row, for the `rows` rows before. */
  #plain(rows: number): void {
    const codes = this.#codes
    const values = this.#values
    const each = new Array<unknown>(rows)
    for (let r = 0; r < rows; r++) {
      const code = codes[r]!
      if (code >= 0) {
        each[r] = values[code]
        codes[r] = r
      }
    }
    this.#values = each
    this.#spellings = undefined
  }

  /** Row `to` takes row `from`'s value. */
  move(from: number, to: number): void {
    const code = this.#codes[from]!
    if (this.#spellings === undefined && code >= 0) {
      this.#values[to] = this.#values[from]
      this.#codes[to] = to
    } else {
      this.#codes[to] = code
    }
  }

  /** The column of the first `n` rows. */
  finish(n: number): PropertyColumn {
    if (this.#spellings === undefined) this.#values.length = Math.min(this.#values.length, n)
    this.#spellings = undefined
    return { codes: this.#codes.slice(0, n), values: this.#values }
  }
}
