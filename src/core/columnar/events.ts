/**
 * Events as columns: typed arrays sorted by (contact, time, id), names and property values
 * dictionary-encoded. The shape the bulk scorer reads; built once, rescored by any model.
 * @module
 */
import { idHash } from '../id-hash.js'
import type { ContactEvent } from '../input.js'

/** One property as a column: a code per event (-1 when absent) into a dictionary of values. */
export interface PropertyColumn {
  readonly codes: Int32Array
  readonly values: readonly unknown[]
}

/** Events of many contacts as columns, sorted by contact index, then time, then id. */
export interface EventColumns {
  readonly length: number
  /** Number of contacts (contact indexes are 0..contacts-1). */
  readonly contacts: number
  /** Events of contact c are the rows offsets[c] .. offsets[c+1]-1. */
  readonly offsets: Int32Array
  readonly ts: Float64Array
  /** Code into `names`. */
  readonly name: Int32Array
  readonly names: readonly string[]
  /** `idHash` of each event id: orders events at the same time, and finds duplicates. */
  readonly idHash: Float64Array
  /** The event ids, only when the builder was asked to keep them (`keepIds`). */
  readonly ids: readonly string[] | undefined
  readonly properties: ReadonlyMap<string, PropertyColumn>
}

/**
 * Builds `EventColumns` from rows appended in any order. Only the listed properties are kept
 * (all when `properties` is undefined). Events with the same contact, time and id are one
 * event. Ids are kept as 53-bit hashes unless `keepIds` is set (two different ids of one
 * contact at the same millisecond with the same hash would count once: about one chance in
 * 10^15 per such pair).
 */
export class EventColumnsBuilder {
  #length = 0
  #capacity: number
  #contact: Int32Array
  #ts: Float64Array
  #name: Int32Array
  #hash: Float64Array
  readonly #ids: string[] | undefined
  readonly #names: string[] = []
  readonly #nameCodes = new Map<string, number>()
  readonly #props = new Map<string, { codes: Int32Array; values: unknown[]; index: Map<unknown, number> }>()
  readonly #keep: ReadonlySet<string> | undefined
  #contacts: number

