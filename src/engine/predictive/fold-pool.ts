/**
 * Training with the cross-validation's fits spread over worker threads: the same steps as
 * `trainModel` (`trainingSteps` of `src/predict`), each batch of fits (the folds of every
 * learner; then the final fit and the forward-in-time check) run by a pool of threads that
 * received the encoded data once. Every fit is deterministic and independent of the others, so
 * the model and the report are exactly those of the single-threaded `trainModel`. When a thread
 * cannot be started or fails, its fits run in this thread instead.
 * @module
 */
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import {
  type FitData,
  type FitJob,
  type FitOutput,
  runFitJob,
  type TrainOptions,
  type TrainResult,
  trainingSteps,
} from '../../predict/train.js'
import { startWorker } from './worker-thread.js'

/** Options of {@link trainModelInThreads}. */
export interface ThreadOptions {
  /** Threads that fit at once (default: the cores, `os.availableParallelism()`); 1: in this thread. */
  readonly threads?: number | undefined
  /** Starts one thread (default: `fold-worker.ts`); tests pass one that fails. */
  readonly startWorker?: (() => Worker) | undefined
}

/** A training's result, and how many threads fitted and how many fits fell back to this thread. */
export interface ThreadedTrainResult extends TrainResult {
  readonly threads: number
  readonly fallbacks: number
}

type WorkerMessage =
  | { readonly type: 'done'; readonly id: number; readonly output: FitOutput }
  | { readonly type: 'error'; readonly id: number; readonly message: string }

/** Trains like `trainModel`, the fits in up to `threads` worker threads. */
export async function trainModelInThreads(
  table: Parameters<typeof trainingSteps>[0],
  options: TrainOptions & ThreadOptions,
): Promise<ThreadedTrainResult> {
  const progress = options.onProgress ?? (() => {})
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()))
  const steps = trainingSteps(table, options)
  const first = steps.next(undefined)
  if (first.done === true) return { ...first.value, threads: 1, fallbacks: 0 }
  const shared = first.value as FitData
  const pool = new FoldPool(shared, threads, options.startWorker ?? (() => startWorker('fold-worker')))
  try {
    let step = steps.next(undefined)
    while (step.done !== true) step = steps.next(await pool.run(step.value as readonly FitJob[], progress))
    return { ...step.value, threads: pool.started, fallbacks: pool.fallbacks }
  } finally {
    await pool.close()
  }
}

/** Worker threads holding the shared data, each running one fit at a time. */
class FoldPool {
  private readonly workers: Worker[] = []
  private broken = false
  private closed = false
  /** Fits run in this thread because a worker could not. */
  fallbacks = 0

  private readonly shared: FitData
  private readonly size: number
  private readonly start: () => Worker

  constructor(shared: FitData, size: number, start: () => Worker) {
    this.shared = shared
    this.size = size
    this.start = start
  }

  /** The most threads that fitted at once (1: all in this thread). */
  started = 1

  /** Runs `jobs`; the outputs come back in the jobs' order. */
  async run(jobs: readonly FitJob[], progress: (message: string) => void): Promise<FitOutput[]> {
    const outputs: FitOutput[] = new Array(jobs.length)
    const wanted = Math.min(this.size, jobs.length)
    // one thread: no worker at all (starting one costs more than it saves)
    if (wanted <= 1 || this.size <= 1) {
      jobs.forEach((job, i) => {
        progress(job.label)
        outputs[i] = runFitJob(this.shared, job)
      })
      return outputs
    }
    while (!this.broken && this.workers.length < wanted) {
      try {
        const worker = this.start()
        worker.postMessage({ type: 'data', shared: this.shared })
        this.workers.push(worker)
        this.started = Math.max(this.started, this.workers.length)
      } catch {
        this.broken = true
      }
    }
    let next = 0
    const local = () => {
      const i = next++
      progress(jobs[i]!.label)
      outputs[i] = runFitJob(this.shared, jobs[i]!)
      this.fallbacks++
    }
    // each worker takes the next job when it is free; a worker that fails hands its job back
    const drain = async (worker: Worker): Promise<void> => {
      while (next < jobs.length) {
        const i = next++
        progress(jobs[i]!.label)
        const output = await this.fit(worker, i, jobs[i]!)
        if (this.closed) return // the training ended (it failed elsewhere): nothing more to do
        if (output === undefined) {
          this.drop(worker)
          outputs[i] = runFitJob(this.shared, jobs[i]!)
          this.fallbacks++
          return
        }
        outputs[i] = output
      }
    }
    await Promise.all(this.workers.map(drain))
    while (next < jobs.length) local()
    return outputs
  }

  /** The output of `job` on `worker`, or undefined when the worker failed. */
  private fit(worker: Worker, id: number, job: FitJob): Promise<FitOutput | undefined> {
    return new Promise((resolve) => {
      const done = (output: FitOutput | undefined) => {
        worker.off('message', onMessage)
        worker.off('error', onFailure)
        worker.off('exit', onFailure)
        resolve(output)
      }
      const onMessage = (message: WorkerMessage) => {
        if (message.id !== id) return
        done(message.type === 'done' ? message.output : undefined)
      }
      const onFailure = () => done(undefined)
      worker.on('message', onMessage)
      worker.once('error', onFailure)
      worker.once('exit', onFailure)
      worker.postMessage({ type: 'job', id, job })
    })
  }

  /** Stops a worker that failed; no other is started in its place for this training. */
  private drop(worker: Worker): void {
    this.broken = true
    const at = this.workers.indexOf(worker)
    if (at >= 0) this.workers.splice(at, 1)
    void worker.terminate().catch(() => {})
  }

  async close(): Promise<void> {
    this.closed = true
    await Promise.all(this.workers.map((w) => w.terminate().catch(() => 0)))
    this.workers.length = 0
  }
}
