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
import { readContacts, type StoredContact } from './contact-pages.js'
import type { Progress } from './progress.js'
import { type LoadedModel, loadStoredModel } from './stored-model.js'
import type { PredictionTriggers } from './triggers.js'

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

/**
 * Predicts `ids` (those that exist and were not merged into another) with `loaded` as of `now`;
 * resolves to how many were written.
 */
export async function predictContacts(
  store: StoreOps,
  loaded: LoadedModel,
  ids: readonly string[],
  now: number,
  scoringModels: readonly { id: string; reschedule: boolean }[],
  accounts: Map<string, Properties | undefined> = new Map(),
): Promise<number> {
  return predictStored(store, loaded, await readLive(store, ids, accounts), now, scoringModels)
}

/** The contacts `ids` that exist and were not merged into another, read for their features. */
async function readLive(
  store: StoreOps,
  ids: readonly string[],
  accounts: Map<string, Properties | undefined>,
): Promise<StoredContact[]> {
  const gone = await store.mergedInto(ids)
  return readContacts(store, gone.size === 0 ? ids : ids.filter((id) => !gone.has(id)), accounts)
}

/** Predicts contacts already read; resolves to how many were written. */
async function predictStored(
  store: StoreOps,
  loaded: LoadedModel,
  contacts: readonly StoredContact[],
  now: number,
  scoringModels: readonly { id: string; reschedule: boolean }[],
): Promise<number> {
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

/** Behaviour columns whose value moves with time alone (windows, decay, recency, the rules' points). */
const TIME_DEPENDENT = /^(events\.|active_days_|days_since_|engagement$|rule\.)/

/** True when some feature of the model changes with time alone, for a contact with events. */
export function timeDependent(loaded: LoadedModel): boolean {
  return loaded.model.features.features.some((f) => TIME_DEPENDENT.test(f.name))
}

/** True when the model reads account properties (`account.<name>` features). */
export function readsAccounts(loaded: LoadedModel): boolean {
  return loaded.model.features.features.some((f) => f.name.startsWith('account.'))
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

/** The active versions (of every predictive model, or of `modelId`), loaded, with the scoring models that use each. */
async function activeModels(
  store: Store,
  modelId?: string,
): Promise<{ loaded: LoadedModel; scoring: { id: string; reschedule: boolean }[] }[]> {
  const ids =
    modelId === undefined
      ? [...new Set((await store.listPredictiveModels()).filter((m) => m.active).map((m) => m.id))]
      : [modelId]
  const out: { loaded: LoadedModel; scoring: { id: string; reschedule: boolean }[] }[] = []
  for (const id of ids) {
    const record = await store.activePredictiveModel(id)
    if (record === undefined) continue
    out.push({ loaded: await loadStoredModel(store, record), scoring: await scoringModelsUsing(store, id) })
  }
  return out
}

/**
 * Predicts again, with every active model, the contacts ingestion changed in ways their own
 * row does not show (see `triggers.ts`): `contactIds`, and the members of `accountIds` for
 * models that read account properties.
 */
export async function predictTriggered(
  store: Store,
  clock: () => number,
  progress: (p: Progress) => void,
  triggers: PredictionTriggers,
): Promise<{ predicted: number; models: number }> {
  let predicted = 0
  const models = await activeModels(store)
  for (const { loaded, scoring } of models) {
    const ids = new Set(triggers.contactIds)
    if (readsAccounts(loaded))
      for (const account of triggers.accountIds)
        for (const member of await store.accountContacts(account)) ids.add(member.id)
    const all = [...ids].sort()
    const accounts = new Map<string, Properties | undefined>()
    for (let i = 0; i < all.length; i += PREDICT_BATCH) {
      predicted += await predictContacts(
        store,
        loaded,
        all.slice(i, i + PREDICT_BATCH),
        clock(),
        scoring,
        accounts,
      )
      progress({ step: `predicting changed contacts with ${loaded.id}`, done: predicted, total: all.length })
    }
  }
  return { predicted, models: models.length }
}

/**
 * Predicts again every contact whose features move with time alone: those with events, for the
 * active models with time-dependent features (event windows, decayed sums, recency, the rules'
 * points). Nothing happens to such a contact, yet its 7-day count falls when an event turns 8
 * days old and its recency grows: run periodically (once for all processes, see `lease.ts`).
 */
export async function refreshTimeDependent(
  store: Store,
  clock: () => number,
  progress: (p: Progress) => void,
): Promise<{ predicted: number; models: number }> {
  let predicted = 0
  const models = (await activeModels(store)).filter((m) => timeDependent(m.loaded))
  for (const { loaded, scoring } of models) {
    const accounts = new Map<string, Properties | undefined>()
    for (let after: string | null = null; ; ) {
      const page = await store.contactIds({ after, limit: PREDICT_BATCH })
      if (page.length === 0) break
      after = page.at(-1)!
      const active = (await readLive(store, page, accounts)).filter((c) => c.events.length > 0)
      predicted += await predictStored(store, loaded, active, clock(), scoring)
      progress({ step: `predicting again as time passes with ${loaded.id}`, done: predicted, total: 0 })
    }
  }
  return { predicted, models: models.length }
}
