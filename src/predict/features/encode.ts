/**
 * Turning text cells into feature columns with a {@link FeatureSpec}.
 * @module
 */
import type { LeadTable } from '../table.js'
import {
  type CategoricalFeature,
  cellNumber,
  cellText,
  type Feature,
  type FeatureSpec,
  MISSING_BIN,
  missingSet,
  type NumericFeature,
} from './spec.js'

/** Feature columns of some rows: per feature, the value and its bin. */
export interface EncodedFeatures {
  readonly rowCount: number
  readonly features: readonly Feature[]
  /** Per feature: the number (NaN when missing), or the level code of a categorical feature. */
  readonly values: readonly Float64Array[]
  /** Per feature: the bin of each row (a level code for categorical features; {@link MISSING_BIN} for a missing number). */
  readonly bins: readonly Uint8Array[]
}

/** The bin of number `value` in `feature` (values equal to a threshold go to the lower bin). */
export function numericBin(feature: NumericFeature, value: number): number {
  if (Number.isNaN(value)) return MISSING_BIN
  const t = feature.thresholds
  let lo = 0
  let hi = t.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (t[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Level codes of a categorical feature: 0 missing, 1 other, 2... the kept levels. */
export function levelIndex(feature: CategoricalFeature): Map<string, number> {
  return new Map(feature.levels.map((level, i) => [level, i]))
}

/**
 * Encodes `rows` of `table` (all rows by default). Columns are found by name, so the table may
 * hold extra columns or another order; a feature column that is absent reads as missing.
 */
export function encodeTable(spec: FeatureSpec, table: LeadTable, rows?: ArrayLike<number>): EncodedFeatures {
  const missing = missingSet(spec.missingValues)
  const rowCount = rows?.length ?? table.rowCount
  const at = (i: number) => (rows === undefined ? i : rows[i]!)
  const values: Float64Array[] = []
  const bins: Uint8Array[] = []
  for (const feature of spec.features) {
    const c = table.header.indexOf(feature.name)
    const cells = c >= 0 ? table.columns[c]! : undefined
    const v = new Float64Array(rowCount)
    const b = new Uint8Array(rowCount)
    if (feature.kind === 'numeric') {
      for (let i = 0; i < rowCount; i++) {
        const x = cells === undefined ? Number.NaN : cellNumber(cells[at(i)]!, missing)
        v[i] = x
        b[i] = numericBin(feature, x)
      }
    } else {
      const index = levelIndex(feature)
      for (let i = 0; i < rowCount; i++) {
        const text = cells === undefined ? undefined : cellText(cells[at(i)]!, missing)
        const code = text === undefined ? 0 : (index.get(text) ?? 1)
        v[i] = code
        b[i] = code
      }
    }
    values.push(v)
    bins.push(b)
  }
  return { rowCount, features: spec.features, values, bins }
}

/** The rows `rows` (indices into `encoded`) of encoded features, as a new set. */
export function selectRows(encoded: EncodedFeatures, rows: ArrayLike<number>): EncodedFeatures {
  const pick = <T extends Float64Array | Uint8Array>(column: T, make: (n: number) => T): T => {
    const out = make(rows.length)
    for (let i = 0; i < rows.length; i++) out[i] = column[rows[i]!]!
    return out
  }
  return {
    rowCount: rows.length,
    features: encoded.features,
    values: encoded.values.map((c) => pick(c, (n) => new Float64Array(n))),
    bins: encoded.bins.map((c) => pick(c, (n) => new Uint8Array(n))),
  }
}

/** The text of feature `f`'s value in row `i`, for explanations (`(missing)` when missing). */
export function displayValue(encoded: EncodedFeatures, f: number, i: number): string {
  const feature = encoded.features[f]!
  const v = encoded.values[f]![i]!
  if (feature.kind === 'categorical') return feature.levels[v]!
  return Number.isNaN(v) ? '(missing)' : String(v)
}
