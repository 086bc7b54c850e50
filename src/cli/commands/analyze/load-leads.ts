/**
 * Reads the leads an analysis needs: a lead table with a label column, or contacts and
 * events files with an outcome. Unlike `score`, it may keep every contact property (signals
 * look at all of them), with a progress bar per file on a terminal.
 * @module
 */
import { open } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import {
  isPositive,
  type LeadData,
  labelOutcomes,
  type OutcomeSpec,
  outcomeProperties,
  outcomesOf,
  parseOutcome,
  STAGE_PROPERTIES,
} from '../../../analysis/index.js'
import {
  type ContactPropertyColumns,
  contactProperty,
  EventColumnsBuilder,
} from '../../../core/columnar/index.js'
import type { CompiledModel } from '../../../core/compile.js'
import { contactProperties, eventProperties } from '../../../core/fields.js'
import type { Properties } from '../../../core/input.js'
import {
  addAllBatches,
  CONTACT_ID_COLUMNS,
  CsvTokenizer,
  createProgress,
  csvFields,
  IdIndex,
  inputKind,
  type ReadOptions,
  readAccounts,
  readContactColumns,
  readContacts,
  readEventColumns,
} from '../../../io/index.js'
import { BadRows } from '../../bad-rows.js'
import { type CliContext, CliError, textOf } from '../../context.js'
import { inputCliError } from '../../input-error.js'

/** The files and options that say where the leads are. */
export interface LeadFiles {
  readonly data?: string | undefined
  readonly label?: string | undefined
  readonly positive?: string | undefined
  readonly contacts?: string | undefined
  readonly events?: string | undefined
  readonly accounts?: string | undefined
  readonly outcome?: string | undefined
  readonly outcomeTime?: string | undefined
  readonly idColumn?: string | undefined
  readonly strict: boolean
}

/** Leads as read, with what the reports need to know about them. */
export interface LoadedLeads {
  readonly data: LeadData
  /** Properties and event names that are the outcome itself: never a signal. */
  readonly exclude: readonly string[]
  /** How the outcome was defined, as `--outcome` writes it (`label = 1, true or yes` for a lead table): for programs. */
  readonly outcome: string
  /** A lead table's label column and the value that means converted, for people. */
  readonly label?: { readonly column: string; readonly positive: string | undefined }
}

/** How the outcome was defined, for people. */
export function outcomeText(ctx: CliContext, leads: LoadedLeads): string {
  if (leads.label === undefined) return leads.outcome
  const { column, positive } = leads.label
  return textOf(ctx).t('outcome.label', {
    column,
    given: positive === undefined ? 'no' : 'yes',
    positive: positive ?? '',
  })
}

/**
 * Reads the leads. `models` limit the contact and event properties kept to those they read
 * (plus the outcome's); without any, or with `allProperties` (signals), every contact
 * property is kept.
 */
export async function loadLeads(
  ctx: CliContext,
  files: LeadFiles,
  models: readonly CompiledModel[] = [],
  options: { readonly allProperties?: boolean } = {},
): Promise<LoadedLeads> {
  const badRows = new BadRows()
  try {
    return files.data !== undefined
      ? await leadTable(ctx, files, badRows)
      : await contactsAndEvents(ctx, files, badRows, models, options.allProperties === true)
  } catch (error) {
    throw inputCliError(error) ?? error
  } finally {
    badRows.report(ctx)
  }
}

function readOptions(
  ctx: CliContext,
  file: string,
  files: LeadFiles,
  badRows: BadRows,
  bars: Bars,
): ReadOptions {
  return { strict: files.strict, onBadRow: badRows.add, ...bars.options(ctx, file) }
}

