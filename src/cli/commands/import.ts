/**
 * `leadscore import contacts|accounts|events FILE`: loads a CSV or NDJSON file (gzip too)
 * into the service's database through the engine, so every contact is scored as if the
 * rows had arrived through the API: the column rules of `leadscore score`, bad rows
 * reported with their line, progress on a terminal. Importing a file again changes nothing
 * (events are deduplicated on their id: the `event_id` column, else `<file>:<line>`).
 * @module
 */
import { resolve } from 'node:path'
import { defineCommand } from 'citty'
import { createEngine, type Engine, systemClock } from '../../engine/index.js'
import { sayApi } from '../../i18n/api.js'
import {
  BadRowError,
  type ReadOptions,
  readAccounts,
  readContacts,
  readEvents,
  rowIssue,
} from '../../io/index.js'
import { BadRows } from '../bad-rows.js'
import { type CliContext, cliContext, localeOf, textOf } from '../context.js'
import { help } from '../help.js'
import { inputCliError } from '../input-error.js'
import { FileProgress } from '../load-inputs.js'
import { dbArg, openDatabase } from './serve.js'

/** Rows sent to the engine at once. */
const BATCH = 2000

const common = {
  ...dbArg,
  file: { type: 'positional', description: help('help.import.file'), required: true },
  strict: { type: 'boolean', description: help('help.import.strict') },
} as const

async function run(
  ctx: CliContext,
  db: string | undefined,
  file: string,
  strict: boolean,
  what: string,
  load: (engine: Engine, options: ReadOptions, badRows: BadRows) => Promise<number>,
): Promise<void> {
  const store = await openDatabase(ctx, db)
  const badRows = new BadRows()
  const progress = new FileProgress(ctx)
  const options: ReadOptions = { strict, onBadRow: badRows.add, ...progress.options(file) }
  const started = performance.now()
  try {
    const engine = await createEngine({ store, clock: systemClock, tickIntervalMs: 0, webhooks: false })
    let count = 0
    try {
      count = await load(engine, options, badRows)
    } finally {
      progress.done()
      await engine.close()
    }
    const seconds = (performance.now() - started) / 1000
    const t = textOf(ctx)
    ctx.stderr.write(
      `${t.t('import.done', { what, count, file, seconds: t.number(seconds, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) })}\n`,
    )
    badRows.report(ctx)
  } catch (error) {
    throw inputCliError(error) ?? error
  } finally {
    await store.close()
  }
}

const contactsCommand = defineCommand({
  meta: { name: 'contacts', description: help('help.import.contacts') },
  args: {
    ...common,
    'id-column': { type: 'string', description: help('help.import.contactId') },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    await run(ctx, args.db, args.file, args.strict === true, 'contacts', async (engine, options) => {
      const source = readContacts(resolve(ctx.cwd, args.file), {
        ...options,
        ...(args['id-column'] ? { idColumn: args['id-column'] } : {}),
        batchSize: BATCH,
      })
      let n = 0
      for await (const rows of source.batches()) {
        await engine.upsertContacts(rows.map((r) => ({ id: r.id, properties: r.properties })))
        n += rows.length
      }
      return n
    })
  },
})

const accountsCommand = defineCommand({
  meta: { name: 'accounts', description: help('help.import.accounts') },
  args: {
    ...common,
    'id-column': { type: 'string', description: help('help.import.accountId') },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    await run(ctx, args.db, args.file, args.strict === true, 'accounts', async (engine, options) => {
      const source = readAccounts(resolve(ctx.cwd, args.file), {
        ...options,
        ...(args['id-column'] ? { idColumn: args['id-column'] } : {}),
        batchSize: BATCH,
      })
      let n = 0
      for await (const rows of source.batches()) {
        await engine.upsertAccounts(rows.map((r) => ({ id: r.id, properties: r.properties })))
        n += rows.length
      }
      return n
    })
  },
})

const eventsCommand = defineCommand({
  meta: {
    name: 'events',
    description: help('help.import.events'),
  },
  args: {
    ...common,
    'contact-column': {
      type: 'string',
      description: help('help.import.contactColumn'),
    },
    'event-column': { type: 'string', description: help('help.import.eventColumn') },
    'time-column': { type: 'string', description: help('help.import.timeColumn') },
    'id-column': {
      type: 'string',
      description: help('help.import.eventIdColumn'),
    },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    await run(ctx, args.db, args.file, args.strict === true, 'events', async (engine, options, badRows) => {
      const source = readEvents(resolve(ctx.cwd, args.file), {
        ...options,
        batchSize: BATCH,
        ...(args['contact-column'] ? { contactIdColumn: args['contact-column'] } : {}),
        ...(args['event-column'] ? { eventColumn: args['event-column'] } : {}),
        ...(args['time-column'] ? { timeColumn: args['time-column'] } : {}),
        ...(args['id-column'] ? { eventIdColumn: args['id-column'] } : {}),
      })
      let n = 0
      for await (const rows of source.batches()) {
        const result = await engine.ingest(
          rows.map((r) => ({
            type: 'track',
            event: r.event.name,
            userId: r.contactId,
            messageId: r.event.id,
            timestamp: new Date(r.event.ts).toISOString(),
            properties: r.event.properties,
          })),
        )
        for (const rejection of result.rejections) {
          const row = rows[rejection.index]!
          const issue = rowIssue(
            args.file,
            row.line,
            'rejected',
            rejection.reason,
            'fix the row and import the file again',
            undefined,
            rejection.text === undefined ? undefined : sayApi(rejection.text, localeOf(ctx)),
          )
          if (args.strict === true) throw new BadRowError(issue)
          badRows.add(issue)
        }
        n += result.accepted + result.duplicates
      }
      return n
    })
  },
})

export const importCommand = defineCommand({
  meta: {
    name: 'import',
    description: help('help.import'),
  },
  subCommands: { contacts: contactsCommand, accounts: accountsCommand, events: eventsCommand },
})
