/**
 * `leadscore train`: learn the likelihood to convert from a CSV of past leads, evaluate it by
 * cross-validation, warn about data that cannot support it, and save the model.
 * @module
 */

import { stat, writeFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { trainModelInThreads } from '../../engine/predictive/fold-pool.js'
import { CsvTokenizer, createProgress, csvFields, InputFileError, inputKind } from '../../io/index.js'
import { readText } from '../../io/read-text.js'
import type { LearnerName } from '../../predict/model.js'
import { detectSeparator, type LeadTable, swapSeparator } from '../../predict/table.js'
import type { TrainingReport, trainModel } from '../../predict/train.js'
import type { TrainingWarning } from '../../predict/warnings.js'
import { type CliContext, CliError, cliContext, localeOf } from '../context.js'
import { help } from '../help.js'
import { type HumanFormat, humanFormat } from '../human-format.js'
import { inputCliError } from '../input-error.js'
import { table, writeJson } from './analyze/output.js'
import { asCliError, progressText, warningText } from './train-text.js'

export { asCliError } from './train-text.js'

/** A lead table read from a file, and the rows that could not be read. */
export interface ReadTable {
  readonly table: LeadTable
  readonly separator: string
  /** 1-based lines of rows skipped for a wrong field count or bad quotes (first 5), and how many. */
  readonly badLines: readonly number[]
  readonly badRows: number
}

/**
 * Reads a CSV file (`.csv`, `.gz` too) whole into a {@link LeadTable}; the separator (`,` `;`
 * tab `|`) is detected from the header line. Rows with another field count than the header
 * are skipped and counted. A progress bar shows on a terminal.
 */
export async function readLeadTable(ctx: CliContext, path: string): Promise<ReadTable> {
  try {
    const kind = inputKind(path, 'csv') // any name: read as delimited text, gunzipped when .gz
    const size = (await stat(path)).size
    const bar = createProgress(ctx.stderr, { total: size, label: basename(path) })
    let header: string[] | undefined
    let separator: string | undefined
    const rows: string[][] = []
    const lines: number[] = []
    const badLines: number[] = []
    let badRows = 0
    const bad = (line: number) => {
      badRows++
      if (badLines.length < 5) badLines.push(line)
    }
    const tokenizer = new CsvTokenizer(
      (record, line) => {
        const fields = csvFields(record)
        if (separator !== ',')
          for (let i = 0; i < fields.length; i++) fields[i] = swapSeparator(fields[i]!, separator!)
        if (header === undefined) header = fields.map((f) => f.trim())
        else if (fields.length !== header.length) bad(line)
        else {
          rows.push(fields)
          lines.push(line)
        }
      },
      (_problem, line) => bad(line),
    )
    try {
      for await (const chunk of readText(path, { gzip: kind.gzip, progress: (done) => bar.update(done) })) {
        separator ??= detectSeparator(chunk.replace(/^\uFEFF/, ''))
        tokenizer.push(swapSeparator(chunk, separator))
      }
      tokenizer.end()
    } finally {
      bar.stop()
    }
    if (header === undefined)
      throw new CliError({ key: 'train.empty', values: { path } }, { hint: { key: 'train.empty.hint' } })
    const names = header
    const seen = new Set<string>()
    names.forEach((name, c) => {
      if (name === '')
        throw new CliError(
          { key: 'train.unnamed', values: { path, column: String(c + 1) } },
          { hint: { key: 'train.unnamed.hint' } },
        )
      if (seen.has(name))
        throw new CliError(
          { key: 'train.twice', values: { path, name } },
          { hint: { key: 'train.twice.hint' } },
        )
      seen.add(name)
    })
    const columns = names.map((_, c) => rows.map((row) => row[c]!))
    return {
      table: { header: names, columns, rowCount: rows.length, lines },
      separator: separator ?? ',',
      badLines,
      badRows,
    }
  } catch (error) {
    if (error instanceof InputFileError) throw inputCliError(error)
    if ((error as { code?: unknown }).code === 'ENOENT')
      throw new CliError({ key: 'train.noFile', values: { path } }, { hint: { key: 'train.noFile.hint' } })
    throw error
  }
}

/** A comma-separated option as a list (empty items dropped). */
export function listOption(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
}

/** A progress reporter on stderr: one rewritten line on a terminal, a line per step on a pipe. */
export function progressLine(ctx: CliContext): { say(message: string): void; done(): void } {
  const tty = ctx.stderr.isTTY === true
  let shown = false
  return {
    say(message) {
      if (tty) ctx.stderr.write(`\r\x1b[2K${message}`)
      else ctx.stderr.write(`${message}\n`)
      shown = true
    },
    done() {
      if (tty && shown) ctx.stderr.write('\r\x1b[2K')
    },
  }
}

export const trainCommand = defineCommand({
  meta: {
    name: 'train',
    description: help('help.train'),
  },
  args: {
    data: {
      type: 'string',
      description: help('help.train.data'),
      required: true,
      valueHint: 'FILE',
    },
    label: {
      type: 'string',
      description: help('help.train.label'),
      required: true,
      valueHint: 'COLUMN',
    },
    positive: {
      type: 'string',
      description: help('help.train.positive'),
      valueHint: 'VALUE',
    },
    exclude: { type: 'string', description: help('help.train.exclude'), valueHint: 'a,b' },
    id: {
      type: 'string',
      description: help('help.train.id'),
      valueHint: 'COLUMN',
    },
    time: {
      type: 'string',
      description: help('help.train.time'),
      valueHint: 'COLUMN',
    },
    'missing-values': {
      type: 'string',
      description: help('help.train.missing'),
      valueHint: 'a,b',
    },
    cv: { type: 'string', description: help('help.train.cv'), valueHint: 'N' },
    learner: {
      type: 'enum',
      options: ['auto', 'logistic', 'gbdt'],
      description: help('help.train.learner'),
    },
    seed: {
      type: 'string',
      description: help('help.train.seed'),
      valueHint: 'N',
    },
    threads: {
      type: 'string',
      description: help('help.train.threads'),
      valueHint: 'N',
    },
    out: { type: 'string', description: help('help.train.out'), valueHint: 'FILE' },
    json: { type: 'boolean', description: help('help.train.json') },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const started = performance.now()
    const folds = integerOption(args.cv, '--cv', 5, 2)
    const seed = integerOption(args.seed, '--seed', 0, 0)
    const threads = integerOption(args.threads, '--threads', 1, 1)
    const path = resolve(ctx.cwd, args.data)
    const read = await readLeadTable(ctx, path)
    const f = humanFormat(ctx)
    if (read.badRows > 0)
      ctx.stderr.write(
        `${f.t.t('train.badRows', {
          count: read.badRows,
          file: args.data,
          lines: read.badLines.join(', ') + (read.badRows > read.badLines.length ? ', ...' : ''),
        })}\n`,
      )
    const progress = progressLine(ctx)
    let result: ReturnType<typeof trainModel>
    try {
      // the cross-validation's fits on `threads` threads: the same model and report as on one
      result = await trainModelInThreads(read.table, {
        threads,
        label: args.label,
        positive: args.positive,
        exclude: listOption(args.exclude),
        idColumn: args.id,
        timeColumn: args.time,
        missingValues: listOption(args['missing-values']),
        folds,
        seed,
        learner: (args.learner ?? 'auto') as LearnerName | 'auto',
        onProgress: (message, step) =>
          progress.say(f.t.t('train.progress', { step: progressText(message, localeOf(ctx), step) })),
      })
    } catch (error) {
      throw asCliError(error)
    } finally {
      progress.done()
    }
    const { model, report } = result
    const seconds = (performance.now() - started) / 1000
    if (args.out) {
      const out = resolve(ctx.cwd, args.out)
      const file = {
        ...model,
        training: { ...model.training, trainedAt: new Date().toISOString(), data: basename(path) },
      }
      await writeFile(out, `${JSON.stringify(file)}\n`)
    }
    if (args.json) {
      writeJson(ctx, { ...report, seconds: Number(seconds.toFixed(3)), model: args.out ?? null })
    } else {
      ctx.stdout.write(formatReport(f, report, basename(path), seconds, args.out))
    }
  },
})

function integerOption(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min)
    throw new CliError(
      { key: 'option.notWhole', values: { name, value } },
      { hint: { key: 'option.notWhole.hint', values: { min: String(min) } } },
    )
  return n
}

