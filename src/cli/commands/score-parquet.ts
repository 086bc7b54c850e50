/**
 * `leadscore score --events events.parquet`: the engine's own scoring over Parquet files,
 * in parts of contacts when the events would not fit in memory at once
 * (`openParquetInputs`); each part is scored as `leadscore score` scores its files and
 * written as it is done, so the output has the same rows and columns (the parts' rows one
 * part after the other).
 * @module
 */
import { resolve } from 'node:path'
import { scoreAccountsFromColumns } from '../../core/columnar/index.js'
import type { CompiledModel } from '../../core/compile.js'
import {
  createScoreWriter,
  type ScoreFormat,
  scoreColumnsInThreads,
  startRuleWorker,
} from '../../io/index.js'
import {
  openParquetInputs,
  type ParquetFiles,
  type ParquetPartitionOptions,
} from '../../io/parquet-partitions.js'
import { type CliContext, textOf } from '../context.js'
import { inputCliError } from '../input-error.js'
import { humanTime } from '../time.js'
import { outputColumns, SCORE_COLUMNS } from './score.js'

const ACCOUNT_COLUMNS = ['account_id', 'account_engagement', 'account_total', 'account_band']

/** Scores Parquet inputs part by part and writes the scores; reports as `leadscore score` does. */
export async function scoreParquet(
  ctx: CliContext,
  model: CompiledModel,
  files: ParquetFiles,
  run: {
    readonly asOf: number
    readonly format: ScoreFormat
    readonly out?: string | undefined
    readonly started: number
  } & ParquetPartitionOptions,
): Promise<void> {
  const path = (file: string | undefined) => (file ? resolve(ctx.cwd, file) : undefined)
  let inputs: Awaited<ReturnType<typeof openParquetInputs>>
  try {
    inputs = await openParquetInputs(
      model,
      {
        contacts: path(files.contacts)!,
        events: path(files.events),
        accounts: path(files.accounts),
        idColumn: files.idColumn,
      },
      run,
    )
  } catch (error) {
    throw inputCliError(error) ?? error
  }
  const columns = [...SCORE_COLUMNS, ...(model.accounts ? ACCOUNT_COLUMNS : [])]
  const writer = createScoreWriter(run.out ? resolve(ctx.cwd, run.out) : ctx.stdout, run.format, columns)
  const ruleWorker = files.events === undefined ? undefined : startRuleWorker()
  const times = { read: performance.now() - run.started, score: 0, write: 0 }
  let events = 0
  try {
    for (let p = 0; p < inputs.partitions; p++) {
      let t = performance.now()
      const part = await inputs.read(p)
      times.read += performance.now() - t
      t = performance.now()
      const { contacts } = part
      events += part.events.length
      const scores = await scoreColumnsInThreads(model, contacts, part.events, run.asOf, {
        started: ruleWorker,
      })
      const accounts = model.accounts
        ? scoreAccountsFromColumns(model, contacts, scores, part.accounts)
        : undefined
      times.score += performance.now() - t
      t = performance.now()
      await writer.writeColumns(contacts.length, outputColumns(model, contacts, scores, accounts))
      times.write += performance.now() - t
    }
    const t = performance.now()
    await writer.end()
    times.write += performance.now() - t
  } finally {
    await ruleWorker?.close()
    inputs.close()
  }
  const text = textOf(ctx)
  const seconds = (ms: number) =>
    text.t('seconds', {
      seconds: text.number(ms / 1000, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    })
  const s = inputs.stats
  ctx.stderr.write(
    `${text.t('score.done', {
      contacts: s.contacts,
      events,
      asOf: humanTime(ctx, run.asOf),
      total: seconds(performance.now() - run.started),
      read: seconds(times.read),
      score: seconds(times.score),
      write: seconds(times.write),
      out: run.out ? ` → ${run.out}` : '',
    })}\n`,
  )
  const unknown = s.events - events
  if (unknown > 0)
    ctx.stderr.write(`${text.t('score.unknownContactEvents', { count: unknown, file: files.contacts })}\n`)
  if (s.duplicateContacts > 0)
    ctx.stderr.write(
      `${text.t('score.duplicateContacts', { count: s.duplicateContacts, file: files.contacts })}\n`,
    )
}