  constructor(
    options: { contacts?: number; properties?: Iterable<string>; capacity?: number; keepIds?: boolean } = {},
  ) {
    this.#capacity = Math.max(16, options.capacity ?? 1024)
    this.#contact = new Int32Array(this.#capacity)
    this.#ts = new Float64Array(this.#capacity)
    this.#name = new Int32Array(this.#capacity)
    this.#hash = new Float64Array(this.#capacity)
    this.#ids = options.keepIds ? [] : undefined
    this.#keep = options.properties ? new Set(options.properties) : undefined
    this.#contacts = options.contacts ?? 0
    if (this.#keep) for (const p of this.#keep) this.#column(p)
  }

  get length(): number {
    return this.#length
  }

  /** Appends an event of contact number `contact`. */
  add(contact: number, event: ContactEvent): void {
    if (this.#length === this.#capacity) this.#grow()
    const i = this.#length++
    this.#contact[i] = contact
    if (contact >= this.#contacts) this.#contacts = contact + 1
    this.#ts[i] = event.ts
    let code = this.#nameCodes.get(event.name)
    if (code === undefined) {
      code = this.#names.length
      this.#names.push(detach(event.name))
      this.#nameCodes.set(event.name, code)
    }
    this.#name[i] = code
    this.#hash[i] = idHash(event.id)
    this.#ids?.push(event.id)
    for (const key in event.properties) {
      if (this.#keep && !this.#keep.has(key)) continue
      const value = event.properties[key]
      if (value === undefined || value === null) continue
      const col = this.#column(key)
      let vcode = col.index.get(value)
      if (vcode === undefined) {
        vcode = col.values.length
        const kept = typeof value === 'string' ? detach(value) : value
        col.values.push(kept)
        col.index.set(kept, vcode)
      }
      col.codes[i] = vcode
    }
  }

  #column(key: string) {
    let col = this.#props.get(key)
    if (!col) {
      col = { codes: new Int32Array(this.#capacity).fill(-1), values: [], index: new Map() }
      this.#props.set(key, col)
    }
    return col
  }

  #grow(): void {
    const cap = this.#capacity * 2
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T, fill?: number): T => {
      const b = make(cap)
      if (fill !== undefined) b.fill(fill)
      b.set(a)
      return b
    }
    this.#contact = grow(this.#contact, (n) => new Int32Array(n))
    this.#ts = grow(this.#ts, (n) => new Float64Array(n))
    this.#name = grow(this.#name, (n) => new Int32Array(n))
    this.#hash = grow(this.#hash, (n) => new Float64Array(n))
    for (const col of this.#props.values()) col.codes = grow(col.codes, (n) => new Int32Array(n), -1)
    this.#capacity = cap
  }

  /** Sorts and returns the columns. The builder must not be used afterwards. */
  finish(): EventColumns {
    const n = this.#length
    const contacts = this.#contacts
    // counting sort by contact, then each contact's rows by (time, id)
    const offsets = new Int32Array(contacts + 1)
    for (let i = 0; i < n; i++) offsets[this.#contact[i]! + 1]!++
    for (let c = 0; c < contacts; c++) offsets[c + 1]! += offsets[c]!
    const cursor = offsets.slice(0, contacts)
    const order = new Int32Array(n)
    for (let i = 0; i < n; i++) order[cursor[this.#contact[i]!]!++] = i
    const ts = this.#ts
    const hash = this.#hash
    const ids = this.#ids
    for (let c = 0; c < contacts; c++) {
      const from = offsets[c]!
      const to = offsets[c + 1]!
      if (to - from > 1) sortSegment(order, from, to, ts, hash, ids)
    }
    // drop exact duplicates (same contact, time and id), now adjacent
    let kept = 0
    const keep = new Int32Array(n)
    const newOffsets = new Int32Array(contacts + 1)
    for (let c = 0; c < contacts; c++) {
      const from = offsets[c]!
      const to = offsets[c + 1]!
      for (let k = from; k < to; k++) {
        const i = order[k]!
        if (k > from) {
          const prev = order[k - 1]!
          if (ts[prev] === ts[i] && hash[prev] === hash[i] && (ids === undefined || ids[prev] === ids[i]))
            continue
        }
        keep[kept++] = i
      }
      newOffsets[c + 1] = kept
    }
    const rows = keep.subarray(0, kept)
    const outTs = new Float64Array(kept)
    const outName = new Int32Array(kept)
    const outHash = new Float64Array(kept)
    const outIds: string[] | undefined = ids ? new Array(kept) : undefined
    for (let k = 0; k < kept; k++) {
      const i = rows[k]!
      outTs[k] = ts[i]!
      outName[k] = this.#name[i]!
      outHash[k] = hash[i]!
      if (outIds) outIds[k] = ids![i]!
    }
    const properties = new Map<string, PropertyColumn>()
    for (const [key, col] of this.#props) {
      const codes = new Int32Array(kept)
      for (let k = 0; k < kept; k++) codes[k] = col.codes[rows[k]!]!
      properties.set(key, { codes, values: col.values })
    }
    return {
      length: kept,
      contacts,
      offsets: newOffsets,
      ts: outTs,
      name: outName,
      names: this.#names,
      idHash: outHash,
      ids: outIds,
      properties,
    }
  }
}

/** Sorts one contact's rows by (time, id hash, id): the order of `before` in state.ts. */
function sortSegment(
  order: Int32Array,
  from: number,
  to: number,
  ts: Float64Array,
  hash: Float64Array,
  ids: readonly string[] | undefined,
): void {
  const seg = order.subarray(from, to)
  const compare = (a: number, b: number): number => {
    const d = ts[a]! - ts[b]! || hash[a]! - hash[b]!
    if (d !== 0 || ids === undefined) return d
    return ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0
  }
  // already sorted is the common case (files in time order)
  let sorted = true
  for (let k = 1; k < seg.length; k++) {
    if (compare(seg[k - 1]!, seg[k]!) > 0) {
      sorted = false
      break
    }
  }
  if (!sorted) seg.sort(compare)
}

/** A copy of a string that does not keep a larger one alive (V8 slices point into their parent). */
function detach(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1)
}

/** Builds columns from per-contact event lists (tests, small data). */
export function eventColumnsOf(
  perContact: readonly (readonly ContactEvent[])[],
  properties?: Iterable<string>,
): EventColumns {
  const builder = new EventColumnsBuilder({
    contacts: perContact.length,
    keepIds: true,
    ...(properties ? { properties } : {}),
  })
  perContact.forEach((events, c) => {
    for (const e of events) builder.add(c, e)
  })
  return builder.finish()
}
