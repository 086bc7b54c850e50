/**
 * How numbers, times and names are shown, in the language of the page: `setFormatLocale`
 * is called once the language is known (the app renders again when it changes).
 */
import type { Locale } from '../../i18n/locale.js'

let locale: Locale = 'en'
const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>()

/** The language numbers and dates are written in from now on. */
export function setFormatLocale(next: Locale): void {
  if (next !== locale) formats.clear()
  locale = next
}

function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  id: string,
  make: () => F,
): F {
  let format = formats.get(id) as F | undefined
  if (format === undefined) {
    format = make()
    formats.set(id, format)
  }
  return format
}

const numberFormat = () => cached('n1', () => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }))

/** A number with at most one decimal, `12.5` (`12,5` in Spanish and Dutch). */
export function decimal(n: number): string {
  return numberFormat().format(n)
}

/** A number with exactly `digits` decimals: `0.84`, `12.5`. */
export function fixed(n: number, digits: number): string {
  return cached(
    `f${digits}`,
    () => new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }),
  ).format(n)
}

/** A score: one decimal at most; '' for null. */
export function score(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : numberFormat().format(Math.round(n * 10) / 10)
}

/** Points with their sign: `+20`, `−10`, `+2.5`. */
export function points(n: number): string {
  const r = Math.round(n * 10) / 10
  return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${numberFormat().format(Math.abs(r))}`
}

export function count(n: number): string {
  return cached('int', () => new Intl.NumberFormat(locale)).format(n)
}

/** A percentage given from 0 to 100: `42%` (`42 %` in Spanish). */
export function percent(n: number | null | undefined): string {
  return n === null || n === undefined
    ? ''
    : cached(
        'pct',
        () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }),
      ).format(Math.round(n) / 100)
}

/** `text` (a number already written) with the percent sign as the language puts it: `12.5%`, `12,5 %`. */
export function withPercent(text: string): string {
  const sample = cached('pct1', () => new Intl.NumberFormat(locale, { style: 'percent' })).format(0.01)
  return sample.replace('1', text)
}

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['minute', 60],
  ['hour', 3600],
  ['day', 86_400],
  ['month', 86_400 * 30],
]

/** "3 days ago", "now", "in 2 hours" (`hace 3 días`, `3 dagen geleden`). */
export function ago(t: number | null | undefined, now = Date.now()): string {
  if (t === null || t === undefined) return ''
  const s = Math.round((now - t) / 1000)
  const abs = Math.abs(s)
  const format = cached('rel', () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }))
  if (abs < 60) return format.format(0, 'second')
  const [unit, size] =
    abs < 3600 ? UNITS[0]! : abs < 86_400 ? UNITS[1]! : abs < 86_400 * 60 ? UNITS[2]! : UNITS[3]!
  return format.format(-Math.sign(s) * Math.round(abs / size), unit)
}

export function when(t: number | null | undefined): string {
  return t === null || t === undefined
    ? ''
    : cached('dt', () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })).format(
        t,
      )
}

export function day(t: number | null | undefined): string {
  return t === null || t === undefined
    ? ''
    : cached('d', () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' })).format(t)
}

/** A month as `Mar 2026` (`mar 2026`, `mrt 2026`), in UTC. */
export function month(t: number): string {
  return cached(
    'm',
    () => new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }),
  ).format(t)
}

/**
 * The labels of a time axis (times in seconds, as uPlot gives them), as precise as the axis
 * needs: hours and minutes over a day or less, else day and month, else month and year.
 */
export function timeTicks(splits: readonly number[]): string[] {
  const span = splits.length > 1 ? splits[splits.length - 1]! - splits[0]! : 0
  const format =
    span <= 86_400
      ? cached('tt', () => new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }))
      : span <= 86_400 * 300
        ? cached('td', () => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }))
        : cached('tm', () => new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric' }))
  return splits.map((s) => format.format(s * 1000))
}

/** An event as people say it: `page /pricing`, `Demo Requested`. */
export function eventName(name: string, properties: Record<string, unknown>): string {
  if (name === 'page' || name === 'screen') {
    const path = properties['path'] ?? properties['name'] ?? properties['url']
    return typeof path === 'string' ? `${name} ${path}` : name
  }
  return name
}
