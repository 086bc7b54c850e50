/**
 * Runs a predictive task in a worker thread (`worker.ts`) on its own store connection: the
 * compiled worker next to this module, or, from the TypeScript sources (tests, tsx), the source
 * through tsx, as `src/io` starts its parser threads. `startWorker` starts the fold workers too.
 * @module
 */
import type { Worker } from 'node:worker_threads'
import { startModuleWorker } from '../../io/module-worker.js'
import type { Progress } from './progress.js'
import type { PredictiveTask, TaskResult } from './run-task.js'

/** A task running in a worker: its result, and a way to stop it. */
export interface WorkerRun {
  readonly result: Promise<TaskResult>
  /** Stops the thread (the task's job is left to the caller to mark). */
  terminate(): Promise<void>
}

/** Starts `task` in a new worker thread on the store at `location`. */
export function runInWorker(
  location: string,
  task: PredictiveTask,
  onProgress: (p: Progress) => void,
): WorkerRun {
  const worker = startWorker('worker', { location, task })
  let settled = false
  const result = new Promise<TaskResult>((resolve, reject) => {
    worker.on(
      'message',
      (message: { type: string; progress?: Progress; result?: TaskResult; message?: string }) => {
        if (message.type === 'progress' && message.progress) onProgress(message.progress)
        else if (message.type === 'done') {
          settled = true
          resolve(message.result!)
        } else if (message.type === 'error') {
          settled = true
          reject(new Error(`the predictive worker failed: ${message.message}`))
        }
      },
    )
    worker.on('error', (error) => {
      settled = true
      reject(error)
    })
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the predictive worker stopped (exit code ${code}) before it finished`))
    })
  })
  return {
    result,
    async terminate() {
      await worker.terminate()
    },
  }
}

/**
 * Starts the worker module `name` of this folder (`worker`, `fold-worker`): the compiled one
 * next to this module, or from the TypeScript sources the source through tsx.
 */
export function startWorker(name: string, workerData?: unknown): Worker {
  return startModuleWorker(import.meta.url, name, { workerData })
}
