/**
 * Events cut per contact: what was known before each lead converted (so that a signal never
 * counts what happened after the outcome), or the events of only the leads in play as of a
 * time (so that a backtest scores only them).
 * @module
 */
import type { ContactColumns, EventColumns, PropertyColumn } from '../core/columnar/index.js'

/**
 * The events of the contacts `select` (renumbered 0, 1, ... in that order), each contact's
 * cut to `ts < limit(c)`, as new columns sharing the dictionaries. With `only`, only
 * those property columns (the others are left out, as the event ids are).
 */
export function selectEvents(
  events: EventColumns,
  select: Int32Array,
  limit: (c: number) => number,
  only?: ReadonlySet<string>,
): EventColumns {
  const { offsets, ts } = events
  const n = select.length
  const starts = new Int32Array(n)
  const keep = new Int32Array(n + 1)
  let total = 0
  for (let k = 0; k < n; k++) {
    const c = select[k]!
    if (c >= events.contacts) {
      keep[k + 1] = total
      continue
    }
    const from = offsets[c]!
    const end = offsets[c + 1]!
    const until = limit(c)
    let i = from
    if (until < Number.POSITIVE_INFINITY) while (i < end && ts[i]! < until) i++
    else i = end
    starts[k] = from
    total += i - from
    keep[k + 1] = total
  }
  const out = {
    ts: new Float64Array(total),
    name: new Int32Array(total),
    idHash: new Float64Array(total),
    ids: events.ids === undefined || only !== undefined ? undefined : new Array<string>(total),
  }
  const kept = [...events.properties].filter(([key]) => only === undefined || only.has(key))
  const columns = kept.map(([key, column]) => ({
    key,
    column,
    codes: new Int32Array(total),
  }))
  // element by element: a contact has a few dozen events, too few for a typed-array view each
  const codes = columns.map((p) => [p.column.codes, p.codes] as const)
  for (let k = 0; k < n; k++) {
    const length = keep[k + 1]! - keep[k]!
    if (length === 0) continue
    const from = starts[k]!
    const to = keep[k]!
    for (let j = 0; j < length; j++) {
      out.ts[to + j] = ts[from + j]!
      out.name[to + j] = events.name[from + j]!
      out.idHash[to + j] = events.idHash[from + j]!
    }
    if (out.ids !== undefined) for (let j = 0; j < length; j++) out.ids[to + j] = events.ids![from + j]!
    for (const [source, target] of codes) for (let j = 0; j < length; j++) target[to + j] = source[from + j]!
  }
  const properties = new Map<string, PropertyColumn>()
  for (const p of columns) properties.set(p.key, { codes: p.codes, values: p.column.values })
  return {
    length: total,
    contacts: n,
    offsets: keep,
    ts: out.ts,
    name: out.name,
    names: events.names,
    idHash: out.idHash,
    ids: out.ids,
    properties,
  }
}

/** The contacts `select` of `contacts`, renumbered in that order. */
export function selectContacts(contacts: ContactColumns, select: Int32Array): ContactColumns {
  const { accounts, likelihood } = contacts
  return {
    length: select.length,
    ids: Array.from(select, (c) => contacts.ids[c]!),
    properties: Array.from(select, (c) => contacts.properties[c]!),
    ...(accounts ? { accounts: Array.from(select, (c) => accounts[c]) } : {}),
    ...(likelihood ? { likelihood: Float64Array.from(select, (c) => likelihood[c]!) } : {}),
  }
}
