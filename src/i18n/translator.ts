import { IntlMessageFormat } from 'intl-messageformat'
import { DEFAULT_LOCALE, type Locale } from './locale.js'

/** Messages of one domain in one language: key → ICU message (`{count, plural, one {# lead} other {# leads}}`). */
export type Catalog = Readonly<Record<string, string>>

/** One domain's catalogs in every language, all with the English catalog's keys. */
export type Catalogs<K extends string> = { readonly [L in Locale]: Readonly<Record<K, string>> }

export type MessageValue = string | number | bigint | boolean | Date | null | undefined
export type MessageValues = Readonly<Record<string, MessageValue>>

export interface Translator<K extends string> {
  readonly locale: Locale
  /** The message `key` with its `{placeholders}` filled in, in this translator's language. */
  t(key: K, values?: MessageValues): string
  number(value: number, options?: Intl.NumberFormatOptions): string
  percent(fraction: number, maximumFractionDigits?: number): string
  date(value: Date | number, options?: Intl.DateTimeFormatOptions): string
  /** `3 days ago`, `in 2 hours`, `yesterday`: how long before or after `now` `time` is. */
  relative(time: Date | number, now: Date | number): string
  /** `a, b and c` (or `a, b or c`). */
  list(items: readonly string[], type?: 'conjunction' | 'disjunction'): string
}

const RELATIVE_STEPS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.348],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
]

/**
 * A translator over one domain's catalogs (ICU MessageFormat through `intl-messageformat`). Each
 * message is parsed once per language; a key missing from a language falls back to English
 * (the catalog test makes sure none is).
 */
export function createTranslator<K extends string>(catalogs: Catalogs<K>, locale: Locale): Translator<K> {
  const compiled = new Map<K, IntlMessageFormat>()
  const numbers = new Map<string, Intl.NumberFormat>()
  const numberFormat = (options: Intl.NumberFormatOptions = {}) => {
    const id = JSON.stringify(options)
    let format = numbers.get(id)
    if (!format) {
      format = new Intl.NumberFormat(locale, options)
      numbers.set(id, format)
    }
    return format
  }
  const relativeFormat = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })

  const message = (key: K): IntlMessageFormat => {
    let format = compiled.get(key)
    if (!format) {
      const source = catalogs[locale][key] ?? catalogs[DEFAULT_LOCALE][key]
      if (source === undefined) throw new Error(`i18n: no message "${key}" in the catalogs`)
      format = new IntlMessageFormat(source, locale)
      compiled.set(key, format)
    }
    return format
  }

  return {
    locale,
    t(key, values) {
      const out = message(key).format(values as Record<string, string | number | boolean | Date>)
      return Array.isArray(out) ? out.join('') : String(out)
    },
    number: (value, options) => numberFormat(options).format(value),
    percent: (fraction, maximumFractionDigits = 1) =>
      numberFormat({ style: 'percent', maximumFractionDigits }).format(fraction),
    date: (value, options = { dateStyle: 'medium' }) =>
      new Intl.DateTimeFormat(locale, options).format(value),
    relative(time, now) {
      let amount = (Number(time) - Number(now)) / 1000
      for (const [unit, size] of RELATIVE_STEPS) {
        if (Math.abs(amount) < size) return relativeFormat.format(Math.round(amount), unit)
        amount /= size
      }
      return relativeFormat.format(Math.round(amount), 'year')
    },
    list: (items, type = 'conjunction') => new Intl.ListFormat(locale, { type }).format(items),
  }
}
