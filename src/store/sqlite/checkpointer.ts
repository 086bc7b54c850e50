/**
 * Background WAL checkpoints. A commit in WAL mode appends to the `-wal` file; a checkpoint
 * copies those pages back into the database file and fsyncs it. By default SQLite runs one
 * inside whichever COMMIT crosses 1,000 pages, on the thread that commits: with better-sqlite3
 * that is the event loop, which then waits for the disk. The checkpointer runs them on a
 * worker thread with its own connection instead (PASSIVE: never blocks a writer or reader),
 * and the main connection stops checkpointing on its own. If the worker fails, the main
 * connection checkpoints as before.
 * @module
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type Database from 'better-sqlite3'

/** The worker: checkpoints every `intervalMs`, until told to stop. CommonJS, run with `eval`. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file, { fileMustExist: true })
db.pragma('busy_timeout = 1000')
let stopped = false
const checkpoint = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ type: 'checkpoint', busy: r.busy, log: r.log, checkpointed: r.checkpointed })
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message || error) })
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.on('message', (m) => {
  if (m === 'stop' && !stopped) {
    stopped = true
    clearInterval(timer)
    checkpoint()
    db.close()
    parentPort.postMessage({ type: 'stopped' })
  }
})
parentPort.postMessage({ type: 'ready' })
`

/** The latest checkpoint's figures, in WAL frames (pages). */
export interface CheckpointStats {
  readonly log: number
  readonly checkpointed: number
  readonly runs: number
}

export interface CheckpointerOptions {
  /** How often to checkpoint, ms (default 200). */
  readonly intervalMs?: number | undefined
  /** Called when the worker fails and the main connection takes checkpoints back. */
  readonly onFallback?: ((reason: string) => void) | undefined
}

/** Checkpoints `file` on a worker thread while it runs; see the module description. */
export class BackgroundCheckpointer {
  private readonly worker: Worker
  private readonly db: Database.Database
  private readonly onFallback: ((reason: string) => void) | undefined
  private stats: CheckpointStats = { log: 0, checkpointed: 0, runs: 0 }
  private stopping: Promise<void> | undefined
  private fellBack = false

  private constructor(db: Database.Database, worker: Worker, onFallback?: (reason: string) => void) {
    this.db = db
    this.worker = worker
    this.onFallback = onFallback
  }

  /**
   * Starts the worker on the file of `db` and turns off `db`'s own checkpoints once it is
   * ready. Resolves undefined (checkpoints stay on `db`) when the worker cannot start.
   */
  static async start(
    db: Database.Database,
    file: string,
    options: CheckpointerOptions = {},
  ): Promise<BackgroundCheckpointer | undefined> {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, file, intervalMs: options.intervalMs ?? 200 },
    })
    const ready = await new Promise<boolean>((resolve) => {
      worker.once('message', (m: { type: string }) => resolve(m.type === 'ready'))
      worker.once('error', () => resolve(false))
    })
    if (!ready) {
      await worker.terminate()
      return undefined
    }
    worker.unref()
    const checkpointer = new BackgroundCheckpointer(db, worker, options.onFallback)
    db.pragma('wal_autocheckpoint = 0')
    worker.on('message', (m: { type: string; log?: number; checkpointed?: number; message?: string }) => {
      if (m.type === 'checkpoint') {
        checkpointer.stats = {
          log: m.log ?? 0,
          checkpointed: m.checkpointed ?? 0,
          runs: checkpointer.stats.runs + 1,
        }
      }
    })
    worker.on('error', (error) => checkpointer.fallBack(`the checkpoint worker failed: ${error.message}`))
    worker.on('exit', (code) => {
      if (checkpointer.stopping === undefined) checkpointer.fallBack(`the checkpoint worker exited (${code})`)
    })
    return checkpointer
  }

  /** The figures of the latest checkpoint. */
  get latest(): CheckpointStats {
    return this.stats
  }

  /** Whether the worker failed and the main connection checkpoints again. */
  get failed(): boolean {
    return this.fellBack
  }

  private fallBack(reason: string): void {
    if (this.fellBack) return
    this.fellBack = true
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000')
    this.onFallback?.(reason)
  }

  /** Takes a last checkpoint and stops the worker (the main connection checkpoints again). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.fellBack) {
        await new Promise<void>((resolve) => {
          const done = (m: { type: string }) => {
            if (m.type === 'stopped') resolve()
          }
          this.worker.on('message', done)
          this.worker.once('exit', () => resolve())
          this.worker.postMessage('stop')
        })
      }
      await this.worker.terminate()
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000')
    })()
    return this.stopping
  }
}
