/**
 * Scoring the leads in play as of a time (seen by then, not converted yet), once or at many
 * times (every week, every month) for backtests, the threshold from capacity and drift.
 * Only those leads are scored, with only their events up to the time.
 * @module
 */
import { conditionFieldNames } from '../core/columnar/contact-conditions.js'
import {
  type BulkScores,
  type ClassName,
  type ContactColumns,
  classifierConditions,
  ScoreCache,
  type ScoreClassColumn,
  scoreColumns,
} from '../core/columnar/index.js'
import type { CompiledModel } from '../core/compile.js'
import { DAY_MS } from '../core/input.js'
import { selectContacts, selectEvents } from './events-before.js'
import type { LeadData } from './leads.js'

/** Called after each snapshot is scored: `done` of `total`. */
export type StepProgress = (done: number, total: number) => void

/** Scores of the leads in play at `asOf`: row k is contact `rows[k]`. */
export interface Snapshot {
  readonly asOf: number
  readonly rows: Int32Array
  readonly scores: BulkScores
}

/** The times `from`, `from + stepDays`, ... up to `to` (inclusive). */
export function stepTimes(from: number, to: number, stepDays: number): number[] {
  if (!(stepDays > 0)) throw new RangeError(`the step is ${stepDays} days: give a number of days above 0`)
  const times: number[] = []
  for (let t = from; t <= to; t += stepDays * DAY_MS) times.push(t)
  return times
}

/** The first instants (UTC) of the months from the one holding `from` up to the one holding `to`. */
export function monthStarts(from: number, to: number): number[] {
  const start = new Date(from)
  let y = start.getUTCFullYear()
  let m = start.getUTCMonth()
  const out: number[] = []
  for (;;) {
    const t = Date.UTC(y, m, 1)
    if (t > to) break
    out.push(t)
    m++
    if (m === 12) {
      m = 0
      y++
    }
  }
  return out
}

/** True when lead c is in play at time t: seen by then (or of unknown start), not converted yet. */
export function inPlay(data: LeadData, c: number, t: number): boolean {
  const { firstSeen, converted, at } = data.outcomes
  if (firstSeen[c]! > t) return false
  return !(converted[c] === 1 && at[c]! <= t)
}

/** The contacts in play at `t` (and not `skip`ped), in index order. */
export function inPlayRows(data: LeadData, t: number, skip?: Uint8Array): Int32Array {
  const n = data.contacts.length
  const rows = new Int32Array(n)
  let k = 0
  for (let c = 0; c < n; c++) if (inPlay(data, c, t) && skip?.[c] !== 1) rows[k++] = c
  return rows.slice(0, k)
}

/**
 * Scores the contacts `rows` (default: those in play) as of `asOf`, from their events up to it.
 * When most contacts are in play, every contact is scored on the columns as they are and the
 * rows are picked from the result: no copy of the events, and the name index and property
 * columns are kept for the next scoring of the same data (a cache per `data`). Otherwise
 * (few rows, a per-contact `limit`, or `details`) the rows and their events are copied out first.
 */
export function scoreRows(
  model: CompiledModel,
  data: LeadData,
  asOf: number,
  options: {
    readonly rows?: Int32Array
    readonly details?: boolean
    readonly limit?: (c: number) => number
  } = {},
): Snapshot {
  const rows = options.rows ?? inPlayRows(data, asOf)
  const details = options.details === true
  if (options.limit === undefined && !details && rows.length * 2 >= data.contacts.length) {
    // the scorer ignores events after `asOf` itself, as the default limit would
    const all = scoreColumns(model, data.contacts, data.events, asOf, { cache: cacheOf(data) })
    return { asOf, rows, scores: pickRows(all, rows) }
  }
  const limit = options.limit ?? (() => asOf + 1)
  const contacts = selectContacts(data.contacts, rows)
  const events = selectEvents(data.events, rows, limit, details ? undefined : eventFields(model))
  return {
    asOf,
    rows,
    // each rule reads the events of its names only (the index costs one pass and 4 bytes an event)
    scores: scoreColumns(model, contacts, events, asOf, { details, indexEvents: true }),
  }
}

const caches = new WeakMap<LeadData, ScoreCache>()

/** The cache of scorings over all of `data` (kept as long as the data). */
function cacheOf(data: LeadData): ScoreCache {
  let cache = caches.get(data)
  if (cache === undefined) {
    // each scoring is at another time: keep only what does not depend on it
    cache = new ScoreCache({ timeless: true })
    caches.set(data, cache)
  }
  return cache
}

