/**
 * `leadscore analyze threshold`: the MQL threshold that sales capacity allows.
 * @module
 */
import { defineCommand } from 'citty'
import { dataEnd, thresholdForCapacity } from '../../../analysis/index.js'
import { DAY_MS } from '../../../core/input.js'
import { CliError, cliContext } from '../../context.js'
import { help } from '../../help.js'
import { humanFormat } from '../../human-format.js'
import { loadModelFile } from '../../model-file.js'
import { daysArg, leadArgs, leadFiles, modelArg, numberOption, stepProgress, timeOption } from './args.js'
import { loadLeads } from './load-leads.js'
import { outputArgs, outputFormat, table, writeCsv, writeJson } from './output.js'

export const thresholdCommand = defineCommand({
  meta: {
    name: 'threshold',
    description: help('help.analyze.threshold'),
  },
  args: {
    ...modelArg,
    capacity: {
      type: 'string',
      description: help('help.analyze.capacity'),
      required: true,
      valueHint: 'N',
    },
    ...leadArgs,
    weeks: { type: 'string', description: help('help.analyze.weeks'), valueHint: 'N' },
    'as-of': {
      type: 'string',
      description: help('help.analyze.weeksEnd'),
      valueHint: 'TIME',
    },
    ...daysArg,
    ...outputArgs,
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const format = outputFormat(args)
    const capacity = Number(args.capacity)
    if (!(capacity > 0)) {
      throw new CliError(
        { key: 'threshold.capacity', values: { value: args.capacity } },
        { hint: { key: 'threshold.capacity.hint' } },
      )
    }
    const model = await loadModelFile(ctx, args.model)
    const leads = await loadLeads(ctx, leadFiles(args), [model])
    const horizonDays = numberOption('days', args.days, 90)
    // the last week must be followed for the horizon to judge precision
    const to = timeOption('as-of', args['as-of']) ?? dataEnd(leads.data) - horizonDays * DAY_MS
    const r = thresholdForCapacity(model, leads.data, {
      capacityPerWeek: capacity,
      to,
      weeks: numberOption('weeks', args.weeks, 12),
      horizonDays,
      progress: stepProgress(ctx, 'week'),
    })
    if (format === 'json') return writeJson(ctx, { outcome: leads.outcome, ...r })
    if (format === 'csv') {
      const rows = r.curve.map((p) => ({ threshold: p.threshold, per_week: p.perWeek, chosen: false }))
      rows.push({ threshold: r.threshold, per_week: r.perWeek, chosen: true })
      return writeCsv(ctx, ['threshold', 'per_week', 'chosen'], rows)
    }
    const f = humanFormat(ctx)
    const { t } = f
    let text =
      `${t.t('threshold.head', { model: r.model, capacity, weeks: r.weeks, to: f.day(to) })}\n` +
      `${
        r.belowCapacity
          ? t.t('threshold.below', { threshold: f.fixed(r.threshold, 1) })
          : t.t('threshold.found', { threshold: f.fixed(r.threshold, 1) })
      }\n` +
      `${t.t('threshold.sent', {
        perWeek: f.fixed(r.perWeek, 1),
        handed: r.handed,
        converted: r.converted,
        days: r.horizonDays,
        precision: f.pct(r.precision),
        interval: f.interval(r.precisionInterval),
      })}\n` +
      `${t.t('threshold.missed', { missed: r.missed, conversions: r.conversions })}\n\n`
    text += table(
      [t.t('col.weekTo'), t.t('col.sent')],
      r.weekly.map((v, k) => [f.day(to - (r.weeks - 1 - k) * 7 * DAY_MS), f.count(v)]),
      ['left', 'right'],
    )
    text += `\n${t.t('threshold.curve')}\n${table(
      [t.t('col.threshold'), t.t('col.perWeek')],
      r.curve.map((p) => [f.fixed(p.threshold, 0), f.fixed(p.perWeek, 1)]),
      ['right', 'right'],
    )}`
    ctx.stdout.write(text)
  },
})
