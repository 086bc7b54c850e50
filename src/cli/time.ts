import { parseTimestamp } from '../io/index.js'
import { CliError } from './context.js'

/** The `--as-of` time (ISO-8601 or epoch ms), or now. */
export function asOfTime(value: string | undefined, now: () => number = Date.now): number {
  if (value === undefined || value === '') return now()
  const t = parseTimestamp(value)
  if (t === undefined) {
    throw new CliError(`--as-of ${value} is not a time`, {
      hint: 'write an ISO-8601 date or time (2026-11-01, 2026-11-01T09:30:00Z) or epoch milliseconds',
    })
  }
  return t
}
