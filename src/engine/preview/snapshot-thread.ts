/**
 * Reading a preview snapshot on a worker thread (`snapshot-worker.ts`) with its own store
 * connection. At a million contacts and twenty million events the reading is minutes of CPU
 * and its single blocks of work (sorting the columns, collecting a heap of several GB) held
 * the server's thread for tens of seconds; on a worker, the server's thread only receives the
 * finished columns: typed arrays over `SharedArrayBuffer`s (not copied) and the contacts' ids,
 * stages and property dictionaries (copied once).
 * @module
 */
import { startModuleWorker } from '../../io/module-worker.js'
import { type PreviewSnapshot, type SnapshotColumns, withCaches } from './snapshot.js'

/** What the worker is given. */
export interface SnapshotWorkerData {
  /** Where it opens the store (`Store.location`). */
  readonly location: string
  /** The snapshot's time (`PreviewSnapshot.at`). */
  readonly at: number
  readonly pageSize?: number | undefined
  /** The event properties to keep; undefined: all of them. */
  readonly eventProperties?: readonly string[] | undefined
}

type WorkerMessage =
  | { readonly type: 'done'; readonly columns: SnapshotColumns }
  | { readonly type: 'error'; readonly message: string }

/** Where the reading failed, said once for every way a worker can fail. */
const FAILED = 'reading the contacts for the model preview (worker thread)'

/**
 * Reads the snapshot of the store at `location` as of `at` on a worker thread. Rejects with
 * what went wrong when the worker fails (the store cannot be opened, a query fails, the thread
 * stops); `signal` stops the thread.
 */
export function readSnapshotInWorker(
  data: SnapshotWorkerData,
  options: { readonly signal?: AbortSignal | undefined } = {},
): Promise<PreviewSnapshot> {
  const { signal } = options
  signal?.throwIfAborted()
  const worker = startModuleWorker(import.meta.url, 'snapshot-worker', { workerData: data })
  return new Promise<PreviewSnapshot>((resolve, reject) => {
    let settled = false
    const settle = (fn: () => void) => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', stop)
      fn()
    }
    const stop = () => {
      settle(() => reject(signal!.reason))
      void worker.terminate()
    }
    signal?.addEventListener('abort', stop, { once: true })
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'done') settle(() => resolve(withCaches(message.columns)))
      else settle(() => reject(new Error(`${FAILED} failed: ${message.message}`)))
    })
    worker.on('error', (error) =>
      settle(() => reject(new Error(`${FAILED} failed: ${error.message}`, { cause: error }))),
    )
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`${FAILED} stopped (exit code ${code}) before it finished`))),
    )
  })
}
