/**
 * `leadscore analyze drift`: conversion by band and the mix of scores, month by month.
 * @module
 */
import { defineCommand } from 'citty'
import { dataEnd, drift } from '../../../analysis/index.js'
import { DAY_MS } from '../../../core/input.js'
import { cliContext } from '../../context.js'
import { help } from '../../help.js'
import { loadModelFile } from '../../model-file.js'
import { leadArgs, leadFiles, modelArg, numberOption, stepProgress, timeOption } from './args.js'
import { loadLeads } from './load-leads.js'
import {
  count,
  fixed,
  interval,
  outputArgs,
  outputFormat,
  pct,
  table,
  writeCsv,
  writeJson,
} from './output.js'

export const driftCommand = defineCommand({
  meta: {
    name: 'drift',
    description: help('help.analyze.drift'),
  },
  args: {
    ...modelArg,
    ...leadArgs,
    from: {
      type: 'string',
      description: help('help.analyze.from'),
      valueHint: 'TIME',
    },
    to: { type: 'string', description: help('help.analyze.to'), valueHint: 'TIME' },
    days: {
      type: 'string',
      description: help('help.analyze.monthDays'),
    },
    ...outputArgs,
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const format = outputFormat(args)
    const model = await loadModelFile(ctx, args.model)
    const leads = await loadLeads(ctx, leadFiles(args), [model])
    const end = dataEnd(leads.data)
    const to = timeOption('to', args.to) ?? end
    const from = timeOption('from', args.from) ?? to - 182 * DAY_MS
    const r = drift(model, leads.data, {
      from,
      to,
      horizonDays: numberOption('days', args.days, 30),
      dataEnd: end,
      progress: stepProgress(ctx, 'scoring month'),
    })
    if (format === 'json') return writeJson(ctx, { outcome: leads.outcome, ...r })
    const month = (t: number) => new Date(t).toISOString().slice(0, 7)
    if (format === 'csv') {
      return writeCsv(
        ctx,
        [
          'month',
          'band',
          'leads',
          'conversions',
          'rate',
          'interval_low',
          'interval_high',
          'complete',
          'band_psi',
          'score_psi',
        ],
        r.months.flatMap((m) =>
          m.bands.map((b) => ({
            month: month(m.start),
            band: b.band,
            leads: b.leads,
            conversions: b.conversions,
            rate: b.rate,
            interval_low: b.interval.low,
            interval_high: b.interval.high,
            complete: m.complete,
            band_psi: m.bandPsi,
            score_psi: m.scorePsi,
          })),
        ),
      )
    }
    const bands = r.bands
    let text = `${r.model}: leads in play at each month's start, conversions (${leads.outcome}) within ${r.horizonDays} days\n\nconversion by band\n`
    text += table(
      ['month', 'leads', ...bands],
      r.months.map((m) => [
        `${month(m.start)}${m.complete ? '' : ' (incomplete)'}`,
        count(m.leads),
        ...bands.map((b) => {
          const row = m.bands.find((x) => x.band === b)
          return row ? `${pct(row.rate)} of ${count(row.leads)} (${interval(row.interval)})` : '-'
        }),
      ]),
      ['left', 'right', ...bands.map(() => 'right' as const)],
    )
    text += `\nscores and mix (PSI against ${r.months[0] ? month(r.months[0].start) : '-'})\n`
    text += table(
      ['month', 'mean', 'p10', 'p25', 'median', 'p75', 'p90', 'band PSI', 'score PSI'],
      r.months.map((m) => [
        month(m.start),
        fixed(m.scores.mean, 1),
        ...m.scores.percentiles.map((p) => fixed(p, 1)),
        fixed(m.bandPsi, 3),
        fixed(m.scorePsi, 3),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    )
    text +=
      r.warnings.length === 0
        ? '\nno warnings\n'
        : `\n${r.warnings.map((w) => `warning: ${w.message}`).join('\n')}\n`
    ctx.stdout.write(text)
  },
})
