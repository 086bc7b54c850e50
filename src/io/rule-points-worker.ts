/**
 * The worker of `scoreColumnsInThreads`: computes the points of the engagement rules it is
 * given over the event columns, which it reads without a copy (`SharedArrayBuffer`s).
 *
 * Messages in: optionally `{ type: 'sort', events }` first (`sortInWorker`: the columns as
 * read, sorted in place and indexed by name; out `{ type: 'sorted', ... }`); then
 * `{ type: 'columns', ... }` once (the model, the time, the columns), then
 * `{ type: 'rules', order, next }`: it takes rules from `order` as the main thread does, one
 * at a time, until none is left. Out: `{ type: 'points', points }` (the columns of the rules
 * it took, transferred) or `{ type: 'error', message }`.
 * @module
 */
import { parentPort } from 'node:worker_threads'
import { buildNameIndex, type NameIndex, nameIndex, useNameIndex } from '../core/columnar/event-match.js'
import { type EventColumns, sortEventColumns, type UnsortedEventColumns } from '../core/columnar/events.js'
import { engagementRulePoints, latestActivity } from '../core/columnar/score.js'
import { type CompiledModel, compileModel } from '../core/compile.js'
import type { ModelDocument } from '../core/model/types.js'
import { LATEST_ACTIVITY } from './score-threads.js'

export type RulePointsTask =
  | {
      readonly type: 'sort'
      /** Shared columns; the names are needed, the property values are not (sent empty). */
      readonly events: UnsortedEventColumns
    }
  | {
      readonly type: 'columns'
      readonly document: ModelDocument
      readonly asOf: number
      readonly contacts: number
      readonly events: EventColumns
      readonly indexed: boolean
      /** The name index of `events`, built before (shared). */
      readonly nameIndex?: NameIndex | undefined
    }
  | {
      readonly type: 'rules'
      /**
       * The rules, the longest first (`LATEST_ACTIVITY`: each contact's latest activity, for
       * inactivity): each thread takes the next one not taken.
       */
      readonly order: readonly number[]
      /** The next position of `order` to take (`Atomics.add`), shared with the other thread. */
      readonly next: Int32Array
    }

export type RulePointsReply =
  | {
      readonly type: 'sorted'
      /** The sorted columns (those of the task, sorted in place, or shared copies); `ids` and property values left out. */
      readonly events: Omit<EventColumns, 'names' | 'ids' | 'properties'> & {
        readonly properties: readonly (readonly [string, Int32Array])[]
      }
      readonly nameIndex: NameIndex
    }
  | { readonly type: 'points'; readonly points: readonly (readonly [number, Float64Array])[] }
  | { readonly type: 'error'; readonly message: string }

const port = parentPort!
let job: { model: CompiledModel; task: Extract<RulePointsTask, { type: 'columns' }> } | undefined

port.on('message', (task: RulePointsTask) => {
  try {
    if (task.type === 'sort') {
      const sorted = sortEventColumns(task.events, { shared: true })
      const index = buildNameIndex(sorted, true)
      port.postMessage(
        {
          type: 'sorted',
          events: {
            length: sorted.length,
            contacts: sorted.contacts,
            offsets: sorted.offsets,
            ts: sorted.ts,
            name: sorted.name,
            idHash: sorted.idHash,
            properties: [...sorted.properties].map(([key, column]) => [key, column.codes] as const),
          },
          nameIndex: index,
        } satisfies RulePointsReply,
        [sorted.offsets.buffer as ArrayBuffer],
      )
      return
    }
    if (task.type === 'columns') {
      job = { model: compileModel(task.document), task }
      if (task.nameIndex !== undefined) useNameIndex(task.events, task.nameIndex)
      // else the name index while the rules are chosen
      else if (task.indexed) nameIndex(task.events)
      return
    }
    const { model, task: columns } = job!
    const points: (readonly [number, Float64Array])[] = []
    for (let k = Atomics.add(task.next, 0, 1); k < task.order.length; k = Atomics.add(task.next, 0, 1)) {
      const r = task.order[k]!
      points.push([
        r,
        r === LATEST_ACTIVITY
          ? latestActivity(model, columns.contacts, columns.events, columns.asOf)
          : engagementRulePoints(model, columns.contacts, columns.events, columns.asOf, r, columns.indexed),
      ])
    }
    port.postMessage(
      { type: 'points', points } satisfies RulePointsReply,
      points.map(([, p]) => p.buffer as ArrayBuffer),
    )
  } catch (error) {
    port.postMessage({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    } satisfies RulePointsReply)
  }
})
