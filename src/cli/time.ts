import { parseTimestamp } from '../io/index.js'
import { type CliContext, CliError, localeOf, textOf } from './context.js'

/** The `--as-of` time (ISO-8601 or epoch ms), or now. */
export function asOfTime(value: string | undefined, now: () => number = Date.now): number {
  if (value === undefined || value === '') return now()
  const t = parseTimestamp(value)
  if (t === undefined) {
    throw new CliError({ key: 'asOf.invalid', values: { value } }, { hint: { key: 'asOf.invalid.hint' } })
  }
  return t
}

/**
 * A time for people: ISO-8601 in English (as the scores files write it), else the date and time
 * in the language's style, in UTC.
 */
export function humanTime(ctx: CliContext, time: number): string {
  if (localeOf(ctx) === 'en') return new Date(time).toISOString()
  return `${textOf(ctx).date(time, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' })} UTC`
}