/** Scores `all` of every contact, cut to `rows` (row k is contact `rows[k]`); classes picked when first read. */
function pickRows(all: BulkScores, rows: Int32Array): BulkScores {
  const numbers = (column: Float64Array) => {
    const out = new Float64Array(rows.length)
    for (let k = 0; k < rows.length; k++) out[k] = column[rows[k]!]!
    return out
  }
  const scores: BulkScores = {
    length: rows.length,
    fit: numbers(all.fit),
    engagement: numbers(all.engagement),
    total: numbers(all.total),
  } as BulkScores
  for (const key of ['grade', 'level', 'label', 'band', 'stage', 'journey', 'segments'] as const) {
    let picked: unknown[] | undefined
    Object.defineProperty(scores, key, {
      enumerable: true,
      get: () => {
        if (picked === undefined) {
          const column = all[key] as readonly unknown[]
          picked = Array.from(rows, (c) => column[c])
        }
        return picked
      },
    })
  }
  let classes: BulkScores['classes'] | undefined
  Object.defineProperty(scores, 'classes', {
    enumerable: true,
    get: () => {
      if (classes === undefined) {
        const picked = {} as Record<ClassName, ScoreClassColumn>
        for (const name of Object.keys(all.classes) as ClassName[]) {
          const { codes, values } = all.classes[name]
          picked[name] = { codes: Int32Array.from(rows, (c) => codes[c]!), values }
        }
        classes = picked
      }
      return classes
    },
  })
  if (all.committee !== undefined) {
    const { roles, engaged } = all.committee
    Object.assign(scores, {
      committee: {
        roles: Uint32Array.from(rows, (c) => roles[c]!),
        engaged: Uint8Array.from(rows, (c) => engaged[c]!),
      },
    })
  }
  return scores
}

/**
 * The contacts with only the properties `model` reads (its fit rules and classifiers), for
 * scoring them again and again: the scorer looks each property up in small objects.
 */
export function slimContacts(model: CompiledModel, contacts: ContactColumns): ContactColumns {
  // contacts read as columns keep only the columns read: nothing to look up in objects
  if (contacts.properties.length === 0) return contacts
  const fields = new Set<string>()
  const conditions = [
    ...(model.document.fit?.groups ?? []).flatMap((g) => g.rules.map((r) => r.when)),
    ...classifierConditions(model),
  ]
  for (const condition of conditions) conditionFieldNames(condition, fields)
  // a dotted path is looked up as a key first, then through its first part
  const keys = [...new Set([...fields].flatMap((f) => [f, f.split('.')[0]!]))]
  const properties = contacts.properties.map((bag) => {
    const slim: Record<string, unknown> = {}
    if (bag !== undefined) for (const key of keys) if (Object.hasOwn(bag, key)) slim[key] = bag[key]
    return slim
  })
  return { ...contacts, properties }
}

const fieldsOfModel = new WeakMap<CompiledModel, ReadonlySet<string>>()

/** The event properties a model's engagement rules read (their conditions, `distinct`). */
export function eventFields(model: CompiledModel): ReadonlySet<string> {
  let fields = fieldsOfModel.get(model)
  if (fields === undefined) {
    const set = new Set<string>()
    for (const rule of model.engagement.rules) {
      for (const f of rule.fields) set.add(f)
      if (rule.distinct !== undefined) set.add(rule.distinct)
    }
    fields = set
    fieldsOfModel.set(model, fields)
  }
  return fields
}

/**
 * Scores the leads in play as of each time (but those `skip` marks at that moment) and hands
 * each snapshot to `visit`.
 */
export function forEachSnapshot(
  model: CompiledModel,
  data: LeadData,
  times: readonly number[],
  visit: (k: number, snapshot: Snapshot) => void,
  progress?: StepProgress,
  skip?: Uint8Array,
): void {
  times.forEach((t, k) => {
    visit(k, scoreRows(model, data, t, { rows: inPlayRows(data, t, skip) }))
    progress?.(k + 1, times.length)
  })
}

/** The time of the latest event or conversion (0 when there is none): where the data ends. */
export function dataEnd(data: LeadData): number {
  let end = Number.NEGATIVE_INFINITY
  const ts = data.events.ts
  for (let i = 0; i < ts.length; i++) if (ts[i]! > end) end = ts[i]!
  const at = data.outcomes.at
  for (let c = 0; c < at.length; c++) if (at[c]! > end) end = at[c]!
  return end === Number.NEGATIVE_INFINITY ? 0 : end
}
