/**
 * The "before" side of a preview: the stored scores of the baseline model for a snapshot's
 * contacts, read once per snapshot and kept with it. At a million contacts reading them takes
 * longer than scoring an edit (a thousand pages of scores), so every preview on a snapshot
 * compares with the stored scores as they were read for it, like the rest of its data.
 * @module
 */
import type { Store } from '../../store/index.js'
import { nextTurn, type PreviewSnapshot } from './snapshot.js'

/** The stored scores of one model version, by the snapshot's contact index. */
export interface BaselineScores {
  /** NaN where the contact has no stored score under the model. */
  readonly total: Float64Array
  readonly band: readonly (string | null)[]
  readonly stage: readonly (string | null)[]
}

/** Which stored scores a preview compares with. */
export interface BaselineModel {
  readonly id: string
  readonly version: number
}

/** Scores read per page. */
const PAGE = 1000

/**
 * The stored scores of `baseline` for the snapshot's contacts: read on the first call for
 * that model version and kept in the snapshot (a failed reading is not kept). Gives way to
 * other work between pages.
 */
export function baselineScores(
  store: Store,
  snapshot: PreviewSnapshot,
  baseline: BaselineModel,
  options: { readonly signal?: AbortSignal | undefined } = {},
): Promise<BaselineScores> {
  const key = `${baseline.id}\u0000${baseline.version}`
  const kept = snapshot.baselines?.get(key)
  if (kept !== undefined) return kept
  const reading = readBaseline(store, snapshot.contacts.ids, baseline.id, options.signal)
  snapshot.baselines?.set(key, reading)
  reading.catch(() => {
    if (snapshot.baselines?.get(key) === reading) snapshot.baselines.delete(key)
  })
  return reading
}

async function readBaseline(
  store: Store,
  ids: readonly string[],
  modelId: string,
  signal: AbortSignal | undefined,
): Promise<BaselineScores> {
  const n = ids.length
  const total = new Float64Array(n).fill(Number.NaN)
  const band: (string | null)[] = new Array(n).fill(null)
  const stage: (string | null)[] = new Array(n).fill(null)
  for (let start = 0; start < n; start += PAGE) {
    signal?.throwIfAborted()
    const page = ids.slice(start, start + PAGE)
    const at = new Map(page.map((id, k) => [id, start + k]))
    for (const s of await store.scoresOf(modelId, page)) {
      const c = at.get(s.contactId)
      if (c === undefined) continue
      total[c] = s.total
      band[c] = s.band
      stage[c] = s.stage
    }
    await nextTurn()
  }
  return { total, band, stage }
}
