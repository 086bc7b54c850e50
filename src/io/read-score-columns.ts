/**
 * Reading the files of a bulk scoring (a CSV contacts file, optionally accounts and events)
 * into the columns `scoreColumns` takes, on every core.
 * @module
 */

import type { PropertyColumn } from '../core/columnar/events.js'
import { sortEventColumns } from '../core/columnar/events.js'
import { type ContactColumns, type EventColumns, EventColumnsBuilder } from '../core/columnar/index.js'
import type { CompiledModel } from '../core/compile.js'
import { contactProperties, eventProperties } from '../core/fields.js'
import type { Properties } from '../core/input.js'
import { lookup } from '../core/values.js'
import { IdIndex } from './id-index.js'
import { readAccounts } from './read-accounts.js'
import { readContactColumns } from './read-contact-columns.js'
import { addAllBatches, readEventColumns } from './read-event-columns.js'
import type { ReadOptions } from './row-source.js'
import { type RuleWorker, sortInWorker } from './score-threads.js'

/** The files to read. */
export interface ScoreFiles {
  /** A CSV contacts file (optionally `.gz`). */
  readonly contacts: string
  readonly events?: string | undefined
  readonly accounts?: string | undefined
  /** The contacts' id column, instead of `contact_id` or `id`. */
  readonly idColumn?: string | undefined
}

/** Options of {@link readScoreColumns}. */
export interface ReadScoreColumnsOptions extends Pick<ReadOptions, 'strict' | 'onBadRow'> {
  /** The progress option of each file as it is read. */
  readonly progress?: (file: string) => Pick<ReadOptions, 'progress'>
  /** Called after each file is read. */
  readonly fileDone?: () => void
  /**
   * A rule worker started ahead (`startRuleWorker`): the events are sorted there while this
   * thread joins the accounts, and their name index is built there for both threads.
   */
  readonly worker?: RuleWorker | undefined
  /**
   * Called with the contacts once they are ready, while the events are sorted on the worker:
   * work on the contacts alone fits there (`prepareFit` with no events).
   */
  readonly meanwhile?: (contacts: ContactColumns) => void
}

/** What {@link readScoreColumns} read. */
export interface ScoreColumns {
  /** The contacts, with their contact and account properties as columns. */
  readonly contacts: ContactColumns
  readonly events: EventColumns
  /** Account properties by account id (the first row of each id). */
  readonly accounts: ReadonlyMap<string, Properties>
  readonly stats: {
    readonly eventRows: number
    /** Events of contacts not in the contacts file: left out. */
    readonly unknownContactEvents: number
    /** Contact rows whose id an earlier row has: left out. */
    readonly duplicateContacts: number
    /** Contacts whose account is not in the accounts file (0 without one). */
    readonly accountsWithoutFile: number
  }
}

/**
 * Reads the inputs of a bulk scoring of `model`: only the properties the model reads, the
 * contacts as columns (`readContactColumns`), the events as columns joined to the contacts
 * (`readEventColumns`, events of unknown contacts left out and counted). The event parsers
 * start first, on the other cores, while this thread reads the accounts and the contacts.
 * Bad rows are those of the row readers (`strict` throws the first one).
 * @throws {InputFileError} for an unusable file; {@link BadRowError} in strict mode.
 */
