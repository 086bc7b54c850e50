/**
 * The worker thread that reads a preview snapshot: opens its own connection to the store
 * (SQLite in WAL mode lets it read while the server writes; PostgreSQL gives it a pool of its
 * own), reads every contact and event into columns over `SharedArrayBuffer`s, and posts them.
 * The reading, the JSON parsing and the sort of the columns never hold the server's thread.
 *
 * In: `workerData` ({@link SnapshotWorkerData}). Out: `{ type: 'done', columns }` or
 * `{ type: 'error', message }`.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openStore } from '../../store/index.js'
import { readSnapshotColumns } from './snapshot.js'
import type { SnapshotWorkerData } from './snapshot-thread.js'

const port = parentPort!
const data = workerData as SnapshotWorkerData

async function main(): Promise<void> {
  const store = await openStore(data.location, { role: 'reader' })
  try {
    const columns = await readSnapshotColumns(store, data.at, {
      pageSize: data.pageSize,
      eventProperties: data.eventProperties,
      shared: true,
      // nothing else runs on this thread: no turn to give between pages
      pause: () => Promise.resolve(),
    })
    port.postMessage({ type: 'done', columns })
  } finally {
    await store.close()
  }
}

main().catch((error: unknown) => {
  port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) })
})
