/**
 * `leadscore analyze drift`: conversion by band and the mix of scores, month by month.
 * @module
 */
import { defineCommand } from 'citty'
import { type DriftReport, dataEnd, drift } from '../../../analysis/index.js'
import { DAY_MS } from '../../../core/input.js'
import { labelsOf } from '../../../core/labels.js'
import { cliContext, localeOf } from '../../context.js'
import { classValue } from '../../explain-format.js'
import { help } from '../../help.js'
import { type HumanFormat, humanFormat } from '../../human-format.js'
import { loadModelFile } from '../../model-file.js'
import { leadArgs, leadFiles, modelArg, numberOption, stepProgress, timeOption } from './args.js'
import { loadLeads, outcomeText } from './load-leads.js'
import { outputArgs, outputFormat, table, writeCsv, writeJson } from './output.js'

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
      progress: stepProgress(ctx, 'month'),
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
    const f = humanFormat(ctx)
    const { t } = f
    const bands = r.bands
    const locale = localeOf(ctx)
    const names = locale === 'en' ? undefined : labelsOf(model, locale).bands
    let text = `${t.t('drift.head', { model: r.model, outcome: outcomeText(ctx, leads), days: r.horizonDays })}\n\n${t.t('drift.byBand')}\n`
    text += table(
      [t.t('col.month'), t.t('col.leads'), ...bands.map((b) => classValue(b, names))],
      r.months.map((m) => [
        m.complete ? f.month(m.start) : t.t('drift.incomplete', { month: f.month(m.start) }),
        f.count(m.leads),
        ...bands.map((b) => {
          const row = m.bands.find((x) => x.band === b)
          return row
            ? t.t('drift.cell', {
                rate: f.pct(row.rate),
                leads: f.count(row.leads),
                interval: f.interval(row.interval),
              })
            : '-'
        }),
      ]),
      ['left', 'right', ...bands.map(() => 'right' as const)],
    )
    text += `\n${t.t('drift.mix', { first: r.months[0] ? f.month(r.months[0].start) : '-' })}\n`
    text += table(
      [
        t.t('col.month'),
        t.t('col.mean'),
        'p10',
        'p25',
        t.t('col.median'),
        'p75',
        'p90',
        t.t('col.bandPsi'),
        t.t('col.scorePsi'),
      ],
      r.months.map((m) => [
        f.month(m.start),
        f.fixed(m.scores.mean, 1),
        ...m.scores.percentiles.map((p) => f.fixed(p, 1)),
        f.fixed(m.bandPsi, 3),
        f.fixed(m.scorePsi, 3),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    )
    text +=
      r.warnings.length === 0
        ? `\n${t.t('drift.noWarnings')}\n`
        : `\n${r.warnings.map((w) => t.t('drift.warning', { message: driftWarningText(f, w, r, names) })).join('\n')}\n`
    ctx.stdout.write(text)
  },
})

/**
 * A drift warning in the language, from the report's numbers (as the dashboard says it): a band
 * converting less than in the complete months before, or the band or score mix moving away from
 * the first month. The analysis's English message when the numbers are not there.
 */
export function driftWarningText(
  f: HumanFormat,
  warning: DriftReport['warnings'][number],
  report: Pick<DriftReport, 'months'>,
  names?: Readonly<Record<string, string>>,
): string {
  const { t } = f
  const first = report.months[0]
  const month = report.months.find((m) => m.start === warning.month)
  if (f.t.locale === 'en' || first === undefined || month === undefined) return warning.message
  const at = f.month(month.start)
  if (warning.kind === 'conversion' && warning.band !== null) {
    const row = month.bands.find((b) => b.band === warning.band)
    let leads = 0
    let conversions = 0
    for (const earlier of report.months) {
      if (earlier.start >= warning.month || !earlier.complete) continue
      const r = earlier.bands.find((b) => b.band === warning.band)
      leads += r?.leads ?? 0
      conversions += r?.conversions ?? 0
    }
    const p = /\(p = ([^)]+)\)$/.exec(warning.message)?.[1]
    if (row !== undefined && leads > 0)
      return t.t('drift.warning.conversion', {
        month: at,
        band: classValue(warning.band, names),
        rate: f.pct(row.rate),
        before: f.pct(conversions / leads),
        p: p === undefined ? '-' : t.number(Number(p), { maximumSignificantDigits: 2 }),
      })
  }
  if (warning.kind === 'band-mix')
    return t.t('drift.warning.bandMix', {
      month: at,
      first: f.month(first.start),
      psi: f.fixed(month.bandPsi, 2),
    })
  if (warning.kind === 'score-mix')
    return t.t('drift.warning.scoreMix', {
      month: at,
      first: f.month(first.start),
      psi: f.fixed(month.scorePsi, 2),
    })
  return warning.message
}
