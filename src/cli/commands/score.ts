/**
 * `leadscore score`: stateless batch scoring, files in, scores out.
 * @module
 */
import { extname, resolve } from 'node:path'
import { defineCommand } from 'citty'
import type { AccountResult } from '../../core/account.js'
import {
  type BulkScores,
  type ContactColumns,
  contactProperty,
  scoreAccountsFromColumns,
} from '../../core/columnar/index.js'
import { prepareFit } from '../../core/columnar/score.js'
import { ScoreCache } from '../../core/columnar/score-cache.js'
import type { CompiledModel } from '../../core/compile.js'
import {
  createScoreWriter,
  inputKind,
  type ReadScoreColumnsOptions,
  readScoreColumns,
  type ScoreColumn,
  type ScoreFormat,
  scoreColumnsInThreads,
  startRuleWorker,
} from '../../io/index.js'
import { BadRows } from '../bad-rows.js'
import { type CliContext, CliError, cliContext, textOf } from '../context.js'
import { help } from '../help.js'
import { inputCliError } from '../input-error.js'
import { FileProgress, type InputFiles, type LoadedInputs, loadInputs } from '../load-inputs.js'
import { loadModelFile } from '../model-file.js'
import { asOfTime, humanTime } from '../time.js'
import { tableArgs } from './table-args.js'

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
    description: help('help.input.model'),
    required: true,
    valueHint: 'FILE',
  },
  contacts: {
    type: 'string',
    description: help('help.input.contacts'),
    required: true,
    valueHint: 'FILE',
  },
  events: {
    type: 'string',
    description: help('help.input.events'),
    valueHint: 'FILE',
  },
  accounts: { type: 'string', description: help('help.input.accounts'), valueHint: 'FILE' },
  'as-of': {
    type: 'string',
    description: help('help.input.asOf'),
    valueHint: 'TIME',
  },
  'id-column': { type: 'string', description: help('help.input.idColumn') },
  strict: { type: 'boolean', description: help('help.input.strict') },
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
    description: help('help.score'),
  },
  args: {
    ...inputArgs,
    // with --engine and a database --source, the contacts are a table, not a file
    contacts: { ...inputArgs.contacts, required: false },
    engine: {
      type: 'enum',
      options: ['duckdb', 'postgres', 'clickhouse'],
      description: help('help.score.engine'),
    },
    source: {
      type: 'string',
      description: help('help.score.source'),
      valueHint: 'URL|FILE',
    },
    ...tableArgs,
    'id-column': inputArgs['id-column'],
    out: {
      type: 'string',
      description: help('help.score.out'),
    },
    format: {
      type: 'enum',
      options: ['csv', 'json', 'ndjson'],
      description: help('help.score.format'),
    },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const started = performance.now()
    const model = await loadModelFile(ctx, args.model)
    const asOf = asOfTime(args['as-of'])
    const format = outputFormat(args.format, args.out)
    if (args.engine !== undefined || args.source !== undefined) {
      // the SQL engines and their drivers are loaded only here
      const { scoreWithEngine } = await import('./score-engine.js')
      await scoreWithEngine(ctx, model, args, { asOf, format, started })
      return
    }
    if (!args.contacts) {
      throw new CliError({ key: 'score.missingContacts' }, { hint: { key: 'score.missingContacts.hint' } })
    }
    if ([args.contacts, args.events].some((file) => /\.(parquet|pq)$/i.test(file ?? ''))) {
      // Parquet: read by DuckDB in parts of contacts (loaded only here)
      const { scoreParquet } = await import('./score-parquet.js')
      await scoreParquet(ctx, model, inputFiles({ ...args, contacts: args.contacts }), {
        asOf,
        format,
        out: args.out,
        started,
      })
      return
    }
    const badRows = new BadRows()
    // the rules' worker starts while the files are read
    const ruleWorker = args.events === undefined ? undefined : startRuleWorker()
    let inputs: LoadedInputs
    let scores: BulkScores
    let loaded: number
    try {
      // the fit part is computed while the worker sorts the events
      const fitCache = new ScoreCache({ timeless: true })
      inputs = await readInputs(ctx, model, inputFiles({ ...args, contacts: args.contacts }), badRows, {
        worker: ruleWorker,
        meanwhile: (contacts) => prepareFit(model, contacts, undefined, asOf, fitCache),
      })
      loaded = performance.now()
      // the name index costs 4 bytes an event, less than the peak of the read; rules on two threads
      scores = await scoreColumnsInThreads(model, inputs.contacts, inputs.events, asOf, {
        started: ruleWorker,
        fitCache,
      })
    } finally {
      await ruleWorker?.close()
    }
    const accounts = model.accounts
      ? scoreAccountsFromColumns(model, inputs.contacts, scores, inputs.accounts)
      : undefined
    const scored = performance.now()

    const columns: string[] = [...SCORE_COLUMNS, ...(accounts ? ACCOUNT_COLUMNS : [])]
    const writer = createScoreWriter(args.out ? resolve(ctx.cwd, args.out) : ctx.stdout, format, columns)
    const { contacts } = inputs
    await writer.writeColumns(contacts.length, outputColumns(model, contacts, scores, accounts))
    await writer.end()
    const finished = performance.now()

    const s = inputs.stats
    const t = textOf(ctx)
    const seconds = (ms: number) =>
      t.t('seconds', { seconds: t.number(ms / 1000, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) })
    ctx.stderr.write(
      `${t.t('score.done', {
        contacts: contacts.length,
        events: inputs.events.length,
        asOf: humanTime(ctx, asOf),
        total: seconds(finished - started),
        read: seconds(loaded - started),
        score: seconds(scored - loaded),
        write: seconds(finished - scored),
        out: args.out ? ` → ${args.out}` : '',
      })}\n`,
    )
    if (s.unknownContactEvents > 0) {
      ctx.stderr.write(
        `${t.t('score.unknownContactEvents', { count: s.unknownContactEvents, file: args.contacts })}\n`,
      )
    }
    if (s.duplicateContacts > 0) {
      ctx.stderr.write(
        `${t.t('score.duplicateContacts', { count: s.duplicateContacts, file: args.contacts })}\n`,
      )
    }
    if (s.accountsWithoutFile > 0) {
      ctx.stderr.write(
        `${t.t('score.accountsWithoutFile', { count: s.accountsWithoutFile, file: args.accounts })}\n`,
      )
    }
    badRows.report(ctx)
  },
})

