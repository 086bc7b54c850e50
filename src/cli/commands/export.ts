/**
 * `leadscore export`: any queue or segment view of the database as CSV or NDJSON, streamed
 * a page at a time (a million rows never sit in memory), to a file or stdout.
 * @module
 */

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { resolve } from 'node:path'
import type { Writable } from 'node:stream'
import { defineCommand } from 'citty'
import { exportContacts } from '../../engine/contact-export.js'
import { CONTACT_SORTS, type ContactFilters, type ContactSort } from '../../store/index.js'
import { CliError, cliContext, textOf } from '../context.js'
import { help } from '../help.js'
import { dbArg, openDatabase } from './serve.js'

const list = (value: string | undefined): string[] | undefined => {
  const items = value
    ?.split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
  return items === undefined || items.length === 0 ? undefined : items
}

type Filtered = 'band' | 'grade' | 'level' | 'label' | 'stage' | 'journey' | 'segment' | 'owner' | 'account'
const filter = (what: Filtered) =>
  ({ type: 'string', description: help('help.export.filter', { what }) }) as const

export const exportCommand = defineCommand({
  meta: {
    name: 'export',
    description: help('help.export'),
  },
  args: {
    ...dbArg,
    format: { type: 'string', description: help('help.export.format') },
    out: { type: 'string', description: help('help.export.out'), valueHint: 'FILE' },
    model: { type: 'string', description: help('help.export.model') },
    sort: { type: 'string', description: help('help.export.sort', { sorts: CONTACT_SORTS.join(', ') }) },
    ascending: { type: 'boolean', description: help('help.export.asc') },
    band: filter('band'),
    grade: filter('grade'),
    level: filter('level'),
    label: filter('label'),
    stage: filter('stage'),
    journey: filter('journey'),
    segment: filter('segment'),
    owner: filter('owner'),
    account: filter('account'),
    q: { type: 'string', description: help('help.export.q') },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const format = args.format ?? 'csv'
    if (format !== 'csv' && format !== 'ndjson')
      throw new CliError(
        { key: 'export.format', values: { format } },
        {
          hint: { key: 'export.format.hint' },
        },
      )
    const sort = (args.sort ?? 'total') as ContactSort
    if (!CONTACT_SORTS.includes(sort))
      throw new CliError(
        { key: 'export.sort', values: { sort: args.sort } },
        { hint: { key: 'export.sort.hint', values: { sorts: CONTACT_SORTS.join(', ') } } },
      )
    const filters: ContactFilters = {
      band: list(args.band),
      grade: list(args.grade),
      level: list(args.level),
      label: list(args.label),
      stage: list(args.stage),
      journey: list(args.journey),
      segment: list(args.segment),
      owner: list(args.owner),
      account: list(args.account),
      text: args.q?.trim() || undefined,
    }
    const store = await openDatabase(ctx, args.db)
    let out: Writable = ctx.stdout
    let file: ReturnType<typeof createWriteStream> | undefined
    try {
      const models = await store.publishedModels()
      const model = args.model ?? models.find((m) => m.primary)?.id
      if (model === undefined)
        throw new CliError(
          { key: 'export.nonePublished' },
          {
            hint: { key: 'export.nonePublished.hint' },
          },
        )
      if (!models.some((m) => m.id === model))
        throw new CliError(
          { key: 'export.notPublished', values: { model } },
          {
            hint: { key: 'export.notPublished.hint', values: { models: models.map((m) => m.id).join(', ') } },
          },
        )
      if (args.out) {
        file = createWriteStream(resolve(ctx.cwd, args.out))
        await once(file, 'open')
        out = file
      }
      let rows = 0
      const query = { model, sort, direction: args.ascending ? ('asc' as const) : ('desc' as const), filters }
      for await (const chunk of exportContacts(store, query, format)) {
        if (!out.write(chunk.text)) await once(out, 'drain')
        rows += chunk.rows
      }
      if (file) {
        file.end()
        await once(file, 'finish')
      }
      const t = textOf(ctx)
      ctx.stderr.write(
        `${t.t('export.done', { count: rows, to: args.out ? t.t('export.to', { file: args.out }) : '' })}\n`,
      )
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== undefined && file === undefined && args.out)
        throw new CliError(
          { key: 'export.cannotWrite', values: { file: args.out, detail: (error as Error).message } },
          {
            hint: { key: 'export.cannotWrite.hint' },
          },
        )
      throw error
    } finally {
      file?.destroy()
      await store.close()
    }
  },
})
