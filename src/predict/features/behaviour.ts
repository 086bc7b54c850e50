/**
 * Features of stored contacts as of a cut-off time: their properties and their behaviour
 * (event counts and decayed sums per event name over several windows, recency, active days,
 * and the engagement rules' points), computed only from events at or before the cut-off, so a
 * model never learns from what happened after the moment it predicts for.
 * @module
 */
import type { CompiledModel } from '../../core/compile.js'
import { evaluateContact } from '../../core/evaluate.js'
import { type ContactEvent, type ContactInput, DAY_MS } from '../../core/input.js'
import { type LeadTable, tableFromRows } from '../table.js'

/** One contact, its events (any order; later ones are ignored) and the time to compute features as of. */
export interface ContactAtCutoff {
  readonly contact: ContactInput
  readonly events: readonly ContactEvent[]
  /** Epoch milliseconds: only events with `ts <= cutoff` count. */
  readonly cutoff: number
}

/** Which columns {@link behaviourTable} writes: learned once, stored with the model, reused to predict. */
export interface BehaviourSpec {
  /** Property columns, in order. */
  readonly properties: readonly string[]
  /** Event names (lower case) with their own columns; every other name counts in `any` only. */
  readonly eventNames: readonly string[]
  readonly windowsDays: readonly number[]
  /** Half-life of the decayed sums. */
  readonly halfLifeDays: number
  /** Engagement rule ids with a `rule.<id>` column (empty without a scoring model). */
  readonly rules: readonly string[]
}

/** Options of {@link fitBehaviourSpec}. */
export interface BehaviourOptions {
  /** Default 7, 30 and 90 days. */
  readonly windowsDays?: readonly number[]
  /** Default 14 days. */
  readonly halfLifeDays?: number
  /** The most event names with their own columns (the most frequent before the cut-offs); default 20. */
  readonly maxEventNames?: number
  /** A scoring model whose engagement rules' points become features. */
  readonly model?: CompiledModel
}

/** The columns for `rows`: property names seen, the most frequent event names before each cut-off. */
export function fitBehaviourSpec(
  rows: readonly ContactAtCutoff[],
  options: BehaviourOptions = {},
): BehaviourSpec {
  const builder = new BehaviourSpecBuilder()
  for (const row of rows) builder.add(row)
  return builder.finish(options)
}

/**
 * {@link fitBehaviourSpec} a page of rows at a time, so rows read from a store page by page
 * need not be held all at once: add every row, then `finish`.
 */
export class BehaviourSpecBuilder {
  private readonly properties = new Set<string>()
  private readonly names = new Map<string, number>()

  add(row: ContactAtCutoff): void {
    for (const key of Object.keys(row.contact.properties)) this.properties.add(key)
    for (const event of row.events) {
      if (event.ts > row.cutoff) continue
      const name = event.name.toLowerCase()
      this.names.set(name, (this.names.get(name) ?? 0) + 1)
    }
  }

  finish(options: BehaviourOptions = {}): BehaviourSpec {
    const eventNames = [...this.names.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, options.maxEventNames ?? 20)
      .map(([name]) => name)
    return {
      properties: [...this.properties],
      eventNames,
      windowsDays: options.windowsDays ?? [7, 30, 90],
      halfLifeDays: options.halfLifeDays ?? 14,
      rules: options.model ? ruleIds(options.model) : [],
    }
  }
}

function ruleIds(model: CompiledModel): string[] {
  return model.engagement.groups.flatMap((g) => g.rules.map((r) => r.id))
}

/** The column names {@link behaviourTable} writes for `spec`, in order. */
export function behaviourColumns(spec: BehaviourSpec): string[] {
  const columns = [...spec.properties]
  for (const name of ['any', ...spec.eventNames])
    for (const w of spec.windowsDays)
      columns.push(`events.${name}.count_${w}d`, `events.${name}.decayed_${w}d`)
  for (const w of spec.windowsDays) columns.push(`active_days_${w}d`)
  columns.push('days_since_last_event', 'days_since_first_event')
  if (spec.rules.length > 0) columns.push('engagement', ...spec.rules.map((id) => `rule.${id}`))
  return columns
}

/** A property value as a table cell: numbers and booleans spelled out, objects as JSON, absent as empty. */
function cell(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return JSON.stringify(value)
}

const round = (x: number) => String(Math.round(x * 1e6) / 1e6)

/**
 * One row per contact, with the columns of {@link behaviourColumns}, computed from the events
 * at or before each row's cut-off only. Feed it to `trainModel` (with a label column added) or
 * to `predictTable`. `model` must be the scoring model the spec's rules came from.
 */
export function behaviourTable(
  rows: readonly ContactAtCutoff[],
  spec: BehaviourSpec,
  model?: CompiledModel,
): LeadTable {
  const header = behaviourColumns(spec)
  const nameIndex = new Map(spec.eventNames.map((name, i) => [name, i + 1])) // 0 = any
  const windows = spec.windowsDays
  const decay = Math.LN2 / spec.halfLifeDays
  const out = rows.map((row) => {
    const { cutoff } = row
    const past = row.events.filter((e) => e.ts <= cutoff)
    const counts = new Float64Array((spec.eventNames.length + 1) * windows.length)
    const decayed = new Float64Array(counts.length)
    const days = windows.map(() => new Set<number>())
    let last = Number.NEGATIVE_INFINITY
    let first = Number.POSITIVE_INFINITY
    for (const event of past) {
      const age = (cutoff - event.ts) / DAY_MS
      const weight = Math.exp(-decay * age)
      const named = nameIndex.get(event.name.toLowerCase())
      windows.forEach((w, k) => {
        if (age > w) return
        counts[k]!++
        decayed[k]! += weight
        days[k]!.add(Math.floor(event.ts / DAY_MS))
        if (named !== undefined) {
          counts[named * windows.length + k]!++
          decayed[named * windows.length + k]! += weight
        }
      })
      last = Math.max(last, event.ts)
      first = Math.min(first, event.ts)
    }
    const cells = spec.properties.map((p) => cell(row.contact.properties[p]))
    for (let n = 0; n <= spec.eventNames.length; n++)
      windows.forEach((_, k) => {
        cells.push(round(counts[n * windows.length + k]!), round(decayed[n * windows.length + k]!))
      })
    for (const set of days) cells.push(String(set.size))
    cells.push(
      past.length === 0 ? '' : round((cutoff - last) / DAY_MS),
      past.length === 0 ? '' : round((cutoff - first) / DAY_MS),
    )
    if (spec.rules.length > 0) {
      if (model === undefined)
        throw new RangeError('the behaviour spec has engagement rules: pass the scoring model')
      const result = evaluateContact(model, row.contact, past, cutoff)
      cells.push(round(result.engagement), ...spec.rules.map((id) => round(result.rules[id] ?? 0)))
    }
    return cells
  })
  return tableFromRows(header, out)
}
