/** How the reports show rates, intervals and the scope they were computed for. */
import { query } from '../api.js'
import type { RateInterval, ReportScope } from './reports-types.js'

const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })
const twoDecimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 })

/** A proportion (0-1) as a percentage with one decimal: `12.5%`; `—` when unknown. */
export function rate(p: number | null | undefined): string {
  return p === null || p === undefined || !Number.isFinite(p) ? '—' : `${oneDecimal.format(p * 100)}%`
}

/** A 95% interval: `8.1–17.9%`. */
export function interval(i: RateInterval): string {
  return `${oneDecimal.format(i.low * 100)}–${oneDecimal.format(i.high * 100)}%`
}

/** A ratio such as a lift or an AUC: `1.84`; `—` when unknown. */
export function ratio(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : twoDecimals.format(x)
}

/** The query string of a report for `scope` (the API's defaults where the scope leaves them out). */
export function scopeQuery(
  scope: ReportScope,
  extra: Record<string, string | number | undefined> = {},
): string {
  return query({ outcome: scope.outcome, asOf: scope.asOf, days: scope.days, ...extra })
}

/** What a conversion means under `outcome`, for the empty states. */
export function outcomeMeaning(outcome: string): string {
  const [kind, ...rest] = outcome.split('=')
  const what = rest.join('=')
  if (kind === 'stage')
    return `contacts reaching the stage ${what} (or a later one), at their first move there`
  if (kind === 'event') return `contacts with an event ${what}, at the first one`
  if (kind === 'property') return `contacts with the property ${what} set`
  return outcome
}
