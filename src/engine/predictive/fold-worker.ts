/**
 * A thread of the fold pool (`fold-pool.ts`): receives the data every fit shares once, then
 * runs fit jobs one at a time until the pool terminates it.
 *
 * In: `{ type: 'data', shared }`, then `{ type: 'job', id, job }`. Out: `{ type: 'done', id,
 * output }` or `{ type: 'error', id, message }`.
 * @module
 */
import { parentPort } from 'node:worker_threads'
import { type FitData, type FitJob, runFitJob } from '../../predict/train.js'

const port = parentPort!
let shared: FitData | undefined

port.on(
  'message',
  (message: { type: 'data'; shared: FitData } | { type: 'job'; id: number; job: FitJob }) => {
    if (message.type === 'data') {
      shared = message.shared
      return
    }
    try {
      if (shared === undefined) throw new Error('a fit job came before the data')
      const output = runFitJob(shared, message.job)
      port.postMessage(
        { type: 'done', id: message.id, output },
        output.margins === null ? [] : [output.margins.buffer as ArrayBuffer],
      )
    } catch (error) {
      port.postMessage({
        type: 'error',
        id: message.id,
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      })
    }
  },
)