/** AUC, log loss and Brier with four decimals; `n/a` when not a number. */
export const f4 = (f: HumanFormat, x: number): string =>
  Number.isFinite(x) ? f.fixed(x, 4) : f.t.t('notAvailable')

/** An aligned table without its final newline (the report joins its parts with newlines). */
const tableBlock = (...args: Parameters<typeof table>): string => table(...args).trimEnd()

/** The reasons a column was not used, said (an id, constant, empty). */
const IGNORED = {
  identifier: 'train.ignored.identifier',
  constant: 'train.ignored.constant',
  empty: 'train.ignored.empty',
} as const

/** The evaluation for people. */
export function formatReport(
  f: HumanFormat,
  report: TrainingReport,
  file: string,
  seconds: number,
  out: string | undefined,
): string {
  const { t } = f
  const parts: string[] = []
  parts.push(
    t.t('train.head', {
      learner: report.learner,
      rows: report.rows,
      file,
      positives: report.positives,
      rate: f.pct(report.positiveRate),
      seconds: f.fixed(seconds, 1),
    }) + (report.unlabelled > 0 ? t.t('train.unlabelled', { count: report.unlabelled }) : ''),
  )
  parts.push('')
  parts.push(t.t('train.cv', { folds: report.folds, seed: String(report.seed) }))
  parts.push(
    tableBlock(
      [t.t('col.learner'), 'AUC', t.t('col.std'), t.t('col.logLoss'), ''],
      report.candidates.map((c) => [
        c.learner,
        f4(f, c.auc),
        f4(f, c.aucStd),
        f4(f, c.logLoss),
        c.learner === report.learner ? t.t('train.chosen') : '',
      ]),
      ['left', 'right', 'right', 'right', 'left'],
    ),
  )
  parts.push('')
  parts.push(
    t.t('train.likelihood', {
      auc: f4(f, report.auc),
      std: f4(f, report.aucStd),
      logLoss: f4(f, report.logLoss),
      brier: f4(f, report.brier),
      lift: f.fixed(report.topDecileLift),
    }),
  )
  if (report.timeSplit) {
    const s = report.timeSplit
    parts.push(
      t.t('train.forward', {
        column: s.column,
        from: f.day(s.cutoff),
        test: s.testRows,
        train: s.trainRows,
        auc: f4(f, s.auc),
        logLoss: f4(f, s.logLoss),
        now: f.pct(s.testRate),
        before: f.pct(s.trainRate),
      }),
    )
  }
  parts.push('')
  parts.push(...evaluationBlocks(f, report))
  const ignored = report.dropped.flatMap((d) =>
    d.reason === 'identifier' || d.reason === 'constant' || d.reason === 'empty'
      ? [t.t('train.ignored.column', { column: d.column, reason: t.t(IGNORED[d.reason]) })]
      : [],
  )
  if (ignored.length > 0) parts.push(`\n${t.t('train.ignored', { columns: ignored.join(', ') })}`)
  parts.push(...warningLines(f, report.warnings))
  parts.push(out ? t.t('train.written', { out }) : t.t('train.notSaved'))
  return `${parts.join('\n')}\n`
}

