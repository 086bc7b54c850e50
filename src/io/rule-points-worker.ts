/**
 * The worker of `scoreColumnsInThreads`: computes the points of the engagement rules it is
 * given over the event columns, which it reads without a copy (`SharedArrayBuffer`s).
 *
 * Messages in: `{ type: 'columns', ... }` once (the model, the time, the columns), then
 * `{ type: 'rules', rules }`. Out: `{ type: 'points', points }` (each rule's column,
 * transferred) or `{ type: 'error', message }`.
 * @module
 */
import { parentPort } from 'node:worker_threads'
import { nameIndex } from '../core/columnar/event-match.js'
import type { EventColumns } from '../core/columnar/events.js'
import { engagementRulePoints } from '../core/columnar/score.js'
import { type CompiledModel, compileModel } from '../core/compile.js'
import type { ModelDocument } from '../core/model/types.js'

export type RulePointsTask =
  | {
      readonly type: 'columns'
      readonly document: ModelDocument
      readonly asOf: number
      readonly contacts: number
      readonly events: EventColumns
      readonly indexed: boolean
    }
  | { readonly type: 'rules'; readonly rules: readonly number[] }

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
    const points = task.rules.map(
      (r) =>
        [
          r,
          engagementRulePoints(model, columns.contacts, columns.events, columns.asOf, r, columns.indexed),
        ] as const,
    )
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