/**
 * The inputs as columns: a CSV contacts file straight into columns while the events are
 * parsed on the other cores (`readScoreColumns`), other contacts files by `loadInputs`.
 */
async function readInputs(
  ctx: CliContext,
  model: CompiledModel,
  files: InputFiles,
  badRows: BadRows,
  threads: Pick<ReadScoreColumnsOptions, 'worker' | 'meanwhile'>,
): Promise<LoadedInputs> {
  if (inputKind(files.contacts).format !== 'csv') return loadInputs(ctx, model, files, badRows)
  const progress = new FileProgress(ctx)
  const path = (file: string | undefined) => (file ? resolve(ctx.cwd, file) : undefined)
  try {
    return await readScoreColumns(
      model,
      {
        contacts: path(files.contacts)!,
        events: path(files.events),
        accounts: path(files.accounts),
        idColumn: files.idColumn,
      },
      {
        strict: files.strict,
        onBadRow: badRows.add,
        progress: (file) => progress.options(file),
        fileDone: () => progress.done(),
        ...threads,
      },
    )
  } catch (error) {
    // as loadInputs reports them
    throw inputCliError(error) ?? error
  } finally {
    progress.done()
  }
}

/**
 * The output columns of a scoring, in `SCORE_COLUMNS` order, then `ACCOUNT_COLUMNS` when the
 * accounts were scored: what `leadscore score` writes, from CSV or Parquet.
 */
export function outputColumns(
  model: CompiledModel,
  contacts: ContactColumns,
  scores: BulkScores,
  accounts: ReadonlyMap<string, AccountResult> | undefined,
): ScoreColumn[] {
  const { classes } = scores
  const out: ScoreColumn[] = [
    { at: (c) => contacts.ids[c] },
    { numbers: scores.fit },
    { numbers: scores.engagement },
    { numbers: scores.total },
    ...(['grade', 'level', 'label', 'band', 'stage', 'journey'] as const).map((name) => classes[name]),
    { at: segmentsText(scores.segments) },
  ]
  if (accounts) {
    const key = model.accounts?.key ?? 'account_id'
    const accountOf = Array.from({ length: contacts.length }, (_, c) => {
      const id = contactProperty(contacts, key, c)
      return id === undefined || id === null ? undefined : accounts.get(String(id))
    })
    out.push(
      { at: (c) => accountOf[c]?.accountId },
      { at: (c) => accountOf[c]?.engagement },
      { at: (c) => accountOf[c]?.total },
      { at: (c) => accountOf[c]?.band },
    )
  }
  return out
}

/** Each contact's segments joined by `|`, joined once per list (contacts share lists). */
export function segmentsText(segments: readonly (readonly string[])[]): (c: number) => string {
  const joined = new Map<readonly string[], string>()
  return (c) => {
    const list = segments[c]!
    let text = joined.get(list)
    if (text === undefined) {
      text = list.join('|')
      joined.set(list, text)
    }
    return text
  }
}

export function outputFormat(format: string | undefined, out: string | undefined): ScoreFormat {
  if (format === 'csv' || format === 'json' || format === 'ndjson') return format
  if (format !== undefined)
    throw new CliError(
      { key: 'format.unknown', values: { format } },
      { hint: { key: 'format.unknown.hint' } },
    )
  if (!out) return 'csv'
  const ext = extname(out.replace(/\.gz$/i, '')).toLowerCase()
  if (ext === '.json') return 'json'
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson'
  if (ext === '.csv' || ext === '') return 'csv'
  throw new CliError(
    { key: 'format.cannotTell', values: { out } },
    { hint: { key: 'format.cannotTell.hint' } },
  )
}
