/**
 * `leadscore train`: learn the likelihood to convert from a CSV of past leads, evaluate it by
 * cross-validation, warn about data that cannot support it, and save the model.
 * @module
 */
import { stat, writeFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { CsvTokenizer, createProgress, csvFields, InputFileError, inputKind } from '../../io/index.js'
import { readText } from '../../io/read-text.js'
import type { LearnerName } from '../../predict/model.js'
import { detectSeparator, type LeadTable, PredictInputError, swapSeparator } from '../../predict/table.js'
import { type TrainingReport, trainModel } from '../../predict/train.js'
import type { TrainingWarning } from '../../predict/warnings.js'
import { type CliContext, CliError, cliContext } from '../context.js'
import { help } from '../help.js'
import { count, pct, table, writeJson } from './analyze/output.js'

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
      throw new CliError(`${path} is empty`, {
        hint: 'give a CSV file with a header row and one row per lead',
      })
    const names = header
    const seen = new Set<string>()
    names.forEach((name, c) => {
      if (name === '')
        throw new CliError(`${path}:1: column ${c + 1} of the header has no name`, {
          hint: 'give every column a name in the header row',
        })
      if (seen.has(name))
        throw new CliError(`${path}:1: the header names "${name}" twice`, {
          hint: 'give every column its own name',
        })
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
    if (error instanceof InputFileError) throw new CliError(error.message, { hint: error.hint })
    if ((error as { code?: unknown }).code === 'ENOENT')
      throw new CliError(`${path}: no such file`, { hint: 'check the path given to --data' })
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

/** A {@link PredictInputError} as a CLI error; other errors unchanged. */
export function asCliError(error: unknown): unknown {
  return error instanceof PredictInputError ? new CliError(error.message, { hint: error.hint }) : error
}

export const trainCommand = defineCommand({
  meta: {
    name: 'train',
    description: help('help.train'),
  },
  args: {
    data: {
      type: 'string',
      description: 'Past leads: CSV (, ; tab or | separated, .gz too), one row per lead',
      required: true,
      valueHint: 'FILE',
    },
    label: {
      type: 'string',
      description: 'The column saying whether the lead converted',
      required: true,
      valueHint: 'COLUMN',
    },
    positive: {
      type: 'string',
      description: 'The label value that means converted (default: 1, yes, true, ...)',
      valueHint: 'VALUE',
    },
    exclude: { type: 'string', description: 'Columns not to learn from, comma-separated', valueHint: 'a,b' },
    id: {
      type: 'string',
      description: 'The lead id column (kept out of the features, copied to predictions)',
      valueHint: 'COLUMN',
    },
    time: {
      type: 'string',
      description: 'A column with when each lead came in: adds a forward-in-time check',
      valueHint: 'COLUMN',
    },
    'missing-values': {
      type: 'string',
      description: 'Cell values that mean "not answered", comma-separated (e.g. Select)',
      valueHint: 'a,b',
    },
    cv: { type: 'string', description: 'Cross-validation folds (default 5)', valueHint: 'N' },
    learner: {
      type: 'enum',
      options: ['auto', 'logistic', 'gbdt'],
      description: 'auto (default): the better of logistic and gbdt in cross-validation',
    },
    seed: {
      type: 'string',
      description: 'Random seed of the folds and the trees (default 0)',
      valueHint: 'N',
    },
    out: { type: 'string', description: 'Write the model here (JSON)', valueHint: 'FILE' },
    json: { type: 'boolean', description: 'Print the evaluation as JSON' },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const started = performance.now()
    const folds = integerOption(args.cv, '--cv', 5, 2)
    const seed = integerOption(args.seed, '--seed', 0, 0)
    const path = resolve(ctx.cwd, args.data)
    const read = await readLeadTable(ctx, path)
    if (read.badRows > 0)
      ctx.stderr.write(
        `${read.badRows} rows of ${args.data} were skipped: another number of fields than the header, or bad quotes (lines ${read.badLines.join(', ')}${read.badRows > read.badLines.length ? ', ...' : ''})\n`,
      )
    const progress = progressLine(ctx)
    let result: ReturnType<typeof trainModel>
    try {
      result = trainModel(read.table, {
        label: args.label,
        positive: args.positive,
        exclude: listOption(args.exclude),
        idColumn: args.id,
        timeColumn: args.time,
        missingValues: listOption(args['missing-values']),
        folds,
        seed,
        learner: (args.learner ?? 'auto') as LearnerName | 'auto',
        onProgress: (message) => progress.say(`train: ${message}`),
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
      ctx.stdout.write(formatReport(report, basename(path), seconds, args.out))
    }
  },
})

function integerOption(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${name} is "${value}"`, { hint: `give a whole number of at least ${min}` })
  return n
}

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'n/a')

/** The evaluation for people. */
/** An aligned table without its final newline (the report joins its parts with newlines). */
const tableBlock = (...args: Parameters<typeof table>): string => table(...args).trimEnd()

export function formatReport(
  report: TrainingReport,
  file: string,
  seconds: number,
  out: string | undefined,
): string {
  const parts: string[] = []
  parts.push(
    `trained ${report.learner} on ${count(report.rows)} leads of ${file} (${count(report.positives)} converted, ${pct(report.positiveRate)}) in ${seconds.toFixed(1)} s` +
      (report.unlabelled > 0 ? `; ${report.unlabelled} rows without a label left out` : ''),
  )
  parts.push('')
  parts.push(`cross-validation (${report.folds} stratified folds, seed ${report.seed}):`)
  parts.push(
    tableBlock(
      ['learner', 'AUC', '± std', 'log loss', ''],
      report.candidates.map((c) => [
        c.learner,
        f4(c.auc),
        f4(c.aucStd),
        f4(c.logLoss),
        c.learner === report.learner ? 'chosen' : '',
      ]),
      ['left', 'right', 'right', 'right', 'left'],
    ),
  )
  parts.push('')
  parts.push(
    `likelihood (calibrated, out of fold): AUC ${f4(report.auc)} ± ${f4(report.aucStd)}, log loss ${f4(report.logLoss)}, Brier ${f4(report.brier)}, top-decile lift ${report.topDecileLift.toFixed(2)}`,
  )
  if (report.timeSplit) {
    const t = report.timeSplit
    parts.push(
      `forward in time (${t.column} from ${new Date(t.cutoff).toISOString().slice(0, 10)}: ${t.testRows} test leads after ${t.trainRows}): AUC ${f4(t.auc)}, log loss ${f4(t.logLoss)}, converted ${pct(t.testRate)} vs ${pct(t.trainRate)} before`,
    )
  }
  parts.push('')
  parts.push(...evaluationBlocks(report))
  const ignored = report.dropped.filter(
    (d) => d.reason === 'identifier' || d.reason === 'constant' || d.reason === 'empty',
  )
  if (ignored.length > 0)
    parts.push(
      `\nnot used: ${ignored.map((d) => `${d.column} (${d.reason === 'identifier' ? 'an id: a different value in nearly every row' : d.reason})`).join(', ')}`,
    )
  parts.push(...warningLines(report.warnings))
  parts.push(out ? `model written to ${out}` : 'model not saved: pass --out model.json to keep it')
  return `${parts.join('\n')}\n`
}

/** Lift by decile, calibration and the most important features, as text blocks (shared with `leadscore predictive`). */
export function evaluationBlocks(
  report: Pick<TrainingReport, 'liftByDecile' | 'calibration' | 'importance'>,
): string[] {
  return [
    'lift by decile (best-scored tenth first):',
    tableBlock(
      ['decile', 'leads', 'converted', 'rate', 'lift', 'cum. capture', 'likelihood'],
      report.liftByDecile.map((b) => [
        String(b.bin),
        String(b.count),
        String(b.positives),
        pct(b.rate),
        b.lift.toFixed(2),
        pct(b.cumulativeCapture),
        `${(b.minScore * 100).toFixed(1)}-${(b.maxScore * 100).toFixed(1)}%`,
      ]),
      ['right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    'calibration (predicted against observed):',
    tableBlock(
      ['likelihood', 'leads', 'predicted', 'observed'],
      report.calibration
        .filter((b) => b.count > 0)
        .map((b) => [
          `${Math.round(b.lower * 100)}-${Math.round(b.upper * 100)}%`,
          String(b.count),
          pct(b.meanPredicted),
          pct(b.observedRate),
        ]),
      ['left', 'right', 'right', 'right'],
    ),
    '',
    'most important features (share of mean |contribution|):',
    tableBlock(
      ['feature', 'share'],
      report.importance.slice(0, 10).map((f) => [f.feature, pct(f.importance)]),
      ['left', 'right'],
    ),
  ]
}

/** The warnings with what to do, as lines (none when there is none). */
export function warningLines(warnings: readonly TrainingWarning[]): string[] {
  if (warnings.length === 0) return []
  return [
    '',
    `warnings (${warnings.length}):`,
    ...warnings.map((w) => `  [${w.code}] ${w.message}\n    what to do: ${w.action}`),
  ]
}
