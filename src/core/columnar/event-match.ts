/**
 * Which events a predicate selects, decided once per distinct signature (the event name
 * and the codes of the event properties the predicate tests) instead of once per event,
 * and the events of each name, to scan only the events a rule can match.
 * @module
 */
import type { Predicate } from '../conditions.js'
import { lookup } from '../values.js'
import type { EventColumns } from './events.js'

/** The positions of the events of each name, in row order (contact, then time). */
export interface NameIndex {
  /** The events of name code k are positions[start[k] .. start[k + 1]). */
  readonly start: Int32Array
  readonly positions: Int32Array
}

const nameIndexes = new WeakMap<EventColumns, NameIndex>()

/** The events of each name (built once per `EventColumns`, a counting sort). */
export function nameIndex(events: EventColumns): NameIndex {
  let index = nameIndexes.get(events)
  if (index === undefined) {
    index = buildNameIndex(events)
    nameIndexes.set(events, index)
  }
  return index
}

/**
 * Builds the name index of `events` (a counting sort by name); `shared`: on
 * `SharedArrayBuffer`s, for another thread to use it too ({@link useNameIndex}).
 */
export function buildNameIndex(events: EventColumns, shared = false): NameIndex {
  const k = events.names.length
  const start = shared ? new Int32Array(new SharedArrayBuffer((k + 1) * 4)) : new Int32Array(k + 1)
  const name = events.name
  const n = events.length
  for (let i = 0; i < n; i++) start[name[i]! + 1]!++
  for (let c = 0; c < k; c++) start[c + 1]! += start[c]!
  const cursor = start.slice(0, k)
  const positions = shared ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n)
  for (let i = 0; i < n; i++) positions[cursor[name[i]!]!++] = i
  return { start, positions }
}

/** Makes `index` (built by {@link buildNameIndex} for the same events, maybe on another thread) the name index of `events`. */
export function useNameIndex(events: EventColumns, index: NameIndex): void {
  nameIndexes.set(events, index)
}

/** The name index of `events` when one was built or given, without building one. */
export function builtNameIndex(events: EventColumns): NameIndex | undefined {
  return nameIndexes.get(events)
}

/** Unknown, no, yes: the entries of a signature table. */
const UNKNOWN = -1

/**
 * A predicate over events, answered per signature. `fields` are the event properties the
 * predicate reads; those the events do not have are absent for every event.
 */
export class EventTest {
  readonly #events: EventColumns
  readonly #predicate: Predicate
  readonly #fields: string[]
  readonly #codes: Int32Array[]
  readonly #values: (readonly unknown[])[]
  readonly #radix: number[]
  readonly #table: Int8Array | undefined
  readonly #map: Map<string, boolean> | undefined

  constructor(events: EventColumns, predicate: Predicate, fields: Iterable<string>) {
    this.#events = events
    this.#predicate = predicate
    this.#fields = [...new Set(fields)].filter((f) => events.properties.has(f))
    const columns = this.#fields.map((f) => events.properties.get(f)!)
    this.#codes = columns.map((c) => c.codes)
    this.#values = columns.map((c) => c.values)
    this.#radix = columns.map((c) => c.values.length + 1)
    let space = Math.max(1, events.names.length)
    for (const r of this.#radix) space *= r
    if (space <= 1 << 24) this.#table = new Int8Array(space).fill(UNKNOWN)
    else this.#map = new Map()
  }

  /** Whether the event at row `i` matches. */
  matches(i: number): boolean {
    const table = this.#table
    if (table !== undefined) {
      const sig = this.signature(i)
      const m = table[sig]!
      if (m !== UNKNOWN) return m === 1
      const yes = this.#evaluate(i)
      table[sig] = yes ? 1 : 0
      return yes
    }
    const key = this.#key(i)
    let yes = this.#map!.get(key)
    if (yes === undefined) {
      yes = this.#evaluate(i)
      this.#map!.set(key, yes)
    }
    return yes
  }

  /**
   * The signature table and how to compute a row's signature, for loops that inline the
   * lookup: `undefined` when signatures do not fit a table (then call `matches`).
   */
  get table(): { table: Int8Array; codes: Int32Array[]; radix: number[] } | undefined {
    return this.#table && { table: this.#table, codes: this.#codes, radix: this.#radix }
  }

  /**
   * For events of one name, the answer per code of the one property the predicate reads
   * (index code + 1; index 0: absent), or the single answer when it reads none: `undefined`
   * when it reads more than one property.
   */
  answersFor(name: number): Uint8Array | undefined {
    if (this.#fields.length > 1) return undefined
    const eventName = this.#events.names[name]!
    const field = this.#fields[0]
    const values = field === undefined ? [] : this.#values[0]!
    const answers = new Uint8Array(values.length + 1)
    for (let code = -1; code < values.length; code++) {
      const properties: Record<string, unknown> = {}
      if (field !== undefined && code >= 0) properties[field] = values[code]
      answers[code + 1] = this.#ask(eventName, properties) ? 1 : 0
    }
    return answers
  }

  /** The codes of the property `answersFor` answers by (undefined: none). */
  get codes(): Int32Array | undefined {
    return this.#fields.length === 1 ? this.#codes[0] : undefined
  }

  /** The table index of row `i`. */
  signature(i: number): number {
    let sig = this.#events.name[i]!
    const codes = this.#codes
    const radix = this.#radix
    for (let k = 0; k < codes.length; k++) sig = sig * radix[k]! + codes[k]![i]! + 1
    return sig
  }

  /** Decides row `i` and records the answer for its signature. */
  decide(i: number): boolean {
    const yes = this.#evaluate(i)
    if (this.#table) this.#table[this.signature(i)] = yes ? 1 : 0
    return yes
  }

  #key(i: number): string {
    let key = String(this.#events.name[i])
    for (const codes of this.#codes) key += `,${codes[i]}`
    return key
  }

  #evaluate(i: number): boolean {
    const properties: Record<string, unknown> = {}
    this.#fields.forEach((field, k) => {
      const code = this.#codes[k]![i]!
      if (code >= 0) properties[field] = this.#values[k]![code]
    })
    return this.#ask(this.#events.names[this.#events.name[i]!]!, properties)
  }

  /** The predicate on an event with this name and these (tested) properties. */
  #ask(eventName: string, properties: Record<string, unknown>): boolean {
    return this.#predicate({ eventName, get: (field) => lookup(properties, field), history: () => false })
  }
}
