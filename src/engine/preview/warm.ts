/**
 * Warming a snapshot's score cache a rule at a time. One cold scoring of a million contacts
 * and twenty million events holds the thread for seconds (every engagement rule over every
 * event); scored as a series of models that each add one engagement rule to the last, it
 * holds the thread for one rule at a time and gives way to other work in between.
 * @module
 */
import {
  type CompiledModel,
  compileModel,
  type EngagementGroup,
  type ModelDocument,
  scoreColumns,
} from '../../core/index.js'
import type { PreviewSnapshot } from './snapshot.js'

/**
 * Scores `snapshot` with `model` so that its cache holds everything `model` computes. First
 * with the fit part and the engagement rules one more at a time (without the classifiers,
 * which may name rules not added yet), each step reusing what the ones before computed, a
 * turn of the event loop (`pause`) after each; then the whole model, which computes only the
 * classifiers and history tests. The cache keeps what a scoring used and each step uses all
 * the rules before it, so nothing is computed twice; rule and fit entries are keyed by the
 * rule as written and the time, not by the model, so the whole model finds them.
 */
export async function warmSnapshot(
  snapshot: PreviewSnapshot,
  model: CompiledModel,
  pause: () => Promise<void>,
  signal?: AbortSignal | undefined,
): Promise<void> {
  const { contacts, events, at, cache } = snapshot
  if (cache === undefined) return
  for (const step of steps(model.document)) {
    signal?.throwIfAborted()
    let compiled: CompiledModel
    try {
      compiled = compileModel(step)
    } catch {
      break // a part that does not stand alone: the whole model computes the rest
    }
    scoreColumns(compiled, contacts, events, at, { cache })
    await pause()
  }
  signal?.throwIfAborted()
  scoreColumns(model, contacts, events, at, { cache })
}

/** The fit part and engagement rules 1..k of `document` for each k, without what reads scores. */
function* steps(document: ModelDocument): Generator<ModelDocument> {
  const { bands: _b, stages: _s, journey: _j, segments: _g, accounts: _a, ...scoring } = document
  const engagement = document.engagement
  if (engagement === undefined) return
  const { inactivity: _i, ...rest } = engagement
  const groups: EngagementGroup[] = []
  for (const group of engagement.groups) {
    for (let k = 1; k <= group.rules.length; k++)
      yield {
        ...scoring,
        engagement: { ...rest, groups: [...groups, { ...group, rules: group.rules.slice(0, k) }] },
      }
    groups.push(group)
  }
}
