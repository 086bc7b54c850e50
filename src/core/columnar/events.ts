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
 * Unsorted events as parallel columns, appended at once by {@link EventColumnsBuilder.addColumns}
 * (what `readEventColumns` in `src/io` yields). Only the first `length` entries of each array
 * are read. Codes index dictionaries (`names`, each property's `values`) that may be shared
 * by many batches and grow between them (append-only).
 */
export interface EventColumnBatch {
  readonly length: number
  /** The contact index of each event (0 or more). */
  readonly contact: Int32Array
  readonly ts: Float64Array
  /** Code into `names`. */
  readonly name: Int32Array
  readonly names: readonly string[]
  /** `idHash` of each event id. */
  readonly idHash: Float64Array
  /** The event ids: required by a builder that keeps them (`keepIds`), ignored otherwise. */
  readonly ids?: readonly string[] | undefined
  /** Property columns: a code per event into `values`, -1 when absent (a null value is absent too). */
  readonly properties: ReadonlyMap<string, PropertyColumn>
  /**
   * A promise about the dictionaries, which lets the builder copy codes instead of mapping
   * them one by one: every entry of `names` and of each property's `values` is used by a
   * row of this batch or of an earlier one given to the builder, entries are numbered in
   * the order of their first use, and no value is null. (`readEventColumns` makes such batches.)
   */
  readonly firstUseOrder?: boolean | undefined
}

interface BuilderColumn {
  codes: Int32Array
  values: unknown[]
  index: Map<unknown, number>
}

/** Codes of a batch dictionary mapped to the builder's, filled as codes are met. */
interface CodeMap {
  map: Int32Array
  /** Entries mapped in order so far (with `firstUseOrder`). */
  done: number
  /** Every entry mapped in order is mapped to its own code. */
  identity: boolean
}

/** Not mapped yet (in a {@link CodeMap}). -1 means absent. */
const UNMAPPED = -2

/**
 * Builds `EventColumns` from rows appended in any order. Only the listed properties are kept
 * (all when `properties` is undefined). Events with the same contact, time and id are one
 * event. Ids are kept as 53-bit hashes unless `keepIds` is set (two different ids of one
 * contact at the same millisecond with the same hash would count once: about one chance in
 * 10^15 per such pair).
 *
 * Memory: the columns grow by half when full (or to {@link reserve}'s size, given an
 * estimate), and `finish()` sorts them in place, so it needs only an index per row more
 * (the sorted columns are views of the builder's, unless those are much longer).
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
  readonly #props = new Map<string, BuilderColumn>()
  readonly #keep: ReadonlySet<string> | undefined
  #contacts: number
  /** Batch dictionaries (`names`, property `values`) mapped to the builder's codes. */
  #maps = new WeakMap<readonly unknown[], CodeMap>()

  /** Columns over `SharedArrayBuffer`s (`shared`). */
  readonly #shared: boolean

  /**
   * `shared`: the columns are views of `SharedArrayBuffer`s, so that worker threads read the
   * finished columns without a copy (`engagementRulePoints` on several threads).
   */
  constructor(
    options: {
      contacts?: number
      properties?: Iterable<string>
      capacity?: number
      keepIds?: boolean
      shared?: boolean
    } = {},
  ) {
    this.#shared = options.shared === true
    this.#capacity = Math.max(16, options.capacity ?? 1024)
    this.#contact = this.#int32(this.#capacity)
    this.#ts = this.#float64(this.#capacity)
    this.#name = this.#int32(this.#capacity)
    this.#hash = this.#float64(this.#capacity)
    this.#ids = options.keepIds ? [] : undefined
    this.#keep = options.properties ? new Set(options.properties) : undefined
    this.#contacts = options.contacts ?? 0
    if (this.#keep) for (const p of this.#keep) this.#column(p)
  }

  get length(): number {
    return this.#length
  }

  #int32(length: number): Int32Array {
    return this.#shared ? new Int32Array(new SharedArrayBuffer(length * 4)) : new Int32Array(length)
  }

  #float64(length: number): Float64Array {
    return this.#shared ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length)
  }

  /** Appends an event of contact number `contact`. */
  add(contact: number, event: ContactEvent): void {
    if (this.#length === this.#capacity) this.#grow(this.#length + 1)
    const i = this.#length++
    this.#contact[i] = contact
    if (contact >= this.#contacts) this.#contacts = contact + 1
    this.#ts[i] = event.ts
    this.#name[i] = this.#nameCode(event.name)
    this.#hash[i] = idHash(event.id)
    this.#ids?.push(event.id)
    for (const key in event.properties) {
      if (this.#keep && !this.#keep.has(key)) continue
      const value = event.properties[key]
      if (value === undefined || value === null) continue
      const col = this.#column(key)
      col.codes[i] = valueCode(col, value)
    }
  }

  /**
   * Appends a batch of events: the same as calling {@link add} for each row in order (same
   * codes, same duplicates kept), without an object per event.
   * @throws {Error} when the builder keeps ids and the batch has none.
   */
  addColumns(batch: EventColumnBatch): void {
    const n = batch.length
    if (n === 0) return
    const ids = this.#ids
    if (ids !== undefined && batch.ids === undefined)
      throw new Error('the builder keeps ids: the batch has none')
    if (this.#length + n > this.#capacity) this.#grow(this.#length + n)
    const at = this.#length
    const contact = batch.contact
    let max = this.#contacts - 1
    for (let k = 0; k < n; k++) if (contact[k]! > max) max = contact[k]!
    this.#contacts = max + 1
    this.#contact.set(contact.subarray(0, n), at)
    this.#ts.set(batch.ts.subarray(0, n), at)
    this.#hash.set(batch.idHash.subarray(0, n), at)
    if (ids !== undefined) for (let k = 0; k < n; k++) ids.push(batch.ids![k]!)

    const inOrder = batch.firstUseOrder === true
    const names = batch.names
    const nameMap = this.#codeMap(names)
    const name = batch.name
    const out = this.#name
    if (inOrder && this.#inOrder(nameMap, names, (value) => this.#nameCode(value as string))) {
      out.set(name.subarray(0, n), at)
    } else {
      let map = nameMap.map
      for (let k = 0; k < n; k++) {
        const code = name[k]!
        let mapped = code < map.length ? map[code]! : UNMAPPED
        if (mapped === UNMAPPED) {
          map = this.#extend(nameMap, names.length)
          mapped = map[code] = this.#nameCode(names[code]!)
        }
        out[at + k] = mapped
      }
    }

    // New columns in the order add() would create them: by their first value, ties in batch order.
    const fresh: { key: string; first: number }[] = []
    for (const [key, source] of batch.properties) {
      if (this.#props.has(key) || (this.#keep !== undefined && !this.#keep.has(key))) continue
      const codes = source.codes
      let first = -1
      for (let k = 0; k < n; k++) {
        const code = codes[k]!
        if (code >= 0 && !isAbsent(source.values[code])) {
          first = k
          break
        }
      }
      if (first >= 0) fresh.push({ key, first })
    }
    fresh.sort((a, b) => a.first - b.first)
    for (const { key } of fresh) this.#column(key)

    for (const [key, source] of batch.properties) {
      const col = this.#props.get(key)
      if (col === undefined) continue
      const values = source.values
      const valueMap = this.#codeMap(values)
      const codes = source.codes
      const target = col.codes
      if (inOrder && this.#inOrder(valueMap, values, (value) => valueCode(col, value))) {
        target.set(codes.subarray(0, n), at)
        continue
      }
      let vmap = valueMap.map
      for (let k = 0; k < n; k++) {
        const code = codes[k]!
        if (code < 0) continue
        let mapped = code < vmap.length ? vmap[code]! : UNMAPPED
        if (mapped === UNMAPPED) {
          vmap = this.#extend(valueMap, values.length)
          const value = values[code]
          mapped = vmap[code] = isAbsent(value) ? -1 : valueCode(col, value)
        }
        if (mapped >= 0) target[at + k] = mapped
      }
    }
    this.#length += n
  }

  /** Makes room for `capacity` events in all, so that appending up to that many never copies the columns. */
  reserve(capacity: number): void {
    if (capacity > this.#capacity) this.#resize(Math.ceil(capacity))
  }

  #nameCode(name: string): number {
    let code = this.#nameCodes.get(name)
    if (code === undefined) {
      code = this.#names.length
      this.#names.push(detach(name))
      this.#nameCodes.set(name, code)
    }
    return code
  }

  #codeMap(dictionary: readonly unknown[]): CodeMap {
    let map = this.#maps.get(dictionary)
    if (map === undefined) {
      map = { map: new Int32Array(Math.max(16, dictionary.length)).fill(UNMAPPED), done: 0, identity: true }
      this.#maps.set(dictionary, map)
    }
    return map
  }

  /**
   * Maps the entries of a dictionary in first-use order not mapped yet, in order (what
   * mapping them as rows meet them would do); true when every entry keeps its code.
   */
  #inOrder(codeMap: CodeMap, dictionary: readonly unknown[], code: (value: unknown) => number): boolean {
    if (codeMap.done < dictionary.length) {
      const map = this.#extend(codeMap, dictionary.length)
      for (let c = codeMap.done; c < dictionary.length; c++) {
        let mapped = map[c]!
        if (mapped === UNMAPPED) mapped = map[c] = code(dictionary[c])
        if (mapped !== c) codeMap.identity = false
      }
      codeMap.done = dictionary.length
    }
    return codeMap.identity
  }

  /** Grows a code map to hold `size` codes. */
  #extend(codeMap: CodeMap, size: number): Int32Array {
    if (codeMap.map.length < size) {
      const map = new Int32Array(Math.max(size, codeMap.map.length * 2)).fill(UNMAPPED)
      map.set(codeMap.map)
      codeMap.map = map
    }
    return codeMap.map
  }

  #column(key: string): BuilderColumn {
    let col = this.#props.get(key)
    if (!col) {
      col = { codes: this.#int32(this.#capacity).fill(-1), values: [], index: new Map() }
      this.#props.set(key, col)
    }
    return col
  }

  /** Grows the columns to hold at least `needed` events: by half, or to `needed` if more. */
  #grow(needed: number): void {
    this.#resize(Math.max(needed, Math.ceil(this.#capacity * 1.5)))
  }

  #resize(cap: number): void {
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T, fill?: number): T => {
      const b = make(cap)
      if (fill !== undefined) b.fill(fill, a.length)
      b.set(a)
      return b
    }
    const int32 = (n: number) => this.#int32(n)
    const float64 = (n: number) => this.#float64(n)
    this.#contact = grow(this.#contact, int32)
    this.#ts = grow(this.#ts, float64)
    this.#name = grow(this.#name, int32)
    this.#hash = grow(this.#hash, float64)
    for (const col of this.#props.values()) col.codes = grow(col.codes, int32, -1)
    this.#capacity = cap
  }

  /** Sorts and returns the columns. The builder must not be used afterwards. */
  finish(): EventColumns {
    return sortEventColumns(this.unsorted(), { shared: this.#shared })
  }

  /**
   * The columns as appended, to sort elsewhere ({@link sortEventColumns}, on another thread
   * when they are shared). The builder must not be used afterwards.
   */
  unsorted(): UnsortedEventColumns {
    const properties = new Map<string, PropertyColumn>()
    for (const [key, col] of this.#props) properties.set(key, { codes: col.codes, values: col.values })
    const out: UnsortedEventColumns = {
      length: this.#length,
      contacts: this.#contacts,
      contact: this.#contact,
      ts: this.#ts,
      name: this.#name,
      names: this.#names,
      idHash: this.#hash,
      ids: this.#ids,
      properties,
    }
    this.#contact = new Int32Array(0)
    this.#ts = new Float64Array(0)
    this.#name = new Int32Array(0)
    this.#hash = new Float64Array(0)
    for (const col of this.#props.values()) col.codes = new Int32Array(0)
    this.#length = 0
    return out
  }
}

/**
 * Events in the order they were appended (`EventColumnsBuilder.unsorted`): each array holds
 * at least `length` entries (the rest unused), `contact` the contact index of each.
 */
export interface UnsortedEventColumns extends Omit<EventColumns, 'offsets'> {
  readonly contact: Int32Array
}

/**
 * Sorts appended events into `EventColumns`: by contact (a counting sort), each contact's
 * rows by (time, id hash, id), exact duplicates (same contact, time and id) dropped. The
 * arrays are sorted in place (sorted copies would double their memory) and given up to the
 * result; `shared`: new arrays are made on `SharedArrayBuffer`s, as the given ones are.
 */
export function sortEventColumns(
  events: UnsortedEventColumns,
  options: { shared?: boolean } = {},
): EventColumns {
  const shared = options.shared === true
  const int32 = (m: number) => (shared ? new Int32Array(new SharedArrayBuffer(m * 4)) : new Int32Array(m))
  const float64 = (m: number) =>
    shared ? new Float64Array(new SharedArrayBuffer(m * 8)) : new Float64Array(m)
  const n = events.length
  const contacts = events.contacts
  // counting sort by contact, then each contact's rows by (time, id)
  const offsets = new Int32Array(contacts + 1)
  const contact = events.contact
  for (let i = 0; i < n; i++) offsets[contact[i]! + 1]!++
  for (let c = 0; c < contacts; c++) offsets[c + 1]! += offsets[c]!
  const cursor = offsets.slice(0, contacts)
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[cursor[contact[i]!]!++] = i
  const ts = events.ts
  const hash = events.idHash
  const ids = events.ids
  for (let c = 0; c < contacts; c++) {
    const from = offsets[c]!
    const to = offsets[c + 1]!
    // already sorted is the common case (files in time order)
    let sorted = true
    for (let k = from + 1; k < to; k++) {
      const a = order[k - 1]!
      const b = order[k]!
      const d = ts[a]! - ts[b]! || hash[a]! - hash[b]!
      if (d > 0 || (d === 0 && ids !== undefined && ids[a]! > ids[b]!)) {
        sorted = false
        break
      }
    }
    if (!sorted && !insertionSort(order, from, to, ts, hash, ids)) sortSegment(order, from, to, ts, hash, ids)
  }
  // exact duplicates (same contact, time and id) are now adjacent: keep the first of each
  let kept = 0
  let drop: Uint8Array | undefined
  const newOffsets = new Int32Array(contacts + 1)
  for (let c = 0; c < contacts; c++) {
    const from = offsets[c]!
    const to = offsets[c + 1]!
    let prev = -1
    for (let k = from; k < to; k++) {
      const i = order[k]!
      if (
        prev >= 0 &&
        ts[prev] === ts[i] &&
        hash[prev] === hash[i] &&
        (ids === undefined || ids[prev] === ids[i])
      ) {
        drop ??= new Uint8Array(n)
        drop[k] = 1
        continue
      }
      kept++
      prev = i
    }
    newOffsets[c + 1] = kept
  }
  // Rows into sorted order in place, then the duplicates out.
  const plan = permutation(order, offsets, contacts)
  const outIds: string[] | undefined = ids ? [] : undefined
  if (outIds) for (let k = 0; k < n; k++) if (drop?.[k] !== 1) outIds.push(ids![order[k]!]!)
  const sortInt32 = (a: Int32Array) => trim(compact(permute(a, order, plan), drop, n), kept, int32)
  const sortFloat64 = (a: Float64Array) => trim(compact(permute(a, order, plan), drop, n), kept, float64)
  const properties = new Map<string, PropertyColumn>()
  for (const [key, col] of events.properties)
    properties.set(key, { codes: sortInt32(col.codes), values: col.values })
  return {
    length: kept,
    contacts,
    offsets: newOffsets,
    ts: sortFloat64(ts),
    name: sortInt32(events.name),
    names: events.names,
    idHash: sortFloat64(hash),
    ids: outIds,
    properties,
  }
}

/** How to apply a permutation: nothing to do, within each contact's rows, or across all rows. */
type Permutation =
  | { readonly kind: 'identity' }
  | {
      readonly kind: 'local'
      /** The contacts whose rows move, and where each contact's rows are. */
      readonly segments: Int32Array
      readonly offsets: Int32Array
      readonly scratch: Float64Array
    }
  | { readonly kind: 'global'; readonly visited: Uint8Array }

/**
 * Plans putting row `order[k]` at `k`. Rows that came sorted need nothing; rows grouped by
 * contact in index order (a file grouped by contact) only move within each contact's rows,
 * through a small buffer; anything else follows the cycles of the permutation.
 */
function permutation(order: Int32Array, offsets: Int32Array, contacts: number): Permutation {
  const segments: number[] = []
  let longest = 0
  for (let c = 0; c < contacts; c++) {
    const from = offsets[c]!
    const to = offsets[c + 1]!
    let moved = false
    for (let k = from; k < to; k++) {
      const i = order[k]!
      if (i < from || i >= to) return { kind: 'global', visited: new Uint8Array(order.length) }
      if (i !== k) moved = true
    }
    if (moved) {
      segments.push(c)
      longest = Math.max(longest, to - from)
    }
  }
  if (segments.length === 0) return { kind: 'identity' }
  return { kind: 'local', segments: Int32Array.from(segments), offsets, scratch: new Float64Array(longest) }
}

/** Puts row `order[k]` at `k`, in place, as planned by {@link permutation}. */
function permute<T extends Int32Array | Float64Array>(a: T, order: Int32Array, plan: Permutation): T {
  if (plan.kind === 'local') {
    const { segments, offsets, scratch } = plan
    for (let s = 0; s < segments.length; s++) {
      const c = segments[s]!
      const from = offsets[c]!
      const to = offsets[c + 1]!
      for (let k = from; k < to; k++) scratch[k - from] = a[order[k]!]!
      for (let k = from; k < to; k++) a[k] = scratch[k - from]!
    }
  } else if (plan.kind === 'global') {
    const visited = plan.visited
    const n = order.length
    visited.fill(0)
    for (let s = 0; s < n; s++) {
      if (visited[s] === 1) continue
      const first = a[s]!
      let k = s
      for (;;) {
        visited[k] = 1
        const j = order[k]!
        if (j === s) {
          a[k] = first
          break
        }
        a[k] = a[j]!
        k = j
      }
    }
  }
  return a
}

/** Moves the rows not dropped (of the first n) to the front, in order. */
function compact<T extends Int32Array | Float64Array>(a: T, drop: Uint8Array | undefined, n: number): T {
  if (drop === undefined) return a
  let w = 0
  for (let k = 0; k < n; k++) if (drop[k] !== 1) a[w++] = a[k]!
  return a
}

/**
 * The first `n` entries: a view, or a copy (into `make(n)`) when the array is much longer
 * (not to keep the rest alive).
 */
function trim<T extends Int32Array | Float64Array>(a: T, n: number, make: (n: number) => T): T {
  if (a.length - n <= n / 8 + 1024) return a.subarray(0, n) as T
  const copy = make(n)
  copy.set(a.subarray(0, n))
  return copy
}

function valueCode(col: BuilderColumn, value: unknown): number {
  let code = col.index.get(value)
  if (code === undefined) {
    code = col.values.length
    const kept = typeof value === 'string' ? detach(value) : value
    col.values.push(kept)
    col.index.set(kept, code)
  }
  return code
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null
}

/**
 * Sorts one contact's rows as {@link sortSegment} does when they are nearly in order (the
 * usual case: a file in time order whose events of the same millisecond come in any id
 * order), by insertion (stable, as `sort`); gives up after about four moves per row,
 * leaving the rows partly sorted (exact duplicates still in their first order, so a stable
 * sort then gives the same). True when sorted.
 */
function insertionSort(
  order: Int32Array,
  from: number,
  to: number,
  ts: Float64Array,
  hash: Float64Array,
  ids: readonly string[] | undefined,
): boolean {
  let budget = 4 * (to - from) + 16
  for (let k = from + 1; k < to; k++) {
    const b = order[k]!
    let j = k - 1
    for (; j >= from; j--) {
      const a = order[j]!
      const d = ts[a]! - ts[b]! || hash[a]! - hash[b]!
      if (d < 0 || (d === 0 && (ids === undefined || ids[a]! <= ids[b]!))) break
      if (--budget < 0) {
        // put back the rows moved for b, then leave the segment to sortSegment
        for (let m = j + 1; m < k; m++) order[m] = order[m + 1]!
        order[k] = b
        return false
      }
      order[j + 1] = a
    }
    order[j + 1] = b
  }
  return true
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
  seg.sort(compare)
}

/** A copy of a string that does not keep a larger one alive (V8 slices point into their parent). */
export function detach(s: string): string {
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
