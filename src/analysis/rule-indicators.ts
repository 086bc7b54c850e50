/**
 * Which rules apply to which leads: the indicators of the signals report and of the
 * suggested points. A fit rule applies when it gives the lead points (its condition holds
 * and, in a `first` group, no rule before it does); an engagement rule applies when at least
 * one of the lead's events before its limit is counted by it (its `when`, with the group's
 * `first` mode applied per event), whatever its window, count or occurrence settings.
 * @module
 */

import { propertyAt } from '../core/columnar/index.js'
import type { CompiledModel } from '../core/compile.js'
import type { Scope } from '../core/conditions.js'
import type { Condition } from '../core/model/types.js'
import { matchEvent } from '../core/state.js'
import type { LeadData } from './leads.js'
import { scoreRows } from './snapshots.js'

/** One rule of a model, in indicator order: fit rules, then engagement rules. */
export interface IndicatedRule {
  readonly id: string
  readonly label: string | null
  readonly part: 'fit' | 'engagement'
  readonly points: number
  /** The rule's place in the document: part, group index, rule index. */
  readonly path: readonly ['fit' | 'engagement', number, number]
}

export interface RuleIndicators {
  readonly rules: readonly IndicatedRule[]
  /** Row r, rule j: `fired[r * rules.length + j]` is 1 when the rule applies to lead `rows[r]`. */
  readonly fired: Uint8Array
}

/** The rules of `model` in indicator order. */
export function indicatedRules(model: CompiledModel): IndicatedRule[] {
  const out: IndicatedRule[] = []
  for (const part of ['fit', 'engagement'] as const) {
    model[part].groups.forEach((g, gi) => {
      g.rules.forEach((r, ri) => {
        out.push({ id: r.id, label: r.label ?? null, part, points: r.points, path: [part, gi, ri] })
      })
    })
  }
  return out
}

/**
 * The rules that apply to each of the leads `rows`, from their events before `limit(c)`,
 * as of `asOf` (the time the scorer uses when a fit condition reads the event history).
 */
export function ruleIndicators(
  model: CompiledModel,
  data: LeadData,
  rows: Int32Array,
  limit: (c: number) => number,
  asOf: number,
): RuleIndicators {
  const rules = indicatedRules(model)
  const R = rules.length
  const fired = new Uint8Array(rows.length * R)
  const fitCount = rules.filter((r) => r.part === 'fit').length
  if ((model.document.fit?.groups ?? []).some((g) => g.rules.some((r) => readsHistory(r.when)))) {
    fitFromScores(model, data, rows, limit, asOf, fired, R)
  } else {
    fitFromConditions(model, data, rows, fired, R)
  }
  // engagement: each distinct (event name, tested property values) is matched once
  const { events } = data
  const fields = [...new Set(model.engagement.rules.flatMap((r) => r.fields))].filter((f) =>
    events.properties.has(f),
  )
  const columns = fields.map((f) => events.properties.get(f)!)
  const matched: (readonly number[])[] = []
  const match = (i: number): number => {
    const properties: Record<string, unknown> = {}
    columns.forEach((col, k) => {
      const code = col.codes[i]!
      if (code >= 0) properties[fields[k]!] = col.values[code]
    })
    matched.push(matchEvent(model, { id: '', name: events.names[events.name[i]!]!, ts: 0, properties }).rules)
    return matched.length - 1
  }
  // a signature per event: the name and the codes of the tested properties, as one number when they fit
  const radix = columns.map((col) => col.values.length + 1)
  const space = radix.reduce((s, r) => s * r, events.names.length)
  const table = space <= 1 << 24 ? new Int32Array(space).fill(-1) : undefined
  const keyed = new Map<string, number>()
  const matchOf = (i: number): readonly number[] => {
    if (table) {
      let sig = events.name[i]!
      for (let k = 0; k < columns.length; k++) sig = sig * radix[k]! + columns[k]!.codes[i]! + 1
      let m = table[sig]!
      if (m < 0) {
        m = match(i)
        table[sig] = m
      }
      return matched[m]!
    }
    let key = String(events.name[i])
    for (const col of columns) key += `,${col.codes[i]}`
    let m = keyed.get(key)
    if (m === undefined) {
      m = match(i)
      keyed.set(key, m)
    }
    return matched[m]!
  }
  for (let r = 0; r < rows.length; r++) {
    const c = rows[r]!
    if (c >= events.contacts) continue
    const until = limit(c)
    const base = r * R + fitCount
    for (let i = events.offsets[c]!, end = events.offsets[c + 1]!; i < end; i++) {
      if (!(events.ts[i]! < until)) break
      for (const j of matchOf(i)) fired[base + j] = 1
    }
  }
  return { rules, fired }
}

function fitFromConditions(
  model: CompiledModel,
  data: LeadData,
  rows: Int32Array,
  fired: Uint8Array,
  R: number,
): void {
  const { contacts } = data
  let c = 0
  const scope: Scope = {
    get: (field) =>
      field.startsWith('account.')
        ? propertyAt(contacts, 'account', field.slice(8), c)
        : propertyAt(contacts, 'contact', field, c),
    history: () => false,
  }
  for (let r = 0; r < rows.length; r++) {
    c = rows[r]!
    let j = r * R
    for (const group of model.fit.groups) {
      let taken = false
      for (const rule of group.rules) {
        if (!taken && rule.when(scope)) {
          fired[j] = 1
          if (group.mode === 'first') taken = true
        }
        j++
      }
    }
  }
}

/** Fit rules that read the event history: ask the scorer which gave points (slower: every rule's points per lead). */
function fitFromScores(
  model: CompiledModel,
  data: LeadData,
  rows: Int32Array,
  limit: (c: number) => number,
  asOf: number,
  fired: Uint8Array,
  R: number,
): void {
  const ids = model.fit.groups.flatMap((g) => g.rules.map((r) => r.id))
  const { scores } = scoreRows(model, data, asOf, { rows, details: true, limit })
  for (let r = 0; r < rows.length; r++) {
    const points = scores.details![r]!.rules
    ids.forEach((id, j) => {
      if ((points[id] ?? 0) !== 0) fired[r * R + j] = 1
    })
  }
}

/** True when a condition tests the event history (`did`, `didNot`). */
function readsHistory(cond: Condition | undefined): boolean {
  if (cond === undefined) return false
  if (cond.did !== undefined || cond.didNot !== undefined) return true
  return (cond.all ?? []).some(readsHistory) || (cond.any ?? []).some(readsHistory) || readsHistory(cond.not)
}
