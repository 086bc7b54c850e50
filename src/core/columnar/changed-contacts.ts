/**
 * What a rescoring needs to redo only the contacts whose inputs changed: each contact's
 * results depend on its own columns only (its fit, its engagement groups, its last activity,
 * its likelihood, its properties), so after an edit that moves a few contacts' points the
 * previous results stay exact for every other contact. `changedContacts` finds the contacts
 * whose input columns differ; `gather` and `scatter` move columns to and from those rows.
 * @module
 */
import type { FieldColumn } from './contact-conditions.js'

/** The columns a scoring's per-contact results are computed from. */
export interface ContactInputs {
  /** The fit part per contact. */
  readonly fit: Float64Array
  /** Each engagement group's points per contact. */
  readonly groups: readonly Float64Array[]
  /** Each contact's latest activity (with inactivity). */
  readonly last: Float64Array | undefined
  /** The predictive likelihood per contact (a copy: the caller's may change). */
  readonly likelihood: Float64Array | undefined
  /** The rule and group points that conditions read (`score.rule.x`, `score.group.x`). */
  readonly slots: readonly Float64Array[]
}

/**
 * The contacts (row numbers, ascending) whose inputs differ between `before` and `now`, or
 * `undefined` when more than `limit` do (scoring them all is then cheaper than gathering).
 * Columns that are the same array are not compared; a value differs when it is not
 * `Object.is` the same (-0 and 0 differ: the results keep the sign; NaN is NaN).
 */
export function changedContacts(
  before: ContactInputs,
  now: ContactInputs,
  n: number,
  limit: number,
  marks: Uint8Array,
): Int32Array | undefined {
  if (before.groups.length !== now.groups.length || before.slots.length !== now.slots.length) return undefined
  if ((before.last === undefined) !== (now.last === undefined)) return undefined
  if ((before.likelihood === undefined) !== (now.likelihood === undefined)) return undefined
  const pairs: [Float64Array, Float64Array][] = [[before.fit, now.fit]]
  before.groups.forEach((g, i) => {
    pairs.push([g, now.groups[i]!])
  })
  before.slots.forEach((slot, i) => {
    pairs.push([slot, now.slots[i]!])
  })
  if (before.last !== undefined) pairs.push([before.last, now.last!])
  if (before.likelihood !== undefined) pairs.push([before.likelihood, now.likelihood!])
  let count = 0
  for (const [a, b] of pairs) {
    if (a === b) continue
    for (let c = 0; c < n; c++) {
      if (!Object.is(a[c], b[c]) && marks[c] === 0) {
        marks[c] = 1
        if (++count > limit) return undefined
      }
    }
  }
  const rows = new Int32Array(count)
  if (count === 0) return rows
  let k = 0
  for (let c = 0; c < n; c++) if (marks[c] === 1) rows[k++] = c
  return rows
}

/** `values` at `rows`, in a column of their own. */
export function gather(values: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length)
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k]!]!
  return out
}

/** A field column read at `rows` only (row k of the result is contact `rows[k]`). */
export function gatherField(column: FieldColumn, rows: Int32Array): FieldColumn {
  switch (column.kind) {
    case 'constant':
      return column
    case 'coded': {
      const codes = new Int32Array(rows.length)
      for (let k = 0; k < rows.length; k++) codes[k] = column.codes[rows[k]!]!
      return { kind: 'coded', codes, values: column.values, missing: column.missing }
    }
    case 'number': {
      const nulls = column.nulls
      if (nulls === undefined) return { kind: 'number', values: gather(column.values, rows) }
      const gatheredNulls = new Uint8Array(rows.length)
      for (let k = 0; k < rows.length; k++) gatheredNulls[k] = nulls[rows[k]!]!
      return { kind: 'number', values: gather(column.values, rows), nulls: gatheredNulls }
    }
    case 'each': {
      const get = column.get
      return { kind: 'each', get: (k) => get(rows[k]!) }
    }
  }
}

/** A mask read at `rows` only. */
export function gatherMask(mask: Uint8Array, rows: Int32Array): Uint8Array {
  const out = new Uint8Array(rows.length)
  for (let k = 0; k < rows.length; k++) out[k] = mask[rows[k]!]!
  return out
}

type Writable = { [index: number]: number; readonly length: number }

/** Writes entry k of `values` at row `rows[k]` of `into`. */
export function scatter(into: Writable, rows: Int32Array, values: ArrayLike<number>): void {
  for (let k = 0; k < rows.length; k++) into[rows[k]!] = values[k]!
}
