/**
 * What one bulk scoring computes that the next may reuse: each engagement rule's points
 * per contact, each fit rule's matches, property columns, history and activity facts, keyed
 * by the canonical JSON of what they depend on (the rule as written, the as-of time). An
 * editor that changes one rule and previews again recomputes that rule only.
 * @module
 */
import type { EventColumns } from './events.js'
import type { ContactColumns } from './score.js'

type Scratch = Uint8Array | Int32Array | Float64Array

interface Entry {
  readonly value: unknown
  used: number
  /** The entries its making read: a scoring that reuses it uses them too. */
  readonly parts: readonly string[]
}

/**
 * A cache for `scoreColumns` over one set of contacts and events. Give the same cache to
 * successive scorings of the same columns (other columns reset it). It keeps what the last
 * scoring used and drops the rest, so its size stays that of one model's columns (8 bytes
 * per contact per engagement rule and group, 4 per property tested, and with rules over
 * events of one name, 8 bytes per event per decay for the decay factors).
 *
 * @example
 * const cache = new ScoreCache()
 * scoreColumns(model, contacts, events, asOf, { cache })
 * scoreColumns(editedModel, contacts, events, asOf, { cache }) // recomputes the edited rules only
 */
export class ScoreCache {
  /**
   * Keeps only what does not depend on the as-of time (property columns, the fit part, the
   * name index's use): for scorings of the same columns at a new time each, such as backtests
   * week after week, where points and decay factors of one time would only hold memory.
   */
  readonly timeless: boolean
  #contacts: ContactColumns | undefined
  #events: EventColumns | undefined
  readonly #entries = new Map<string, Entry>()
  #generation = 0
  /** How many values the last scoring reused and computed. */
  #hits = 0
  #misses = 0
  /** How many contacts the last scoring computed results for (fewer than all when it patched the last one's). */
  #rescored = 0
  /** Scratch arrays by type and length: lent during a scoring, free after it. */
  readonly #free = new Map<string, Scratch[]>()
  readonly #lent: [string, Scratch][] = []
  /** The keys read by each entry being made, innermost last. */
  readonly #making: string[][] = []
  /** The last scoring's per-contact results, for a scoring that changes a few contacts only. */
  #last:
    | { readonly key: string; readonly value: unknown; readonly holds: () => Iterable<unknown> }
    | undefined
  /** Arrays given by `array`: when their entry is dropped they are given again. */
  readonly #owned = new WeakSet<Scratch>()

  constructor(options: { readonly timeless?: boolean } = {}) {
    this.timeless = options.timeless === true
  }

