/**
 * `leadscore score`: stateless batch scoring, files in, scores out.
 * @module
 */
import { extname, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { scoreAccountsFromColumns, scoreColumns } from '../../core/columnar/index.js'
import { createScoreWriter, type ScoreFormat, type ScoreRow } from '../../io/index.js'
import { BadRows } from '../bad-rows.js'
import { CliError, cliContext } from '../context.js'
import { type InputFiles, loadInputs } from '../load-inputs.js'
import { loadModelFile } from '../model-file.js'
import { asOfTime } from '../time.js'
import { scoreWithEngine } from './score-engine.js'
import { tableArgs } from './sql.js'

/** The columns every output starts with, in this order. */
export const SCORE_COLUMNS = [
  'contact_id',
  'fit',
  'engagement',
  'total',
  'grade',
  'level',
  'label',
  'band',
  'stage',
  'journey',
  'segments',
] as const

const ACCOUNT_COLUMNS = ['account_id', 'account_engagement', 'account_total', 'account_band'] as const

export const inputArgs = {
  model: {
    type: 'string',
    description: 'The scoring model (YAML or JSON)',
    required: true,
    valueHint: 'FILE',
  },
  contacts: {
    type: 'string',
    description: 'Contacts: CSV or NDJSON (.gz too); an id column, the rest are properties',
    required: true,
    valueHint: 'FILE',
  },
  events: {
    type: 'string',
    description: 'Events: contact id, event name, time, and properties',
    valueHint: 'FILE',
  },
  accounts: { type: 'string', description: 'Accounts: account_id and properties', valueHint: 'FILE' },
  'as-of': {
    type: 'string',
    description: 'Score as of this time (ISO-8601 or epoch ms; default: now)',
    valueHint: 'TIME',
  },
  'id-column': { type: 'string', description: 'The contacts id column (default contact_id, then id)' },
  strict: { type: 'boolean', description: 'Fail at the first bad row instead of skipping it' },
} as const

/** The input files named by the `inputArgs` options. */
export function inputFiles(args: {
  contacts: string
  events?: string | undefined
  accounts?: string | undefined
  'id-column'?: string | undefined
  strict?: boolean | undefined
}): InputFiles {
  return {
    contacts: args.contacts,
    events: args.events,
    accounts: args.accounts,
    idColumn: args['id-column'],
    strict: args.strict === true,
  }
}

export const scoreCommand = defineCommand({
  meta: {
    name: 'score',
    description: 'Score contacts from files: fit, engagement, total, grade, band, stage, ...',
  },
  args: {
    ...inputArgs,
    // with --engine and a database --source, the contacts are a table, not a file
    contacts: { ...inputArgs.contacts, required: false },
    engine: {
      type: 'enum',
      options: ['duckdb', 'postgres', 'clickhouse'],
      description: 'Score where the data is, with the model compiled to SQL (see `leadscore sql`)',
    },
    source: {
      type: 'string',
      description: 'With --engine: a database (postgres://..., http://clickhouse:8123, a .duckdb file)',
      valueHint: 'URL|FILE',
    },
    ...tableArgs,
    'id-column': inputArgs['id-column'],
    out: {
      type: 'string',
      description: 'Write scores here (.csv, .json, .ndjson, .gz too; default: stdout)',
    },
    format: {
      type: 'enum',
      options: ['csv', 'json', 'ndjson'],
      description: 'Output format (default: from --out, else csv)',
    },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const started = performance.now()
    const model = await loadModelFile(ctx, args.model)
    const asOf = asOfTime(args['as-of'])
    const format = outputFormat(args.format, args.out)
    if (args.engine !== undefined || args.source !== undefined) {
      await scoreWithEngine(ctx, model, args, { asOf, format, started })
      return
    }
    if (!args.contacts) {
      throw new CliError('missing --contacts', { hint: 'name the contacts file: --contacts contacts.csv' })
    }
    const badRows = new BadRows()
    const inputs = await loadInputs(ctx, model, inputFiles({ ...args, contacts: args.contacts }), badRows)
    const loaded = performance.now()
    const scores = scoreColumns(model, inputs.contacts, inputs.events, asOf)
    const accounts = model.accounts
      ? scoreAccountsFromColumns(model, inputs.contacts, scores, inputs.accounts)
      : undefined
    const scored = performance.now()

    const columns: string[] = [...SCORE_COLUMNS, ...(accounts ? ACCOUNT_COLUMNS : [])]
    const writer = createScoreWriter(args.out ? resolve(ctx.cwd, args.out) : ctx.stdout, format, columns)
    const { contacts } = inputs
    const key = model.accounts?.key ?? 'account_id'
    const rows = function* (): Generator<ScoreRow> {
      for (let c = 0; c < contacts.length; c++) {
        const row: Record<string, unknown> = {
          contact_id: contacts.ids[c],
          fit: scores.fit[c],
          engagement: scores.engagement[c],
          total: scores.total[c],
          grade: scores.grade[c],
          level: scores.level[c],
          label: scores.label[c],
          band: scores.band[c],
          stage: scores.stage[c],
          journey: scores.journey[c],
          segments: scores.segments[c]!.join('|'),
        }
        if (accounts) {
          const id = contacts.properties[c]?.[key]
          const account = id === undefined || id === null ? undefined : accounts.get(String(id))
          row.account_id = account?.accountId
          row.account_engagement = account?.engagement
          row.account_total = account?.total
          row.account_band = account?.band
        }
        yield row
      }
    }
    await writer.writeAll(rows())
    await writer.end()
    const finished = performance.now()

    const s = inputs.stats
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
    ctx.stderr.write(
      `scored ${contacts.length.toLocaleString('en-US')} contacts from ${inputs.events.length.toLocaleString('en-US')} events as of ${new Date(asOf).toISOString()}` +
        ` in ${seconds(finished - started)} (read ${seconds(loaded - started)}, score ${seconds(scored - loaded)}, write ${seconds(finished - scored)})` +
        `${args.out ? ` → ${args.out}` : ''}\n`,
    )
    if (s.unknownContactEvents > 0) {
      ctx.stderr.write(
        `${s.unknownContactEvents.toLocaleString('en-US')} events belong to contacts that are not in ${args.contacts}; they were ignored\n`,
      )
    }
    if (s.duplicateContacts > 0) {
      ctx.stderr.write(
        `${s.duplicateContacts} repeated contact ids in ${args.contacts}: the first row of each was used\n`,
      )
    }
    if (s.accountsWithoutFile > 0) {
      ctx.stderr.write(`${s.accountsWithoutFile} contacts name an account that is not in ${args.accounts}\n`)
    }
    badRows.report(ctx)
  },
})

export function outputFormat(format: string | undefined, out: string | undefined): ScoreFormat {
  if (format === 'csv' || format === 'json' || format === 'ndjson') return format
  if (format !== undefined)
    throw new CliError(`unknown format ${format}`, { hint: 'use csv, json or ndjson' })
  if (!out) return 'csv'
  const ext = extname(out.replace(/\.gz$/i, '')).toLowerCase()
  if (ext === '.json') return 'json'
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson'
  if (ext === '.csv' || ext === '') return 'csv'
  throw new CliError(`cannot tell the output format of ${out}`, {
    hint: 'name the file .csv, .json or .ndjson (optionally .gz), or pass --format',
  })
}
