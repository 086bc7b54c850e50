/**
 * `leadscore analyze backtest`: score every lead as of a date, see who converted next.
 * One model, two side by side (`--compare`), or run weekly (`--weekly N`).
 * @module
 */
import { defineCommand } from 'citty'
import {
  type BacktestReport,
  type ClassRow,
  type Comparison,
  compareBacktests,
  dataEnd,
  NoMqlDefinitionError,
  type RollingReport,
  rollingBacktest,
  scoredBacktest,
} from '../../../analysis/index.js'
import { DAY_MS } from '../../../core/input.js'
import { type CliContext, CliError, cliContext } from '../../context.js'
import { help } from '../../help.js'
import { loadModelFile } from '../../model-file.js'
import {
  daysArg,
  defaultAsOf,
  leadArgs,
  leadFiles,
  modelArg,
  numberOption,
  optionalNumber,
  stepProgress,
  timeOption,
} from './args.js'
import { loadLeads } from './load-leads.js'
import {
  count,
  day,
  fixed,
  interval,
  type OutputFormat,
  outputArgs,
  outputFormat,
  pct,
  table,
  writeCsv,
  writeJson,
} from './output.js'

export const backtestCommand = defineCommand({
  meta: {
    name: 'backtest',
    description: help('help.analyze.backtest'),
  },
  args: {
    ...modelArg,
    compare: { type: 'string', description: help('help.analyze.compare'), valueHint: 'FILE' },
    ...leadArgs,
    'as-of': {
      type: 'string',
      description: help('help.analyze.asOf'),
      valueHint: 'TIME',
    },
    ...daysArg,
    threshold: {
      type: 'string',
      description: help('help.analyze.mql'),
    },
    weekly: { type: 'string', description: help('help.analyze.rolling'), valueHint: 'N' },
    disagreements: { type: 'string', description: help('help.analyze.disagree') },
    ...outputArgs,
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const format = outputFormat(args)
    const model = await loadModelFile(ctx, args.model)
    const other = args.compare ? await loadModelFile(ctx, args.compare) : undefined
    const leads = await loadLeads(ctx, leadFiles(args), other ? [model, other] : [model])
    const horizonDays = numberOption('days', args.days, 90)
    const asOf = timeOption('as-of', args['as-of']) ?? defaultAsOf(ctx, dataEnd(leads.data), horizonDays)
    const threshold = optionalNumber('threshold', args.threshold)
    try {
      if (args.weekly !== undefined) {
        const weeks = numberOption('weekly', args.weekly, 52)
        const reports = [model, ...(other ? [other] : [])].map((m) =>
          rollingBacktest(m, leads.data, {
            from: asOf - Math.round(weeks) * 7 * DAY_MS,
            to: asOf,
            horizonDays,
            threshold,
            progress: stepProgress(ctx, `${m.id}: scoring week`),
          }),
        )
        return await printRolling(ctx, format, reports, leads.outcome)
      }
      const options = { asOf, horizonDays, threshold }
      if (other) {
        const cmp = compareBacktests(model, other, leads.data, {
          ...options,
          limit: numberOption('disagreements', args.disagreements, 20),
        })
        return await printComparison(ctx, format, cmp, leads.outcome)
      }
      const { report } = scoredBacktest(model, leads.data, options)
      return await printBacktest(ctx, format, report, leads.outcome)
    } catch (error) {
      if (error instanceof NoMqlDefinitionError)
        throw new CliError(error.message, { hint: 'pass --threshold N: MQL is then a total of N or more' })
      throw error
    }
  },
})

const CLASS_COLUMNS = [
  'model',
  'section',
  'value',
  'leads',
  'conversions',
  'rate',
  'interval_low',
  'interval_high',
  'lift',
]

function classCsvRows(r: BacktestReport): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = []
  const add = (section: string, list: readonly ClassRow[]) => {
    for (const c of list) {
      rows.push({
        model: r.model,
        section,
        value: c.value,
        leads: c.leads,
        conversions: c.conversions,
        rate: c.rate,
        interval_low: c.interval.low,
        interval_high: c.interval.high,
        lift: r.baseRate > 0 ? c.rate / r.baseRate : null,
      })
    }
  }
  add('band', r.byBand)
  add('grade', r.byGrade)
  add('label', r.byLabel)
  add('stage', r.byStage)
  for (const d of r.deciles) {
    rows.push({
      model: r.model,
      section: 'decile',
      value: d.bin,
      leads: d.count,
      conversions: d.positives,
      rate: d.rate,
      interval_low: null,
      interval_high: null,
      lift: d.lift,
    })
  }
  return rows
}

function header(r: BacktestReport, outcome: string): string {
  const warning = r.outcomeTimesKnown
    ? ''
    : 'warning: some conversions have no time; they count whenever they happened (pass --outcome-time)\n'
  return (
    `backtest of ${r.model} as of ${day(r.asOf)}, conversions (${outcome}) within ${r.horizonDays} days\n` +
    `${count(r.leads)} leads in play, ${count(r.conversions)} converted (${pct(r.baseRate)})\n${warning}`
  )
}

function summary(r: BacktestReport): string {
  const m = r.mql
  return (
    `ROC AUC of the total ${fixed(r.auc, 3)}; top decile lift ${fixed(r.deciles[0]?.lift ?? Number.NaN)}\n` +
    `MQL (${m.definition}): ${count(m.leads)} leads, ${count(m.conversions)} converted; ` +
    `precision ${pct(m.precision)} (${interval(m.precisionInterval)}), recall ${pct(m.recall)}\n`
  )
}

