/**
 * The worker of `readEventColumns`: parses the chunks of an events file it is given and
 * posts the batches back, transferring their columns. Compiled to `dist/io`; from the
 * TypeScript sources (tests, tsx) the reader starts it through tsx.
 *
 * Messages in: `{ type: 'init', config }` once, then `{ type: 'chunk', chunk, range }` for a
 * byte range of a plain file or `{ type: 'stream', chunk, gzip }` for a whole (gzip) file,
 * and `{ type: 'recycle', columns }` giving back the columns of batches used up.
 * Messages out: the parser's (`batch`, `end`, `error`) and `{ type: 'progress', bytes }`.
 * @module
 */
import { closeSync, openSync, readSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { type ChunkRange, EventChunkParser, type ParserConfig, parseStream } from './event-chunk-parser.js'
import { isFileError, readFailure } from './file-failure.js'

export type WorkerTask =
  | { readonly type: 'init'; readonly config: ParserConfig }
  | { readonly type: 'chunk'; readonly chunk: number; readonly range: ChunkRange }
  | { readonly type: 'stream'; readonly chunk: number; readonly gzip: boolean }
  | { readonly type: 'recycle'; readonly columns: (Int32Array | Float64Array)[] }

const port = parentPort!
const path = (workerData as { path: string }).path
let parser: EventChunkParser | undefined

port.on('message', (task: WorkerTask) => {
  try {
    if (task.type === 'init') {
      parser = new EventChunkParser(task.config, (message, transfer) => port.postMessage(message, transfer))
    } else if (task.type === 'recycle') {
      parser!.recycle(task.columns)
    } else if (task.type === 'chunk') {
      parseRange(parser!, task.chunk, task.range)
    } else {
      const progress = (bytes: number) => port.postMessage({ type: 'progress', bytes })
      parseStream(parser!, path, task.chunk, task.gzip, progress).catch(fail(task.chunk))
    }
  } catch (error) {
    fail(task.type === 'init' || task.type === 'recycle' ? -1 : task.chunk)(error)
  }
})

function parseRange(parser: EventChunkParser, chunk: number, range: ChunkRange): void {
  const fd = openSync(path, 'r')
  try {
    parser.begin(chunk, range)
    let position = range.offset
    while (!parser.done) {
      const { buffer, offset, length } = parser.writable()
      const bytes = readSync(fd, buffer, offset, length, position)
      position += bytes
      port.postMessage({ type: 'progress', bytes })
      parser.commit(bytes, bytes === 0)
    }
  } finally {
    closeSync(fd)
  }
  parser.finish()
}

/** Reports a problem with the file; anything else is a bug, thrown (the reader sees the worker fail). */
function fail(chunk: number): (error: unknown) => void {
  return (error) => {
    if (!isFileError(error)) throw error
    const { problem, hint } = readFailure(error)
    port.postMessage({ type: 'error', chunk, start: undefined, line: undefined, problem, hint })
  }
}
