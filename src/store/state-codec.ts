/**
 * The core's `ContactState` as JSON, for the store's state column: Maps become arrays, event
 * names are listed once, non-finite numbers (`-Infinity` before anything was compacted)
 * become strings. `deserializeState(model, serializeState(state))` folds and evaluates
 * exactly like `state`.
 * @module
 */
import {
  type CompiledModel,
  type ContactState,
  idHash,
  type Residual,
  type TrackedEvent,
} from '../core/index.js'
import { StoreError } from './errors.js'

/** A number as JSON: finite numbers as they are, others as `"Infinity"`, `"-Infinity"`, `"NaN"`. */
type JsonNumber = number | string
/** Version 1: a kept event: [key (null when it is `e:<id>`), id, index in `names`, ts]. */
type RuleEntry = [string | null, string, number, number]
/** Version 1: an event kept by id: [id, index in `names`, ts]. */
type IdEntry = [string, number, number]
type ResidualEntry = [number, JsonNumber, JsonNumber, JsonNumber] | null

/**
 * The JSON form of a `ContactState` (version 2). Each kept event is written once in `events`
 * (an event usually counts for a rule, a history test and activity at once); the maps refer
 * to it by its position.
 */
export interface SerializedState {
  readonly v: 2
  /** Event names, referred to by index. */
  readonly names: string[]
  /** The kept events, flat: id, index in `names`, ts, id, index, ts, ... */
  readonly events: (string | number)[]
  /** Per rule, flat: key (null when it is `e:<id>`), event position, key, position, ... */
  readonly rules: (string | number | null)[][]
  /** Per rule: [count, weight, ref, newest] or null. */
  readonly residuals: ResidualEntry[]
  /** Per history test: event positions. */
  readonly history: number[][]
  readonly historyResidual: number[]
  /** Event positions. */
  readonly activity: number[]
  readonly activityResidual: JsonNumber
  readonly horizon: JsonNumber
}

/** Version 1, still read: every map entry carries its event. */
interface SerializedStateV1 {
  readonly v: 1
  readonly names: string[]
  readonly rules: RuleEntry[][]
  readonly residuals: ResidualEntry[]
  readonly history: IdEntry[][]
  readonly historyResidual: number[]
  readonly activity: IdEntry[]
  readonly activityResidual: JsonNumber
  readonly horizon: JsonNumber
}

/** A stored state that does not fit the model it is read with: refold the contact's events instead. */
export class StateMismatchError extends StoreError {
  override readonly name = 'StateMismatchError'
}

/** The JSON form of a state (does not change `state`). */
export function serializeState(state: ContactState): SerializedState {
  const names: string[] = []
  const nameIndex = new Map<string, number>()
  const events: (string | number)[] = []
  const positions = new Map<TrackedEvent, number>()
  const byKey = new Map<string, number>()
  const position = (e: TrackedEvent): number => {
    let at = positions.get(e)
    if (at !== undefined) return at
    // the same event folded into several maps may be several objects: write it once
    const key = `${e.id}\u0000${e.ts}\u0000${e.name}`
    at = byKey.get(key)
    if (at === undefined) {
      let n = nameIndex.get(e.name)
      if (n === undefined) {
        n = names.length
        names.push(e.name)
        nameIndex.set(e.name, n)
      }
      at = events.length / 3
      events.push(e.id, n, e.ts)
      byKey.set(key, at)
    }
    positions.set(e, at)
    return at
  }
  const rules = state.rules.map((map) => {
    const flat: (string | number | null)[] = []
    for (const [key, e] of map) flat.push(key === `e:${e.id}` ? null : key, position(e))
    return flat
  })
  return {
    v: 2,
    names,
    events,
    rules,
    residuals: state.residuals.map((r) =>
      r === undefined ? null : [r.count, encodeNumber(r.weight), encodeNumber(r.ref), encodeNumber(r.newest)],
    ),
    history: state.history.map((map) => [...map.values()].map(position)),
    historyResidual: [...state.historyResidual],
    activity: [...state.activity.values()].map(position),
    activityResidual: encodeNumber(state.activityResidual),
    horizon: encodeNumber(state.horizon),
  }
}

