/**
 * Reading a contacts file.
 * @module
 */
import { type PropertyReadOptions, type PropertyRow, readPropertyRows } from './property-rows.js'
import type { RowSource } from './row-source.js'

/** One contact: its id, its properties (every other column) and the line it is on. */
export type ContactRow = PropertyRow

/** Options of {@link readContacts}. */
export type ReadContactsOptions = PropertyReadOptions

/** The id column names tried, in order. */
export const CONTACT_ID_COLUMNS = ['contact_id', 'id'] as const

/**
 * Streams the contacts of a CSV or NDJSON file (optionally `.gz`).
 *
 * The id is the `contact_id` column, else `id`, or `options.idColumn`. Every other column
 * is a property: empty CSV cells are absent, canonical numbers (`12`, `-3.5`) become
 * numbers, other text (`007`, `NA`, `null`) stays a string. In NDJSON the values are kept
 * as JSON gave them and a nested `properties` object is merged in.
 *
 * Rows with another field count than the header, or an empty id, are bad rows: skipped
 * and counted (see {@link ReadOptions}), or thrown in strict mode.
 *
 * @example
 * for await (const rows of readContacts('contacts.csv').batches()) for (const c of rows) use(c.id, c.properties)
 * @throws {InputFileError} while iterating, when the file is missing, of an unknown type, or has no id column.
 */
export function readContacts(path: string, options: ReadContactsOptions = {}): RowSource<ContactRow> {
  return readPropertyRows(path, options, {
    what: 'contact id',
    names: CONTACT_ID_COLUMNS,
    option: 'idColumn',
  })
}
