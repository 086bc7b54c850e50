/**
 * Conditions over every contact at once: a model condition becomes a mask (one byte per
 * contact), computed from columns. A field test runs once per distinct value of a
 * dictionary-encoded column (contact and account properties, classes) or once per contact
 * on a number column (scores); `all`, `any` and `not` combine masks. The tests are the
 * model's own (`model.valueTest`), so the answers are those of the compiled predicates.
 * @module
 */

import type { CompiledModel } from '../compile.js'
import type { ValueTest } from '../conditions.js'
import { ConditionCompiler, eventNames } from '../conditions.js'
import type { Condition, HistoryTest, Operators, Scalar } from '../model/types.js'

/** How a field reads per contact. */
export type FieldColumn =
  /** Code per contact into `values`; code -1 reads `missing`. */
  | {
      readonly kind: 'coded'
      readonly codes: Int32Array
      readonly values: readonly unknown[]
      readonly missing: unknown
    }
  /** A number per contact (`null` entries from `nulls`, when given). */
  | { readonly kind: 'number'; readonly values: Float64Array; readonly nulls?: Uint8Array | undefined }
  /** The same value for every contact. */
  | { readonly kind: 'constant'; readonly value: unknown }
  /** Any value, read per contact. */
  | { readonly kind: 'each'; readonly get: (c: number) => unknown }

/** What conditions read: fields by name and `did` / `didNot` outcomes by history test index. */
export interface MaskContext {
  readonly n: number
  field(name: string): FieldColumn
  history(index: number): Uint8Array
  /** A mask of `n` entries, all `fill` (fresh, or reused scratch when the masks do not outlive the scoring). */
  alloc(fill: 0 | 1): Uint8Array
  /**
   * The mask of the test `{ [field]: spec }` if the context keeps it (a test of properties,
   * which do not change from one scoring to the next), else undefined: it is then computed.
   */
  kept?(field: string, spec: unknown): Uint8Array | undefined
}

/** The mask of `condition` over every contact, as `ConditionCompiler.compile` would decide it. */
export function conditionMask(
  model: CompiledModel,
  condition: Condition | undefined,
  ctx: MaskContext,
): Uint8Array {
  const out = ctx.alloc(1)
  if (condition === undefined) return out
  for (const [key, spec] of Object.entries(condition)) {
    if (spec === undefined) continue
    and(out, partMask(model, key, spec, ctx))
  }
  return out
}

function partMask(model: CompiledModel, key: string, spec: unknown, ctx: MaskContext): Uint8Array {
  const n = ctx.n
  if (key === 'all') {
    const out = ctx.alloc(1)
    for (const sub of spec as readonly Condition[]) and(out, conditionMask(model, sub, ctx))
    return out
  }
  if (key === 'any') {
    const out = ctx.alloc(0)
    for (const sub of spec as readonly Condition[]) or(out, conditionMask(model, sub, ctx))
    return out
  }
  if (key === 'not') {
    const out = conditionMask(model, spec as Condition, ctx)
    for (let c = 0; c < n; c++) out[c] = 1 - out[c]!
    return out
  }
  if (key === 'did' || key === 'didNot') {
    const holds = ctx.history(historyIndex(model, spec as HistoryTest))
    if (key === 'did') return holds
    const out = ctx.alloc(0)
    for (let c = 0; c < n; c++) out[c] = 1 - holds[c]!
    return out
  }
  if (key === 'event') {
    // a contact is not an event: `event` holds for none, unless it names any event (no test)
    return ctx.alloc(eventNames(spec as string | readonly string[]) === null ? 1 : 0)
  }
  const kept = ctx.kept?.(key, spec)
  if (kept !== undefined) return kept
  const column = ctx.field(key)
  if (column.kind === 'number') {
    const bounds = numberBounds(spec)
    if (bounds !== undefined)
      return boundsMask(bounds, column, model.valueTest(spec as Operators), ctx.alloc(0))
  }
  return fieldMask(model.valueTest(spec as Operators | Scalar | readonly Scalar[]), column, ctx.alloc(0))
}

type Bounds = { readonly gt: number; readonly gte: number; readonly lt: number; readonly lte: number }

/**
 * The bounds of an operator object made only of `gt`, `gte`, `lt`, `lte` with finite
 * number bounds (the usual test of a score), else undefined.
 */
