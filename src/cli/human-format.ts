/**
 * Numbers, shares, dates and months in tables and reports for people, the way the language
 * writes them (`3,000` / `3000` / `3.000`, `12.5%` / `12,5 %`); English dates stay ISO, as the
 * scores files write them. CSV and JSON never go through here.
 * @module
 */
import type { CliKey } from '../i18n/cli.js'
import type { Translator } from '../i18n/translator.js'
import { type CliContext, textOf } from './context.js'

export interface HumanFormat {
  readonly t: Translator<CliKey>
  /** A whole number with the language's grouping. */
  count(n: number): string
  /** A share as a percentage with one decimal (`12.5%`); `-` when not a number. */
  pct(x: number): string
  /** A number with `digits` decimals and no grouping; `-` when not a number. */
  fixed(x: number, digits?: number): string
  /** A day: `2026-11-02` in English, `2 nov 2026` in Spanish and Dutch (UTC). */
  day(time: number): string
  /** A month: `2026-11`, `nov 2026`. */
  month(time: number): string
  /** A confidence interval: `10.0% to 14.0%`. */
  interval(i: { readonly low: number; readonly high: number }): string
}

/** The formats of the context's language. */
export function humanFormat(ctx: CliContext): HumanFormat {
  return formatFor(textOf(ctx))
}

/** The formats of `t`'s language. */
export function formatFor(t: Translator<CliKey>): HumanFormat {
  const english = t.locale === 'en'
  const pct = (x: number) =>
    !Number.isFinite(x)
      ? '-'
      : english
        ? `${(x * 100).toFixed(1)}%`
        : t.number(x + 0, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 })
  return {
    t,
    count: (n) => t.number(n),
    pct,
    fixed: (x, digits = 2) =>
      Number.isFinite(x)
        ? english
          ? x.toFixed(digits)
          : t.number(x + 0, {
              minimumFractionDigits: digits,
              maximumFractionDigits: digits,
              useGrouping: false,
            })
        : '-',
    day: (time) =>
      english
        ? new Date(time).toISOString().slice(0, 10)
        : t.date(time, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }),
    month: (time) =>
      english
        ? new Date(time).toISOString().slice(0, 7)
        : t.date(time, { month: 'short', year: 'numeric', timeZone: 'UTC' }),
    interval: (i) => t.t('range', { low: pct(i.low), high: pct(i.high) }),
  }
}