async function leadTable(ctx: CliContext, files: LeadFiles, badRows: BadRows): Promise<LoadedLeads> {
  const file = files.data!
  const label = files.label
  if (label === undefined) {
    throw new CliError({ key: 'leads.needsLabel' }, { hint: { key: 'leads.needsLabel.hint' } })
  }
  const path = resolve(ctx.cwd, file)
  const idColumn = files.idColumn ?? (await defaultIdColumn(path))
  const bars = new Bars()
  const ids: string[] = []
  const properties: Properties[] = []
  const labels: number[] = []
  let unlabelled = 0
  for await (const rows of readContacts(path, {
    ...readOptions(ctx, file, files, badRows, bars),
    idColumn,
  }).batches()) {
    for (const row of rows) {
      const value = row.properties[label]
      if (value === undefined || value === null) {
        unlabelled++
        continue
      }
      ids.push(row.id)
      properties.push(row.properties)
      labels.push(isPositive(value, files.positive) ? 1 : 0)
    }
  }
  bars.done()
  if (ids.length > 0 && !properties.some((p) => label in p) && unlabelled === 0) {
    throw new CliError(
      { key: 'leads.noLabelColumn', values: { label, file } },
      { hint: { key: 'leads.noLabelColumn.hint' } },
    )
  }
  if (ids.length === 0) {
    throw new CliError(
      { key: 'leads.noLabels', values: { label, file } },
      { hint: { key: 'leads.noLabels.hint' } },
    )
  }
  if (unlabelled > 0) ctx.stderr.write(`${textOf(ctx).t('leads.unlabelled', { count: unlabelled, label })}\n`)
  const contacts = { length: ids.length, ids, properties }
  const events = new EventColumnsBuilder({ contacts: ids.length }).finish()
  const positive = files.positive === undefined ? '1, true or yes' : files.positive
  return {
    data: { contacts, events, outcomes: labelOutcomes(labels) },
    exclude: [label, idColumn],
    outcome: `${label} = ${positive}`,
    label: { column: label, positive: files.positive },
  }
}

/** The id column of a lead table: contact_id or id when the header has one, else the first column. */
async function defaultIdColumn(path: string): Promise<string> {
  let head = ''
  try {
    const handle = await open(path, 'r')
    try {
      const buffer = Buffer.alloc(64 * 1024)
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
      head = buffer.subarray(0, bytesRead).toString('utf8')
    } finally {
      await handle.close()
    }
  } catch {
    return CONTACT_ID_COLUMNS[0] // the reader reports the file's problem
  }
  if (head.startsWith('{')) return CONTACT_ID_COLUMNS[0]
  let header: string[] = []
  const tokenizer = new CsvTokenizer(
    (record) => {
      if (header.length === 0) header = csvFields(record).map((h) => h.trim())
    },
    () => {},
  )
  tokenizer.push(head.slice(0, head.indexOf('\n') + 1 || head.length))
  tokenizer.end()
  return CONTACT_ID_COLUMNS.find((c) => header.includes(c)) ?? header[0] ?? CONTACT_ID_COLUMNS[0]
}

