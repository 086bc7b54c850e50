/** How the reports show rates, intervals and the scope they were computed for, in the page's language. */
import { query } from '../api.js'
import { decimal, fixed, month as monthName, withPercent } from '../format.js'
import type { T } from '../i18n.js'
import type { DriftAnswer, RateInterval, ReportScope } from './reports-types.js'

/** A proportion (0-1) as a percentage with one decimal: `12.5%` (`12,5 %`); `—` when unknown. */
export function rate(p: number | null | undefined): string {
  return p === null || p === undefined || !Number.isFinite(p) ? '—' : withPercent(fixed(p * 100, 1))
}

/** A 95% interval: `8.1–17.9%`. */
export function interval(i: RateInterval): string {
  return withPercent(`${fixed(i.low * 100, 1)}–${fixed(i.high * 100, 1)}`)
}

/** A ratio such as a lift or an AUC: `1.84` (`1,84`); `—` when unknown. */
export function ratio(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : fixed(x, 2)
}

/** The query string of a report for `scope` (the API's defaults where the scope leaves them out). */
export function scopeQuery(
  scope: ReportScope,
  extra: Record<string, string | number | undefined> = {},
): string {
  return query({ outcome: scope.outcome, asOf: scope.asOf, days: scope.days, ...extra })
}

/** What a conversion means under `outcome`, for the empty states. */
export function outcomeMeaning(t: T, outcome: string, stage: (id: string) => string = (id) => id): string {
  const [kind, ...rest] = outcome.split('=')
  const what = rest.join('=')
  if (kind === 'stage') return t.t('reports.outcome.stage', { stage: stage(what) })
  if (kind === 'event') return t.t('reports.outcome.event', { event: what })
  if (kind === 'property') return t.t('reports.outcome.property', { property: what })
  return outcome
}

/**
 * Who counts as an MQL in the backtest, from the analysis' definition (`stage mql or later`,
 * `total ≥ 59`), in the page's language; the definition as is when it reads otherwise.
 */
export function mqlDefinition(t: T, definition: string, stage: (id: string) => string = (id) => id): string {
  const threshold = /^total ≥ (\d+(?:\.\d+)?)$/.exec(definition)
  if (threshold) return t.t('backtest.mqlThreshold', { threshold: decimal(Number(threshold[1])) })
  const byStage = /^stage (\S+)( or later)?$/.exec(definition)
  if (byStage)
    return byStage[2]
      ? t.t('backtest.mqlStageLater', { stage: stage(byStage[1]!) })
      : t.t('backtest.mqlStage', { stage: stage(byStage[1]!) })
  return definition
}

/**
 * A drift warning in the page's language, from the report's numbers: a band converting less than
 * in the months before (pooled over the complete ones), or the band or score mix moving away from
 * the first month (PSI). The API's English message when the numbers are not there.
 */
export function driftWarningText(
  t: T,
  warning: DriftAnswer['warnings'][number],
  report: Pick<DriftAnswer, 'months'>,
  band: (id: string) => string = (id) => id,
): string {
  const first = report.months[0]
  const month = report.months.find((m) => m.start === warning.month)
  if (first === undefined || month === undefined) return warning.message
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
    if (row !== undefined && leads > 0)
      return t.t('drift.warning.conversion', {
        band: band(warning.band),
        rate: rate(row.rate),
        before: rate(conversions / leads),
      })
  }
  if (warning.kind === 'band-mix' && month.bandPsi !== undefined)
    return t.t('drift.warning.bandMix', { first: monthName(first.start), psi: fixed(month.bandPsi, 2) })
  if (warning.kind === 'score-mix' && month.scorePsi !== undefined)
    return t.t('drift.warning.scoreMix', { first: monthName(first.start), psi: fixed(month.scorePsi, 2) })
  return warning.message
}
