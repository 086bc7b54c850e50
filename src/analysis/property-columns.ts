/**
 * Contact properties as coded columns for counting: the most common values of a text
 * property (the rest pooled as `(other)`), a numeric property in quantile bins, and
 * `(missing)`. Identifiers (a different value on almost every lead) are left out.
 * @module
 */
import { type ContactColumns, contactProperty } from '../core/columnar/index.js'
import { isMissing, textOf } from '../core/values.js'

/** One property, one code per contact into `labels`. */
export interface CodedProperty {
  readonly name: string
  readonly labels: readonly string[]
  readonly codes: Int32Array
  /** True when the values are numbers binned by quantiles. */
  readonly numeric: boolean
}

export const MISSING = '(missing)'
export const OTHER = '(other)'

export interface PropertyColumnOptions {
  readonly topValues: number
  readonly bins: number
  /** Lower-case property names to leave out. */
  readonly exclude: ReadonlySet<string>
}

/** The property columns of the contacts with `include[c] === 1`. */
export function propertyColumns(
  contacts: ContactColumns,
  include: Uint8Array,
  options: PropertyColumnOptions,
): CodedProperty[] {
  const n = contacts.length
  const props = contacts.properties
  const columns = contacts.columns?.contact
  const propertyOf = (c: number, name: string) => contactProperty(contacts, name, c)
  // the property names: the columns', and those of an even sample of the leads' own properties
  // (a name on very few leads may be missed)
  const keys = new Set<string>(columns?.keys())
  const keyStride = Math.max(1, Math.floor(n / KEY_SAMPLE))
  for (let c = 0; c < n; c += keyStride) {
    if (include[c] !== 1) continue
    for (const key in props[c]) keys.add(key)
  }
  // each column's kind, top values or bins, from an even sample of the leads
  let included = 0
  for (let c = 0; c < n; c++) included += include[c]!
  const stride = Math.max(1, Math.floor(included / SAMPLE))
  const sample: number[] = []
  for (let c = 0, seen = 0; c < n; c++) if (include[c] === 1 && seen++ % stride === 0) sample.push(c)
  const plans: Plan[] = []
  for (const name of keys) {
    if (options.exclude.has(name.toLowerCase())) continue
    const plan = planColumn(propertyOf, sample, name, options)
    if (plan) plans.push(plan)
  }
  const codes = plans.map((plan) => {
    const out = new Int32Array(n)
    const column = columns?.get(plan.name)
    if (column === undefined) return out
    // a dictionary-encoded column: each distinct value coded once
    const byValue = Int32Array.from(column.values, (v) => plan.code(v))
    const missing = plan.code(undefined)
    for (let c = 0; c < n; c++) {
      const code = column.codes[c]!
      out[c] = code < 0 ? missing : byValue[code]!
    }
    return out
  })
  // one pass over the leads codes the other columns (each lead's properties are read once)
  const fromBags = plans.flatMap((plan, k) => (columns?.has(plan.name) ? [] : [k]))
  if (fromBags.length > 0) {
    for (let c = 0; c < n; c++) {
      const bag = props[c]
      for (const k of fromBags) codes[k]![c] = plans[k]!.code(bag?.[plans[k]!.name])
    }
  }
  return plans.map((plan, k) => ({
    name: plan.name,
    labels: plan.labels,
    codes: codes[k]!,
    numeric: plan.numeric,
  }))
}

/** Leads looked at to decide a column's kind, top values and bins (all of them up to this many). */
export const SAMPLE = 50_000
/** Leads whose property names are collected. */
const KEY_SAMPLE = 5_000

/** How one property is coded. */
interface Plan {
  readonly name: string
  readonly labels: readonly string[]
  readonly numeric: boolean
  readonly code: (value: unknown) => number
}

function planColumn(
  propertyOf: (c: number, name: string) => unknown,
  sample: readonly number[],
  name: string,
  options: PropertyColumnOptions,
): Plan | undefined {
  const counts = new Map<string, number>()
  const numbers: number[] = []
  let present = 0
  for (const c of sample) {
    const v = propertyOf(c, name)
    if (isMissing(v)) continue
    present++
    if (typeof v === 'number' && Number.isFinite(v)) numbers.push(v)
    const text = cellText(v)
    counts.set(text, (counts.get(text) ?? 0) + 1)
  }
  if (present === 0) return undefined
  const distinct = counts.size
  if (numbers.length >= present * 0.95 && distinct > options.bins * 2) {
    const edges = quantileEdges(Float64Array.from(numbers).sort(), options.bins)
    const labels = [...binLabels(edges), MISSING]
    const missing = labels.length - 1
    return {
      name,
      labels,
      numeric: true,
      code: (v) => (typeof v === 'number' && Number.isFinite(v) ? binOf(edges, v) : missing),
    }
  }
  // an identifier or free text: a different value on almost every lead says nothing about a group
  if (present >= 50 && distinct > present * 0.5) return undefined
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, options.topValues)
  const index = new Map(top.map(([text], k) => [text, k]))
  const labels = [...top.map(([text]) => text), OTHER, MISSING]
  const missing = labels.length - 1
  const other = labels.length - 2
  return {
    name,
    labels,
    numeric: false,
    code: (v) => {
      if (isMissing(v)) return missing
      if (typeof v === 'string') return index.get(v) ?? (padded(v) ? index.get(v.trim()) : undefined) ?? other
      return index.get(cellText(v)) ?? other
    },
  }
}

/** True when `text` starts or ends with white space (so it is grouped trimmed). */
function padded(text: string): boolean {
  return text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32)
}

/** A value as the text it is grouped by (trimmed). */
function cellText(v: unknown): string {
  return textOf(v).trim()
}

/** Bin edges at the quantiles of sorted values, without repeats: bin k is [edges[k], edges[k+1]). */
export function quantileEdges(sorted: Float64Array, bins: number): number[] {
  const edges: number[] = []
  for (let k = 0; k < bins; k++) {
    const v = sorted[Math.floor((k * sorted.length) / bins)]!
    if (edges.length === 0 || v > edges.at(-1)!) edges.push(v)
  }
  return edges
}

/** The bin of `v`: the last edge at or below it (values below the first edge go to bin 0). */
export function binOf(edges: readonly number[], v: number): number {
  let lo = 0
  let hi = edges.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (edges[mid]! <= v) lo = mid
    else hi = mid - 1
  }
  return lo
}

function binLabels(edges: readonly number[]): string[] {
  const f = (x: number) => String(Math.round(x * 1000) / 1000)
  return edges.map((e, k) =>
    k === edges.length - 1 ? `≥ ${f(e)}` : k === 0 ? `< ${f(edges[1]!)}` : `${f(e)} to < ${f(edges[k + 1]!)}`,
  )
}
