/**
 * The worker thread of the model previews (`preview-thread.ts`): opens its own connection to
 * the store, keeps the snapshot (`PreviewSnapshots`, reading it on a worker of its own) and
 * answers each preview request with its result; log lines go to the server's logger.
 *
 * In: `workerData` ({@link PreviewWorkerData}), then {@link PreviewRequest} messages. Out:
 * {@link PreviewReply} messages.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads'
import { compileModel } from '../../core/index.js'
import { openStore } from '../../store/index.js'
import type { LogFields, Logger, LogLevel } from '../logger.js'
import type { PreviewReply, PreviewRequest, PreviewWorkerData } from './preview-thread.js'
import { PreviewSnapshots } from './snapshots.js'

const port = parentPort!
const data = workerData as PreviewWorkerData

const post = (reply: PreviewReply) => port.postMessage(reply)
const log =
  (level: LogLevel) =>
  (message: string, fields?: LogFields): void =>
    post({ type: 'log', level, message, ...(fields === undefined ? {} : { fields }) })
const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }

const opening = openStore(data.location, { role: 'reader' }).then(
  (store) =>
    new PreviewSnapshots(store, {
      refreshAfterMs: data.refreshAfterMs,
      idleMs: data.idleMs,
      location: data.location,
      inWorker: false,
      logger,
    }),
)

// a store that does not open fails each preview (below), not the thread
opening.catch(() => undefined)

port.on('message', (request: PreviewRequest) => {
  answer(request).catch((error: unknown) => {
    post({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) })
  })
})

async function answer(request: PreviewRequest): Promise<void> {
  const snapshots = await opening
  const compiled = compileModel(request.target.document)
  const target = { id: request.target.id, version: request.target.version, compiled }
  post({
    type: 'result',
    id: request.id,
    result: await snapshots.preview(request.now, target, request.baseline),
  })
}
