/**
 * Reads the contacts, accounts and events files of `score` and `explain` into the
 * columnar form the engine scores, with progress on a terminal and bad rows counted.
 * @module
 */
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { type ContactColumns, type EventColumns, EventColumnsBuilder } from '../core/columnar/index.js'
import type { CompiledModel } from '../core/compile.js'
import { contactProperties, eventProperties } from '../core/fields.js'
import type { Properties } from '../core/input.js'
import {
  addAllBatches,
  createProgress,
  IdIndex,
  type ReadOptions,
  readAccounts,
  readContacts,
  readEventColumns,
} from '../io/index.js'
import type { BadRows } from './bad-rows.js'
import { type CliContext, CliError } from './context.js'
import { inputCliError } from './input-error.js'

export interface InputFiles {
  readonly contacts: string
  readonly events?: string | undefined
  readonly accounts?: string | undefined
  readonly idColumn?: string | undefined
  readonly strict: boolean
  /** Read only this contact (and its events), as `explain` does. */
  readonly only?: string | undefined
}

export interface LoadedInputs {
  readonly contacts: ContactColumns
  readonly events: EventColumns
  /** Account properties by account id. */
  readonly accounts: ReadonlyMap<string, Properties>
  readonly stats: {
    readonly eventRows: number
    readonly unknownContactEvents: number
    readonly duplicateContacts: number
    readonly accountsWithoutFile: number
  }
}

/** Reads the input files for `model`. Throws a CliError for unusable files. */
export async function loadInputs(
  ctx: CliContext,
  model: CompiledModel,
  files: InputFiles,
  badRows: BadRows,
): Promise<LoadedInputs> {
  const progress = new FileProgress(ctx)
  const done = () => progress.done()
  // keep only the properties the model reads: a million contacts with every column would not fit
  const needed = contactProperties(model.document)
  const common = (file: string): ReadOptions => ({
    strict: files.strict,
    onBadRow: badRows.add,
    ...progress.options(file),
  })
  try {
    const accounts = new Map<string, Properties>()
    if (files.accounts) {
      const source = readAccounts(resolve(ctx.cwd, files.accounts), {
        ...common(files.accounts),
        properties: needed.account,
      })
      for await (const rows of source.batches())
        for (const row of rows) if (!accounts.has(row.id)) accounts.set(row.id, row.properties)
      done()
    }

    const index = new IdIndex(1 << 16)
    const ids: string[] = []
    const properties: Properties[] = []
    let duplicateContacts = 0
    const contactSource = readContacts(resolve(ctx.cwd, files.contacts), {
      ...common(files.contacts),
      ...(files.only === undefined ? { properties: needed.contact } : {}),
      index,
      ...(files.idColumn ? { idColumn: files.idColumn } : {}),
    })
    for await (const rows of contactSource.batches()) {
      for (const row of rows) {
        if (files.only !== undefined && row.id !== files.only) continue
        if (row.index < ids.length) {
          duplicateContacts++
          continue
        }
        ids.push(row.id)
        properties.push(row.properties)
      }
    }
    done()
    if (files.only !== undefined && ids.length === 0) {
      throw new CliError(
        { key: 'inputs.noContact', values: { id: files.only, file: files.contacts } },
        { hint: { key: 'inputs.noContact.hint' } },
      )
    }

    const key = model.accounts?.key ?? 'account_id'
    let accountsWithoutFile = 0
    const contactAccounts = properties.map((p) => {
      const id = p[key]
      if (id === undefined || id === null) return undefined
      const found = accounts.get(String(id))
      if (!found) accountsWithoutFile++
      return found
    })

    const kept = eventProperties(model.document)
    const builder = new EventColumnsBuilder({
      contacts: ids.length,
      properties: kept,
      keepIds: files.only !== undefined,
      // worker threads score rules over them (scoreColumnsInThreads)
      shared: true,
    })
    let eventRows = 0
    let unknownContactEvents = 0
    if (files.events) {
      // Events are read as columns (no object per event), joined to the contacts by index;
      // events of other contacts are counted and left out. `explain` joins on its one contact.
      let contactIndex = index
      if (files.only !== undefined) {
        contactIndex = new IdIndex(1)
        contactIndex.index(files.only)
      }
      const source = readEventColumns(resolve(ctx.cwd, files.events), {
        ...common(files.events),
        properties: kept,
        contactIndex,
        unknownContacts: 'skip',
        keepIds: files.only !== undefined,
      })
      await addAllBatches(source, builder)
      eventRows = source.stats.rows
      if (files.only === undefined) unknownContactEvents = source.stats.unknownContactRows
      done()
    }
    return {
      contacts: { length: ids.length, ids, properties, accounts: contactAccounts },
      events: builder.finish(),
      accounts,
      stats: {
        eventRows,
        unknownContactEvents,
        duplicateContacts,
        accountsWithoutFile: files.accounts ? accountsWithoutFile : 0,
      },
    }
  } catch (error) {
    done()
    throw inputCliError(error) ?? error
  }
}

/** One progress bar per file read, drawn on stderr when it is a terminal. */
export class FileProgress {
  #bar: { stop(): void } | undefined
  readonly ctx: CliContext
  constructor(ctx: CliContext) {
    this.ctx = ctx
  }

  /** Reader options that draw a bar for `file`. */
  options(file: string): Pick<ReadOptions, 'progress'> {
    if (this.ctx.stderr.isTTY !== true) return {}
    let bar: ReturnType<typeof createProgress> | undefined
    return {
      progress: (bytes, total) => {
        if (!bar) {
          bar = createProgress(this.ctx.stderr, { total, label: basename(file).padEnd(16) })
          this.#bar = bar
        }
        bar.update(bytes)
      },
    }
  }

  /** Ends the current bar. */
  done(): void {
    this.#bar?.stop()
    this.#bar = undefined
  }
}

/** The size of a file in bytes, or undefined. */
export async function sizeOf(ctx: CliContext, file: string): Promise<number | undefined> {
  try {
    return (await stat(resolve(ctx.cwd, file))).size
  } catch {
    return undefined
  }
}
