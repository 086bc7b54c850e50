/**
 * Each contact's likelihood from the active predictive model, with its reasons in points,
 * computed from its properties and its events as of now, written in batches with
 * `writePredictions` (which copies it into the scores of the scoring models that name the
 * model in `predictive:`, and has the timer rescore them when the likelihood adds points or a
 * condition reads it).
 * @module
 */

import type { Properties } from '../../core/index.js'
import { behaviourTable, encodeTable, PointExplainer, predictEncoded } from '../../predict/index.js'
import type { Store, StoreOps } from '../../store/index.js'
import { compileSource } from '../models.js'
import { readContacts } from './contact-pages.js'
import type { Progress } from './progress.js'
import { type LoadedModel, loadStoredModel } from './stored-model.js'

/** Contacts predicted per batch (one read of their events, one write). */
export const PREDICT_BATCH = 500

/** The reasons stored with a prediction (and shown by the contact API). */
export interface StoredReasons {
  /** The likelihood of an average lead, percent. */
  readonly base: number
  readonly raised: readonly { feature: string; value: string; points: number; text: string }[]
  readonly lowered: readonly { feature: string; value: string; points: number; text: string }[]
}

/** The published scoring models whose `predictive: { model }` names `predictiveId`. */
export async function scoringModelsUsing(
  store: StoreOps,
  predictiveId: string,
): Promise<{ id: string; reschedule: boolean }[]> {
  const out: { id: string; reschedule: boolean }[] = []
  for (const record of await store.publishedModels()) {
    const { document } = compileSource(record.source)
    if (document.predictive?.model !== predictiveId) continue
    // the likelihood changes the scores only when it adds points or a condition reads it
    const reschedule = (document.predictive.weight ?? 0) > 0 || record.source.includes('likelihood')
    out.push({ id: record.id, reschedule })
  }
  return out
}

/** Predicts `ids` (those that exist) with `loaded` as of `now`; resolves to how many were written. */
export async function predictContacts(
  store: StoreOps,
  loaded: LoadedModel,
  ids: readonly string[],
  now: number,
  scoringModels: readonly { id: string; reschedule: boolean }[],
  accounts: Map<string, Properties | undefined> = new Map(),
): Promise<number> {
  const contacts = await readContacts(store, ids, accounts)
  if (contacts.length === 0) return 0
  const table = behaviourTable(
    contacts.map((c) => ({ contact: c.input, events: c.events, cutoff: now })),
    loaded.behaviour,
    loaded.rules,
  )
  const data = encodeTable(loaded.model.features, table)
  const { likelihood } = predictEncoded(loaded.model, data)
  const explain = new PointExplainer(loaded.model, data.features.length)
  const predictions = contacts.map((c, i) => {
    const e = explain.row(data, i)
    const reasons: StoredReasons = {
      base: round(e.base),
      raised: e.raised.map(rounded),
      lowered: e.lowered.map(rounded),
    }
    return { contactId: c.record.id, likelihood: round(likelihood[i]!), reasons }
  })
  await store.writePredictions({
    modelId: loaded.id,
    modelVersion: loaded.version,
    predictedAt: now,
    predictions,
    scoringModels,
  })
  return predictions.length
}

const round = (x: number) => Math.min(100, Math.max(0, Math.round(x * 100) / 100))
const rounded = <T extends { points: number }>(r: T): T => ({
  ...r,
  points: Math.round(r.points * 100) / 100,
})

/**
 * Predicts the contacts of every active predictive model (or of `modelId`) that have no
 * prediction from its active version, or changed since (properties, new events). Each batch is
 * predicted as of the time it is read (`clock()`), so what arrives meanwhile makes the contact
 * stale again rather than being missed.
 */
export async function refreshPredictions(
  store: Store,
  clock: () => number,
  progress: (p: Progress) => void,
  modelId?: string,
): Promise<{ predicted: number; models: number }> {
  const ids =
    modelId === undefined
      ? [...new Set((await store.listPredictiveModels()).filter((m) => m.active).map((m) => m.id))]
      : [modelId]
  let predicted = 0
  let models = 0
  for (const id of ids) {
    const record = await store.activePredictiveModel(id)
    if (record === undefined) continue
    models++
    const loaded = await loadStoredModel(store, record)
    const scoring = await scoringModelsUsing(store, id)
    const accounts = new Map<string, Properties | undefined>()
    for (let after: string | null = null; ; ) {
      const page = await store.stalePredictions({
        modelId: id,
        version: record.version,
        after,
        limit: PREDICT_BATCH,
      })
      if (page.length === 0) break
      after = page.at(-1)!
      predicted += await predictContacts(store, loaded, page, clock(), scoring, accounts)
      progress({ step: `predicting with ${id} version ${record.version}`, done: predicted, total: 0 })
    }
  }
  return { predicted, models }
}
