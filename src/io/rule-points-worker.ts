/**
 * The worker of `scoreColumnsInThreads`: computes the points of the engagement rules it is
 * given over the event columns, which it reads without a copy (`SharedArrayBuffer`s).
 *
 * Messages in: `{ type: 'columns', ... }` once (the model, the time, the columns), then
 * `{ type: 'rules', order, next }`: it takes rules from `order` as the main thread does, one
 * at a time, until none is left. Out: `{ type: 'points', points }` (the columns of the rules
 * it took, transferred) or `{ type: 'error', message }`.
 * @module
 */
import { parentPort } from 'node:worker_threads'
import { nameIndex } from '../core/columnar/event-match.js'
import type { EventColumns } from '../core/columnar/events.js'
import { engagementRulePoints, latestActivity } from '../core/columnar/score.js'
import { type CompiledModel, compileModel } from '../core/compile.js'
import type { ModelDocument } from '../core/model/types.js'
import { LATEST_ACTIVITY } from './score-threads.js'

export type RulePointsTask =
  | {
      readonly type: 'columns'
      readonly document: ModelDocument
      readonly asOf: number
      readonly contacts: number
      readonly events: EventColumns
      readonly indexed: boolean
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
  | { readonly type: 'points'; readonly points: readonly (readonly [number, Float64Array])[] }
  | { readonly type: 'error'; readonly message: string }

const port = parentPort!
let job: { model: CompiledModel; task: Extract<RulePointsTask, { type: 'columns' }> } | undefined

port.on('message', (task: RulePointsTask) => {
  try {
    if (task.type === 'columns') {
      job = { model: compileModel(task.document), task }
      // the name index while the rules are chosen
      if (task.indexed) nameIndex(task.events)
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
