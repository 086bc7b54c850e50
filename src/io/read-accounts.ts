/**
 * Reading an accounts file.
 * @module
 */
import { type PropertyReadOptions, type PropertyRow, readPropertyRows } from './property-rows.js'
import type { RowSource } from './row-source.js'

/** One account: its id, its properties (every other column) and the line it is on. */
export type AccountRow = PropertyRow

/** Options of {@link readAccounts}. */
export type ReadAccountsOptions = PropertyReadOptions

/** The id column names tried, in order. */
export const ACCOUNT_ID_COLUMNS = ['account_id', 'id'] as const

/**
 * Streams the accounts of a CSV or NDJSON file (optionally `.gz`): the id is the
 * `account_id` column, else `id`, or `options.idColumn`; every other column is a property,
 * read as `readContacts` reads them.
 * @throws {InputFileError} while iterating, when the file is missing, of an unknown type, or has no id column.
 */
export function readAccounts(path: string, options: ReadAccountsOptions = {}): RowSource<AccountRow> {
  return readPropertyRows(path, options, {
    what: 'account id',
    names: ACCOUNT_ID_COLUMNS,
    option: 'idColumn',
  })
}
