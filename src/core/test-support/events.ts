import type { ContactEvent } from '../input.js'
import { DAY_MS } from '../input.js'

/** The as-of time most tests use. */
export const NOW = Date.parse('2026-11-01T00:00:00Z')

let counter = 0

/** An event `daysAgo` days before NOW (or before `asOf`). */
export function ev(
  name: string,
  daysAgo: number,
  properties: Record<string, unknown> = {},
  id = `e${++counter}`,
  asOf = NOW,
): ContactEvent {
  return { id, name, ts: asOf - daysAgo * DAY_MS, properties }
}
