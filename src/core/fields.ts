/**
 * Which fields a model reads: the event properties its engagement rules test (so bulk
 * loaders keep only those columns) and the contact properties its conditions test.
 * @module
 */
import { isCombinator } from './conditions.js'
import type { Condition, ModelDocument } from './model/types.js'

/** The field names a condition tests (not `event`, not combinators), recursively. */
export function conditionFields(condition: Condition | undefined, into = new Set<string>()): Set<string> {
  if (!condition) return into
  for (const [key, spec] of Object.entries(condition)) {
    if (spec === undefined || key === 'event') continue
    if (key === 'all' || key === 'any') for (const c of spec as readonly Condition[]) conditionFields(c, into)
    else if (key === 'not') conditionFields(spec as Condition, into)
    else if (!isCombinator(key)) into.add(key)
  }
  return into
}

/** Event properties the model's engagement rules read (conditions and `distinct`). */
export function eventProperties(doc: ModelDocument): Set<string> {
  const fields = new Set<string>()
  for (const group of doc.engagement?.groups ?? []) {
    for (const rule of group.rules) {
      conditionFields(rule.when, fields)
      if (rule.distinct !== undefined) fields.add(rule.distinct)
    }
  }
  return fields
}