/** Lift by decile, calibration and the most important features, as text blocks (shared with `leadscore predictive`). */
export function evaluationBlocks(
  f: HumanFormat,
  report: Pick<TrainingReport, 'liftByDecile' | 'calibration' | 'importance'>,
): string[] {
  const { t } = f
  const range = (low: number, high: number, digits: number) =>
    t.t('train.likelihoodRange', { low: f.fixed(low * 100, digits), high: f.fixed(high * 100, digits) })
  return [
    t.t('train.lift'),
    tableBlock(
      [
        t.t('col.decile'),
        t.t('col.leads'),
        t.t('col.converted'),
        t.t('col.rate'),
        t.t('col.lift'),
        t.t('col.cumCapture'),
        t.t('col.likelihood'),
      ],
      report.liftByDecile.map((b) => [
        String(b.bin),
        f.count(b.count),
        f.count(b.positives),
        f.pct(b.rate),
        f.fixed(b.lift),
        f.pct(b.cumulativeCapture),
        range(b.minScore, b.maxScore, 1),
      ]),
      ['right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    t.t('train.calibration'),
    tableBlock(
      [t.t('col.likelihood'), t.t('col.leads'), t.t('col.predicted'), t.t('col.observed')],
      report.calibration
        .filter((b) => b.count > 0)
        .map((b) => [
          range(b.lower, b.upper, 0),
          f.count(b.count),
          f.pct(b.meanPredicted),
          f.pct(b.observedRate),
        ]),
      ['left', 'right', 'right', 'right'],
    ),
    '',
    t.t('train.importance'),
    tableBlock(
      [t.t('col.feature'), t.t('col.share')],
      report.importance.slice(0, 10).map((x) => [x.feature, f.pct(x.importance)]),
      ['left', 'right'],
    ),
  ]
}

/** The warnings with what to do, as lines (none when there is none); their codes never change. */
export function warningLines(f: HumanFormat, warnings: readonly TrainingWarning[]): string[] {
  if (warnings.length === 0) return []
  const { t } = f
  return [
    '',
    t.t('train.warnings', { count: warnings.length }),
    ...warnings.map((w) => {
      const said = warningText(w, t.locale)
      return `  [${w.code}] ${said.message}\n    ${t.t('train.whatToDo', { action: said.action })}`
    }),
  ]
}