async function contactsAndEvents(
  ctx: CliContext,
  files: LeadFiles,
  badRows: BadRows,
  models: readonly CompiledModel[],
  allProperties: boolean,
): Promise<LoadedLeads> {
  if (files.contacts === undefined) {
    throw new CliError({ key: 'leads.none' }, { hint: { key: 'leads.none.hint' } })
  }
  if (files.outcome === undefined) {
    throw new CliError({ key: 'leads.needsOutcome' }, { hint: { key: 'leads.needsOutcome.hint' } })
  }
  const spec = parseOutcome(files.outcome)
  if ('error' in spec) throw new CliError({ key: 'outcome.invalid', values: { outcome: files.outcome } })
  const bars = new Bars()
  const accounts = new Map<string, Properties>()
  const model = models[0]
  const read = model ? neededProperties(models) : undefined
  const needed = allProperties ? undefined : read
  if (files.accounts && read) {
    for await (const rows of readAccounts(resolve(ctx.cwd, files.accounts), {
      ...readOptions(ctx, files.accounts, files, badRows, bars),
      properties: read.account,
    }).batches())
      for (const row of rows) if (!accounts.has(row.id)) accounts.set(row.id, row.properties)
    bars.done()
  }
  const index = new IdIndex(1 << 16)
  const kept = needed ? [...needed.contact, ...outcomeProperties(spec, files.outcomeTime)] : undefined
  for (const m of models) if (m.accounts) kept?.push(m.accounts.key)
  const contactsPath = resolve(ctx.cwd, files.contacts)
  const contactOptions = {
    ...readOptions(ctx, files.contacts, files, badRows, bars),
    index,
    ...(kept ? { properties: kept } : {}),
    ...(files.idColumn ? { idColumn: files.idColumn } : {}),
  }
  let ids: string[] = []
  const properties: Properties[] = []
  let columns: ContactPropertyColumns | undefined
  if (inputKind(contactsPath).format === 'csv') {
    // straight into columns: no object per contact (less to make and to garbage-collect)
    const read = await readContactColumns(contactsPath, contactOptions)
    ids = read.ids
    columns = { contact: read.columns }
  } else {
    for await (const rows of readContacts(contactsPath, contactOptions).batches()) {
      for (const row of rows) {
        if (row.index < ids.length) continue
        ids.push(row.id)
        properties.push(row.properties)
      }
    }
  }
  bars.done()
  const key = model?.accounts?.key ?? 'account_id'
  const contactsRead = { length: ids.length, ids, properties, ...(columns ? { columns } : {}) }
  const contactAccounts = files.accounts
    ? Array.from(ids, (_, c) => {
        const id = contactProperty(contactsRead, key, c)
        return id === undefined || id === null ? undefined : accounts.get(String(id))
      })
    : undefined
  const eventProps = new Set(models.flatMap((m) => [...eventProperties(m.document)]))
  const builder = new EventColumnsBuilder({ contacts: ids.length, properties: eventProps })
  if (files.events) {
    const source = readEventColumns(resolve(ctx.cwd, files.events), {
      ...readOptions(ctx, files.events, files, badRows, bars),
      properties: eventProps,
      contactIndex: index,
      unknownContacts: 'skip',
    })
    await addAllBatches(source, builder)
    bars.done()
    if (source.stats.unknownContactRows > 0) {
      ctx.stderr.write(
        `${textOf(ctx).t('score.unknownContactEvents', { count: source.stats.unknownContactRows, file: files.contacts })}\n`,
      )
    }
  } else if (spec.kind === 'event') {
    throw new CliError({ key: 'leads.needsEvents', values: { outcome: files.outcome } })
  }
  const contacts = { ...contactsRead, ...(contactAccounts ? { accounts: contactAccounts } : {}) }
  const events = builder.finish()
  const outcomes = outcomesOf(spec, contacts, events, files.outcomeTime)
  return {
    data: { contacts, events, outcomes },
    exclude: excludedBy(spec, files.outcomeTime),
    outcome: files.outcome,
  }
}

/** The contact and account properties any of the models reads. */
function neededProperties(models: readonly CompiledModel[]): { contact: Set<string>; account: Set<string> } {
  const contact = new Set<string>()
  const account = new Set<string>()
  for (const m of models) {
    const p = contactProperties(m.document)
    for (const x of p.contact) contact.add(x)
    for (const x of p.account) account.add(x)
  }
  return { contact, account }
}

function excludedBy(spec: OutcomeSpec, outcomeTime: string | undefined): string[] {
  const time = outcomeTime === undefined ? [] : [outcomeTime]
  if (spec.kind === 'event') return [spec.name, ...time]
  if (spec.kind === 'property') return [spec.name, ...time]
  return [...STAGE_PROPERTIES, ...time]
}

/** One byte progress bar per file read, drawn on stderr when it is a terminal. */
class Bars {
  #bar: { stop(): void } | undefined

  options(ctx: CliContext, file: string): Pick<ReadOptions, 'progress'> {
    if (ctx.stderr.isTTY !== true) return {}
    let bar: ReturnType<typeof createProgress> | undefined
    return {
      progress: (bytes, total) => {
        if (!bar) {
          bar = createProgress(ctx.stderr, { total, label: basename(file).padEnd(16) })
          this.#bar = bar
        }
        bar.update(bytes)
      },
    }
  }

  done(): void {
    this.#bar?.stop()
    this.#bar = undefined
  }
}
