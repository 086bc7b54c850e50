/**
 * Events cut at a time per contact: what was known before each lead converted, so that a
 * signal never counts what happened after the outcome.
 * @module
 */
import type { EventColumns, PropertyColumn } from '../core/columnar/index.js'

/**
 * The events of contact c with `ts < limits[c]` (all of them when the limit is NaN or
 * infinite), as new columns sharing the dictionaries. Returns `events` itself when nothing
 * is cut.
 */
export function eventsBefore(events: EventColumns, limits: Float64Array): EventColumns {
  const { offsets, ts } = events
  const contacts = events.contacts
  const keep = new Int32Array(contacts + 1)
  let total = 0
  for (let c = 0; c < contacts; c++) {
    const limit = c < limits.length ? limits[c]! : Number.NaN
    let end = offsets[c + 1]!
    if (limit < Number.POSITIVE_INFINITY) {
      let i = offsets[c]!
      while (i < end && ts[i]! < limit) i++
      end = i
    }
    total += end - offsets[c]!
    keep[c + 1] = total
  }
  if (total === events.length) return events
  const out = {
    ts: new Float64Array(total),
    name: new Int32Array(total),
    idHash: new Float64Array(total),
    ids: events.ids === undefined ? undefined : new Array<string>(total),
    codes: new Map<string, Int32Array>(),
  }
  for (const [key] of events.properties) out.codes.set(key, new Int32Array(total))
  for (let c = 0; c < contacts; c++) {
    const from = offsets[c]!
    const length = keep[c + 1]! - keep[c]!
    if (length === 0) continue
    const to = keep[c]!
    out.ts.set(ts.subarray(from, from + length), to)
    out.name.set(events.name.subarray(from, from + length), to)
    out.idHash.set(events.idHash.subarray(from, from + length), to)
    if (out.ids !== undefined) for (let k = 0; k < length; k++) out.ids[to + k] = events.ids![from + k]!
    for (const [key, column] of events.properties)
      out.codes.get(key)!.set(column.codes.subarray(from, from + length), to)
  }
  const properties = new Map<string, PropertyColumn>()
  for (const [key, column] of events.properties)
    properties.set(key, { codes: out.codes.get(key)!, values: column.values })
  return {
    length: total,
    contacts,
    offsets: keep,
    ts: out.ts,
    name: out.name,
    names: events.names,
    idHash: out.idHash,
    ids: out.ids,
    properties,
  }
}
