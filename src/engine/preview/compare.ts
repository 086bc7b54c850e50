/**
 * One preview on a snapshot: the draft's scores of every contact compared with the stored
 * ones (bands and stages before and after, the mean total, the contacts that change band).
 * @module
 */
import { type CompiledModel, evaluateContact, scoreColumns } from '../../core/index.js'
import type { Store } from '../../store/index.js'
import { displayName } from '../contact-export.js'
import { type BaselineModel, baselineScores } from './baseline.js'
import { type PreviewSnapshot, snapshotEvents, snapshotProperties } from './snapshot.js'

/** How many of the contacts that change band are listed. */
const LISTED_CHANGES = 100

/** A contact whose band would change. */
export interface PreviewChange {
  readonly contactId: string
  readonly name: string | null
  readonly before: {
    readonly total: number | null
    readonly band: string | null
    readonly stage: string | null
  }
  readonly after: { readonly total: number; readonly band: string | null; readonly stage: string | null }
}

/** Counts before and after, by value (`null` counts as `"(none)"`). */
export interface Counts {
  readonly before: Record<string, number>
  readonly after: Record<string, number>
}

export interface PreviewResult {
  readonly model: { readonly id: string; readonly version: number }
  /** What "before" is: stored scores of this model version, or none when nothing was scored yet. */
  readonly baseline: { readonly id: string; readonly version: number } | null
  readonly asOf: number
  readonly contacts: number
  readonly bands: Counts
  readonly stages: Counts
  /** Mean total before (contacts the baseline scored) and after. */
  readonly meanTotal: { readonly before: number | null; readonly after: number }
  /** How many contacts change band. */
  readonly bandChanges: number
  /** The contacts that change band, largest total moves first (at most 100). */
  readonly changes: readonly PreviewChange[]
  /**
   * When the contacts and events were read: the preview scores as of this time. Previews keep
   * using one reading; once it is older than a minute a fresh one is read in the background.
   */
  readonly snapshotAt: number
  /** A fresher snapshot is being read: a later preview will score on it. */
  readonly refreshing: boolean
  readonly ms: number
}

const NONE = '(none)'

function tally(counts: Record<string, number>, value: string | null): void {
  const key = value ?? NONE
  counts[key] = (counts[key] ?? 0) + 1
}

/** A contact's name for the list of changes: its display name, else its email. */
function nameOf(properties: Readonly<Record<string, unknown>>): string | null {
  const email = properties['email']
  return displayName(properties) ?? (typeof email === 'string' ? email : null)
}

/**
 * Scores every contact of the snapshot with `target` as of `asOf` (columnar) and compares
 * with the stored scores of `baseline` (as read for this snapshot: `baselineScores`). A contact whose stored lifecycle stage differs from
 * the one its scores reach is evaluated again with that stage (stages move forward, and back
 * only through `recycle`), so the stages are those publishing would give.
 */
