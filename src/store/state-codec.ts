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
/** A kept event: [key (null when it is `e:<id>`), id, index in `names`, ts]. */
type RuleEntry = [string | null, string, number, number]
/** An event kept by id: [id, index in `names`, ts]. */
type IdEntry = [string, number, number]

/** The JSON form of a `ContactState` (version 1). */
export interface SerializedState {
  readonly v: 1
  /** Event names, referred to by index. */
  readonly names: string[]
  readonly rules: RuleEntry[][]
  /** Per rule: [count, weight, ref, newest] or null. */
  readonly residuals: ([number, JsonNumber, JsonNumber, JsonNumber] | null)[]
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
  const nameOf = (name: string): number => {
    let i = nameIndex.get(name)
    if (i === undefined) {
      i = names.length
      names.push(name)
      nameIndex.set(name, i)
    }
    return i
  }
  const byId = (map: Map<string, TrackedEvent>): IdEntry[] =>
    [...map.values()].map((e) => [e.id, nameOf(e.name), e.ts])
  return {
    v: 1,
    names,
    rules: state.rules.map((map) =>
      [...map].map(([key, e]): RuleEntry => [key === `e:${e.id}` ? null : key, e.id, nameOf(e.name), e.ts]),
    ),
    residuals: state.residuals.map((r) =>
      r === undefined ? null : [r.count, encodeNumber(r.weight), encodeNumber(r.ref), encodeNumber(r.newest)],
    ),
    history: state.history.map(byId),
    historyResidual: [...state.historyResidual],
    activity: byId(state.activity),
    activityResidual: encodeNumber(state.activityResidual),
    horizon: encodeNumber(state.horizon),
  }
}

/**
 * A state from its JSON form, for `model`. Throws `StateMismatchError` when the data is not
 * a serialized state or does not fit the model (another model or version: refold instead).
 */
export function deserializeState(model: CompiledModel, data: unknown): ContactState {
  const s = data as SerializedState
  if (
    data === null ||
    typeof data !== 'object' ||
    s.v !== 1 ||
    !Array.isArray(s.names) ||
    !Array.isArray(s.rules) ||
    !Array.isArray(s.residuals) ||
    !Array.isArray(s.history) ||
    !Array.isArray(s.historyResidual) ||
    !Array.isArray(s.activity)
  ) {
    throw new StateMismatchError('stored scoring state is not a serialized state (version 1)')
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
  const byId = (entries: IdEntry[]): Map<string, TrackedEvent> =>
    new Map(entries.map(([id, n, ts]) => [id, { id, name: name(n), ts, h: idHash(id) }]))
  return {
    rules: s.rules.map(
      (entries) =>
        new Map(
          entries.map(([key, id, n, ts]) => [key ?? `e:${id}`, { id, name: name(n), ts, h: idHash(id) }]),
        ),
    ),
    residuals: s.residuals.map((r): Residual | undefined =>
      r === null
        ? undefined
        : { count: r[0], weight: decodeNumber(r[1]), ref: decodeNumber(r[2]), newest: decodeNumber(r[3]) },
    ),
    history: s.history.map(byId),
    historyResidual: [...s.historyResidual],
    activity: byId(s.activity),
    activityResidual: decodeNumber(s.activityResidual),
    horizon: decodeNumber(s.horizon),
  }
}

function encodeNumber(n: number): JsonNumber {
  return Number.isFinite(n) ? n : String(n)
}

function decodeNumber(n: JsonNumber): number {
  return typeof n === 'number' ? n : Number(n)
}
