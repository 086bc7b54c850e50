/**
 * Bulk scoring on two cores: the engagement rules' points (most of a scoring's time) split
 * between this thread and a worker that reads the event columns without a copy, then the
 * rest of the scoring here with every rule's points given.
 * @module
 */
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { nameIndex } from '../core/columnar/event-match.js'
import type { EventColumns } from '../core/columnar/events.js'
import { candidateNames } from '../core/columnar/rule-points.js'
import {
  type BulkScores,
  type ContactColumns,
  engagementRulePoints,
  prepareFit,
  scoreColumns,
} from '../core/columnar/score.js'
import { ScoreCache } from '../core/columnar/score-cache.js'
import type { CompiledModel } from '../core/compile.js'
import { startModuleWorker } from './module-worker.js'
import type { RulePointsReply, RulePointsTask } from './rule-points-worker.js'

/** The fit part's time, as the events a rule reads in the same time, per contact. */
const FIT_COST = 8

/** Options of {@link scoreColumnsInThreads}. */
export interface ScoreThreadsOptions {
  /** Below this many events, one thread (a worker's start costs more than it saves). Default 2,000,000. */
  readonly minEvents?: number
  /** Use a worker (default: when the machine has two cores or more). */
  readonly worker?: boolean
  /**
   * A worker started ahead ({@link startRuleWorker}): its start (about half a second) then
   * overlaps the reading of the files. The caller closes it.
   */
  readonly started?: RuleWorker | undefined
}

/** A worker for {@link scoreColumnsInThreads}, started ahead of the scoring. */
export interface RuleWorker {
  readonly worker: Worker
  /** Whether the thread failed or stopped: the scoring then stays on its own thread. */
  readonly failed: boolean
  /** Stops the thread. */
  close(): Promise<void>
}

/**
 * Starts a worker for a later {@link scoreColumnsInThreads} (on a machine of one core,
 * undefined): it waits, idle, for the columns.
 */
export function startRuleWorker(): RuleWorker | undefined {
  if (availableParallelism() < 2) return undefined
  const worker = startModuleWorker(import.meta.url, 'rule-points-worker')
  let failed = false
  // a failure before the scoring is no crash: the scoring does without the worker
  worker.on('error', () => {
    failed = true
  })
  worker.on('exit', () => {
    failed = true
  })
  return {
    worker,
    get failed() {
      return failed
    },
    async close() {
      await worker.terminate()
    },
  }
}

/**
 * `scoreColumns(model, contacts, events, asOf, { indexEvents: true })`, the same scores,
 * with the engagement rules computed half here and half on a worker thread when the events
 * are many and their columns shared (`EventColumnsBuilder({ shared: true })`). Should the
 * worker fail, its rules are computed here.
 */
export async function scoreColumnsInThreads(
  model: CompiledModel,
  contacts: ContactColumns,
  events: EventColumns,
  asOf: number,
  options: ScoreThreadsOptions = {},
): Promise<BulkScores> {
  const rules = model.engagement.rules
  const parallel =
    (options.worker ?? availableParallelism() > 1) &&
    rules.length > 1 &&
    events.length >= (options.minEvents ?? 2_000_000) &&
    isShared(events) &&
    options.started?.failed !== true
  if (!parallel) return scoreColumns(model, contacts, events, asOf, { indexEvents: true })

  const worker = options.started?.worker ?? startModuleWorker(import.meta.url, 'rule-points-worker')
  try {
    const replied = reply(worker)
    worker.postMessage({
      type: 'columns',
      document: model.document,
      asOf,
      contacts: contacts.length,
      events,
      indexed: true,
    } satisfies RulePointsTask)
    const { mine, theirs } = share(model, events)
    worker.postMessage({ type: 'rules', rules: theirs } satisfies RulePointsTask)
    const points = new Map<number, Float64Array>()
    for (const r of mine) points.set(r, engagementRulePoints(model, contacts.length, events, asOf, r, true))
    // the fit part while the worker ends its share (kept in a cache that keeps nothing timed)
    const cache = new ScoreCache({ timeless: true })
    prepareFit(model, contacts, events, asOf, cache)
    const answer = await replied
    if (answer.type === 'points') for (const [r, column] of answer.points) points.set(r, column)
    else
      for (const r of theirs)
        points.set(r, engagementRulePoints(model, contacts.length, events, asOf, r, true))
    return scoreColumns(model, contacts, events, asOf, {
      cache,
      indexEvents: true,
      rulePoints: (r) => points.get(r),
    })
  } finally {
    if (options.started === undefined) await worker.terminate()
  }
}

/** Whether the columns a worker reads are shared (else they would be copied to it). */
function isShared(events: EventColumns): boolean {
  const columns = [events.ts, events.name, ...[...events.properties.values()].map((p) => p.codes)]
  return columns.every((column) => column.buffer instanceof SharedArrayBuffer)
}

/**
 * The rules for this thread and for the worker: by the events each reads (those of the
 * names it can select, all without a name), the largest first to the thread with less.
 */
function share(model: CompiledModel, events: EventColumns): { mine: number[]; theirs: number[] } {
  const { start } = nameIndex(events)
  const docs = (model.document.engagement?.groups ?? []).flatMap((g) => g.rules)
  const cost = model.engagement.rules.map((rule) => {
    const names = candidateNames(events, docs[rule.index]?.when)
    if (names === null) return events.length
    let rows = 0
    for (const name of names) rows += start[name + 1]! - start[name]!
    return rows
  })
  const order = cost.map((_, r) => r).sort((a, b) => cost[b]! - cost[a]! || a - b)
  const mine: number[] = []
  const theirs: number[] = []
  // this thread computes the fit part too: about as long as reading FIT_COST events a contact
  let here = model.fit.groups.length > 0 ? FIT_COST * events.contacts : 0
  let there = 0
  for (const r of order) {
    if (here <= there) {
      mine.push(r)
      here += cost[r]!
    } else {
      theirs.push(r)
      there += cost[r]!
    }
  }
  return { mine, theirs }
}

/** The worker's answer; an error when it fails or stops. */
function reply(worker: Worker): Promise<RulePointsReply> {
  return new Promise((resolve) => {
    worker.once('message', (message: RulePointsReply) => resolve(message))
    worker.once('error', (error) => resolve({ type: 'error', message: error.message }))
    worker.once('exit', (code) =>
      resolve({ type: 'error', message: `the worker stopped (exit code ${code})` }),
    )
  })
}
