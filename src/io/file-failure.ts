/**
 * What went wrong reading a file, as a problem and a hint (the wording of `readText`).
 * @module
 */

/** A problem with a file as a whole, for an `InputFileError`. */
export interface FileFailure {
  readonly problem: string
  readonly hint: string
}

/** True for an error of the file system (`ENOENT`, ...) or of zlib (`Z_DATA_ERROR`, ...). */
export function isFileError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && (/^E[A-Z]+$/.test(code) || code.startsWith('Z_'))
}

/** The problem and hint for `error` (from reading, or gunzipping, a file). */
export function readFailure(error: unknown): FileFailure {
  const code = (error as { code?: unknown }).code
  const text = error instanceof Error ? error.message : String(error)
  if (code === 'ENOENT') return { problem: 'no such file', hint: 'check the path' }
  if (code === 'EACCES') return { problem: 'permission denied', hint: 'check the file permissions' }
  if (code === 'EISDIR') return { problem: 'is a directory, not a file', hint: 'give the path of a file' }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return {
      problem: `not a valid gzip file (${text})`,
      hint: 'decompress it to check it, or drop the .gz suffix if it is not compressed',
    }
  }
  return { problem: `cannot read the file (${text})`, hint: 'check the file' }
}
