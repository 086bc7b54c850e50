/**
 * `leadscore sql`: prints the SQL that scores every contact of a model where the events
 * are (DuckDB, PostgreSQL, ClickHouse). Also the table options `score --engine` shares.
 * @module
 */
import { defineCommand } from 'citty'
import type { CompiledModel } from '../../core/compile.js'
import { contactProperties } from '../../core/fields.js'
import {
  type CompileSqlOptions,
  compileToSql,
  DIALECTS,
  type DialectName,
  SqlUnsupportedError,
} from '../../sql/index.js'
import { CliError, cliContext } from '../context.js'
import { help } from '../help.js'
import { loadModelFile } from '../model-file.js'
import { asOfTime } from '../time.js'
import { tableArgs } from './table-args.js'

export { tableArgs }

/** The column names given on the command line. */
export function sqlColumns(args: {
  'id-column'?: string | undefined
  'contact-column'?: string | undefined
  'event-column'?: string | undefined
  'time-column'?: string | undefined
  'account-id-column'?: string | undefined
}): NonNullable<CompileSqlOptions['columns']> {
  return {
    id: args['id-column'],
    contactId: args['contact-column'],
    event: args['event-column'],
    time: args['time-column'],
    accountId: args['account-id-column'],
  }
}

/** Whether the model needs an accounts table: account scores or `account.*` fields. */
export function readsAccounts(model: CompiledModel): boolean {
  return model.accounts !== undefined || contactProperties(model.document).account.size > 0
}

/** The dialect named by `--dialect` / `--engine`. */
export function dialectOf(value: string | undefined, option: string): DialectName {
  if (value !== undefined && (DIALECTS as readonly string[]).includes(value)) return value as DialectName
  throw new CliError(
    { key: 'sql.dialect', values: { spec: value === undefined ? option : `${option} ${value}` } },
    { hint: { key: 'sql.dialect.hint', values: { dialects: DIALECTS.join(', ') } } },
  )
}

/** A compile failure as a CliError that lists the constructs. */
export function unsupportedError(error: unknown): unknown {
  if (!(error instanceof SqlUnsupportedError)) return error
  return new CliError(error.message.split('\n').slice(0, -1).join('\n'), {
    hint: { key: 'sql.unsupported.hint' },
  })
}

export const sqlCommand = defineCommand({
  meta: {
    name: 'sql',
    description: help('help.sql'),
  },
  args: {
    model: {
      type: 'string',
      description: help('help.input.model'),
      required: true,
      valueHint: 'FILE',
    },
    dialect: {
      type: 'enum',
      options: [...DIALECTS],
      description: help('help.sql.engine'),
      required: true,
    },
    'as-of': {
      type: 'string',
      description: help('help.input.asOf'),
      valueHint: 'TIME',
    },
    ...tableArgs,
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const model = await loadModelFile(ctx, args.model)
    const dialect = dialectOf(args.dialect, '--dialect')
    try {
      const { sql } = compileToSql(model, {
        dialect,
        tables: {
          contacts: args['contacts-table'] ?? 'contacts',
          events: args['events-table'] ?? 'events',
          accounts: args['accounts-table'] ?? (readsAccounts(model) ? 'accounts' : undefined),
        },
        columns: sqlColumns(args),
        asOf: asOfTime(args['as-of']),
      })
      ctx.stdout.write(sql)
    } catch (error) {
      throw unsupportedError(error)
    }
  },
})
