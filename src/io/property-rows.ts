/**
 * Readers of files of things with an id and properties (contacts, accounts).
 * @module
 */
import type { Properties } from '../core/input.js'
import { type ColumnRole, orList, pickColumn, pickKey } from './columns.js'
import { type CsvRecord, csvField } from './csv-tokenizer.js'
import type { IdIndex } from './id-index.js'
import { idValue } from './id-value.js'
import { csvProperties, jsonProperties, member } from './properties.js'
import {
  type BadRow,
  createRowSource,
  keptProperties,
  type ReadOptions,
  type RowSource,
} from './row-source.js'

/** One row of a contacts or accounts file. */
export interface PropertyRow {
  readonly id: string
  /** The index of `id` in the `index` option's {@link IdIndex}, or -1 without one. */
  readonly index: number
  /** Every other column; empty CSV cells are absent. */
  readonly properties: Properties
  /** The 1-based line the row starts on. */
  readonly line: number
}

/** Options of a contacts or accounts reader. */
export interface PropertyReadOptions extends ReadOptions {
  /** The id column (CSV) or member (NDJSON), instead of the default names. */
  readonly idColumn?: string
  /**
   * Gives each row's id an index here: rows in file order get 0, 1, ... when the index
   * starts empty; a repeated id gets the index it got first.
   */
  readonly index?: IdIndex
}

/** Reads rows with an id (found by `role`) and properties. */
export function readPropertyRows(
  path: string,
  options: PropertyReadOptions,
  role: ColumnRole,
): RowSource<PropertyRow> {
  const explicit = options.idColumn
  const keep = keptProperties(options)
  const index = options.index
  const finish = index === undefined ? undefined : indexer(index)
  return createRowSource<PropertyRow>(path, options, (bad) => ({
    ...(finish === undefined ? {} : { finish }),
    csv(header, headerLine) {
      const { idIndex, id } = csvRowId(path, header, headerLine, role, explicit, bad)
      const properties = csvProperties(header, [idIndex], keep)
      return (record, line) => {
        const rowId = id(record, line)
        return rowId === undefined
          ? undefined
          : { id: rowId, index: -1, properties: properties(record), line }
      }
    },
    json(value, line) {
      const key = pickKey(value, role.names, explicit)
      const id = idValue(member(value, key))
      if (typeof id !== 'string') {
        const where = key === undefined ? orList(role.names) : `"${key}"`
        return 'missing' in id
          ? bad(line, 'missing-id', `no ${role.what} (${where})`, `give each object a ${role.what}`, key)
          : bad(
              line,
              'bad-id',
              `the ${role.what} ${where} is ${id.wrong}`,
              'make the id a string or a number',
              key,
            )
      }
      const properties = jsonProperties(value, [key], keep, line, bad)
      return properties === undefined ? undefined : { id, index: -1, properties, line }
    },
  }))
}

/**
 * The id column of a CSV header (found by `role`, or the `explicit` one), and the reader of
 * a record's id: undefined, reported as a bad row, when the record has another field count
 * than the header or an empty id.
 * @throws {InputFileError} when the header has no id column.
 */
export function csvRowId(
  path: string,
  header: readonly string[],
  headerLine: number,
  role: ColumnRole,
  explicit: string | undefined,
  bad: BadRow,
): { idIndex: number; id: (record: CsvRecord, line: number) => string | undefined } {
  const idIndex = pickColumn(path, headerLine, header, role, explicit, true)
  const idName = header[idIndex]!
  const width = header.length
  return {
    idIndex,
    id(record, line) {
      if (record.count !== width) {
        return bad(
          line,
          'column-count',
          `${record.count} fields where the header has ${width} columns`,
          'quote fields that contain commas, and give every column a value (or an empty cell)',
        )
      }
      const id = csvField(record, idIndex)
      if (id === '') {
        return bad(
          line,
          'missing-id',
          `empty ${role.what} in column "${idName}"`,
          'fill it in or remove the row',
          idName,
        )
      }
      return id
    },
  }
}

/** Sets the `index` of a batch of rows, and shares the index's copy of each id. */
function indexer(index: IdIndex): (rows: PropertyRow[]) => void {
  let ids: string[] = []
  let out = new Int32Array(0)
  return (rows) => {
    if (out.length < rows.length) {
      ids = new Array<string>(rows.length)
      out = new Int32Array(rows.length)
    }
    for (let k = 0; k < rows.length; k++) ids[k] = rows[k]!.id
    index.indexAll(ids, out, rows.length)
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k] as { id: string; index: number }
      row.index = out[k]!
      row.id = index.id(out[k]!)!
    }
  }
}
