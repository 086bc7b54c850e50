/**
 * `leadscore score --engine duckdb|postgres|clickhouse`: the model compiled to SQL and run
 * where the data is; the output is the file `leadscore score` writes.
 * @module
 */
import { resolve } from 'node:path'
import type { CompiledModel } from '../../core/compile.js'
import { createScoreWriter, type ScoreFormat } from '../../io/index.js'
import type { DialectName } from '../../sql/dialect.js'
import { runOnClickHouse } from '../../sql/engines/clickhouse.js'
import { runOnDuckDb } from '../../sql/engines/duckdb.js'
import { runOnPostgres, type TableNames } from '../../sql/engines/postgres.js'
import type { EngineRun } from '../../sql/engines/run.js'
import { type CliContext, CliError, textOf } from '../context.js'
import { humanTime } from '../time.js'
import { dialectOf, readsAccounts, sqlColumns, unsupportedError } from './sql.js'

export interface EngineArgs {
  readonly engine?: string | undefined
  readonly source?: string | undefined
  readonly contacts?: string | undefined
  readonly events?: string | undefined
  readonly accounts?: string | undefined
  readonly out?: string | undefined
  readonly 'contacts-table'?: string | undefined
  readonly 'events-table'?: string | undefined
  readonly 'accounts-table'?: string | undefined
  readonly 'id-column'?: string | undefined
  readonly 'contact-column'?: string | undefined
  readonly 'event-column'?: string | undefined
  readonly 'time-column'?: string | undefined
  readonly 'account-id-column'?: string | undefined
}

/** Where `--source` points: a database URL or file, by its form. */
function engineOfSource(source: string): DialectName | undefined {
  if (/^postgres(ql)?:\/\//i.test(source)) return 'postgres'
  if (/^https?:\/\//i.test(source)) return 'clickhouse'
  if (/\.(duckdb|db)$/i.test(source)) return 'duckdb'
  return undefined
}

/** Runs the model on the engine the arguments name and writes the scores. */
export async function scoreWithEngine(
  ctx: CliContext,
  model: CompiledModel,
  args: EngineArgs,
  run: { readonly asOf: number; readonly format: ScoreFormat; readonly started: number },
): Promise<void> {
  const engine = dialectOf(
    args.engine ?? (args.source === undefined ? undefined : engineOfSource(args.source)),
    '--engine',
  )
  const tables: TableNames = {
    contacts: args['contacts-table'] ?? 'contacts',
    events: args['events-table'] ?? 'events',
    accounts: args['accounts-table'] ?? (readsAccounts(model) ? 'accounts' : undefined),
  }
  const options = { asOf: run.asOf, columns: sqlColumns(args) }
  let started: EngineRun
  try {
    if (engine === 'duckdb') {
      if (args.source === undefined && args.contacts === undefined) {
        throw new CliError({ key: 'engine.duckdbInput' }, { hint: { key: 'engine.duckdbInput.hint' } })
      }
      started = await runOnDuckDb(
        model,
        args.source !== undefined
          ? { kind: 'database', path: resolve(ctx.cwd, args.source), tables }
          : {
              kind: 'files',
              contacts: resolve(ctx.cwd, args.contacts!),
              events: args.events === undefined ? undefined : resolve(ctx.cwd, args.events),
              accounts: args.accounts === undefined ? undefined : resolve(ctx.cwd, args.accounts),
            },
        options,
      )
    } else {
      if (args.source === undefined) {
        throw new CliError(
          { key: 'engine.needsSource', values: { engine } },
          { hint: { key: 'engine.needsSource.hint', values: { engine } } },
        )
      }
      started =
        engine === 'postgres'
          ? await runOnPostgres(model, args.source, tables, options)
          : await runOnClickHouse(model, args.source, tables, options)
    }
  } catch (error) {
    const failure = unsupportedError(error)
    if (failure instanceof CliError) throw failure
    throw new CliError(
      { key: 'engine.failed', values: { engine, detail: (failure as Error).message } },
      { hint: { key: 'engine.failed.hint' } },
    )
  }
  const writer = createScoreWriter(
    args.out ? resolve(ctx.cwd, args.out) : ctx.stdout,
    run.format,
    started.compiled.columns,
  )
  for await (const batch of started.rows) await writer.writeAll(batch)
  await writer.end()
  const t = textOf(ctx)
  const seconds = t.number((performance.now() - run.started) / 1000, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })
  ctx.stderr.write(
    `${t.t('engine.done', {
      count: writer.rows,
      engine,
      asOf: humanTime(ctx, run.asOf),
      seconds,
      out: args.out ? ` → ${args.out}` : '',
    })}\n`,
  )
}
