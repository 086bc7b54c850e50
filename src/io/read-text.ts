/**
 * Streams a file (gunzipped when asked) as decoded UTF-8 text.
 * @module
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { InputFileError } from './input-file-error.js'

/** Bytes per read: large reads keep the per-chunk overhead negligible. */
const CHUNK_BYTES = 1 << 20

/** Options of {@link readText}. */
export interface ReadTextOptions {
  /** Gunzip the bytes while streaming. */
  readonly gzip: boolean
  /** Called after each chunk with the bytes read from disk (compressed bytes for gzip) and the file size. */
  readonly progress?: ((bytesRead: number, totalBytes: number) => void) | undefined
}

/**
 * Yields the text of the file at `path` in chunks (about 1 MiB), never the whole file.
 * A byte-order mark is kept (the parsers drop it); invalid UTF-8 becomes U+FFFD.
 * @throws {InputFileError} when the file is missing, unreadable, or not valid gzip.
 */
export async function* readText(
  path: string,
  options: ReadTextOptions,
): AsyncGenerator<string, void, undefined> {
  const totalBytes = await fileSize(path)
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES })
  let source: Readable = file
  if (options.gzip) {
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES })
    file.on('error', (error) => gunzip.destroy(error))
    source = file.pipe(gunzip)
  }
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  const progress = options.progress
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const text = decoder.decode(chunk, { stream: true })
      progress?.(file.bytesRead, totalBytes)
      if (text.length > 0) yield text
    }
  } catch (error) {
    throw readError(path, error)
  } finally {
    file.destroy()
    if (source !== file) source.destroy()
  }
  const tail = decoder.decode()
  if (tail.length > 0) yield tail
}

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path)
    if (info.isDirectory()) {
      throw new InputFileError(path, undefined, 'is a directory, not a file', 'give the path of a file')
    }
    return info.size
  } catch (error) {
    throw readError(path, error)
  }
}

function readError(path: string, error: unknown): Error {
  if (error instanceof InputFileError) return error
  const code = (error as { code?: unknown }).code
  const text = error instanceof Error ? error.message : String(error)
  if (code === 'ENOENT')
    return new InputFileError(path, undefined, 'no such file', 'check the path', { cause: error })
  if (code === 'EACCES') {
    return new InputFileError(path, undefined, 'permission denied', 'check the file permissions', {
      cause: error,
    })
  }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new InputFileError(
      path,
      undefined,
      `not a valid gzip file (${text})`,
      'decompress it to check it, or drop the .gz suffix if it is not compressed',
      { cause: error },
    )
  }
  return new InputFileError(path, undefined, `cannot read the file (${text})`, 'check the file', {
    cause: error,
  })
}
