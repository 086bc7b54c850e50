/** How the reports show rates, intervals and the scope they were computed for, in the page's language. */
import { query } from '../api.js'
import { fixed, withPercent } from '../format.js'
import type { T } from '../i18n.js'
import type { RateInterval, ReportScope } from './reports-types.js'

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
