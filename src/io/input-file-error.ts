/**
 * The error for an input file that cannot be read at all.
 * @module
 */

/**
 * An input file that cannot be read: missing, of an unknown type, not gzip, or with a
 * header that lacks a required column. Its message names the file (and line, when there
 * is one); `hint` says what to do.
 */
export class InputFileError extends Error {
  /** The path as it was given. */
  readonly file: string
  /** The 1-based line the problem is on, when it is on one. */
  readonly line: number | undefined
  /** What to do about it. */
  readonly hint: string

  constructor(file: string, line: number | undefined, problem: string, hint: string, options?: ErrorOptions) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${problem}`, options)
    this.name = 'InputFileError'
    this.file = file
    this.line = line
    this.hint = hint
  }
}