function classTable(title: string, rows: readonly ClassRow[], base: number): string {
  if (rows.length === 0) return ''
  return `\n${title}\n${table(
    [title.replace('by ', ''), 'leads', 'converted', 'rate', '95% interval', 'lift'],
    rows.map((c) => [
      c.value,
      count(c.leads),
      count(c.conversions),
      pct(c.rate),
      interval(c.interval),
      fixed(base > 0 ? c.rate / base : Number.NaN),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right'],
  )}`
}

function reportText(r: BacktestReport): string {
  let text = summary(r)
  text += classTable('by band', r.byBand, r.baseRate)
  text += classTable('by grade', r.byGrade, r.baseRate)
  text += classTable('by stage', r.byStage, r.baseRate)
  if (r.byLabel.length <= 24) text += classTable('by label', r.byLabel, r.baseRate)
  text += `\nlift by decile (highest totals first)\n${table(
    ['decile', 'leads', 'converted', 'rate', 'lift', 'cumulative capture', 'totals'],
    r.deciles.map((d) => [
      String(d.bin),
      count(d.count),
      count(d.positives),
      pct(d.rate),
      fixed(d.lift),
      pct(d.cumulativeCapture),
      `${fixed(d.minScore, 1)} to ${fixed(d.maxScore, 1)}`,
    ]),
    ['right', 'right', 'right', 'right', 'right', 'right', 'right'],
  )}`
  return text
}

async function printBacktest(
  ctx: CliContext,
  format: OutputFormat,
  r: BacktestReport,
  outcome: string,
): Promise<void> {
  if (format === 'json') return writeJson(ctx, { outcome, ...r })
  if (format === 'csv') return writeCsv(ctx, CLASS_COLUMNS, classCsvRows(r))
  ctx.stdout.write(header(r, outcome) + reportText(r))
}

async function printComparison(
  ctx: CliContext,
  format: OutputFormat,
  cmp: Comparison,
  outcome: string,
): Promise<void> {
  if (format === 'json') return writeJson(ctx, { outcome, ...cmp })
  if (format === 'csv') return writeCsv(ctx, CLASS_COLUMNS, [...classCsvRows(cmp.a), ...classCsvRows(cmp.b)])
  const { a, b } = cmp
  const row = (name: string, f: (r: BacktestReport) => string) => [name, f(a), f(b)]
  let text = header(a, outcome)
  text += `\n${table(
    ['', a.model, b.model],
    [
      row('ROC AUC', (r) => fixed(r.auc, 3)),
      row('top decile lift', (r) => fixed(r.deciles[0]?.lift ?? Number.NaN)),
      row('MQL', (r) => r.mql.definition),
      row('MQL leads', (r) => count(r.mql.leads)),
      row('MQL precision', (r) => pct(r.mql.precision)),
      row('MQL recall', (r) => pct(r.mql.recall)),
    ],
    ['left', 'right', 'right'],
  )}`
  const better =
    cmp.better === null
      ? 'the two models rank leads equally well'
      : `${cmp.better === 'a' ? a.model : b.model} ranks converters higher (AUC)`
  text += `\n${better}\n`
  text += `MQL by ${a.model} only: ${count(cmp.onlyA.leads)} leads, ${count(cmp.onlyA.conversions)} converted; by ${b.model} only: ${count(cmp.onlyB.leads)} leads, ${count(cmp.onlyB.conversions)} converted\n`
  if (cmp.disagreements.length > 0) {
    text += `\nleads they disagree on (converted first)\n${table(
      ['contact', 'MQL by', `total ${a.model}`, `total ${b.model}`, 'converted'],
      cmp.disagreements.map((d) => [
        d.contactId,
        d.mqlBy === 'a' ? a.model : b.model,
        fixed(d.totalA, 1),
        fixed(d.totalB, 1),
        d.converted ? 'yes' : 'no',
      ]),
      ['left', 'left', 'right', 'right', 'left'],
    )}`
  }
  text += `\n${a.model}\n${reportText(a)}\n${b.model}\n${reportText(b)}`
  ctx.stdout.write(text)
}

async function printRolling(
  ctx: CliContext,
  format: OutputFormat,
  reports: readonly RollingReport[],
  outcome: string,
): Promise<void> {
  if (format === 'json') return writeJson(ctx, { outcome, models: reports })
  if (format === 'csv') {
    return writeCsv(
      ctx,
      [
        'model',
        'week_from',
        'week_to',
        'new_mql',
        'converted',
        'precision',
        'interval_low',
        'interval_high',
        'conversions',
        'conversions_from_mql',
      ],
      reports.flatMap((r) =>
        r.weeks.map((w) => ({
          model: r.model,
          week_from: new Date(w.from).toISOString(),
          week_to: new Date(w.to).toISOString(),
          new_mql: w.newMql,
          converted: w.converted,
          precision: w.precision,
          interval_low: w.interval.low,
          interval_high: w.interval.high,
          conversions: w.conversions,
          conversions_from_mql: w.conversionsFromMql,
        })),
      ),
    )
  }
  let text = ''
  for (const r of reports) {
    text += `${r.model}: MQL (${r.definition}) week by week; conversions (${outcome}) within ${r.horizonDays} days\n`
    text += `${count(r.mqlAtStart)} leads were MQL before the first week; then ${fixed(r.meanPerWeek, 1)} new MQLs a week\n`
    text += table(
      ['week to', 'new MQL', 'converted', 'precision', '95% interval', 'conversions', 'of them MQL before'],
      r.weeks.map((w) => [
        day(w.to),
        count(w.newMql),
        count(w.converted),
        pct(w.precision),
        interval(w.interval),
        count(w.conversions),
        count(w.conversionsFromMql),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    )
    text += '\n'
  }
  ctx.stdout.write(text)
}
