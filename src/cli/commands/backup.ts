/**
 * `leadscore backup --out FILE` and `leadscore restore FILE`: a consistent online copy of the
 * SQLite database (while the server runs), and putting one back (with the server stopped).
 * PostgreSQL databases are backed up with PostgreSQL's own tools (pg_dump), as the message says.
 * @module
 */
import { basename, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { createProgress } from '../../io/index.js'
import { type BackupSummary, backupSqlite, restoreSqlite, StoreError } from '../../store/index.js'
import { type CliContext, CliError, cliContext, textOf } from '../context.js'
import { help } from '../help.js'
import { databaseLocation, dbArg } from './serve.js'

function sqliteOnly(ctx: CliContext, db: string | undefined, what: 'backup' | 'restore'): string {
  const location = databaseLocation(ctx, db)
  if (/^postgres(ql)?:\/\//i.test(location)) {
    throw new CliError(
      { key: 'backup.postgres', values: { what } },
      { hint: { key: 'backup.postgres.hint', values: { what } } },
    )
  }
  return location
}

const describe = (ctx: CliContext, s: BackupSummary) => {
  const t = textOf(ctx)
  return t.t('backup.summary', {
    contacts: s.contacts,
    events: s.events,
    schema: s.schemaVersion,
    mb: t.number(s.bytes / 1e6, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  })
}

export const backupCommand = defineCommand({
  meta: { name: 'backup', description: help('help.backup') },
  args: {
    ...dbArg,
    out: { type: 'string', description: help('help.backup.out'), required: true, valueHint: 'FILE' },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const source = sqliteOnly(ctx, args.db, 'backup')
    const target = resolve(ctx.cwd, args.out)
    let bar: ReturnType<typeof createProgress> | undefined
    try {
      const summary = await backupSqlite(source, target, (p) => {
        if (ctx.stderr.isTTY !== true) return
        bar ??= createProgress(ctx.stderr, { total: p.totalPages * 4096, label: basename(target).padEnd(16) })
        bar.update((p.totalPages - p.remainingPages) * 4096)
      })
      bar?.stop()
      ctx.stderr.write(
        `${textOf(ctx).t('backup.done', { source, file: args.out, summary: describe(ctx, summary) })}\n`,
      )
    } catch (error) {
      bar?.stop()
      if (error instanceof StoreError) throw new CliError(error.message)
      throw error
    }
  },
})

export const restoreCommand = defineCommand({
  meta: { name: 'restore', description: help('help.restore') },
  args: {
    ...dbArg,
    file: { type: 'positional', description: help('help.restore.file'), required: true },
    force: { type: 'boolean', description: help('help.restore.force') },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const target = sqliteOnly(ctx, args.db, 'restore')
    try {
      const summary = restoreSqlite(resolve(ctx.cwd, args.file), target, args.force === true)
      ctx.stderr.write(
        `${textOf(ctx).t('restore.done', { file: args.file, target, summary: describe(ctx, summary) })}\n`,
      )
    } catch (error) {
      if (error instanceof StoreError)
        throw new CliError(
          error.message,
          error.message.includes('--force') ? { hint: { key: 'restore.force.hint' } } : {},
        )
      throw error
    }
  },
})