/**
 * A state from its JSON form (version 2, or 1 as older releases wrote it), for `model`.
 * Throws `StateMismatchError` when the data is not a serialized state or does not fit the
 * model (another model or version: refold instead).
 */
export function deserializeState(model: CompiledModel, data: unknown): ContactState {
  const s = data as SerializedState | SerializedStateV1
  if (
    data === null ||
    typeof data !== 'object' ||
    (s.v !== 1 && s.v !== 2) ||
    !Array.isArray(s.names) ||
    !Array.isArray(s.rules) ||
    !Array.isArray(s.residuals) ||
    !Array.isArray(s.history) ||
    !Array.isArray(s.historyResidual) ||
    !Array.isArray(s.activity) ||
    (s.v === 2 && !Array.isArray(s.events))
  ) {
    throw new StateMismatchError('stored scoring state is not a serialized state (version 1 or 2)')
  }
  const rules = model.engagement.rules.length
  const history = model.history.length
  if (s.rules.length !== rules || s.residuals.length !== rules) {
    throw new StateMismatchError(
      `stored scoring state has ${s.rules.length} engagement rules, the model has ${rules}: refold the events`,
    )
  }
  if (s.history.length !== history || s.historyResidual.length !== history) {
    throw new StateMismatchError(
      `stored scoring state has ${s.history.length} history tests, the model has ${history}: refold the events`,
    )
  }
  const name = (i: number): string => {
    const n = s.names[i]
    if (typeof n !== 'string') throw new StateMismatchError(`stored scoring state refers to event name #${i}`)
    return n
  }
  const common = {
    residuals: s.residuals.map((r): Residual | undefined =>
      r === null
        ? undefined
        : { count: r[0], weight: decodeNumber(r[1]), ref: decodeNumber(r[2]), newest: decodeNumber(r[3]) },
    ),
    historyResidual: [...s.historyResidual],
    activityResidual: decodeNumber(s.activityResidual),
    horizon: decodeNumber(s.horizon),
  }
  if (s.v === 1) {
    const byId = (entries: IdEntry[]): Map<string, TrackedEvent> =>
      new Map(entries.map(([id, n, ts]) => [id, { id, name: name(n), ts, h: idHash(id) }]))
    return {
      ...common,
      rules: s.rules.map(
        (entries) =>
          new Map(
            entries.map(([key, id, n, ts]) => [key ?? `e:${id}`, { id, name: name(n), ts, h: idHash(id) }]),
          ),
      ),
      history: s.history.map(byId),
      activity: byId(s.activity),
    }
  }
  const events: TrackedEvent[] = []
  for (let i = 0; i + 2 < s.events.length; i += 3) {
    const id = s.events[i] as string
    events.push({ id, name: name(s.events[i + 1] as number), ts: s.events[i + 2] as number, h: idHash(id) })
  }
  const at = (i: number): TrackedEvent => {
    const e = events[i]
    if (e === undefined) throw new StateMismatchError(`stored scoring state refers to event #${i}`)
    return e
  }
  const byPosition = (list: number[]): Map<string, TrackedEvent> => {
    const map = new Map<string, TrackedEvent>()
    for (const i of list) {
      const e = at(i)
      map.set(e.id, e)
    }
    return map
  }
  return {
    ...common,
    rules: s.rules.map((flat) => {
      const map = new Map<string, TrackedEvent>()
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const e = at(flat[i + 1] as number)
        map.set((flat[i] as string | null) ?? `e:${e.id}`, e)
      }
      return map
    }),
    history: s.history.map(byPosition),
    activity: byPosition(s.activity),
  }
}

function encodeNumber(n: number): JsonNumber {
  return Number.isFinite(n) ? n : String(n)
}

function decodeNumber(n: JsonNumber): number {
  return typeof n === 'number' ? n : Number(n)
}
