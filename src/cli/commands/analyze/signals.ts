/**
 * `leadscore analyze signals`: the conversion rate of every rule, event and property value.
 * @module
 */
import { defineCommand } from 'citty'
import { type Signal, signals } from '../../../analysis/index.js'
import { cliContext } from '../../context.js'
import { help } from '../../help.js'
import { humanFormat } from '../../human-format.js'
import { loadModelFile } from '../../model-file.js'
import { daysArg, leadArgs, leadFiles, numberOption, timeOption } from './args.js'
import { loadLeads, outcomeText } from './load-leads.js'
import { outputArgs, outputFormat, table, writeCsv, writeJson } from './output.js'

export const signalsCommand = defineCommand({
  meta: {
    name: 'signals',
    description: help('help.analyze.signals'),
  },
  args: {
    data: {
      type: 'string',
      description: help('help.analyze.data'),
      valueHint: 'FILE',
    },
    label: {
      type: 'string',
      description: help('help.analyze.label'),
      valueHint: 'COLUMN',
    },
    positive: { type: 'string', description: help('help.analyze.positive'), valueHint: 'VALUE' },
    ...leadArgs,
    model: { type: 'string', description: help('help.analyze.model'), valueHint: 'FILE' },
    'as-of': {
      type: 'string',
      description: help('help.analyze.signalsAsOf'),
      valueHint: 'TIME',
    },
    ...daysArg,
    top: {
      type: 'string',
      description: help('help.analyze.top'),
      valueHint: 'N',
    },
    'min-leads': { type: 'string', description: help('help.analyze.minLeads'), valueHint: 'N' },
    ...outputArgs,
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const format = outputFormat(args)
    const model = args.model ? await loadModelFile(ctx, args.model) : undefined
    const leads = await loadLeads(ctx, leadFiles(args), model ? [model] : [], { allProperties: true })
    const report = signals(leads.data, {
      model,
      asOf: timeOption('as-of', args['as-of']),
      horizonDays: numberOption('days', args.days, 90),
      minLeads: numberOption('min-leads', args['min-leads'], 30),
      exclude: leads.exclude,
    })
    if (format === 'json') return writeJson(ctx, { outcome: leads.outcome, ...report })
    if (format === 'csv') {
      return writeCsv(ctx, CSV_COLUMNS, report.signals.map(csvRow))
    }
    const top = numberOption('top', args.top, 40)
    const f = humanFormat(ctx)
    const { t } = f
    const when =
      report.asOf === null
        ? t.t('signals.whenBefore')
        : t.t('signals.whenAsOf', { asOf: f.day(report.asOf), days: report.horizonDays })
    ctx.stdout.write(
      `${t.t('signals.head', {
        leads: report.leads,
        conversions: report.conversions,
        rate: f.pct(report.baseRate),
        outcome: outcomeText(ctx, leads),
        when,
      })}\n${t.t('signals.shown', { shown: Math.min(top, report.signals.length), count: report.signals.length })}\n\n`,
    )
    const shown = report.signals.slice(0, top)
    // a lead table has no times: leave the column out
    const timed = shown.some((s) => s.medianDays !== null)
    const left = [true, true, false, false, false, false, false, false, ...(timed ? [false] : []), true]
    ctx.stdout.write(
      table(
        [
          t.t('col.kind'),
          t.t('col.signal'),
          t.t('col.leads'),
          t.t('col.converted'),
          t.t('col.rate'),
          t.t('col.interval'),
          t.t('col.lift'),
          t.t('col.evidence'),
          ...(timed ? [t.t('col.medianDays')] : []),
          t.t('col.note'),
        ],
        shown.map((s) => [
          t.t('signal.kind', { kind: s.kind }),
          signalName(s),
          f.count(s.leads),
          f.count(s.conversions),
          f.pct(s.rate),
          f.interval(s.interval),
          f.fixed(s.lift),
          f.fixed(s.evidence, 1),
          ...(timed ? [s.medianDays === null ? '-' : f.fixed(s.medianDays, 1)] : []),
          s.fewLeads ? t.t('signals.fewLeads') : s.significant ? '' : t.t('signals.notSignificant'),
        ]),
        left.map((l) => (l ? 'left' : 'right')),
      ),
    )
  },
})

/** `Tags = Will revert after reading the email`, `webinar (attended a webinar)`, `Demo Requested`. */
export function signalName(s: Signal): string {
  if (s.kind === 'property') return `${s.name} = ${s.value}`
  if (s.kind === 'rule' && s.label) return `${s.name} (${s.label})`
  return s.name
}

const CSV_COLUMNS = [
  'kind',
  'name',
  'value',
  'label',
  'leads',
  'conversions',
  'rate',
  'interval_low',
  'interval_high',
  'lift',
  'evidence',
  'significant',
  'few_leads',
  'median_days',
]

function csvRow(s: Signal): Record<string, unknown> {
  return {
    kind: s.kind,
    name: s.name,
    value: s.value,
    label: s.label,
    leads: s.leads,
    conversions: s.conversions,
    rate: s.rate,
    interval_low: s.interval.low,
    interval_high: s.interval.high,
    lift: s.lift,
    evidence: s.evidence,
    significant: s.significant,
    few_leads: s.fewLeads,
    median_days: s.medianDays,
  }
}
