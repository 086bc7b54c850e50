/**
 * The model previews on a worker thread of their own (`preview-worker.ts`), with their own
 * store connection: the snapshot of every contact and event, its refreshes, its warm-up and
 * each edit's scoring all run there. At a million contacts those are seconds of work in blocks
 * the scorer cannot split (a rule over twenty million events), and a heap of gigabytes to
 * collect; on the server's thread they held every other request for up to 35 s. Here the
 * server's thread sends the draft (its document) and receives the preview (a few kB).
 * @module
 */
import type { Worker } from 'node:worker_threads'
import type { CompiledModel } from '../../core/index.js'
import { startModuleWorker } from '../../io/module-worker.js'
import type { LogFields, Logger, LogLevel } from '../logger.js'
import type { BaselineModel } from './baseline.js'
import type { PreviewResult } from './compare.js'
import type { PreviewTarget } from './snapshots.js'

/** What the preview worker is given. */
export interface PreviewWorkerData {
  /** Where it opens the store (`Store.location`). */
  readonly location: string
  readonly refreshAfterMs?: number | undefined
  readonly idleMs?: number | undefined
  /**
   * The most the worker's JavaScript heap may take, MB (default: V8's). The columns are
   * outside it (`SharedArrayBuffer`s); a worker over it stops and the previews waiting fail.
   */
  readonly maxHeapMb?: number | undefined
}

/** A request to the preview worker. */
export interface PreviewRequest {
  readonly id: number
  readonly now: number
  readonly target: {
    readonly id: string
    readonly version: number
    readonly document: CompiledModel['document']
  }
  readonly baseline: BaselineModel | null
}

/** What the preview worker posts. */
export type PreviewReply =
  | { readonly type: 'result'; readonly id: number; readonly result: PreviewResult }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'log'; readonly level: LogLevel; readonly message: string; readonly fields?: LogFields }

interface Pending {
  readonly resolve: (result: PreviewResult) => void
  readonly reject: (error: Error) => void
}

/** Previews answered by a worker thread, started at the first preview and stopped when idle. */
export class PreviewThread {
  readonly #data: PreviewWorkerData
  readonly #idleMs: number
  readonly #logger: Logger
  #worker: Worker | undefined
  readonly #pending = new Map<number, Pending>()
  #next = 0
  #idle: NodeJS.Timeout | undefined

  constructor(data: PreviewWorkerData, logger: Logger) {
    this.#data = data
    this.#idleMs = data.idleMs ?? 600_000
    this.#logger = logger
  }

  /** Previews `target` (scored on the worker's snapshot) against the stored scores of `baseline`. */
  preview(now: number, target: PreviewTarget, baseline: BaselineModel | null): Promise<PreviewResult> {
    const worker = this.#start()
    const id = this.#next++
    const request: PreviewRequest = {
      id,
      now,
      target: { id: target.id, version: target.version, document: target.compiled.document },
      baseline,
    }
    if (this.#idle !== undefined) clearTimeout(this.#idle)
    return new Promise<PreviewResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      worker.postMessage(request)
    }).finally(() => this.#touch())
  }

  /** Stops the worker; previews waiting for it fail. */
  close(): void {
    if (this.#idle !== undefined) clearTimeout(this.#idle)
    this.#stop(new Error('the model preview was closed'))
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker
    const { maxHeapMb } = this.#data
    const worker = startModuleWorker(import.meta.url, 'preview-worker', {
      workerData: this.#data,
      ...(maxHeapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } }),
    })
    worker.on('message', (reply: PreviewReply) => {
      if (reply.type === 'log') {
        this.#logger[reply.level](reply.message, reply.fields)
        return
      }
      const pending = this.#pending.get(reply.id)
      if (pending === undefined) return
      this.#pending.delete(reply.id)
      if (reply.type === 'result') pending.resolve(reply.result)
      else pending.reject(new Error(`the model preview failed on its worker thread: ${reply.message}`))
    })
    worker.on('error', (error) => {
      this.#logger.error('model preview: its worker thread failed', { error: error.message })
      this.#stop(
        new Error(
          `the model preview's worker thread failed: ${error.message}; the next preview starts a new one`,
        ),
      )
    })
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#worker = undefined
      this.#fail(
        new Error(
          `the model preview's worker thread stopped (exit code ${code}) before answering; the next preview starts a new one`,
        ),
      )
    })
    this.#worker = worker
    return worker
  }

  /** After the last preview answered: the worker (its snapshot and memory) goes when idle. */
  #touch(): void {
    if (this.#idle !== undefined) clearTimeout(this.#idle)
    if (this.#pending.size > 0) return
    this.#idle = setTimeout(() => {
      if (this.#pending.size === 0) this.#stop(new Error('the model preview was idle'))
    }, this.#idleMs)
    this.#idle.unref()
  }

  #stop(reason: Error): void {
    const worker = this.#worker
    this.#worker = undefined
    this.#fail(reason)
    if (worker !== undefined) void worker.terminate()
  }

  #fail(reason: Error): void {
    for (const pending of this.#pending.values()) pending.reject(reason)
    this.#pending.clear()
  }
}
