/**
 * `leadscore analyze threshold`: the MQL threshold that sales capacity allows.
 * @module
 */
import { defineCommand } from 'citty'
import { dataEnd, thresholdForCapacity } from '../../../analysis/index.js'
import { DAY_MS } from '../../../core/input.js'
import { CliError, cliContext } from '../../context.js'
import { help } from '../../help.js'
import { loadModelFile } from '../../model-file.js'
import { daysArg, leadArgs, leadFiles, modelArg, numberOption, stepProgress, timeOption } from './args.js'
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
      throw new CliError(`--capacity ${args.capacity} is not a number of leads above 0`, {
        hint: 'e.g. --capacity 150 (leads a week)',
      })
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
      progress: stepProgress(ctx, 'scoring week'),
    })
    if (format === 'json') return writeJson(ctx, { outcome: leads.outcome, ...r })
    if (format === 'csv') {
      const rows = r.curve.map((p) => ({ threshold: p.threshold, per_week: p.perWeek, chosen: false }))
      rows.push({ threshold: r.threshold, per_week: r.perWeek, chosen: true })
      return writeCsv(ctx, ['threshold', 'per_week', 'chosen'], rows)
    }
    let text =
      `${r.model}: capacity ${count(capacity)} leads a week, over the ${r.weeks} weeks to ${day(to)}\n` +
      (r.belowCapacity
        ? `even the lowest threshold sends fewer leads than that: threshold ${fixed(r.threshold, 1)} (every lead in play)\n`
        : `threshold: total ≥ ${fixed(r.threshold, 1)}; half a point lower would send more than that\n`) +
      `it would have sent ${fixed(r.perWeek, 1)} leads a week (${count(r.handed)} in all): ${count(r.converted)} converted within ${r.horizonDays} days, ` +
      `precision ${pct(r.precision)} (${interval(r.precisionInterval)})\n` +
      `missed: ${count(r.missed)} of the ${count(r.conversions)} conversions in those weeks came from leads below the threshold\n\n`
    text += table(
      ['week to', 'sent'],
      r.weekly.map((v, k) => [day(to - (r.weeks - 1 - k) * 7 * DAY_MS), count(v)]),
      ['left', 'right'],
    )
    text += `\nleads a week by threshold\n${table(
      ['threshold', 'leads a week'],
      r.curve.map((p) => [fixed(p.threshold, 0), fixed(p.perWeek, 1)]),
      ['right', 'right'],
    )}`
    ctx.stdout.write(text)
  },
})