  /**
   * Starts a scoring of `contacts` and `events` (forgets everything when they differ from the
   * last ones). Without `events`, a computation over the contacts alone (`prepareFit` before
   * the events are ready): what it keeps stays for the first scoring with events.
   */
  begin(contacts: ContactColumns, events: EventColumns | undefined): void {
    if (
      contacts !== this.#contacts ||
      (events !== undefined && this.#events !== undefined && events !== this.#events)
    ) {
      this.#entries.clear()
      this.#last = undefined
    }
    this.#contacts = contacts
    if (events !== undefined) this.#events = events
    this.#generation++
    this.#hits = 0
    this.#misses = 0
    this.#rescored = contacts.length
  }

  /** The value under `key`, made by `make` when absent. */
  get<T>(key: string, make: () => T): T {
    this.#making.at(-1)?.push(key)
    const entry = this.#entries.get(key)
    if (entry !== undefined) {
      this.#use(entry)
      this.#hits++
      return entry.value as T
    }
    const parts: string[] = []
    this.#making.push(parts)
    let value: T
    try {
      value = make()
    } finally {
      this.#making.pop()
    }
    this.#entries.set(key, { value, used: this.#generation, parts })
    this.#misses++
    return value
  }

  /** `make`'s value and the keys of the entries it read. */
  track<T>(make: () => T): [T, readonly string[]] {
    const parts: string[] = []
    this.#making.push(parts)
    try {
      return [make(), parts]
    } finally {
      this.#making.pop()
    }
  }

  /** Marks the entries under `keys` (as `track` gave them) used by this scoring: the next scoring may need them. */
  keep(keys: readonly string[]): void {
    for (const key of keys) {
      const entry = this.#entries.get(key)
      if (entry !== undefined) this.#use(entry)
    }
  }

  /** Marks an entry used by this scoring, and the entries it was made from. */
  #use(entry: Entry): void {
    if (entry.used === this.#generation) return
    entry.used = this.#generation
    for (const part of entry.parts) {
      const used = this.#entries.get(part)
      if (used !== undefined) this.#use(used)
    }
  }

  /**
   * The per-contact results the last scoring kept under `key` (what they depend on besides
   * the columns the scorer compares), if it kept any: the scorer updates them in place.
   */
  lastScoring<T>(key: string): T | undefined {
    return this.#last?.key === key ? (this.#last.value as T) : undefined
  }

  /**
   * Keeps a scoring's per-contact results for the next scoring (replacing the last ones);
   * `holds` lists the arrays of cache entries they read (as they are when asked: the scorer
   * updates them), which are not given again while kept.
   */
  keepScoring<T>(key: string, value: T, holds: () => Iterable<unknown> = () => []): void {
    this.#last = { key, value, holds }
  }

  /** Records that this scoring computed the results of `count` contacts only (the others were the last scoring's). */
  patched(count: number): void {
    this.#rescored = count
  }

  /**
   * A zeroed array of `length` entries for use during this scoring only: the next scoring
   * reuses it (allocating large arrays again and again costs more than the scoring).
   */
  scratch<T extends Scratch>(type: new (length: number) => T, length: number): T {
    const key = `${type.name}:${length}`
    const reused = this.#free.get(key)?.pop() as T | undefined
    const array = reused === undefined ? new type(length) : (reused.fill(0) as T)
    this.#lent.push([key, array])
    return array
  }

  /**
   * A zeroed array of `length` entries to keep as (part of) an entry's value: when the entry
   * is dropped, the array is given again, so that an edit after an edit allocates nothing new
   * (each new large array counts towards V8's next full garbage collection). Only for arrays
   * nothing outlives their entry with, but what `keepScoring` holds.
   */
  array<T extends Scratch>(type: new (length: number) => T, length: number): T {
    const reused = this.#free.get(`${type.name}:${length}`)?.pop() as T | undefined
    const array = reused === undefined ? new type(length) : (reused.fill(0) as T)
    this.#owned.add(array)
    return array
  }

  #release(key: string, array: Scratch): void {
    const list = this.#free.get(key)
    if (list) list.push(array)
    else this.#free.set(key, [array])
  }

  /** Ends a scoring: drops what it did not use (an edit after an edit reuses the rules both keep), frees the scratch arrays. */
  end(): void {
    for (const [key, array] of this.#lent) this.#release(key, array)
    this.#lent.length = 0
    const held = new Set(this.#last?.holds())
    for (const [key, entry] of this.#entries) {
      if (entry.used >= this.#generation) continue
      this.#entries.delete(key)
      const value = entry.value as Scratch
      if (this.#owned.has(value) && !held.has(value)) {
        this.#owned.delete(value)
        this.#release(`${value.constructor.name}:${value.length}`, value)
      }
    }
  }

  /** Values reused and computed by the last scoring, and the contacts whose results it computed. */
  get stats(): {
    readonly reused: number
    readonly computed: number
    readonly entries: number
    readonly rescored: number
  } {
    return {
      reused: this.#hits,
      computed: this.#misses,
      entries: this.#entries.size,
      rescored: this.#rescored,
    }
  }
}

/** JSON with object keys sorted: one text per value, whatever the order its keys were written in. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null'
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}