export async function previewModel(
  store: Store,
  snapshot: PreviewSnapshot,
  target: { readonly id: string; readonly version: number; readonly compiled: CompiledModel },
  baseline: BaselineModel | null,
  asOf: number,
  refreshing = false,
): Promise<PreviewResult> {
  const started = performance.now()
  const { contacts, events, stages: storedStages } = snapshot
  // the last preview's arrays are written over (taken, so a preview running meanwhile does not)
  const spare = snapshot.spare
  const reuse = spare?.cache === snapshot.cache ? spare?.scores : undefined
  if (spare !== undefined) spare.scores = undefined
  const scores = scoreColumns(target.compiled, contacts, events, asOf, {
    ...(snapshot.cache ? { cache: snapshot.cache } : {}),
    reuse,
  })
  const bands: Counts = { before: {}, after: {} }
  const stages: Counts = { before: {}, after: {} }
  let bandChanges = 0
  let beforeSum = 0
  let beforeCount = 0
  let afterSum = 0
  const stored = baseline === null ? undefined : await baselineScores(store, snapshot, baseline)
  // contacts whose stored stage the draft's scores do not reach: evaluated one by one with it
  const again: number[] = []
  for (let c = 0; c < contacts.length; c++) {
    const current = storedStages[c] ?? null
    if (current !== null && current !== (scores.stage[c] ?? null)) again.push(c)
  }
  const ledgers = await snapshotEvents(store, snapshot, again)
  const evaluated = new Map<number, { stage: string | null; total: number; band: string | null }>()
  for (const c of again) {
    const r = evaluateContact(
      target.compiled,
      { id: contacts.ids[c]!, properties: snapshotProperties(snapshot, c), account: contacts.accounts?.[c] },
      ledgers.get(c)!,
      asOf,
      { currentStage: storedStages[c] ?? null },
    )
    evaluated.set(c, { stage: r.stage, total: r.total, band: r.band })
  }
  const changes: ListedChange[] = []
  /** The smallest move of the list when it was last trimmed to its length. */
  let smallest = 0
  for (let c = 0; c < contacts.length; c++) {
    const current = storedStages[c] ?? null
    const own = evaluated.get(c)
    const stage = own === undefined ? (scores.stage[c] ?? null) : own.stage
    const total = own === undefined ? scores.total[c]! : own.total
    const band = own === undefined ? (scores.band[c] ?? null) : own.band
    const beforeTotal = stored === undefined || Number.isNaN(stored.total[c]!) ? null : stored.total[c]!
    const beforeBand = stored?.band[c] ?? null
    const beforeStage = stored?.stage[c] ?? current
    afterSum += total
    if (beforeTotal !== null) {
      beforeSum += beforeTotal
      beforeCount++
    }
    tally(bands.before, beforeBand)
    tally(bands.after, band)
    tally(stages.before, beforeStage)
    tally(stages.after, stage)
    if (beforeBand !== band) {
      bandChanges++
      // a move smaller than the smallest of a full list kept so far would not be listed
      if (changes.length >= LISTED_CHANGES && Math.abs(total - (beforeTotal ?? 0)) < smallest) continue
      changes.push({
        c,
        contactId: contacts.ids[c]!,
        before: { total: beforeTotal, band: beforeBand, stage: beforeStage },
        after: { total, band, stage },
      })
      if (changes.length > LISTED_CHANGES * 4) smallest = trim(changes)
    }
  }
  trim(changes)
  if (spare !== undefined) {
    // done with the scores: the next preview on this snapshot may write over them
    spare.scores = scores
    spare.cache = snapshot.cache
  }
  return {
    model: { id: target.id, version: target.version },
    baseline,
    asOf,
    contacts: contacts.length,
    bands,
    stages,
    meanTotal: {
      before: beforeCount === 0 ? null : beforeSum / beforeCount,
      after: contacts.length === 0 ? 0 : afterSum / contacts.length,
    },
    bandChanges,
    changes: changes.map(({ c, contactId, before, after }) => ({
      contactId,
      name: nameOf(snapshotProperties(snapshot, c)),
      before,
      after,
    })),
    snapshotAt: snapshot.at,
    refreshing,
    ms: Math.round(performance.now() - started),
  }
}

/** A change while the list is made: the contact's index, its name not looked up yet. */
interface ListedChange extends Omit<PreviewChange, 'name'> {
  readonly c: number
}

/** Keeps the changes listed (largest moves first, then by id); returns the smallest move kept. */
function trim(changes: ListedChange[]): number {
  const move = (c: ListedChange) => Math.abs(c.after.total - (c.before.total ?? 0))
  changes.sort((a, b) => move(b) - move(a) || (a.contactId < b.contactId ? -1 : 1))
  changes.length = Math.min(changes.length, LISTED_CHANGES)
  return changes.length === 0 ? 0 : move(changes.at(-1)!)
}
