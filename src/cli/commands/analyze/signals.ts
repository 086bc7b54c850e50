/**
 * `leadscore analyze signals`: the conversion rate of every rule, event and property value.
 * @module
 */
import { defineCommand } from 'citty'
import { type Signal, signals } from '../../../analysis/index.js'
import { cliContext } from '../../context.js'
import { help } from '../../help.js'
import { loadModelFile } from '../../model-file.js'
import { daysArg, leadArgs, leadFiles, numberOption, timeOption } from './args.js'
import { loadLeads } from './load-leads.js'
import {
  count,
  day,
  fixed,
  interval,
  outputArgs,
  outputFormat,
  pct,
  table,
  writeCsv,
  writeJson,
} from './output.js'

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
    const when =
      report.asOf === null
        ? 'events before each conversion'
        : `as of ${day(report.asOf)}, converting within ${report.horizonDays} days`
    ctx.stdout.write(
      `${count(report.leads)} leads, ${count(report.conversions)} converted (${pct(report.baseRate)}; ${leads.outcome}); ${when}\n` +
        `signals by evidence (standard errors from the base rate), ${Math.min(top, report.signals.length)} of ${count(report.signals.length)}:\n\n`,
    )
    const shown = report.signals.slice(0, top)
    // a lead table has no times: leave the column out
    const timed = shown.some((s) => s.medianDays !== null)
    const columns = [
      'kind',
      'signal',
      'leads',
      'converted',
      'rate',
      '95% interval',
      'lift',
      'evidence',
      ...(timed ? ['median days'] : []),
      'note',
    ]
    ctx.stdout.write(
      table(
        columns,
        shown.map((s) => [
          s.kind,
          signalName(s),
          count(s.leads),
          count(s.conversions),
          pct(s.rate),
          interval(s.interval),
          fixed(s.lift),
          fixed(s.evidence, 1),
          ...(timed ? [s.medianDays === null ? '-' : fixed(s.medianDays, 1)] : []),
          s.fewLeads ? 'few leads' : s.significant ? '' : 'not significant',
        ]),
        columns.map((c) => (c === 'kind' || c === 'signal' || c === 'note' ? 'left' : 'right')),
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