function numberBounds(spec: unknown): Bounds | undefined {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return undefined
  const bounds = {
    gt: Number.NEGATIVE_INFINITY,
    gte: Number.NEGATIVE_INFINITY,
    lt: Number.POSITIVE_INFINITY,
    lte: Number.POSITIVE_INFINITY,
  }
  let any = false
  for (const [op, bound] of Object.entries(spec)) {
    if (bound === undefined) continue
    if (!(op in bounds) || typeof bound !== 'number' || !Number.isFinite(bound)) return undefined
    bounds[op as keyof Bounds] = bound
    any = true
  }
  return any ? bounds : undefined
}

/**
 * An order test over a number column, as the compiled test decides it for a number: a
 * value that is not finite never matches; null entries are asked of `test`.
 */
function boundsMask(
  { gt, gte, lt, lte }: Bounds,
  column: Extract<FieldColumn, { kind: 'number' }>,
  test: ValueTest,
  out: Uint8Array,
): Uint8Array {
  const n = out.length
  const { values, nulls } = column
  for (let c = 0; c < n; c++) {
    const v = values[c]!
    out[c] = Number.isFinite(v) && v > gt && v >= gte && v < lt && v <= lte ? 1 : 0
  }
  if (nulls !== undefined) {
    const ifNull = test(null) ? 1 : 0
    for (let c = 0; c < n; c++) if (nulls[c] === 1) out[c] = ifNull
  }
  return out
}

/** The mask of a value test over a field column, into `out`. */
export function fieldMask(test: ValueTest, column: FieldColumn, out: Uint8Array): Uint8Array {
  const n = out.length
  switch (column.kind) {
    case 'constant':
      return out.fill(test(column.value) ? 1 : 0)
    case 'coded': {
      // one answer per distinct value, and one for the missing value (code -1)
      const answers = new Uint8Array(column.values.length + 1)
      answers[0] = test(column.missing) ? 1 : 0
      column.values.forEach((v, k) => {
        answers[k + 1] = test(v) ? 1 : 0
      })
      const codes = column.codes
      for (let c = 0; c < n; c++) out[c] = answers[codes[c]! + 1]!
      return out
    }
    case 'number': {
      const { values, nulls } = column
      const ifNull = nulls ? (test(null) ? 1 : 0) : 0
      for (let c = 0; c < n; c++) out[c] = nulls?.[c] === 1 ? ifNull : test(values[c]!) ? 1 : 0
      return out
    }
    case 'each':
      for (let c = 0; c < n; c++) out[c] = test(column.get(c)) ? 1 : 0
      return out
  }
}

function and(out: Uint8Array, mask: Uint8Array): void {
  for (let c = 0; c < out.length; c++) out[c]! &= mask[c]!
}

function or(out: Uint8Array, mask: Uint8Array): void {
  for (let c = 0; c < out.length; c++) out[c]! |= mask[c]!
}

const historyIndexes = new WeakMap<CompiledModel, Map<string, number>>()

/** The index in `model.history` of a `did` / `didNot` test (tests are deduplicated by key). */
function historyIndex(model: CompiledModel, test: HistoryTest): number {
  let byKey = historyIndexes.get(model)
  if (byKey === undefined) {
    byKey = new Map(model.history.map((h, i) => [h.key, i]))
    historyIndexes.set(model, byKey)
  }
  const compiler = new ConditionCompiler()
  compiler.compile({ did: test })
  const index = byKey.get(compiler.history[0]!.key)
  if (index === undefined) throw new Error(`history test ${compiler.history[0]!.key} is not in the model`)
  return index
}

/** Whether a condition uses `did` / `didNot` anywhere (its outcome then depends on the events). */
export function usesHistory(condition: Condition | undefined): boolean {
  if (condition === undefined) return false
  for (const [key, spec] of Object.entries(condition)) {
    if (spec === undefined) continue
    if (key === 'did' || key === 'didNot') return true
    if (key === 'all' || key === 'any') {
      if ((spec as readonly Condition[]).some(usesHistory)) return true
    } else if (key === 'not' && usesHistory(spec as Condition)) return true
  }
  return false
}

/** Every field name a condition tests (not `event`, not combinators): `conditionFields` of fields.ts. */
export { conditionFields as conditionFieldNames } from '../fields.js'
