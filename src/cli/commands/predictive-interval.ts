/**
 * Durations on the command line (`--retrain-every 7d`).
 * @module
 */
import { CliError } from '../context.js'

const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** `30m`, `12h`, `7d`, `2w` in milliseconds. @throws {CliError} for anything else. */
export function parseInterval(text: string, name: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$/i.exec(text)
  const ms = match ? Number(match[1]) * UNITS[match[2]!.toLowerCase()]! : Number.NaN
  if (!(ms >= 60_000))
    throw new CliError(
      { key: 'duration.invalid', values: { name, value: text } },
      { hint: { key: 'duration.invalid.hint' } },
    )
  return Math.round(ms)
}
