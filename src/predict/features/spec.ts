/**
 * Which columns become features and how: the feature spec, learned from a training table and
 * stored in the model so new rows are encoded the same way.
 * @module
 */

/** The level that stands for an empty cell or a placeholder (`Select`). */
export const MISSING_LEVEL = '(missing)'
/** The level that pools values seen too rarely in training (and values never seen). */
export const OTHER_LEVEL = '(other)'
/** The most levels a categorical feature keeps (the rest are pooled): they fit one byte. */
export const MAX_LEVELS = 250
/** The most bins of a numeric feature; bin {@link MISSING_BIN} holds the missing values. */
export const MAX_NUMERIC_BINS = 254
export const MISSING_BIN = 255

/** A number column. */
export interface NumericFeature {
  readonly kind: 'numeric'
  readonly name: string
  /** Bin `b` holds values in (thresholds[b-1], thresholds[b]]; ascending, at most 253 of them. */
  readonly thresholds: readonly number[]
  /** The median of the known values (what the logistic model puts in for a missing value). */
  readonly median: number
  /** Share of training rows with no value. */
  readonly missingRate: number
}

/** A text column: each level its own value; `(missing)` and `(other)` always present. */
export interface CategoricalFeature {
  readonly kind: 'categorical'
  readonly name: string
  /** Level `i` is code `i`; the first two are {@link MISSING_LEVEL} and {@link OTHER_LEVEL}. */
  readonly levels: readonly string[]
  readonly missingRate: number
}

export type Feature = NumericFeature | CategoricalFeature

/** Why a column is not a feature. */
export interface DroppedColumn {
  readonly column: string
  readonly reason: 'label' | 'id' | 'time' | 'excluded' | 'identifier' | 'constant' | 'empty'
}

/** How a table becomes features. Stored in the model file. */
export interface FeatureSpec {
  readonly features: readonly Feature[]
  /** Cell values read as missing (compared case-insensitively after trimming), e.g. `Select`. */
  readonly missingValues: readonly string[]
  readonly dropped: readonly DroppedColumn[]
}

/** Options of {@link fitFeatureSpec}. */
export interface FeatureOptions {
  /** Columns that are not features (label, id, time, excluded), with their reason. */
  readonly skip?: ReadonlyMap<string, DroppedColumn['reason']>
  /** Placeholder values that mean missing, e.g. `['Select']`. */
  readonly missingValues?: readonly string[]
  /** Levels seen in fewer rows than this are pooled into `(other)`; default 10. */
  readonly minLevelCount?: number
}

/** A cell as a missing-aware string: `undefined` when empty or a placeholder. */
export function cellText(raw: string, missing: ReadonlySet<string>): string | undefined {
  const text = raw.trim()
  if (text === '' || missing.has(text.toLowerCase())) return undefined
  return text
}

/** A cell as a number: NaN when empty, a placeholder, or not a finite number. */
export function cellNumber(raw: string, missing: ReadonlySet<string>): number {
  const text = cellText(raw, missing)
  if (text === undefined) return Number.NaN
  const n = Number(text)
  return Number.isFinite(n) ? n : Number.NaN
}

/** The placeholder values of a spec as a lookup set. */
export function missingSet(values: readonly string[]): Set<string> {
  return new Set(values.map((v) => v.trim().toLowerCase()))
}

/**
 * Learns the features of a table (no labels used: only the cells of the rows given).
 * A column is numeric when at least 98% of its known cells are numbers (others count as
 * missing); otherwise categorical, rare levels pooled. Identifier-like columns (a distinct
 * value in nearly every row) and constant columns are dropped, with the reason.
 */
export function fitFeatureSpec(
  header: readonly string[],
  columns: readonly (readonly string[])[],
  rows: ArrayLike<number>,
  options: FeatureOptions = {},
): FeatureSpec {
  const missingValues = options.missingValues ?? []
  const missing = missingSet(missingValues)
  const minCount = options.minLevelCount ?? 10
  const features: Feature[] = []
  const dropped: DroppedColumn[] = []
  const n = rows.length
  header.forEach((name, c) => {
    const skip = options.skip?.get(name)
    if (skip !== undefined) {
      dropped.push({ column: name, reason: skip })
      return
    }
    const cells = columns[c]!
    const counts = new Map<string, number>()
    let known = 0
    let numeric = 0
    let integers = true
    for (let i = 0; i < n; i++) {
      const text = cellText(cells[rows[i]!]!, missing)
      if (text === undefined) continue
      known++
      counts.set(text, (counts.get(text) ?? 0) + 1)
      const value = Number(text)
      if (Number.isFinite(value)) {
        numeric++
        if (!Number.isInteger(value)) integers = false
      }
    }
    if (known === 0) {
      dropped.push({ column: name, reason: 'empty' })
      return
    }
    if (counts.size === 1 && known === n) {
      dropped.push({ column: name, reason: 'constant' })
      return
    }
    const missingRate = (n - known) / n
    const isNumeric = numeric >= 0.98 * known
    const identifier = n >= 50 && counts.size >= 0.95 * n && (!isNumeric || integers)
    if (identifier) {
      dropped.push({ column: name, reason: 'identifier' })
      return
    }
    if (isNumeric) {
      const values = new Float64Array(numeric)
      let k = 0
      for (let i = 0; i < n; i++) {
        const v = cellNumber(cells[rows[i]!]!, missing)
        if (!Number.isNaN(v)) values[k++] = v
      }
      values.sort()
      features.push({
        kind: 'numeric',
        name,
        thresholds: binThresholds(values, MAX_NUMERIC_BINS),
        median: values[Math.floor((values.length - 1) / 2)]!,
        missingRate: (n - numeric) / n,
      })
      return
    }
    const kept = [...counts.entries()]
      .filter(([, count]) => count >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, MAX_LEVELS - 2)
      .map(([level]) => level)
      .filter((level) => level !== MISSING_LEVEL && level !== OTHER_LEVEL)
    features.push({ kind: 'categorical', name, levels: [MISSING_LEVEL, OTHER_LEVEL, ...kept], missingRate })
  })
  return { features, missingValues, dropped }
}

/**
 * Thresholds cutting sorted values into at most `maxBins` bins: midpoints between consecutive
 * distinct values when there are few enough, else between quantiles (like scikit-learn).
 */
export function binThresholds(sorted: Float64Array, maxBins: number): number[] {
  const distinct: number[] = []
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!)
  const thresholds: number[] = []
  if (distinct.length <= maxBins) {
    for (let i = 1; i < distinct.length; i++) thresholds.push((distinct[i - 1]! + distinct[i]!) / 2)
    return thresholds
  }
  for (let b = 1; b < maxBins; b++) {
    const q = quantile(sorted, b / maxBins)
    if (thresholds.length === 0 || q > thresholds[thresholds.length - 1]!) thresholds.push(q)
  }
  return thresholds
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(lo + 1, sorted.length - 1)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}