export async function readScoreColumns(
  model: CompiledModel,
  files: ScoreFiles,
  options: ReadScoreColumnsOptions = {},
): Promise<ScoreColumns> {
  const needed = contactProperties(model.document)
  const kept = eventProperties(model.document)
  const common = (file: string): ReadOptions => ({
    ...(options.strict === undefined ? {} : { strict: options.strict }),
    ...(options.onBadRow === undefined ? {} : { onBadRow: options.onBadRow }),
    ...options.progress?.(file),
  })
  const index = new IdIndex(1 << 16)
  // The events' progress is shown once their turn comes, not while the workers parse ahead.
  const eventsProgress = files.events === undefined ? undefined : common(files.events).progress
  let eventsTurn = false
  let eventsBytes: [number, number] | undefined
  const events =
    files.events === undefined
      ? undefined
      : readEventColumns(files.events, {
          ...common(files.events),
          progress: (bytes, total) => {
            if (eventsTurn) eventsProgress?.(bytes, total)
            else eventsBytes = [bytes, total]
          },
          properties: kept,
          contactIndex: index,
          unknownContacts: 'skip',
        })
  events?.start()
  try {
    const accounts = new Map<string, Properties>()
    const accountIndex = new IdIndex(1 << 12)
    const accountRows: Properties[] = []
    if (files.accounts) {
      const source = readAccounts(files.accounts, {
        ...common(files.accounts),
        properties: needed.account,
        index: accountIndex,
      })
      for await (const rows of source.batches()) {
        for (const row of rows) {
          if (row.index < accountRows.length) continue // the first row of an id wins
          accounts.set(row.id, row.properties)
          accountRows.push(row.properties)
        }
      }
      options.fileDone?.()
    }

    const key = model.accounts?.key ?? 'account_id'
    const read = await readContactColumns(files.contacts, {
      ...common(files.contacts),
      properties: needed.contact,
      index,
      ...(files.idColumn ? { idColumn: files.idColumn } : {}),
    })
    options.fileDone?.()
    const n = read.ids.length
    // the parsers' backlog first: they wait for it to be taken
    // shared: worker threads score rules over them (scoreColumnsInThreads)
    const builder = new EventColumnsBuilder({ contacts: n, properties: kept, shared: true })
    let eventRows = 0
    let unknownContactEvents = 0
    if (events !== undefined) {
      eventsTurn = true
      if (eventsBytes !== undefined) eventsProgress?.(...eventsBytes)
      await addAllBatches(events, builder)
      eventRows = events.stats.rows
      unknownContactEvents = events.stats.unknownContactRows
      options.fileDone?.()
    }
    // the events sorted on the worker (when there is one) while the accounts are joined here
    const worker = options.worker
    const unsorted = builder.unsorted()
    const sorted =
      worker !== undefined && !worker.failed && unsorted.ids === undefined
        ? sortInWorker(worker, unsorted)
        : undefined
    const joined = accountOf(read.columns.get(key), n, files.accounts ? accountIndex : undefined)
    const account = accountColumns(needed.account, joined.rows, accountRows)
    const contacts: ContactColumns = {
      length: n,
      ids: read.ids,
      properties: [],
      columns: { contact: read.columns, account },
    }
    if (sorted !== undefined) options.meanwhile?.(contacts)
    return {
      contacts,
      events: sorted === undefined ? sortEventColumns(unsorted, { shared: true }) : await sorted,
      accounts,
      stats: {
        eventRows,
        unknownContactEvents,
        duplicateContacts: read.duplicates,
        accountsWithoutFile: joined.withoutFile,
      },
    }
  } finally {
    await events?.stop()
  }
}

/**
 * Each contact's row in the accounts file (-1: none) from its account key column, and the
 * contacts whose key is not in the file (none without a file). A key is looked up once per
 * value of the column (once per contact when nearly every contact has its own).
 */
function accountOf(
  keys: PropertyColumn | undefined,
  n: number,
  accounts: IdIndex | undefined,
): { rows: Int32Array; withoutFile: number } {
  const rows = new Int32Array(n).fill(-1)
  if (keys === undefined || accounts === undefined) return { rows, withoutFile: 0 }
  const rowOfCode = new Int32Array(keys.values.length)
  for (let code = 0; code < rowOfCode.length; code++) {
    const id = keys.values[code]
    rowOfCode[code] = id === undefined || id === null ? -2 : accounts.find(String(id))
  }
  let withoutFile = 0
  const codes = keys.codes
  for (let c = 0; c < n; c++) {
    const code = codes[c]!
    if (code < 0) continue
    const row = rowOfCode[code]!
    if (row === -1) withoutFile++
    rows[c] = row < 0 ? -1 : row
  }
  return { rows, withoutFile }
}

/** Each account field per contact (the value of its account, as `lookup` reads it), as columns. */
function accountColumns(
  fields: Iterable<string>,
  rows: Int32Array,
  accountRows: readonly Properties[],
): Map<string, PropertyColumn> {
  const out = new Map<string, PropertyColumn>()
  for (const field of fields) {
    const values: unknown[] = []
    const codeOf = new Map<unknown, number>()
    const byRow = Int32Array.from(accountRows, (properties) => {
      const value = lookup(properties, field)
      if (value === undefined) return -1
      let code = codeOf.get(value)
      if (code === undefined) {
        code = values.length
        values.push(value)
        codeOf.set(value, code)
      }
      return code
    })
    const codes = new Int32Array(rows.length)
    for (let c = 0; c < rows.length; c++) codes[c] = rows[c]! < 0 ? -1 : byRow[rows[c]!]!
    out.set(field, { codes, values })
  }
  return out
}
