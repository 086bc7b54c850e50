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
import type { CompiledModel } from '../../../core/compile.js'
import { DAY_MS } from '../../../core/input.js'
import { labelsOf, type ModelLabels } from '../../../core/labels.js'
import { type CliContext, CliError, cliContext, localeOf } from '../../context.js'
import { classValue } from '../../explain-format.js'
import { help } from '../../help.js'
import { type HumanFormat, humanFormat } from '../../human-format.js'
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
import { loadLeads, outcomeText } from './load-leads.js'
import { type OutputFormat, outputArgs, outputFormat, table, writeCsv, writeJson } from './output.js'

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
    const names = modelNames(ctx, other ? [model, other] : [model])
    try {
      if (args.weekly !== undefined) {
        const weeks = numberOption('weekly', args.weekly, 52)
        const reports = [model, ...(other ? [other] : [])].map((m) =>
          rollingBacktest(m, leads.data, {
            from: asOf - Math.round(weeks) * 7 * DAY_MS,
            to: asOf,
            horizonDays,
            threshold,
            progress: stepProgress(ctx, 'week', m.id),
          }),
        )
        return await printRolling(ctx, format, reports, leads.outcome, outcomeText(ctx, leads), names)
      }
      const options = { asOf, horizonDays, threshold }
      if (other) {
        const cmp = compareBacktests(model, other, leads.data, {
          ...options,
          limit: numberOption('disagreements', args.disagreements, 20),
        })
        return await printComparison(ctx, format, cmp, leads.outcome, outcomeText(ctx, leads), names)
      }
      const { report } = scoredBacktest(model, leads.data, options)
      return await printBacktest(ctx, format, report, leads.outcome, outcomeText(ctx, leads), names)
    } catch (error) {
      if (error instanceof NoMqlDefinitionError)
        throw new CliError(
          {
            key: 'backtest.noHandoff',
            values: { model: /^the model (.*) has no/s.exec(error.message)?.[1] ?? '' },
          },
          { hint: { key: 'backtest.noHandoff.hint' } },
        )
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

/** The names of each model's bands and stages in the language, by model id (none in English: ids). */
type Names = ReadonlyMap<string, ModelLabels>

function modelNames(ctx: CliContext, models: readonly CompiledModel[]): Names {
  const locale = localeOf(ctx)
  return new Map(locale === 'en' ? [] : models.map((m) => [m.id, labelsOf(m, locale)]))
}

/** What MQL meant (`total ≥ 60`, `stage mql or later`), said in the language. */
export function mqlText(f: HumanFormat, definition: string, labels?: ModelLabels): string {
  const threshold = /^total ≥ (.+)$/.exec(definition)
  if (threshold) return f.t.t('mql.threshold', { threshold: threshold[1] })
  const stage = /^stage (\S+)( or later)?$/.exec(definition)
  if (stage)
    return f.t.t('mql.stage', {
      stage: classValue(stage[1]!, labels?.stages),
      later: stage[2] ? 'yes' : 'no',
    })
  return definition
}

function header(f: HumanFormat, r: BacktestReport, outcome: string): string {
  const { t } = f
  const warning = r.outcomeTimesKnown ? '' : `${t.t('backtest.untimed')}\n`
  return (
    `${t.t('backtest.head', { model: r.model, asOf: f.day(r.asOf), outcome, days: r.horizonDays })}\n` +
    `${t.t('backtest.inPlay', { leads: r.leads, conversions: r.conversions, rate: f.pct(r.baseRate) })}\n${warning}`
  )
}

function summary(f: HumanFormat, r: BacktestReport, labels: ModelLabels | undefined): string {
  const { t } = f
  const m = r.mql
  return (
    `${t.t('backtest.auc', { auc: f.fixed(r.auc, 3), lift: f.fixed(r.deciles[0]?.lift ?? Number.NaN) })}\n` +
    `${t.t('backtest.mql', {
      definition: mqlText(f, m.definition, labels),
      leads: m.leads,
      conversions: m.conversions,
      precision: f.pct(m.precision),
      interval: f.interval(m.precisionInterval),
      recall: f.pct(m.recall),
    })}\n`
  )
}

type Section = 'band' | 'grade' | 'stage' | 'label'

function classTable(
  f: HumanFormat,
  section: Section,
  rows: readonly ClassRow[],
  base: number,
  labels?: Readonly<Record<string, string>>,
): string {
  if (rows.length === 0) return ''
  const { t } = f
  return `\n${t.t('backtest.by', { section })}\n${table(
    [
      t.t('backtest.section', { section }),
      t.t('col.leads'),
      t.t('col.converted'),
      t.t('col.rate'),
      t.t('col.interval'),
      t.t('col.lift'),
    ],
    rows.map((c) => [
      classValue(c.value, labels),
      f.count(c.leads),
      f.count(c.conversions),
      f.pct(c.rate),
      f.interval(c.interval),
      f.fixed(base > 0 ? c.rate / base : Number.NaN),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right'],
  )}`
}

function reportText(f: HumanFormat, r: BacktestReport, names: Names): string {
  const { t } = f
  const labels = names.get(r.model)
  let text = summary(f, r, labels)
  text += classTable(f, 'band', r.byBand, r.baseRate, labels?.bands)
  text += classTable(f, 'grade', r.byGrade, r.baseRate)
  text += classTable(f, 'stage', r.byStage, r.baseRate, labels?.stages)
  if (r.byLabel.length <= 24) text += classTable(f, 'label', r.byLabel, r.baseRate)
  text += `\n${t.t('backtest.deciles')}\n${table(
    [
      t.t('col.decile'),
      t.t('col.leads'),
      t.t('col.converted'),
      t.t('col.rate'),
      t.t('col.lift'),
      t.t('col.cumulativeCapture'),
      t.t('col.totals'),
    ],
    r.deciles.map((d) => [
      String(d.bin),
      f.count(d.count),
      f.count(d.positives),
      f.pct(d.rate),
      f.fixed(d.lift),
      f.pct(d.cumulativeCapture),
      t.t('range', { low: f.fixed(d.minScore, 1), high: f.fixed(d.maxScore, 1) }),
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
  said: string,
  names: Names,
): Promise<void> {
  if (format === 'json') return writeJson(ctx, { outcome, ...r })
  if (format === 'csv') return writeCsv(ctx, CLASS_COLUMNS, classCsvRows(r))
  const f = humanFormat(ctx)
  ctx.stdout.write(header(f, r, said) + reportText(f, r, names))
}

async function printComparison(
  ctx: CliContext,
  format: OutputFormat,
  cmp: Comparison,
  outcome: string,
  said: string,
  names: Names,
): Promise<void> {
  if (format === 'json') return writeJson(ctx, { outcome, ...cmp })
  if (format === 'csv') return writeCsv(ctx, CLASS_COLUMNS, [...classCsvRows(cmp.a), ...classCsvRows(cmp.b)])
  const f = humanFormat(ctx)
  const { t } = f
  const { a, b } = cmp
  const row = (name: string, of: (r: BacktestReport) => string) => [name, of(a), of(b)]
  let text = header(f, a, said)
  text += `\n${table(
    ['', a.model, b.model],
    [
      row('ROC AUC', (r) => f.fixed(r.auc, 3)),
      row(t.t('compare.lift'), (r) => f.fixed(r.deciles[0]?.lift ?? Number.NaN)),
      row('MQL', (r) => mqlText(f, r.mql.definition, names.get(r.model))),
      row(t.t('compare.mqlLeads'), (r) => f.count(r.mql.leads)),
      row(t.t('compare.precision'), (r) => f.pct(r.mql.precision)),
      row(t.t('compare.recall'), (r) => f.pct(r.mql.recall)),
    ],
    ['left', 'right', 'right'],
  )}`
  const better =
    cmp.better === null
      ? t.t('compare.equal')
      : t.t('compare.better', { model: cmp.better === 'a' ? a.model : b.model })
  text += `\n${better}\n`
  text += `${t.t('compare.only', {
    a: a.model,
    aLeads: cmp.onlyA.leads,
    aConversions: cmp.onlyA.conversions,
    b: b.model,
    bLeads: cmp.onlyB.leads,
    bConversions: cmp.onlyB.conversions,
  })}\n`
  if (cmp.disagreements.length > 0) {
    text += `\n${t.t('compare.disagree')}\n${table(
      [
        t.t('col.contact'),
        t.t('col.mqlBy'),
        t.t('col.totalOf', { model: a.model }),
        t.t('col.totalOf', { model: b.model }),
        t.t('col.converted'),
      ],
      cmp.disagreements.map((d) => [
        d.contactId,
        d.mqlBy === 'a' ? a.model : b.model,
        f.fixed(d.totalA, 1),
        f.fixed(d.totalB, 1),
        d.converted ? t.t('yes') : t.t('no'),
      ]),
      ['left', 'left', 'right', 'right', 'left'],
    )}`
  }
  text += `\n${a.model}\n${reportText(f, a, names)}\n${b.model}\n${reportText(f, b, names)}`
  ctx.stdout.write(text)
}

async function printRolling(
  ctx: CliContext,
  format: OutputFormat,
  reports: readonly RollingReport[],
  outcome: string,
  said: string,
  names: Names,
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
  const f = humanFormat(ctx)
  const { t } = f
  let text = ''
  for (const r of reports) {
    text += `${t.t('rolling.head', { model: r.model, definition: mqlText(f, r.definition, names.get(r.model)), outcome: said, days: r.horizonDays })}\n`
    text += `${t.t('rolling.start', { count: r.mqlAtStart, perWeek: f.fixed(r.meanPerWeek, 1) })}\n`
    text += table(
      [
        t.t('col.weekTo'),
        t.t('col.newMql'),
        t.t('col.converted'),
        t.t('col.precision'),
        t.t('col.interval'),
        t.t('col.conversions'),
        t.t('col.fromMql'),
      ],
      r.weeks.map((w) => [
        f.day(w.to),
        f.count(w.newMql),
        f.count(w.converted),
        f.pct(w.precision),
        f.interval(w.interval),
        f.count(w.conversions),
        f.count(w.conversionsFromMql),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    )
    text += '\n'
  }
  ctx.stdout.write(text)
}
