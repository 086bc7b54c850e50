/**
 * Bulk scoring on two cores: the engagement rules' points (most of a scoring's time) shared
 * between this thread and a worker that reads the event columns without a copy, each taking
 * the next rule not taken; then the rest of the scoring here with every rule's points given.
 * @module
 */
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { builtNameIndex, useNameIndex } from '../core/columnar/event-match.js'
import type { EventColumns, PropertyColumn, UnsortedEventColumns } from '../core/columnar/events.js'
import { candidateNames } from '../core/columnar/rule-points.js'
import {
  type BulkScores,
  type ContactColumns,
  engagementRulePoints,
  latestActivity,
  prepareFit,
  scoreColumns,
} from '../core/columnar/score.js'
import { ScoreCache } from '../core/columnar/score-cache.js'
import type { CompiledModel } from '../core/compile.js'
import { startModuleWorker } from './module-worker.js'
import type { RulePointsReply, RulePointsTask } from './rule-points-worker.js'

/** In the worker's `order`: each contact's latest activity (`latestActivity`) instead of a rule. */
export const LATEST_ACTIVITY = -1

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
  /**
   * A timeless cache (`new ScoreCache({ timeless: true })`) in which the fit part was
   * prepared (`prepareFit`) while the events were being made ready; else it is computed here
   * while the worker starts on the rules.
   */
  readonly fitCache?: ScoreCache | undefined
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
 * undefined, unless `anyCores`): it waits, idle, for the columns.
 */
export function startRuleWorker(options: { anyCores?: boolean } = {}): RuleWorker | undefined {
  if (availableParallelism() < 2 && options.anyCores !== true) return undefined
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
 * with the engagement rules computed on this thread and a worker thread, each taking the
 * next rule not taken (the longest first), when the events are many and their columns shared
 * (`EventColumnsBuilder({ shared: true })`). This thread computes the fit part first. Should
 * the worker fail, the rules it took are computed here.
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
      nameIndex: sharedNameIndex(events),
    } satisfies RulePointsTask)
    // the rules, longest first, taken one at a time by whichever thread is free
    const order = longestFirst(model, events)
    const next = new Int32Array(new SharedArrayBuffer(4))
    worker.postMessage({ type: 'rules', order, next } satisfies RulePointsTask)
    // the fit part first (kept in a cache that keeps nothing timed), while the worker starts on the rules
    const cache = options.fitCache ?? new ScoreCache({ timeless: true })
    prepareFit(model, contacts, events, asOf, cache)
    const points = new Map<number, Float64Array>()
    const compute = (r: number) =>
      r === LATEST_ACTIVITY
        ? latestActivity(model, contacts.length, events, asOf)
        : engagementRulePoints(model, contacts.length, events, asOf, r, true)
    for (let k = Atomics.add(next, 0, 1); k < order.length; k = Atomics.add(next, 0, 1)) {
      points.set(order[k]!, compute(order[k]!))
    }
    const answer = await replied
    if (answer.type === 'points') for (const [r, column] of answer.points) points.set(r, column)
    // what a failed worker took is computed here
    for (const r of order) if (!points.has(r)) points.set(r, compute(r))
    return scoreColumns(model, contacts, events, asOf, {
      cache,
      indexEvents: true,
      rulePoints: (r) => points.get(r),
      lastActivity: points.get(LATEST_ACTIVITY),
    })
  } finally {
    if (options.started === undefined) await worker.terminate()
  }
}

/**
 * Sorts appended events (`EventColumnsBuilder.unsorted`, shared columns) on the worker, as
 * `sortEventColumns` would here, and builds their name index there for both threads: this
 * thread is free meanwhile. The worker must not have failed (else sort here). Rejects when
 * the worker fails while sorting: the columns, sorted in place, are then unusable.
 */
export async function sortInWorker(
  started: RuleWorker,
  unsorted: UnsortedEventColumns,
): Promise<EventColumns> {
  const replied = reply(started.worker)
  const properties = new Map<string, PropertyColumn>()
  for (const [key, column] of unsorted.properties) properties.set(key, { codes: column.codes, values: [] })
  started.worker.postMessage({
    type: 'sort',
    events: { ...unsorted, ids: undefined, properties },
  } satisfies RulePointsTask)
  const answer = await replied
  if (answer.type !== 'sorted') {
    throw new Error(
      `sorting the events on a worker thread failed: ${answer.type === 'error' ? answer.message : answer.type}`,
    )
  }
  const codes = new Map(answer.events.properties)
  const events: EventColumns = {
    ...answer.events,
    names: unsorted.names,
    ids: undefined,
    properties: new Map(
      [...unsorted.properties].map(([key, column]) => [
        key,
        { codes: codes.get(key)!, values: column.values },
      ]),
    ),
  }
  useNameIndex(events, answer.nameIndex)
  return events
}

/** The name index of `events` when one was built on shared memory (the worker then uses it too). */
function sharedNameIndex(events: EventColumns) {
  const index = builtNameIndex(events)
  return index !== undefined && index.positions.buffer instanceof SharedArrayBuffer ? index : undefined
}

/** Whether the columns a worker reads are shared (else they would be copied to it). */
function isShared(events: EventColumns): boolean {
  const columns = [events.ts, events.name, ...[...events.properties.values()].map((p) => p.codes)]
  return columns.every((column) => column.buffer instanceof SharedArrayBuffer)
}

/**
 * The engagement rules, those that read the most events first (the events of the names each
 * can select, all without a name): taken in this order, the last ones are short, so the two
 * threads end close together.
 */
function longestFirst(model: CompiledModel, events: EventColumns): number[] {
  // events by name: a count is enough (the name index, twenty times longer to build, is built
  // by each thread when it takes its first rule, this one after the fit part)
  const byName = new Int32Array(events.names.length)
  const name = events.name
  for (let i = 0; i < events.length; i++) byName[name[i]!]!++
  const docs = (model.document.engagement?.groups ?? []).flatMap((g) => g.rules)
  const cost = model.engagement.rules.map((rule) => {
    const names = candidateNames(events, docs[rule.index]?.when)
    if (names === null) return events.length
    let rows = 0
    for (const code of names) rows += byName[code]!
    return rows
  })
  const order = cost.map((_, r) => r).sort((a, b) => cost[b]! - cost[a]! || a - b)
  // each contact's latest activity reads back from its newest event: first, as one of the long ones
  return model.engagement.inactivity ? [LATEST_ACTIVITY, ...order] : order
}

/** The worker's answer; an error when it fails or stops. Its listeners go once it comes. */
function reply(worker: Worker): Promise<RulePointsReply> {
  return new Promise((resolve) => {
    const done = (answer: RulePointsReply) => {
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
      resolve(answer)
    }
    const onMessage = (message: RulePointsReply) => done(message)
    const onError = (error: Error) => done({ type: 'error', message: error.message })
    const onExit = (code: number) =>
      done({ type: 'error', message: `the worker stopped (exit code ${code})` })
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
  })
}
