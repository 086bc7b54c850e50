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
  const copy = <T extends Float64Array | Int32Array>(source: T, target: T): T => {
    copyRanges(source, target, starts, keep)
    return target
  }
  let ids: string[] | undefined
  if (events.ids !== undefined && only === undefined) {
    ids = new Array<string>(total)
    for (let k = 0; k < n; k++)
      for (let j = 0, to = keep[k]!, length = keep[k + 1]! - to; j < length; j++)
        ids[to + j] = events.ids[starts[k]! + j]!
  }
  const out = {
    ts: copy(ts, new Float64Array(total)),
    name: copy(events.name, new Int32Array(total)),
    idHash: copy(events.idHash, new Float64Array(total)),
    ids,
  }
  const columns = [...events.properties]
    .filter(([key]) => only === undefined || only.has(key))
    .map(([key, column]) => ({ key, column, codes: copy(column.codes, new Int32Array(total)) }))
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

/**
 * Copies `source[starts[k] ..]` to `target[keep[k] .. keep[k + 1]]` for every k: element by
 * element for the few events of most contacts, as a block for the many of some.
 */
function copyRanges(
  source: Float64Array | Int32Array,
  target: Float64Array | Int32Array,
  starts: Int32Array,
  keep: Int32Array,
): void {
  for (let k = 0; k < starts.length; k++) {
    const to = keep[k]!
    const length = keep[k + 1]! - to
    const from = starts[k]!
    if (length > 64) target.set(source.subarray(from, from + length), to)
    else for (let j = 0; j < length; j++) target[to + j] = source[from + j]!
  }
}

/** The contacts `select` of `contacts`, renumbered in that order (their property columns too). */
export function selectContacts(contacts: ContactColumns, select: Int32Array): ContactColumns {
  const { accounts, likelihood, columns } = contacts
  const pick = (map: ReadonlyMap<string, PropertyColumn>) =>
    new Map([...map].map(([key, column]) => [key, selectColumn(column, select)]))
  return {
    length: select.length,
    ids: Array.from(select, (c) => contacts.ids[c]!),
    // contacts read as columns have no properties of their own
    properties: contacts.properties.length === 0 ? [] : Array.from(select, (c) => contacts.properties[c]!),
    ...(accounts ? { accounts: Array.from(select, (c) => accounts[c]) } : {}),
    ...(likelihood ? { likelihood: Float64Array.from(select, (c) => likelihood[c]!) } : {}),
    ...(columns
      ? {
          columns: {
            contact: pick(columns.contact),
            ...(columns.account ? { account: pick(columns.account) } : {}),
          },
        }
      : {}),
  }
}

/**
 * The codes of the contacts `select` of a property column. A few contacts of a column with
 * many values (emails) get a dictionary of their own values only: conditions are tested once
 * per value, and a week's few leads should not cost a test of every email of the data.
 */
function selectColumn(column: PropertyColumn, select: Int32Array): PropertyColumn {
  const { codes, values } = column
  if (select.length * 4 >= values.length) {
    return { codes: Int32Array.from(select, (c) => codes[c]!), values }
  }
  const remap = new Int32Array(values.length).fill(-1)
  const kept: unknown[] = []
  const out = new Int32Array(select.length)
  for (let k = 0; k < select.length; k++) {
    const code = codes[select[k]!]!
    if (code < 0) {
      out[k] = -1
      continue
    }
    if (remap[code] === -1) remap[code] = kept.push(values[code]) - 1
    out[k] = remap[code]!
  }
  return { codes: out, values: kept }
}
