/**
 * The worker thread of the predictive service: opens its own connection to the store, runs
 * one task (`run-task.ts`), posts its progress and result, and closes. Training is seconds to
 * minutes of CPU: here it never holds up the thread that ingests events.
 *
 * In: `workerData` `{ location, task }`. Out: `{ type: 'progress', progress }`, then
 * `{ type: 'done', result }` or `{ type: 'error', message }`.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openStore } from '../../store/index.js'
import { type PredictiveTask, runTask } from './run-task.js'

const port = parentPort!
const { location, task } = workerData as { location: string; task: PredictiveTask }

async function main(): Promise<void> {
  const store = await openStore(location)
  try {
    const result = await runTask(store, task, (progress) => port.postMessage({ type: 'progress', progress }))
    port.postMessage({ type: 'done', result })
  } finally {
    await store.close()
  }
}

main().catch((error: unknown) => {
  port.postMessage({
    type: 'error',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  })
})
